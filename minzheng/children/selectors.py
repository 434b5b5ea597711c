"""Reads of 大儿童保障. Every read passes through core.scope, and child-protection records also through need-to-know.

Who sees what:
- the child registry, visits and adoption records: a user of the area whose role may see children AND who holds a
  child-welfare appointment in force (儿童主任, 儿童督导员, centre staff) — an eldercare worker of the same town
  sees nothing;
- a protection case: only its workers, the 儿童督导员 of a town it lies in and the staff of a 救助保护中心 covering
  it (all still inside their own areas). Anyone else — another town's 儿童主任, a county approver not on the case —
  gets NotFound, exactly like an id that does not exist;
- a report's reporter: only the centre.

A child's categories are derived for the date asked from their sources (data/children/categories.csv), so a child
is never entered twice and a category follows its source (an enrolment, a guardianship, a household's 低保).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Level
from minzheng.assistance.models import Entitlement
from minzheng.assistance.selectors import enrolled_exists
from minzheng.core.errors import NotFound
from minzheng.core.periods import add_workdays, born_on_or_before, month_start
from minzheng.core.scope import area_q, path_in_scope, user_area_paths
from minzheng.registry.models import Membership, Person, PersonCategory

from . import rules
from .models import (
    STATE_KINDS,
    Adoption,
    Appointment,
    Assessment,
    CaseAccess,
    CaseEvent,
    CaseWorker,
    ChildCase,
    EventKind,
    Guardian,
    Org,
    OrgKind,
    Post,
    Referral,
    Report,
    StateCare,
    Visit,
)

type Children = QuerySet[Any]  # Persons annotated with cat_<code> flags: names come from the data


# --- appointments: who is a child-welfare worker ---------------------------------------------------------------

def _in_force(on: dt.date, start: str = "start_date", end: str = "end_date") -> Q:
    return Q(**{f"{start}__lte": on}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": on}))


def in_force_q(on: dt.date) -> Q:
    """Appointments in force on `on` (for 规划监测's counts)."""
    return _in_force(on)


def appointments_of(user: User, on: dt.date) -> list[Appointment]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_mz_child_posts", None)
    if cached is None or cached[0] != on:
        posts = list(Appointment.objects.filter(_in_force(on), user=user).select_related("area"))
        cached = (on, posts)
        setattr(user, "_mz_child_posts", cached)  # noqa: B010 - a per-request cache on the user object
    return cached[1]


def is_child_worker(user: User, on: dt.date) -> bool:
    """May see children at all: the role's right and an appointment in force."""
    return user.can(Cap.CHILD_VIEW) and bool(appointments_of(user, on))


def _post_paths(user: User, on: dt.date, *posts: str) -> list[str]:
    return [a.area.path for a in appointments_of(user, on) if a.post in posts and path_in_scope(user, a.area.path)]


def is_centre(user: User, area: Area, on: dt.date) -> bool:
    """Staff of a 救助保护中心 covering `area`: the only ones who see a reporter."""
    return any(area.path.startswith(p) for p in _post_paths(user, on, Post.CENTRE))


# --- categories --------------------------------------------------------------------------------------------

def _current(on: dt.date, start: str = "valid_from", end: str = "valid_to") -> Q:
    return Q(**{f"{start}__lte": on}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": on}))


def _registry(code: str, on: dt.date) -> Exists:
    return Exists(PersonCategory.objects.filter(_current(on), person=OuterRef("pk"), category=code))


def _enrolled(programme: str, on: dt.date) -> Q:
    return Q(_registry(programme, on)) | Q(enrolled_exists(programme, month_start(on)))


def _state_guardian(on: dt.date, kinds: Iterable[str]) -> Exists:
    return Exists(Guardian.objects.filter(_current(on), child=OuterRef("pk"), kind__in=list(kinds)))


def _household_poor(codes: list[str], on: dt.date) -> Exists:
    current = Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gt=on))
    poor = Membership.objects.filter(current, household_id=OuterRef("household_id")).filter(Exists(
        PersonCategory.objects.filter(_current(on), person_id=OuterRef("person_id"), category__in=codes)))
    return Exists(Membership.objects.filter(current, person_id=OuterRef("pk")).filter(Exists(poor)))


