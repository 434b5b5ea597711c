"""Reads for the resident portal. A resident sees only their own household's records: every read starts from
their PortalAccount, and an application, notice or file outside it answers exactly like an absent id (404,
with the 安全审计 entry every denied access gets)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Role
from minzheng.areas.models import Area, Level
from minzheng.assistance.models import Application, ApplicationStatus, ApplicationStep, Attachment, Case, Publicity
from minzheng.core import audit
from minzheng.core.errors import Forbidden, NotFound
from minzheng.core.periods import age_on
from minzheng.marriage.models import Appointment
from minzheng.registry.models import Household, Membership, Person

from .models import PortalAccount
from .rules import param

S = ApplicationStatus
NOT_RESIDENT = "居民掌上办仅供居民使用，请用手机号码和验证码登录"


def account_for(user: User) -> PortalAccount:
    """The portal account of a logged-in resident; anyone else is refused (the same answer for every id)."""
    if getattr(user, "role", None) != Role.RESIDENT or not user.is_active:
        raise Forbidden(NOT_RESIDENT)
    account = PortalAccount.objects.select_related("person", "person__residence_area").filter(user=user).first()
    if account is None:
        raise Forbidden(NOT_RESIDENT)
    return account


def household_of(person: Person) -> Household | None:
    m = Membership.objects.filter(person=person, end_date__isnull=True).select_related("household").first()
    return m.household if m else None


def adults_of(person: Person, on: dt.date) -> list[Person]:
    """The living adult members of the person's household (the person alone if they have none); the applicant
    first. Each of them signs the 核对 授权书."""
    household = household_of(person)
    if household is None:
        members = [person]
    else:
        members = [m.person for m in Membership.objects.filter(household=household, end_date__isnull=True)
                   .select_related("person").order_by("id")]
    adult = param("adult_age", on)
    out = [p for p in members if p.death_date is None and age_on(p.birth_date, on) >= adult]
    return sorted(out, key=lambda p: p.pk != person.pk)


def applications_for(user: User) -> QuerySet[Application]:
    account = account_for(user)
    household = household_of(account.person)
    q = Q(applicant=account.person)
    if household is not None:
        q |= Q(household=household)
    return Application.objects.filter(q).select_related("area", "applicant").order_by("-created_at", "-id")


def application_get(user: User, pk: int) -> Application:
    app = applications_for(user).filter(pk=pk).first()
    if app is None:
        audit.access_denied(actor=user, object_type="application", requested=pk)
        raise NotFound("申请不存在")
    return app


def attachments(app: Application) -> QuerySet[Attachment]:
    return app.attachments.order_by("uploaded_at", "id")


@dataclass(frozen=True)
class Stage:
    label: str
    state: str  # "done", "current", "waiting", "stopped"
    on: dt.date | None
    note: str = ""


# The steps a resident follows, and the statuses that mean each has been reached (first time entered).
STAGES = (
    ("受理", (S.ACCEPTED,)),
    ("核对", (S.VERIFYING,)),
    ("入户调查", (S.INVESTIGATING,)),
    ("审核", (S.REVIEWING,)),
    ("公示", (S.PUBLICIZING,)),
    ("审批", (S.APPROVED, S.REFUSED)),
)
ORDER: list[str] = [S.SUBMITTED, S.ACCEPTED, S.VERIFYING, S.INVESTIGATING, S.REVIEWING, S.PUBLICIZING, S.APPROVING,
         S.APPROVED]


def _day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def timeline(app: Application) -> list[Stage]:
    """受理 → 核对 → 入户调查 → 审核 → 公示 → 审批 → 发放, each with the date it was reached."""
    steps = list(ApplicationStep.objects.filter(application=app).order_by("at", "id"))
    reached: dict[str, dt.date] = {}
    for s in steps:
        reached.setdefault(s.to_status, _day(s.at))
    # The step under way: the first one whose statuses come after the application's current position.
    pos = ORDER.index(app.status) if app.status in ORDER else -1
    out: list[Stage] = []
    current_given = False
    for label, statuses in STAGES:
        on = next((reached[s] for s in statuses if s in reached), None)
        if label == "审批" and app.status == S.REFUSED:
            out.append(Stage(label, "stopped", reached.get(S.REFUSED), "不予批准"))
            continue
        index = ORDER.index(statuses[0]) if statuses[0] in ORDER else len(ORDER)
        if on is not None and (pos >= index or app.status in (S.APPROVED, S.REFUSED)):
            out.append(Stage(label, "done", on))
        elif not current_given and app.status not in (S.REFUSED, S.WITHDRAWN):
            current_given = True
            out.append(Stage(label, "current", None))
        else:
            out.append(Stage(label, "waiting", None))
    case = Case.objects.filter(application=app).order_by("id").first()
    if case is not None:
        start = case.start_month
        out.append(Stage("发放", "done", start, f"自{start.year}年{start.month}月起发放"))
    else:
        out.append(Stage("发放", "waiting" if app.status != S.REFUSED else "stopped", None))
    return out


@dataclass(frozen=True)
class Notice:
    at: dt.datetime
    title: str
    text: str
    application_id: int


def _notice(step: ApplicationStep, app: Application, label: str) -> Notice | None:
    if step.to_status == S.SUBMITTED:
        return Notice(step.at, "申请已提交", f"您的{label}申请（{app.number}）已提交，等待镇街受理。", app.pk)
    if step.to_status == S.ACCEPTED:
        return Notice(step.at, "申请已受理", f"您的{label}申请（{app.number}）已由镇街受理，将开展家庭经济状况"
                                             f"核对和入户调查。", app.pk)
    if step.to_status == S.PUBLICIZING:
        pub = app.publicities.order_by("-id").first()
        span = f"，公示期{pub.start_date.isoformat()}至{pub.end_date.isoformat()}" if pub else ""
        return Notice(step.at, "公示开始", f"您的{label}申请（{app.number}）经县级审核，已在村（居）公示{span}。",
                      app.pk)
    if step.to_status == S.INVESTIGATING and step.from_status == S.PUBLICIZING:
        return Notice(step.at, "公示期间收到异议", f"您的{label}申请（{app.number}）公示期间收到异议，将重新入户调查。",
                      app.pk)
    if step.to_status == S.APPROVED:
        return Notice(step.at, "审批结果：批准", f"您的{label}申请（{app.number}）已批准。{app.decision_reason}",
                      app.pk)
    if step.to_status == S.REFUSED:
        return Notice(step.at, "审批结果：不予批准",
                      f"您的{label}申请（{app.number}）不予批准。理由：{app.decision_reason}", app.pk)
    return None


def notices(user: User) -> list[Notice]:
    """The resident's notices, newest first: accepted, 公示 started, objection received, decision."""
    from minzheng.assistance.programmes.base import get_programme

    apps = {a.pk: a for a in applications_for(user)}
    out = []
    steps = ApplicationStep.objects.filter(application_id__in=list(apps)).order_by("-at", "-id")
    for step in steps:
        app = apps[step.application_id]
        n = _notice(step, app, get_programme(app.programme).label)
        if n is not None:
            out.append(n)
    return out


