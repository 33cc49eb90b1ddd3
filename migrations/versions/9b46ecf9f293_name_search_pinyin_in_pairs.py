"""name search: pinyin in pairs

enterprise.name_tokens keeps pinyin as it keeps the Chinese characters: the syllables, then
pairs of adjacent syllables, then pairs of adjacent initials instead of single ones (汾酒集团:
"fen jiu ji tuan", "fenjiu jiuji jituan", "fj jj jt"; was "f j j t"). A query is then one word,
or a phrase of rarer words: `sz` as the phrase "s z" of letters in most names cost PostgreSQL a
scan of every row (80 ms at 100,000), and `hengda` as "heng da" was so overestimated that it
walked the list's sort index past 39,000 rows for 119 matches. Only the data changes,
re-tokenized as revision 5c0e7a31d9f2 does it.

Revision ID: 9b46ecf9f293
Revises: 672b39816cac
Create Date: 2026-12-06 23:20:00

"""
import re
import unicodedata

from alembic import context
from alembic.script import ScriptDirectory
from pypinyin import lazy_pinyin

revision = '9b46ecf9f293'
down_revision = '672b39816cac'
branch_labels = None
depends_on = None

CJK_ONLY = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
WORDS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\s\u3400-\u9fff\uf900-\ufaff]+")


def module_of(revision_id):
    return ScriptDirectory.from_config(context.config).get_revision(revision_id).module


# A copy of app.names.search_tokens as of this revision, so the migration does not change with the app.
def pairs_of(items):
    return " ".join(a + b for a, b in zip(items, items[1:]))


def pinyin_pair_tokens(name):
    text = unicodedata.normalize("NFKC", name or "").lower()
    runs = CJK_ONLY.findall(text)
    pairs = [" ".join(run[i:i + 2] for i in range(len(run) - 1)) for run in runs if len(run) > 1]
    spelt = []
    for run in runs:
        syllables = [s for s in lazy_pinyin(run) if s.isascii() and s.isalpha()]
        if syllables:
            spelt.append(" ".join(syllables))
        if len(syllables) > 1:
            spelt += [pairs_of(syllables), pairs_of([s[0] for s in syllables])]
    return " ".join(WORDS.findall(text) + [" 0 ".join(pairs + spelt)]).strip()


def upgrade():
    module_of("5c0e7a31d9f2").retokenize(pinyin_pair_tokens)


def downgrade():
    module_of("5c0e7a31d9f2").retokenize(module_of("55cb8dbfbfc7").pinyin_tokens)
