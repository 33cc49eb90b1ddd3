"""Bulk writes (COPY on PostgreSQL, executemany on SQLite) do what Core statements would; bulk steps
run without the cyclic collector."""
import gc
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.bulk import collector_paused, insert_rows, reserve_ids, update_rows
from app.enterprises.search import index_new
from app.enterprises.services import search
from app.extensions import db
from app.imports.services import run
from app.models import AuditLog, Enterprise
from app.names import name_keys
from tests import helpers


def test_rows_round_trip_with_json_unicode_nulls_and_defaults(app, world):
    with app.app_context():
        before = datetime.now(UTC) - timedelta(seconds=5)
        last = db.session.scalar(sa.select(sa.func.max(AuditLog.id)))
        changes = {"name": [None, "汾酒集团\t(新)\n\\"], "revenue_wan": [None, "12.50"], "notes": [None, None]}
        insert_rows(AuditLog, [
            {"user_id": None, "action": "create", "record_type": "Enterprise", "record_id": 7,
             "record_label": "汾酒集团", "changes": changes},
            {"user_id": 3, "action": "delete", "record_type": "Contact", "record_id": None,
             "record_label": None, "changes": {}},
        ])  # "at" left out: its Python default applies
        rows = db.session.scalars(sa.select(AuditLog).where(AuditLog.id > last).order_by(AuditLog.id)).all()
        assert [(r.action, r.record_id, r.record_label, r.changes) for r in rows] == [
            ("create", 7, "汾酒集团", changes), ("delete", None, None, {})]
        assert all(r.at is not None and r.at.replace(tzinfo=r.at.tzinfo or UTC) >= before for r in rows)


def test_rows_made_as_they_are_written_are_all_written_and_counted(app, world):
    with app.app_context():
        last = db.session.scalar(sa.select(sa.func.max(AuditLog.id)))
        made = []

        def rows():
            for n in range(7):
                made.append(n)
                yield {"user_id": None, "action": "create", "record_type": "Enterprise", "record_id": n,
                       "record_label": f"第{n}家", "changes": {}}

        assert insert_rows(AuditLog, rows()) == 7 and made == list(range(7))
        assert insert_rows(AuditLog, iter([])) == 0
        written = db.session.scalars(sa.select(AuditLog.record_id).where(AuditLog.id > last).order_by(AuditLog.id))
        assert list(written) == list(range(7))


def test_inserted_enterprises_are_found_by_every_query(app, world):
    with app.app_context():
        [ident] = reserve_ids(Enterprise, 1)
        now = datetime.now(UTC)
        insert_rows(Enterprise, [{"id": ident, "name": "晋城示例矿业", **name_keys("晋城示例矿业"),
                                  "unit_id": world.a_unit_id, "revenue_wan": Decimal("1234.5"),
                                  "is_active": True, "version": 1, "created_at": now, "updated_at": now}])
        index_new(db.session, [ident])
        enterprise = db.session.get(Enterprise, ident)
        assert enterprise.revenue_wan == Decimal("1234.5") and enterprise.status == "target"  # default
        user = helpers.make_user("officer", world.a_unit_id)
        assert [e.id for e in db.session.scalars(search(user, {"q": "矿业"}))] == [ident]


def test_rows_are_updated_by_key_and_others_left_alone(app, world):
    with app.app_context():
        last = db.session.scalar(sa.select(sa.func.max(AuditLog.id))) or 0
        insert_rows(AuditLog, [{"action": "create", "record_type": "Enterprise", "record_id": i,
                                "record_label": f"企业{i}", "changes": {}} for i in range(3)])
        first, second, third = db.session.scalars(sa.select(AuditLog.id).where(AuditLog.id > last).order_by(AuditLog.id))
        update_rows(AuditLog, [{"id": first, "record_label": "改名", "changes": {"name": ["旧", "新"]}},
                               {"id": third, "record_label": None, "changes": {}}])
        rows = db.session.execute(sa.select(AuditLog.id, AuditLog.record_label, AuditLog.changes)
                                  .where(AuditLog.id > last).order_by(AuditLog.id)).all()
        assert [tuple(r) for r in rows] == [(first, "改名", {"name": ["旧", "新"]}), (second, "企业1", {}),
                                            (third, None, {})]


def test_step_generators_work_without_the_collector_and_wait_with_it():
    @collector_paused
    def steps(fail):
        assert not gc.isenabled()
        yield 1
        assert not gc.isenabled()
        if fail:
            raise ValueError("boom")
        return "done"

    working = steps(False)
    assert next(working) == 1 and gc.isenabled()  # on again while the caller has the progress
    assert run(working) == "done" and gc.isenabled()
    with pytest.raises(ValueError):
        run(steps(True))
    assert gc.isenabled()
