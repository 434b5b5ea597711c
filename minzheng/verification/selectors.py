"""Reads for 核对. Personal data (records, reports) passes through core.scope; the set reads used by the programme
modules and the batch 核对 (members_on, household_totals) are internal and unscoped."""

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any, NamedTuple, TypedDict

from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import Rank
from django.db.transaction import TransactionManagementError

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core import audit
from minzheng.core.errors import NotFound
from minzheng.core.money import fen
from minzheng.core.scope import scoped
from minzheng.registry.models import Household, Membership, Person

from .adapters import sources
from .assess import ASSET_CLASSES
from .models import DepartmentBatch, DepartmentRecord, Nature, RigidExpense, VerificationReport

# 核对 knows no programme (DESIGN.md §5), yet a report may be run for an assistance application: the assistance app
# registers its scoped reader here when the apps are ready (AssistanceConfig.ready).
_application_readers: list[Callable] = []


def register_application_reader(reader: Callable) -> None:
    """reader(user, pk) → the application in the user's areas, or None."""
    if reader not in _application_readers:
        _application_readers.append(reader)

def application_for_report(user: User, pk: int) -> Any:
    """The programme's application (verification cannot name its type)."""
    for reader in _application_readers:
        if (app := reader(user, pk)) is not None:
            return app
    raise NotFound("救助申请不存在或不在您的管辖范围内")


HUNDRED = Decimal("100")

# --- scoped reads -----------------------------------------------------------------------------

def reports_for(user: User) -> QuerySet[VerificationReport]:
    return scoped(VerificationReport.objects.all(), user, area_field="household__area", capability=Cap.VERIFY_VIEW)


def report_get(user: User, pk: int) -> VerificationReport:
    report = reports_for(user).select_related("household", "area", "created_by", "application").filter(pk=pk).first()
    if report is None:
        audit.access_denied(actor=user, object_type="verification_report", requested=pk)
        raise NotFound("核对报告不存在或不在您的管辖范围内")
    return report


def household_for_verification(user: User, pk: int) -> Household:
    household = scoped(Household.objects.all(), user, area_field="area",
                       capability=Cap.VERIFY_VIEW).select_related("area", "head").filter(pk=pk).first()
    if household is None:
        audit.access_denied(actor=user, object_type="household", requested=pk)
        raise NotFound("家庭不存在或不在您的管辖范围内")
    return household


def batches_for(user: User) -> QuerySet[DepartmentBatch]:
    return scoped(DepartmentBatch.objects.all(), user, area_field="area", capability=Cap.VERIFY_VIEW)


def person_records(user: User, person_id: int, *, on: dt.date) -> list[DepartmentRecord]:
    """A person's department records in force on `on`, if the person lives in the user's area."""
    person = scoped(Person.objects.all(), user, area_field="residence_area",
                    capability=Cap.VERIFY_VIEW).filter(pk=person_id).first()
    if person is None:
        raise NotFound("人员不存在或不在您的管辖范围内")
    return list(records_in_force([person.pk], on=on).select_related("batch"))


# --- set reads --------------------------------------------------------------------------------

def _validity_q(on: dt.date) -> Q:
    q = Q(pk__in=[])
    for code, layout in sources().items():
        q |= Q(source=code, as_of__gt=on - dt.timedelta(days=layout.validity_days))
    return q & Q(as_of__lte=on)


def records_in_force(person_ids: Iterable[int], *, on: dt.date) -> QuerySet[DepartmentRecord]:
    """Per person, source and provider, the rows of the latest batch dated on or before `on` and still valid then."""
    ranked = DepartmentRecord.objects.filter(_validity_q(on), person_id__in=list(person_ids)).annotate(
        rk=Window(Rank(), partition_by=[F("person_id"), F("source"), F("provider")], order_by=[F("as_of").desc(),
                                                                                 F("batch_id").desc()]))
    return ranked.filter(rk=1).order_by("person_id", "source", "row_number")


class MemberRow(TypedDict):
    household_id: int
    person_id: int
    relation: str
    person__name: str
    person__id_number: str
    person__death_date: dt.date | None


