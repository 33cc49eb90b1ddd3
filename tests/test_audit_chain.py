"""The audit log proves itself: each row is chained to the one before by a hash, `flask audit
verify` recomputes the chain and names the first row altered or removed with SQL, and `flask audit
archive` moves old rows to a signed file while what stays remains verifiable."""
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app import audit_partitions
from app.audit_trail import seal
from app.extensions import db
from app.models import AuditLog, Enterprise


def write_some(app, world, count=3):
    with app.app_context():
        for i in range(count):
            db.session.get(Enterprise, world.enterprise_id).notes = f"第 {i} 次"
            db.session.commit()


def ids(app):
    with app.app_context():
        return db.session.scalars(sa.select(AuditLog.id).order_by(AuditLog.seq)).all()


def age_first_two(app):
    """Make the first two rows old enough to archive: an alteration of sealed rows, so the chain
    is sealed anew."""
    first_two = ids(app)[:2]
    with app.app_context():
        db.session.execute(sa.update(AuditLog).where(AuditLog.id.in_(first_two))
                           .values(at=datetime(2020, 1, 1, tzinfo=UTC)))
        db.session.execute(sa.update(AuditLog).values(seq=None, row_hash=None))
        db.session.execute(sa.text("DELETE FROM setting WHERE key LIKE 'audit_chain_%'"))
        db.session.commit()
        seal(db.session)


def test_rows_are_sealed_as_they_are_written(app, world):
    write_some(app, world)
    with app.app_context():
        rows = db.session.execute(sa.select(AuditLog.seq, AuditLog.row_hash).order_by(AuditLog.id)).all()
        assert rows and all(seq is not None and len(digest) == 64 for seq, digest in rows)
        assert [seq for seq, _ in rows] == list(range(1, len(rows) + 1))


def test_verify_passes_then_names_an_altered_row(app, world, runner):
    write_some(app, world)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "校验通过" in result.output
    target = ids(app)[2]
    with app.app_context():
        db.session.execute(sa.text("UPDATE audit_log SET record_label = '改过' WHERE id = :id"), {"id": target})
        db.session.commit()
        seq = db.session.get(AuditLog, target).seq
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"第 {seq} 条" in result.output and "改动" in result.output


def test_verify_names_a_deleted_row_and_a_cut_off_tail(app, world, runner):
    write_some(app, world)
    rows = ids(app)
    with app.app_context():
        db.session.execute(sa.text("DELETE FROM audit_log WHERE id = :id"), {"id": rows[-1]})
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "缺失" in result.output
    with app.app_context():
        db.session.execute(sa.text("DELETE FROM audit_log WHERE id = :id"), {"id": rows[1]})
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "第 2 条（序号）缺失" in result.output


def test_archive_keeps_the_chain_verifiable_and_the_file_signed(app, world, runner, tmp_path):
    write_some(app, world)
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))
    # Rows younger than the retention are never archived.
    refused = runner.invoke(args=["audit", "archive", "--before", "2099-01-01", "--out", str(tmp_path / "a.jsonl")])
    assert refused.exit_code == 1 and "至少保留" in refused.output
    app.config["AUDIT_KEEP_DAYS"] = 0  # the floor is 180 days: still refused
    assert runner.invoke(args=["audit", "archive", "--before", "2099-01-01", "--out", str(tmp_path / "a.jsonl")]).exit_code == 1
    age_first_two(app)
    out = tmp_path / "archive.jsonl"
    result = runner.invoke(args=["audit", "archive", "--before", "2021-01-01", "--out", str(out)])
    assert result.exit_code == 0 and "已归档 2 条" in result.output, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == count - 2
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    assert runner.invoke(args=["audit", "verify", "--archive", str(out)]).exit_code == 0
    lines = out.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b'"action": "create"', b'"action": "delete"')
    out.write_bytes(b"\n".join(lines))
    tampered = runner.invoke(args=["audit", "verify", "--archive", str(out)])
    assert tampered.exit_code == 1 and "签名不符" in tampered.output


def test_postgresql_keeps_months_apart_and_archiving_drops_a_whole_one(app, world, runner, tmp_path):
    with app.app_context():
        if not audit_partitions.partitioned(db.session):
            pytest.skip("SQLite keeps the log in one table")
    write_some(app, world)
    age_first_two(app)  # their month has no partition yet: they wait in the default one
    with app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM audit_log_default")) == 2
        audit_partitions.make_month(db.session, date(2020, 1, 1))
        db.session.commit()
        assert db.session.scalar(sa.text("SELECT count(*) FROM audit_log_2020_01")) == 2
        assert db.session.scalar(sa.text("SELECT count(*) FROM audit_log_default")) == 0
        this_month = date.today().replace(day=1)
        assert {date(2020, 1, 1), this_month, audit_partitions.next_month(this_month)} <= set(audit_partitions.months(db.session))
    result = runner.invoke(args=["audit", "archive", "--before", "2021-01-01", "--out", str(tmp_path / "a.jsonl")])
    assert result.exit_code == 0 and "已归档 2 条" in result.output, result.output
    with app.app_context():
        assert date(2020, 1, 1) not in audit_partitions.months(db.session)
        assert db.session.scalar(sa.text("SELECT to_regclass('audit_log_2020_01')")) is None
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
