"""统一社会信用代码 (GB 32100-2015) and 手机号."""
import pytest

from app.standards import MOBILE, USCC_WEIGHTS, industry_code, make_uscc, same_region, sector_of, uscc_error


def test_weights_are_the_published_ones():
    assert USCC_WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def test_the_documented_example_is_valid():
    assert uscc_error("91110000600037341L") is None


def test_letters_are_legal_in_positions_one_and_two():
    code = make_uscc("Y1110000MA0000001")
    assert uscc_error(code) is None and code[0] == "Y"
    assert uscc_error(make_uscc("NA110000MA0000001")) is None


@pytest.mark.parametrize("code, message", [
    ("91110000600037341", "应为 18 位，实际 17 位"),
    ("91110000600037341LL", "应为 18 位，实际 19 位"),
    ("91110000600O37341L", "第 12 位“O”为非法字符"),
    ("91110000600037341M", "校验不通过，可能有输错的字符"),
    ("911A0000600037341L", "第 3–8 位"),
])
def test_wrong_codes_say_what_is_wrong(code, message):
    assert message in uscc_error(code)


def test_check_character_catches_a_single_changed_character():
    code = "91110000600037341L"
    changed = code[:10] + "1" + code[11:]
    assert uscc_error(changed) is not None


@pytest.mark.parametrize("mobile, ok", [("13800138000", True), ("19912345678", True), ("12800138000", False),
                                        ("1380013800", False), ("138001380001", False)])
def test_mobile(mobile, ok):
    assert bool(MOBILE.match(mobile)) is ok


@pytest.mark.parametrize("a, b, same", [("大同", "大同市", True), ("山西", "山西省", True), ("内蒙古", "内蒙古自治区", True),
                                        ("广西", "广西壮族自治区", True), ("苏州", "苏州市", True), ("大同", "太原", False),
                                        ("吉林", "吉林市", False), ("火星", "火星", False), ("昆山", "昆山市", True),
                                        ("沛县", "沛县", True), ("昆山", "太仓市", False), ("朝阳", "朝阳市", True),
                                        ("朝阳区", "朝阳区", False)])  # two 朝阳区 (北京, 长春): no one place
def test_places_are_matched_by_their_gb_t_2260_code(a, b, same):
    assert same_region(a, b) is same


@pytest.mark.parametrize("text, code", [("C", "C"), ("c15", "C15"), ("1512", "C1512"), ("C3921", "C3921"), ("0311", "A0311"),
                                        ("5110", "F5110")])
def test_industry_codes_get_their_section_letter(text, code):
    assert industry_code(text) == code


@pytest.mark.parametrize("text", ["C-15", "15123", "B1512", "99", "Z"])
def test_bad_industry_codes_are_refused(text):
    with pytest.raises(ValueError, match="行业代码"):
        industry_code(text)


def test_sectors_follow_the_three_sector_classification():
    """国家统计局 三次产业划分规定: 一产 A, 二产 B–E, 三产 the rest, with the support services 05, 11 and
    the repair division 43 counted as 三产."""
    assert [sector_of(code) for code in ("A01", "A", "A05", "B06", "B11", "C1512", "C43", "D44", "E48", "F51", "R90")] \
        == ["第一产业", "第一产业", "第三产业", "第二产业", "第三产业", "第二产业", "第三产业", "第二产业", "第二产业",
            "第三产业", "第三产业"]
    assert sector_of(None) is None and sector_of("") is None
