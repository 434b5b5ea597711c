"""统一社会信用代码 (GB 32100): valid codes pass; every single-character change of a valid code fails."""

import pytest

from minzheng.core.creditcode import ALPHABET, check_char, credit_code_problem, make_credit_code

VALID = [
    "91110000600037341L",  # published codes of real enterprises, checked by hand against the standard
    "911100001000044477",
    make_credit_code(category="1", area_code="440704", serial=1),  # a 社会团体 of 江海区
    make_credit_code(category="2", area_code="445322", serial=20251),  # a 社会服务机构 of 郁南县
    make_credit_code(category="3", area_code="442000", serial=99999999),  # a 基金会 of 中山市
]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    assert credit_code_problem(code) is None


@pytest.mark.parametrize("code", VALID)
def test_every_single_character_change_fails(code):
    # Every other allowed character in every position, plus the look-alikes the alphabet leaves out.
    for i, original in enumerate(code):
        for c in ALPHABET + "IOSVZa":
            if c == original:
                continue
            changed = code[:i] + c + code[i + 1:]
            assert credit_code_problem(changed) is not None, f"第{i + 1}位改为{c}仍通过：{changed}"


@pytest.mark.parametrize(("code", "reason"), [
    ("", "18位"), ("91110000600037341", "18位"), ("91110000600037341LX", "18位"),
    ("9111000060003734IL", "不允许的字符"), ("51AB0704000000011X", "行政区划码"),
])
def test_malformed_codes_say_why_in_chinese(code, reason):
    assert reason in credit_code_problem(code)


def test_generated_codes_belong_to_the_civil_affairs_registrar():
    code = make_credit_code(category="1", area_code="440704", serial=7)
    assert code.startswith("51440704") and code[17] == check_char(code[:17])
