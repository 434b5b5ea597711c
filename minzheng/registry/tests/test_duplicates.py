"""Probable duplicates (same person, two ID numbers) are listed for a reviewer; nothing is ever merged."""

import datetime as dt

import pytest

from minzheng.core.errors import Forbidden, NotFound
from minzheng.core.models import AuditEntry
from minzheng.registry.models import DuplicateReview, Person
from minzheng.registry.selectors import duplicate_candidates
from minzheng.registry.services import duplicate_review

BIRTH = dt.date(1962, 10, 1)


def _pairs(user) -> set[tuple[str, str, str]]:
    return {(c["a"].name, c["b"].name, c["reason"]) for c in duplicate_candidates(user)}


@pytest.fixture
def zhangs(make_person, areas):
    """张伟 registered twice in 英南村 (two numbers), and 章伟 — a homophone — in 向东村, all born 1962-10-01."""
    return {
        "zhang_a": make_person("张伟", birth=BIRTH),
        "zhang_b": make_person("张伟", birth=BIRTH, area=areas["xiangdong"]),
        "zhang_homophone": make_person("章伟", birth=BIRTH, area=areas["xiangdong"]),
        "zhang_younger": make_person("张伟", birth=dt.date(1985, 1, 1)),
        "wang": make_person("王芳", birth=BIRTH, sex="F"),
    }


def test_same_name_and_birth_date_and_homophones_are_listed(zhangs, people):
    pairs = _pairs(people["jianghai_approver"])
    assert ("张伟", "张伟", "姓名和出生日期相同") in pairs
    assert ("张伟", "章伟", "姓名拼音和出生日期相同（可能为同音字）") in pairs
    assert len(duplicate_candidates(people["jianghai_approver"])) == 3  # 张伟a–张伟b, 张伟a–章伟, 张伟b–章伟
    ids = {(c["a"].pk, c["b"].pk) for c in duplicate_candidates(people["jianghai_approver"])}
    assert (zhangs["zhang_a"].pk, zhangs["zhang_b"].pk) in ids
    assert all(a < b for a, b in ids)


def test_a_different_birth_date_or_a_different_name_is_not_a_candidate(zhangs, people):
    listed = {p.pk for c in duplicate_candidates(people["jianghai_approver"]) for p in (c["a"], c["b"])}
    assert zhangs["zhang_younger"].pk not in listed
    assert zhangs["wang"].pk not in listed


def test_the_list_is_scoped_to_the_reviewers_area(zhangs, people, make_person, areas):
    # 陈小玲's village holds only one 张伟 of 1962 — nothing to compare with.
    assert _pairs(people["village_worker"]) == set()
    # 郁南's approver sees none of 江海's residents, even with a 张伟 of his own.
    make_person("张伟", birth=BIRTH, area=areas["ducheng_village"])
    assert _pairs(people["yunan_approver"]) == set()
    assert len(duplicate_candidates(people["jianghai_approver"])) == 3


def test_a_reviewed_pair_leaves_the_list_and_nobody_is_merged(zhangs, people):
    huangzq = people["jianghai_approver"]
    persons_before = Person.objects.count()
    review = duplicate_review(actor=huangzq, a=zhangs["zhang_b"], b=zhangs["zhang_a"],
                              decision=DuplicateReview.Decision.DIFFERENT, note="入户核实为两人，同名同日生")
    assert (review.person_a, review.person_b) == (zhangs["zhang_a"], zhangs["zhang_b"])

    pairs = duplicate_candidates(huangzq)
    assert {(c["a"].pk, c["b"].pk) for c in pairs} == {
        (zhangs["zhang_a"].pk, zhangs["zhang_homophone"].pk),
        (zhangs["zhang_b"].pk, zhangs["zhang_homophone"].pk),
    }
    assert Person.objects.count() == persons_before
    assert Person.objects.filter(pk__in=[zhangs["zhang_a"].pk, zhangs["zhang_b"].pk]).count() == 2

    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "person.duplicate_review" and entry.actor == huangzq
    assert entry.after == {"other": zhangs["zhang_b"].pk, "decision": "different", "note": "入户核实为两人，同名同日生"}


def test_a_same_person_finding_is_recorded_but_still_merges_nothing(zhangs, people):
    huangzq = people["jianghai_approver"]
    duplicate_review(actor=huangzq, a=zhangs["zhang_a"], b=zhangs["zhang_homophone"],
                     decision=DuplicateReview.Decision.SAME, note="疑为同一人，通知派出所核实")
    assert Person.objects.filter(pk__in=[zhangs["zhang_a"].pk, zhangs["zhang_homophone"].pk]).count() == 2
    assert Person.objects.get(pk=zhangs["zhang_homophone"].pk).name == "章伟"
    assert len(duplicate_candidates(huangzq)) == 2

    # Reviewing the same pair again updates the one decision rather than adding another.
    duplicate_review(actor=huangzq, a=zhangs["zhang_homophone"], b=zhangs["zhang_a"],
                     decision=DuplicateReview.Decision.DIFFERENT)
    assert DuplicateReview.objects.get().decision == DuplicateReview.Decision.DIFFERENT


def test_only_reviewers_in_scope_may_decide(zhangs, people):
    before = (DuplicateReview.objects.count(), AuditEntry.objects.count())
    with pytest.raises(Forbidden, match="您的角色无权审核疑似重复人员"):
        duplicate_review(actor=people["lile_officer"], a=zhangs["zhang_a"], b=zhangs["zhang_b"],
                         decision=DuplicateReview.Decision.DIFFERENT)
    with pytest.raises(NotFound):
        duplicate_review(actor=people["yunan_approver"], a=zhangs["zhang_a"], b=zhangs["zhang_b"],
                         decision=DuplicateReview.Decision.DIFFERENT)
    assert (DuplicateReview.objects.count(), AuditEntry.objects.count()) == before
