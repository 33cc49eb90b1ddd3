"""Field standards: 统一社会信用代码 (GB 32100-2015), 行政区划 (GB/T 2260),
国民经济行业分类 (GB/T 4754) and 手机号."""
import csv
import functools
import re
import unicodedata
from operator import mul
from pathlib import Path

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def uscc_check_char(first17: str) -> str:
    total = sum(map(mul, map(_USCC_VALUE.__getitem__, first17), USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_error(code: str) -> str | None:
    """What is wrong with a code, in Chinese; None when it is valid.

    Letters are legal in positions 1 and 2 (python-stdnum wrongly rejects them).
    """
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，实际 {len(code)} 位。"
    for position, char in enumerate(code, start=1):
        if char not in _USCC_VALUE:
            return f"统一社会信用代码第 {position} 位“{char}”为非法字符。"
    if not code[2:8].isdigit():
        return "统一社会信用代码第 3–8 位（行政区划码）应为数字。"
    if code[17] != uscc_check_char(code[:17]):
        return USCC_CHECK_FAILED
    return None


# Never name the character that would pass: users "fix" the last one as told and keep a wrong code
# whose error lies elsewhere.
USCC_CHECK_FAILED = "统一社会信用代码校验不通过，可能有输错的字符，请对照营业执照逐位核对。"


def make_uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


# GB/T 4754-2017: the 门类 letter of each 大类 (two-digit division), by the first division of each.
_SECTION_STARTS = [(1, "A"), (6, "B"), (13, "C"), (44, "D"), (47, "E"), (51, "F"), (53, "G"), (61, "H"), (63, "I"),
                   (66, "J"), (70, "K"), (71, "L"), (73, "M"), (76, "N"), (80, "O"), (83, "P"), (84, "Q"), (86, "R"),
                   (91, "S"), (97, "T")]
INDUSTRY_CODE = re.compile(r"([A-T])?(\d{2,4})?")


def industry_code(text: str) -> str:
    """A GB/T 4754 code as stored: the 门类 letter, then 2–4 digits (1512 → C1512, c15 → C15).
    Raises ValueError when it is not one, or its letter does not fit its digits."""
    code = text.replace(" ", "").upper()
    match = INDUSTRY_CODE.fullmatch(code)
    if not code or not match or (match[2] and int(match[2][:2]) not in range(1, 98)):
        raise ValueError(f"行业代码“{text}”应为 GB/T 4754 门类字母或 2–4 位数字（如 C、C15、1512）")
    if not match[2]:
        return code
    section = [letter for start, letter in _SECTION_STARTS if start <= int(match[2][:2])][-1]
    if match[1] and match[1] != section:
        raise ValueError(f"行业代码“{text}”的门类应为 {section}")
    return section + match[2]


SECTORS = ("第一产业", "第二产业", "第三产业")


def sector_of(code: str | None) -> str | None:
    """The 三次产业 of a GB/T 4754-2017 code, as 国家统计局's 三次产业划分规定 (2018) has them: 一产 is
    门类 A, 二产 B–E, 三产 the rest; the support services 05, 11 and repair 43 count as 三产."""
    if not code:
        return None
    letter, division = code[0], code[1:3]
    if division in ("05", "11", "43") or letter not in "ABCDE":
        return SECTORS[2]
    return SECTORS[0] if letter == "A" else SECTORS[1]


# GB/T 2260: a place is written in full (山西省, 大同市, 内蒙古自治区, 昆山市, 沛县) or short (山西, 大同,
# 内蒙古, 昆山); both name one code.
_REGION_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "自治县", "自治旗", "省", "市",
                    "地区", "盟", "县", "区", "旗")
PLACEHOLDER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@functools.cache
def region_names() -> list[tuple[str, str]]:
    """GB/T 2260: every province, prefecture and county as (code, name), in the order of codes."""
    with (Path(__file__).parent / "gb2260.csv").open(encoding="utf-8") as handle:
        return [(row["code"], row["name"]) for row in csv.DictReader(line for line in handle if not line.startswith("#"))]


@functools.cache
def _region_codes() -> dict[str, str]:
    """Names of provinces, prefectures and counties, full and short, → their GB/T 2260 code. A
    province's or prefecture's name wins over a county's; a name two counties share (朝阳区), and
    a short name two places share, are left out."""
    full: tuple[dict, dict] = ({}, {})  # counties', then provinces' and prefectures': name → codes
    short: tuple[dict, dict] = ({}, {})
    for code, name in region_names():
        if name in PLACEHOLDER_NAMES:
            continue
        upper = code.endswith("00")
        full[upper].setdefault(name, set()).add(code)
        for suffix in _REGION_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                short[upper].setdefault(name[: -len(suffix)], set()).add(code)
                break
    # a name is decided by the first table that has it: full names of provinces and prefectures,
    # their short names, then counties' (a name a table holds twice names no place)
    codes: dict[str, str | None] = {}
    for table in (full[1], short[1], full[0], short[0]):
        for name, found in table.items():
            codes.setdefault(name, found.pop() if len(found) == 1 else None)
    return {name: code for name, code in codes.items() if code}


def region_code(text: str | None) -> str | None:
    """The GB/T 2260 code of a province, prefecture or county as written (大同, 大同市, 昆山), or None."""
    return _region_codes().get(re.sub(r"\s", "", unicodedata.normalize("NFKC", text or ""))) if text else None


def same_region(a: str | None, b: str | None) -> bool:
    """Whether two ways of writing name the same place (大同 and 大同市, 昆山 and 昆山市)."""
    code = region_code(a)
    return code is not None and code == region_code(b)
