"""老年人能力评估 GB/T 42195-2022 as data: the engine scores what the CSV says, band edges and adjustments.

The expected levels below are the standard's table (能力完好 90 / 轻度 66–89 / 中度 46–65 / 重度 30–45 / 完全 0–29),
written here independently of data/eldercare/ability/levels.csv, so a wrong data edit fails these tests.
"""

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng.core.errors import DomainError
from minzheng.eldercare.ruleset import Adjustment, ruleset_on, rulesets, score

RS = ruleset_on(dt.date(2024, 6, 1))
INTACT, MILD, MODERATE, SEVERE, TOTAL_LOSS = 0, 1, 2, 3, 4


def answers_for_total(total: int, rs=RS) -> dict[str, int]:
    """Item answers adding up to `total`: fill items in order up to their maximum."""
    left, out = total, {}
    for item in rs.items:
        out[item.code] = min(item.max, left)
        left -= out[item.code]
    assert left == 0
    return out


def test_the_standard_has_26_items_in_four_parts_worth_90():
    assert len(RS.items) == 26
    assert [(p.label, p.max, len(p.items)) for p in RS.parts] == [
        ("自理能力", 32, 8), ("基础运动能力", 15, 4), ("精神状态", 28, 9), ("感知觉与社会参与", 15, 5)]
    assert RS.total_max == 90
    assert all(r.citation and r.effective_from for r in rulesets())
    # every item's options are in the data with their anchor text, e.g. 上下楼梯 has four (0–3)
    stairs = next(i for i in RS.items if i.label == "上下楼梯")
    assert sorted(stairs.options) == [0, 1, 2, 3] and "10～15个台阶" in stairs.options[3]


@pytest.mark.parametrize("total, level", [
    (0, TOTAL_LOSS), (29, TOTAL_LOSS), (30, SEVERE),
    (45, SEVERE), (46, MODERATE),
    (65, MODERATE), (66, MILD),
    (89, MILD), (90, INTACT),
])
def test_every_band_edge(total, level):
    r = score(RS, answers_for_total(total))
    assert (r.total, r.initial_level, r.final_level) == (total, level, level)
    assert r.applied == ()


@pytest.mark.parametrize("total, conditions, expected, applied", [
    # 昏迷 → 能力完全丧失, whatever the score
    (90, {"coma": True}, TOTAL_LOSS, ("coma",)),
    (40, {"coma": True}, TOTAL_LOSS, ("coma",)),
    (10, {"coma": True}, TOTAL_LOSS, ("coma",)),
    # diagnosed 痴呆 / 精神和行为障碍 → one level worse
    (90, {"diagnosis": True}, MILD, ("dementia",)),
    (66, {"diagnosis": True}, MODERATE, ("dementia",)),
    (46, {"diagnosis": True}, SEVERE, ("dementia",)),
    (30, {"diagnosis": True}, TOTAL_LOSS, ("dementia",)),
    (29, {"diagnosis": True}, TOTAL_LOSS, ("dementia",)),   # already the worst: stays
    # two or more care-risk events in 30 days → one level worse; one event does nothing
    (70, {"risk_events": 1}, MILD, ()),
    (70, {"risk_events": 2}, MODERATE, ("risk_events",)),
    (70, {"risk_events": 5}, MODERATE, ("risk_events",)),
    # both: the ruleset stacks them (adjustments_stack = cumulative, marked uncertain in the data)
    (70, {"diagnosis": True, "risk_events": 2}, SEVERE, ("dementia", "risk_events")),
])
def test_each_adjustment(total, conditions, expected, applied):
    r = score(RS, answers_for_total(total), **conditions)
    assert r.final_level == expected
    assert r.applied == applied
    if applied:
        assert "待核实" in r.explanation  # every adjustment row is marked uncertain in the data


def test_uncertain_choices_are_one_data_change():
    """The coma note of one transcription says 重度失能; the dementia rule may read 'at least 轻度'. Each reading
    is a different row value, not different code."""
    coma_severe = dataclasses.replace(RS, adjustments=tuple(
        dataclasses.replace(a, amount=SEVERE) if a.code == "coma" else a for a in RS.adjustments))
    assert score(coma_severe, answers_for_total(80), coma=True).final_level == SEVERE
    assert score(coma_severe, answers_for_total(10), coma=True).final_level == TOTAL_LOSS  # never better
    at_least_mild = dataclasses.replace(RS, adjustments=tuple(
        dataclasses.replace(a, effect="at_least", amount=MILD) if a.code == "dementia" else a
        for a in RS.adjustments))
    assert score(at_least_mild, answers_for_total(90), diagnosis=True).final_level == MILD
    assert score(at_least_mild, answers_for_total(50), diagnosis=True).final_level == MODERATE
    worst_single = dataclasses.replace(RS, stack="worst_single")
    assert score(worst_single, answers_for_total(70), diagnosis=True, risk_events=2).final_level == MODERATE


