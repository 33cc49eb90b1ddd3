"""Enterprise-name search that stays fast at 100,000 names, 1- and 2-character queries included.

Names are kept with every Chinese character a word of its own (``Enterprise.name_tokens``), and a
Chinese query is looked up as a phrase in a full-text index: an FTS5 table on SQLite, a stored
tsvector column ``name_tsv`` with a GIN index on PostgreSQL (which keeps itself current).

On SQLite, triggers follow updates and deletes; new rows are indexed here, once per flush with
one INSERT … SELECT (``index_new``), because a per-row insert trigger made bulk imports 20 times
slower. ORM inserts are indexed by a flush hook; bulk Core inserts call ``index_new`` themselves. Queries with Latin
letters, digits or punctuation fall back to a substring match.
"""
import unicodedata

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Enterprise
from app.names import CJK_ONLY, search_tokens

FTS_TABLE = "enterprise_name_fts"
PG_COLUMN, PG_INDEX = "name_tsv", "ix_enterprise_name_tsv"


def include_name(name, _type, _parents) -> bool:
    """For Alembic autogenerate: the search structures are created by migration, outside the metadata."""
    return not (name or "").startswith((FTS_TABLE, PG_COLUMN, PG_INDEX))


def ids_with_name_containing(query: str) -> sa.Select:
    """The ids of the enterprises whose name contains ``query`` (a statement to use in IN)."""
    query = unicodedata.normalize("NFKC", query).strip()
    if not CJK_ONLY.fullmatch(query):
        return sa.select(Enterprise.id).where(Enterprise.name.contains(query, autoescape=True))
    tokens = search_tokens(query)
    if db.session.get_bind().dialect.name == "postgresql":
        vector = sa.literal_column(f"enterprise.{PG_COLUMN}")
        return sa.select(Enterprise.id).where(vector.bool_op("@@")(
            sa.func.phraseto_tsquery(sa.literal_column("'simple'::regconfig"), tokens)))
    return sa.select(sa.column("rowid", sa.Integer)).select_from(sa.table(FTS_TABLE)).where(
        sa.text(f"{FTS_TABLE} MATCH :phrase").bindparams(phrase=f'"{tokens}"'))


def index_new(session: Session, ids: list[int]) -> None:
    """Add just-inserted enterprises to the SQLite name index (PostgreSQL needs nothing)."""
    if not ids or session.get_bind().dialect.name != "sqlite":
        return
    for start in range(0, len(ids), 10000):
        chunk = ids[start:start + 10000]
        session.connection().execute(sa.text(
            f"INSERT INTO {FTS_TABLE}(rowid, name_tokens) SELECT id, name_tokens FROM enterprise "
            f"WHERE id IN ({','.join(str(int(i)) for i in chunk)})"))


def _index_flushed(session: Session, _context) -> None:
    index_new(session, [obj.id for obj in session.new if isinstance(obj, Enterprise)])


def install() -> None:
    if not event.contains(Session, "after_flush", _index_flushed):
        event.listen(Session, "after_flush", _index_flushed)
