"""The import steps that run on the task queue: reading a file, committing a batch, undoing one.
Like a view or a CLI command, each commits once at its end, or rolls back and notes why on the
batch; its progress is a heartbeat the batch page polls."""
import logging

from flask import Flask

from app import jobs
from app.excel import ExcelError
from app.extensions import db
from app.imports import services
from app.models import ImportBatch, User

log = logging.getLogger(__name__)
INTERNAL = "发生内部错误，未写入任何数据。请联系系统管理员。"


def key(batch_id: int) -> str:
    return f"import:{batch_id}"


def init_app(app: Flask) -> None:
    jobs.task(app, "import.read", read)
    jobs.task(app, "import.commit", commit)
    jobs.task(app, "import.undo", undo)


def _run(batch_id: int, user_id: int, steps, on_failure) -> None:
    """Drive ``steps(batch, user)`` with heartbeats, then commit; on failure roll back and note why."""
    db.session.info["actor_id"] = user_id
    jobs.beat(key(batch_id), 0, 0)
    try:
        progress = steps(db.session.get(ImportBatch, batch_id), db.session.get(User, user_id))
        while True:
            try:
                done, total = next(progress)
            except StopIteration:
                break
            jobs.beat(key(batch_id), done, total)
        db.session.commit()
    except (ExcelError, services.BatchError) as error:
        db.session.rollback()
        on_failure(batch_id, str(error))
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("import task failed")
        on_failure(batch_id, INTERNAL)
        db.session.commit()
    finally:
        jobs.forget(key(batch_id))


def read(batch_id: int, user_id: int) -> None:
    _run(batch_id, user_id, services.read, services.refuse)


def commit(batch_id: int, user_id: int) -> None:
    _run(batch_id, user_id, services.commit, services.release)


def undo(batch_id: int, user_id: int) -> None:
    def steps(batch, user):
        services.undo(batch, user)
        yield from ()

    _run(batch_id, user_id, steps, services.keep_committed)


def alive(batch: ImportBatch) -> bool:
    """Whether the task at work on the batch gives signs of life (a killed worker's does not)."""
    return batch.status in ImportBatch.WORKING and jobs.alive(key(batch.id), batch.claimed_at)


def progress(batch: ImportBatch) -> dict:
    beat = jobs.heartbeat(key(batch.id)) or {}
    return {"status": batch.status, "label": ImportBatch.STATUS_LABELS.get(batch.status, batch.status),
            "done": beat.get("done", 0), "total": beat.get("total") or batch.total_rows,
            "working": batch.status in ImportBatch.WORKING, "alive": alive(batch)}
