"""居民身份证号码 (GB 11643-1999): what a caseworker types in, and what the registry tells them back."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng.core.errors import DomainError
from minzheng.core.idcard import (
    PROVINCE_PREFIXES,
    check_char,
    check_consistency,
    make_id_number,
    mask,
    parse_id_number,
)

TODAY = dt.date(2026, 6, 1)

# A real 郁南县 resident's shape of number: 445322 + 1950-03-08 + sequence 123 (odd = male).
CHEN_BO = make_id_number("445322", dt.date(1950, 3, 8), 123)


def region_codes():
    """Any valid province prefix followed by four digits of prefecture and county."""
    return st.builds(lambda p, rest: f"{p}{rest:04d}", st.sampled_from(sorted(PROVINCE_PREFIXES)),
                     st.integers(0, 9999))


valid_ids = st.builds(
    lambda region, birth, seq: (make_id_number(region, birth, seq), birth, seq),
    region_codes(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY),
    st.integers(0, 999),
)


@settings(max_examples=300)
@given(valid_ids)
def test_every_well_formed_number_is_accepted_with_its_birth_date_and_sex(generated):
    number, birth, seq = generated
    info = parse_id_number(number, today=TODAY)
    assert info.number == number
    assert info.region_code == number[:6]
    assert info.birth_date == birth
    assert info.sex == ("M" if seq % 2 else "F")


@settings(max_examples=300)
@given(valid_ids, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_typo_is_caught(generated, position, replacement):
    number = generated[0]
    if replacement == number[position] or (replacement == "X" and position != 17):
        replacement = str((int(number[position]) + 1) % 10) if number[position] != "X" else "0"
    typo = number[:position] + replacement + number[position + 1:]
    assert typo != number
    with pytest.raises(DomainError) as err:
        parse_id_number(typo, today=TODAY)
    assert err.value.field == "身份证号"


def test_lower_case_x_and_surrounding_spaces_are_normalised():
    first17 = "44190019800101004"
    number = first17 + check_char(first17)
    assert number.endswith("X"), "this sequence was chosen to end in X"
    assert parse_id_number(f"  {number[:6]} {number[6:].lower()} ", today=TODAY).number == number


def _with_check(first17: str) -> str:
    return first17 + check_char(first17)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "身份证号不能为空"),
        ("4453221950030812", "应为18位，实际为16位"),
        ("4453221950030812345", "应为18位，实际为19位"),
        ("44532219500308A23X", "前17位应为数字，末位应为数字或X"),
        ("44532219500308123Y", "前17位应为数字，末位应为数字或X"),
        (CHEN_BO[:17] + str((int(CHEN_BO[17]) + 1) % 10 if CHEN_BO[17] != "X" else 0), "校验码错误"),
        (_with_check("44532219990230123"), "出生日期“19990230”不是有效日期"),
        (_with_check("44532219991301123"), "出生日期“19991301”不是有效日期"),
        (_with_check("44532220260602123"), "出生日期2026-06-02晚于今天"),
        (_with_check("44532218800101123"), "出生日期1880-01-01早于1890年"),
        ("445322500308123", "为15位旧号码，请填写18位身份证号"),
        (_with_check("99532219500308123"), "地址码“995322”不是有效的省级行政区划代码"),
        (_with_check("01532219500308123"), "地址码“015322”不是有效的省级行政区划代码"),
    ],
    ids=["empty", "too-short", "too-long", "letter-inside", "bad-last-char", "checksum", "feb-30", "month-13",
         "future-birth", "before-1890", "old-15-digit", "unknown-province-99", "unknown-province-01"],
)
def test_each_kind_of_bad_number_gets_its_own_chinese_reason(typed, reason):
    with pytest.raises(DomainError) as err:
        parse_id_number(typed, today=TODAY)
    assert reason in err.value.message
    assert err.value.field == "身份证号"
    assert err.value.code in {"invalid_id_number", "required"}
    if typed:
        assert f"“{typed}”" in err.value.message, "the message quotes what was typed so the clerk can find it"


def test_the_field_name_in_the_message_follows_the_form():
    with pytest.raises(DomainError) as err:
        parse_id_number("123", today=TODAY, field="监护人身份证号")
    assert err.value.message.startswith("监护人身份证号“123”无效")
    assert err.value.field == "监护人身份证号"


def test_born_today_is_accepted_born_tomorrow_is_not():
    assert parse_id_number(make_id_number("440704", TODAY, 2), today=TODAY).birth_date == TODAY
    with pytest.raises(DomainError, match="晚于今天"):
        parse_id_number(make_id_number("440704", TODAY + dt.timedelta(days=1), 2), today=TODAY)


def test_stated_birth_date_and_sex_must_agree_with_the_number():
    info = parse_id_number(CHEN_BO, today=TODAY)
    check_consistency(info, birth_date=dt.date(1950, 3, 8), sex="M")
    check_consistency(info)  # nothing stated, nothing to contradict

    with pytest.raises(DomainError) as err:
        check_consistency(info, birth_date=dt.date(1950, 8, 3))
    assert err.value.message == "出生日期1950-08-03与身份证号中的出生日期1950-03-08不一致"
    assert err.value.field == "出生日期"
    assert err.value.code == "id_mismatch"

    with pytest.raises(DomainError) as err:
        check_consistency(info, sex="F")
    assert err.value.message == "性别“女”与身份证号中的性别“男”不一致"
    assert err.value.field == "性别"


def test_even_sequence_means_female():
    info = parse_id_number(make_id_number("441900", dt.date(1988, 12, 31), 124), today=TODAY)
    assert info.sex == "F"
    with pytest.raises(DomainError, match="性别“男”与身份证号中的性别“女”不一致"):
        check_consistency(info, sex="M")


def test_mask_keeps_only_the_prefecture():
    assert mask("44190019800101123X") == "4419**************"
    assert mask(CHEN_BO) == "4453**************"
    assert len(mask(CHEN_BO)) == 18
    assert mask("") == ""
    assert mask("1234567") == "*******"
