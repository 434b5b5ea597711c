"""大慈善 over HTTP: 李建华 (礼乐街道) and 黄志强 (江海区) find 大慈善 in the menu and open the desk; 王秀英, a
resident, finds no such entry and is turned away. 郁南县's 梁文杰 has the same role as 黄志强 but sees none of
江海's rows."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.charity.models import Wish
from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date, month_start
from minzheng.lottery.models import MonthlySales

pytestmark = pytest.mark.django_db

MENU_LINK = re.compile(r'<a href="/charity/"[^>]*>大慈善</a>')


@pytest.fixture
def resident(areas):
    return user_create(actor=None, username="wangxy", password="Minzheng#2026", display_name="王秀英",
                       role=Role.RESIDENT, areas=[])


def _as(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_town_and_county_staff_find_the_charity_desk_in_the_menu_and_a_resident_does_not(people, ch, resident):
    for who in (people["lile_officer"], people["jianghai_approver"]):
        c = _as(who)
        assert MENU_LINK.search(c.get("/").content.decode()), who.display_name
        desk = c.get("/charity/")
        assert desk.status_code == 200
        assert "江海区慈善会" in desk.content.decode()
        assert re.search(r'<a href="/charity/" aria-current="page">大慈善</a>', desk.content.decode())
    c = _as(resident)
    home = c.get("/")
    assert home.status_code == 200 and "王秀英" in home.content.decode()
    assert not MENU_LINK.search(home.content.decode())
    assert c.get("/charity/").status_code == 403


@pytest.fixture
def jianghai_rows(areas, people, ch, make_person):
    """What 江海区 keeps: 江海区慈善会 with a gift and a spending awaiting approval, 英南村's wish for 黄婆婆, a
    慈善信托 filed by 黄志强 and 英南村's 福彩 outlet run by 陈志坚."""
    from minzheng.charity import services
    from minzheng.core.periods import local_date
    from minzheng.lottery import services as lottery

    today = local_date()
    charity, desk, county = ch["charity"], ch["desk"], ch["county"]
    general = charity.funds.get()
    gift = services.donation_receive(actor=desk, fund=general, donor_name="江门新华电器有限公司", amount="3000",
                                     received_on=today)
    project = services.project_create(actor=desk, fund=general, name="英南济困", purpose="慰问困难家庭",
                                      area=areas["yingnan"])
    services.expenditure_prepare(actor=desk, fund=general, project=project, amount="100", spent_on=today,
                                 evidence="慰问签收表")
    granny = make_person("黄婆婆", area=areas["yingnan"], sex="F", address="英南村北巷3号")
    wish = services.wish_raise(actor=people["village_worker"], kind="wish", title="一台轮椅", need="行动不便",
                               budget="800", area=areas["yingnan"], person=granny)
    trust = services.trust_file(actor=county, area=areas["jianghai"], name="江海区乡村振兴慈善信托",
                                trustee="广东粤财信托有限公司", supervisor="江海区慈善会", assets="1000000",
                                purpose="资助乡村困难群众", signed_on=today)
    outlet = lottery.outlet_register(actor=county, area=areas["yingnan"], licence="44070400101", name="英南福彩站",
                                     owner="陈志坚", address="英南村市场1号", opened_on=dt.date(2020, 5, 1))
    services.demo_site_designate(actor=county, kind="community", area=areas["yingnan"], name="英南村慈善示范社区")
    return {"gift": gift, "wish": wish, "trust": trust, "outlet": outlet,
            "secrets": ["江海区慈善会", "英南济困", "慰问签收表", "一台轮椅", "江海区乡村振兴慈善信托", "英南福彩站",
                        "陈志坚", "44070400101", "英南村慈善示范社区"]}


def _sales_file(licence: str) -> SimpleUploadedFile:
    last = month_start(month_start(local_date()) - dt.timedelta(days=1))
    body = f"销售许可证号,月份,销量（元）\n{licence},{last:%Y-%m},52000.00\n".encode()
    return SimpleUploadedFile("sales.csv", body, content_type="text/csv")


