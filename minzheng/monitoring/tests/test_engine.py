"""How 江海区's plan indicators are computed, rolled up and judged."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone

from minzheng.core.errors import Conflict, DomainError, Forbidden, NotFound
from minzheng.monitoring import rollup, selectors, services, targets
from minzheng.monitoring.models import ElementValue, Indicator, IndicatorValue, RollupRun
from minzheng.registry.models import PersonCategory

from .conftest import enrol, make_family

pytestmark = pytest.mark.clock  # depends on today's date (CI also runs it with the clock moved)


def _value(code, area, year=2023):
    return IndicatorValue.objects.get(indicator__code=code, area=area, period=year)


def _disabled_dibao_family(w, name, village, *, subsidised):
    """A 低保 family with one disabled member, who does or does not yet receive the living subsidy."""
    household, (head,) = make_family(w, name, village=village)
    household.memberships.update(start_date=dt.date(2022, 1, 1))  # registered back then, as the file says
    head.disability_category, head.disability_grade = "physical", 3
    head.save()
    PersonCategory.objects.create(person=head, category="dibao", valid_from=dt.date(2022, 1, 1))
    if subsidised:
        enrol(w, head, "disability", "living", "175", village=village)
    return head


def test_coverage_is_a_ratio_of_sums_over_the_area_tree(plan):
    """英南村: 1 of 1 covered (100 %); 向东村: 1 of 4 (25 %). 礼乐街道 is 2 of 5 = 40 %, not the 62.5 % an
    average of the two villages' rates would give."""
    w = plan
    _disabled_dibao_family(w, "甲一", w.yingnan, subsidised=True)
    _disabled_dibao_family(w, "乙一", w.xiangdong, subsidised=True)
    for n in ("乙二", "乙三", "乙四"):
        _disabled_dibao_family(w, n, w.xiangdong, subsidised=False)
    rollup.rebuild(2023)
    code = "440704.disabled_living_subsidy_coverage"
    assert _value(code, w.yingnan).value == Decimal("100")
    assert _value(code, w.xiangdong).value == Decimal("25")
    town = _value(code, w.lile)
    assert (town.numerator, town.denominator, town.value) == (2, 5, Decimal("40"))
    county = _value(code, w.jianghai)
    assert county.value == Decimal("40") and county.status == targets.Status.LAGGING
    # the element rows are stored where the people live, not summed twice
    assert ElementValue.objects.filter(element="disabled_poor", period=2023).count() == 2


def test_rule_target_1_6_times_dibao_holds_and_fails(plan):
    """江海区 2023: 特困 1440 = 1.6 × 低保 900 holds. A bureau entering 特困 1400 breaks the plan's rule."""
    from minzheng.policy.models import Standard

    w = plan
    rollup.rebuild(2023)
    v = _value("440704.tekun_basic_standard.urban", w.jianghai)
    assert v.holds is True and v.status == targets.Status.ACHIEVED
    assert v.value == Decimal("1440") and "1.6" in v.detail
    Standard.objects.create(jurisdiction=w.jianghai, kind="tekun_basic", scope="urban", value=Decimal("1400"),
                            unit="元/人·月", effective_from=dt.date(2023, 1, 1), status="stated",
                            citation="story: a mistaken entry")
    rollup.rebuild(2023, resume=False)
    v = _value("440704.tekun_basic_standard.urban", w.jianghai)
    assert v.holds is False and v.status == targets.Status.LAGGING and "不成立" in v.detail


@pytest.mark.parametrize(("year", "actual", "attribute", "expected_status", "expected_value"), [
    # 2023 mid-term 50 from 40 in 2020: 2022 expects 46.6667; binding needs all of it, expected 90 % of progress
    (2022, "46.6667", "约束性", targets.Status.ON_TRACK, "46.6667"),
    (2022, "46", "约束性", targets.Status.LAGGING, "46.6667"),
    (2022, "46", "预期性", targets.Status.ON_TRACK, "46.6667"),   # floor 40 + 0.9 × 6.6667 = 46.0
    (2022, "45.9", "预期性", targets.Status.LAGGING, "46.6667"),
    (2023, "50", "约束性", targets.Status.ACHIEVED, "50"),
    (2023, "49.9", "约束性", targets.Status.LAGGING, "50"),
    # 2024 is on the way from the 2023 target (50) to 2025's 55
    (2024, "52.5", "约束性", targets.Status.ON_TRACK, "52.5000"),
    (2025, "55", "预期性", targets.Status.ACHIEVED, "55"),
    (2025, "50", "预期性", targets.Status.LAGGING, "55"),
    (2025, "49.5", "约束性", targets.Status.LAGGING, "55"),
])
def test_progress_is_prorated_to_the_period(year, actual, attribute, expected_status, expected_value):
    p = targets.progress(year=year, actual=Decimal(actual), holds=None, baseline=targets.parse("40"),
                         targets={2023: targets.parse("50"), 2025: targets.parse("55")}, direction="ge",
                         attribute=attribute, cumulative=False)
    assert p.status == expected_status
    assert p.expected == Decimal(expected_value)