def members_on(household_ids: Iterable[int], on: dt.date) -> list[MemberRow]:
    """Members of the households on `on` (joined on or before, not yet left)."""
    return list(Membership.objects.filter(household_id__in=list(household_ids), start_date__lte=on)
                .filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
                .order_by("household_id", "id")
                .values("household_id", "person_id", "relation", "person__name", "person__id_number",
                        "person__death_date"))


def rigid_expenses_on(household_ids: Iterable[int], on: dt.date) -> QuerySet[RigidExpense]:
    return (RigidExpense.objects.filter(household_id__in=list(household_ids), valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).select_related("person").order_by("id"))


# --- the batch 核对: totals per household in one statement ---------------------------------------

class HouseholdTotals(NamedTuple):
    household_id: int
    area_id: int
    members: int                          # members on the date, dead or alive
    living: list[tuple[int, Decimal]]     # (person id, counted monthly income) of the living members
    deceased: list[int]                   # members dead on the date (registry or a death record in force)
    asset_totals: dict[str, Decimal]      # per asset class (ASSET_CLASSES): the living members' total
    asset_counts: dict[str, int]          # per asset class: how many records
    has_rigid: bool                       # 刚性支出 in force on the date (read them with rigid_expenses_on)


_TOTALS = """
WITH m AS (
    SELECT ms.household_id, ms.person_id, h.area_id,
           CASE WHEN p.death_date IS NOT NULL AND p.death_date <= %(on)s THEN 1 ELSE 0 END AS dead
    FROM {membership} ms
    JOIN {household} h ON h.id = ms.household_id
    JOIN {person} p ON p.id = ms.person_id
    WHERE {current}
), ranked AS (
    SELECT r.person_id, r.source, r.type_code, r.amount, r.monthly_amount, r.event_date,
           RANK() OVER (PARTITION BY r.person_id, r.source, r.provider ORDER BY r.as_of DESC, r.batch_id DESC) AS rk
    FROM {record} r
    WHERE r.person_id IN (SELECT ms.person_id FROM {membership} ms WHERE {current})
      AND r.as_of <= %(on)s AND ({validity})
), ps AS (
    SELECT r.person_id, MAX(CASE WHEN {death} THEN 1 ELSE 0 END) AS dead{income}{assets}
    FROM ranked r WHERE r.rk = 1
    GROUP BY r.person_id
), pp AS (
    SELECT m.household_id, m.area_id, m.person_id,
           CASE WHEN m.dead = 1 OR ps.dead = 1 THEN 1 ELSE 0 END AS dead,
           {pick_income} AS income{person_assets}
    FROM m LEFT JOIN ps ON ps.person_id = m.person_id
)
SELECT household_id, MIN(area_id) AS area_id, COUNT(*) AS members,
       {list_ids} FILTER (WHERE dead = 0) AS living_ids, {list_income} FILTER (WHERE dead = 0) AS living_incomes,
       {list_ids} FILTER (WHERE dead = 1) AS dead_ids,
       EXISTS (SELECT 1 FROM {rigid} e WHERE e.household_id = pp.household_id AND e.valid_from <= %(on)s
               AND (e.valid_to IS NULL OR e.valid_to >= %(on)s)) AS has_rigid{asset_sums}
FROM pp GROUP BY household_id{order}
"""


def areas_of(household_ids: list[int]) -> set[int]:
    """The areas the households belong to (one statement, whatever the number of households)."""
    if not household_ids:
        return set()
    table = connection.ops.quote_name(Household._meta.db_table)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"SELECT DISTINCT area_id FROM {table} WHERE id = ANY(%s::bigint[])",
                        [_int_array(household_ids)])
        else:
            listed = ",".join(str(int(h)) for h in household_ids)
            cur.execute(f"SELECT DISTINCT area_id FROM {table} WHERE id IN ({listed})")
        return {a for (a,) in cur.fetchall()}


def _int_array(ids: Iterable[int]) -> str:
    """A PostgreSQL array literal of integers, e.g. '{1,2,3}' (cast to bigint[], the type of the ids)."""
    return "{" + ",".join(str(int(i)) for i in ids) + "}"


def _greatest(exprs: list[str]) -> str:
    if len(exprs) == 1:
        return exprs[0]
    return ("GREATEST" if connection.vendor == "postgresql" else "MAX") + f"({', '.join(exprs)})"


