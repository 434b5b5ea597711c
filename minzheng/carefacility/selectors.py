"""Reads for 养老服务设施, each scoped through core.scope (another area's facility looks absent)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core.errors import NotFound
from minzheng.core.scope import scoped
from minzheng.registry.models import Person
from minzheng.registry.selectors import person_chosen

from .models import Admission, Bed, Facility, Finding, Inspection, InspectionDraw, Retrofit, Training


def facilities_for(user: User, capability: str = Cap.FACILITY_VIEW) -> QuerySet[Facility]:
    return scoped(Facility.objects.all(), user, area_field="area", capability=capability).select_related("area")


def facility_get(user: User, pk: int) -> Facility:
    facility = facilities_for(user).filter(pk=pk).first()
    if facility is None:
        raise NotFound("机构不存在或不在您的管辖范围内")
    return facility


def person_get(user: User, pk: int, capability: str = Cap.FACILITY_VIEW) -> Person:
    """A registry person living in the user's areas (admissions and retrofits never copy a person)."""
    person = scoped(Person.objects.all(), user, area_field="residence_area", capability=capability).filter(
        pk=pk).select_related("residence_area").first()
    if person is None:
        raise NotFound("人员不存在或不在您的管辖范围内")
    return person


def bed_in(facility: Facility, pk: int) -> Bed:
    bed = Bed.objects.filter(facility=facility, pk=pk).first()
    if bed is None:
        raise NotFound("床位不存在或不属于该机构", field="bed_id")
    return bed


def beds_of(facility: Facility) -> QuerySet[Bed]:
    return facility.beds.order_by("number")


def residents(facility: Facility) -> QuerySet[Admission]:
    return facility.admissions.filter(discharged_on__isnull=True).select_related("person", "bed",
                                                                                  "risk_assessment")


def active_admission(person: Person) -> Admission | None:
    return Admission.objects.filter(person=person, discharged_on__isnull=True).select_related(
        "facility", "bed").first()


@dataclass(frozen=True)
class Occupancy:
    capacity: int
    beds: int            # beds in service (not retired)
    nursing_beds: int
    occupied: int        # persons in residence
    free: int            # beds available now

    @property
    def rate(self) -> str:
        return f"{self.occupied * 100 / self.beds:.1f}%" if self.beds else "—"

    @property
    def full(self) -> bool:
        return self.occupied >= self.capacity


def occupancy(facility: Facility) -> Occupancy:
    counts = facility.beds.exclude(status=Bed.Status.RETIRED).aggregate(
        beds=Count("id"), nursing=Count("id", filter=Q(nursing=True)),
        free=Count("id", filter=Q(status=Bed.Status.AVAILABLE)))
    occupied = facility.admissions.filter(discharged_on__isnull=True).count()
    return Occupancy(capacity=facility.capacity, beds=counts["beds"], nursing_beds=counts["nursing"],
                     occupied=occupied, free=counts["free"])


def draws_for(user: User) -> QuerySet[InspectionDraw]:
    return scoped(InspectionDraw.objects.all(), user, area_field="area", capability=Cap.FACILITY_VIEW)


def draw_get(user: User, pk: int) -> InspectionDraw:
    draw = draws_for(user).filter(pk=pk).select_related("area").first()
    if draw is None:
        raise NotFound("抽查记录不存在或不在您的管辖范围内")
    return draw


def inspections_for(user: User) -> QuerySet[Inspection]:
    return scoped(Inspection.objects.all(), user, area_field="facility__area",
                  capability=Cap.FACILITY_VIEW).select_related("facility", "draw")


def inspection_get(user: User, pk: int) -> Inspection:
    inspection = inspections_for(user).filter(pk=pk).first()
    if inspection is None:
        raise NotFound("检查记录不存在或不在您的管辖范围内")
    return inspection


def findings_for(user: User) -> QuerySet[Finding]:
    return scoped(Finding.objects.all(), user, area_field="inspection__facility__area",
                  capability=Cap.FACILITY_VIEW).select_related("inspection__facility")


def finding_get(user: User, pk: int) -> Finding:
    finding = findings_for(user).filter(pk=pk).first()
    if finding is None:
        raise NotFound("检查发现的问题不存在或不在您的管辖范围内")
    return finding


def overdue_findings(user: User, today: dt.date) -> QuerySet[Finding]:
    """Rectifications past their deadline and still open: the supervisor's 督办 list, oldest deadline first."""
    return findings_for(user).filter(status=Finding.Status.OPEN, deadline__lt=today).order_by("deadline", "id")


def retrofits_for(user: User) -> QuerySet[Retrofit]:
    return scoped(Retrofit.objects.all(), user, area_field="area",
                  capability=Cap.FACILITY_VIEW).select_related("person", "area")


def retrofit_get(user: User, pk: int) -> Retrofit:
    retrofit = retrofits_for(user).filter(pk=pk).first()
    if retrofit is None:
        raise NotFound("适老化改造申请不存在或不在您的管辖范围内")
    return retrofit


def person_by_id_number(user: User, id_number: str, capability: str = Cap.FACILITY_VIEW, *,
                        person_id: str = "") -> Person:
    """The elder a form names: the person search's choice (`person_id`) or, without JavaScript, the typed 身份证号;
    a forged or out-of-scope id is refused exactly like an unknown number."""
    person = person_chosen(user, person_id=person_id, id_number=id_number, capability=capability)
    if person is None:
        raise NotFound("未找到该身份证号的人员，或其不在您的管辖范围内（请先在人员档案中登记）", field="id_number")
    return person


def trainings_for(user: User) -> QuerySet[Training]:
    return scoped(Training.objects.all(), user, area_field="area",
                  capability=Cap.FACILITY_VIEW).select_related("area")
