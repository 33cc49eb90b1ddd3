"""Company-name folding for duplicate detection: the same company spelled two ways folds to one key."""
import re
import unicodedata

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
