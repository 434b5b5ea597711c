"""Reads of the 大救助 workflow. Staff reads pass through core.scope; the public 公示 notice shows only the
masked fields fixed when the notice started; a resident sees only the applications they filed themselves."""

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.errors import NotFound
from minzheng.core.periods import month_plus, next_month_start
from minzheng.core.scope import scoped
from minzheng.registry.models import Membership, Person

from .models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    ApplicationStep,
    Attachment,
    Case,
    Entitlement,
    Publicity,
    RecheckTask,
)
from .programmes.common import SELF_CARE

S = ApplicationStatus


def applications_for(user: User) -> QuerySet:
    return scoped(Application.objects.all(), user, area_field="area", capability=Cap.ASSIST_VIEW)


def application_get(user: User, pk: int) -> Application:
    app = (applications_for(user).select_related("area", "applicant", "household", "household__head")
           .filter(pk=pk).first())
    if app is None:
        audit.access_denied(actor=user, object_type="application", requested=pk)
        raise NotFound("救助申请不存在或不在您的管辖范围内")
    return app


def application_for_verification(user: User, pk: int) -> Application | None:
    """The application a 核对 report is run for: one in the user's areas, read with the 核对 right (a town
    verifier need not hold the assistance rights). None when out of scope or absent."""
    return scoped(Application.objects.all(), user, area_field="area", capability=Cap.VERIFY_VIEW).filter(pk=pk).first()


def application_list(user: User, *, status: str | None = None, programme: str | None = None,
                     area: Area | None = None) -> QuerySet:
    qs = applications_for(user).select_related("area", "applicant")
    if status:
        qs = qs.filter(status=status)
    if programme:
        qs = qs.filter(programme=programme)
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    return qs.order_by("-created_at", "-id")


def overdue(user: User, *, today: dt.date | None = None) -> QuerySet:
    """Open applications whose current step is past its time limit (step_due counted in working days)."""
    today = today or timezone.localdate()
    return (applications_for(user).filter(status__in=OPEN_STATUSES, step_due__lt=today)
            .select_related("area", "applicant").order_by("step_due", "id"))


def paid_first_pending(user: User) -> QuerySet:
    """先救助后说明 not yet completed: flagged until application_complete_file."""
    return (applications_for(user).filter(paid_first=True, file_completed_at__isnull=True)
            .select_related("area", "applicant", "pay_first").order_by("pay_first__complete_by", "id"))


def application_steps(app: Application) -> QuerySet[ApplicationStep]:
    return app.steps.order_by("at", "id")


def application_attachments(app: Application) -> QuerySet[Attachment]:
    return app.attachments.order_by("uploaded_at", "id")


def attachment_get(user: User, application_pk: int, attachment_pk: int) -> Attachment:
    app = application_get(user, application_pk)
    att = Attachment.objects.filter(application=app, pk=attachment_pk).first()
    if att is None:
        raise NotFound("材料不存在")
    return att


def my_applications(user: User) -> QuerySet:
    """A resident's own online applications (status only)."""
    if not user.can(Cap.ASSIST_APPLY_ONLINE):
        return Application.objects.none()
    return Application.objects.filter(created_by=user, channel=Application.Channel.ONLINE).order_by("-created_at")


# --- public 公示 -----------------------------------------------------------------------------------

PUBLIC_FIELDS = ("id", "programme_label", "masked_name", "masked_id", "household_size", "start_date", "end_date",
                 "area__name", "area__code")


def public_notices(*, area: Area | None = None, today: dt.date | None = None) -> list[dict]:
    """The notices on show today: no login, and only the masked name (张*明), masked 身份证号 and the village."""
    today = today or timezone.localdate()
    qs = Publicity.objects.filter(status=Publicity.Status.OPEN, start_date__lte=today, end_date__gte=today)
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    return list(qs.order_by("area__code", "start_date", "id").values(*PUBLIC_FIELDS))


def public_notice_get(pk: int, *, today: dt.date | None = None) -> Publicity:
    today = today or timezone.localdate()
    pub = (Publicity.objects.filter(pk=pk, status=Publicity.Status.OPEN, start_date__lte=today, end_date__gte=today)
           .select_related("application", "application__area").first())
    if pub is None:
        raise NotFound("公示不存在或已结束")
    return pub


# --- 复核 and enrolled cases -------------------------------------------------------------------------

def cases_for(user: User) -> QuerySet:

    return scoped(Case.objects.all(), user, area_field="area", capability=Cap.ASSIST_VIEW)


def case_get(user: User, pk: int) -> Case:
    case = cases_for(user).select_related("area", "head", "household", "application").filter(pk=pk).first()
    if case is None:
        audit.access_denied(actor=user, object_type="case", requested=pk)
        raise NotFound("救助对象不存在或不在您的管辖范围内")
    return case