def test_levels_map_to_the_tekun_care_tiers_in_data():
    assert [RS.level(n).self_care for n in range(5)] == [
        "full_self_care", "partial", "partial", "full_dependent", "full_dependent"]
    assert all(RS.level(n).self_care_status == "assumed" for n in range(5))  # labelled as an assumption


def test_answers_may_be_keyed_by_the_item_label():
    by_label = {i.label: v for i, v in zip(RS.items, answers_for_total(77).values(), strict=True)}
    assert score(RS, by_label).total == 77


@pytest.mark.parametrize("change, message", [
    (lambda a: a.pop("bathing"), "B.1.3“洗澡”未填写"),
    (lambda a: a.update(stairs=4), "B.2.4“上下楼梯”的得分4超出范围（0～3分）"),
    (lambda a: a.update(vision=-1), "B.4.1“视力”的得分-1超出范围（0～2分）"),
    (lambda a: a.update(memory="很好"), "B.3.4“记忆”的得分“很好”应为整数"),
    (lambda a: a.update(memory=2.5), "B.3.4“记忆”的得分“2.5”应为整数"),
    (lambda a: a.update(walking=""), "B.2.3“平地行走”未填写"),
    (lambda a: a.update(dancing=3), "评估项目“dancing”不属于GB/T 42195-2022"),
])
def test_bad_answers_name_the_item(change, message):
    answers = answers_for_total(60)
    change(answers)
    with pytest.raises(DomainError) as e:
        score(RS, answers)
    assert message in e.value.message


def test_negative_risk_events_refused():
    with pytest.raises(DomainError, match="照护风险事件次数"):
        score(RS, answers_for_total(60), risk_events=-1)


def test_no_ruleset_before_the_standard_took_effect():
    with pytest.raises(DomainError, match="早于《老年人能力评估规范》的实施日期2023-05-01"):
        ruleset_on(dt.date(2023, 4, 30))


# --- properties ---------------------------------------------------------------------------------------

any_answers = st.fixed_dictionaries({i.code: st.integers(min_value=-3, max_value=7) for i in RS.items})
conditions = st.fixed_dictionaries({"coma": st.booleans(), "diagnosis": st.booleans(),
                                    "risk_events": st.integers(min_value=0, max_value=6)})


@settings(max_examples=300, deadline=None)
@given(answers=any_answers, cond=conditions)
def test_a_total_outside_0_to_90_is_impossible(answers, cond):
    """Whatever is typed: either a clear error naming an item, or a total within 0–90 and a level that exists."""
    try:
        r = score(RS, answers, **cond)
    except DomainError as e:
        bad = [i for i in RS.items if answers[i.code] not in i.options]
        assert bad and bad[0].label in e.message
        return
    assert 0 <= r.total <= 90
    assert r.total == sum(r.part_scores.values())
    assert RS.level(r.final_level)


adjustment_rows = st.lists(st.builds(
    Adjustment, order=st.integers(0, 9), code=st.sampled_from(["coma", "dementia", "risk_events", "x"]),
    label=st.just("调整"), condition=st.sampled_from(["coma", "diagnosis", "risk_events"]),
    threshold=st.integers(0, 3), effect=st.sampled_from(["at_least", "worsen"]), amount=st.integers(-2, 6),
    status=st.just("uncertain"), note=st.just(""), citation=st.just("")), max_size=4)


@settings(max_examples=300, deadline=None)
@given(total=st.integers(0, 90), cond=conditions, adjs=adjustment_rows,
       stack=st.sampled_from(["cumulative", "worst_single"]))
def test_an_adjustment_never_makes_a_level_better(total, cond, adjs, stack):
    """Also for adjustment rows a maintainer might write wrongly (negative steps, a target better than the score)."""
    rs = dataclasses.replace(RS, adjustments=tuple(adjs), stack=stack)
    r = score(rs, answers_for_total(total), **cond)
    unadjusted = score(dataclasses.replace(rs, adjustments=()), answers_for_total(total), **cond)
    assert unadjusted.final_level == r.initial_level
    assert r.initial_level <= r.final_level <= rs.worst
