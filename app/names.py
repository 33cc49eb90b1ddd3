"""Company-name folding for duplicate detection: the same company spelled two ways folds to one key."""
import re
import unicodedata

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
    pairs = [" ".join(run[i:i + 2] for i in range(len(run) - 1)) for run in CJK_ONLY.findall(text) if len(run) > 1]
    return " ".join(_WORDS.findall(text) + [" 0 ".join(pairs)]).strip()


def query_tokens(query: str) -> str:
    """The words to look up for a query of Chinese characters only (see ``search_tokens``)."""
    return query if len(query) == 1 else " ".join(query[i:i + 2] for i in range(len(query) - 1))


def name_keys(name: str) -> dict[str, str]:
    """The derived name columns, for rows written without the ORM (bulk inserts)."""
    return {"normalized_name": normalize_name(name), "name_tokens": search_tokens(name)}
