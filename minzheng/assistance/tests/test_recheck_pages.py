"""A year after the 陈 family's 低保 began, 江海区's 复核 comes due. The scheduler opens the task, 黄志强 enters what
the 复核 found (陈大明 now earns 900 元, 李秀英 300 元), previews the smaller gap, decides, and the 减发 takes
effect from next month while this month keeps its amount; later the family leaves 低保 (停发) with its history
kept. 江海区's bureau also asks what raising the 低保 standard to 1000 元 would cost."""

import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.assistance import rechecks, services
from minzheng.assistance.models import Case, CaseChange, Entitlement, RecheckTask
from minzheng.core.models import AuditEntry
from minzheng.core.periods import month_plus, next_month_start
from minzheng.verification.models import VerificationReport

from .stories import area, dibao_facts, make_family, submit_dibao, walk_to, world_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
NEXT_MONTH = next_month_start(TODAY)


@pytest.fixture
def due(world):
    """The 陈 family approved about thirteen months ago; their yearly 复核 is due."""
    w = world
    app = walk_to(w, submit_dibao(w), "approving")
    case = services.application_approve(actor=w.huang, application=app, facts=dibao_facts(w, app),
                                        today=TODAY - dt.timedelta(days=400))
    assert case.next_recheck <= TODAY
    out = io.StringIO()
    call_command("schedule_rechecks", "--on", TODAY.isoformat(), stdout=out)
    assert "新生成复核任务1个" in out.getvalue()
    return w, case, RecheckTask.objects.get(case=case)


def state():
    """Everything a refused request must leave untouched (the audit of the refusal itself aside)."""
    return (AuditEntry.objects.exclude(action="access.denied").count(),
            CaseChange.objects.count(), Entitlement.objects.count(),
            list(RecheckTask.objects.order_by("pk").values_list("status", "outcome")),
            list(Case.objects.order_by("pk").values_list("status", "end_month", "next_recheck")))


def found(w, **extra):
    """The 复核 form as 黄志强 fills it in."""
    return {"urban_rural": "urban", f"income_{w.dad.pk}": "900", f"income_{w.mum.pk}": "300",
            f"income_{w.son.pk}": "", "assets": "0", "opinion": "入户复核：陈大明已在镇上工厂务工", **extra}


def task_url(task):
    return reverse("assistance:recheck", args=[task.pk])


def case_url(case):
    return reverse("assistance:case", args=[case.pk])


def test_the_scheduler_command_is_idempotent(due):
    w, case, task = due
    out = io.StringIO()
    call_command("schedule_rechecks", "--on", TODAY.isoformat(), stdout=out)
    assert "新生成复核任务0个" in out.getvalue()
    assert RecheckTask.objects.count() == 1
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("schedule_rechecks", "--on", "明天")


