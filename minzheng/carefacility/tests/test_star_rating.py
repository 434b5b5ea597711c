"""GB/T 37276-2018 star rating: every level's edge, read from the data file (so a corrected threshold is one data
change and these tests follow it), the part floors, the prerequisites veto and bad scores."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng.carefacility import rules, services
from minzheng.carefacility.models import StarEvaluation
from minzheng.core.errors import DomainError
from minzheng.core.models import AuditEntry

from .stories import home

ON = dt.date(2024, 6, 1)
RS = rules.star_ruleset(ON)
LEVELS = RS.levels


def floor_of(lv) -> Decimal:
    """The lowest total that can earn `lv`: its total threshold, or the sum of its part floors if that is higher
    (with the transcribed values the part floors bind below 五星: see star_levels.csv's note)."""
    return max(lv.min_total, sum(lv.min_part_share * top for _, top in RS.parts.values()))


def scores_for(total: Decimal, share: Decimal) -> dict[str, Decimal]:
    """Part scores adding up to `total` with every part at least `share` of its maximum (floors first, then the
    rest filled part by part up to each maximum)."""
    out = {c: share * top for c, (_, top) in RS.parts.items()}
    rest = total - sum(out.values())
    assert rest >= 0, "total below the part floors"
    for c, (_, top) in RS.parts.items():
        add = min(rest, top - out[c])
        out[c] += add
        rest -= add
    assert rest == 0
    return out


def _level(scores, **kw):
    return rules.star_level(RS, {k: str(v) for k, v in scores.items()}, **kw).level


def test_the_ruleset_is_the_data_file():
    assert sum(top for _, top in RS.parts.values()) == 1000
    assert [lv.level for lv in LEVELS] == [1, 2, 3, 4, 5]
    assert all(a.min_total < b.min_total and a.min_part_share <= b.min_part_share
               for a, b in zip(LEVELS, LEVELS[1:], strict=False))


@pytest.mark.parametrize("lv", LEVELS, ids=[lv.name for lv in LEVELS])
def test_exactly_on_the_threshold_earns_the_level(lv):
    assert _level(scores_for(floor_of(lv), lv.min_part_share)) == lv.level


@pytest.mark.parametrize("lv", LEVELS, ids=[lv.name for lv in LEVELS])
def test_a_tenth_of_a_point_below_the_threshold_falls_one_level(lv):
    edge = scores_for(floor_of(lv), lv.min_part_share)
    # take the tenth from a part above its floor if the total binds, else from the first part (under its floor)
    code = next((c for c, v in edge.items() if v > lv.min_part_share * RS.parts[c][1]), next(iter(edge)))
    edge[code] -= Decimal("0.1")
    assert _level(edge) == (lv.level - 1 or None)


@pytest.mark.parametrize("lv", LEVELS, ids=[lv.name for lv in LEVELS])
def test_one_part_under_its_floor_blocks_the_level_whatever_the_total(lv):
    # every part at its maximum except one just under this level's share of its own maximum
    code, (_, top) = next(iter(RS.parts.items()))
    scores = {c: t for c, (_, t) in RS.parts.items()}
    scores[code] = (lv.min_part_share * top) - Decimal("0.1")
    assert sum(scores.values()) >= lv.min_total
    got = _level(scores)
    assert got is None or got < lv.level


def test_failing_the_prerequisites_earns_no_level_even_with_full_marks():
    full = {c: top for c, (_, top) in RS.parts.items()}
    assert _level(full) == LEVELS[-1].level
    result = rules.star_level(RS, full, prerequisites_met=False)
    assert result.level is None and "不满足评定基本要求" in result.explanation


@pytest.mark.parametrize("scores, field, words", [
    ({"environment": "50"}, "scores.facilities", "缺少“设施设备”部分的得分"),
    ({c: "10" for c in RS.parts} | {"environment": "121"}, "scores.environment", "应在0至120分之间"),
    ({c: "10" for c in RS.parts} | {"services": "-1"}, "scores.services", "超出范围"),
    ({c: "10" for c in RS.parts} | {"garden": "5"}, "scores.garden", "不属于GB/T 37276-2018"),
    ({c: "10" for c in RS.parts} | {"operations": "abc"}, "scores.operations", "不是数字"),
])
def test_bad_scores_are_named(scores, field, words):
    with pytest.raises(DomainError) as e:
        rules.star_level(RS, scores)
    assert e.value.field == field and words in e.value.message


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 1000), min_size=4, max_size=4), st.integers(0, 3), st.integers(1, 100))
def test_raising_any_part_score_never_lowers_the_level(raw, which, bump):
    parts = list(RS.parts.items())
    scores = {c: min(Decimal(r), top) for (c, (_, top)), r in zip(parts, raw, strict=True)}
    before = _level(scores) or 0
    code, (_, top) = parts[which]
    scores[code] = min(top, scores[code] + bump)
    assert (_level(scores) or 0) >= before


@pytest.mark.django_db
def test_the_county_rates_the_liyue_home_and_the_level_is_recorded(care):
    w = care
    facility, _ = home(w)
    three = next(lv for lv in LEVELS if lv.level == 3)
    scores = scores_for(floor_of(three), three.min_part_share)
    ev = services.star_evaluate(actor=w.huang, facility=facility, scores={k: str(v) for k, v in scores.items()},
                                evaluators="黄志强、林海燕", evaluated_on=ON)
    assert ev.total == floor_of(three)
    facility.refresh_from_db()
    assert ev.level == 3 and facility.star_level == 3 and facility.star_label == "三星级"
    assert ev.ruleset == RS.version and "三星级" in ev.explanation
    assert AuditEntry.objects.filter(action="facility.star_evaluate", area_code=w.lile.code).count() == 1
    # a town officer may not rate, and a bad score writes nothing
    with pytest.raises(DomainError, match="无权开展养老机构等级评定"):
        services.star_evaluate(actor=w.li, facility=facility, scores=scores, evaluators="李建华")
    with pytest.raises(DomainError):
        services.star_evaluate(actor=w.huang, facility=facility, scores={"environment": "1"}, evaluators="黄志强")
    assert StarEvaluation.objects.count() == 1
