"""江海区义工联合会, a 社会团体 of 英南村: its founders apply at 礼乐街道 (李建华 takes it in),
江海区 reviews (黄志强) and approves (麦嘉怡); it gets its certificate, then misses its 2025 年报:
the nightly run puts it on the 活动异常名录 after 31 May 2026, two years later (clock moved) on
the 严重违法失信名单; it files the late report and is removed."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from minzheng.core.creditcode import credit_code_problem
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.models import AuditEntry
from minzheng.core.pdf import pdf_text
from minzheng.socialorgs import selectors, services
from minzheng.socialorgs.documents import certificate_pdf
from minzheng.socialorgs.models import Application, CreditListing, SocialOrg

from .conftest import register

pytestmark = pytest.mark.django_db


def at(day: str):
    return time_machine.travel(dt.datetime.fromisoformat(day + "T02:00+08:00"), tick=False)


def test_a_social_group_from_application_to_certificate(areas, so):
    org = register(so, areas, today=dt.date(2024, 3, 1))
    assert org.form == "social_group" and org.registrar == areas["jianghai"]
    assert credit_code_problem(org.credit_code) is None and org.credit_code.startswith("51440704")
    text = pdf_text(certificate_pdf(org))
    assert "社会团体法人登记证书" in text and org.credit_code in text and "江海区义工联合会" in text
    assert "冯志明" in text and "30000.00元" in text
    actions = list(AuditEntry.objects.filter(action__startswith="socialorgs.").values_list("action", flat=True))
    assert actions == ["socialorgs.apply", "socialorgs.review", "socialorgs.approve"]


def test_the_same_officer_cannot_review_and_approve(areas, so):
    app = services.establish_apply(actor=so["window"], area=areas["yingnan"], name="英南村老年协会",
                                   form="social_group", legal_rep=so["feng"], capital="0", domicile="英南村",
                                   purpose="老年人互助")
    app = services.application_review(actor=so["reviewer"], application=app, approve=True, opinion="同意")
    with pytest.raises(DomainError, match="受理人和审查人以外"):
        services.application_approve(actor=so["reviewer"], application=app)
    assert not SocialOrg.objects.exists()


def test_a_duplicate_name_or_credit_code_is_refused_and_nothing_is_written(areas, so):
    org = register(so, areas)
    with pytest.raises(Conflict, match="名称“江海区义工联合会”已被登记"):
        services.establish_apply(actor=so["window"], area=areas["yingnan"], name="江海区义工联合会",
                                 form="social_group", legal_rep=so["feng"], capital="1", domicile="x", purpose="y")
    app = services.establish_apply(actor=so["window"], area=areas["yingnan"], name="礼乐街道慈善会",
                                   form="foundation", legal_rep=so["feng"], capital="2000000", domicile="礼乐街道",
                                   purpose="慈善募捐")
    app = services.application_review(actor=so["reviewer"], application=app, approve=True, opinion="同意")
    count = AuditEntry.objects.count()
    with pytest.raises(Conflict, match=f"统一社会信用代码{org.credit_code}已被其他组织使用"):
        services.application_approve(actor=so["approver"], application=app, credit_code=org.credit_code)
    typo = org.credit_code[:5] + ("1" if org.credit_code[5] != "1" else "2") + org.credit_code[6:]
    with pytest.raises(DomainError, match="校验位不符"):
        services.application_approve(actor=so["approver"], application=app, credit_code=typo)
    app.refresh_from_db()
    assert app.status == Application.Status.REVIEWED and SocialOrg.objects.count() == 1
    assert AuditEntry.objects.count() == count


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", " ", "请填写名称"), ("capital", "三万", "注册资金应为金额"), ("capital", "-1", "0至1000亿元"),
    ("capital", "1.001", "最多精确到分"), ("form", "company", "组织类型"), ("purpose", "", "请填写业务范围"),
])
def test_bad_application_fields_are_named_in_chinese(areas, so, field, value, message):
    kw = {"name": "英南村舞蹈队", "form": "social_group", "capital": "100", "domicile": "英南村", "purpose": "文体活动"}
    kw[field] = value
    with pytest.raises(DomainError, match=message):
        services.establish_apply(actor=so["window"], area=areas["yingnan"], legal_rep=so["feng"], **kw)
    assert not Application.objects.exists()


def test_community_organisations_file_under_a_hub(areas, so):
    hub = services.hub_designate(actor=so["reviewer"], org=register(so, areas))
    app = services.establish_apply(actor=so["window"], area=areas["yingnan"], name="英南村长者互助队",
                                   form="community", legal_rep=so["feng"], capital="0", domicile="英南村",
                                   purpose="邻里互助", hub=hub)
    app = services.application_review(actor=so["reviewer"], application=app, approve=True, opinion="同意备案")
    filed = services.application_approve(actor=so["approver"], application=app)
    assert filed.hub == hub and filed.credit_code is None
    with pytest.raises(DomainError, match="枢纽型"):
        services.establish_apply(actor=so["window"], area=areas["yingnan"], name="英南村象棋队", form="community",
                                 legal_rep=so["feng"], capital="0", domicile="英南村", purpose="棋类", hub=filed)


def test_missed_report_to_abnormal_to_serious_and_removal_after_remedy(areas, so):
    with at("2024-03-01"):
        org = register(so, areas)
        services.annual_report_submit(actor=so["window"], org=org, year=2024, today=dt.date(2025, 4, 2))
        with pytest.raises(Conflict, match="2024年度工作报告已报送，不能重复报送"):
            services.annual_report_submit(actor=so["window"], org=org, year=2024, today=dt.date(2025, 4, 3))
    with at("2026-05-31"):  # the 2025 report is due today: nothing yet
        assert services.credit_nightly() == {"listed": 0, "escalated": 0}
    with at("2026-06-01"):
        assert services.credit_nightly() == {"listed": 1, "escalated": 0}
        assert services.credit_nightly() == {"listed": 0, "escalated": 0}  # idempotent
        listing = CreditListing.objects.get(org=org)
        assert (listing.list_kind, listing.ground, listing.report_year) == ("abnormal", "no_annual_report", 2025)
        public = selectors.public_credit_query("义工联合会")
        assert public[0]["list"] == "活动异常名录" and "第十条第一项" in public[0]["citation"]
    with at("2028-05-31"):  # one day short of two years
        assert services.credit_nightly()["escalated"] == 0
    with at("2028-06-01"):
        assert services.credit_nightly() == {"listed": 0, "escalated": 1}
        assert services.credit_nightly() == {"listed": 0, "escalated": 0}
        listing.refresh_from_db()
        assert (listing.list_kind, listing.escalated_on) == ("serious", dt.date(2028, 6, 1))
        row = selectors.public_credit_query(org.credit_code)[0]
        assert row["list"] == "严重违法失信名单" and "满2年" in row["ground"] and "第十四条第一项" in row["citation"]
        with pytest.raises(DomainError, match="尚未补报2025年度工作报告"):
            services.listing_remove(actor=so["reviewer"], listing=listing, reason="已整改")
        services.annual_report_submit(actor=so["window"], org=org, year=2025)
        services.annual_report_submit(actor=so["window"], org=org, year=2027)
        services.listing_remove(actor=so["reviewer"], listing=listing, reason="已补报2025年度工作报告，经核实移出")
        assert selectors.public_credit_query("义工联合会") == []
        with pytest.raises(Conflict, match="已移出"):
            services.listing_remove(actor=so["reviewer"], listing=listing, reason="重复")


def test_an_officer_lists_on_a_cited_ground_and_another_county_cannot(areas, so):
    org = register(so, areas)
    with pytest.raises(DomainError, match="规定的列入事由"):
        services.credit_list(actor=so["reviewer"], org=org, ground="rumour")
    from minzheng.core.errors import NotFound
    with pytest.raises(NotFound):
        services.credit_list(actor=so["outsider"], org=org, ground="unreachable")
    services.credit_list(actor=so["reviewer"], org=org, ground="unreachable")
    listing = services.credit_list(actor=so["reviewer"], org=org, ground="heavy_fine")
    assert (listing.list_kind, listing.ground, listing.escalation_ground) == ("serious", "unreachable", "heavy_fine")


def test_report_rate_counts_the_organisations_due(areas, so):
    a = register(so, areas, today=dt.date(2022, 5, 1))
    register(so, areas, name="礼乐街道书画协会", today=dt.date(2022, 6, 1))
    register(so, areas, name="英南村篮球协会", today=dt.date(2023, 6, 1))  # founded in 2023: not due
    services.annual_report_submit(actor=so["window"], org=a, year=2023, today=dt.date(2024, 5, 1))
    assert selectors.report_rate(areas["lile"], 2023) == {"year": 2023, "due": 2, "filed": 1, "rate": 50.0}


def test_the_public_credit_page_needs_no_login_and_shows_no_personal_data(areas, so, client: Client):
    org = register(so, areas)
    services.credit_list(actor=so["reviewer"], org=org, ground="unreachable")
    page = client.get("/socialorgs/credit/", {"q": "义工"}).content.decode()
    assert "江海区义工联合会" in page and "通过登记的住所无法与社会组织取得联系" in page
    assert "《社会组织信用信息管理办法》" in page and "冯志明" not in page and so["feng"].id_number not in page


def test_the_nightly_escalation_is_one_set_based_statement(areas, so):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with at("2024-03-01"):
        orgs = [register(so, areas, name=f"礼乐街道协会{n}") for n in range(3)]
        for org in orgs:
            services.credit_list(actor=so["reviewer"], org=org, ground="unreachable")
    with at("2026-03-02"), CaptureQueriesContext(connection) as ctx:
        assert services.credit_nightly() == {"listed": 0, "escalated": 3}
    table = CreditListing._meta.db_table
    updates = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE") and table in q["sql"]]
    assert len(updates) == 1


def test_a_rating_lasts_five_years_and_a_listed_organisation_is_not_rated(areas, so):
    org = register(so, areas, today=dt.date(2020, 3, 1))
    r = services.rating_award(actor=so["reviewer"], org=org, grade=4, today=dt.date(2021, 7, 1))
    assert r.valid_to == dt.date(2026, 6, 30)
    assert selectors.rating_current(org, dt.date(2026, 6, 30)) == r
    assert selectors.rating_current(org, dt.date(2026, 7, 1)) is None
    with pytest.raises(DomainError, match="1A至5A"):
        services.rating_award(actor=so["reviewer"], org=org, grade=6)
    services.credit_list(actor=so["reviewer"], org=org, ground="unreachable")
    with pytest.raises(DomainError, match="在信用名录中"):
        services.rating_award(actor=so["reviewer"], org=org, grade=3)


def test_zombie_candidates_filed_nothing_for_two_years(areas, so):
    sleeping = register(so, areas, name="英南村沉睡协会", today=dt.date(2019, 3, 1))
    busy = register(so, areas, name="英南村活跃协会", today=dt.date(2019, 3, 1))
    services.annual_report_submit(actor=so["window"], org=busy, year=2024, today=dt.date(2025, 4, 1))
    register(so, areas, name="英南村新协会", today=dt.date(2024, 3, 1))  # too young to have missed two
    found = selectors.zombie_candidates(so["reviewer"], dt.date(2025, 9, 1))
    assert [o.name for o in found] == [sleeping.name]
    assert not selectors.zombie_candidates(so["outsider"], dt.date(2025, 9, 1)).exists()


def test_change_and_deregistration_go_through_review_and_approval(areas, so):
    org = register(so, areas)
    other = register(so, areas, name="礼乐街道书画协会")
    with pytest.raises(Conflict, match="名称“礼乐街道书画协会”已被登记"):
        services.change_apply(actor=so["window"], org=org, changes={"name": "礼乐街道书画协会"})
    with pytest.raises(DomainError, match="可变更的事项为"):
        services.change_apply(actor=so["window"], org=org, changes={"credit_code": "x"})
    app = services.change_apply(actor=so["window"], org=org, changes={"domicile": "礼乐街道文化中心三楼"})
    with pytest.raises(Conflict, match="尚未办结"):
        services.deregister_apply(actor=so["window"], org=org, reason="清算完毕")
    app = services.application_review(actor=so["reviewer"], application=app, approve=True, opinion="同意变更")
    org = services.application_approve(actor=so["approver"], application=app)
    assert org.domicile == "礼乐街道文化中心三楼"
    app = services.deregister_apply(actor=so["window"], org=other, reason="会员大会决议解散，清算完毕")
    app = services.application_review(actor=so["reviewer"], application=app, approve=True, opinion="同意注销")
    ended = services.application_approve(actor=so["approver"], application=app, today=dt.date(2026, 1, 5))
    assert (ended.status, ended.ended_on) == ("deregistered", dt.date(2026, 1, 5))
    with pytest.raises(DomainError, match="已注销，不再报送"):
        services.annual_report_submit(actor=so["window"], org=ended, year=2025, today=dt.date(2026, 2, 1))


def test_another_town_gets_404_on_an_organisations_page_and_api(areas, so, people, client: Client):
    """赵玉兰 of 外海街道 asks for 英南村's organisation: the same 404 as for one that does not exist."""
    org = register(so, areas)
    client.force_login(people["waihai_officer"])
    for url in (f"/socialorgs/{org.pk}/", f"/socialorgs/{org.pk}/certificate.pdf", f"/api/socialorgs/orgs/{org.pk}"):
        assert client.get(url).status_code == 404
        assert client.get(url.replace(str(org.pk), "987654321")).status_code == 404
    r = client.post(f"/api/socialorgs/orgs/{org.pk}/annual-reports", {"year": 2024}, content_type="application/json")
    assert r.status_code == 404 and not org.annual_reports.exists()
    client.force_login(people["lile_officer"])
    assert client.get(f"/socialorgs/{org.pk}/").status_code == 200


