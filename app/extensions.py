"""Flask extensions, created unbound and initialised in create_app()."""
import hashlib
import sqlite3
import time

import sqlalchemy as sa
from flask import request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
class CSRFProtectCookies(CSRFProtect):
    """CSRF guards what a browser sends with its cookie. An API call with a bearer token carries its
    own credential, which another site cannot make a browser send, and is checked by it instead."""

    def protect(self):
        if request.path.startswith("/api/") and request.headers.get("Authorization", "").startswith("Bearer "):
            return None
        return super().protect()


csrf = CSRFProtectCookies()
class DescribedApi(Api):
    """flask-smorest's Api without its page-number pagination, which the API does not use (its
    lists page by cursor), so that the description holds only what the API does."""

    def _register_pagination_header(self):
        return None

    def _register_responses(self):
        """The errors described as what they are: problem details (RFC 9457), app.web.problem."""
        self.DEFAULT_RESPONSE_CONTENT_TYPE = "application/problem+json"
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE  # the class's: records are application/json


def _caller() -> str:
    """Whom a rate limit counts: an API call by its token (a digest of it: no secret kept in the
    limiter's store), anything else by the client's address."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
    return request.remote_addr or "?"


# Calls counted per token (or address), in memory per process unless RATELIMIT_STORAGE_URI names
# a shared store; the API's limit is API_RATE_LIMIT (app/api).
limiter = Limiter(key_func=_caller)
openapi = DescribedApi()  # describes the API blueprint (app/api) as OpenAPI 3.1; errors as app.api.schemas.Problem


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_wal(dbapi_connection, _record) -> None:
    """SQLite (the embedded default) in WAL mode: pages go on reading while an import writes.
    In the default journal a reader waits for a writer that spills its cache to the file, and
    gives up after five seconds."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
        dbapi_connection.execute("PRAGMA analysis_limit=1000")  # statistics from a sample: milliseconds


ANALYZE_EVERY = 3600  # seconds, per pooled SQLite connection


@sa.event.listens_for(sa.pool.Pool, "checkin")
def _sqlite_analyze(dbapi_connection, record) -> None:
    """SQLite keeps no planner statistics by itself (PostgreSQL's autovacuum does). Without them it
    counts a name search's 24,000 matches by reading each wide table row, not the narrow
    (id, is_active, unit_id) index — twice the time. So each pooled connection runs ANALYZE when
    first returned and hourly after (a sample per index: 10–30 ms at a province's size; PRAGMA
    optimize of this SQLite never starts statistics that are missing). It writes, so it does not
    wait for another writer (an import): it is tried again at the next return."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    if time.monotonic() - record.info.get("analyzed_at", -ANALYZE_EVERY) < ANALYZE_EVERY:
        return
    waits = dbapi_connection.execute("PRAGMA busy_timeout").fetchone()[0]
    dbapi_connection.execute("PRAGMA busy_timeout=0")
    try:
        dbapi_connection.execute("ANALYZE")
    except sqlite3.OperationalError:
        return
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout={int(waits)}")
    record.info["analyzed_at"] = time.monotonic()
