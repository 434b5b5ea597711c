"""The registration officer's pages over HTTP. 江海区义工联合会 (legal representative 冯志明 of 英南村) is registered;
礼乐街道's window 李建华 takes in its 变更 and another organisation's 注销 on the organisation's page; 江海区's officer
黄志强 rates it and records a 行政处罚 there. Then 黄志强 runs a 双随机 draw on the page: the seed is the server's
and shown, the drawn inspectors (黄志强, 麦嘉怡) record results and a rectification deadline, and the public
结果公开 page shows the organisation, its credit code, the result and the date — nobody's name."""

import datetime as dt
import re

import pytest
from django.test import Client

from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date
from minzheng.socialorgs import services
from minzheng.socialorgs.models import Application, Check, CheckDraw, CreditListing, Penalty, Rating

from .conftest import register

pytestmark = pytest.mark.django_db


def _page(client: Client, url: str, data: dict) -> str:
    return client.post(url, data, follow=True).content.decode()


def test_the_window_takes_in_a_change_and_a_deregistration_on_the_organisations_page(areas, so, client: Client):
    org = register(so, areas, today=dt.date(2022, 3, 1))
    other = register(so, areas, name="礼乐街道书画协会", today=dt.date(2022, 3, 1))
    client.force_login(so["window"])
    page = client.get(f"/socialorgs/{org.pk}/").content.decode()
    assert "受理变更登记" in page and "受理注销登记" in page and "登记行政处罚" not in page  # a town takes in only
    assert "可变更的事项为" in _page(client, f"/socialorgs/{org.pk}/change/", {"domicile": "  "})
    taken = _page(client, f"/socialorgs/{org.pk}/change/", {"name": "礼乐街道书画协会"})
    assert "名称“礼乐街道书画协会”已被登记" in taken and not Application.objects.filter(kind="change").exists()
    page = _page(client, f"/socialorgs/{org.pk}/change/", {"domicile": "礼乐街道文化中心三楼", "purpose": ""})
    assert "变更登记申请已受理" in page and "尚未办结的变更登记申请" in page
    app = Application.objects.get(kind="change")
    assert app.particulars == {"name": org.name, "domicile": "礼乐街道文化中心三楼"}
    assert "请填写注销理由" in _page(client, f"/socialorgs/{other.pk}/deregister/", {"reason": ""})
    assert not Application.objects.filter(kind="deregister").exists()
    done = _page(client, f"/socialorgs/{other.pk}/deregister/", {"reason": "会员大会决议解散，清算完毕"})
    assert "注销登记申请已受理" in done
    # a town officer may not rate or punish: the right belongs to the 登记管理机关
    assert client.post(f"/socialorgs/{org.pk}/rating/", {"grade": "4"}).status_code == 403
    assert client.post(f"/socialorgs/{org.pk}/penalty/", {"kind": "warning"}).status_code == 403
    # 审查 and 核准 by two county officers complete the change
    services.application_review(actor=so["reviewer"], application=app, approve=True, opinion="同意变更")
    services.application_approve(actor=so["approver"], application=app)
    org.refresh_from_db()
    assert org.domicile == "礼乐街道文化中心三楼"


def test_the_registrar_rates_and_punishes_on_the_page_with_named_errors(areas, so, client: Client):
    org = register(so, areas, today=dt.date(2020, 3, 1))
    client.force_login(so["reviewer"])
    count = AuditEntry.objects.count()
    assert "请选择评估等级" in _page(client, f"/socialorgs/{org.pk}/rating/", {"grade": ""})
    assert "评估等级应为1A至5A" in _page(client, f"/socialorgs/{org.pk}/rating/", {"grade": "6"})
    fine = {"kind": "fine", "fine": "0", "decision_no": "江民罚〔2025〕3号", "facts": "违规收取会费"}
    assert "罚款须填写大于0的金额" in _page(client, f"/socialorgs/{org.pk}/penalty/", fine)
    assert "罚款金额应为金额" in _page(client, f"/socialorgs/{org.pk}/penalty/", {**fine, "fine": "五千"})
    assert "请填写处罚决定书文号" in _page(client, f"/socialorgs/{org.pk}/penalty/", {**fine, "fine": "5000",
                                                                                "decision_no": ""})
    assert not Rating.objects.exists() and not Penalty.objects.exists() and not CreditListing.objects.exists()
    assert AuditEntry.objects.count() == count
    assert "已评定为4A" in _page(client, f"/socialorgs/{org.pk}/rating/", {"grade": "4"})
    page = _page(client, f"/socialorgs/{org.pk}/penalty/", {**fine, "fine": "5000"})
    assert "行政处罚已登记，已列入活动异常名录" in page and "5000.00元" in page
    assert CreditListing.objects.get(org=org).ground == "light_penalty"


