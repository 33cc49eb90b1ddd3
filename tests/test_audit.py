"""Every create, update and delete of a business record is in the audit log, in the same transaction."""
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, Enterprise, Project, User
from app.models.common import BEIJING
from tests import helpers


def entries(record_type):
    return list(db.session.scalars(sa.select(AuditLog).where(AuditLog.record_type == record_type)
                                   .order_by(AuditLog.id)))


def test_create_update_delete_are_logged_with_old_and_new_values(app, world):
    with app.app_context():
        db.session.info["actor_id"] = world.a_user_id
        project = helpers.make_project(world.a_unit_id, "审计测试项目", agreed_investment_wan=Decimal("500.00"))
        db.session.commit()
        project.agreed_investment_wan = Decimal("800.50")
        project.name = "审计测试项目（改）"
        db.session.commit()
        project_id = project.id
        db.session.delete(project)
        db.session.commit()

        log = [e for e in entries("Project") if e.record_id == project_id]
        assert [e.action for e in log] == ["create", "update", "delete"]
        assert all(e.user_id == world.a_user_id for e in log)
        assert log[0].changes["name"] == [None, "审计测试项目"]
        assert log[1].changes == {"agreed_investment_wan": ["500.00", "800.50"],
                                  "name": ["审计测试项目", "审计测试项目（改）"]}
        assert log[2].changes["name"] == ["审计测试项目（改）", None]


def test_a_rolled_back_change_leaves_no_trail(app, world):
    with app.app_context():
        before = len(entries("Enterprise"))
        helpers.make_enterprise(world.a_unit_id, "回滚企业")
        db.session.rollback()
        assert len(entries("Enterprise")) == before
        assert db.session.scalar(sa.select(Enterprise).where(Enterprise.name == "回滚企业")) is None


def test_an_unchanged_save_writes_nothing(app, world):
    with app.app_context():
        project = db.session.get(Project, world.project_id)
        before = len(entries("Project"))
        project.name = project.name
        db.session.commit()
        assert len(entries("Project")) == before


def test_passwords_are_masked(app, world):
    with app.app_context():
        user = helpers.make_user("officer", world.a_unit_id)
        db.session.commit()
        user.set_password("another-password")
        db.session.commit()
        changes = [e.changes for e in entries("User") if e.record_id == user.id]
        assert changes[-1] == {"password_hash": ["***", "***"]}
        assert all("scrypt" not in str(c) for c in changes)


def test_the_auditor_browses_and_filters_the_log(app, client, world, login):
    admin_client = app.test_client()
    admin = login("admin", client=admin_client)
    admin_client.post("/admin/units/new", data={"code": "C", "name": "丙市", "kind": "city",
                                                "parent_id": world.root_unit_id})
    with app.app_context():
        db.session.info["actor_id"] = None
        helpers.make_enterprise(world.a_unit_id, "系统导入企业")
        db.session.get(User, admin.id).display_name = "赵管理"
        db.session.commit()
    login("auditor")
    for named in (admin.username, "赵管理"):  # typed: a username or a name
        page = client.get(f"/audit/?user={named}").get_data(as_text=True)
        assert "丙市" in page and "系统导入企业" not in page
    assert "丙市" not in client.get("/audit/?user=nobody").get_data(as_text=True)
    page = client.get("/audit/?record_type=Enterprise").get_data(as_text=True)
    assert "系统导入企业" in page and "丙市" not in page
    today = datetime.now(BEIJING).date()  # the filter takes Beijing dates
    assert "丙市" in client.get(f"/audit/?date_from={today}&date_to={today}").get_data(as_text=True)
    assert "丙市" not in client.get("/audit/?date_to=2020-01-01").get_data(as_text=True)
    assert client.get("/audit/?date_from=not-a-date").status_code == 200
    logins = client.get("/audit/?action=login").get_data(as_text=True)
    assert "丙市" not in logins and "登录" in logins


def test_derived_name_columns_are_not_reported_as_changes(app, world):
    with app.app_context():
        enterprise = helpers.make_enterprise(world.a_unit_id, "改名前")
        db.session.commit()
        enterprise.name = "改名后"
        db.session.commit()
        last = entries("Enterprise")[-1]
        assert last.changes == {"name": ["改名前", "改名后"]}


def test_a_row_dropped_from_a_collection_is_audited_as_deleted(app, world):
    """Deleted as an orphan (a tag no longer in the enterprise's list), not by session.delete()."""
    from app.enterprises import services

    with app.app_context():
        enterprise, user = db.session.get(Enterprise, world.enterprise_id), db.session.get(User, world.a_user_id)
        services.update_enterprise(user, enterprise, {}, ["上市公司"])
        db.session.commit()
        services.update_enterprise(user, enterprise, {}, [])
        db.session.commit()
        trail = db.session.execute(sa.select(AuditLog.action, AuditLog.changes).where(
            AuditLog.record_type == "EnterpriseTag").order_by(AuditLog.id)).all()
        assert trail[-1] == ("delete", {"enterprise_id": [world.enterprise_id, None], "tag": ["上市公司", None]})
