"""Enterprise-name search that stays fast at 100,000 names, 1- and 2-character queries included.

Names are kept as words of one and two Chinese characters (``Enterprise.name_tokens``, see
``app.names.search_tokens``), and a Chinese query is looked up as a word or a phrase of pairs in a
full-text index: an FTS5 table on SQLite, a stored tsvector column ``name_tsv`` with a GIN index
on PostgreSQL (which keeps itself current).

On SQLite, triggers follow updates and deletes; new rows are indexed here, once per flush with
one INSERT … SELECT (``index_new``), because a per-row insert trigger made bulk imports 20 times
slower. ORM inserts are indexed by a flush hook; bulk Core inserts call ``index_new`` themselves.
Queries with Latin letters, digits or punctuation fall back to a substring match.
"""
import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.audit_partitions import is_partition
from app.extensions import db
from app.jobs import outside_the_models
from app.models import Enterprise
from app.names import CJK_ONLY, pinyin_phrases, query_tokens

FTS_TABLE = "enterprise_name_fts"
PG_COLUMN, PG_INDEX = "name_tsv", "ix_enterprise_name_tsv"


NULLS_LAST = "_nulls_last"  # PostgreSQL's indexes in a list's order "newest first, empty last"


def include_name(name, type_, _parents) -> bool:
    """For Alembic autogenerate, what the models describe: not the search structures (made by a
    migration, outside the metadata), nor the task queue's tables (app.jobs), nor PostgreSQL's
    indexes that walk a list in descending order with empty values last (``…_nulls_last``,
    made by a migration: SQLite has no such index, and walks its plain one backwards in that order),
    nor the audit log's month partitions (app.audit_partitions; the parent table is compared)."""
    return not (name or "").startswith((FTS_TABLE, PG_COLUMN, PG_INDEX)) and not (name or "").endswith(NULLS_LAST) \
        and not (type_ == "table" and (outside_the_models(name) or is_partition(name)))


def id_in(column, ids: sa.Select) -> sa.ColumnElement[bool]:
    """``column IN (ids)`` in the form each database can OR with other indexed conditions:
    PostgreSQL combines ``= ANY(ARRAY(subquery))`` into a BitmapOr but not ``IN (subquery)``,
    which would cost a scan of the whole table; SQLite ORs ``IN`` lists of rowids itself."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.func.array(ids.scalar_subquery()))
    return column.in_(ids)


def name_contains(query: str, for_page: bool = False) -> sa.ColumnElement[bool]:
    """The condition that an enterprise's name contains ``query``, or (Latin letters) that the
    query is its pinyin or initials. ``for_page``: the condition is for one sorted page rather
    than for a count (see below)."""
    query = unicodedata.normalize("NFKC", query).strip()
    if CJK_ONLY.fullmatch(query):
        return _indexed([query_tokens(query)], for_page)
    phrases = pinyin_phrases(query)
    if phrases:
        # Latin letters: pinyin, initials, or a Latin word of the name beginning so (FJ Trading);
        # all in the index, where a substring scan of every name cost 100 ms at 100,000.
        return _indexed(phrases, for_page, word=re.sub(r"[^a-z]", "", query.lower()))
    return Enterprise.name.contains(query, autoescape=True)


def _indexed(phrases: list[str], for_page: bool = False, word: str | None = None) -> sa.ColumnElement[bool]:
    """Names holding any of these phrases of index words (or a word beginning with ``word``),
    looked up in the full-text index."""
    if db.session.get_bind().dialect.name == "postgresql":
        vector = sa.literal_column(f"enterprise.{PG_COLUMN}")
        simple = sa.literal_column("'simple'::regconfig")
        if word is None:
            return vector.bool_op("@@")(sa.func.phraseto_tsquery(simple, phrases[0]))
        # Pinyin phrases and the word are a–z only (pinyin_phrases), safe to write into the query text.
        text = " | ".join([*(f"({' <-> '.join(p.split())})" for p in phrases), f"{word}:*"])
        return vector.bool_op("@@")(sa.func.to_tsquery(simple, text))
    text = " OR ".join([*(f'"{p}"' for p in phrases), *([f'"{word}"*'] if word else [])])
    matching = sa.select(sa.column("rowid", sa.Integer)).select_from(sa.table(FTS_TABLE)).where(
        sa.text(f"{FTS_TABLE} MATCH :phrase").bindparams(phrase=text))
    # SQLite knows nothing of how many names match, so it always fetches every match and sorts
    # them all — 24,000 rows for 科技. When matches are many (1 row in 20 or more), walking the
    # list's sort index and testing each row finds a page sooner; ``id + 0`` is the usual way to
    # keep SQLite from looking rows up by the IN list. Counts still look them up.
    if for_page:
        count, rows = db.session.execute(sa.select(
            sa.select(sa.func.count()).select_from(matching.subquery()).scalar_subquery(),
            sa.select(sa.func.max(Enterprise.id)).scalar_subquery())).one()
        if count * 20 > (rows or 0):
            return (Enterprise.id + 0).in_(matching)
    return Enterprise.id.in_(matching)


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
