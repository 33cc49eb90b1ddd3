"""Enterprise-name search that stays fast at 100,000 names, 1- and 2-character queries included.

Names are kept with every Chinese character a word of its own (``Enterprise.name_tokens``), and a
Chinese query is looked up as a phrase in a full-text index: an FTS5 table on SQLite (kept in
step by triggers), a GIN ``to_tsvector('simple', …)`` index on PostgreSQL. Queries with Latin
letters, digits or punctuation fall back to a substring match.
"""
import unicodedata

import sqlalchemy as sa

from app.extensions import db
from app.models import Enterprise
from app.names import CJK_ONLY, search_tokens

FTS_TABLE = "enterprise_name_fts"
PG_INDEX = "ix_enterprise_name_tokens_tsv"


def include_name(name, _type, _parents) -> bool:
    """For Alembic autogenerate: the search structures are created by migration, outside the metadata."""
    return not (name or "").startswith((FTS_TABLE, PG_INDEX))


def name_contains(query: str) -> sa.ColumnElement[bool]:
    """A condition: the enterprise's name contains ``query``."""
    query = unicodedata.normalize("NFKC", query).strip()
    if not CJK_ONLY.fullmatch(query):
        return Enterprise.name.contains(query, autoescape=True)
    tokens = search_tokens(query)
    if db.session.get_bind().dialect.name == "postgresql":
        simple = sa.literal_column("'simple'::regconfig")
        return sa.func.to_tsvector(simple, Enterprise.name_tokens).bool_op("@@")(
            sa.func.phraseto_tsquery(simple, tokens))
    matches = sa.text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :phrase").bindparams(
        phrase=f'"{tokens}"').columns(sa.column("rowid", sa.Integer))
    return Enterprise.id.in_(matches)
