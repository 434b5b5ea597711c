"""The bureau's calendar: a 礼乐街道 caseworker's "today" is Beijing's date, payment months step by whole months,
a dated deadline keeps its day (clamped to the month's end), and ages turn on the birthday — 29 February included."""

import datetime as dt

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from minzheng.core import periods
from minzheng.core.idcard import make_id_number, parse_id_number

pytestmark = pytest.mark.clock  # depends on today's date (CI also runs it with the clock moved)

days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31))
months = st.integers(min_value=-600, max_value=600)
LEAP_DAY_BIRTH = dt.date(1960, 2, 29)


def test_at_half_past_seven_in_beijing_the_bureau_is_already_in_the_new_month():
    # 2027-03-01 07:30 in Beijing is still 28 February in UTC: the caseworker's day is the 1st.
    with time_machine.travel(dt.datetime(2027, 2, 28, 23, 30, tzinfo=dt.UTC), tick=False):
        assert periods.local_date() == dt.date(2027, 3, 1)
        assert periods.local_date(dt.datetime(2027, 2, 28, 15, 59, tzinfo=dt.UTC)) == dt.date(2027, 2, 28)
        assert periods.local_date(dt.datetime(2027, 2, 28, 16, 0, tzinfo=dt.UTC)) == dt.date(2027, 3, 1)


def test_an_id_number_born_today_in_beijing_is_not_in_the_future():
    # A baby registered at 07:30 Beijing time on 1 March, while UTC still says 28 February.
    number = make_id_number("440704", dt.date(2027, 3, 1), 12)
    with time_machine.travel(dt.datetime(2027, 2, 28, 23, 30, tzinfo=dt.UTC), tick=False):
        assert parse_id_number(number).birth_date == dt.date(2027, 3, 1)


def test_the_two_meanings_of_months_later_named_apart():
    # A case starting in January with a 6-month recheck is due in July; an assessment of 31 August valid 6 months
    # runs to the last day of February (29th in a leap year).
    assert periods.month_plus(dt.date(2027, 1, 1), 6) == dt.date(2027, 7, 1)
    assert periods.month_plus(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 1)
    assert periods.same_day_months_later(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
    assert periods.same_day_months_later(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert periods.same_day_months_later(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert periods.next_month_start(dt.date(2027, 12, 31)) == dt.date(2028, 1, 1)
    assert periods.previous_month_start(dt.date(2027, 1, 1)) == dt.date(2026, 12, 1)
    assert periods.month_end(dt.date(2028, 2, 1)) == dt.date(2028, 2, 29)


@given(days, months)
def test_month_plus_lands_on_the_first_of_the_month_n_months_on(day, n):
    out = periods.month_plus(day, n)
    assert out.day == 1
    assert (out.year * 12 + out.month) - (day.year * 12 + day.month) == n


@given(days, months, months)
def test_month_plus_composes(day, a, b):
    assert periods.month_plus(periods.month_plus(day, a), b) == periods.month_plus(day, a + b)


@given(days, months)
def test_same_day_months_later_keeps_the_day_or_ends_the_month(day, n):
    out = periods.same_day_months_later(day, n)
    assert periods.month_start(out) == periods.month_plus(day, n)
    assert out.day == day.day or (out.day < day.day and out == periods.month_end(out))


@given(days)
def test_month_start_and_end_bracket_the_day(day):
    start, end = periods.month_start(day), periods.month_end(day)
    assert start <= day <= end and start.day == 1
    assert end + dt.timedelta(days=1) == periods.next_month_start(day)
    assert periods.previous_month_start(periods.next_month_start(day)) == start


@given(days, st.integers(min_value=0, max_value=120))
def test_age_turns_on_the_birthday_and_not_a_day_before(birth, years):
    day = periods.birthday(birth, years)
    assert periods.age_on(birth, day) == years
    if years:
        assert periods.age_on(birth, day - dt.timedelta(days=1)) == years - 1


@given(days, days, st.integers(min_value=0, max_value=120))
def test_born_on_or_before_agrees_with_age(birth, on, years):
    assert (periods.age_on(birth, on) >= years) == (birth <= periods.born_on_or_before(on, years))


def test_a_29_february_elder_turns_65_on_1_march_in_a_common_year():
    # 郁南县's 张婆婆, born 1960-02-29: 64 on 28 February 2025, 65 on 1 March; in 2024 her birthday exists.
    assert periods.birthday(LEAP_DAY_BIRTH, 65) == dt.date(2025, 3, 1)
    assert periods.age_on(LEAP_DAY_BIRTH, dt.date(2025, 2, 28)) == 64
    assert periods.age_on(LEAP_DAY_BIRTH, dt.date(2025, 3, 1)) == 65
    assert periods.birthday(LEAP_DAY_BIRTH, 64) == dt.date(2024, 2, 29)
    assert periods.born_on_or_before(dt.date(2028, 2, 29), 65) == dt.date(1963, 2, 28)


def test_working_days_skip_weekends_and_holidays_and_count_makeup_saturdays():
    cal = periods.calendar()
    holiday = min(cal.holidays)
    assert not periods.is_workday(holiday)
    if cal.workdays:
        makeup = min(cal.workdays)
        assert makeup.weekday() >= 5 and periods.is_workday(makeup)
    friday = dt.date(2027, 4, 9)
    assert friday.weekday() == 4 and periods.add_workdays(friday, 1) == dt.date(2027, 4, 12)


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2026, 12, 31)), st.integers(min_value=0, max_value=40))
def test_add_workdays_and_workdays_between_agree(start, n):
    end = periods.add_workdays(start, n)
    assert periods.is_workday(end) and end >= start
    if n:
        assert periods.workdays_between(start, end) == n
