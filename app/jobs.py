"""Work that outlasts a request runs on a task queue (Huey), so that a 50,000-row import neither
holds a web worker nor dies with it, and its progress survives a page reload.

Where the queue lives (``CRM_QUEUE_URL``):

- unset: a SQLite file in instance/ (queue.sqlite), consumed by worker threads inside the app's
  own process — the embedded default needs no other server and no other command;
- ``sqlite:////path/queue.sqlite``: the same, with the file elsewhere;
- ``postgresql://user:password@host/db``: tables ``huey_*`` in that database; run
  ``flask --app wsgi jobs worker`` on any number of nodes and set ``CRM_QUEUE_WORKERS=0`` on the
  web servers;
- ``immediate``: tasks run at once in the caller (the tests' default).

A task reports its progress as a heartbeat (done, total, time) in the queue's own key-value store,
which the page polls. A task whose heartbeat stops (its worker was killed) is taken as failed:
its transaction never committed, so nothing of it was written, and it may be started again.
"""
import threading
import time
from datetime import datetime
from pathlib import Path

import psycopg
from flask import Flask, current_app
from huey import MemoryHuey, PostgresHuey, SqliteHuey
from huey.consumer import Consumer

from app.models.common import as_utc

HEARTBEAT_STALE = 120  # seconds without a heartbeat after which a task is taken as dead
QUEUE_TABLES_LOCK = 0x6875_6579  # the advisory lock under which a process makes the queue's tables
POLL_AT_MOST = 1.0  # seconds an idle worker waits between looks at a polled queue (SQLite)


class EmbeddedConsumer(Consumer):
    """A consumer whose worker threads run inside the web process. Only the main thread may set
    signal handlers; the server owns them, and the threads are daemons that end with it."""

    def _set_signal_handlers(self):
        pass


def make_huey(config, instance_path: str):
    url = config.get("QUEUE_URL") or f"sqlite:///{Path(instance_path) / 'queue.sqlite'}"
    if url == "immediate":
        return MemoryHuey("crm", immediate=True)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("crm", filename=str(path))
    if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        return _postgres_huey(url.replace("postgresql+psycopg://", "postgresql://"))
    raise ValueError(f"CRM_QUEUE_URL: unknown queue {url!r} (sqlite:///…, postgresql://… or immediate)")


def outside_the_models(name: str | None) -> bool:
    """The queue's own tables (huey_*, when the queue lives in the app's database): Huey makes
    them, not the migrations, and autogenerate leaves them be."""
    return (name or "").startswith("huey_")


def _postgres_huey(dsn: str) -> PostgresHuey:
    """Huey creates its tables if they are missing. Nodes and workers started at once race to
    create them, and PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against a concurrent one
    (the loser fails on the table's name or its row type: a worker once died of it at a cluster's
    first start), so each process makes its queue holding one advisory lock, released when its
    connection closes."""
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (QUEUE_TABLES_LOCK,))
        return PostgresHuey("crm", dsn=dsn)


def init_app(app: Flask) -> None:
    huey = make_huey(app.config, app.instance_path)
    app.extensions["huey"] = huey
    app.extensions["tasks"] = {}
    workers = int(app.config.get("QUEUE_WORKERS", 2))
    if huey.immediate or not workers:
        return
    started = threading.Lock()

    @app.before_request
    def start_embedded_workers():
        """Once per process, on its first request (a CLI command never starts them)."""
        if started.acquire(blocking=False):
            consumer = EmbeddedConsumer(huey, workers=workers, periodic=False, max_delay=POLL_AT_MOST)
            consumer.start()
            app.extensions["consumer"] = consumer


def task(app: Flask, name: str, function) -> None:
    """Register ``function(app, *args)`` as a task of the app's queue, run in an app context."""

    def run(*args):
        with app.app_context():
            return function(*args)

    app.extensions["tasks"][name] = app.extensions["huey"].task(name=name)(run)


def enqueue(name: str, *args) -> None:
    current_app.extensions["tasks"][name](*args)


def enqueue_later(delay: int, name: str, *args) -> None:
    """Run a task ``delay`` seconds from now (a worker holds it until then)."""
    current_app.extensions["tasks"][name].schedule(args=args, delay=delay)


def beat(key: str, done: int, total: int) -> None:
    """A task's heartbeat: how far it has got, and when it last said so."""
    current_app.extensions["huey"].put(key, {"done": done, "total": total, "at": time.time()})


def heartbeat(key: str) -> dict | None:
    return current_app.extensions["huey"].get(key, peek=True)


def forget(key: str) -> None:
    current_app.extensions["huey"].delete(key)


def alive(key: str, since: datetime) -> bool:
    """Whether a task started at ``since`` still gives signs of life."""
    last = heartbeat(key)
    latest = max(as_utc(since).timestamp(), last["at"] if last else 0)
    return time.time() - latest < current_app.config.get("HEARTBEAT_STALE", HEARTBEAT_STALE)