def _condition(rule: rules.CategoryRule, on: dt.date, done: dict[str, Q]) -> Q:
    if rule.source == "registry":
        cond = Q(_registry(rule.param, on))
    elif rule.source == "enrolment":
        cond = _enrolled(rule.param, on)
    elif rule.source == "orphan_placement":
        institutional = Q(_state_guardian(on, [STATE_KINDS[1]]))
        cond = _enrolled("orphan", on) & (institutional if rule.param == "institutional" else ~institutional)
    elif rule.source == "household_poor":
        cond = Q(_household_poor(rule.params, on))
    elif rule.source == "self":
        cond = Q(disability_grade__isnull=False, disability_grade__lte=int(rule.param)) | Q(
            child_file__serious_illness=True)
    elif rule.source == "guardianship":
        cond = Q(_state_guardian(on, rule.params)) | Q(child_file__guardianship_improper=True)
    elif rule.source == "any_of":
        cond = Q(pk__in=[])
        for code in rule.params:
            cond |= done[code]
    else:  # pragma: no cover - rules.categories() refuses unknown sources
        raise ValueError(rule.source)
    return cond & Q(birth_date__gt=born_on_or_before(on, rule.max_age))


def category_conditions(on: dt.date) -> dict[str, Q]:
    done: dict[str, Q] = {}
    for rule in rules.categories_on(on):
        done[rule.code] = _condition(rule, on, done)
    return done


def annotate_categories(qs: QuerySet[Person], on: dt.date) -> Children:
    flags = {f"cat_{code}": ExpressionWrapper(cond, output_field=BooleanField())
             for code, cond in category_conditions(on).items()}
    return qs.annotate(**flags)


def current_categories(person: Any, on: dt.date) -> list[rules.CategoryRule]:
    """The categories of an annotated person (or, unannotated, computed for that one person)."""
    if not hasattr(person, "cat_" + rules.categories()[0].code):
        person = annotate_categories(Person.objects.filter(pk=person.pk), on).get()
    return [r for r in rules.categories_on(on) if getattr(person, f"cat_{r.code}", False)]


def children_base(on: dt.date) -> QuerySet[Person]:
    """Everyone under the age of majority and alive on `on` (unscoped: callers scope it)."""
    return Person.objects.filter(birth_date__gt=born_on_or_before(on, rules.child_age_limit()), birth_date__lte=on
                                 ).filter(Q(death_date__isnull=True) | Q(death_date__gt=on))


def children_for(user: User, *, on: dt.date) -> QuerySet[Person]:
    if not is_child_worker(user, on):
        return Person.objects.none()
    return children_base(on).filter(area_q(user, "residence_area"))


def child_search(user: User, *, on: dt.date, query: str = "", area: Area | None = None, category: str = ""
                 ) -> Children:
    qs = annotate_categories(children_for(user, on=on), on)
    q = (query or "").strip()
    if q:
        qs = qs.filter(Q(name__startswith=q) | Q(id_number__startswith=q.upper()))
    if area is not None:
        qs = qs.filter(residence_area__in=Area.objects.within(area).values("id"))
    if category:
        rules.category(category)
        qs = qs.filter(**{f"cat_{category}": True})
    return qs.select_related("residence_area").order_by("residence_area__path", "name", "id")


def child_get(user: User, pk: int, *, on: dt.date) -> Person:
    person = children_for(user, on=on).select_related("residence_area", "hukou_area").filter(pk=pk).first()
    if person is None:
        raise NotFound()
    return person


def guardians_of(child: Person) -> QuerySet[Guardian]:
    return Guardian.objects.filter(child=child).select_related("person", "org").order_by("-valid_from", "id")


def allowances_of(child: Person) -> QuerySet[Entitlement]:
    """The 孤儿 / 事实无人抚养儿童 基本生活费 paid to the child (大救助's entitlements, by period)."""
    return Entitlement.objects.filter(person=child, case__programme__in=("orphan", "de_facto_unsupported")
                                      ).select_related("case").order_by("-from_month")


# --- visits ------------------------------------------------------------------------------------------------

def _interval_cutoff(on: dt.date) -> Case:
    """The date since which a child must have been visited: the shortest interval of the child's categories."""
    with_interval = sorted((r for r in rules.categories_on(on) if r.visit_interval_days),
                           key=lambda r: r.visit_interval_days or 0)
    return Case(*[When(**{f"cat_{r.code}": True}, then=Value(on - dt.timedelta(days=r.visit_interval_days or 0)))
                  for r in with_interval], default=None, output_field=DateField())