def recheck_tasks(user: User, *, status: str | None = "open") -> QuerySet:
    """复核 tasks of the cases in the user's areas, the earliest due first."""

    qs = scoped(RecheckTask.objects.all(), user, area_field="case__area", capability=Cap.ASSIST_VIEW)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("case", "case__head", "case__area", "case__household").order_by("due_date", "id")


def recheck_task_get(user: User, pk: int) -> RecheckTask:
    task = recheck_tasks(user, status=None).filter(pk=pk).first()
    if task is None:
        raise NotFound("复核任务不存在或不在您的管辖范围内")
    return task


def tekun_care_tiers(person_ids: Iterable[int]) -> dict[int, str]:
    """person id → self-care code of the 特困 照料护理 tier their latest care amount was granted at.

    The tier is named in the amount's explanation (programmes/tekun.py writes "照料护理（半自理）")."""
    by_label = {label: code for code, label in SELF_CARE.items()}
    out: dict[int, str] = {}
    for pid, text in (Entitlement.objects.filter(person_id__in=person_ids, case__programme="tekun", component="care")
                      .order_by("from_month", "id").values_list("person_id", "explanation")):
        m = re.search(r"照料护理（(.+?)）", text)
        if m and m.group(1) in by_label:
            out[pid] = by_label[m.group(1)]
    return out


def available_actions(user: User, app: Application) -> dict[str, bool]:
    """Which actions this user's role may take at the application's current step."""
    st, open_ = app.status, app.status in OPEN_STATUSES
    can = user.can
    return {
        "attach": open_ and can(Cap.ASSIST_APPLY),
        "accept": st == S.SUBMITTED and can(Cap.ASSIST_ACCEPT),
        "start_verification": st == S.ACCEPTED and can(Cap.ASSIST_ACCEPT),
        "record_verification": st == S.VERIFYING and can(Cap.ASSIST_ACCEPT),
        "investigate": (st == S.INVESTIGATING and can(Cap.ASSIST_ACCEPT))
        or (st == S.REVIEWING and can(Cap.ASSIST_REVIEW)),
        "submit_review": st == S.INVESTIGATING and can(Cap.ASSIST_ACCEPT),
        "review": st == S.REVIEWING and can(Cap.ASSIST_REVIEW),
        "close_publicity": st == S.PUBLICIZING and can(Cap.ASSIST_REVIEW),
        "objection": st == S.PUBLICIZING and can(Cap.ASSIST_OBJECTION),
        "approve": st == S.APPROVING and can(Cap.ASSIST_APPROVE),
        "refuse": st in (S.REVIEWING, S.APPROVING) and can(Cap.ASSIST_APPROVE),
        "pay_first": open_ and app.variant == "emergency" and not app.paid_first and can(Cap.ASSIST_ACCEPT),
        "complete_file": app.paid_first and app.file_completed_at is None and can(Cap.ASSIST_ACCEPT),
    }


def case_members(case: Case) -> list[Person]:
    if case.household_id is None:
        return [case.head]
    return [m.person for m in Membership.objects.filter(household=case.household, end_date__isnull=True)
            .select_related("person").order_by("id")]


MAX_HISTORY_MONTHS = 60


def case_history(case: Case, *, today: dt.date | None = None) -> list[dict]:
    """The monthly total paid for each month of the case, latest first, with the change that starts in it.
    Runs from the first month to the last month paid (or the later of next month and the last change)."""
    today = today or timezone.localdate()
    ents = list(case.entitlements.all())
    changes = {c.from_month: c for c in case.changes.order_by("id")}
    if case.end_month:
        last = case.end_month
    else:
        last = max([next_month_start(today), *changes, *(e.from_month for e in ents)], default=case.start_month)
    rows, month = [], case.start_month
    while month <= last:
        total = sum((e.monthly_amount for e in ents if e.from_month <= month and (e.to_month is None
                                                                                   or e.to_month > month)),
                    Decimal("0.00"))
        rows.append({"month": month, "total": total, "change": changes.get(month)})
        month = month_plus(month, 1)
    if case.end_month and (stop := changes.get(month_plus(case.end_month, 1))):
        rows.append({"month": stop.from_month, "total": Decimal("0.00"), "change": stop})
    return rows[::-1][:MAX_HISTORY_MONTHS]


# --- enrolments, for the domains above (eldercare derives 特困/低保 categories from them) -------------------

def enrolled_exists(programme: str, month: dt.date, *, person_ref: str = "pk") -> Exists:
    """An Exists over Person (`person_ref` names the outer person key): enrolled in `programme` with an
    entitlement in force in the month starting on `month`."""
    return Exists(Entitlement.objects.filter(person=OuterRef(person_ref), case__programme=programme,
                                             from_month__lte=month)
                  .filter(Q(to_month__isnull=True) | Q(to_month__gt=month)))


def enrolment_entitlements(person: Person, programme: str) -> QuerySet[Entitlement]:
    """A person's entitlements under `programme`, by case (the periods of the enrolment)."""
    return Entitlement.objects.filter(person=person, case__programme=programme).order_by("case_id")
