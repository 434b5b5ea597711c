"""Building HouseholdFacts from the registry: who lived in the household on a date, with what categories,
disabilities and deaths, plus the figures an application or 核对 supplies (per-person monthly incomes,
household assets, monthly rigid expenses, self-care levels — the latter from the latest valid 老年人能力评估
(eldercare) wherever the member has one).

Every supplied figure is checked here, so a bad one gets a Chinese error naming the person and the field
before any programme sees it. Nothing is written.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation

from django.db.models import Q

from minzheng.core.errors import DomainError, NotFound
from minzheng.registry.models import Household, Membership, PersonCategory
from minzheng.registry.selectors import households_for

from .models import Entitlement
from .programmes.base import HouseholdFacts, Member
from .programmes.common import SCOPES, SELF_CARE

# The 老年人能力评估 lives in eldercare, a domain above this one (it reads our enrolments), so eldercare registers
# its two readers here when the apps are ready (EldercareConfig.ready) instead of this module importing it.
AssessmentReader = Callable[[list[int], dt.date], dict]
_assessment_readers: dict[str, AssessmentReader] = {}


def register_assessment_readers(*, self_care_on: AssessmentReader, care_levels_on: AssessmentReader) -> None:
    """self_care_on: person id → (self-care code, wording); care_levels_on: person id → (level, short, wording),
    each from the latest valid assessment on or before the date."""
    _assessment_readers.update(self_care_on=self_care_on, care_levels_on=care_levels_on)


def _assessed(kind: str, person_ids: list[int], on: dt.date) -> dict:
    reader = _assessment_readers.get(kind)
    if reader is None:
        raise RuntimeError("eldercare has not registered its assessment readers (is it in INSTALLED_APPS?)")
    return reader(person_ids, on)


_SCOPE_BY_LABEL = {label: code for code, label in SCOPES.items()}
_SELF_CARE_BY_LABEL = {label: code for code, label in SELF_CARE.items()}


def parse_money(value, *, label: str, field: str) -> Decimal:
    """A non-negative amount in 元 from Decimal, int or text ('1,200.50'); floats are refused (not exact)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal("0")
    if isinstance(value, (bool, float)):
        raise DomainError(f"{label}“{value}”请以数字文本或定点小数填写", code="invalid_amount", field=field)
    try:
        d = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise DomainError(f"{label}“{value}”不是有效数字", code="invalid_amount", field=field) from None
    if not d.is_finite():
        raise DomainError(f"{label}“{value}”不是有效数字", code="invalid_amount", field=field)
    if d < 0:
        raise DomainError(f"{label}不能为负数（填写为{value}）", code="negative_amount", field=field)
    if d != d.quantize(Decimal("0.01")):
        raise DomainError(f"{label}“{value}”最多保留两位小数（精确到分）", code="invalid_amount", field=field)
    return d


def _key(k) -> int:
    return int(getattr(k, "pk", k))


