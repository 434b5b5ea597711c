"""养老服务设施 REST API. Every id is looked up through the scoped selectors: another area's facility, person,
inspection or retrofit answers exactly like an id that does not exist."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja import Router, Schema, Status

from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core.api import require
from minzheng.core.errors import NotFound
from minzheng.core.inputs import BureauDate, Year
from minzheng.core.scope import can_access_area

from . import rules, selectors, services
from .models import Facility

router = Router(tags=["养老服务设施"])


class FacilityIn(Schema):
    name: str
    kind: str
    ownership: str
    area_code: str
    operator: str
    capacity: int
    filing_number: str = ""
    address: str = ""
    medical_integration: bool = False
    registered_on: dt.date | None = None


class OccupancyOut(Schema):
    capacity: int
    beds: int
    nursing_beds: int
    occupied: int
    free: int
    rate: str
    full: bool


class FacilityOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    ownership: str
    ownership_label: str
    area_code: str
    area_name: str
    operator: str
    filing_number: str
    capacity: int
    medical_integration: bool
    status: str
    status_label: str
    registered_on: dt.date
    star_level: int | None
    occupancy: OccupancyOut

    @staticmethod
    def of(f: Facility) -> "FacilityOut":
        occ = selectors.occupancy(f)
        return FacilityOut(
            id=f.pk, name=f.name, kind=f.kind, kind_label=f.get_kind_display(), ownership=f.ownership,
            ownership_label=f.get_ownership_display(), area_code=f.area.code, area_name=f.area.name,
            operator=f.operator, filing_number=f.filing_number, capacity=f.capacity,
            medical_integration=f.medical_integration, status=f.status, status_label=f.get_status_display(),
            registered_on=f.registered_on, star_level=f.star_level,
            occupancy=OccupancyOut(capacity=occ.capacity, beds=occ.beds, nursing_beds=occ.nursing_beds,
                                   occupied=occ.occupied, free=occ.free, rate=occ.rate, full=occ.full))


class StatusIn(Schema):
    status: str
    reason: str
    on: dt.date | None = None


class BedIn(Schema):
    number: str
    registration_code: str
    nursing: bool = False
    opened_on: dt.date | None = None


class BedOut(Schema):
    id: int
    number: str
    registration_code: str
    nursing: bool
    status: str
    status_label: str


class RiskIn(Schema):
    person_id: int
    items: dict[str, str]
    assessors: str
    assessed_on: dt.date | None = None
    note: str = ""


class RiskOut(Schema):
    id: int
    person_id: int
    assessed_on: dt.date
    items: dict[str, str]
    overall: str
    ruleset: str


class AdmitIn(Schema):
    person_id: int
    bed_id: int
    admitted_on: dt.date | None = None


class DischargeIn(Schema):
    person_id: int
    reason: str
    discharged_on: dt.date | None = None


class AdmissionOut(Schema):
    id: int
    person_id: int
    person_name: str
    bed_number: str
    admitted_on: dt.date
    discharged_on: dt.date | None
    discharge_reason: str
    risk_overall: str


def _admission(a) -> AdmissionOut:
    return AdmissionOut(id=a.pk, person_id=a.person_id, person_name=a.person.name, bed_number=a.bed.number,
                        admitted_on=a.admitted_on, discharged_on=a.discharged_on,
                        discharge_reason=a.discharge_reason, risk_overall=a.risk_assessment.overall)


class EvaluationIn(Schema):
    scores: dict[str, Decimal]
    evaluators: str
    evaluated_on: dt.date | None = None
    prerequisites_met: bool = True


class EvaluationOut(Schema):
    id: int
    evaluated_on: dt.date
    scores: dict[str, str]
    total: Decimal
    level: int | None
    ruleset: str
    explanation: str


class DrawIn(Schema):
    """The seed is drawn by the server and recorded with the draw (and returned): a caller-chosen seed could steer
    which facilities are picked."""

    area_code: str
    sample_size: int
    drawn_on: dt.date | None = None
    note: str = ""


class InspectionOut(Schema):
    id: int
    facility_id: int
    facility_name: str
    inspectors: list[str]
    status: str
    status_label: str
    inspected_on: dt.date | None
    result_summary: str


def _inspection(i) -> InspectionOut:
    return InspectionOut(id=i.pk, facility_id=i.facility_id, facility_name=i.facility.name,
                         inspectors=[str(u) for u in i.inspectors.order_by("id")], status=i.status,
                         status_label=i.get_status_display(), inspected_on=i.inspected_on,
                         result_summary=i.result_summary)


class DrawOut(Schema):
    id: int
    area_code: str
    drawn_on: dt.date
    seed: int
    sample_size: int
    facility_pool: list[int]
    inspector_pool: list[int]
    inspections: list[InspectionOut]


def _draw(d) -> DrawOut:
    return DrawOut(id=d.pk, area_code=d.area.code, drawn_on=d.drawn_on, seed=d.seed, sample_size=d.sample_size,
                   facility_pool=d.facility_pool, inspector_pool=d.inspector_pool,
                   inspections=[_inspection(i) for i in d.inspections.select_related("facility").order_by("id")])


class FindingIn(Schema):
    description: str
    deadline: dt.date


class RecordIn(Schema):
    summary: str
    inspected_on: dt.date | None = None
    findings: list[FindingIn] = []


class FindingOut(Schema):
    id: int
    inspection_id: int
    facility_name: str
    description: str
    deadline: dt.date
    status: str
    rectified_on: dt.date | None
    days_overdue: int


def _finding(f, today) -> FindingOut:
    late = (today - f.deadline).days if f.status == "open" else 0
    return FindingOut(id=f.pk, inspection_id=f.inspection_id, facility_name=f.inspection.facility.name,
                      description=f.description, deadline=f.deadline, status=f.status, rectified_on=f.rectified_on,
                      days_overdue=max(late, 0))


class RectifyIn(Schema):
    note: str
    rectified_on: dt.date | None = None


class RetrofitIn(Schema):
    person_id: int
    needs: str
    address: str = ""
    applied_on: dt.date | None = None


class RetrofitStepIn(Schema):
    note: str
    on: dt.date | None = None
    planned_items: str = ""
    contractor: str = ""


class RetrofitOut(Schema):
    id: int
    person_id: int
    person_name: str
    area_code: str
    status: str
    status_label: str
    applied_on: dt.date
    needs: str
    planned_items: str
    contractor: str
    accepted_on: dt.date | None


def _retrofit(r) -> RetrofitOut:
    return RetrofitOut(id=r.pk, person_id=r.person_id, person_name=r.person.name, area_code=r.area.code,
                       status=r.status, status_label=r.get_status_display(), applied_on=r.applied_on, needs=r.needs,
                       planned_items=r.planned_items, contractor=r.contractor, accepted_on=r.accepted_on)


def _area(user, code: str) -> Area:
    area = Area.objects.current().filter(code=code).first()
    if area is None or not can_access_area(user, area):
        raise NotFound(f"行政区划“{code}”不存在或不在您的管辖范围内", field="area_code")
    return area


# --- facilities and beds --------------------------------------------------------------------------------

@router.get("/facilities", response=list[FacilityOut], summary="养老服务设施（本辖区）")
def list_facilities(request, kind: str = ""):
    require(request.user, Cap.FACILITY_VIEW)
    qs = selectors.facilities_for(request.user)
    return [FacilityOut.of(f) for f in (qs.filter(kind=kind) if kind else qs)[:500]]


@router.post("/facilities", response={201: FacilityOut}, summary="机构备案")
def register_facility(request, payload: FacilityIn):
    data = payload.dict()
    area = _area(request.user, data.pop("area_code"))
    return Status(201, FacilityOut.of(services.facility_register(actor=request.user, area=area, **data)))


@router.get("/facilities/{facility_id}", response=FacilityOut, summary="机构详情与床位占用")
def get_facility(request, facility_id: int):
    return FacilityOut.of(selectors.facility_get(request.user, facility_id))


@router.post("/facilities/{facility_id}/status", response=FacilityOut, summary="暂停、恢复或注销机构")
def set_status(request, facility_id: int, payload: StatusIn):
    facility = selectors.facility_get(request.user, facility_id)
    return FacilityOut.of(services.facility_set_status(actor=request.user, facility=facility, **payload.dict()))


@router.get("/facilities/{facility_id}/beds", response=list[BedOut], summary="机构床位")
def list_beds(request, facility_id: int):
    facility = selectors.facility_get(request.user, facility_id)
    return [BedOut(id=b.pk, number=b.number, registration_code=b.registration_code, nursing=b.nursing,
                   status=b.status, status_label=b.get_status_display()) for b in selectors.beds_of(facility)]


@router.post("/facilities/{facility_id}/beds", response={201: BedOut}, summary="登记床位")
def add_bed(request, facility_id: int, payload: BedIn):
    facility = selectors.facility_get(request.user, facility_id)
    b = services.bed_add(actor=request.user, facility=facility, **payload.dict())
    return Status(201, BedOut(id=b.pk, number=b.number, registration_code=b.registration_code, nursing=b.nursing,
                              status=b.status, status_label=b.get_status_display()))


# --- admission -------------------------------------------------------------------------------------------

@router.get("/rulesets/risk-assessment", summary="GB 38600-2019 服务安全风险评估项目与等级（数据文件）")
def risk_rules(request, on: BureauDate | None = None):
    rs = rules.risk_ruleset(on or timezone.localdate())
    return {"version": rs.version, "items": rs.items, "levels": {k: v[0] for k, v in rs.levels.items()}}


@router.get("/rulesets/star-rating", summary="GB/T 37276-2018 等级评定分值与星级分数线（数据文件）")
def star_rules(request, on: BureauDate | None = None):
    rs = rules.star_ruleset(on or timezone.localdate())
    return {"version": rs.version, "parts": {k: {"name": n, "max": str(m)} for k, (n, m) in rs.parts.items()},
            "levels": [{"level": lv.level, "name": lv.name, "min_total": str(lv.min_total),
                        "min_part_share": str(lv.min_part_share)} for lv in rs.levels]}


@router.post("/facilities/{facility_id}/risk-assessments", response={201: RiskOut},
             summary="入住前服务安全风险评估（GB 38600-2019）")
def assess_risk(request, facility_id: int, payload: RiskIn):
    facility = selectors.facility_get(request.user, facility_id)
    person = selectors.person_get(request.user, payload.person_id)
    ra = services.risk_assess(actor=request.user, facility=facility, person=person, items=payload.items,
                              assessors=payload.assessors, assessed_on=payload.assessed_on, note=payload.note)
    return Status(201, RiskOut(id=ra.pk, person_id=person.pk, assessed_on=ra.assessed_on, items=ra.items,
                               overall=ra.overall, ruleset=ra.ruleset))


@router.get("/facilities/{facility_id}/residents", response=list[AdmissionOut], summary="在住老人")
def list_residents(request, facility_id: int):
    facility = selectors.facility_get(request.user, facility_id)
    return [_admission(a) for a in selectors.residents(facility)]


@router.post("/facilities/{facility_id}/admissions", response={201: AdmissionOut}, summary="办理入住")
def admit(request, facility_id: int, payload: AdmitIn):
    facility = selectors.facility_get(request.user, facility_id)
    person = selectors.person_get(request.user, payload.person_id)
    bed = selectors.bed_in(facility, payload.bed_id)
    a = services.admit(actor=request.user, facility=facility, person=person, bed=bed,
                       admitted_on=payload.admitted_on)
    return Status(201, _admission(a))


@router.post("/facilities/{facility_id}/discharges", response=AdmissionOut, summary="办理退住（床位随即空出）")
def discharge(request, facility_id: int, payload: DischargeIn):
    facility = selectors.facility_get(request.user, facility_id)
    person = selectors.person_get(request.user, payload.person_id)
    return _admission(services.discharge(actor=request.user, facility=facility, person=person,
                                         reason=payload.reason, discharged_on=payload.discharged_on))


@router.post("/facilities/{facility_id}/evaluations", response={201: EvaluationOut},
             summary="等级评定（GB/T 37276-2018）")
def evaluate(request, facility_id: int, payload: EvaluationIn):
    facility = selectors.facility_get(request.user, facility_id)
    ev = services.star_evaluate(actor=request.user, facility=facility, **payload.dict())
    return Status(201, EvaluationOut(id=ev.pk, evaluated_on=ev.evaluated_on, scores=ev.scores, total=ev.total,
                                     level=ev.level, ruleset=ev.ruleset, explanation=ev.explanation))


# --- 双随机一公开 ---------------------------------------------------------------------------------------

@router.post("/inspections/draws", response={201: DrawOut}, summary="双随机抽取检查对象和检查人员")
def draw(request, payload: DrawIn):
    area = _area(request.user, payload.area_code)
    d = services.inspection_draw(actor=request.user, area=area, sample_size=payload.sample_size,
                                 drawn_on=payload.drawn_on, note=payload.note)
    return Status(201, _draw(d))


@router.get("/inspections/draws/{draw_id}", response=DrawOut, summary="抽查记录（含种子和待抽名单，可复现）")
def get_draw(request, draw_id: int):
    return _draw(selectors.draw_get(request.user, draw_id))


@router.post("/inspections/{inspection_id}/result", response=InspectionOut, summary="录入检查结果和整改期限")
def record(request, inspection_id: int, payload: RecordIn):
    inspection = selectors.inspection_get(request.user, inspection_id)
    i = services.inspection_record(actor=request.user, inspection=inspection, inspected_on=payload.inspected_on,
                                   summary=payload.summary, findings=[f.dict() for f in payload.findings])
    return _inspection(i)


@router.get("/findings/overdue", response=list[FindingOut], summary="逾期未整改清单")
def overdue(request):
    require(request.user, Cap.FACILITY_VIEW)
    today = timezone.localdate()
    return [_finding(f, today) for f in selectors.overdue_findings(request.user, today)[:500]]


@router.post("/findings/{finding_id}/rectify", response=FindingOut, summary="整改完成")
def rectify(request, finding_id: int, payload: RectifyIn):
    finding = selectors.finding_get(request.user, finding_id)
    f = services.finding_rectify(actor=request.user, finding=finding, note=payload.note,
                                 rectified_on=payload.rectified_on)
    return _finding(f, timezone.localdate())


# --- 适老化改造 --------------------------------------------------------------------------------------------

@router.post("/retrofits", response={201: RetrofitOut}, summary="适老化改造申请")
def apply_retrofit(request, payload: RetrofitIn):
    person = selectors.person_get(request.user, payload.person_id)
    r = services.retrofit_apply(actor=request.user, person=person, needs=payload.needs, address=payload.address,
                                applied_on=payload.applied_on)
    return Status(201, _retrofit(r))


@router.get("/retrofits/{retrofit_id}", response=RetrofitOut, summary="适老化改造申请详情")
def get_retrofit(request, retrofit_id: int):
    return _retrofit(selectors.retrofit_get(request.user, retrofit_id))


@router.post("/retrofits/{retrofit_id}/{action}", response=RetrofitOut,
             summary="适老化改造办理（assess 评估 / reject 不予改造 / start 开工 / accept 验收）")
def retrofit_step(request, retrofit_id: int, action: str, payload: RetrofitStepIn):
    retrofit = selectors.retrofit_get(request.user, retrofit_id)
    return _retrofit(services.retrofit_step(actor=request.user, retrofit=retrofit, action=action, **payload.dict()))


class TrainingIn(Schema):
    area_code: str
    title: str
    organiser: str
    held_on: dt.date
    trainees: int
    hours: Decimal


class TrainingOut(Schema):
    id: int
    area_code: str
    title: str
    organiser: str
    held_on: dt.date
    trainees: int
    hours: Decimal


def _training(t) -> TrainingOut:
    return TrainingOut(id=t.pk, area_code=t.area.code, title=t.title, organiser=t.organiser, held_on=t.held_on,
                       trainees=t.trainees, hours=t.hours)


@router.get("/trainings", response=list[TrainingOut], summary="养老服务人员培训登记（本辖区）")
def list_trainings(request, year: Year | None = None):
    require(request.user, Cap.FACILITY_VIEW)
    qs = selectors.trainings_for(request.user)
    return [_training(t) for t in (qs.filter(held_on__year=year) if year else qs)[:500]]


@router.post("/trainings", response={201: TrainingOut}, summary="登记养老服务人员培训")
def record_training(request, payload: TrainingIn):
    area = Area.objects.current().filter(code=payload.area_code).first()
    if area is None or not can_access_area(request.user, area):
        raise NotFound()
    t = services.training_record(actor=request.user, area=area, title=payload.title, organiser=payload.organiser,
                                 held_on=payload.held_on, trainees=payload.trainees, hours=payload.hours)
    return Status(201, _training(t))
