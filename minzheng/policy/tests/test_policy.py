"""The city bureau's policy officer keeps the standards; caseworkers get amounts with their reasons."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.areas.models import Area
from minzheng.areas.services import load_reference_areas
from minzheng.core.errors import Conflict, DomainError, Forbidden
from minzheng.core.models import AuditEntry
from minzheng.policy.models import Rounding, Standard, Status
from minzheng.policy.rules import evaluate_checks, resolve, round_by
from minzheng.policy.services import load_policy_data, standard_close, standard_create

MID_2021 = dt.date(2021, 6, 1)


@pytest.fixture
def policy(db):
    load_reference_areas()
    return load_policy_data()


def area(code):
    return Area.objects.current().get(code=code)


@pytest.fixture
def officer(policy):
    """何志明 of 江门市民政局's 社会救助科 maintains 江海区's standards."""
    return user_create(actor=None, username="hezm", password="Minzheng#2026", display_name="何志明",
                       role=Role.CITY, areas=[area("440700")])


def test_every_row_of_the_plans_data_loads_once(policy):
    assert policy["standards"] > 150 and policy["formulas"] > 20 and policy["checks"] > 50
    assert load_policy_data() == {"standards": 0, "formulas": 0, "checks": 0}
    assert not Standard.objects.filter(status=Status.STATED, citation="").exists()


@pytest.mark.parametrize("code,kind,scope,expected", [
    ("440704", "dibao", "urban", "900"),        # 江海区 2020: 低保 900 元/人·月
    ("440704", "tekun_basic", "urban", "1440"),  # → 特困基本生活 1440 = 1.6 × 900
    ("445322", "dibao", "urban", "785"),        # 郁南县 2020 城市低保 785
    ("445322", "dibao", "rural", "545"),
    ("445322", "tekun_basic", "urban", "1256"),  # 1256 = 1.6 × 785, as the plan prints it
    ("442000", "tekun_basic", "urban", "1760"),  # 中山 1.6 × 1100
    ("442000", "low_income_upper", "urban", "1650"),  # 中山 1.5 × 1100
    ("441900", "tekun_basic", "urban", "1696"),  # 东莞: no printed 特困 amount, so the formula over 1060
])
def test_standards_in_force_match_the_plans(policy, code, kind, scope, expected):
    assert resolve(area(code), kind, scope=scope, on=MID_2021).value == Decimal(expected)


def test_a_town_inherits_its_countys_standard_and_the_explanation_cites_the_plan(policy):
    lile = area("440704005")
    got = resolve(lile, "tekun_basic", scope="rural", on=MID_2021)
    assert got.value == 1440 and not got.assumed
    assert "1440" in got.explanation and "seeds/002_" in got.explanation


def test_a_formula_over_an_assumed_value_is_flagged_as_assumed(policy):
    qingyuan = resolve(area("441800"), "tekun_basic", scope="urban", on=MID_2021)
    assert qingyuan.assumed and qingyuan.version.startswith("formula:")
    assert qingyuan.value == round_by(Decimal("1.6") * resolve(area("441800"), "dibao", scope="urban",
                                                                on=MID_2021).value, Rounding.YUAN_UP)
    assert "演示假设值" in qingyuan.explanation


def test_a_standard_the_plans_do_not_state_is_a_clear_error(policy):
    # 郁南 states no 临时救助 floor for a county-level grant and no provincial row stands in for it
    with pytest.raises(DomainError, match="没有可用的“临时救助每人次最低标准”"):
        resolve(area("445322"), "temp_assistance_floor", variant="county_level", on=MID_2021)
    with pytest.raises(DomainError, match="未知的标准类别"):
        resolve(area("445322"), "dibao_plus", on=MID_2021)


@given(st.decimals(min_value=0, max_value=100000, places=4))
def test_rounding_rules(value):
    up = round_by(value, Rounding.YUAN_UP)
    assert value <= up < value + 1 and up == up.to_integral_value()
    half = round_by(value, Rounding.YUAN_HALF_UP)
    assert abs(half - value) <= Decimal("0.5")
    fen = round_by(value, Rounding.FEN_HALF_UP)
    assert abs(fen - value) <= Decimal("0.005") and fen == fen.quantize(Decimal("0.01"))
    assert round_by(value, Rounding.NONE) == value


def test_uprating_checks_warn_but_do_not_block(officer):
    jianghai = area("440704")
    before = AuditEntry.objects.count()
    low, warnings = standard_create(actor=officer, jurisdiction=jianghai, kind="dibao", scope="rural", value="700",
                                    unit="元/人·月", effective_from=dt.date(2026, 1, 1), citation="测试：拟调标方案")
    assert any("dibao:rural=700低于0.8×dibao:urban" in w for w in warnings)
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.last().after["warnings"] == warnings
    assert resolve(jianghai, "dibao", scope="rural", on=dt.date(2026, 2, 1)).value == 700


def test_the_rural_standard_at_80_percent_holds_in_yunan_but_not_in_unified_jianghai(policy):
    """郁南 keeps the provincial 80 % rule (0.8 × 785 = 628); 江海 has unified urban and rural standards (100 %)."""
    admin = user_create(actor=None, username="adm", password="Minzheng#2026", display_name="管理员", role=Role.ADMIN,
                        areas=[area("440000")])
    current = Standard.objects.get(jurisdiction=area("445322"), kind="dibao", scope="rural", effective_to=None,
                                   status=Status.STATED)
    standard_close(actor=admin, standard=current, effective_to=dt.date(2025, 12, 31))
    _, yunan = standard_create(actor=admin, jurisdiction=area("445322"), kind="dibao", scope="rural", value="628",
                               unit="元/人·月", effective_from=dt.date(2026, 1, 1), citation="测试")
    assert not any("dibao:rural=" in w for w in yunan)
    _, jianghai = standard_create(actor=admin, jurisdiction=area("440704"), kind="dibao", scope="rural",
                                  value="720", unit="元/人·月", effective_from=dt.date(2026, 1, 1), citation="测试")
    assert any("dibao:rural=720低于1×dibao:urban=900" in w for w in jianghai)


def test_overlapping_standards_and_bad_values_are_refused(officer):
    jianghai = area("440704")
    count = Standard.objects.count()
    standard_create(actor=officer, jurisdiction=jianghai, kind="dibao", scope="urban", value="1000",
                    unit="元/人·月", effective_from=dt.date(2026, 1, 1), effective_to=dt.date(2026, 12, 31),
                    citation="测试")
    with pytest.raises(Conflict, match="有效期与已有标准重叠"):
        standard_create(actor=officer, jurisdiction=jianghai, kind="dibao", scope="urban", value="1100",
                        unit="元/人·月", effective_from=dt.date(2026, 7, 1), citation="测试")
    for value, message in (("-5", "不能为负数"), ("九百", "不是有效数字"), ("NaN", "不能为负数或非数字")):
        with pytest.raises(DomainError, match=message):
            standard_create(actor=officer, jurisdiction=jianghai, kind="dibao", scope="urban", value=value,
                            unit="元/人·月", effective_from=dt.date(2028, 1, 1), citation="测试")
    with pytest.raises(DomainError, match="必须注明出处"):
        standard_create(actor=officer, jurisdiction=jianghai, kind="dibao", scope="urban", value="1",
                        unit="元/人·月", effective_from=dt.date(2028, 1, 1), citation=" ")
    assert Standard.objects.count() == count + 1


def test_only_the_policy_role_may_change_standards(policy):
    worker = user_create(actor=None, username="cxl", password="Minzheng#2026", display_name="陈小玲",
                         role=Role.VILLAGE, areas=[area("440704")])
    with pytest.raises(Forbidden):
        standard_create(actor=worker, jurisdiction=area("440704"), kind="dibao", value="1", unit="元/人·月",
                        effective_from=dt.date(2026, 1, 1), citation="x")


def test_checks_name_what_cannot_be_evaluated(policy):
    warnings = evaluate_checks(area("445322"), "dibao", MID_2021)
    assert any("居民人均消费支出" in w for w in warnings)
    assert len(warnings) == len(set(warnings))


def test_memoized_resolution_matches_the_queries(policy):
    """The roll-up of 规划监测 resolves standards for every county and city of the five plans in one batch
    (rules.memoized): it must give exactly what a caseworker's single look-up gives — value, explanation and
    sources, or the same error — for every kind, scope, variant, unit and date the data holds, town included."""
    from minzheng.policy.models import Formula as PolicyFormula
    from minzheng.policy.rules import memoized

    places = [area(c) for c in ("441802", "445322", "440704", "442000", "441900")]
    places.append(Area.objects.current().filter(path__startswith=area("445322").path, level="town").first())
    keys = set(Standard.objects.values_list("kind", "scope", "variant", "unit")) | {
        (k, s, v, None) for k, s, v in PolicyFormula.objects.values_list("kind", "scope", "variant")}
    keys |= {(k, s, v, None) for k, s, v, _ in keys}
    dates = [dt.date(2016, 6, 30), dt.date(2019, 12, 31), dt.date(2020, 1, 1), dt.date(2023, 6, 30),
             dt.date(2025, 12, 31)]

    def answer(place, kind, scope, variant, unit, on):
        try:
            r = resolve(place, kind, scope=scope, variant=variant, on=on, unit=unit)
            return r.value, r.explanation, r.sources
        except DomainError as e:
            return e.message

    plain = {(p.pk, *k, on): answer(p, *k, on) for p in places for k in keys for on in dates}
    with memoized():
        batch = {(p.pk, *k, on): answer(p, *k, on) for p in places for k in keys for on in dates}
        again = {(p.pk, *k, on): answer(p, *k, on) for p in places for k in keys for on in dates}
    assert batch == plain and again == plain
    assert sum(1 for v in plain.values() if not isinstance(v, str)) > 300  # most of them resolve to a figure
