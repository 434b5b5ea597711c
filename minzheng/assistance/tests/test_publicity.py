"""公示: the public notice shows a masked name (陈*明) and a masked 身份证号 and nothing else; an objection —
from a neighbour reading the notice or recorded by staff — sends the household back to 入户调查."""

import datetime as dt

import pytest
from django.utils import timezone

from minzheng.assistance import selectors, services
from minzheng.assistance.models import Investigation, Objection, Publicity
from minzheng.assistance.services import mask_name
from minzheng.assistance.workdays import add_workdays
from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.core.idcard import mask

from .stories import dibao_facts, make_family, submit_dibao, walk_to, world_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.mark.parametrize("name,masked", [("陈大明", "陈*明"), ("李秀", "李*"), ("欧阳小明", "欧**明"), ("王", "王"),
                                         ("买买提·艾力", "买****力")])
def test_names_are_masked_keeping_first_and_last_character(name, masked):
    assert mask_name(name) == masked


def test_the_public_notice_shows_only_masked_data_and_needs_no_login(world):
    w = world
    app = walk_to(w, submit_dibao(w), "publicizing")
    notices = selectors.public_notices()
    assert len(notices) == 1
    n = notices[0]
    assert set(n) == set(selectors.PUBLIC_FIELDS)
    assert n["masked_name"] == "陈*明" and n["masked_id"] == mask(w.dad.id_number) == n["masked_id"][:4] + "*" * 10 + \
        w.dad.id_number[-4:]
    assert n["household_size"] == 3 and n["programme_label"] == "最低生活保障" and n["area__name"] == "英南村"
    flat = " ".join(str(v) for v in n.values())
    for secret in (w.dad.id_number, "陈大明", w.mum.name, w.dad.id_number[4:14]):
        assert secret not in flat
    # by area, and only while on show
    assert selectors.public_notices(area=w.lile) == notices
    assert selectors.public_notices(area=w.waihai) == []
    pub = app.publicities.get()
    assert selectors.public_notices(today=pub.end_date) == notices
    assert selectors.public_notices(today=pub.end_date + dt.timedelta(days=1)) == []


def test_an_objection_sends_the_household_back_for_reinvestigation(world):
    """A neighbour says 陈大明 drives a lorry for a logistics firm: the notice comes down, the town re-visits."""
    w = world
    app = walk_to(w, submit_dibao(w), "publicizing")
    pub = app.publicities.get()
    with pytest.raises(DomainError, match="异议内容至少需要5个字"):
        services.objection_file(actor=None, publicity=pub, reason="不对")
    obj = services.objection_file(actor=None, publicity=pub, reason="陈大明在物流公司开货车，月收入较高",
                                  objector_name="", contact="")
    app.refresh_from_db()
    pub.refresh_from_db()
    assert app.status == "investigating" and pub.status == Publicity.Status.INTERRUPTED
    assert app.step_due == add_workdays(timezone.localdate(), 20)  # 复查 within 20 working days
    assert selectors.public_notices() == []
    with pytest.raises(NotFound):
        selectors.public_notice_get(pub.pk)
    # a second objection in the same round is kept by staff, not lost; the public can no longer file on it
    services.objection_file(actor=w.chen, publicity=pub, reason="另有村民反映其家中新购小汽车一辆",
                            objector_name="村民甲")
    with pytest.raises(NotFound, match="该公示已撤下"):
        services.objection_file(actor=None, publicity=pub, reason="我也有异议要提出来")
    assert Objection.objects.filter(application=app).count() == 2 and obj.recorded_by is None
    app.refresh_from_db()
    assert app.status == "investigating"

    # the town re-visits (an objection 复查), then the household goes round again with a new notice
    inv = services.investigation_record(actor=w.li, application=app, visit_date=timezone.localdate(),
                                        visitors="李建华、陈小玲",
                                        findings="经核实陈大明为临时帮工，无固定收入；小汽车为亲戚所有",
                                        conclusion="eligible")
    assert inv.kind == Investigation.Kind.OBJECTION
    app = walk_to(w, app, "approving")
    assert app.publicities.count() == 2 and app.publicities.filter(status=Publicity.Status.COMPLETED).count() == 1
    case = services.application_approve(actor=w.huang, application=app, facts=dibao_facts(w, app))
    assert case.entitlements.count() == 3


def test_no_objection_after_the_notice_ends_and_staff_of_other_areas_cannot_record_one(world):
    w = world
    app = walk_to(w, submit_dibao(w), "publicizing")
    pub = app.publicities.get()
    with pytest.raises(NotFound):
        services.objection_file(actor=w.zhao, publicity=pub, reason="外海街道工作人员代为登记")
    with pytest.raises(Conflict, match="公示已于.*结束，不再受理异议"):
        services.objection_file(actor=None, publicity=pub, reason="公示期后才提出的异议",
                                today=pub.end_date + dt.timedelta(days=1))
    app.refresh_from_db()
    assert app.status == "publicizing" and Objection.objects.count() == 0


def test_each_publicity_masks_its_own_household(world):
    w = world
    other, (head, *_) = make_family(w, "欧阳小明", village=w.xiangdong)
    from minzheng.assistance.tests.stories import authorisation

    second = services.application_submit(actor=w.li, programme="dibao", applicant=head, household=other,
                                         authorisation=authorisation())
    walk_to(w, submit_dibao(w), "publicizing")
    walk_to(w, second, "publicizing")
    names = sorted(n["masked_name"] for n in selectors.public_notices())
    assert names == ["欧**明", "陈*明"]
    assert {n["area__name"] for n in selectors.public_notices(area=w.xiangdong)} == {"向东村"}