def test_another_towns_officer_gets_404_on_the_new_forms(areas, so, people, client: Client):
    """赵玉兰 of 外海街道 posts to 英南村's organisation: the same 404 as for an organisation that does not exist."""
    org = register(so, areas)
    client.force_login(people["waihai_officer"])
    for action, body in (("change", {"domicile": "外海"}), ("deregister", {"reason": "解散"})):
        assert client.post(f"/socialorgs/{org.pk}/{action}/", body).status_code == 404
        assert client.post(f"/socialorgs/987654321/{action}/", body).status_code == 404
    assert not Application.objects.exclude(kind="establish").exists()


def test_a_random_check_from_draw_to_public_result(areas, so, client: Client):
    orgs = [register(so, areas, name=f"礼乐街道协会{n}", today=dt.date(2020, 3, 1)) for n in range(3)]
    client.force_login(so["reviewer"])
    assert "抽取数量应为1至1000的整数" in _page(client, "/socialorgs/checks/draw/", {"area_code": "440704",
                                                                                  "sample_size": "两家"})
    assert "只有3家" in _page(client, "/socialorgs/checks/draw/", {"area_code": "440704", "sample_size": "5"})
    assert not CheckDraw.objects.exists()
    page = _page(client, "/socialorgs/checks/draw/", {"area_code": "440704", "sample_size": "2", "seed": "7"})
    draw = CheckDraw.objects.get()
    assert f"随机种子{draw.seed}" in page and str(draw.seed) in page
    # the inspector roster is the county's officers (黄志强, 麦嘉怡); the seed and pools redo the draw exactly
    assert draw.inspector_pool == sorted([so["reviewer"].pk, so["approver"].pk])
    assert draw.org_pool == sorted(o.pk for o in orgs)
    redone = services.draw_sample(seed=draw.seed, org_pool=draw.org_pool, inspector_pool=draw.inspector_pool,
                                  sample_size=2)
    checks = list(draw.checks.order_by("id"))
    assert [(c.org_id, sorted(c.inspectors.values_list("pk", flat=True))) for c in checks] == redone
    assert "麦嘉怡" in page and "黄志强" in page
    first = checks[0]
    url = f"/socialorgs/checks/items/{first.pk}/result/"
    assert "责令限期整改须填写整改期限" in _page(client, url, {"result": "rectify", "findings": "财务制度不健全"})
    assert "整改期限格式应为YYYY-MM-DD" in _page(client, url, {"result": "rectify", "findings": "财务制度不健全",
                                                         "rectify_by": "下月底"})
    assert "请填写检查情况" in _page(client, url, {"result": "passed", "findings": ""})
    first.refresh_from_db()
    assert first.result == Check.Result.PENDING and first.checked_on is None
    deadline = (local_date() + dt.timedelta(days=60)).isoformat()
    assert "已登记" in _page(client, url, {"result": "rectify", "findings": "财务制度不健全", "rectify_by": deadline})
    second = checks[1]
    _page(client, f"/socialorgs/checks/items/{second.pk}/result/", {"result": "passed", "findings": "内部治理规范"})
    client.logout()
    public = client.get("/socialorgs/checks/results/").content.decode()
    for c in checks:
        assert c.org.name in public and c.org.credit_code in public
    assert "责令限期整改" in public and "未发现问题" in public
    for secret in ("黄志强", "麦嘉怡", "冯志明", so["feng"].id_number, "财务制度不健全", "内部治理规范"):
        assert secret not in public
    api = client.get("/api/socialorgs/public/check-results").json()
    assert {r["name"] for r in api} == {c.org.name for c in checks}
    assert set(api[0]) == {"name", "credit_code", "result", "checked_on", "registrar"}


