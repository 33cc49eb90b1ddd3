"""Company-name folding for duplicate detection: the same company spelled two ways folds to one key."""
import re
import unicodedata

CJK = re.compile(r"([\u3400-\u9fff\uf900-\ufaff])")
CJK_ONLY = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
LEGAL_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司")
_DROP = re.compile(r"[\s()（）\[\]【】<>《》·.,，、\-—_]")


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
    """The name with every Chinese character a word of its own ("汾酒集团" → "汾 酒 集 团"), so a
    full-text index finds 1- and 2-character queries as phrases."""
    return " ".join(CJK.sub(r" \1 ", unicodedata.normalize("NFKC", name or "").lower()).split())


def name_keys(name: str) -> dict[str, str]:
    """The derived name columns, for rows written without the ORM (bulk inserts)."""
    return {"normalized_name": normalize_name(name), "name_tokens": search_tokens(name)}