@contextmanager
def _without_jit() -> Iterator[None]:
    """PostgreSQL prices the per-child category subqueries high and JIT-compiles the query: over a city that is ~6 s
    of compiling for ~0.4 s of work (bench/children_bench.py). The list is an interactive read, so no JIT for it."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET LOCAL jit = off")
        yield


def _source_candidates(rule: rules.CategoryRule, on: dt.date) -> Q:
    """A cheap superset of the persons `rule` can hold for: the ids its source has a row for (no age, no
    placement), so the category flags are computed for those few rather than for every child of a county."""
    def cats(codes: list[str]) -> Q:
        return Q(pk__in=PersonCategory.objects.filter(_current(on), category__in=codes).values("person_id"))

    if rule.source == "registry":
        return cats([rule.param])
    if rule.source in ("enrolment", "orphan_placement"):
        programme = "orphan" if rule.source == "orphan_placement" else rule.param
        m = month_start(on)
        paid = Entitlement.objects.filter(case__programme=programme, from_month__lte=m).filter(
            Q(to_month__isnull=True) | Q(to_month__gt=m)).values("person_id")
        return cats([programme]) | Q(pk__in=paid)
    if rule.source == "household_poor":
        current = Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gt=on))
        poor = Membership.objects.filter(current, person_id__in=PersonCategory.objects.filter(
            _current(on), category__in=rule.params).values("person_id")).values("household_id")
        return Q(pk__in=Membership.objects.filter(current, household_id__in=poor).values("person_id"))
    if rule.source == "self":
        return Q(disability_grade__isnull=False) | Q(child_file__serious_illness=True)
    if rule.source == "guardianship":
        return Q(pk__in=Guardian.objects.filter(_current(on), kind__in=rule.params).values("child_id")) | Q(
            child_file__guardianship_improper=True)
    return Q()  # any_of: its parts are listed on their own


def visit_children(qs: QuerySet[Person], on: dt.date) -> Children:
    """Children of `qs` whose categories call for visits, with `cutoff` and `last_visit` annotated."""
    last = Visit.objects.filter(child=OuterRef("pk"), visited_on__lte=on).values("child").annotate(
        m=Max("visited_on")).values("m")
    candidates = Q(pk__in=[])
    for rule in rules.categories_on(on):
        if rule.visit_interval_days:
            candidates |= _source_candidates(rule, on)
    return annotate_categories(qs.filter(candidates), on).annotate(cutoff=_interval_cutoff(on)).filter(
        cutoff__isnull=False).annotate(last_visit=last)


@dataclass
class DueVisit:
    child: Any
    last_visit: dt.date | None
    due_on: dt.date


def visits_due(user: User, *, on: dt.date, area: Area | None = None) -> list[DueVisit]:
    """Children due a visit on `on` (never visited, or the last visit older than their interval), soonest first."""
    qs = children_for(user, on=on)
    if area is not None:
        qs = qs.filter(residence_area__in=Area.objects.within(area).values("id"))
    rows = visit_children(qs, on).filter(Q(last_visit__isnull=True) | Q(last_visit__lt=F("cutoff")))
    with _without_jit():
        out = [DueVisit(p, p.last_visit, (p.last_visit + (on - p.cutoff)) if p.last_visit else on)
               for p in rows.select_related("residence_area").order_by("residence_area__path", "name")]
    return sorted(out, key=lambda d: (d.due_on, d.child.residence_area.path, d.child.name))


def visit_rate(user: User, *, on: dt.date, area: Area | None = None) -> tuple[int, int]:
    """(children visited within their interval, children needing visits)."""
    qs = children_for(user, on=on)
    if area is not None:
        qs = qs.filter(residence_area__in=Area.objects.within(area).values("id"))
    rows = visit_children(qs, on)
    with _without_jit():
        return rows.filter(last_visit__gte=F("cutoff")).count(), rows.count()


def visits_of(child: Person) -> QuerySet[Visit]:
    return Visit.objects.filter(child=child).select_related("visitor").order_by("-visited_on", "-id")


# --- cases: need-to-know ----------------------------------------------------------------------------------

def _case_q(user: User, on: dt.date) -> Q:
    if not user.can(Cap.CHILD_VIEW):
        return Q(pk__in=[])
    see = Q(Exists(CaseWorker.objects.filter(case=OuterRef("pk"), user=user, until__isnull=True)))
    for p in _post_paths(user, on, Post.SUPERVISOR, Post.CENTRE):
        see |= Q(area__path__startswith=p)
    return see & area_q(user, "area")


def cases_for(user: User, *, on: dt.date) -> QuerySet[ChildCase]:
    return ChildCase.objects.filter(_case_q(user, on))


def case_get(user: User, pk: int, *, on: dt.date) -> ChildCase:
    case = cases_for(user, on=on).select_related("child", "area").filter(pk=pk).first()
    if case is None:
        raise NotFound()
    return case


def reports_for(user: User, *, on: dt.date) -> QuerySet[Report]:
    return Report.objects.filter(case__in=cases_for(user, on=on).values("id"))


def report_get(user: User, pk: int, *, on: dt.date) -> Report:
    report = reports_for(user, on=on).select_related("case", "child", "area").filter(pk=pk).first()
    if report is None:
        raise NotFound()
    return report


def sees_reporter(user: User, case: ChildCase, on: dt.date) -> bool:
    return is_centre(user, case.area, on)


def access_log(case: ChildCase) -> QuerySet[CaseAccess]:
    return case.accesses.select_related("user")


STAGES = {
    "reported": "发现报告", "verified": "核查", "emergency": "应急处置", "assessed": "评估", "planned": "帮扶计划",
    "referred": "转介", "intervention": "监护干预", "following": "跟进", "closed": "结案", "reopened": "重新开启",
}
_RANK = ["reported", "verified", "emergency", "assessed", "planned", "referred", "intervention", "following"]
_EVENT_STAGE: dict[str, str] = {
    EventKind.VERIFY: "verified", EventKind.EMERGENCY: "emergency", EventKind.PLAN: "planned",
    EventKind.INTERVENTION: "intervention", EventKind.REVOCATION: "intervention",
    EventKind.FOLLOW_UP: "following",
}


@dataclass
class CaseState:
    stage: str
    label: str
    open: bool
    next_step: str | None
    due_on: dt.date | None
    overdue: bool


def _since_reopen(case: ChildCase) -> tuple[list[CaseEvent], list[Assessment], list[Referral], bool]:
    events = list(case.events.all())
    reopen = max((i for i, e in enumerate(events) if e.kind == EventKind.REOPEN), default=None)
    if reopen is None:
        return events, list(case.assessments.all()), list(case.referrals.all()), False
    mark = events[reopen]
    return (events[reopen + 1:], [a for a in case.assessments.all() if a.created_at >= mark.created_at],
            [r for r in case.referrals.all() if r.requested_on > mark.happened_on or r.status in Referral.OPEN],
            True)


def case_state(case: ChildCase, *, on: dt.date) -> CaseState:
    """The stage from the case's records, and the next step with its deadline (working days from data)."""
    events, assessments, referrals, reopened = _since_reopen(case)
    if events and events[-1].kind == EventKind.CLOSE:
        return CaseState("closed", STAGES["closed"], False, None, None, False)
    rank = -1
    for e in events:
        if e.kind in _EVENT_STAGE:
            rank = max(rank, _RANK.index(_EVENT_STAGE[e.kind]))
    if assessments:
        rank = max(rank, _RANK.index("assessed"))
    if referrals:
        rank = max(rank, _RANK.index("referred"))
    stage = _RANK[rank] if rank >= 0 else ("reopened" if reopened else "reported")
    step, due = _next_step(case, events, assessments)
    return CaseState(stage, STAGES[stage], True, step, due, due is not None and due < on)


