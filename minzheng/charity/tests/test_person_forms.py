"""The 救助衔接 referral and the spending form choose their person with the registry's person picker, among the
persons of the user's own areas only.

陈小玲, village worker of 英南村, refers the 周 family (refused 低保) by choosing 吴秀兰, 周国强's wife, who asked.
李建华 keeps 江海区慈善会's desk for 礼乐街道 and pays 陈大明, on this month's 低保 roster, 500 元 for his basic
living; 麦嘉怡 approves it and 资金监管 sees the double payment. 王德明 lives in 外海社区 of 外海街道, the town next
door: neither of them may choose him, and 外海街道's 赵玉兰 is offered nobody of 礼乐街道.
"""

import datetime as dt

import pytest
from django.test import Client

from minzheng.assistance import services as assistance
from minzheng.assistance.tests.stories import (  # noqa: F401
    dibao_facts,
    make_family,
    submit_dibao,
    walk_to,
    world_fixture,
)
from minzheng.charity import services
from minzheng.charity.models import Expenditure, Referral
from minzheng.charity.rules import needs
from minzheng.charity.tests.conftest import registered_org
from minzheng.charity.tests.test_desk_forms import mai  # noqa: F401
from minzheng.core.errors import NotFound
from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date, month_start
from minzheng.payroll import services as payroll
from minzheng.payroll.models import Anomaly, OutsidePayment

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _as(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _offered(client, q: str, purpose: str) -> list[str]:
    r = client.post("/persons/pick/", {"q": q, "purpose": purpose})
    assert r.status_code == 200, r.content
    return [p["name"] for p in r.json()["persons"]]


def _written() -> tuple[int, int, int]:
    return (AuditEntry.objects.exclude(action="access.denied").count(), Referral.objects.count(),
            Expenditure.objects.count())


@pytest.fixture
def charity(world, mai):  # noqa: F811
    w = world
    org = registered_org(window=w.li, reviewer=w.huang, approver=mai, legal_rep=w.mum, area=w.lile)
    return services.charity_recognise(actor=w.huang, org=org, public_fundraising=True)


@pytest.fixture
def wang(world):
    """王德明 of 外海社区, 外海街道."""
    _household, (wang, *_) = make_family(world, "王德明", village=world.waihai_village, birth=dt.date(1955, 5, 5))
    return wang


def test_chen_refers_the_zhou_family_through_the_wife_she_picks_and_cannot_pick_another_towns_person(
        world, charity, wang):
    w = world
    today = local_date()
    household, (zhou, wu) = make_family(w, "周国强", village=w.yingnan,
                                        members=[("吴秀兰", dt.date(1983, 4, 2), "F", "spouse")])
    app = walk_to(w, submit_dibao(w, applicant=zhou, household=household, actor=w.li), "reviewing")
    assistance.application_refuse(actor=w.huang, application=app, reason="家庭人均收入高于当地低保标准")
    chen = _as(w.chen)

    page = chen.get("/charity/community/").content.decode()
    assert 'data-person-picker="charity"' in page and "申请人（该家庭的在册成员）" in page
    # the picker offers 陈小玲 the people of 英南村 only; 外海街道's 赵玉兰 finds nobody of 礼乐街道
    assert _offered(chen, "吴", "charity") == ["吴秀兰"]
    assert _offered(chen, "王德", "charity") == [] and _offered(chen, wang.id_number, "charity") == []
    assert _offered(_as(w.zhao), "吴", "charity") == []

    before = _written()
    form = {"action": "refer", "charity": charity.pk, "ground": "refused", "consent_on": today.isoformat()}
    for chosen in ({"person": wang.pk, "id_number": "王德明（已选）"}, {"id_number": wang.id_number}):
        r = chen.post("/charity/community/", form | chosen)
        assert r.status_code == 404 and "所选申请人不存在或不在您的管辖范围内" in r.content.decode()
        assert "王德明" not in r.content.decode() and wang.masked_id not in r.content.decode()
    r = chen.post("/charity/community/", form)
    assert r.status_code == 400 and "请选择申请人" in r.content.decode().split('role="alert">')[1][:100]
    # a bad ground comes back with 吴秀兰 still chosen (masked)
    r = chen.post("/charity/community/", form | {"person": wu.pk, "ground": ""})
    assert r.status_code == 400 and f'data-person-chosen-label="吴秀兰（{wu.masked_id}）"' in r.content.decode()
    assert _written() == before

    r = chen.post("/charity/community/", form | {"person": wu.pk, "id_number": "吴秀兰（已选）"})
    assert r.status_code == 302
    referral = Referral.objects.get()
    assert (referral.household, referral.person, referral.referred_by) == (household, wu, w.chen)
    assert referral.ground_detail.startswith(f"低保申请{app.number}未获批准")
    page = chen.get("/charity/community/").content.decode()
    assert f"吴秀兰（{wu.masked_id}）" in page and wu.id_number not in page


def test_li_names_who_a_payment_is_for_and_fund_supervision_sees_the_double_payment(world, mai, charity, wang):  # noqa: F811
    w = world
    today = local_date()
    app = walk_to(w, submit_dibao(w), "approving")
    assistance.application_approve(actor=w.huang, application=app, facts=dibao_facts(w, app),
                                   today=today - dt.timedelta(days=40))
    roster = payroll.roster_generate(actor=w.huang, programme="dibao", area=w.jianghai, month=month_start(today))
    general = charity.funds.get()
    services.donation_receive(actor=w.li, fund=general, donor_name="礼乐商会", amount="5000", received_on=today)
    project = services.project_create(actor=w.li, fund=general, name="礼乐济困", purpose="困难家庭基本生活",
                                      area=w.yingnan)
    li = _as(w.li)

    page = li.get("/charity/desk/").content.decode()
    assert 'data-person-picker="charity_spending"' in page
    assert all(f">{label}</option>" in page for label in needs().values())
    assert _offered(li, "陈大", "charity_spending") == ["陈大明"] and _offered(li, "王德", "charity_spending") == []

    before = _written()
    form = {"action": "spend", "fund": general.pk, "project": project.pk, "amount": "500",
            "spent_on": today.isoformat(), "evidence": "救助金银行回单"}
    r = li.post("/charity/desk/", form | {"person": wang.pk, "need": "basic_living"})
    assert r.status_code == 404 and "所选受助人不存在或不在您的管辖范围内" in r.content.decode()
    with pytest.raises(NotFound, match="所选受助人不存在"):  # the service itself, whatever calls it
        services.expenditure_prepare(actor=w.li, fund=general, project=project, amount="500", spent_on=today,
                                     evidence="救助金银行回单", beneficiary=wang, need="basic_living")
    r = li.post("/charity/desk/", form | {"person": w.dad.pk, "need": ""})
    assert r.status_code == 400 and "救助需求" in r.content.decode().split('role="alert">')[1][:100]
    assert f'data-person-chosen-label="陈大明（{w.dad.masked_id}）"' in r.content.decode()
    assert _written() == before

    r = li.post("/charity/desk/", form | {"person": w.dad.pk, "need": "basic_living"})
    assert r.status_code == 302 and "受助人陈大明，基本生活" in " ".join(str(m) for m in r.wsgi_request._messages)
    pay = Expenditure.objects.get()
    assert (pay.beneficiary, pay.need, pay.status) == (w.dad, "basic_living", "prepared")
    assert f"陈大明（{w.dad.masked_id}）基本生活" in _as(mai).get("/charity/desk/").content.decode()

    r = _as(mai).post("/charity/desk/", {"action": "approve", "expenditure": pay.pk, "decision": "approve"})
    said = " ".join(str(m) for m in r.wsgi_request._messages)
    assert r.status_code == 302 and "同一需求（基本生活）重复救助" in said
    assert OutsidePayment.objects.get().person == w.dad
    payroll.roster_check(actor=w.huang, roster=roster)
    flag = Anomaly.objects.get(roster=roster, rule="charity_double")
    assert flag.line.person == w.dad and "江海区慈善会支付同一需求（基本生活）的慈善救助500.00元" in flag.detail

    # a payment to nobody in particular stays a plain project spending
    r = li.post("/charity/desk/", form | {"amount": "100", "evidence": "慰问品发票"})
    assert r.status_code == 302 and Expenditure.objects.get(amount=100).beneficiary is None
