"""Reads of the registry. Everything passes through core.scope."""

import re

from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.areas.selectors import top_areas
from minzheng.core import audit, rows
from minzheng.core.errors import NotFound
from minzheng.core.idcard import normalize
from minzheng.core.models import AuditEntry
from minzheng.core.scope import areas_q, path_sql, scoped

from .models import Category, DuplicateReview, Household, Membership, Person, PersonCategory

_ID_LIKE = re.compile(r"^[0-9]{6,17}[0-9Xx]?$")
# The last 4 or 5 characters of a 身份证号 (what a caller reads out over the phone, "尾号1234").
_ID_TAIL = re.compile(r"^[0-9]{3,4}[0-9Xx]$")
_INITIALS = re.compile(r"^[A-Za-z]+$")
# Byte-order collation: prefix LIKE and ORDER BY then share one index (person_name_c / person_initials_c on
# PostgreSQL, see migration 0005) whatever the database's default collation.
_BYTE_ORDER = "C" if connection.vendor == "postgresql" else "BINARY"


def _prefix(alias: str, q: str) -> Q:
    # In byte order a prefix is a range, which (unlike LIKE on a cast) the expression index serves.
    return Q(**{f"{alias}__gte": q, f"{alias}__lt": q[:-1] + chr(ord(q[-1]) + 1)})


def persons_for(user: User, capability: str = Cap.REGISTRY_VIEW) -> QuerySet[Person]:
    """Persons living in the user's areas; `capability` is the right the reading form needs (an admission reads the
    registry under 养老服务设施's right, not the registry's own)."""
    return scoped(Person.objects.all(), user, area_field="residence_area", capability=capability)


# The forms that choose a person with the search-as-you-type (web/widgets.py), and the right each one's own lookup
# reads the registry under: the candidates offered are exactly the persons the form would accept.
PICK_PURPOSES = {
    "registry": Cap.REGISTRY_VIEW,
    "facility": Cap.FACILITY_VIEW,
    "retrofit": Cap.RETROFIT_APPLY,
    "lowincome": Cap.LOWINCOME_VIEW,
    "elder": Cap.ELDER_VIEW,
    "charity": Cap.CHARITY_WISH,  # 救助衔接: the applicant of a household referred to a charity
    "charity_spending": Cap.CHARITY_RECORD,  # the 受助人 of a charity's payment to a person
}


def person_chosen(user: User, *, person_id: str, id_number: str = "",
                  capability: str = Cap.REGISTRY_VIEW) -> Person | None:
    """The person a form names: the id the picker chose, or (without JavaScript) the typed 身份证号; None when absent
    or outside the user's scope, so a forged id gets the refusal an unknown number gets."""
    qs = persons_for(user, capability).select_related("residence_area")
    pid = (person_id or "").strip()
    if pid:
        return qs.filter(pk=int(pid)).first() if pid.isdigit() and len(pid) < 19 else None
    number = normalize(id_number or "")
    return qs.filter(id_number=number).first() if number else None


def person_get(user: User, pk: int) -> Person:
    """One person of the user's registry scope (persons_for's rule), with both areas. Read through core.rows: most
    writes begin with it (a 居家养老 order names its elder by id), and the ORM's compilation was most of its cost."""
    pk = int(pk)
    person = None
    if rows.key_fits(Person, pk) and user.can(Cap.REGISTRY_VIEW):
        where, params = path_sql(user, '"residence_area".path')
        person = rows.one(Person, f"t.id = %s AND {where}", [pk, *params], related=("residence_area", "hukou_area"))
    if person is None:
        audit.access_denied(actor=user, object_type="person", requested=pk)
        raise NotFound("人员不存在或不在您的管辖范围内")
    return person


def is_id_query(query: str) -> bool:
    """A search for a 身份证号 (or its leading digits): kept out of URLs, so it travels by POST (see views/api)."""
    q = (query or "").strip()
    return bool(_ID_LIKE.match(q) or _ID_TAIL.match(q))