def test_the_task_walked_through_the_pages_takes_effect_from_next_month(client, due):
    w, case, task = due
    client.force_login(w.huang)
    listing = client.get(reverse("assistance:rechecks"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "陈大明" in text and w.dad.masked_id in text and w.dad.id_number not in text
    assert task_url(task) in text

    assert client.get(task_url(task)).status_code == 200
    before = state()
    preview = client.post(task_url(task), found(w, do="preview"))
    assert preview.status_code == 200, preview.content.decode()[:2000]
    assert preview.context["outcome"]["kind"] == CaseChange.Kind.DECREASE
    assert (preview.context["outcome"]["old_total"], preview.context["outcome"]["new_total"]) == (
        Decimal("2100.00"), Decimal("1500.00"))                     # (900 − 200) × 3 → (900 − 400) × 3
    assert "减发" in preview.content.decode() and "1500.00" in preview.content.decode()
    assert state() == before, "a preview writes nothing"

    decided = client.post(task_url(task), found(w, do="decide"))
    assert decided.status_code == 302 and decided.url == case_url(case)
    change = CaseChange.objects.get()
    assert (change.kind, change.from_month, change.recheck) == (CaseChange.Kind.DECREASE, NEXT_MONTH, task)
    assert rechecks.monthly_total(case, THIS_MONTH) == Decimal("2100.00"), "this month keeps its amount"
    assert rechecks.monthly_total(case, NEXT_MONTH) == Decimal("1500.00")
    task.refresh_from_db()
    assert (task.status, task.outcome, task.note) == ("done", "decrease", "入户复核：陈大明已在镇上工厂务工")

    page = client.get(case_url(case))
    assert page.status_code == 200
    history = {r["month"]: r for r in page.context["history"]}
    assert history[NEXT_MONTH]["total"] == Decimal("1500.00")
    assert history[NEXT_MONTH]["change"].kind == CaseChange.Kind.DECREASE
    assert history[THIS_MONTH]["total"] == Decimal("2100.00") and history[THIS_MONTH]["change"] is None
    assert history[case.start_month]["total"] == Decimal("2100.00")
    assert "减发" in page.content.decode()

    again = client.post(task_url(task), found(w, do="decide"))
    assert again.status_code == 409 and "已办结" in again.content.decode()
    assert CaseChange.objects.count() == 1


def test_the_exit_form_stops_payment_and_keeps_the_history(client, due):
    w, case, _task = due
    client.force_login(w.huang)
    stop = month_plus(NEXT_MONTH, 1)
    before = state()
    bad = client.post(reverse("assistance:case_exit", args=[case.pk]), {"from_month": "2026-13", "reason": "迁出"})
    assert bad.status_code == 400 and "月份格式应为YYYY-MM" in bad.content.decode()
    blank = client.post(reverse("assistance:case_exit", args=[case.pk]), {"from_month": f"{stop:%Y-%m}",
                                                                          "reason": "  "})
    assert blank.status_code == 400
    early = client.post(reverse("assistance:case_exit", args=[case.pk]),
                        {"from_month": f"{month_plus(case.start_month, -1):%Y-%m}", "reason": "全家迁出"})
    assert early.status_code == 400 and "早于开始享受的月份" in early.content.decode()
    assert state() == before

    done = client.post(reverse("assistance:case_exit", args=[case.pk]), {"from_month": f"{stop:%Y-%m}",
                                                                         "reason": "全家迁往外地居住"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.end_month) == (Case.Status.EXITED, NEXT_MONTH)
    assert rechecks.monthly_total(case, NEXT_MONTH) == Decimal("2100.00")
    assert rechecks.monthly_total(case, stop) == Decimal("0.00")
    history = client.get(case_url(case)).context["history"]
    assert (history[0]["month"], history[0]["total"], history[0]["change"].kind) == (stop, Decimal("0.00"), "stop")
    assert history[-1]["month"] == case.start_month and history[-1]["total"] == Decimal("2100.00")
    assert "办理退出" not in client.get(case_url(case)).content.decode(), "no exit form once exited"


def test_another_area_gets_not_found_and_nothing_is_written(client, due):
    w, case, task = due
    client.force_login(w.liang)  # 郁南县
    assert "陈大明" not in client.get(reverse("assistance:rechecks")).content.decode()
    before = state()
    assert client.get(task_url(task)).status_code == 404
    assert client.post(task_url(task), found(w, do="decide")).status_code == 404
    assert client.get(case_url(case)).status_code == 404
    assert client.post(reverse("assistance:case_exit", args=[case.pk]),
                       {"from_month": f"{NEXT_MONTH:%Y-%m}", "reason": "全家迁往外地"}).status_code == 404
    api = "/api/assistance"
    assert client.get(f"{api}/rechecks").json()["count"] == 0
    assert client.get(f"{api}/rechecks/{task.pk}").status_code == 404
    assert client.post(f"{api}/rechecks/{task.pk}/preview", {"urban_rural": "urban"},
                       content_type="application/json").status_code == 404
    assert client.post(f"{api}/rechecks/{task.pk}/complete", {"urban_rural": "urban"},
                       content_type="application/json").status_code == 404
    assert client.get(f"{api}/cases/{case.pk}").status_code == 404
    assert client.post(f"{api}/cases/{case.pk}/exit", {"from_month": f"{NEXT_MONTH:%Y-%m}", "reason": "迁出外地"},
                       content_type="application/json").status_code == 404
    assert state() == before


@pytest.mark.parametrize("who", ["chen", "li", "wu"])
def test_roles_that_may_not_decide_are_refused_and_nothing_is_written(client, due, who):
    w, case, task = due
    client.force_login(w[who])  # 村 worker, 镇街 officer, auditor: may look, may not decide
    assert client.get(task_url(task)).status_code == 200
    assert client.get(case_url(case)).status_code == 200
    assert "作出复核决定" not in client.get(task_url(task)).content.decode()
    before = state()
    assert client.post(task_url(task), found(w, do="decide")).status_code == 403
    assert client.post(task_url(task), found(w, do="preview")).status_code == 403
    assert client.post(reverse("assistance:case_exit", args=[case.pk]),
                       {"from_month": f"{NEXT_MONTH:%Y-%m}", "reason": "全家迁往外地"}).status_code == 403
    api = "/api/assistance"
    body = {"urban_rural": "urban", "incomes": {str(w.dad.pk): "900"}}
    assert client.post(f"{api}/rechecks/{task.pk}/complete", body,
                       content_type="application/json").status_code == 403
    assert client.post(f"{api}/cases/{case.pk}/exit", {"from_month": f"{NEXT_MONTH:%Y-%m}", "reason": "迁出外地"},
                       content_type="application/json").status_code == 403
    assert state() == before


def test_the_api_previews_decides_and_shows_the_case(client, due):
    w, case, task = due
    client.force_login(w.huang)
    api = "/api/assistance"
    items = client.get(f"{api}/rechecks").json()["items"]
    assert [(i["id"], i["head_name"], i["head_id_masked"]) for i in items] == [(task.pk, "陈大明", w.dad.masked_id)]
    body = {"urban_rural": "urban", "incomes": {str(w.dad.pk): "900", str(w.mum.pk): "300"}, "assets": "0",
            "note": "复核：陈大明务工"}
    before = state()
    preview = client.post(f"{api}/rechecks/{task.pk}/preview", body, content_type="application/json")
    assert preview.status_code == 200, preview.content
    p = preview.json()
    assert (p["change"], p["old_total"], p["new_total"], p["from_month"]) == (
        "decrease", "2100.00", "1500.00", NEXT_MONTH.isoformat())
    assert state() == before
    bad = client.post(f"{api}/rechecks/{task.pk}/complete", {**body, "incomes": {str(w.dad.pk): "-5"}},
                      content_type="application/json")
    assert bad.status_code == 400 and "不能为负数" in bad.json()["message"]
    assert state() == before
    done = client.post(f"{api}/rechecks/{task.pk}/complete", body, content_type="application/json")
    assert done.status_code == 200 and done.json()["kind"] == "decrease"
    got = client.get(f"{api}/cases/{case.pk}").json()
    months = {m["month"]: m for m in got["months"]}
    assert months[NEXT_MONTH.isoformat()]["total"] == "1500.00"
    assert months[THIS_MONTH.isoformat()]["total"] == "2100.00"
    assert got["changes"][0]["kind"] == "decrease" and got["open_recheck_id"] is None
    wrong = client.post(f"{api}/cases/{case.pk}/exit", {"from_month": "下个月", "reason": "迁出外地"},
                        content_type="application/json")
    assert wrong.status_code == 400 and "YYYY-MM" in wrong.json()["message"]
    stop = month_plus(NEXT_MONTH, 1)
    out = client.post(f"{api}/cases/{case.pk}/exit", {"from_month": f"{stop:%Y-%m}", "reason": "全家迁往外地"},
                      content_type="application/json")
    assert out.status_code == 200 and out.json()["status"] == "exited"


# --- 低保调标测算 ----------------------------------------------------------------------------------

ON = dt.date(2026, 6, 1)
_numbers = itertools.count(1)


def report(w, household, *, pci, members, assets="0"):
    """A stored 核对 result (what verification_run would have written)."""
    return VerificationReport.objects.create(
        number=f"HD-P-{next(_numbers)}", household=household, area=household.area, on=ON, urban_rural="urban",
        member_count=members, household_income=Decimal(pci) * members, rigid_deduction=0, per_capita_income=pci,
        standard=900, standard_explanation="", money_assets=assets, conclusion="meets", conclusion_text="",
        rule_version="t", members=[], lines=[], assets={}, batches=[], created_by=w.huang)


@pytest.fixture
def surveyed(world):
    w = world
    for name, pci, n in [("陈阿大", "200", 3), ("林阿二", "950", 2), ("黄阿三", "1200", 4)]:
        household, _ = make_family(w, name)
        report(w, household, pci=pci, members=n)
    far, _ = make_family(w, "梁阿五", village=w.ducheng_village)
    report(w, far, pci="100", members=5)  # 郁南县: not 江海区's question
    return w


def test_the_what_if_page_shows_the_figures(client, surveyed):
    w = surveyed
    client.force_login(w.huang)
    blank = client.get(reverse("assistance:what_if"))
    assert blank.status_code == 200 and blank.context["result"] is None
    before = AuditEntry.objects.count()
    got = client.get(reverse("assistance:what_if"), {"area": "440704", "urban_rural": "urban",
                                                    "new_standard": "1000", "on": ON.isoformat()})
    assert got.status_code == 200
    r = got.context["result"]
    assert (r.households, r.eligible_now, r.eligible_then, r.newly_eligible) == (3, 1, 2, 1)
    assert (r.monthly_cost_now, r.monthly_cost_then, r.extra_monthly_cost) == (
        Decimal("2100.00"), Decimal("2500.00"), Decimal("400.00"))  # (1000 − 200) × 3 + (1000 − 950) × 2
    text = got.content.decode()
    assert "400.00 元" in text and "2500.00 元" in text and r.explanation in text
    assert AuditEntry.objects.count() == before, "nothing written"

    city = user_create(actor=None, username="jiangmen", password="Minzheng#2026", display_name="江门市民政局",
                       role=Role.CITY, areas=[area("440700")])
    client.force_login(city)
    same = client.get(reverse("assistance:what_if"), {"area": "440704", "urban_rural": "urban",
                                                     "new_standard": "1000", "on": ON.isoformat()})
    assert same.status_code == 200 and same.context["result"].newly_eligible == 1


def test_the_what_if_page_refuses_bad_input_other_areas_and_other_roles(client, surveyed):
    w = surveyed
    client.force_login(w.huang)
    bad = client.get(reverse("assistance:what_if"), {"area": "440704", "urban_rural": "urban",
                                                    "new_standard": "九百"})
    assert bad.status_code == 400 and "不是有效数字" in bad.content.decode()
    other = client.get(reverse("assistance:what_if"), {"area": "445322", "urban_rural": "urban",
                                                      "new_standard": "1000"})
    assert other.status_code == 400 and other.context["result"] is None, "郁南县 is not among the choices"
    for who in ("li", "chen", "he"):
        client.force_login(w[who])
        assert client.get(reverse("assistance:what_if")).status_code == 403
        assert client.get("/api/assistance/what-if/dibao",
                          {"area": "440704", "new_standard": "1000"}).status_code == 403
