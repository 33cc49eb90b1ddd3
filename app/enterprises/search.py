"""Enterprise-name search that stays fast at 100,000 names, 1- and 2-character queries included.

Names are kept with every Chinese character a word of its own (``Enterprise.name_tokens``), and a
Chinese query is looked up as a phrase in a full-text index: an FTS5 table on SQLite (kept in
step by triggers), a stored tsvector column ``name_tsv`` with a GIN index on PostgreSQL. Queries with Latin
letters, digits or punctuation fall back to a substring match.
"""
import unicodedata

import sqlalchemy as sa

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