def person_search(user: User, query: str = "", *, area: Area | None = None,
                  category: str | None = None, capability: str = Cap.REGISTRY_VIEW) -> QuerySet[Person]:
    """Name (prefix), 身份证号, its last 4–5 characters, or pinyin initials (e.g. zs for 张三). Leading or trailing ID
    digits are searched only by roles that may see full numbers: for the others a partial search would tell the
    hidden digits one at a time, so they find a person by the complete number only."""
    qs = persons_for(user, capability).annotate(name_c=Collate("name", _BYTE_ORDER))
    order = ("name_c", "id")
    q = (query or "").strip()
    if q:
        if _ID_TAIL.match(q):
            # Within the user's scope only; a town's few thousand rows make the suffix scan cheap.
            qs = qs.filter(id_number__endswith=q.upper()) if user.can(Cap.REGISTRY_VIEW_FULL) else qs.none()
        elif _ID_LIKE.match(q):
            if user.can(Cap.REGISTRY_VIEW_FULL):
                qs = qs.filter(id_number__startswith=q.upper())
            else:
                qs = qs.filter(id_number=q.upper())
        elif _INITIALS.match(q):
            qs = qs.annotate(initials_c=Collate("name_initials", _BYTE_ORDER)).filter(_prefix("initials_c", q.lower()))
            order = ("initials_c", "id")  # follows the index; ordering by name here misleads the planner
        else:
            qs = qs.filter(_prefix("name_c", q))
    if area is not None:
        qs = qs.filter(residence_area__in=Area.objects.within(area).values("id"))
    if category:
        qs = qs.filter(categories__category=category, categories__valid_to__isnull=True)
    return qs.select_related("residence_area").order_by(*order)


# The list of a town or village reads its first rows area by area (each village's first names from the
# person_area_name_c index, then merged) rather than fetching and sorting every person in scope: a town of 6,000
# persons took 10–20 ms to sort for 20 names (issue 9). Wide scopes, whose persons the name index yields in order at
# once, and pages past this many index rows keep the plain read.
_PER_AREA_ROWS = 1_000


