"""full-text search on enterprise names

Adds enterprise.name_tokens (the name spaced per Chinese character, filled here for existing
rows) and a full-text index on it: on SQLite an external-content FTS5 table, kept in step by
triggers on update and delete, and for new rows by app/enterprises/search.py (one INSERT … SELECT
per flush: a per-row insert trigger costs 20 times as much in bulk imports); on PostgreSQL a stored generated tsvector column name_tsv with a GIN index (a stored
vector, so phrase matches are rechecked without recomputing it). Both are outside the SQLAlchemy
metadata (migrations/env.py leaves them out of autogenerate).

Note for later migrations: a batch ALTER of `enterprise` on SQLite recreates the table and drops
its triggers; such a migration must call create_sqlite_search() again (a test checks the
triggers exist at head).

Revision ID: 0281fcc31bbb
Revises: b7b6819f6041
Create Date: 2026-11-23 18:55:00

"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0281fcc31bbb'
down_revision = 'b7b6819f6041'
branch_labels = None
depends_on = None

FTS = "enterprise_name_fts"
CJK = re.compile(r"([\u3400-\u9fff\uf900-\ufaff])")


def tokens(name):
    # Same as app.names.search_tokens, copied so the migration does not change with the app.
    return " ".join(CJK.sub(r" \1 ", unicodedata.normalize("NFKC", name or "").lower()).split())


def create_sqlite_search():
    op.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(name_tokens, content='enterprise', "
               "content_rowid='id', tokenize='unicode61')")
    op.execute(f"""CREATE TRIGGER IF NOT EXISTS {FTS}_delete AFTER DELETE ON enterprise BEGIN
        INSERT INTO {FTS}({FTS}, rowid, name_tokens) VALUES ('delete', old.id, old.name_tokens); END""")
    op.execute(f"""CREATE TRIGGER IF NOT EXISTS {FTS}_update AFTER UPDATE OF name_tokens ON enterprise BEGIN
        INSERT INTO {FTS}({FTS}, rowid, name_tokens) VALUES ('delete', old.id, old.name_tokens);
        INSERT INTO {FTS}(rowid, name_tokens) VALUES (new.id, new.name_tokens); END""")
    op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")


def upgrade():
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_tokens', sa.Text(), nullable=False, server_default=''))
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, name FROM enterprise")).all()
    if rows:
        connection.execute(sa.text("UPDATE enterprise SET name_tokens = :t WHERE id = :i"),
                           [{"t": tokens(name), "i": ident} for ident, name in rows])
    if connection.dialect.name == "sqlite":
        create_sqlite_search()
    elif connection.dialect.name == "postgresql":
        op.execute("ALTER TABLE enterprise ADD COLUMN name_tsv tsvector "
                   "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, name_tokens)) STORED")
        op.execute("CREATE INDEX ix_enterprise_name_tsv ON enterprise USING gin (name_tsv)")


def downgrade():
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        for trigger in ("delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS}_{trigger}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    elif connection.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_enterprise_name_tsv")
        op.execute("ALTER TABLE enterprise DROP COLUMN IF EXISTS name_tsv")
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_column('name_tokens')
