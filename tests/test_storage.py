"""Files in an S3-compatible object store (what an install of several nodes uses; MinIO on an
intranet): tested against moto's standalone S3 server, a real HTTP endpoint on the loopback. An
attachment is written to the bucket and served from it; an uploaded ledger is kept there, read
from there by the import, and let go once committed."""
import io
from datetime import date

import boto3
import pytest
import sqlalchemy as sa

from app.auth import tokens
from app.extensions import db
from app.models import Attachment, ImportBatch
from app.models.enums import Role
from tests import helpers
from tests.conftest import S3_KEYS as KEYS
from tests.conftest import empty_database, make_app
from tests.workbooks import simple


@pytest.fixture
def bucket_app(migrated, s3_endpoint, world):
    app = make_app(migrated, STORAGE_URL=f"s3://crm/files?endpoint={s3_endpoint}", S3_ACCESS_KEY=KEYS["aws_access_key_id"],
                   S3_SECRET_KEY=KEYS["aws_secret_access_key"])
    yield app, boto3.client("s3", endpoint_url=s3_endpoint, **KEYS)
    with app.app_context():
        db.session.remove()
        empty_database()
        db.engine.dispose()


def objects(s3) -> set[str]:
    return {o["Key"] for o in s3.list_objects_v2(Bucket="crm").get("Contents", [])}


def test_attachments_and_ledgers_live_in_the_bucket(bucket_app, world, tmp_path):
    app, s3 = bucket_app
    with app.app_context():
        officer = helpers.make_user(Role.OFFICER, world.a_unit_id)
        db.session.commit()
        _, secret = tokens.issue(officer, officer, "桶", 1, True, date.today())
        db.session.commit()
        username = officer.username
    client = app.test_client()
    client.post("/auth/login", data={"username": username, "password": helpers.PASSWORD})
    photo = io.BytesIO(helpers.PNG)
    made = client.post("/activities/new", data={
        "kind": "visit", "occurred_on": "2026-03-05", "unit_id": world.a_unit_id, "summary": "现场拍照",
        "enterprise_ids": world.enterprise_id, "photos": (photo, "现场.png")}, content_type="multipart/form-data")
    assert made.status_code == 302
    with app.app_context():
        stored = db.session.scalar(sa.select(Attachment).order_by(Attachment.id.desc()))
        key = f"files/{stored.stored_name}"
    assert key in objects(s3)
    served = client.get(f"/attachments/{stored.id}")
    assert served.status_code == 200 and served.data == helpers.PNG

    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    ledger = simple(tmp_path / "台账.xlsx", ["企业名称"], [["对象存储甲企业"], ["对象存储乙企业"]])
    with open(ledger, "rb") as handle:
        sent = api.post("/api/v1/imports/enterprises", data={"file": (handle, "台账.xlsx")},
                        content_type="multipart/form-data")
    batch = api.get(sent.headers["Location"]).json
    assert batch["status"] == "previewed" and batch["total_rows"] == 2
    with app.app_context():
        reference = db.session.get(ImportBatch, batch["id"]).file_path
    assert reference.startswith("store:imports/") and f"files/{reference.removeprefix('store:')}" in objects(s3)
    api.post(f"/api/v1/imports/{batch['id']}/commit", json={})
    assert api.get(f"/api/v1/imports/{batch['id']}").json["status"] == "committed"
    assert not any(k.startswith("files/imports/") for k in objects(s3))  # let go once committed
