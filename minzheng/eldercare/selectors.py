"""Reads of 大养老. Every read of personal data passes through core.scope.

An elder's categories are derived on the date asked, from their sources (data/eldercare/categories.csv):
registry rows (独居, 空巢, 留守, 计生特殊家庭), 大救助 enrolments (特困, 低保 — an Entitlement in force that month —
or the registry row of the same code), the latest valid capability assessment (失能, 半失能), age (高龄) and the
disability grade (重残). So 特困 is never typed twice, and a new assessment moves a person between 失能 groups
without anyone editing a category.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.assistance.selectors import enrolled_exists, enrolment_entitlements
from minzheng.core.errors import NotFound
from minzheng.core.periods import birthday, born_on_or_before, month_start, next_month_start
from minzheng.core.scope import can_access_area, scoped
from minzheng.registry.models import Person, PersonCategory

from . import rules
from .models import Assessment, EmergencyCall, Visit, VisitDue
from .ruleset import ruleset_by_key

# Persons annotated with care_level, cat_<code> per category in force and is_special: the names depend on the
# category data, so the type checker cannot know them and takes any lookup.
type Elders = QuerySet[Any]


def elderly_from(on: dt.date, area: Area | None = None) -> int:
    return int(rules.param("elderly_from", on, area).value)


# --- category conditions ----------------------------------------------------------------------------

def _registry_exists(code: str, on: dt.date) -> Exists:
    return Exists(PersonCategory.objects.filter(person=OuterRef("pk"), category=code, valid_from__lte=on)
                  .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)))


def _enrolled_exists(programme: str, on: dt.date) -> Exists:
    return enrolled_exists(programme, month_start(on))


def latest_level_subquery(on: dt.date, field: str = "final_level") -> Subquery:
    return Subquery(Assessment.objects.filter(person=OuterRef("pk"), status=Assessment.Status.VALID,
                                              assessed_on__lte=on)
                    .order_by("-assessed_on", "-id").values(field)[:1])


def category_condition(rule: rules.CategoryRule, on: dt.date) -> Exists | ExpressionWrapper:
    """A boolean expression on Person (needs the `care_level` annotation for assessment rules)."""
    if rule.source == "registry":
        return _registry_exists(rule.param, on)
    if rule.source == "enrolment":
        return ExpressionWrapper(Q(_registry_exists(rule.param, on)) | Q(_enrolled_exists(rule.param, on)),
                                 output_field=BooleanField())
    if rule.source == "assessment":
        return ExpressionWrapper(Q(care_level__in=rule.levels), output_field=BooleanField())
    if rule.source == "age":
        return ExpressionWrapper(Q(birth_date__lte=born_on_or_before(on, int(rule.param))),
                                 output_field=BooleanField())
    if rule.source == "disability":
        return ExpressionWrapper(Q(disability_grade__isnull=False, disability_grade__lte=int(rule.param)),
                                 output_field=BooleanField())
    raise ValueError(rule.source)


def annotate_categories(qs: QuerySet[Person], on: dt.date) -> Elders:
    """Annotate care_level and one cat_<code> boolean per category in force, plus is_special."""
    qs = qs.annotate(care_level=latest_level_subquery(on))
    flags = {}
    for rule in rules.categories_on(on):
        flags[f"cat_{rule.code}"] = category_condition(rule, on)
    qs = qs.annotate(**flags)
    special = [f"cat_{r.code}" for r in rules.categories_on(on) if r.special]
    cond = Q()
    for name in special:
        cond |= Q(**{name: True})
    return qs.annotate(is_special=ExpressionWrapper(cond if special else Q(pk__in=[]), output_field=BooleanField()))


def elders_base(on: dt.date) -> QuerySet[Person]:
    """Everyone aged elderly_from or over and alive on `on` (unscoped: callers scope it)."""
    cutoff = born_on_or_before(on, elderly_from(on))
    return Person.objects.filter(birth_date__lte=cutoff).filter(Q(death_date__isnull=True) | Q(death_date__gt=on))


def elders_for(user: User, *, on: dt.date) -> QuerySet[Person]:
    return scoped(elders_base(on), user, area_field="residence_area", capability=Cap.ELDER_VIEW)


def elder_search(user: User, *, on: dt.date, query: str = "", area: Area | None = None, category: str = "",
                 special: bool = False, level: int | None = None) -> Elders:
    qs = annotate_categories(elders_for(user, on=on), on)
    q = (query or "").strip()
    if q:
        qs = qs.filter(Q(name__startswith=q) | Q(id_number__startswith=q.upper())
                       | Q(name_initials__startswith=q.lower()))
    if area is not None:
        qs = qs.filter(residence_area__in=Area.objects.within(area).values("id"))
    if category:
        rules.category(category)  # a clear error for an unknown code
        qs = qs.filter(**{f"cat_{category}": True})
    if special:
        qs = qs.filter(is_special=True)
    if level is not None:
        qs = qs.filter(care_level=level)
    return qs.select_related("residence_area").order_by("residence_area__path", "name", "id")


def elder_get(user: User, pk: int, *, on: dt.date) -> Person:
    person = annotate_categories(elders_for(user, on=on), on).select_related("residence_area").filter(pk=pk).first()
    if person is None:
        raise NotFound("老年人不存在、未满60周岁或不在您的管辖范围内")
    return person


def current_categories(person: Person, on: dt.date) -> list[rules.CategoryRule]:
    """The categories of an annotated person (from elder_search / elder_get)."""
    return [r for r in rules.categories_on(on) if getattr(person, f"cat_{r.code}", False)]


@dataclass(frozen=True)
class CategoryPeriod:
    code: str
    label: str
    source: str
    valid_from: dt.date | None
    valid_to: dt.date | None   # inclusive; None = open
    note: str
    special: bool
    status: str

    def covers(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)


def category_periods(person: Person) -> list[CategoryPeriod]:
    """Every period of every category of one (already scoped) person, with where it came from."""
    out: list[CategoryPeriod] = []
    stored: dict[str, list[PersonCategory]] = {}
    for pc in PersonCategory.objects.filter(person=person).order_by("valid_from", "id"):
        stored.setdefault(pc.category, []).append(pc)
    assessments = list(Assessment.objects.filter(person=person, status=Assessment.Status.VALID)
                       .order_by("assessed_on", "id"))
    for rule in rules.categories():
        def add(f: dt.date | None, t: dt.date | None, source: str, note: str = "",
                rule: rules.CategoryRule = rule) -> None:
            out.append(CategoryPeriod(code=rule.code, label=rule.label, source=source, valid_from=f, valid_to=t,
                                      note=note, special=rule.special, status=rule.status))

        if rule.source in ("registry", "enrolment"):
            for pc in stored.get(rule.param, []):
                add(pc.valid_from, pc.valid_to, "登记", pc.note)
        if rule.source == "enrolment":
            by_case: dict[int, list] = {}
            for e in enrolment_entitlements(person, rule.param):
                by_case.setdefault(e.case_id, []).append(e)
            recorded = {pc.valid_from for pc in stored.get(rule.param, [])}
            for case_id, rows in by_case.items():
                start = min(r.from_month for r in rows)
                if start in recorded:
                    continue  # approval already wrote the registry row for this enrolment (assistance.services)
                end = (None if any(r.to_month is None for r in rows)
                       else max(r.to_month for r in rows) - dt.timedelta(days=1))
                add(start, end, "救助对象", f"大救助救助对象（对象编号{case_id}）")
        if rule.source == "assessment":
            levels = set(rule.levels)
            run_start, run_note = None, ""
            for i, a in enumerate(assessments):
                nxt = assessments[i + 1].assessed_on if i + 1 < len(assessments) else None
                if nxt == a.assessed_on:
                    continue  # a later record of the same day supersedes this one
                if a.final_level in levels and run_start is None:
                    run_start, run_note = a.assessed_on, f"能力评估{a.number}"
                if a.final_level not in levels and run_start is not None:
                    add(run_start, a.assessed_on - dt.timedelta(days=1), "能力评估", run_note)
                    run_start = None
            if run_start is not None:
                add(run_start, None, "能力评估", run_note)
        if rule.source == "age":
            add(birthday(person.birth_date, int(rule.param)), None, "年龄", f"年满{rule.param}周岁")
        if rule.source == "disability" and person.disability_grade and person.disability_grade <= int(rule.param):
            add(None, None, "残疾等级", f"残疾人证{person.disability_grade}级")
    return out


# --- assessments -----------------------------------------------------------------------------------

def assessments_for(user: User) -> QuerySet[Assessment]:
    return scoped(Assessment.objects.all(), user, area_field="area", capability=Cap.ELDER_VIEW)


def assessment_get(user: User, pk: int) -> Assessment:
    a = assessments_for(user).select_related("person", "area", "assessor_1", "assessor_2").filter(pk=pk).first()
    if a is None:
        raise NotFound("评估记录不存在或不在您的管辖范围内")
    return a


def person_assessments(person: Person) -> QuerySet[Assessment]:
    return (Assessment.objects.filter(person=person).select_related("assessor_1", "assessor_2")
            .order_by("-assessed_on", "-id"))


def latest_valid_assessment(person_id: int, on: dt.date) -> Assessment | None:
    return (Assessment.objects.filter(person_id=person_id, status=Assessment.Status.VALID, assessed_on__lte=on)
            .order_by("-assessed_on", "-id").first())


def self_care_on(person_ids: Iterable[int], on: dt.date) -> dict[int, tuple[str, str]]:
    """person id → (self-care code, wording) from the latest valid assessment on or before `on`.

    The one source of the 特困 照料护理 level once a person has been assessed (assistance.facts reads it)."""
    out = {}
    for pid in person_ids:
        a = latest_valid_assessment(pid, on)
        if a is None or not a.self_care:
            continue
        level = ruleset_by_key(a.ruleset).level(a.final_level)
        out[pid] = (a.self_care, f"依据{a.assessed_on.isoformat()}老年人能力评估（编号{a.number}，{level.short}，"
                                 f"{a.ruleset}）")
    return out


def care_levels_on(person_ids: Iterable[int], on: dt.date) -> dict[int, tuple[int, str, str]]:
    """person id → (GB/T 42195 final level 0–4, its short name, wording) from the latest valid assessment on or
    before `on`.

    What 养老服务补贴 and 老年人护理补贴 are graded by (assistance.facts reads it beside self_care_on)."""
    out = {}
    for pid in person_ids:
        a = latest_valid_assessment(pid, on)
        if a is None:
            continue
        level = ruleset_by_key(a.ruleset).level(a.final_level)
        out[pid] = (a.final_level, level.short,
                    f"依据{a.assessed_on.isoformat()}老年人能力评估（编号{a.number}，{level.short}，{a.ruleset}）")
    return out


def assessments_due(user: User, *, on: dt.date, area: Area | None = None) -> QuerySet[Assessment]:
    """Latest valid assessment per person whose next_due has passed (常规评估 overdue)."""
    latest = Assessment.objects.filter(person=OuterRef("person"), status=Assessment.Status.VALID).order_by(
        "-assessed_on", "-id").values("pk")[:1]
    qs = assessments_for(user).filter(status=Assessment.Status.VALID, pk=Subquery(latest), next_due__lte=on)
    if area is not None:
        qs = qs.filter(area__in=Area.objects.within(area).values("id"))
    return qs.select_related("person", "area").order_by("next_due")


# --- visits -------------------------------------------------------------------------------------------

def visit_dues_for(user: User) -> QuerySet[VisitDue]:
    return scoped(VisitDue.objects.all(), user, area_field="area", capability=Cap.ELDER_VIEW)


def visit_due_list(user: User, *, month: dt.date, area: Area | None = None,
                   pending_only: bool = False) -> QuerySet[VisitDue]:
    qs = visit_dues_for(user).filter(month=month_start(month))
    if area is not None:
        qs = qs.filter(area__in=Area.objects.within(area).values("id"))
    if pending_only:
        qs = qs.filter(visit__isnull=True)
    return qs.select_related("person", "area", "visit", "visit__visitor").order_by("area__path", "person__name",
                                                                                   "id")


def visits_for(user: User) -> QuerySet[Visit]:
    return scoped(Visit.objects.all(), user, area_field="area", capability=Cap.ELDER_VIEW)


def person_visits(person: Person) -> QuerySet[Visit]:
    return Visit.objects.filter(person=person).select_related("visitor").order_by("-visited_on", "-id")


@dataclass(frozen=True)
class RateRow:
    area: Area
    due: int
    visited: int

    @property
    def rate(self) -> float | None:
        return None if not self.due else self.visited / self.due


def _check_root(user: User, root: Area) -> None:
    if not can_access_area(user, root):
        raise NotFound("地区不存在或不在您的管辖范围内")


def visit_rate(user: User, *, root: Area, month: dt.date) -> list[RateRow]:
    """月探访率 for `root` and each area directly below it: visited ÷ due, each a sum over the subtree first
    (ratio of sums, never an average of the children's rates)."""
    _check_root(user, root)
    children = list(Area.objects.current(month_start(month)).filter(parent=root).order_by("code"))
    areas = [root, *children]
    base = visit_dues_for(user).filter(month=month_start(month))
    agg = {}
    for i, a in enumerate(areas):
        within = Q(area__path__startswith=a.path)
        agg[f"d{i}"] = Count("id", filter=within)
        agg[f"v{i}"] = Count("id", filter=within & Q(visit__isnull=False))
    got = base.aggregate(**agg)
    return [RateRow(area=a, due=got[f"d{i}"], visited=got[f"v{i}"]) for i, a in enumerate(areas)]


# --- emergency calls ----------------------------------------------------------------------------------

def calls_for(user: User) -> QuerySet[EmergencyCall]:
    return scoped(EmergencyCall.objects.all(), user, area_field="area", capability=Cap.ELDER_VIEW)


def call_get(user: User, pk: int) -> EmergencyCall:
    c = calls_for(user).select_related("person", "area", "taken_by").filter(pk=pk).first()
    if c is None:
        raise NotFound("呼叫记录不存在或不在您的管辖范围内")
    return c


def call_list(user: User, *, status: str = "", open_only: bool = False,
              area: Area | None = None) -> QuerySet[EmergencyCall]:
    qs = calls_for(user)
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.exclude(status=EmergencyCall.Status.CLOSED)
    if area is not None:
        qs = qs.filter(area__in=Area.objects.within(area).values("id"))
    return qs.select_related("person", "area").order_by("-received_at", "-id")


def nearest_rank(values: list[int], q: float) -> int:
    """The q-quantile by the nearest-rank method: the smallest value with at least q of the data at or below it."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


@dataclass(frozen=True)
class ResponseRow:
    area: Area
    month: dt.date
    calls: int
    responded: int
    median_seconds: float | None
    p90_seconds: int | None


def response_stats(user: User, *, root: Area, start: dt.date, end: dt.date) -> list[ResponseRow]:
    """Response time (接警 → 到达) by area directly below `root` (and `root` itself) and month of intake.

    Median: the usual middle value (mean of the two middle ones for an even count); p90: nearest rank."""
    import zoneinfo

    from django.conf import settings

    _check_root(user, root)
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    lo = dt.datetime.combine(month_start(start), dt.time(), tz)
    hi = dt.datetime.combine(next_month_start(end), dt.time(), tz)
    children = list(Area.objects.current(end).filter(parent=root).order_by("code"))
    rows = list(calls_for(user).filter(area__path__startswith=root.path, received_at__gte=lo, received_at__lt=hi)
                .values_list("area__path", "received_at", "response_seconds"))
    months = []
    m = month_start(start)
    while m <= end:
        months.append(m)
        m = next_month_start(m)
    out = []
    for a in [root, *children]:
        for m in months:
            sel = [r for r in rows if r[0].startswith(a.path) and month_start(r[1].astimezone(tz).date()) == m]
            secs = [r[2] for r in sel if r[2] is not None]
            out.append(ResponseRow(area=a, month=m, calls=len(sel), responded=len(secs),
                                   median_seconds=statistics.median(secs) if secs else None,
                                   p90_seconds=nearest_rank(secs, 0.9) if secs else None))
    return out
