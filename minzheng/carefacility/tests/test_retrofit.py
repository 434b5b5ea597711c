"""适老化改造 for 王秀兰's home in 英南村: 陈小玲 takes the application, 李建华 assesses and starts the works, the
county accepts them — each step audited; steps out of order and the wrong people are refused."""

import pytest
from django.test import Client

from minzheng.carefacility import services
from minzheng.carefacility.models import Retrofit
from minzheng.core.errors import DomainError, Forbidden
from minzheng.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_wang_xiulans_home_from_application_to_acceptance(care):
    w = care
    r = services.retrofit_apply(actor=w.chen, person=w.wang_xl, needs="卫生间加装扶手、地面防滑")
    assert r.status == "applied" and r.area == w.yingnan and r.address == w.wang_xl.address
    with pytest.raises(DomainError, match="当前状态为“已申请”，不能办理“开工”"):
        services.retrofit_step(actor=w.li, retrofit=r, action="start", note="开工", contractor="某装修公司")
    with pytest.raises(Forbidden):
        services.retrofit_step(actor=w.chen, retrofit=r, action="assess", note="需要", planned_items="扶手")
    r = services.retrofit_step(actor=w.li, retrofit=r, action="assess", note="行动不便，需改造",
                               planned_items="扶手2处、防滑地砖")
    r = services.retrofit_step(actor=w.li, retrofit=r, action="start", note="开工", contractor="江海适老家居")
    r = services.retrofit_step(actor=w.huang, retrofit=r, action="accept", note="验收合格")
    assert r.status == "accepted" and r.accepted_on is not None
    trail = list(AuditEntry.objects.filter(object_type="retrofit", object_id=str(r.pk)).order_by("seq")
                 .values_list("action", "before", "after"))
    assert [a for a, _, _ in trail] == ["retrofit.apply", "retrofit.assess", "retrofit.start", "retrofit.accept"]
    assert [(b or {}).get("status") for _, b, _ in trail] == [None, "applied", "assessed", "works"]
    with pytest.raises(DomainError, match="不能办理“验收”"):
        services.retrofit_step(actor=w.huang, retrofit=r, action="accept", note="再验收")
    # a finished retrofit does not block a new application later
    assert services.retrofit_apply(actor=w.chen, person=w.wang_xl, needs="加装紧急呼叫器").status == "applied"


def test_refusals(care):
    w = care
    with pytest.raises(DomainError) as e:
        services.retrofit_apply(actor=w.chen, person=w.dad, needs="扶手")
    assert e.value.field == "person_id" and "未满60周岁" in e.value.message
    r = services.retrofit_apply(actor=w.chen, person=w.chen_bo, needs="扶手")
    with pytest.raises(DomainError, match="已有办理中的适老化改造申请"):
        services.retrofit_apply(actor=w.chen, person=w.chen_bo, needs="扶手")
    with pytest.raises(DomainError, match="改造项目不能为空"):
        services.retrofit_step(actor=w.li, retrofit=r, action="assess", note="需要", planned_items="")
    services.retrofit_step(actor=w.li, retrofit=r, action="reject", note="已入住养老机构，无需改造")
    r.refresh_from_db()
    assert r.status == "rejected" and Retrofit.objects.count() == 1


def test_the_retrofit_pages(care):
    w = care
    c = Client()
    c.force_login(w.chen)
    r = c.post("/facilities/retrofits/", {"id_number": w.huang_po.id_number, "needs": "门槛改坡道"}, follow=True)
    assert "适老化改造申请已提交" in r.content.decode()
    retrofit = Retrofit.objects.get(person=w.huang_po)
    c.force_login(w.li)
    r = c.post(f"/facilities/retrofits/{retrofit.pk}/assess/", {"note": "需改造", "planned_items": "坡道"}, follow=True)
    assert "已办理：入户评估" in r.content.decode() and "适老化改造评估" in r.content.decode()
    other = Client()
    other.force_login(w.liang)
    assert other.get(f"/facilities/retrofits/{retrofit.pk}/").status_code == 404