def test_penalties_put_the_organisation_on_the_list_the_rules_name(areas, so):
    org = register(so, areas, today=dt.date(2020, 3, 1))
    kw = {"actor": so["reviewer"], "decision_no": "江民罚〔2025〕1号", "facts": "未按规定使用登记证书"}
    with pytest.raises(DomainError, match="罚款须填写大于0的金额"):
        services.penalty_record(org=org, kind="fine", fine="0", **kw)
    services.penalty_record(org=org, kind="warning", today=dt.date(2025, 1, 10), **kw)
    listing = CreditListing.objects.get(org=org, removed_on__isnull=True)
    assert (listing.list_kind, listing.ground) == ("abnormal", "light_penalty")
    services.penalty_record(org=org, kind="fine", fine="20000", today=dt.date(2026, 2, 1), **kw)  # second in 3 years
    listing.refresh_from_db()
    assert (listing.list_kind, listing.escalation_ground) == ("serious", "repeat_light_penalty")
    other = register(so, areas, name="礼乐街道书画协会", today=dt.date(2020, 3, 1))
    services.penalty_record(org=other, kind="revocation", today=dt.date(2026, 2, 1), **kw)
    other.refresh_from_db()
    assert other.status == "revoked" and other.listings.get().ground == "revoked"
    row = [r for r in selectors.public_credit_query("书画协会")][0]
    assert row["list"] == "严重违法失信名单" and "第十四条第七项" in row["citation"]


