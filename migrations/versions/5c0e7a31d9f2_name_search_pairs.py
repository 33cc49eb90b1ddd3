"""name search: index pairs of adjacent Chinese characters

enterprise.name_tokens gains, after the single characters, every pair of adjacent Chinese
characters (see app.names.search_tokens), so 2-character queries are one-word lookups. Only the
data changes. PostgreSQL's generated column follows by itself; on SQLite the update trigger is
set aside and the FTS table rebuilt in one go, which is faster and does not depend on the index
holding exactly the old words (an external-content FTS5 table is corrupted by deleting words it
does not hold).

Revision ID: 5c0e7a31d9f2
Revises: 1ab122769a41
Create Date: 2026-11-23 20:30:00

"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '5c0e7a31d9f2'
down_revision = '1ab122769a41'
branch_labels = None
depends_on = None

FTS = "enterprise_name_fts"
CJK = re.compile(r"([\u3400-\u9fff\uf900-\ufaff])")
CJK_ONLY = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


# Copies of app.names.search_tokens, before and after, so the migration does not change with the app.
def single_tokens(name):
    return " ".join(CJK.sub(r" \1 ", unicodedata.normalize("NFKC", name or "").lower()).split())


def pair_tokens(name):
    text = unicodedata.normalize("NFKC", name or "").lower()
    pairs = [" ".join(run[i:i + 2] for i in range(len(run) - 1)) for run in CJK_ONLY.findall(text) if len(run) > 1]
    return " ".join(CJK.sub(r" \1 ", text).split() + [" 0 ".join(pairs)]).strip()


def retokenize(tokens):
    connection = op.get_bind()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        op.execute(f"DROP TRIGGER IF EXISTS {FTS}_update")
    rows = connection.execute(sa.text("SELECT id, name FROM enterprise")).all()
    for start in range(0, len(rows), 10000):
        connection.execute(sa.text("UPDATE enterprise SET name_tokens = :t WHERE id = :i"),
                           [{"t": tokens(name), "i": ident} for ident, name in rows[start:start + 10000]])
    if sqlite:  # the trigger as revision 0281fcc31bbb made it
        op.execute(f"""CREATE TRIGGER IF NOT EXISTS {FTS}_update AFTER UPDATE OF name_tokens ON enterprise BEGIN
        INSERT INTO {FTS}({FTS}, rowid, name_tokens) VALUES ('delete', old.id, old.name_tokens);
        INSERT INTO {FTS}(rowid, name_tokens) VALUES (new.id, new.name_tokens); END""")
        op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")


def upgrade():
    retokenize(pair_tokens)


def downgrade():
    retokenize(single_tokens)