def build_facts(*, user, household: Household | int, on: dt.date, urban_rural: str,
                incomes: Mapping | None = None, assets=None, rigid_expenses=None,
                self_care: Mapping | None = None, variant: str = "", extra: dict | None = None) -> HouseholdFacts:
    """The facts of `household` on `on`.

    user: the staff member asking; the household must lie in their areas (None only for system jobs such as
    scheduled re-checks, which have no user). incomes and self_care are keyed by Person or person id;
    a member without an income figure has 0. urban_rural is 'urban'/'rural' (or 城镇/农村).
    """
    qs = Household.objects.select_related("area") if user is None else households_for(user).select_related("area")
    hh = qs.filter(pk=_key(household)).first()
    if hh is None:
        raise NotFound("家庭不存在或不在您的管辖范围内")
    if hh.dissolved_on is not None and hh.dissolved_on <= on:
        raise DomainError(f"家庭{hh.number}已于{hh.dissolved_on.isoformat()}注销，无法评估", code="dissolved",
                          field="家庭")
    scope = _SCOPE_BY_LABEL.get(urban_rural, urban_rural)
    if scope not in SCOPES:
        raise DomainError(f"城乡类别“{urban_rural}”无效，应为城镇或农村", code="invalid_scope", field="城乡")

    memberships = list(Membership.objects.filter(household=hh, start_date__lte=on)
                       .filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
                       .select_related("person").order_by("id"))
    if not memberships:
        raise DomainError(f"家庭{hh.number}在{on.isoformat()}没有成员", code="no_members", field="家庭成员")
    people = {m.person_id: m.person for m in memberships}

    def by_person(mapping: Mapping | None, what: str) -> dict[int, object]:
        out = {}
        for k, v in (mapping or {}).items():
            try:
                pid = _key(k)
            except (TypeError, ValueError):
                raise DomainError(f"{what}：人员“{k}”无效", field=what) from None
            if pid not in people:
                raise DomainError(f"{what}：人员（编号{pid}）在{on.isoformat()}不是家庭{hh.number}的成员",
                                  code="not_a_member", field=what)
            out[pid] = v
        return out

    income_of = {pid: parse_money(v, label=f"{people[pid].name}的月收入", field="月收入")
                 for pid, v in by_person(incomes, "月收入").items()}
    care_of = {}
    for pid, v in by_person(self_care, "自理能力").items():
        code = _SELF_CARE_BY_LABEL.get(v, v)
        if code not in SELF_CARE:
            raise DomainError(f"{people[pid].name}的自理能力“{v}”无效，应为全自理、半自理或全护理",
                              code="invalid_self_care", field="自理能力")
        care_of[pid] = code

    # The latest valid 老年人能力评估 is the source of the care level wherever one exists; a typed value is only
    # for members never assessed, and one that contradicts the assessment is refused rather than silently used.
    assessed = _assessed("self_care_on", list(people), on)
    care_source = {}
    for pid, (code, source) in assessed.items():
        if pid in care_of and care_of[pid] != code:
            raise DomainError(f"{people[pid].name}的自理能力以能力评估结果为准：{source}，对应{SELF_CARE[code]}；"
                              f"填写的“{SELF_CARE[care_of[pid]]}”与之不符，请清空该项或先办理复评",
                              code="self_care_conflict", field="自理能力")
        care_of[pid], care_source[pid] = code, source
    for pid in care_of:
        care_source.setdefault(pid, "工作人员填写（未经能力评估）")

    categories: dict[int, set[str]] = {pid: set() for pid in people}
    in_force = (PersonCategory.objects.filter(person_id__in=people, valid_from__lte=on)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).values_list("person_id", "category"))
    for pid, category in in_force:
        categories[pid].add(category)

    # Enrolments in force in the month of `on` (the rule eldercare.selectors uses for 特困/低保 categories).
    month = on.replace(day=1)
    enrolled: dict[int, set[tuple[str, str]]] = {pid: set() for pid in people}
    for pid, programme, component in (
            Entitlement.objects.filter(person_id__in=people, from_month__lte=month)
            .filter(Q(to_month__isnull=True) | Q(to_month__gt=month))
            .values_list("person_id", "case__programme", "component")):
        enrolled[pid].add((programme, component))
    levels = _assessed("care_levels_on", list(people), on)

    members = tuple(
        Member(person_id=pid, name=p.name, birth_date=p.birth_date, relation=ms.relation,
               monthly_income=income_of.get(pid, Decimal("0")), self_care=care_of.get(pid, ""),
               self_care_source=care_source.get(pid, ""),
               disability_category=p.disability_category, disability_grade=p.disability_grade,
               categories=frozenset(categories[pid]), enrolled=frozenset(enrolled[pid]),
               care_level=levels[pid][0] if pid in levels else None,
               care_level_label=levels[pid][1] if pid in levels else "",
               care_level_source=levels[pid][2] if pid in levels else "",
               deceased=p.death_date is not None and p.death_date <= on)
        for ms in memberships for pid, p in [(ms.person_id, ms.person)])
    return HouseholdFacts(
        area=hh.area, urban_rural=scope, on=on, members=members,
        assets=parse_money(assets, label="家庭金融资产", field="家庭金融资产"),
        rigid_expenses=parse_money(rigid_expenses, label="家庭月刚性支出", field="刚性支出"),
        variant=variant, extra=dict(extra or {}))