def first_rows_by_area(user: User, *, area: Area | None, rows: int,
                       capability: str = Cap.REGISTRY_VIEW) -> QuerySet[Person] | None:
    """The unfiltered list of `person_search` (in scope, under `area` if given, by name and id) as far as its first
    `rows` rows, read as the first `rows` persons of each area in scope; None when the scope has too many areas."""
    if not user.can(capability):
        return None
    areas = Area.objects.filter(areas_q(user))
    if area is not None:
        areas = areas.filter(path__startswith=area.path)
    ids = list(areas.values_list("id", flat=True)[:_PER_AREA_ROWS // max(rows, 1) + 1])
    if not ids or len(ids) * rows > _PER_AREA_ROWS:
        return None
    table, collation = Person._meta.db_table, connection.ops.quote_name(_BYTE_ORDER)
    part = (f"SELECT id FROM (SELECT id FROM {table} WHERE residence_area_id = %s "
            f"ORDER BY name COLLATE {collation}, id LIMIT %s) AS area_{{}}")
    firsts = RawSQL(" UNION ALL ".join(part.format(i) for i in range(len(ids))), [v for i in ids for v in (i, rows)])
    # The area ids as constants (not the scope's subquery) let the planner see the scope's size and start from the
    # few ids above instead of from every person in scope.
    return (Person.objects.filter(residence_area_id__in=ids, pk__in=firsts)
            .annotate(name_c=Collate("name", _BYTE_ORDER)).select_related("residence_area").order_by("name_c", "id"))


def with_list_details(qs: QuerySet[Person]) -> QuerySet[Person]:
    """For the list page: the town above each village (居住地 reads 礼乐街道/英南村, not a bare village name) and the
    categories in force (the 状态 column), fetched for the page's rows only."""
    current = PersonCategory.objects.filter(valid_to__isnull=True).order_by("category")
    return (qs.select_related("residence_area__parent")
            .prefetch_related(Prefetch("categories", queryset=current, to_attr="current_categories")))


def households_for(user: User) -> QuerySet[Household]:
    return scoped(Household.objects.all(), user, area_field="area", capability=Cap.REGISTRY_VIEW)


def household_get(user: User, pk: int) -> Household:
    household = households_for(user).select_related("area", "head").filter(pk=pk).first()
    if household is None:
        audit.access_denied(actor=user, object_type="household", requested=pk)
        raise NotFound("家庭不存在或不在您的管辖范围内")
    return household


def household_members(household: Household, *, current_only: bool = True) -> QuerySet[Membership]:
    qs = Membership.objects.filter(household=household).select_related("person")
    if current_only:
        qs = qs.filter(end_date__isnull=True)
    return qs.order_by("end_date", "id")


def current_household(person: Person) -> Household | None:
    m = Membership.objects.filter(person=person, end_date__isnull=True).select_related("household").first()
    return m.household if m else None


def duplicate_candidates(user: User, *, limit: int = 200) -> list[dict]:
    """Pairs of different IDs that may be one person: same birth date and same name or same pinyin."""
    base = persons_for(user)
    reviewed = set(DuplicateReview.objects.values_list("person_a_id", "person_b_id"))
    pairs: dict[tuple[int, int], dict] = {}
    for key, reason in (("name", "姓名和出生日期相同"), ("name_pinyin", "姓名拼音和出生日期相同（可能为同音字）")):
        groups = base.values(key, "birth_date").annotate(n=Count("id")).filter(n__gt=1).order_by(key)[:limit]
        for g in groups:
            members = list(base.filter(**{key: g[key], "birth_date": g["birth_date"]})
                           .select_related("residence_area").order_by("id"))
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    if (a.id, b.id) in reviewed or (a.id, b.id) in pairs:
                        continue
                    pairs[(a.id, b.id)] = {"a": a, "b": b, "reason": reason}
    return list(pairs.values())[:limit]


def person_categories(person: Person) -> QuerySet[PersonCategory]:
    """A person's categories, open ones first, then by start date (the person was already scoped)."""
    return person.categories.order_by(F("valid_to").desc(nulls_first=True), "-valid_from", "id")


def household_search(user: User, query: str = "", *, include_dissolved: bool = False) -> QuerySet[Household]:
    """Household number (prefix), head's name (prefix), head's 身份证号 (prefix) or head's pinyin initials."""
    qs = households_for(user)
    if not include_dissolved:
        qs = qs.filter(dissolved_on__isnull=True)
    q = (query or "").strip()
    if q:
        if _INITIALS.match(q):
            q = q.lower()
            qs = qs.filter(Q(head__name_initials__startswith=q) | Q(head__name_pinyin__startswith=q))
        else:
            cond = Q(number__startswith=q) | Q(head__name__startswith=q)
            if _ID_LIKE.match(q):  # leading digits only for full-view roles, as in person_search
                cond |= (Q(head__id_number__startswith=q.upper()) if user.can(Cap.REGISTRY_VIEW_FULL)
                         else Q(head__id_number=q.upper()))
            qs = qs.filter(cond)
    current = Q(memberships__end_date__isnull=True)
    return (qs.select_related("area", "head").annotate(member_count=Count("memberships", filter=current))
            .order_by("number"))


def _areas_below(user: User) -> list[Area]:
    """The areas one level below the user's own (or the user's own areas when they have none below)."""
    tops = top_areas(user)
    below = list(Area.objects.current().filter(parent__in=tops).order_by("path"))
    return below or tops


def registry_overview(user: User) -> dict:
    """The home page's figures: persons and open households in the user's areas, by category and by the areas one
    level below (one aggregate query per table for all those areas)."""
    persons, households = persons_for(user), households_for(user).filter(dissolved_on__isnull=True)
    below = _areas_below(user)
    p_counts = persons.aggregate(**{f"a{a.pk}": Count("id", filter=Q(residence_area__path__startswith=a.path))
                                    for a in below}) if below else {}
    h_counts = households.aggregate(**{f"a{a.pk}": Count("id", filter=Q(area__path__startswith=a.path))
                                       for a in below}) if below else {}
    by_cat = dict(PersonCategory.objects.filter(valid_to__isnull=True, person__in=persons)
                  .values_list("category").annotate(n=Count("person_id", distinct=True)).order_by())
    return {
        "person_count": persons.count(),
        "household_count": households.count(),
        "categories": [(c.value, c.label, by_cat.get(c.value, 0)) for c in Category],
        "below": [(a, p_counts.get(f"a{a.pk}", 0), h_counts.get(f"a{a.pk}", 0)) for a in below],
    }


def full_record_views(person: Person, *, limit: int = 50) -> list[dict]:
    """一人一档: who opened this person's full record (身份证号, phone, account), when and for what — from the audit
    trail that person_view_full writes."""
    rows = (AuditEntry.objects.filter(action="person.view_full", object_type="person", object_id=str(person.pk))
            .order_by("-created_at", "-id")[:limit])
    return [{"at": r.created_at, "who": r.actor_name, "purpose": (r.after or {}).get("purpose", "")} for r in rows]
