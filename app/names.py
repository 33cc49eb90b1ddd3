"""Company-name folding for duplicate detection (the same company spelled two ways folds to one
key), and the words a name is found by: its Chinese characters, pairs of them, and its pinyin."""
import functools
import re
import unicodedata

from pypinyin import Style
from pypinyin.constants import PINYIN_DICT
from pypinyin.converter import UltimateConverter
from pypinyin.core import Pinyin
from pypinyin.style import convert

CJK_ONLY = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORDS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\s\u3400-\u9fff\uf900-\ufaff]+")  # a Chinese character, or a run of others
LEGAL_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司")
_DROP = re.compile(r"[\s()（）\[\]【】<>《》·.,，、\-—_\u200b-\u200d\u2060\ufeff]")


def normalize_name(name: str) -> str:
    """Full-width → half-width, spaces and brackets removed, legal suffixes (集团有限公司 …) dropped."""
    folded = _DROP.sub("", unicodedata.normalize("NFKC", name or "")).upper()
    stripped = True
    while stripped:
        stripped = False
        for suffix in LEGAL_SUFFIXES:
            if folded.endswith(suffix) and len(folded) > len(suffix):
                folded, stripped = folded[: -len(suffix)], True
                break
    return folded


def search_tokens(name: str) -> str:
    """The words a full-text index keeps for a name: every Chinese character on its own, then
    every pair of adjacent Chinese characters, run by run ("汾酒集团" → "汾 酒 集 团 汾酒 酒集 集团").

    A 1-character query is looked up as one word and a longer one as the phrase of its pairs
    (``query_tokens``): single-word lookups need no positional check, and the databases estimate
    their matches well. Runs are parted by a "0", a word no Chinese query asks for, so a phrase
    never runs from one run into the next ("科(技)" does not contain "科技")."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    runs = CJK_ONLY.findall(text)
    pairs = [" ".join(run[i:i + 2] for i in range(len(run) - 1)) for run in runs if len(run) > 1]
    return " ".join(_WORDS.findall(text) + [" 0 ".join(pairs + pinyin_words(runs))]).strip()


class _KeptReadings(UltimateConverter):
    """pypinyin's converter (lazy_pinyin's), each word's reading kept: names share their words
    (有限公司, 科技, 苏州…), and reading them again and again was half of a 50,000-row import's commit."""

    @functools.lru_cache(maxsize=1 << 16)
    def convert(self, words, style, heteronym, errors, strict, **kwargs):
        return tuple(tuple(readings) for readings in super().convert(words, style, heteronym, errors, strict, **kwargs))


_PINYIN = Pinyin(_KeptReadings())


def pinyin_words(runs: list[str]) -> list[str]:
    """Each run of Chinese characters in pinyin as the characters are kept: syllable by syllable,
    pairs of adjacent syllables, pairs of adjacent initials (汾酒集团 → "fen jiu ji tuan",
    "fenjiu jiuji jituan", "fj jj jt"), so that ``fenjiu`` and ``fj`` find 汾酒, each looked up
    as one word whose matches the databases estimate well (a single letter is in most names).
    Readings follow pypinyin's phrase dictionary (重庆 → chong qing)."""
    words = []
    for run in runs:
        syllables = [s for s in _PINYIN.lazy_pinyin(run) if s.isascii() and s.isalpha()]
        if syllables:
            words.append(" ".join(syllables))
        if len(syllables) > 1:
            words += [pairs_of(syllables), pairs_of([s[0] for s in syllables])]
    return words


def pairs_of(items: list[str]) -> str:
    return " ".join(a + b for a, b in zip(items, items[1:]))


# Every toneless pinyin syllable (about 420), from pypinyin's dictionary; read once when the app
# loads (a quarter of a second) rather than on some user's first pinyin query.
SYLLABLES = frozenset(convert(p, Style.NORMAL, strict=False) for v in PINYIN_DICT.values() for p in v.split(","))


def _split(letters: str) -> list[str] | None:
    """``letters`` as whole syllables, longest first (fenjiu → fen jiu), or None."""
    if not letters:
        return []
    for end in range(min(6, len(letters)), 0, -1):
        if letters[:end] in SYLLABLES and (rest := _split(letters[end:])) is not None:
            return [letters[:end], *rest]
    return None


def pinyin_phrases(query: str) -> list[str]:
    """A query of Latin letters read as pinyin, as the phrases of index words to look up (see
    ``pinyin_words``): its syllables when it splits into them (fen → "fen", fenjiu → "fenjiu",
    fenjiuji → "fenjiu jiuji"), and its letters as initials (fj → "fj", fjjt → "fj jj jt") when
    it is short or spells nothing (long runs of initials are rarely meant); none for anything else."""
    letters = re.sub(r"[\s']", "", query).lower()
    if len(letters) < 2 or not (letters.isascii() and letters.isalpha()):
        return []
    spelt = _split(letters)
    initials = len(letters) <= 4 or (spelt is None and len(letters) <= 8)
    syllables = ([spelt[0] if len(spelt) == 1 else pairs_of(spelt)] if spelt else [])
    return syllables + ([pairs_of(list(letters))] if initials else [])


def query_tokens(query: str) -> str:
    """The words to look up for a query of Chinese characters only (see ``search_tokens``)."""
    return query if len(query) == 1 else " ".join(query[i:i + 2] for i in range(len(query) - 1))


def name_keys(name: str) -> dict[str, str]:
    """The derived name columns, for rows written without the ORM (bulk inserts)."""
    return {"normalized_name": normalize_name(name), "name_tokens": search_tokens(name)}