def test_a_strict_target_and_a_lower_is_better_one():
    gt = targets.progress(year=2025, actual=Decimal("50"), holds=None, baseline=None,
                          targets={2023: targets.parse(">50"), 2025: targets.parse(">55")}, direction="ge",
                          attribute="约束性", cumulative=False)
    assert gt.status == targets.Status.LAGGING
    assert targets.progress(year=2025, actual=Decimal("55.1"), holds=None, baseline=None,
                            targets={2025: targets.parse(">55")}, direction="ge", attribute="约束性",
                            cumulative=False).status == targets.Status.ACHIEVED
    low = {2025: targets.parse("5")}
    assert targets.progress(year=2025, actual=Decimal("4"), holds=None, baseline=targets.parse("10"), targets=low,
                            direction="le", attribute="约束性", cumulative=False).status == targets.Status.ACHIEVED
    assert targets.progress(year=2023, actual=Decimal("9"), holds=None, baseline=targets.parse("10"), targets=low,
                            direction="le", attribute="约束性", cumulative=False).status == targets.Status.LAGGING
    assert targets.progress(year=2023, actual=None, holds=None, baseline=None, targets=low, direction="le",
                            attribute="约束性", cumulative=False).status == targets.Status.NO_DATA


def test_cumulative_targets_add_up_the_years(plan):
    """〔1000〕 person-times of training over 2021–2025: 2021 reports 150, 2022 reports 300 → 450 by 2022,
    against 400 expected by then (2 fifths)."""
    w = plan
    ind = Indicator.objects.get(code="440704.eldercare_training")
    for year, n in ((2021, 150), (2022, 300)):
        services.report_value(actor=w.huang, indicator=ind, area=w.jianghai, period=year, value=n, unit="人次")
        rollup.rebuild(year)
    v = _value("440704.eldercare_training", w.jianghai, 2022)
    assert (v.value, v.running_total, v.expected) == (300, 450, Decimal("400"))
    assert v.status == targets.Status.ON_TRACK


def test_a_reported_value_is_approved_upward_and_then_locked(plan):
    """礼乐街道 reports its nursing-bed share; 李建华 cannot approve his own figure, 黄志强 of 江海区 can, and after
    that nobody can change 2023's figure."""
    w = plan
    ind = Indicator.objects.get(code="440704.nursing_bed_share")
    rv = services.report_value(actor=w.li, indicator=ind, area=w.lile, period=2023, value="48.5", unit="%",
                               note="礼乐街道敬老院统计")
    rv = services.report_value(actor=w.li, indicator=ind, area=w.lile, period=2023, value="49", unit="%")
    assert rv.value == Decimal("49")
    with pytest.raises(Forbidden):
        services.approve_value(actor=w.li, reported=rv)
    services.approve_value(actor=w.huang, reported=rv)
    with pytest.raises(Conflict) as e:
        services.report_value(actor=w.li, indicator=ind, area=w.lile, period=2023, value="60", unit="%")
    assert "已审定锁定" in e.value.message
    rv.refresh_from_db()
    assert rv.value == Decimal("49") and rv.status == "approved"
    rollup.rebuild(2023)
    town = _value("440704.nursing_bed_share", w.lile)
    assert town.value == Decimal("49") and town.source == "reported" and town.status == targets.Status.LAGGING


@pytest.mark.parametrize(("value", "unit", "message"), [
    ("180", "%", "超出合理范围"),
    ("-3", "%", "超出合理范围"),
    ("五十", "%", "不是有效数字"),
    ("50", "个", "单位应为“%”"),
])
def test_bad_reported_values_are_refused_and_nothing_is_written(plan, value, unit, message):
    w = plan
    ind = Indicator.objects.get(code="440704.nursing_bed_share")
    with pytest.raises(DomainError) as e:
        services.report_value(actor=w.huang, indicator=ind, area=w.jianghai, period=2023, value=value, unit=unit)
    assert message in e.value.message
    assert not ind.reported.exists()


