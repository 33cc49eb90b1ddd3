"""Figures and pages kept between requests (app/revision.py) are never stale: every commit that
changes records replaces the revision, whoever makes it, on whichever app node."""
import re
from datetime import date

import sqlalchemy as sa

from app import revision
from app.extensions import db
from app.models import AuditLog, DataRevision, Enterprise, Project, User, utcnow
from tests import helpers
from tests.conftest import make_app
from tests.test_list_queries import counting


def total(page: str) -> int:
    return int(re.search(r'data-testid="list-total">(\d+)<', page).group(1))


def token(app) -> str | None:
    with app.app_context():
        return db.session.scalar(sa.select(DataRevision.token))


def test_a_users_own_write_shows_on_the_next_page(app, client, world, login):
    login("officer", unit="a")
    client.get("/enterprises/")  # shows the login's welcome once
    assert "新企业有限公司" not in client.get("/enterprises/").get_data(as_text=True)  # kept from here on
    response = client.post("/enterprises/new", data={"name": "新企业有限公司", "status": "target",
                                                     "unit_id": world.a_unit_id, "officer_id": ""})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已新建企业" in page  # the message waiting in the session is shown once …
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已新建企业" not in again and "新企业有限公司" in again  # … and the kept page has none
    assert "新企业有限公司" in client.get("/enterprises/").get_data(as_text=True)


def test_a_write_on_another_node_shows_at_once(app, client, world, login):
    """Two app processes on one database: what one commits, the other's kept pages and figures see."""
    login("manager")
    first = total(client.get("/projects/").get_data(as_text=True))
    dashboard = client.get("/").get_data(as_text=True)
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    with other.app_context():
        helpers.make_project(world.a_unit_id, "另一节点录入的项目")
        db.session.commit()
    assert total(client.get("/projects/").get_data(as_text=True)) == first + 1
    assert client.get("/").get_data(as_text=True) != dashboard  # the pipeline counts the new project


def test_each_user_has_own_pages_at_one_url(app, client, world, login):
    with app.app_context():
        helpers.make_project(world.b_unit_id, "乙市项目")
        db.session.commit()
    login("manager")
    everything = total(client.get("/projects/").get_data(as_text=True))
    other = app.test_client()
    login("officer", unit="a", client=other)
    assert total(other.get("/projects/").get_data(as_text=True)) == everything - 1  # not the manager's page


def test_what_changes_records_replaces_the_revision(app, world):
    seen = token(app)
    assert seen is not None
    with app.app_context():  # an ORM change
        db.session.get(Project, world.project_id).name = "改名的项目"
        db.session.commit()
    assert token(app) != seen
    seen = token(app)
    with app.app_context():  # a bulk statement (imports, synthetic data)
        db.session.execute(sa.update(Enterprise).values(notes="批量"))
        db.session.commit()
    assert token(app) != seen
    seen = token(app)
    with app.app_context():  # the audit trail alone: no figure reads it
        db.session.add(AuditLog(at=utcnow(), action="login", record_type="User", record_id=world.a_user_id, changes={}))
        db.session.commit()
    assert token(app) == seen
    with app.app_context():  # a login's time (bookkeeping)
        db.session.get(User, world.a_user_id).last_login_at = utcnow()
        db.session.commit()
    assert token(app) == seen
    with app.app_context():  # a change rolled back, then a commit of nothing
        db.session.get(Project, world.project_id).name = "未保存"
        db.session.flush()
        db.session.rollback()
        db.session.commit()
    assert token(app) == seen


def test_a_figure_is_kept_for_its_day_and_revision(app, world, monkeypatch):
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    with app.test_request_context():
        assert revision.kept(("test",), compute) == revision.kept(("test",), compute) == 1
    with app.test_request_context():  # the next day: computed again

        class Tomorrow(date):
            @classmethod
            def today(cls):
                return date.fromordinal(date.today().toordinal() + 1)

        monkeypatch.setattr(revision, "date", Tomorrow)
        assert revision.kept(("test",), compute) == 2
    monkeypatch.undo()
    with app.test_request_context():
        db.session.get(Project, world.project_id).name = "又改名"
        db.session.commit()
    with app.test_request_context():  # a new revision: computed again
        assert revision.kept(("test",), compute) == 3


def test_a_change_by_hand_is_seen_after_refresh(app, client, world, login, runner):
    login("manager")
    first = total(client.get("/projects/").get_data(as_text=True))
    with app.app_context():  # SQL typed by hand: no revision replaced
        db.session.execute(sa.text("UPDATE project SET name = '手工改名'"))
        db.session.commit()
    assert total(client.get("/projects/").get_data(as_text=True)) == first
    assert "已更新数据版本" in runner.invoke(args=["figures", "refresh"]).output
    assert "手工改名" in client.get("/projects/").get_data(as_text=True)


def test_a_page_viewed_again_reads_two_rows(app, client, world, login):
    """The session's user and the revision: the page itself is kept."""
    login("manager")
    client.get("/")  # shows the login's welcome once
    for url in ("/", "/projects/", "/projects/warnings", "/enterprises/?q=示例", "/activities/",
                f"/projects/{world.project_id}"):
        client.get(url)
        with counting(app, anew=False) as statements:
            assert client.get(url).status_code == 200
        assert len(statements) == 2, (url, statements)


def test_the_audit_logs_total_is_never_kept(app, client, world, login):
    """Writing the audit trail keeps the revision: a figure over it is computed every time."""
    login("auditor")

    def shown() -> int:
        return int(re.search(r"共 (\d+) 条", client.get("/audit/").get_data(as_text=True)).group(1))

    first = shown()
    with app.app_context():
        db.session.add(AuditLog(at=utcnow(), action="login", record_type="User", record_id=world.a_user_id, changes={}))
        db.session.commit()
    assert shown() == first + 1
