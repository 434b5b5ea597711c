"""Reads for 核对. Personal data (records, reports) passes through core.scope; the set reads used by the programme
modules and the batch 核对 (members_on, lines_for_households) are internal and unscoped."""

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import F, Q, Window
from django.db.models.functions import Rank

from minzheng.accounts.roles import Cap
from minzheng.core.errors import NotFound
from minzheng.core.scope import scoped
from minzheng.registry.models import Household, Membership, Person

from .adapters import sources
from .models import DepartmentBatch, DepartmentRecord, RigidExpense, VerificationReport

# --- scoped reads -----------------------------------------------------------------------------

def reports_for(user):
    return scoped(VerificationReport.objects.all(), user, area_field="household__area", capability=Cap.VERIFY_VIEW)


def report_get(user, pk) -> VerificationReport:
    report = reports_for(user).select_related("household", "area", "created_by").filter(pk=pk).first()
    if report is None:
        raise NotFound("核对报告不存在或不在您的管辖范围内")
    return report


def household_for_verification(user, pk) -> Household:
    household = scoped(Household.objects.all(), user, area_field="area",
                       capability=Cap.VERIFY_VIEW).select_related("area", "head").filter(pk=pk).first()
    if household is None:
        raise NotFound("家庭不存在或不在您的管辖范围内")
    return household


def batches_for(user):
    return scoped(DepartmentBatch.objects.all(), user, area_field="area", capability=Cap.VERIFY_VIEW)


def person_records(user, person_id, *, on: dt.date) -> list[DepartmentRecord]:
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


def records_in_force(person_ids: Iterable[int], *, on: dt.date):
    """Per person, source and provider, the rows of the latest batch dated on or before `on` and still valid then."""
    ranked = DepartmentRecord.objects.filter(_validity_q(on), person_id__in=list(person_ids)).annotate(
        rk=Window(Rank(), partition_by=[F("person_id"), F("source"), F("provider")], order_by=[F("as_of").desc(),
                                                                                 F("batch_id").desc()]))
    return ranked.filter(rk=1).order_by("person_id", "source", "row_number")


def members_on(household_ids: Iterable[int], on: dt.date) -> list[dict]:
    """Members of the households on `on` (joined on or before, not yet left)."""
    return list(Membership.objects.filter(household_id__in=list(household_ids), start_date__lte=on)
                .filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
                .order_by("household_id", "id")
                .values("household_id", "person_id", "relation", "person__name", "person__id_number",
                        "person__death_date"))


def rigid_expenses_on(household_ids: Iterable[int], on: dt.date):
    return (RigidExpense.objects.filter(household_id__in=list(household_ids), valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).select_related("person").order_by("id"))


_AGGREGATED_LINES = """
WITH ranked AS (
    SELECT r.person_id, r.source, r.type_code, r.amount, r.monthly_amount, r.event_date, r.name_in_source,
           RANK() OVER (PARTITION BY r.person_id, r.source, r.provider ORDER BY r.as_of DESC, r.batch_id DESC) AS rk
    FROM {record} r
    WHERE r.person_id IN ({persons}) AND r.as_of <= %s AND ({validity})
)
SELECT person_id, source, type_code, SUM(amount), SUM(monthly_amount), MAX(event_date), COUNT(*),
       MIN(name_in_source), MAX(name_in_source)
FROM ranked WHERE rk = 1
GROUP BY person_id, source, type_code
"""


def lines_for_persons(person_ids: list[int], on: dt.date) -> list[tuple]:
    """In-force records summed per (person, source, type) — the batch 核对 works on these sums."""
    if not person_ids:
        return []
    validity, params = [], []
    for code, layout in sources().items():
        validity.append("(r.source = %s AND r.as_of > %s)")
        params += [code, on - dt.timedelta(days=layout.validity_days)]
    sql = _AGGREGATED_LINES.format(record=connection.ops.quote_name(DepartmentRecord._meta.db_table),
                                   persons=",".join(str(int(p)) for p in person_ids),
                                   validity=" OR ".join(validity))
    with connection.cursor() as cur:
        cur.execute(sql, [on, *params])
        return cur.fetchall()
