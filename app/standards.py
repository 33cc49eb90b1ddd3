"""Field standards of DOMAIN.md §6: 统一社会信用代码 (GB 32100-2015) and 手机号."""
import re
from operator import mul

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
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：应为 {expected}，实际为 {code[17]}。"
    return None


def make_uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)
