"""Fixtures: ``app`` (fresh database per test), ``client``, ``runner``, ``world`` and ``login(role)``.

The database is SQLite in a temporary file, or PostgreSQL when CRM_TEST_DATABASE_URL is set.
It is built once per session by the Alembic migrations (never create_all) and emptied after
every test.
"""
import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from tests import helpers

UPLOADS = tempfile.mkdtemp(prefix="crm-test-uploads-")
atexit.register(shutil.rmtree, UPLOADS, ignore_errors=True)

S3_KEYS = {"aws_access_key_id": "crm", "aws_secret_access_key": "crm-secret", "region_name": "us-east-1"}


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's standalone S3 server on the loopback (a real HTTP endpoint), with the bucket "crm"."""
    import boto3

    port = helpers.free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint, **S3_KEYS).create_bucket(Bucket="crm")
    yield endpoint
    server.terminate()
    server.wait()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("CRM_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


def make_app(database_url: str, **overrides):
    config = {"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url,
              "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": UPLOADS, "QUEUE_URL": "immediate", **overrides}
    return create_app(config)


@pytest.fixture(scope="session")
def migrated(database_url, tmp_path_factory):
    """An empty database brought to head by the migrations, once per session."""
    app = make_app(database_url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()
    return database_url


def empty_database() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def app(migrated):
    app = make_app(migrated)
    yield app
    with app.app_context():
        db.session.remove()
        empty_database()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def world(app):
    """A small org tree: 省 (root) → 甲市 (with 甲园区 and its park) and 乙市, a record of each kind
    in 甲市, and ids to refer to them outside an app context."""
    with app.app_context():
        ids = helpers.build_world()
        db.session.commit()
    return SimpleNamespace(**ids)


@pytest.fixture
def version(app):
    """``version(Model, id)``: the record's current version, as its edit form carries it."""

    def read(model, ident):
        with app.app_context():
            return db.session.get(model, ident).version

    return read


@pytest.fixture
def login(app, client, world):
    """``login(role, unit="root")`` creates a user of that role in that unit and logs the client in."""

    def do(role, unit="root", client=client):
        with app.app_context():
            user = helpers.make_user(role, getattr(world, f"{unit}_unit_id"))
            db.session.commit()
            user_id, username = user.id, user.username
        response = client.post("/auth/login", data={"username": username, "password": helpers.PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return SimpleNamespace(id=user_id, username=username)

    return do