def test_reporting_outside_ones_area_looks_like_absence(plan):
    """赵玉兰 of 外海街道 cannot report for 礼乐街道; nor can anyone for 郁南县 under 江海区's plan."""
    w = plan
    ind = Indicator.objects.get(code="440704.nursing_bed_share")
    with pytest.raises(NotFound):
        services.report_value(actor=w.zhao, indicator=ind, area=w.lile, period=2023, value="50", unit="%")
    with pytest.raises(DomainError) as e:
        services.report_value(actor=w.liang, indicator=ind, area=w.yunan, period=2023, value="50", unit="%")
    assert "不在指标" in e.value.message
    with pytest.raises(DomainError) as e:
        services.report_value(actor=w.huang, indicator=ind, area=w.jianghai, period=2031, value="50", unit="%")
    assert "年度2031超出范围" in e.value.message
    assert not ind.reported.exists()


def test_rerunning_gives_the_same_rows_and_an_interrupted_run_resumes(plan):
    w = plan
    _disabled_dibao_family(w, "甲一", w.yingnan, subsidised=True)
    first = rollup.rebuild(2023, stop_after=1)  # interrupted after the first element
    assert first.finished_at is None and len(first.steps_done) == 1
    resumed = rollup.rebuild(2023)
    assert resumed.pk == first.pk and resumed.finished_at is not None
    assert resumed.steps_done == [f"element:{n}" for n in rollup.needed_elements()] + ["values"]
    snapshot = sorted(IndicatorValue.objects.filter(period=2023).values_list(
        "indicator__code", "area__code", "value", "status"))
    rollup.rebuild(2023, resume=False)
    again = sorted(IndicatorValue.objects.filter(period=2023).values_list(
        "indicator__code", "area__code", "value", "status"))
    assert again == snapshot and len(again) == IndicatorValue.objects.filter(period=2023).count()


def test_an_incremental_refresh_recounts_only_what_changed(plan):
    """A day's work in 向东村 (a newly subsidised 低保 family) is picked up from the audit log; 外海街道's rows are
    not rewritten."""
    from minzheng.assistance import services as assistance_services  # noqa: F401  (the audit trail is the feed)
    from minzheng.core import audit

    w = plan
    _disabled_dibao_family(w, "甲一", w.yingnan, subsidised=True)
    year = timezone.localdate().year
    rollup.rebuild(year)
    waihai_before = _value("440704.disabled_living_subsidy_coverage", w.waihai, year)
    head = _disabled_dibao_family(w, "乙一", w.xiangdong, subsidised=True)
    from django.db import transaction
    with transaction.atomic():
        audit.record(actor=w.huang, action="application.approve", object_type="case", object_id=1,
                     area_code=w.xiangdong.code, after={"person": head.pk})
    run = rollup.refresh(year)
    assert run.kind == "incremental" and "变动区域1个" in run.note
    town = _value("440704.disabled_living_subsidy_coverage", w.lile, year)
    assert (town.numerator, town.denominator) == (2, 2)
    assert _value("440704.disabled_living_subsidy_coverage", w.waihai, year).pk == waihai_before.pk
    assert RollupRun.objects.filter(period=year).count() == 2


def test_every_data_element_is_counted_where_its_records_live(plan):
    """礼乐街道's records of 2023: a 低收入 family in 英南村, a 临时救助 of 800 元 and a 孤儿 in 向东村, a 低保
    family with a disabled member in 英南村. Every element the engine knows is counted (one INSERT … SELECT each)
    and lands on the village, never on the town or the county."""
    from minzheng.monitoring import elements

    w = plan
    enrol(w, _disabled_dibao_family(w, "甲一", w.yingnan, subsidised=True), "dibao", "basic", "900",
          village=w.yingnan)
    _, (low,) = make_family(w, "丙一", village=w.yingnan)
    enrol(w, low, "low_income", "none", "0", village=w.yingnan)
    _, (needy,) = make_family(w, "丁一", village=w.xiangdong)
    enrol(w, needy, "temporary", "one_off", "800", village=w.xiangdong)
    _, (child,) = make_family(w, "戊一", village=w.xiangdong, birth=dt.date(2015, 3, 1))
    enrol(w, child, "orphan", "basic", "1500", village=w.xiangdong)
    for name in elements.ELEMENTS:
        rollup.count_element(name, 2023)

    def at(name):
        return dict(ElementValue.objects.filter(element=name, period=2023).values_list("area__code", "value"))

    assert at("low_income_households") == {w.yingnan.code: 1}
    assert at("temporary_person_times") == {w.xiangdong.code: 1}
    assert at("temporary_amount") == {w.xiangdong.code: Decimal("800")}
    assert at("orphan_persons") == {w.xiangdong.code: 1}
    assert at("dibao_households") == at("dibao_persons") == at("disabled_poor") == {w.yingnan.code: 1}
    assert at("disabled_living_recipients") == {w.yingnan.code: 1}
    assert at("residents")[w.yingnan.code] >= 2 and at("residents")[w.xiangdong.code] >= 2
    assert at("towns")[w.lile.code] == 1 and at("villages")[w.yingnan.code] == 1
    assert w.lile.code not in at("residents") and w.jianghai.code not in at("dibao_persons")
    # counting again replaces the rows, it does not add to them
    rollup.count_element("temporary_amount", 2023)
    assert at("temporary_amount") == {w.xiangdong.code: Decimal("800")}