def test_a_random_check_left_unrectified_puts_the_organisation_on_the_abnormal_list(areas, so):
    orgs = [register(so, areas, name=f"礼乐街道协会{n}", today=dt.date(2020, 3, 1)) for n in range(4)]
    for org in orgs:  # all filed last year's 年报: only the check can list them
        services.annual_report_submit(actor=so["window"], org=org, year=2024, today=dt.date(2025, 4, 1))
    inspectors = [so["reviewer"], so["approver"]]
    with pytest.raises(DomainError, match="至少需要两名"):
        services.check_draw(actor=so["reviewer"], area=areas["jianghai"], sample_size=2, inspectors=[so["window"]],
                            seed=7)
    draw = services.check_draw(actor=so["reviewer"], area=areas["jianghai"], sample_size=2, inspectors=inspectors,
                               seed=7, today=dt.date(2025, 4, 1))
    checks = list(draw.checks.order_by("id"))
    again = __import__("random").Random(7).sample(sorted(o.pk for o in orgs), 2)
    assert [c.org_id for c in checks] == again  # the kept seed redoes the draw
    c = checks[0]
    with pytest.raises(DomainError, match="须填写整改期限"):
        services.check_result(actor=so["reviewer"], check=c, result="rectify", findings="财务制度不健全",
                              today=dt.date(2025, 4, 10))
    services.check_result(actor=so["reviewer"], check=c, result="rectify", findings="财务制度不健全",
                          rectify_by=dt.date(2025, 6, 30), today=dt.date(2025, 4, 10))
    assert services.credit_nightly(today=dt.date(2025, 6, 30)) == {"listed": 0, "escalated": 0}
    assert services.credit_nightly(today=dt.date(2025, 7, 1)) == {"listed": 1, "escalated": 0}
    assert services.credit_nightly(today=dt.date(2025, 7, 1)) == {"listed": 0, "escalated": 0}
    listing = CreditListing.objects.get(org_id=c.org_id)
    assert listing.ground == "rectification_overdue"
    with pytest.raises(DomainError, match="尚未整改完毕"):
        services.listing_remove(actor=so["reviewer"], listing=listing, reason="已整改")
    services.check_result(actor=so["approver"], check=c, result="rectified", findings="已建立财务制度",
                          today=dt.date(2025, 7, 5))
    services.listing_remove(actor=so["reviewer"], listing=listing, reason="经复查已整改")


