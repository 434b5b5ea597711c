"""`setup_demo` leaves a living 大救助 bureau behind: applications at every step in the five jurisdictions, done
by the demo staff of the right level, enrolled cases whose amounts are the programmes' own assessment, and a
released roster for last month — and running it again adds nothing."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Role
from minzheng.assistance import selectors
from minzheng.assistance.facts import build_facts
from minzheng.assistance.letters import refusal_letter_pdf
from minzheng.assistance.models import Application, ApplicationStep, Case, Entitlement, PayFirst, Publicity
from minzheng.assistance.programmes.base import get_programme
from minzheng.assistance.programmes.common import SELF_CARE
from minzheng.core.audit import verify_chain
from minzheng.core.models import AuditEntry
from minzheng.core.pdf import pdf_text
from minzheng.demo.assistance import STAFF
from minzheng.payroll.models import Roster
from minzheng.verification.models import DepartmentBatch, VerificationReport
from minzheng.verification.services import household_income_summary

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.clock]

SELF_CARE_BY_LABEL = {label: code for code, label in SELF_CARE.items()}


def _counts():
    return {model.__name__: model.objects.count() for model in (Application, ApplicationStep, Case, Entitlement,
                                                                Publicity, Roster, DepartmentBatch,
                                                                VerificationReport, AuditEntry, User)}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One small demo for the whole module (the seeding walks some 50 applications through the services)."""
    with django_db_blocker.unblock():
        call_command("setup_demo", persons=400, villages_per_town=3, quiet_table=True, stdout=_Sink())
        first = _counts()
        call_command("setup_demo", persons=400, villages_per_town=3, quiet_table=True, stdout=_Sink())
        yield {"first": first, "second": _counts()}
        call_command("flush", interactive=False, verbosity=0)


class _Sink:
    def __init__(self):
        self.text = []

    def write(self, s, *a, **k):
        self.text.append(s)

    def flush(self):
        pass


def test_a_second_run_adds_nothing(demo):
    assert demo["first"]["Application"] >= 40
    assert demo["second"] == demo["first"]


def test_every_jurisdiction_has_applications_at_several_steps(demo):
    for code, staff in STAFF.items():
        county = User.objects.get(username=staff["county"])
        statuses = set(selectors.application_list(county).values_list("status", flat=True))
        assert {"submitted", "accepted", "investigating", "reviewing", "publicizing", "approved",
                "refused"} <= statuses, (code, statuses)
        assert selectors.overdue(county).exists(), code               # one waits past its 受理 time limit
        flagged = list(selectors.paid_first_pending(county))           # 急难型: paid first, file not complete
        assert len(flagged) == 1 and flagged[0].variant == "emergency" and flagged[0].pay_first.amount > 0


def test_the_staff_of_each_level_did_their_own_steps(demo):
    lile_village = User.objects.get(username="jh_village")            # 陈小玲, 礼乐街道东村
    mine = selectors.application_list(lile_village)
    assert mine.exists()
    assert ApplicationStep.objects.filter(application__in=mine, to_status="submitted", actor=lile_village).exists()
    for step in ApplicationStep.objects.filter(to_status="accepted").select_related("actor"):
        assert step.actor.role in (Role.TOWN, Role.COUNTY)
    for step in ApplicationStep.objects.filter(to_status__in=["publicizing", "approved", "refused"]) \
            .select_related("actor"):
        assert step.actor.role == Role.COUNTY
    huang = User.objects.get(username="jh_county")
    assert ApplicationStep.objects.filter(actor=huang, to_status="approved").exists()


def test_the_public_notice_page_shows_masked_households_on_publicity(demo):
    notices = selectors.public_notices()
    assert len(notices) >= 5  # one per jurisdiction, on show today
    for n in notices:
        assert "*" in n["masked_name"] and "*" in n["masked_id"]
        assert n["start_date"] <= timezone.localdate() <= n["end_date"]


def _facts_for(case: Case):
    """The household's facts as 核对 found them, rebuilt independently of what the approval stored."""
    app = case.application
    report = VerificationReport.objects.filter(application=app).order_by("-id").first()
    summary = household_income_summary(app.household, report.on)
    entitlements = list(case.entitlements.all())
    self_care, extra = {}, {}
    if app.programme == "tekun":
        for e in entitlements:
            if e.component == "care":
                label = re.search(r"照料护理（(.+?)）", e.explanation).group(1)
                self_care[e.person_id] = SELF_CARE_BY_LABEL[label]
        extra["no_capable_supporter"] = list(self_care)
    return build_facts(user=None, household=app.household, on=case.start_month, urban_rural=case.urban_rural,
                       incomes=summary.member_incomes, assets=summary.assets,
                       rigid_expenses=summary.rigid_expenses, self_care=self_care, variant=app.variant, extra=extra)


def _approved_cases():
    """Cases an approval opened (a 先救助 advance opens a one-month case of its own, before any approval)."""
    return Case.objects.exclude(pk__in=PayFirst.objects.filter(case__isnull=False).values("case"))


def test_approved_cases_are_paid_what_the_programme_assesses(demo):
    cases = list(_approved_cases().select_related("application", "application__household"))
    assert {c.programme for c in cases} >= {"dibao", "tekun", "disability", "temporary"}
    for case in cases:
        decision = get_programme(case.programme).assess(_facts_for(case))
        assert decision.eligible, (case.application.number, decision.reasons)
        stored = {(e.person_id, e.component): e.monthly_amount for e in case.entitlements.all()}
        assessed = {(a.person_id, a.component): a.monthly_amount for a in decision.amounts}
        assert stored == assessed, case.application.number
        assert all(e.rule_version.startswith(f"{case.programme}:") and e.explanation
                   for e in case.entitlements.all())


def test_last_months_rosters_are_released_with_every_amount_in_force(demo):
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    rosters = list(Roster.objects.filter(month=last_month))
    assert rosters and all(r.status == Roster.Status.RELEASED for r in rosters)
    for r in rosters:
        due = sum(e.monthly_amount for e in Entitlement.objects.filter(
            case__programme=r.programme, case__area__path__startswith=r.area.path, from_month__lte=last_month)
            .exclude(to_month__lte=last_month))
        withheld = sum(line.amount for line in r.lines.filter(status="withheld"))
        assert r.total_amount == due - withheld, str(r)


def test_the_refused_household_gets_a_letter_with_the_reason(demo):
    app = Application.objects.filter(status="refused", area__path__startswith=User.objects.get(
        username="jh_county").area_assignments.get().area.path).get()
    assert "不低于当地低保标准" in app.decision_reason
    text = pdf_text(refusal_letter_pdf(app))
    assert "不予批准" in text and app.number in text


def test_the_audit_chain_holds(demo):
    checked, broken, reason = verify_chain()
    assert broken is None, reason
    assert checked == AuditEntry.objects.count()
    assert AuditEntry.objects.filter(action="application.approve").count() == _approved_cases().count()
    advances = PayFirst.objects.filter(case__isnull=False).count()
    assert advances and AuditEntry.objects.filter(action="application.pay_first").count() == advances