def _next_step(case: ChildCase, events: list[CaseEvent], assessments: list[Assessment]
               ) -> tuple[str | None, dt.date | None]:
    def last(kind: str) -> dt.date | None:
        return max((e.happened_on for e in events if e.kind == kind), default=None)

    first = min(case.reports.all(), key=lambda r: r.id, default=None)
    verified = last(EventKind.VERIFY)
    if verified is None:
        return "核查", first.verify_due if first else None
    if first and first.emergency_due and last(EventKind.EMERGENCY) is None:
        return "应急处置", first.emergency_due
    assessed = max((a.assessed_on for a in assessments), default=None)
    steps = rules.step_workdays()
    if assessed is None:
        return "评估", add_workdays(verified, steps["assess"])
    planned = last(EventKind.PLAN)
    if planned is None:
        return "帮扶计划", add_workdays(assessed, steps["plan"])
    followed = max(planned, last(EventKind.FOLLOW_UP) or planned)
    return "跟进回访", add_workdays(followed, rules.param("followup_interval_workdays"))


def case_list(user: User, *, on: dt.date, area: Area | None = None, open_only: bool = True
              ) -> list[tuple[ChildCase, CaseState]]:
    qs = cases_for(user, on=on).select_related("child", "area").prefetch_related(
        "events", "assessments", "referrals", "reports").order_by("-opened_on", "-id")
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    out = [(c, case_state(c, on=on)) for c in qs]
    return [(c, s) for c, s in out if s.open] if open_only else out


