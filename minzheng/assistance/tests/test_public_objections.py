"""Anyone may object to a household on 公示 without logging in — but nobody can take a household off 公示 by
sending requests. 陈大明's family is on 公示 in 英南村; a neighbour objects through the public page, a script tries
to flood the notice, and 李建华 of 礼乐街道 decides what the objections are worth."""

import datetime as dt

import pytest
from django.urls import reverse

from minzheng.assistance import services
from minzheng.assistance.models import Objection, Publicity
from minzheng.core.errors import Conflict, NotFound

from .stories import solve_challenge, submit_dibao, walk_to, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
API = "/api/assistance/public/notices"
REASON = "陈家新买了一辆小汽车，收入不像公示的那么低"


@pytest.fixture
def on_show(world):
    app = walk_to(world, submit_dibao(world), "publicizing")
    return app, app.publicities.get()


def challenge(client, notice, ip="10.0.0.1"):
    c = client.get(f"{API}/{notice}/challenge", REMOTE_ADDR=ip).json()
    return {"challenge_id": c["challenge_id"], "challenge_answer": solve_challenge(c["question"])}


def object_(client, notice, *, ip="10.0.0.1", answer=None, reason=REASON):
    body = {"reason": reason} | (challenge(client, notice, ip) if answer is None else answer)
    return client.post(f"{API}/{notice}/objections", body, content_type="application/json", REMOTE_ADDR=ip)


def still_on_show(app, pub):
    app.refresh_from_db()
    pub.refresh_from_db()
    return app.status == "publicizing" and pub.status == Publicity.Status.OPEN


def test_five_anonymous_objections_leave_the_notice_up_until_the_town_decides(client, on_show):
    app, pub = on_show
    for i in range(5):
        assert object_(client, pub.pk, ip=f"10.0.0.{i + 1}").status_code == 201
    assert still_on_show(app, pub)
    assert list(Objection.objects.values_list("status", flat=True)) == ["pending"] * 5
    assert client.get(reverse("gongshi:notice", args=[pub.pk])).status_code == 200


def test_an_objection_needs_the_answer_to_a_fresh_challenge_and_each_answer_counts_once(client, on_show):
    app, pub = on_show
    r = object_(client, pub.pk, answer={"challenge_id": "made-up", "challenge_answer": "7"})
    assert r.status_code == 400 and r.json()["field"] == "验证答案" and "验证题已失效" in r.json()["message"]
    good = challenge(client, pub.pk)
    wrong = str(int(good["challenge_answer"]) + 1)
    r = object_(client, pub.pk, answer=good | {"challenge_answer": wrong})
    assert r.status_code == 400 and "验证答案不正确" in r.json()["message"]
    # the right answer is no use once the challenge has been tried
    assert object_(client, pub.pk, answer=good).status_code == 400
    assert not Objection.objects.exists() and still_on_show(app, pub)
    assert object_(client, pub.pk).status_code == 201


def test_one_address_is_limited_and_so_is_one_notice(client, on_show, settings):
    app, pub = on_show
    for _ in range(5):
        assert object_(client, pub.pk, ip="10.0.0.9").status_code == 201
    r = object_(client, pub.pk, ip="10.0.0.9")
    assert r.status_code == 429 and r.json()["code"] == "rate_limited" and "提交过于频繁" in r.json()["message"]
    assert object_(client, pub.pk, ip="10.0.0.10").status_code == 201  # a neighbour elsewhere is not blocked
    # however many addresses a script uses, one notice takes a bounded number online
    settings.OBJECTION_RATE_PER_NOTICE = "2/d"
    codes = [object_(client, pub.pk, ip=f"10.1.0.{i}").status_code for i in range(4)]
    assert codes == [201, 201, 429, 429]
    assert "已暂停网上受理" in object_(client, pub.pk, ip="10.1.0.99").json()["message"]
    assert Objection.objects.count() == 8 and still_on_show(app, pub)


def test_the_public_page_asks_the_challenge_and_refuses_a_wrong_answer(client, on_show):
    app, pub = on_show
    url = reverse("gongshi:notice", args=[pub.pk])
    page = client.get(url)
    question = page.context["challenge"]["question"]
    assert question in page.content.decode()
    r = client.post(url, {"reason": REASON, "challenge_id": page.context["challenge"]["challenge_id"],
                          "challenge_answer": str(int(solve_challenge(question)) + 1)})
    assert r.status_code == 400 and "验证答案不正确" in r.content.decode()
    assert REASON in r.content.decode()  # what was typed is kept, with a new challenge
    assert r.context["challenge"]["challenge_id"] != page.context["challenge"]["challenge_id"]
    assert not Objection.objects.exists()
    r = client.post(url, {"reason": REASON, "challenge_id": r.context["challenge"]["challenge_id"],
                          "challenge_answer": solve_challenge(r.context["challenge"]["question"])})
    assert r.status_code == 200 and "异议已受理" in r.content.decode()
    assert Objection.objects.get().status == "pending" and still_on_show(app, pub)


def test_li_jianhua_dismisses_one_and_the_notice_runs_to_its_end(world, on_show):
    w = world
    app, pub = on_show
    obj = services.objection_file(actor=None, publicity=pub, reason=REASON)
    with pytest.raises(Conflict, match="异议尚未处理"):
        services.application_close_publicity(actor=w.huang, application=app, today=pub.end_date + dt.timedelta(1))
    with pytest.raises(NotFound):  # 外海街道's officer: not her street
        services.objection_decide(actor=w.zhao, objection=obj, uphold=True, note="代为处理")
    from minzheng.core.errors import Forbidden

    with pytest.raises(Forbidden):  # the village records objections but does not decide them
        services.objection_decide(actor=w.chen, objection=obj, uphold=False, note="核实无此事")
    obj = services.objection_decide(actor=w.li, objection=obj, uphold=False,
                                    note="经核实小汽车为其亲戚所有，陈家无车")
    assert obj.status == Objection.Status.DISMISSED and obj.decided_by == w.li and still_on_show(app, pub)
    with pytest.raises(Conflict, match="该异议已处理"):
        services.objection_decide(actor=w.li, objection=obj, uphold=True, note="改变主意")
    app = services.application_close_publicity(actor=w.huang, application=app,
                                               today=pub.end_date + dt.timedelta(days=1))
    assert app.status == "approving"
