"""Writes an AuditLog row for every create, update and delete of an Audited model.

It hooks the session's flush, so the trail is written in the same transaction as the change
and rolls back with it. The acting user is ``session.info["actor_id"]``, set per request and
by CLI commands.
"""
import hashlib
import hmac
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

from app import audit_partitions
from app.bulk import insert_rows
from app.extensions import db
from app.models import Audited, AuditLog, Setting, User, utcnow
from app.models.common import as_utc
from app.revision import READS_NO_FIGURE

# Bookkeeping and columns derived from others (the name keys follow the name) are not changes.
UNTRACKED = {"version", "created_at", "updated_at", "last_login_at", "session_version", "normalized_name", "name_tokens",
             "totp_last_step", "digest_sent_on"}
MASKED = {"password_hash", "totp_secret", "calendar_token_hash", "token_hash", "secret"}
PLAIN_TYPES = (str, int, bool, float)


def plain(value):
    """A value as JSON keeps it: amounts and dates as text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _label(obj) -> str | None:
    label = getattr(obj, "name", None) or getattr(obj, "username", None)
    return str(label)[:200] if label is not None else None


def _record_id(obj):
    """The integer primary key; None for composite keys (link rows), whose columns are in changes."""
    key = sa.inspect(type(obj)).primary_key_from_instance(obj)
    return key[0] if len(key) == 1 and isinstance(key[0], int) else None


def _row(session, obj, action: str, changes: dict) -> dict:
    if any(k in MASKED for k in changes):
        changes = {k: (["***", "***"] if k in MASKED else v) for k, v in changes.items()}
    return {
        "at": utcnow(),
        "user_id": session.info.get("actor_id"),
        "action": action,
        "record_type": type(obj).__name__,
        "record_id": _record_id(obj),
        "record_label": _label(obj),
        "changes": changes,
    }


@lru_cache(maxsize=None)
def _columns_of(cls) -> list:
    return [a for a in sa.inspect(cls).column_attrs if a.key not in UNTRACKED]


def _columns(obj):
    return _columns_of(type(obj))


def _before_flush(session: Session, _context, _instances) -> None:
    """Capture old values that are not in memory (expired after a commit) before they are lost."""
    for obj in session.deleted:
        if isinstance(obj, Audited):
            for a in _columns(obj):
                getattr(obj, a.key)  # loads an expired value while the row still exists
    for obj in session.dirty:
        if not isinstance(obj, Audited) or sa.inspect(obj).key is None:
            continue
        state = sa.inspect(obj)
        unknown = [a for a in _columns(obj)
                   if state.attrs[a.key].history.added and not state.attrs[a.key].history.deleted]
        if unknown:
            mapper = sa.inspect(type(obj))
            where = [col == val for col, val in zip(mapper.primary_key, state.key[1])]
            row = session.connection().execute(sa.select(*[a.columns[0] for a in unknown]).where(*where)).one()
            session.info.setdefault("audit_old", {})[id(obj)] = dict(zip([a.key for a in unknown], row))


def _after_flush(session: Session, _context) -> None:
    old_values = session.info.pop("audit_old", {})
    rows = []
    for obj in session.new:
        if isinstance(obj, Audited):
            changes = {a.key: [None, plain(getattr(obj, a.key))] for a in _columns(obj)
                       if getattr(obj, a.key) is not None}
            rows.append(_row(session, obj, "create", changes))
    for obj in session.dirty:
        if isinstance(obj, Audited):
            state = sa.inspect(obj)
            fetched = old_values.get(id(obj), {})
            changes = {}
            for a in _columns(obj):
                history = state.attrs[a.key].history
                if history.added or history.deleted:
                    old = history.deleted[0] if history.deleted else fetched.get(a.key)
                    old, new = plain(old), plain(history.added[0]) if history.added else None
                    if old != new:
                        changes[a.key] = [old, new]
            if changes:
                rows.append(_row(session, obj, "update", changes))
    # Every row the flush deleted, those deleted as orphans of a collection included (these are
    # not in session.deleted).
    for obj in session.info.pop("audit_deleted", []):
        if isinstance(obj, Audited):
            loaded = sa.inspect(obj).dict  # no loading here: the row is already gone
            changes = {a.key: [plain(loaded[a.key]), None] for a in _columns(obj) if loaded.get(a.key) is not None}
            rows.append(_row(session, obj, "delete", changes))
    if rows:
        session.connection().execute(sa.insert(AuditLog), rows)
        session.info["audit_written"] = True


def log_bulk(session: Session, model, action: str, rows: list[dict], parts: list[dict] | None = None) -> None:
    """Audit rows for records created or deleted in bulk (Core, no ORM objects): one entry each,
    in the same transaction, as the flush hook would write them (``rows``: the records' values).
    ``parts``: per row, what was created or deleted with it (its contact, its tags: label →
    value), noted in its entry rather than as entries of their own, which made an import's
    trail several times its records."""
    if not rows:
        return
    columns = [a.key for a in _columns_of(model) if a.key in rows[0]]
    actor, now = session.info.get("actor_id"), utcnow()

    def change(value):
        kept = value if type(value) in PLAIN_TYPES else plain(value)
        return [None, kept] if action == "create" else [kept, None]

    entries = [{"at": now, "user_id": actor, "action": action, "record_type": model.__name__,
                "record_id": row.get("id"), "record_label": _label_of(row),
                "changes": {**{k: change(v) for k in columns if (v := row[k]) is not None},
                            **{k: change(v) for k, v in (part or {}).items()}}}
               for row, part in zip(rows, parts or [None] * len(rows))]
    insert_rows(AuditLog, entries)
    session.info["audit_written"] = True


def _label_of(row: dict) -> str | None:
    label = row.get("name") or row.get("username")
    return str(label)[:200] if label is not None else None


def _deleted(_mapper, _connection, obj) -> None:
    object_session(obj).info.setdefault("audit_deleted", []).append(obj)


def install(app) -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Audited, "after_delete", _deleted, propagate=True)

    @app.teardown_appcontext
    def seal_what_was_written(_error) -> None:
        """Rows written in this context join the chain once it is over: whatever it left
        uncommitted is rolled back first (as it would be anyway), and the seal sees only rows
        that were committed."""
        if db.session.info.get("audit_written"):
            db.session.remove()
            seal(db.session, limit=SEAL_BATCH)


def log_denied(session: Session, record, what: str) -> None:
    """An attempt to change a record the user may not change: written in its own transaction
    (the request ends in a 403, and the attempt must stay on record)."""
    session.rollback()
    session.add(AuditLog(at=utcnow(), user_id=session.info.get("actor_id"), action="denied",
                         record_type=type(record).__name__, record_id=_record_id(record),
                         record_label=_label(record), changes={"attempt": what}))
    session.commit()
    session.info["audit_written"] = True


def log_event(session: Session, action: str, user: User | None, details: dict[str, str], label: str | None = None) -> None:
    """A security event (登录, 登录失败, 退出, 会话超时, 密码, 双因素, 解除限制) about ``user``, and
    ``details`` in words (the address, the name tried, why), in the session's transaction. Its
    actor is the logged-in user (a security admin resetting another's password), else the user
    itself (at login no one is logged in yet)."""
    actor = session.info.get("actor_id") or (user.id if user else None)
    session.add(AuditLog(at=utcnow(), user_id=actor, action=action,
                         record_type="User", record_id=user.id if user else None,
                         record_label=(label or (user.username if user else None) or "")[:200] or None,
                         changes=details))
    session.info["audit_written"] = True


# ---------- the chain: every row's hash covers its content and the hash of the row before ----------

GENESIS = "0" * 64
SEAL_BATCH = 5000
HEAD, ANCHOR = "audit_chain_head", "audit_chain_anchor"  # Setting keys: "seq:hash"
CHAIN_LOCK = 0x4155_4449  # PostgreSQL's advisory lock the seal holds ("AUDI")


def _content(row) -> dict:
    """What a row's hash covers, and what an archive keeps of it."""
    return {"seq": row.seq, "id": row.id, "at": as_utc(row.at).isoformat(), "user_id": row.user_id,
            "action": row.action, "record_type": row.record_type, "record_id": row.record_id,
            "record_label": row.record_label, "changes": row.changes}


def _digest(previous: str, row) -> str:
    content = json.dumps(_content(row), ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous}\n{content}".encode()).hexdigest()


def _sealed_rows(session: Session):
    """The chain in order, streamed (plain rows, a batch at a time: ten million of them pass in
    the memory of one batch)."""
    return session.execute(sa.select(AuditLog.__table__).where(AuditLog.seq.is_not(None)).order_by(AuditLog.seq),
                           execution_options={"yield_per": SEAL_BATCH})


def _anchor(session: Session) -> tuple[int, str]:
    """Where the chain in the table starts: after the rows archived (``flask audit archive``)."""
    value = session.scalar(sa.select(Setting.value).where(Setting.key == ANCHOR))
    seq, _, digest = value.partition(":") if value else ("0", "", GENESIS)
    return int(seq), digest


def _last_sealed(session: Session) -> tuple[int, str]:
    last = session.execute(sa.select(AuditLog.seq, AuditLog.row_hash).where(AuditLog.seq.is_not(None))
                           .order_by(AuditLog.seq.desc()).limit(1)).first()
    return tuple(last) if last else _anchor(session)


def _hold_the_chain(session: Session) -> None:
    """One seal at a time, the later one waiting for the earlier to commit: PostgreSQL's advisory
    lock for the transaction; on SQLite the write lock, which a write that changes nothing takes."""
    if audit_partitions.partitioned(session):
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    else:
        session.execute(sa.update(AuditLog).where(sa.false()).values(seq=AuditLog.seq))


def seal(session: Session, limit: int | None = None) -> int:
    """Give the rows written since the last seal their place in the chain (in the order of their
    ids) and their hash, and commit; returns how many. Runs after each request that wrote to the
    log, and on PostgreSQL makes the month partitions the log is about to need."""
    done = 0
    try:
        _hold_the_chain(session)
        if audit_partitions.partitioned(session):
            this_month = utcnow().date().replace(day=1)
            audit_partitions.ensure_months(session, this_month, audit_partitions.next_month(this_month))
        seq, previous = _last_sealed(session)
        while limit is None or done < limit:
            rows = session.scalars(sa.select(AuditLog).where(AuditLog.seq.is_(None)).order_by(AuditLog.id)
                                   .limit(SEAL_BATCH)).all()
            if not rows:
                break
            for row in rows:
                seq += 1
                row.seq = seq
                row.row_hash = previous = _digest(previous, row)
            session.flush()
            done += len(rows)
        if done:  # the head, kept apart from the rows, shows when the newest ones are cut off
            _keep(session, HEAD, f"{seq}:{previous}")
        session.commit()
    except sa.exc.OperationalError:  # SQLite busy past its timeout: the next seal takes these rows
        session.rollback()
        return 0
    return done


def insert_sealed(session: Session, rows: Iterable[dict]) -> int:
    """Write log rows made in bulk (the synthetic data's: dicts with their ids, oldest first),
    each sealed as it goes, continuing the chain; the head moves to the last. On PostgreSQL the
    rows' months get their partitions first (ten million rows in one default partition would
    have to be moved row by row later)."""
    seq, previous = _last_sealed(session)
    done, batch = 0, []

    def write():
        if audit_partitions.partitioned(session):
            audit_partitions.ensure_months(session, as_utc(batch[0]["at"]).date(), as_utc(batch[-1]["at"]).date())
        insert_rows(AuditLog, batch, analyze=False)  # a partitioned table's ANALYZE reads every month
        batch.clear()

    for row in rows:
        seq += 1
        row["seq"] = seq
        row["row_hash"] = previous = _digest(previous, SimpleNamespace(**row))
        batch.append(row)
        done += 1
        if len(batch) == SEAL_BATCH * 10:
            write()
    if batch:
        write()
    if done:
        _keep(session, HEAD, f"{seq}:{previous}")
        if audit_partitions.partitioned(session):
            session.execute(sa.text("ANALYZE audit_log"))
    return done


def _keep(session: Session, key: str, value: str) -> None:
    """A chain setting, written past the flush (so that it is no audited change of its own, nor
    a change of the records that kept figures count)."""
    options = {READS_NO_FIGURE: True}
    if session.execute(sa.update(Setting).where(Setting.key == key).values(value=value),
                       execution_options=options).rowcount == 0:
        session.execute(sa.insert(Setting).values(key=key, value=value, version=1), execution_options=options)


def verify(session: Session) -> tuple[int, str | None]:
    """Recompute the chain: how many rows were checked, and None when every row is as it was
    sealed, else what is wrong with the first row that is not (altered, removed, or the newest rows
    cut off)."""
    seal(session)
    start, previous = _anchor(session)
    seq = start
    with _sealed_rows(session) as rows:
        for row in rows:
            if row.seq != seq + 1:
                return seq - start, f"审计日志第 {seq + 1} 条（序号）缺失：记录被删除。"
            if _digest(previous, row) != row.row_hash:
                return seq - start, f"审计日志第 {row.seq} 条（编号 {row.id}）与封存时不一致：记录被改动。"
            seq, previous = row.seq, row.row_hash
    head = session.scalar(sa.select(Setting.value).where(Setting.key == HEAD))
    if head and head != f"{seq}:{previous}":
        return seq - start, f"审计日志最后 {int(head.partition(':')[0]) - seq} 条缺失：记录被删除。"
    return seq - start, None


class ArchiveError(ValueError):
    pass


def _signature(key: str, body: bytes) -> str:
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def archive(session: Session, before: date, out, key: str, keep_days: int) -> int:
    """Move the rows older than ``before`` (a run from the start of the chain) to a file: one JSON
    line per row after a line with the anchor they continue, then an HMAC-SHA256 signature with
    ``key``. What stays in the table continues from the last archived row (the new anchor), so
    ``verify`` still checks it whole. Rows younger than ``keep_days`` are never archived."""
    if before > date.today() - timedelta(days=keep_days):
        raise ArchiveError(f"审计日志至少保留 {keep_days} 天：只能归档 {date.today() - timedelta(days=keep_days)} 之前的记录。")
    problem = verify(session)[1]
    if problem:
        raise ArchiveError(f"审计日志校验未通过，不能归档：{problem}")
    start = _anchor(session)
    cutoff = datetime.combine(before, datetime.min.time(), tzinfo=UTC)
    lines, last = [json.dumps({"anchor": f"{start[0]}:{start[1]}"})], None
    with _sealed_rows(session) as rows:  # closed before its partitions are dropped
        for row in rows:
            if as_utc(row.at) >= cutoff:
                break
            lines.append(json.dumps({**_content(row), "row_hash": row.row_hash}, ensure_ascii=False, sort_keys=True,
                                    default=str))
            last = row
    if last is None:
        return 0
    body = ("\n".join(lines) + "\n").encode()
    out.write(body + json.dumps({"signature": _signature(key, body)}).encode() + b"\n")
    if audit_partitions.partitioned(session):  # whole months go at once
        audit_partitions.drop_archived(session, last.seq, cutoff)
    session.execute(sa.delete(AuditLog).where(AuditLog.seq <= last.seq))
    _keep(session, ANCHOR, f"{last.seq}:{last.row_hash}")
    session.commit()
    return len(lines) - 1


def verify_archive(data: bytes, key: str) -> str | None:
    """None when an archive file is as ``archive`` wrote it (signature and chain), else what is wrong."""
    body, _, last = data.rstrip(b"\n").rpartition(b"\n")
    try:
        signature = json.loads(last)["signature"]
        lines = [json.loads(line) for line in body.split(b"\n")]
        seq, _, previous = lines[0]["anchor"].partition(":")
    except (ValueError, KeyError, TypeError, IndexError):
        return "归档文件格式不正确。"
    if not hmac.compare_digest(signature, _signature(key, body + b"\n")):
        return "归档文件签名不符：文件被改动，或不是用本系统的密钥签名的。"
    seq = int(seq)
    for record in lines[1:]:
        row = SimpleNamespace(**{**record, "at": datetime.fromisoformat(record["at"])})
        if row.seq != seq + 1 or _digest(previous, row) != row.row_hash:
            return f"归档文件第 {row.seq} 条与封存时不一致。"
        seq, previous = row.seq, row.row_hash
    return None