def overdue_by_town(user: User, *, on: dt.date) -> list[tuple[str, list[tuple[ChildCase, CaseState]]]]:
    towns: dict[str, list[tuple[ChildCase, CaseState]]] = {}
    for c, s in case_list(user, on=on):
        if s.overdue:
            town = next((a for a in c.area.ancestors() if a.level == Level.TOWN), c.area)
            towns.setdefault(town.name, []).append((c, s))
    return sorted(towns.items())


def open_referrals(case: ChildCase) -> QuerySet[Referral]:
    return case.referrals.filter(status__in=Referral.OPEN)


# --- organisations, workforce, gap list --------------------------------------------------------------------

def orgs_for(user: User) -> QuerySet[Org]:
    """Organisations of the network and referral targets visible in the user's area or above it (a county's
    departments serve its towns)."""
    ids: set[int] = set()
    for path in user_area_paths(user):
        ids.update(int(x) for x in path.strip("/").split("/"))
    return Org.objects.filter(Q(area_q(user, "area")) | Q(area_id__in=ids)).select_related("area")


def appointments_in(user: User, *, on: dt.date) -> QuerySet[Appointment]:
    if not user.can(Cap.CHILD_VIEW):
        return Appointment.objects.none()
    return Appointment.objects.filter(_in_force(on)).filter(area_q(user, "area")).select_related("area", "user")


def caseload(appointments: Iterable[Appointment]) -> dict[int, int]:
    users = [a.user_id for a in appointments if a.user_id]
    rows = CaseWorker.objects.filter(user_id__in=users, until__isnull=True).exclude(
        case__events__kind=EventKind.CLOSE).values("user_id").annotate(n=Count("case", distinct=True))
    return {r["user_id"]: r["n"] for r in rows}


def gap_list(user: User, *, on: dt.date) -> dict[str, list[Area]]:
    """Villages without a 儿童主任 and towns without a 儿童督导员 in force, inside the user's areas."""
    if not user.can(Cap.CHILD_VIEW):
        return {"villages": [], "towns": []}
    covered = Appointment.objects.filter(_in_force(on), area_id=OuterRef("pk"))
    areas = Area.objects.current(on).filter(area_q(user, "id"))
    return {
        "villages": list(areas.filter(level=Level.VILLAGE).exclude(Exists(covered.filter(post=Post.DIRECTOR)))),
        "towns": list(areas.filter(level=Level.TOWN).exclude(Exists(covered.filter(post=Post.SUPERVISOR)))),
    }


# --- state guardianship and adoption -----------------------------------------------------------------------

def state_care_for(user: User, *, on: dt.date) -> QuerySet[StateCare]:
    if not is_child_worker(user, on):
        return StateCare.objects.none()
    return StateCare.objects.filter(area_q(user, "child__residence_area")).select_related("child", "org")


def state_care_get(user: User, pk: int, *, on: dt.date) -> StateCare:
    care = state_care_for(user, on=on).filter(pk=pk).first()
    if care is None:
        raise NotFound()
    return care


def adoptions_for(user: User, *, on: dt.date) -> QuerySet[Adoption]:
    if not is_child_worker(user, on) and not user.can(Cap.CHILD_MANAGE):
        return Adoption.objects.none()
    return Adoption.objects.filter(area_q(user, "area")).select_related("child", "adopter", "area")


def adoption_get(user: User, pk: int, *, on: dt.date) -> Adoption:
    a = adoptions_for(user, on=on).filter(pk=pk).first()
    if a is None:
        raise NotFound()
    return a


def adoption_stats(user: User, *, on: dt.date) -> list[dict[str, Any]]:
    """Registrations and dissolutions per year in the user's areas."""
    qs = adoptions_for(user, on=on)
    years: dict[int, dict[str, Any]] = {}
    for registered, dissolved in qs.values_list("registered_on", "dissolved_on"):
        years.setdefault(registered.year, {"year": registered.year, "registered": 0, "dissolved": 0})
        years[registered.year]["registered"] += 1
        if dissolved:
            years.setdefault(dissolved.year, {"year": dissolved.year, "registered": 0, "dissolved": 0})
            years[dissolved.year]["dissolved"] += 1
    return [years[y] for y in sorted(years)]


def centre_orgs() -> QuerySet[Org]:
    return Org.objects.filter(kind__in=(OrgKind.CENTRE, OrgKind.WELFARE_HOME))
