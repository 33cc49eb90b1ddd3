"""name search: pinyin and initials

enterprise.name_tokens gains, after the characters and pairs, each run of Chinese characters in
pinyin syllable by syllable and by initials (see app.names.search_tokens), so that `fenjiu` and
`fj` find 汾酒. Only the data changes, re-tokenized as revision 5c0e7a31d9f2 does it (its
function is reused: PostgreSQL's generated column follows by itself, SQLite's FTS table is
rebuilt in one go).

Revision ID: 55cb8dbfbfc7
Revises: 408abcfc66ea
Create Date: 2026-12-06 20:35:00

"""
import re
import unicodedata

from alembic import context
from alembic.script import ScriptDirectory
from pypinyin import lazy_pinyin

revision = '55cb8dbfbfc7'
down_revision = '408abcfc66ea'
branch_labels = None
depends_on = None

CJK_ONLY = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
WORDS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\s\u3400-\u9fff\uf900-\ufaff]+")


def pairs_revision():
    """Revision 5c0e7a31d9f2's module: its re-tokenizing and its (pairs only) tokens."""
    return ScriptDirectory.from_config(context.config).get_revision("5c0e7a31d9f2").module


# A copy of app.names.search_tokens as of this revision, so the migration does not change with the app.
def pinyin_tokens(name):
    text = unicodedata.normalize("NFKC", name or "").lower()
    runs = CJK_ONLY.findall(text)
    pairs = [" ".join(run[i:i + 2] for i in range(len(run) - 1)) for run in runs if len(run) > 1]
    spelt = []
    for run in runs:
        syllables = [s for s in lazy_pinyin(run) if s.isascii() and s.isalpha()]
        if syllables:
            spelt += [" ".join(syllables), " ".join(s[0] for s in syllables)]
    return " ".join(WORDS.findall(text) + [" 0 ".join(pairs + spelt)]).strip()


def upgrade():
    pairs_revision().retokenize(pinyin_tokens)


def downgrade():
    earlier = pairs_revision()
    earlier.retokenize(earlier.pair_tokens)
