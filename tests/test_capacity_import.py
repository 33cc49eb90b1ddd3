"""Importing a capacity list with the shared machinery: a park admin's own park only, checked rows,
revisions kept, undo; other roles and other kinds refused."""
import io
import json
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from app.extensions import db
from app.models import CapacityItem, CapacityRevision, ImportBatch, ImportRow
from app.models.enums import Role
from tests import helpers
from tests.workbooks import simple

HEADER = ["园区", "要素类别", "名称", "总量", "单位", "截至日期", "备注"]


def ledger(tmp_path):
    return simple(tmp_path / "要素清单.xlsx", HEADER, [
        [None, "可供工业用地", None, 120, "亩", "2026/11/1", "其中标准地 60 亩"],
        ["甲园区", "能耗指标", None, "5,000", None, datetime(2026, 11, 2), None],
        ["甲园区二期", "供电容量", None, 8000, "kVA", "2026-11-01", None],
        [None, "供水", None, 3000, "吨/时", "2026-11-01", None],
        [None, "蒸汽", None, -1, "t/h", "2026-11-01", None],
        [None, "天然气", None, 100, "m³/日", "2099-01-01", None],
    ])


def keeper(app, world, client):
    with app.app_context():
        helpers.make_user(Role.PARK_ADMIN, world.a_zone_unit_id, park_id=world.park_id, username="keeper")
        helpers.make_park(world.a_zone_unit_id, "甲园区二期")
        db.session.commit()
    client.post("/auth/login", data={"username": "keeper", "password": helpers.PASSWORD})


def items(app):
    with app.app_context():
        return {i.kind: i.total for i in db.session.scalars(sa.select(CapacityItem))}


def test_a_park_admin_imports_its_list_and_undoes_it(app, client, world, tmp_path):
    keeper(app, world, client)
    path = ledger(tmp_path)
    page = client.post("/imports/capacity/upload", data={"file": (io.BytesIO(path.read_bytes()), path.name)},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "新增 1" in page and "更新 1" in page and "错误 4" in page
    with app.app_context():
        batch = db.session.scalar(sa.select(ImportBatch).order_by(ImportBatch.id.desc()))
        messages = [r.message for r in sorted(batch_rows(batch.id), key=lambda r: r.row_number)]
    assert messages[:2] == ["总量、截至日期、备注", None]
    assert messages[2] == "园区“甲园区二期”不存在，或不是您维护的园区"
    assert "单位应为“吨/日”" in messages[3] and "不能为负数" in messages[4] and "不能晚于今天" in messages[5]
    done = client.post(f"/imports/{batch.id}/commit", data={"skip_errors": "y"}, follow_redirects=True)
    assert "新增 1" in done.get_data(as_text=True)
    assert items(app) == {"land": Decimal(120), "energy": Decimal(5000)}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CapacityRevision)) == 2
    client.post(f"/imports/{batch.id}/undo")
    assert items(app) == {"land": Decimal(100)}


def batch_rows(batch_id):
    return db.session.scalars(sa.select(ImportRow).where(ImportRow.batch_id == batch_id)).all()


def test_only_park_admins_and_admins_import_capacity(app, client, world, login):
    login("officer", unit="a")
    assert client.get("/imports/capacity/upload").status_code == 403
    park_admin = app.test_client()
    login("park_admin", unit="a_zone", client=park_admin)
    assert park_admin.get("/imports/enterprises/upload").status_code == 403
    assert park_admin.get("/imports/capacity/upload").status_code == 200


def test_cli_import_capacity(app, runner, world, tmp_path):
    with app.app_context():
        helpers.make_user(Role.PARK_ADMIN, world.a_zone_unit_id, park_id=world.park_id, username="keeper")
        db.session.commit()
    result = runner.invoke(args=["import", "capacity", str(ledger(tmp_path)), "--user", "keeper", "--dry-run",
                                 "--json"])
    summary = json.loads(result.output)
    assert summary["created"] == 1 and summary["updated"] == 1 and len(summary["errors"]) == 4