def test_another_county_sees_none_of_jianghais_rows_in_the_lists_and_the_desk(people, ch, jianghai_rows):
    huang, liang = _as(people["jianghai_approver"]), _as(people["yunan_approver"])

    mine = huang.get("/api/charity/charities").json()
    assert [c["name"] for c in mine] == ["江海区慈善会"]
    assert {f["name"]: f["balance"] for f in mine[0]["funds"]} == {"非定向资金": "3000.00"}
    assert liang.get("/api/charity/charities").json() == []

    assert [o["name"] for o in huang.get("/api/lottery/outlets").json()] == ["英南福彩站"]
    assert liang.get("/api/lottery/outlets").json() == []

    desk = huang.get("/charity/").content.decode()
    for row in ("江海区慈善会", "英南济困", "一台轮椅", "江海区乡村振兴慈善信托", "英南村慈善示范社区"):
        assert row in desk, row
    other = liang.get("/charity/")
    assert other.status_code == 200
    leaked = [s for s in jianghai_rows["secrets"] if s in other.content.decode()]
    assert leaked == []


def test_the_sales_file_goes_in_over_http_only_for_the_outlets_in_ones_own_area(people, jianghai_rows):
    huang, liang = _as(people["jianghai_approver"]), _as(people["yunan_approver"])
    audits = AuditEntry.objects.count()

    refused = liang.post("/api/lottery/sales-imports", {"file": _sales_file("44070400101")}).json()
    assert refused["applied"] == 0 and refused["errors"][0]["row"] == 2
    assert "未登记或不在您的管辖范围内" in refused["errors"][0]["message"]
    assert not MonthlySales.objects.exists() and AuditEntry.objects.count() == audits

    village = _as(people["village_worker"]).post("/api/lottery/sales-imports", {"file": _sales_file("44070400101")})
    assert village.status_code == 403 and "无权" in village.json()["message"]

    wrong = huang.post("/api/lottery/sales-imports",
                       {"file": SimpleUploadedFile("sales.txt", b"x", content_type="text/plain")})
    assert wrong.status_code == 400 and wrong.json()["message"] == "文件应为.csv或.xlsx"
    assert wrong.json()["field"] == "文件"

    done = huang.post("/api/lottery/sales-imports", {"file": _sales_file("44070400101")}).json()
    assert done == {"applied": 1, "mode": "all_or_nothing", "errors": []}
    assert MonthlySales.objects.get().amount == Decimal("52000.00")


def test_the_public_checks_a_receipt_reads_plans_and_reports_and_claims_a_wish_without_logging_in(ch,
                                                                                                  jianghai_rows):
    from minzheng.charity import services

    desk, county, public = ch["desk"], ch["county"], Client()
    today = local_date()
    receipt = services.receipt_issue(actor=desk, donation=jianghai_rows["gift"])

    page = public.get("/charity/receipt/", {"number": receipt.number, "code": receipt.code.lower()})
    body = page.content.decode()
    assert page.status_code == 200 and "票据有效" in body and "江海区慈善会" in body and "3000.00元" in body
    wrong = public.get("/charity/receipt/", {"number": receipt.number, "code": "WRONG000"}).content.decode()
    assert "未查到与该号码和校验码相符的捐赠票据" in wrong and "3000.00" not in wrong
    api = public.get("/api/charity/public/receipt-check", {"number": receipt.number, "code": receipt.code}).json()
    assert api["valid"] is True and api["amount"] == "3000.00"

    fund = ch["charity"].funds.get()
    plan = services.plan_file(actor=county, charity=ch["charity"], fund=fund, title="2026礼乐济困募捐",
                              purpose="帮助困难家庭", target="50000", starts_on=today,
                              ends_on=today + dt.timedelta(days=30))
    plans = public.get("/api/charity/public/plans").json()
    assert [(p["number"], p["title"], p["target"]) for p in plans] == [(plan.number, "2026礼乐济困募捐", "50000.00")]

    services.annual_report_publish(actor=desk, charity=ch["charity"], year=today.year - 1, activities="助学济困")
    reports = public.get("/api/charity/public/annual-reports", {"year": today.year - 1}).json()
    assert [(r["charity"], r["year"], r["body"]["activities"]) for r in reports] == [
        ("江海区慈善会", today.year - 1, "助学济困")]
    assert public.get("/api/charity/public/annual-reports", {"year": today.year - 2}).json() == []
    assert public.get("/api/charity/public/annual-reports", {"year": "去年"}).status_code == 422

    wish = jianghai_rows["wish"]
    empty = public.post("/charity/wishes/claim/", {"wish": wish.pk, "claimant": " "}, follow=True)
    assert "请填写认领人" in empty.content.decode()
    assert Wish.objects.get(pk=wish.pk).status == "open"
    won = public.post("/charity/wishes/claim/", {"wish": wish.pk, "claimant": "陈美华"}, follow=True)
    assert won.redirect_chain == [("/charity/wishes/", 302)]
    assert won.content.decode().count("感谢认领“一台轮椅”，村（居）工作人员将与您联系") == 1  # said once
    assert Wish.objects.get(pk=wish.pk).claimant == "陈美华"
    again = public.post("/charity/wishes/claim/", {"wish": wish.pk, "claimant": "李伟"}, follow=True)
    assert "该心愿已被认领或已不在待认领名单中" in again.content.decode()  # no longer on the public list at all
    nowhere = public.post("/charity/wishes/claim/", {"wish": "abc", "claimant": "李伟"}, follow=True)
    assert "该心愿已被认领或已不在待认领名单中" in nowhere.content.decode()
    assert Wish.objects.get(pk=wish.pk).claimant == "陈美华"
    assert public.get("/charity/wishes/claim/").status_code == 405