def _counted(shares: dict[str, Decimal], params: dict, g: int) -> str:
    """The SQL for one record's counted monthly income under one set of disregards (income type → %): the share
    taken off and the rest rounded half-up to the fen, per record, as assess() does."""
    branches = []
    for t, (type_code, share) in enumerate(sorted(shares.items())):
        params[f"dt{g}_{t}"], params[f"dk{g}_{t}"] = type_code, HUNDRED - min(share, HUNDRED)
        branches.append(f"WHEN r.type_code = %(dt{g}_{t})s THEN ROUND(r.monthly_amount * %(dk{g}_{t})s / 100, 2)")
    return f"CASE {' '.join(branches)} ELSE r.monthly_amount END" if branches else "r.monthly_amount"


def household_totals(household_ids: list[int], on: dt.date, *, disregard_by_area: dict[int, dict[str, Decimal]],
                     fetch: int = 5000) -> Iterator[list[HouseholdTotals]]:
    """Per household, what the department records in force on `on` come to — the same counting as assess() over
    the single report's lines (latest batch per person, source and provider; disregards per record; the higher
    source of an overlap group; dead members and their figures left out), done in SQL so that one row comes back
    per household. `disregard_by_area`: for each area of these households, income type → % disregarded (each
    distinct set of disregards is one income column per person; the household's area picks its column).

    Yields lists of at most `fetch` households in household id order. It is one statement for all the
    households (the database scans the records once); on PostgreSQL it fills a temporary table of one row per
    household, read through a server-side cursor, so Python's memory stays flat however many households there
    are."""
    if not household_ids:
        return
    layouts = sources()
    q = connection.ops.quote_name
    pg = connection.vendor == "postgresql"
    params: dict = {"on": on}
    if pg:
        # one array literal, written once (psycopg would adapt a list of 100,000 IDs at each of its two uses)
        params["households"] = _int_array(household_ids)
        households = "ms.household_id = ANY(%(households)s::bigint[])"
    else:
        households = f"ms.household_id IN ({','.join(str(int(h)) for h in household_ids)})"
    current = f"{households} AND ms.start_date <= %(on)s AND (ms.end_date IS NULL OR ms.end_date > %(on)s)"
    relevant = {c: s for c, s in layouts.items() if s.nature in (Nature.INCOME, Nature.ASSET) or s.type == "death"}
    validity = []
    for i, (code, layout) in enumerate(relevant.items()):
        params[f"s{i}"], params[f"v{i}"] = code, on - dt.timedelta(days=layout.validity_days)
        validity.append(f"(r.source = %(s{i})s AND r.as_of > %(v{i})s)")
    names = {code: f"%(s{i})s" for i, code in enumerate(relevant)}

    def among(codes: list[str]) -> str:
        return f"r.source IN ({', '.join(names[c] for c in codes)})" if codes else "1 = 0"

    deaths = [c for c, s in relevant.items() if s.type == "death"]
    plain = [c for c, s in relevant.items() if s.nature == Nature.INCOME and not s.overlap_group]
    groups: dict[str, list[str]] = {}
    for c, s in relevant.items():
        if s.nature == Nature.INCOME and s.overlap_group:
            groups.setdefault(s.overlap_group, []).append(c)

    profiles: dict[tuple, list[int]] = {}   # distinct disregards → the areas that have them
    for area_id, shares in disregard_by_area.items():
        profiles.setdefault(tuple(sorted((t, v) for t, v in shares.items() if v > 0)), []).append(int(area_id))
    profiles = profiles or {(): []}
    income_cols = []
    for g, profile in enumerate(profiles):
        counted = _counted(dict(profile), params, g)
        parts = [f"COALESCE(SUM({counted}) FILTER (WHERE {among(plain)}), 0)"]
        parts += [_greatest([f"COALESCE(SUM({counted}) FILTER (WHERE r.source = {names[c]}), 0)" for c in codes])
                  for codes in groups.values()]
        income_cols.append(f",\n           {' + '.join(parts)} AS income{g}")
    pick = [f"WHEN m.area_id IN ({','.join(map(str, areas))}) THEN ps.income{g}"
            for g, areas in enumerate(profiles.values())][:-1]
    last = f"ps.income{len(profiles) - 1}"
    pick_income = f"COALESCE(CASE {' '.join(pick)} ELSE {last} END, 0)" if pick else f"COALESCE({last}, 0)"

    integer = "bigint" if pg else "integer"
    assets_src = [c for c, s in relevant.items() if s.nature == Nature.ASSET]
    asset_cols, person_assets, asset_sums = [], [], []
    for i, cls in enumerate(ASSET_CLASSES):
        params[f"a{i}"] = cls
        where = f"{among(assets_src)} AND r.type_code = %(a{i})s"
        asset_cols.append(f",\n           SUM(r.amount) FILTER (WHERE {where}) AS at{i}, "
                          f"COUNT(*) FILTER (WHERE {where}) AS an{i}")
        person_assets.append(f", ps.at{i}, ps.an{i}")
        asset_sums.append(f",\n       COALESCE(SUM(at{i}) FILTER (WHERE dead = 0), 0) AS st{i}, "
                          f"CAST(COALESCE(SUM(an{i}) FILTER (WHERE dead = 0), 0) AS {integer}) AS sn{i}")
    sql = _TOTALS.format(
        membership=q(Membership._meta.db_table), household=q(Household._meta.db_table),
        person=q(Person._meta.db_table), record=q(DepartmentRecord._meta.db_table),
        rigid=q(RigidExpense._meta.db_table), current=current, validity=" OR ".join(validity),
        death=f"{among(deaths)} AND r.event_date <= %(on)s", income="".join(income_cols),
        assets="".join(asset_cols), pick_income=pick_income, person_assets="".join(person_assets),
        list_ids="ARRAY_AGG(person_id)" if pg else "GROUP_CONCAT(person_id)",
        list_income="ARRAY_AGG(income)" if pg else "GROUP_CONCAT(income)", asset_sums="".join(asset_sums),
        order="" if pg else " ORDER BY household_id")
    if not pg:
        with connection.chunked_cursor() as cur:
            cur.execute(sql, params)
            while rows := cur.fetchmany(fetch):
                yield [_totals(row, pg=False) for row in rows]
        return
    # PostgreSQL: the statement fills a temporary table (CREATE TABLE … AS may use a parallel plan; a cursor's
    # query never does, and a WITH HOLD cursor over the statement itself took 1.5× as long at 100,000
    # households), which a server-side cursor then reads in household order. The connection stays free between
    # blocks, so the caller may query or write while iterating; the table is dropped when iteration ends.
    table = q(f"mz_household_totals_{uuid.uuid4().hex[:16]}")
    try:
        with connection.cursor() as cur:
            cur.execute(f"CREATE TEMPORARY TABLE {table} AS {sql}", params)
        with connection.chunked_cursor() as cur:
            cur.execute(f"SELECT * FROM {table} ORDER BY household_id")
            while rows := cur.fetchmany(fetch):
                yield [_totals(row, pg=True) for row in rows]
    finally:
        _drop_quietly(table)