def test_a_refresh_leaves_the_same_rows_a_full_rebuild_would(plan):
    """After 向东村's day of work the incremental refresh and a full rebuild agree on every row of 江海区."""
    from django.db import transaction

    from minzheng.core import audit

    w = plan
    _disabled_dibao_family(w, "甲一", w.yingnan, subsidised=True)
    year = timezone.localdate().year
    rollup.rebuild(year)
    head = _disabled_dibao_family(w, "乙一", w.xiangdong, subsidised=False)
    with transaction.atomic():
        audit.record(actor=w.huang, action="application.approve", object_type="case", object_id=1,
                     area_code=w.xiangdong.code, after={"person": head.pk})
    rollup.refresh(year)
    fields = ("indicator__code", "area__code", "numerator", "denominator", "value", "expected", "holds", "status",
              "detail")
    refreshed = sorted(IndicatorValue.objects.filter(period=year).values_list(*fields))
    rollup.rebuild(year, resume=False)
    assert sorted(IndicatorValue.objects.filter(period=year).values_list(*fields)) == refreshed
    town = _value("440704.disabled_living_subsidy_coverage", w.lile, year)
    assert (town.numerator, town.denominator) == (1, 2)


def test_a_formula_naming_a_missing_element_is_refused(plan, tmp_path):
    from minzheng.monitoring import catalogue

    from .conftest import write_catalogue

    d = tmp_path / "bad"
    d.mkdir()
    write_catalogue(d, formulas="key,sub,numerator,denominator,factor,unit,citation,note\n"
                                "nursing_bed_share,,nursing_beds,beds_total,100,%,x,\n")
    before = Indicator.objects.count()
    with pytest.raises(DomainError) as e:
        catalogue.load(directory=d)
    assert "formulas.csv第2行" in e.value.message and "“nursing_beds”不存在" in e.value.message
    assert Indicator.objects.count() == before


def test_the_dashboard_shows_every_indicator_with_its_status(plan):
    w = plan
    rollup.rebuild(2023)
    rows = selectors.dashboard(w.huang, w.jianghai, 2023)
    assert [r.indicator.code for r in rows] == [i.code for i in Indicator.objects.order_by("id")]
    counts = selectors.status_counts(rows)
    assert sum(counts.values()) == len(rows) and counts[targets.Status.NO_DATA] >= 1
    with pytest.raises(NotFound):
        selectors.area_for(w.li, "440704004")  # 外海街道 is not 李建华's


def test_the_real_catalogue_loads_and_judges_jianghai_by_its_own_plan(world):
    """The five plans' catalogue as shipped: 江海区 2021 — 特困基本生活 1440 = 1.6 × 低保 900 (the plan's rule
    holds); 中山市 2021 — 孤儿(分散) 1550 against the text's target 1.6 × 低保 1100 = 1760 does not yet."""
    from minzheng.monitoring import catalogue

    counts = catalogue.load()
    assert counts["indicators"] == Indicator.objects.count() > 800 and counts["rules"] >= 30
    rollup.rebuild(2021)
    jh = IndicatorValue.objects.get(indicator__code="440704.tekun_basic_standard.urban", area__code="440704",
                                    period=2021)
    assert jh.holds is True and jh.status == targets.Status.ACHIEVED and "1440" in jh.detail
    zs = IndicatorValue.objects.get(indicator__code="442000.orphan_standard_to_dibao.dispersed",
                                    area__code="442000", period=2021)
    assert zs.holds is False and "1550" in zs.detail and "1760" in zs.detail
    # every indicator has a row for its own area
    assert IndicatorValue.objects.filter(period=2021, area=F("indicator__area")).count() == Indicator.objects.count()