def test_a_village_worker_raises_fulfils_and_closes_a_wish_over_the_api(areas, people, make_person):
    """陈小玲 raises 黄伯's wish from her phone; a donor claims it on the public page; she records its fulfilment and
    closes it. 赵玉兰 of 外海街道 can neither raise one for 英南村 nor use 黄伯's record; bad fields are named."""
    from minzheng.core.periods import local_date

    chen, zhao = _as(people["village_worker"]), _as(people["waihai_officer"])
    bo = make_person("黄伯", area=areas["yingnan"], address="英南村东巷5号")
    body = {"kind": "wish", "title": "一副老花镜", "need": "看不清药盒说明", "budget": "120",
            "area_code": "440704003001", "person_id": bo.pk}
    outside = zhao.post("/api/charity/wishes", body, content_type="application/json")
    assert outside.status_code == 404
    bad = chen.post("/api/charity/wishes", body | {"need": "送到东巷5号"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["field"] == "需求说明" and "住址" in bad.json()["message"]
    nowhere = chen.post("/api/charity/wishes", body | {"area_code": "440704999999"}, content_type="application/json")
    assert nowhere.status_code == 400 and nowhere.json()["field"] == "村（居）"
    assert not Wish.objects.exists()

    raised = chen.post("/api/charity/wishes", body, content_type="application/json")
    assert raised.status_code == 201 and raised.json()["village"] == "英南村" and "黄伯" not in raised.content.decode()
    wish_id = raised.json()["id"]
    Client().post("/charity/wishes/claim/", {"wish": wish_id, "claimant": "陈美华"})
    assert zhao.post(f"/api/charity/wishes/{wish_id}/fulfil", {"evidence": "已送达", "on": f"{local_date()}"},
                     content_type="application/json").status_code == 404
    early = chen.post(f"/api/charity/wishes/{wish_id}/close", {}, content_type="application/json")
    assert early.status_code == 409 and "实现后才能办结" in early.json()["message"]
    done = chen.post(f"/api/charity/wishes/{wish_id}/fulfil", {"evidence": "老花镜已送达，签收单存档",
                                                               "on": f"{local_date()}"},
                     content_type="application/json")
    assert done.status_code == 200
    assert chen.post(f"/api/charity/wishes/{wish_id}/close", {}, content_type="application/json").status_code == 200
    w = Wish.objects.get(pk=wish_id)
    assert (w.status, w.claimant, w.evidence, w.person) == ("closed", "陈美华", "老花镜已送达，签收单存档", bo)