def _totals(row: tuple, *, pg: bool) -> HouseholdTotals:
    hid, area_id, members, ids, incomes, dead, has_rigid, *assets = row
    if not pg:
        ids, incomes, dead = _split(ids, int), _split(incomes, _money), _split(dead, int)
    return HouseholdTotals(
        household_id=hid, area_id=area_id, members=members,
        living=list(zip(ids or (), incomes or (), strict=True)), deceased=dead or [],
        asset_totals=dict(zip(ASSET_CLASSES, assets[0::2] if pg else map(_money, assets[0::2]), strict=True)),
        asset_counts=dict(zip(ASSET_CLASSES, assets[1::2], strict=True)),
        has_rigid=bool(has_rigid))


def _drop_quietly(table: str) -> None:
    """Drop the scratch table in a savepoint of its own. If the caller's transaction has already failed, the
    rollback removes a table created inside it, and the end of the session any other."""
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {table}")
    except (DatabaseError, TransactionManagementError):
        pass


def _money(v: object) -> Decimal:
    """SQLite hands back floats (or their text): Decimal to the fen; PostgreSQL's numeric is exact already."""
    return v if isinstance(v, Decimal) else fen(v)


def _split[T](text: str | None, conv: Callable[[str], T]) -> list[T]:
    return [conv(x) for x in text.split(",")] if text else []