def test_the_registrar_api_answers_in_chinese_and_writes_nothing_on_bad_input(areas, so, client: Client):
    org = register(so, areas)
    client.force_login(so["reviewer"])
    r = client.post(f"/api/socialorgs/orgs/{org.pk}/penalties", {"kind": "fine", "fine": "0", "decision_no": "x",
                                                                  "facts": "y"}, content_type="application/json")
    assert r.status_code == 400 and "罚款须填写大于0的金额" in r.json()["message"] and not org.penalties.exists()
    fine = {"kind": "fine", "fine": "60000", "decision_no": "江民罚〔2025〕2号", "facts": "违规收费"}
    r = client.post(f"/api/socialorgs/orgs/{org.pk}/penalties", fine, content_type="application/json")
    assert r.status_code == 201 and r.json()["listed_on"] == "严重违法失信名单"
    r = client.post(f"/api/socialorgs/orgs/{org.pk}/ratings", {"grade": 4}, content_type="application/json")
    assert r.status_code == 400 and "在信用名录中" in r.json()["message"]
    body = {"area_code": "440704003001", "name": "江海区义工联合会", "form": "social_group",
            "legal_rep_id_number": so["feng"].id_number, "capital": "1", "domicile": "x", "purpose": "y"}
    r = client.post("/api/socialorgs/applications", body, content_type="application/json")
    assert r.status_code == 409 and "名称“江海区义工联合会”已被登记" in r.json()["message"]


def test_a_report_for_a_year_already_filed_is_refused_and_nothing_is_written(areas, so):
    """李建华 files 2024's 年报 for the 义工联合会, then tries again with other figures: a Chinese conflict naming
    the year, the first report unchanged, no second row and no audit entry."""
    from minzheng.socialorgs.models import AnnualReport

    org = register(so, areas, today=dt.date(2024, 3, 1))
    first = services.annual_report_submit(actor=so["window"], org=org, year=2024, income="1000", expense="800",
                                          today=dt.date(2025, 4, 2))
    count = AuditEntry.objects.count()
    with pytest.raises(Conflict, match="2024年度工作报告已报送，不能重复报送"):
        services.annual_report_submit(actor=so["window"], org=org, year=2024, income="9999", expense="1",
                                      today=dt.date(2025, 4, 3))
    assert AnnualReport.objects.filter(org=org).count() == 1 and AuditEntry.objects.count() == count
    first.refresh_from_db()
    assert (first.submitted_on, first.income_fen) == (dt.date(2025, 4, 2), 100000)
