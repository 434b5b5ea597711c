"""江海区慈善会 tells the public how its 助学 fund-raising is going and what its 英南村 project has done (信息公开):
李建华 publishes both from the ledger — only the gifts under the plan, only the approved spending — and anyone reads
them on /charity/disclosures/ and the public API without logging in. A second one the same day, one before the
fund-raising has started, one with no words on the project, and one by another county are all refused."""

import datetime as dt

import pytest
from django.test import Client

from minzheng.charity import services
from minzheng.charity.models import Disclosure
from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date

pytestmark = pytest.mark.django_db


def test_the_charity_publishes_how_its_fundraising_and_its_project_are_going(areas, ch):
    charity, desk, county, checker = ch["charity"], ch["desk"], ch["county"], ch["checker"]
    today = local_date()
    fund = services.fund_create(actor=desk, charity=charity, name="英南助学专项基金", kind="special",
                                purpose="资助英南村困难家庭学生")
    plan = services.plan_file(actor=county, charity=charity, fund=fund, title="2026英南助学募捐",
                              purpose="资助困难家庭学生完成学业", target="100000", starts_on=today,
                              ends_on=today + dt.timedelta(days=60))
    for donor, amount in (("江门新华电器有限公司", "30000"), ("陈美华", "500.50")):
        services.donation_receive(actor=desk, fund=fund, plan=plan, donor_name=donor, amount=amount,
                                  received_on=today)
    services.donation_receive(actor=desk, fund=fund, plan=plan, donor_name="礼乐商会", kind="in_kind",
                              goods="书包200个", amount="8000", received_on=today)
    services.donation_receive(actor=desk, fund=fund, donor_name="不在方案内的捐赠", amount="999", received_on=today)

    raised = services.fundraising_disclose(actor=desk, plan=plan)
    assert raised.kind == "fundraising" and raised.year == today.year
    assert raised.body["text"] == (
        f"募捐进行中：截至{today:%Y年%m月%d日}，募捐方案“2026英南助学募捐”（备案编号{plan.number}，"
        f"募捐期间{plan.starts_on}至{plan.ends_on}，目标100000.00元）共收到捐赠3笔，其中资金30500.50元、物资折价8000.00元。")
    audits = AuditEntry.objects.count()
    with pytest.raises(Conflict, match="今天已公开，不能重复公开") as e:
        services.fundraising_disclose(actor=desk, plan=plan)
    assert e.value.field == "信息公开"
    later = services.plan_file(actor=county, charity=charity, fund=fund, title="2027英南助学募捐", purpose="助学",
                               target="1000", starts_on=today + dt.timedelta(days=70),
                               ends_on=today + dt.timedelta(days=90))
    with pytest.raises(DomainError, match="开始后才能公开募捐情况") as e:
        services.fundraising_disclose(actor=desk, plan=later)
    assert e.value.field == "募捐方案"
    with pytest.raises(NotFound):
        services.fundraising_disclose(actor=ch["outsider"], plan=plan, today=today + dt.timedelta(days=1))
    assert Disclosure.objects.count() == 1 and AuditEntry.objects.count() == audits + 1  # + filing the later plan

    project = services.project_create(actor=desk, fund=fund, name="英南村2026秋季助学", purpose="每生每学期1000元",
                                      area=areas["yingnan"])
    paid = services.expenditure_prepare(actor=desk, fund=fund, project=project, amount="12000", spent_on=today,
                                        evidence="助学金发放签收表（12名学生）")
    services.expenditure_approve(actor=checker, expenditure=paid)
    services.expenditure_prepare(actor=desk, fund=fund, project=project, amount="500", spent_on=today,
                                 evidence="待审批的文具发票")
    with pytest.raises(DomainError, match="请填写实施情况") as e:
        services.project_disclose(actor=desk, project=project, summary="  ")
    assert e.value.field == "实施情况"
    done = services.project_disclose(actor=desk, project=project, summary="已资助12名学生完成秋季学期学业。")
    assert done.body["text"] == (f"截至{today:%Y年%m月%d日}，项目“英南村2026秋季助学”（实施地英南村，资金来源"
                                 "“英南助学专项基金”）已支出12000.00元（1笔）。已资助12名学生完成秋季学期学业。")
    assert [a.action for a in AuditEntry.objects.filter(object_type="charity.disclosure").order_by("id")] == [
        "charity.disclose_fundraising", "charity.disclose_project"]

    public = Client()
    page = public.get("/charity/disclosures/").content.decode()
    assert raised.body["text"] in page and done.body["text"] in page and "江海区慈善会" in page
    assert "project:" not in page and "subject" not in page
    only_projects = public.get("/charity/disclosures/", {"kind": "project"}).content.decode()
    assert done.body["text"] in only_projects and raised.body["text"] not in only_projects
    api = public.get("/api/charity/public/disclosures", {"year": today.year}).json()
    assert [(d["kind_label"], d["title"]) for d in api] == [
        ("项目实施情况", f"英南村2026秋季助学项目实施情况（{today:%Y年%m月%d日}）"),
        ("募捐情况", f"2026英南助学募捐募捐情况（{today:%Y年%m月%d日}）")]
    assert api[1]["body"]["money"] == "30500.50" and "subject" not in api[1]["body"]
    assert public.get("/api/charity/public/disclosures", {"year": today.year - 1}).json() == []
    assert "/charity/disclosures/" in public.get("/charity/wishes/").content.decode()