def test_the_draw_api_draws_on_the_server_and_only_a_drawn_inspector_records(areas, so, people, client: Client):
    for n in range(2):
        register(so, areas, name=f"礼乐街道协会{n}", today=dt.date(2020, 3, 1))
    client.force_login(so["reviewer"])
    r = client.post("/api/socialorgs/check-draws", {"area_code": "440704", "sample_size": 1, "seed": 1},
                    content_type="application/json")
    assert r.status_code == 201
    body = r.json()
    draw = CheckDraw.objects.get()
    assert body["seed"] == draw.seed and len(body["checks"]) == 1 and len(body["checks"][0]["inspectors"]) == 2
    assert client.get(f"/api/socialorgs/check-draws/{draw.pk}").json()["seed"] == draw.seed
    check = draw.checks.get()
    r = client.post(f"/api/socialorgs/checks/{check.pk}/result", {"result": "closed", "findings": "x"},
                    content_type="application/json")
    assert r.status_code == 400 and "检查结果应为" in r.json()["message"]
    r = client.post(f"/api/socialorgs/checks/{check.pk}/result", {"result": "passed", "findings": "规范"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["checked_on"]
    # 梁文杰 of 郁南县 draws over 江海区: exactly the answer for a code that does not exist, and nothing is drawn
    client.force_login(people["yunan_approver"])
    answers = []
    for code in ("440704", "999999"):
        r = client.post("/api/socialorgs/check-draws", {"area_code": code, "sample_size": 1},
                        content_type="application/json")
        page = _page(client, "/socialorgs/checks/draw/", {"area_code": code, "sample_size": "1"})
        shown = re.findall(r'<li class="msg [^"]*">([^<]*)</li>', page)
        answers.append((r.status_code, r.json()["message"].replace(code, "…"), [m.replace(code, "…") for m in shown]))
    assert answers[0] == answers[1] and answers[0][0] == 400 and "不在您的管辖范围内" in answers[0][1]
    assert answers[0][2] == [answers[0][1]] and CheckDraw.objects.count() == 1


def test_after_a_street_moves_to_pengjiang_its_checks_draw_pengjiangs_officers(areas, so, people, make_person):
    """江门市 moves 外海街道 from 江海区 to 蓬江区 (改隶) from 2027-03-01. 外海社区's 外海街道舞蹈协会 stays on its
    record under the old street. A 双随机 draw over that street then takes its inspectors from 蓬江区's registrars
    区伟明 and 谭丽君 — no longer from 江海区's 黄志强 and 麦嘉怡, who were its roster the day before."""
    import time_machine

    from minzheng.accounts.models import User
    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create
    from minzheng.areas.models import CodeSource, Level
    from minzheng.areas.services import area_create
    from minzheng.placenames import services as placenames

    def at(day):
        return time_machine.travel(dt.datetime.fromisoformat(day + "T10:00+08:00"), tick=False)

    pengjiang = area_create(actor=None, code="440703", name="蓬江区", level=Level.COUNTY, parent=areas["jiangmen"],
                            code_source=CodeSource.GB2260, valid_from=dt.date(2020, 1, 1), audited=False)
    ou, tan = (user_create(actor=None, username=u, password="Minzheng#2026", display_name=n, role=Role.COUNTY,
                           areas=[pengjiang]) for u, n in (("ouwm", "区伟明"), ("tanlj", "谭丽君")))
    with at("2027-01-10"):
        rep = make_person("邝月娥", area=areas["waihai_village"], sex="F")
        app = services.establish_apply(actor=people["waihai_officer"], area=areas["waihai_village"],
                                       name="外海街道舞蹈协会", form="social_group", legal_rep=rep, capital="30000",
                                       domicile="外海社区文化楼", purpose="组织群众舞蹈活动")
        app = services.application_review(actor=so["reviewer"], application=app, approve=True, opinion="材料齐全")
        org = services.application_approve(actor=so["approver"], application=app)
    with at("2027-02-01"):
        placenames.area_redivide(actor=so["city"], kind="reparent", old_areas=[areas["waihai"]],
                                 successors=[placenames.Successor(code="440703009", name="外海街道", parent=pengjiang)],
                                 effective_on=dt.date(2027, 3, 1), document="江府函〔2027〕12号",
                                 authority="江门市人民政府")

    def roster():
        return {u.display_name for u in services.inspector_candidates(areas["waihai"])}

    with at("2027-02-28"):
        assert roster() == {"黄志强", "麦嘉怡"}
    with at("2027-03-02"):
        assert roster() == {"区伟明", "谭丽君"}
        draw = services.check_draw(actor=User.objects.get(pk=ou.pk), area=areas["waihai"], sample_size=1, seed=7)
        assert draw.org_pool == [org.pk] and draw.inspector_pool == sorted([ou.pk, tan.pk])
