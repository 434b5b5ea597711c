"""Money in the bureau's books: every rounding follows a cited policy row, a household's 低保 shares add up to the
household's amount, and a floor stated as "不低于" is never broken by rounding."""

import csv
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng.core import money
from minzheng.policy.models import Rounding

amounts = st.decimals(min_value=Decimal("-100000"), max_value=Decimal("100000"), places=6, allow_nan=False,
                      allow_infinity=False)
units = st.sampled_from([Decimal("0.01"), Decimal("0.1"), Decimal("1"), Decimal("10")])


def test_every_rounding_purpose_is_a_cited_policy_row():
    with open(money.ROUNDING_CSV, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["purpose"] for r in rows} == set(money.rules()) >= {"payment", "share", "fen"}
    assert all(r["citation"].strip() and r["note"].strip() for r in rows)
    # The policy says half-up for payments and amounts kept to the fen (data/policy/README.md, payment_rounding).
    assert money.rules()["payment"].mode == money.rules()["fen"].mode == money.Mode.HALF_UP


def test_the_formula_codes_are_the_policy_vocabulary():
    assert set(money.CODES) == set(Rounding.values)


def test_a_village_workers_figures_to_the_fen():
    # 陈小玲 enters a yearly 刚性支出 of 1 234.38 元: per month 102.865 → 102.87 (half-up; banker's would say 102.86).
    assert money.fen(Decimal("1234.38") / 12) == Decimal("102.87")
    assert money.fen(Decimal("0.125")) == Decimal("0.13")       # half-up, where half-even would give 0.12
    assert money.fen(2.675) == Decimal("2.68")                  # a float read back from SQLite: by its text
    assert str(money.fen(7)) == "7.00"
    assert money.round_by(Decimal("1440.01"), "yuan_up") == Decimal("1441")
    assert money.round_by(Decimal("1440.5"), "yuan_half_up") == Decimal("1441")
    assert money.round_by(Decimal("1440.123"), "none") == Decimal("1440.123")


def test_a_payment_needs_the_unit_in_force():
    with pytest.raises(ValueError):
        money.round_amount(Decimal("1"), "payment")
    assert money.round_payment(Decimal("2100.004"), Decimal("0.01")) == Decimal("2100.00")
    assert money.round_payment(Decimal("2100.5"), Decimal("1")) == Decimal("2101")


@given(amounts, units, st.sampled_from(list(money.Mode)))
def test_rounding_lands_on_the_unit_within_one_unit(value, unit, mode):
    out = money.round_to(value, unit=unit, mode=mode)
    assert out % unit == 0
    assert abs(out - value) < unit
    if mode == money.Mode.UP:
        assert out >= value            # a floor ("不低于") is never broken
    if mode == money.Mode.DOWN:
        assert out <= value
    if mode == money.Mode.HALF_UP:
        assert abs(out - value) <= unit / 2


@given(amounts, units, st.sampled_from(list(money.Mode)))
def test_rounding_twice_changes_nothing(value, unit, mode):
    once = money.round_to(value, unit=unit, mode=mode)
    assert money.round_to(once, unit=unit, mode=mode) == once


@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("50000"), places=2), st.integers(min_value=1, max_value=9))
def test_a_household_total_shared_per_member_adds_up(total, n):
    shares = money.split_amount(total, n, unit=Decimal("0.01"))
    assert len(shares) == n and sum(shares) == total
    assert all(s % Decimal("0.01") == 0 for s in shares)
    assert all(shares[0] >= s for s in shares[1:])              # the remainder goes to the first member
