"""Imports on a real task queue: a worker process reads and commits the batch while the page shows
its progress (after a reload too); a worker killed mid-import leaves nothing written and the batch
retryable; the embedded workers of the web process finish it."""
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Enterprise, ImportBatch
from tests.conftest import UPLOADS, make_app
from tests.helpers import wait_for
from tests.workbooks import simple

ROOT = Path(__file__).resolve().parents[1]
ROWS = 40_000


@pytest.fixture
def queued(migrated, tmp_path):
    """The app with a SQLite queue file and no workers of its own (a worker process runs them)."""
    queue = f"sqlite:///{tmp_path / 'queue.sqlite'}"
    app = make_app(migrated, QUEUE_URL=queue, QUEUE_WORKERS=0, HEARTBEAT_STALE=3)
    yield app, queue
    from tests.conftest import empty_database

    with app.app_context():
        db.session.remove()
        empty_database()
        db.engine.dispose()


def worker(database_url: str, queue: str) -> subprocess.Popen:
    env = {**os.environ, "CRM_DATABASE_URL": database_url, "CRM_QUEUE_URL": queue, "CRM_UPLOAD_FOLDER": UPLOADS}  # the app's store
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--workers", "1"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def status(app, batch_id):
    with app.app_context():
        return db.session.get(ImportBatch, batch_id).status


def imported(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Enterprise)
                                 .where(Enterprise.name.like("队列测试%")))


def test_a_killed_worker_leaves_nothing_and_the_batch_is_committed_again(queued, migrated, world, tmp_path):
    app, queue = queued
    from tests import helpers

    with app.app_context():
        helpers.make_user("officer", world.a_unit_id, username="queuer")
        db.session.commit()
    client = app.test_client()
    client.post("/auth/login", data={"username": "queuer", "password": helpers.PASSWORD})
    path = simple(tmp_path / "大台账.xlsx", ["企业名称", "所在市"], [[f"队列测试{n:05d}有限公司", "太原"] for n in range(ROWS)])
    with open(path, "rb") as handle:
        response = client.post("/imports/enterprises/upload", data={"file": (io.BytesIO(handle.read()), path.name)},
                               content_type="multipart/form-data")
    batch_id = int(response.location.rsplit("/", 1)[1])
    page = client.get(f"/imports/{batch_id}").get_data(as_text=True)
    assert "正在读取" in page and "data-progress-url" in page  # queued: the page waits for the worker

    first = worker(migrated, queue)
    try:
        wait_for(lambda: status(app, batch_id) == "previewed")
        client.post(f"/imports/{batch_id}/commit", data={})
        progress = wait_for(lambda: (lambda p: p if p["done"] > 0 else None)(
            client.get(f"/imports/{batch_id}/progress").get_json()), seconds=30)
        assert progress["status"] == "committing" and progress["alive"] and progress["total"] == ROWS
        page = client.get(f"/imports/{batch_id}").get_data(as_text=True)  # a reload shows where it is
        assert "正在导入" in page and f"/ {ROWS:,} 行" in page
        first.send_signal(signal.SIGKILL)  # mid-import
        first.wait()
    finally:
        first.kill()
    assert imported(app) == 0  # its transaction never committed
    wait_for(lambda: not client.get(f"/imports/{batch_id}/progress").get_json()["alive"], seconds=10)
    page = client.get(f"/imports/{batch_id}").get_data(as_text=True)
    assert "已中断" in page and "确认导入" in page and status(app, batch_id) == "committing"

    # Committed again, by the web process's own (embedded) workers this time.
    embedded = make_app(migrated, QUEUE_URL=queue, QUEUE_WORKERS=1, HEARTBEAT_STALE=3)
    again = embedded.test_client()
    again.post("/auth/login", data={"username": "queuer", "password": helpers.PASSWORD})
    again.post(f"/imports/{batch_id}/commit", data={})
    try:
        wait_for(lambda: status(app, batch_id) == "committed", seconds=120)
    finally:
        embedded.extensions["consumer"].stop(graceful=True)
    assert imported(app) == ROWS
    assert f"新增 {ROWS}" in again.get(f"/imports/{batch_id}").get_data(as_text=True).replace(",", "")