def town_of(area: Area) -> Area | None:
    return next((a for a in area.ancestors() if a.level == Level.TOWN), None)


def publicities_for(user: User) -> QuerySet[Publicity]:
    """公示 of the resident's own town (镇街): the notices they may raise an objection to."""
    account = account_for(user)
    town = town_of(account.person.residence_area)
    if town is None:
        return Publicity.objects.none()
    return Publicity.objects.filter(area__path__startswith=town.path).select_related("area")


def publicity_get(user: User, pk: int) -> Publicity:
    pub = publicities_for(user).select_related("application", "application__area").filter(pk=pk).first()
    if pub is None:
        audit.access_denied(actor=user, object_type="publicity", requested=pk)
        raise NotFound("公示不存在")
    return pub


def open_publicities(user: User, today: dt.date) -> QuerySet[Publicity]:
    return publicities_for(user).filter(status=Publicity.Status.OPEN, start_date__lte=today,
                                        end_date__gte=today).order_by("end_date", "id")


def marriage_appointments(user: User) -> QuerySet[Appointment]:
    """婚姻登记 bookings where the resident is a party (the marriage app's own booking, matched by ID number)."""
    person = account_for(user).person
    return (Appointment.objects.filter(Q(id_number_a=person.id_number) | Q(id_number_b=person.id_number))
            .select_related("office").order_by("-date", "-id"))
