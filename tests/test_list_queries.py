"""A list page costs a fixed number of SQL queries, whatever the page size."""
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event

from app import revision, tally
from app.extensions import db
from app.models import Activity, EnterpriseTag, Event, Leader, ProjectProblem, Supervision
from tests import helpers

LISTS = ["/enterprises/", "/projects/", "/projects/board", "/projects/warnings", "/projects/review", "/", "/activities/", "/events/", "/parks/", "/chains/", "/admin/users",
         "/audit/", "/admin/units", "/security/users", "/search/?q=测试", "/agenda/?view=scope", "/agenda/notifications", "/agenda/calendar?view=scope",
         "/problems/", "/leaders/", "/supervision/", "/assessment/", "/weekly/?week=2026-01-01"]
ROLE_FOR = {"/audit/": "auditor", "/security/users": "security_admin"}  # 三员分立: the rest the admin sees


@contextmanager
def counting(app, anew: bool = True):
    """The SQL statements run within; ``anew``: the page is rendered anew (nothing kept from
    before: app/revision.py), as on its first view."""
    if anew:
        revision.forget(app)
    with app.app_context():
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)


@pytest.fixture
def many_rows(app, world):
    with app.app_context():
        for n in range(30):
            unit = world.a_unit_id if n % 2 else world.a_zone_unit_id
            enterprise = helpers.make_enterprise(unit, tags=[EnterpriseTag(tag="上市公司")])
            helpers.make_project(unit, investor_id=enterprise.id, park_id=world.park_id)
            helpers.make_park(unit)
            helpers.make_user("officer", unit)
            db.session.add(Activity(kind="visit", occurred_on=date(2026, 1, 1), unit_id=unit, enterprises=[enterprise]))
            db.session.add(Event(name=f"活动{n}", kind="expo", starts_on=date(2026, 1, 1), unit_id=unit))
            project = helpers.make_project(unit)
            db.session.add(ProjectProblem(project=project, unit_id=unit, handler_unit_id=unit, kind="land",
                                          description=f"问题{n}", due_on=date(2026, 2, 1), raised_on=date(2026, 1, 1)))
            db.session.add(Leader(name=f"领导{n}", post="副市长", unit_id=unit))
            db.session.add(Supervision(task=f"督办{n}", project=project, unit_id=unit, issuer_unit_id=unit,
                                       issued_on=date(2026, 1, 1), due_on=date(2026, 2, 1)))
        tally.count_warnings(db.session, date.today())  # as the daily run (or the day's first view) does
        db.session.commit()


def test_query_count_does_not_grow_with_the_page(app, login, many_rows):
    """Every list, over one set of rows (made once: it is most of the time)."""
    clients, grown = {}, {}
    for url in LISTS:
        role = ROLE_FOR.get(url, "admin")
        if role not in clients:
            clients[role] = app.test_client()
            login(role, client=clients[role])
        counts = []
        for size in (3, 25):
            app.config["PAGE_SIZE"] = size
            with counting(app) as statements:
                assert clients[role].get(url).status_code == 200, url
            counts.append(len(statements))
        if counts[0] != counts[1] or counts[0] > 25:  # the dashboard's aggregates (and the revision) are the most
            grown[url] = counts
    assert grown == {}


def test_sqlite_keeps_planner_statistics_and_never_waits_for_a_writer_to_do_so(app, client, world, login):
    """The embedded SQLite analyses its tables on a returned connection (PostgreSQL's autovacuum
    does it there), and skips it rather than hold a page up while another connection writes."""
    import sqlite3
    import time

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        path = db.engine.url.database
        db.engine.dispose()
    login("officer", unit="a")
    reader = sqlite3.connect(path)
    assert reader.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'enterprise'").fetchone()[0] > 0
    reader.close()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # an import's transaction holds the write lock
    try:
        with app.app_context():
            db.engine.dispose()  # fresh connections, each due to analyse when returned
        started = time.monotonic()
        assert client.get("/enterprises/").status_code == 200
        assert time.monotonic() - started < 2  # SQLite's busy wait would be 5 s
    finally:
        writer.execute("ROLLBACK")
        writer.close()
