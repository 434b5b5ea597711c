"""Writes for 养老服务设施: one function per state change, each validating, writing and auditing in one
transaction. Errors are DomainErrors in Chinese naming the field; a refused change writes nothing."""

import datetime as dt
import random
import secrets
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import CAPABILITIES, Cap
from minzheng.areas.models import Area, Level
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.core.periods import born_on_or_before, check_not_before_records
from minzheng.core.scope import can_access_area, ensure_can, subtree_q, users_within_q
from minzheng.registry.models import Person

from . import rules, selectors
from .models import (
    BED_KINDS,
    INSTITUTION_KINDS,
    Admission,
    Bed,
    Facility,
    Finding,
    Inspection,
    InspectionDraw,
    Kind,
    Ownership,
    Retrofit,
    RiskAssessment,
    StarEvaluation,
    Training,
)

# Where each kind may be filed: a 综合养老服务中心 serves a town, a 服务站 a village; the others sit in either.
KIND_LEVELS: dict[str, tuple[str, ...]] = {
    Kind.TOWN_CENTRE: (Level.TOWN,),
    Kind.VILLAGE_STATION: (Level.VILLAGE,),
}
DEFAULT_LEVELS = (Level.TOWN, Level.VILLAGE)
LEVEL_NAMES: dict[str, str] = {Level.TOWN: "镇街", Level.VILLAGE: "村居"}


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def _record(actor: User, action: str, obj: Model, area: Area, *, before: dict | None = None,
            after: dict | None = None) -> None:
    audit.record(actor=actor, action=action, object_type=type(obj).__name__.lower(), object_id=obj.pk,
                 object_repr=str(obj), area_code=area.code, before=before, after=after)


def _text(value: str | None, field: str, label: str, *, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"{label}不能为空", field=field)
    if len(value) > max_length:
        raise DomainError(f"{label}不能超过{max_length}个字", field=field)
    return value


def _person_in_scope(actor: User, person: Person, capability: str) -> None:
    if not can_access_area(actor, person.residence_area):
        raise NotFound("人员不存在或不在您的管辖范围内")
    ensure_can(actor, person.residence_area, capability)


def _locked(facility: Facility) -> Facility:
    """Re-read the facility under a row lock: admissions and bed changes of one facility queue up here."""
    return Facility.objects.select_for_update().select_related("area").get(pk=facility.pk)


# --- facilities ----------------------------------------------------------------------------------------

def facility_register(*, actor: User, name: str, kind: str, ownership: str, area: Area, operator: str, capacity: int,
                      filing_number: str = "", address: str = "", medical_integration: bool = False,
                      registered_on: dt.date | None = None) -> Facility:
    """备案 (register) a facility in a town or village of the actor's areas."""
    ensure_can(actor, area, Cap.FACILITY_MANAGE)
    name = _text(name, "name", "机构名称", max_length=100)
    operator = _text(operator, "operator", "运营方", max_length=100)
    if kind not in Kind.values:
        raise DomainError(f"机构类型“{kind}”无效，应为{'、'.join(Kind.labels)}之一", field="kind")
    if ownership not in Ownership.values:
        raise DomainError(f"机构性质“{ownership}”无效，应为{'、'.join(Ownership.labels)}之一", field="ownership")
    levels = KIND_LEVELS.get(kind, DEFAULT_LEVELS)
    if area.level not in levels:
        where = "或".join(LEVEL_NAMES[lv] for lv in levels)
        raise DomainError(f"{Kind(kind).label}应备案在{where}，“{area.name}”是{area.get_level_display()}",
                          field="area")
    if area.valid_to is not None:
        raise DomainError(f"“{area.name}”已撤销，不能在其下备案机构", field="area")
    if capacity is None or int(capacity) < 1:
        raise DomainError("核定床位（服务容量）应为正整数", field="capacity")
    filing_number = (filing_number or "").strip()
    if filing_number and Facility.objects.filter(filing_number=filing_number).exists():
        raise DomainError(f"备案号“{filing_number}”已被其他机构使用", field="filing_number", code="duplicate")
    with transaction.atomic():
        facility = Facility.objects.create(
            name=name, kind=kind, ownership=ownership, area=area, operator=operator, capacity=int(capacity),
            filing_number=filing_number, address=(address or "").strip()[:200],
            medical_integration=bool(medical_integration), registered_on=_today(registered_on), created_by=actor)
        _record(actor, "facility.register", facility, area, after={
            "name": name, "kind": kind, "ownership": ownership, "area": area.code, "operator": operator,
            "capacity": facility.capacity, "filing_number": filing_number, "registered_on": facility.registered_on,
            "medical_integration": facility.medical_integration})
    return facility


def facility_set_capacity(*, actor: User, facility: Facility, capacity: int) -> Facility:
    ensure_can(actor, facility.area, Cap.FACILITY_MANAGE)
    with transaction.atomic():
        facility = _locked(facility)
        occ = selectors.occupancy(facility)
        if capacity is None or int(capacity) < max(1, occ.beds, occ.occupied):
            raise DomainError(f"核定床位不能少于在用床位数{occ.beds}张和在住人数{occ.occupied}人", field="capacity")
        before = facility.capacity
        facility.capacity = int(capacity)
        facility.save(update_fields=["capacity"])
        _record(actor, "facility.capacity", facility, facility.area, before={"capacity": before},
                after={"capacity": facility.capacity})
    return facility


def facility_set_status(*, actor: User, facility: Facility, status: str, reason: str, on: dt.date | None = None
                        ) -> Facility:
    """暂停 / 恢复 / 注销. A facility with residents cannot be closed: discharge or transfer them first."""
    ensure_can(actor, facility.area, Cap.FACILITY_MANAGE)
    reason = _text(reason, "reason", "原因", max_length=200)
    if status not in Facility.Status.values:
        raise DomainError(f"状态“{status}”无效", field="status")
    on = _today(on)
    with transaction.atomic():
        facility = _locked(facility)
        if facility.status == Facility.Status.CLOSED:
            raise DomainError(f"“{facility.name}”已注销，不能再变更状态", field="status", code="closed")
        if facility.status == status:
            raise DomainError(f"“{facility.name}”已是{facility.get_status_display()}状态", field="status")
        if status == Facility.Status.CLOSED:
            n = selectors.residents(facility).count()
            if n:
                raise DomainError(f"“{facility.name}”尚有{n}名老人在住，须先办理退住才能注销", field="status")
            if on < facility.registered_on:
                raise DomainError("注销日期不能早于备案日期", field="on")
            facility.closed_on = on
            facility.beds.exclude(status=Bed.Status.RETIRED).update(status=Bed.Status.RETIRED, retired_on=on)
        before = facility.status
        facility.status = status
        facility.save(update_fields=["status", "closed_on"])
        _record(actor, "facility.status", facility, facility.area, before={"status": before},
                after={"status": status, "reason": reason, "on": on})
    return facility


# --- beds ----------------------------------------------------------------------------------------------

def bed_add(*, actor: User, facility: Facility, number: str, registration_code: str, nursing: bool = False,
            opened_on: dt.date | None = None) -> Bed:
    """Register a bed. Its registration code must be new everywhere: a bed counted by two facilities is refused."""
    ensure_can(actor, facility.area, Cap.FACILITY_MANAGE)
    number = _text(number, "number", "床位号", max_length=32)
    code = _text(registration_code, "registration_code", "床位登记编码", max_length=40)
    with transaction.atomic():
        facility = _locked(facility)
        if facility.kind not in BED_KINDS:
            raise DomainError(f"{facility.get_kind_display()}不设床位", field="facility", code="no_beds")
        if facility.status == Facility.Status.CLOSED:
            raise DomainError(f"“{facility.name}”已注销，不能登记床位", field="facility", code="closed")
        if facility.beds.filter(number=number).exists():
            raise DomainError(f"“{facility.name}”已有{number}号床位，床位号在机构内不能重复", field="number",
                              code="duplicate")
        other = Bed.objects.filter(registration_code=code).select_related("facility").first()
        if other is not None:
            where = "本机构" if other.facility_id == facility.pk else f"“{other.facility.name}”"
            raise DomainError(f"床位登记编码“{code}”已登记为{where}的{other.number}号床位，同一张床位不能在两个机构"
                              f"重复计算", field="registration_code", code="bed_counted_twice")
        in_service = facility.beds.exclude(status=Bed.Status.RETIRED).count()
        if in_service >= facility.capacity:
            raise DomainError(f"“{facility.name}”核定床位{facility.capacity}张，已登记{in_service}张，不能再增加",
                              field="number", code="over_capacity")
        try:
            with transaction.atomic():
                bed = Bed.objects.create(facility=facility, number=number, registration_code=code,
                                         nursing=bool(nursing), opened_on=_today(opened_on))
        except IntegrityError as e:  # a concurrent registration of the same code elsewhere
            raise Conflict(f"床位登记编码“{code}”已被登记，同一张床位不能在两个机构重复计算",
                           field="registration_code") from e
        _record(actor, "bed.add", bed, facility.area, after={
            "facility": facility.pk, "number": number, "registration_code": code, "nursing": bed.nursing,
            "opened_on": bed.opened_on})
    return bed


def bed_set_status(*, actor: User, bed: Bed, status: str, on: dt.date | None = None) -> Bed:
    """空闲 ↔ 维修停用, or 撤销. An occupied bed changes only through admission and discharge."""
    facility = bed.facility
    ensure_can(actor, facility.area, Cap.FACILITY_MANAGE)
    allowed = (Bed.Status.AVAILABLE, Bed.Status.MAINTENANCE, Bed.Status.RETIRED)
    if status not in allowed:
        raise DomainError("床位状态只能改为空闲、维修停用或撤销（在住由入住、退住办理）", field="status")
    with transaction.atomic():
        _locked(facility)
        bed = Bed.objects.get(pk=bed.pk)
        if bed.status == Bed.Status.OCCUPIED:
            raise DomainError(f"{bed.number}号床位有老人在住，须先办理退住", field="status", code="occupied")
        if bed.status == Bed.Status.RETIRED:
            raise DomainError(f"{bed.number}号床位已撤销", field="status", code="retired")
        before = bed.status
        bed.status = status
        if status == Bed.Status.RETIRED:
            bed.retired_on = _today(on)
        bed.save(update_fields=["status", "retired_on"])
        _record(actor, "bed.status", bed, facility.area, before={"status": before},
                after={"status": status, "retired_on": bed.retired_on})
    return bed


# --- GB 38600 risk assessment, admission, discharge -----------------------------------------------------

def risk_assess(*, actor: User, facility: Facility, person: Person, items: dict, assessors: str,
                assessed_on: dt.date | None = None, note: str = "") -> RiskAssessment:
    """Record a GB 38600-2019 服务安全风险评估 (every item of the ruleset, each with a level)."""
    ensure_can(actor, facility.area, Cap.FACILITY_ADMIT)
    _person_in_scope(actor, person, Cap.FACILITY_ADMIT)
    on = _today(assessed_on)
    if on > timezone.localdate():
        raise DomainError("评估日期不能晚于今天", field="assessed_on")
    assessors = _text(assessors, "assessors", "评估人员", max_length=100)
    ruleset = rules.risk_ruleset(on)
    answers = rules.check_risk_answers(ruleset, items)
    overall = ruleset.overall(answers)
    with transaction.atomic():
        ra = RiskAssessment.objects.create(person=person, facility=facility, assessed_on=on, assessors=assessors,
                                           items=answers, overall=overall, ruleset=ruleset.version,
                                           note=(note or "")[:300], created_by=actor)
        _record(actor, "facility.risk_assess", ra, facility.area, after={
            "person": person.pk, "facility": facility.pk, "assessed_on": on, "overall": overall,
            "ruleset": ruleset.version})
    return ra


def _usable_assessment(facility: Facility, person: Person, on: dt.date) -> RiskAssessment:
    days = int(rules.param("risk_assessment_valid_days", on))
    ra = RiskAssessment.objects.filter(facility=facility, person=person, assessed_on__lte=on,
                                       assessed_on__gte=on - dt.timedelta(days=days)).order_by(
        "-assessed_on", "-id").first()
    if ra is None:
        raise DomainError(f"{person.name}入住前须先完成GB 38600-2019服务安全风险评估：未找到本机构在入住日前{days}日内"
                          f"的评估记录", field="risk_assessment", code="risk_assessment_missing")
    return ra


def admit(*, actor: User, facility: Facility, person: Person, bed: Bed, admitted_on: dt.date | None = None
          ) -> Admission:
    """入住: the registry person into one free bed of an operating facility that is not full, after the GB 38600
    risk assessment. The facility row lock serialises admissions, so two clerks cannot overfill it."""
    ensure_can(actor, facility.area, Cap.FACILITY_ADMIT)
    _person_in_scope(actor, person, Cap.FACILITY_ADMIT)
    on = _today(admitted_on)
    if on > timezone.localdate():
        raise DomainError("入住日期不能晚于今天", field="admitted_on")
    with transaction.atomic():
        facility = _locked(facility)
        if facility.status != Facility.Status.OPERATING:
            raise DomainError(f"“{facility.name}”{facility.get_status_display()}，不能办理入住", field="facility",
                              code="not_operating")
        if bed.facility_id != facility.pk:
            raise DomainError(f"床位{bed.number}不属于“{facility.name}”", field="bed_id")
        if person.death_date and person.death_date <= on:
            raise DomainError(f"{person.name}已登记死亡，不能办理入住", field="person_id")
        current = selectors.active_admission(person)
        if current is not None:
            raise DomainError(f"{person.name}已入住“{current.facility.name}”{current.bed.number}号床位，一人同时只能"
                              f"占用一张床位，须先办理退住", field="person_id", code="already_admitted")
        n = selectors.residents(facility).count()
        if n >= facility.capacity:
            raise DomainError(f"“{facility.name}”已满员：核定床位{facility.capacity}张，在住{n}人，不能再办理入住",
                              field="facility", code="facility_full")
        bed = Bed.objects.get(pk=bed.pk)
        if bed.status != Bed.Status.AVAILABLE:
            raise DomainError(f"{bed.number}号床位{bed.get_status_display()}，请选择空闲床位", field="bed_id",
                              code="bed_unavailable")
        ra = _usable_assessment(facility, person, on)
        try:
            with transaction.atomic():
                admission = Admission.objects.create(person=person, facility=facility, bed=bed, risk_assessment=ra,
                                                     admitted_on=on, created_by=actor)
        except IntegrityError as e:
            raise Conflict(f"{person.name}或{bed.number}号床位已有在住记录", field="person_id") from e
        bed.status = Bed.Status.OCCUPIED
        bed.save(update_fields=["status"])
        _record(actor, "facility.admit", admission, facility.area, after={
            "person": person.pk, "facility": facility.pk, "bed": bed.number, "admitted_on": on,
            "risk_assessment": ra.pk, "risk_overall": ra.overall})
    return admission


def discharge(*, actor: User, facility: Facility, person: Person, reason: str,
              discharged_on: dt.date | None = None) -> Admission:
    """退住: ends the person's stay in this facility and frees the bed."""
    ensure_can(actor, facility.area, Cap.FACILITY_ADMIT)
    _person_in_scope(actor, person, Cap.FACILITY_ADMIT)
    reason = _text(reason, "reason", "退住原因", max_length=200)
    on = _today(discharged_on)
    with transaction.atomic():
        facility = _locked(facility)
        admission = Admission.objects.filter(facility=facility, person=person, discharged_on__isnull=True).first()
        if admission is None:
            raise DomainError(f"{person.name}目前未入住“{facility.name}”，无法办理退住", field="person_id",
                              code="not_admitted")
        if on < admission.admitted_on:
            raise DomainError(f"退住日期不能早于入住日期{admission.admitted_on:%Y-%m-%d}", field="discharged_on")
        if on > timezone.localdate():
            raise DomainError("退住日期不能晚于今天", field="discharged_on")
        admission.discharged_on, admission.discharge_reason = on, reason
        admission.save(update_fields=["discharged_on", "discharge_reason"])
        Bed.objects.filter(pk=admission.bed_id).update(status=Bed.Status.AVAILABLE)
        _record(actor, "facility.discharge", admission, facility.area, before={"bed": admission.bed.number},
                after={"person": person.pk, "discharged_on": on, "reason": reason})
    return admission


# --- GB/T 37276 star rating --------------------------------------------------------------------------------

def star_evaluate(*, actor: User, facility: Facility, scores: dict, evaluators: str,
                  evaluated_on: dt.date | None = None, prerequisites_met: bool = True) -> StarEvaluation:
    ensure_can(actor, facility.area, Cap.FACILITY_RATE)
    if facility.kind not in INSTITUTION_KINDS:
        raise DomainError(f"等级评定（GB/T 37276-2018）适用于养老机构，“{facility.name}”是"
                          f"{facility.get_kind_display()}", field="facility")
    evaluators = _text(evaluators, "evaluators", "评定人员", max_length=200)
    on = _today(evaluated_on)
    ruleset = rules.star_ruleset(on)
    result = rules.star_level(ruleset, scores, prerequisites_met=prerequisites_met)
    with transaction.atomic():
        facility = _locked(facility)
        if facility.status == Facility.Status.CLOSED:
            raise DomainError(f"“{facility.name}”已注销，不能评定等级", field="facility", code="closed")
        ev = StarEvaluation.objects.create(
            facility=facility, evaluated_on=on, scores={k: str(v) for k, v in scores.items()}, total=result.total,
            prerequisites_met=prerequisites_met, level=result.level, ruleset=ruleset.version,
            explanation=result.explanation, evaluators=evaluators, created_by=actor)
        before = facility.star_level
        facility.star_level = result.level
        facility.save(update_fields=["star_level"])
        _record(actor, "facility.star_evaluate", ev, facility.area, before={"star_level": before},
                after={"star_level": result.level, "total": result.total, "ruleset": ruleset.version})
    return ev


# --- 双随机一公开 ----------------------------------------------------------------------------------------

def inspector_candidates(area: Area) -> QuerySet[User]:
    """Active users who may inspect, working at the draw area or inside it (not above it, unlike 社会组织's
    roster), by id — after a re-division, as scope resolves their areas."""
    roles = [r for r, caps in CAPABILITIES.items() if Cap.FACILITY_INSPECT in caps]
    return User.objects.filter(users_within_q(area), is_active=True, role__in=roles).distinct().order_by("id")


def draw_sample(*, seed: int, facility_pool: list[int], inspector_pool: list[int], sample_size: int,
                per_inspection: int) -> list[tuple[int, list[int]]]:
    """The draw itself, a pure function of its recorded inputs: (facility id, inspector ids) per inspection."""
    rng = random.Random(seed)
    chosen = rng.sample(sorted(facility_pool), sample_size)
    return [(fid, sorted(rng.sample(sorted(inspector_pool), per_inspection))) for fid in chosen]


def inspection_draw(*, actor: User, area: Area, sample_size: int, seed: int | None = None,
                    drawn_on: dt.date | None = None, kinds: Iterable[str] = INSTITUTION_KINDS, note: str = ""
                    ) -> InspectionDraw:
    """随机抽取检查对象、随机选派检查人员: the pools, the seed and the sample are all recorded."""
    ensure_can(actor, area, Cap.FACILITY_INSPECT)
    on = _today(drawn_on)
    per = int(rules.param("inspectors_per_inspection", on))
    facility_pool = list(Facility.objects.filter(subtree_q(area, "area__path"), kind__in=kinds,
                                                 status=Facility.Status.OPERATING).order_by("id")
                         .values_list("id", flat=True))
    inspector_pool = list(inspector_candidates(area).values_list("id", flat=True))
    if sample_size is None or int(sample_size) < 1:
        raise DomainError("抽取机构数应为正整数", field="sample_size")
    if int(sample_size) > len(facility_pool):
        raise DomainError(f"{area.name}在营养老机构只有{len(facility_pool)}家，抽取数不能超过此数", field="sample_size")
    if len(inspector_pool) < per:
        raise DomainError(f"{area.name}的执法检查人员只有{len(inspector_pool)}名，每次检查至少需要{per}名",
                          field="inspector_pool")
    seed = int(seed) if seed is not None else secrets.randbits(48)
    sample = draw_sample(seed=seed, facility_pool=facility_pool, inspector_pool=inspector_pool,
                         sample_size=int(sample_size), per_inspection=per)
    with transaction.atomic():
        draw = InspectionDraw.objects.create(area=area, drawn_on=on, seed=seed, sample_size=int(sample_size),
                                             facility_pool=facility_pool, inspector_pool=inspector_pool,
                                             note=(note or "")[:200], created_by=actor)
        for fid, inspectors in sample:
            inspection = Inspection.objects.create(draw=draw, facility_id=fid)
            inspection.inspectors.set(inspectors)
        _record(actor, "inspection.draw", draw, area, after={
            "seed": seed, "sample_size": draw.sample_size, "facility_pool": facility_pool,
            "inspector_pool": inspector_pool, "sample": sample})
    return draw


def inspection_record(*, actor: User, inspection: Inspection, inspected_on: dt.date | None = None,
                      findings: Sequence[dict] = (), summary: str = "") -> Inspection:
    """检查结果: the findings, each with a rectification deadline; none found closes the inspection at once."""
    facility = inspection.facility
    ensure_can(actor, facility.area, Cap.FACILITY_INSPECT)
    on = _today(inspected_on)
    if on > timezone.localdate():
        raise DomainError("检查日期不能晚于今天", field="inspected_on")
    summary = _text(summary, "summary", "检查结果（公开内容）", max_length=300)
    clean = []
    for i, f in enumerate(findings, start=1):
        desc = _text(f.get("description"), f"findings.{i}.description", f"第{i}个问题的描述", max_length=300)
        deadline = f.get("deadline")
        if isinstance(deadline, str):
            try:
                deadline = dt.date.fromisoformat(deadline)
            except ValueError:
                deadline = None
        if not isinstance(deadline, dt.date):
            raise DomainError(f"第{i}个问题的整改期限应为日期（YYYY-MM-DD）", field=f"findings.{i}.deadline")
        if deadline <= on:
            raise DomainError(f"第{i}个问题的整改期限应晚于检查日期{on:%Y-%m-%d}", field=f"findings.{i}.deadline")
        clean.append((desc, deadline))
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.status != Inspection.Status.PLANNED:
            raise DomainError("该检查已录入结果", field="inspection", code="already_recorded")
        if on < inspection.draw.drawn_on:
            raise DomainError("检查日期不能早于抽取日期", field="inspected_on")
        Finding.objects.bulk_create([Finding(inspection=inspection, description=d, deadline=dl) for d, dl in clean])
        inspection.inspected_on, inspection.result_summary = on, summary
        inspection.status = Inspection.Status.RECTIFYING if clean else Inspection.Status.CLOSED
        inspection.closed_on = None if clean else on
        inspection.save(update_fields=["inspected_on", "result_summary", "status", "closed_on"])
        _record(actor, "inspection.record", inspection, facility.area, before={"status": "planned"}, after={
            "status": inspection.status, "inspected_on": on, "findings": len(clean), "summary": summary})
    return inspection


def finding_rectify(*, actor: User, finding: Finding, note: str, rectified_on: dt.date | None = None) -> Finding:
    """整改完成 (checked by the inspector's office); the last open finding closes the inspection."""
    facility = finding.inspection.facility
    ensure_can(actor, facility.area, Cap.FACILITY_INSPECT)
    note = _text(note, "note", "整改情况", max_length=300)
    on = _today(rectified_on)
    with transaction.atomic():
        finding = Finding.objects.select_for_update().select_related("inspection").get(pk=finding.pk)
        if finding.status != Finding.Status.OPEN:
            raise DomainError("该问题已整改完成", field="finding", code="already_rectified")
        assert finding.inspection.inspected_on is not None  # a finding is recorded with its inspection's date
        if on < finding.inspection.inspected_on or on > timezone.localdate():
            raise DomainError("整改完成日期应在检查日期与今天之间", field="rectified_on")
        finding.status, finding.rectified_on, finding.rectification_note = Finding.Status.RECTIFIED, on, note
        finding.save(update_fields=["status", "rectified_on", "rectification_note"])
        _record(actor, "inspection.rectify", finding, facility.area, before={"status": "open"},
                after={"status": "rectified", "rectified_on": on, "late": on > finding.deadline})
        inspection = finding.inspection
        if not inspection.findings.filter(status=Finding.Status.OPEN).exists():
            inspection.status, inspection.closed_on = Inspection.Status.CLOSED, on
            inspection.save(update_fields=["status", "closed_on"])
            _record(actor, "inspection.close", inspection, facility.area, before={"status": "rectifying"},
                    after={"status": "closed", "closed_on": on})
    return finding


# --- 适老化改造 -------------------------------------------------------------------------------------------

# action → (from status, to status, label): the whole state machine in one table
RETROFIT_STEPS = {
    "assess": (Retrofit.Status.APPLIED, Retrofit.Status.ASSESSED, "入户评估"),
    "reject": (Retrofit.Status.APPLIED, Retrofit.Status.REJECTED, "不予改造"),
    "start": (Retrofit.Status.ASSESSED, Retrofit.Status.WORKS, "开工"),
    "accept": (Retrofit.Status.WORKS, Retrofit.Status.ACCEPTED, "验收"),
}
RETROFIT_OPEN = (Retrofit.Status.APPLIED, Retrofit.Status.ASSESSED, Retrofit.Status.WORKS)


def retrofit_apply(*, actor: User, person: Person, needs: str, address: str = "",
                   applied_on: dt.date | None = None) -> Retrofit:
    _person_in_scope(actor, person, Cap.RETROFIT_APPLY)
    needs = _text(needs, "needs", "改造需求", max_length=300)
    on = _today(applied_on)
    min_age = int(rules.param("retrofit_min_age", on))
    born_by = born_on_or_before(on, min_age)
    if person.birth_date > born_by:
        raise DomainError(f"{person.name}未满{min_age}周岁，不属于适老化改造对象", field="person_id")
    if person.death_date:
        raise DomainError(f"{person.name}已登记死亡", field="person_id")
    address = (address or person.address or "").strip() or f"{person.residence_area.name}"
    with transaction.atomic():
        if Retrofit.objects.filter(person=person, status__in=RETROFIT_OPEN).exists():
            raise DomainError(f"{person.name}已有办理中的适老化改造申请", field="person_id", code="duplicate")
        r = Retrofit.objects.create(person=person, area=person.residence_area, address=address[:200], needs=needs,
                                    applied_on=on, created_by=actor)
        _record(actor, "retrofit.apply", r, r.area, after={"person": person.pk, "needs": needs, "applied_on": on})
    return r


def retrofit_step(*, actor: User, retrofit: Retrofit, action: str, note: str, on: dt.date | None = None,
                  planned_items: str = "", contractor: str = "") -> Retrofit:
    """One transition of the 适老化改造 state machine; the note is the assessment, reason or acceptance opinion."""
    if action not in RETROFIT_STEPS:
        raise DomainError(f"办理环节“{action}”不存在", field="action")
    src, dst, label = RETROFIT_STEPS[action]
    ensure_can(actor, retrofit.area, Cap.RETROFIT_HANDLE)
    note = _text(note, "note", f"{label}意见", max_length=300)
    on = _today(on)
    with transaction.atomic():
        r = Retrofit.objects.select_for_update().get(pk=retrofit.pk)
        if r.status != src:
            raise DomainError(f"当前状态为“{r.get_status_display()}”，不能办理“{label}”（应为“{src.label}”）",
                              field="action", code="wrong_state")
        if on < r.applied_on or on > timezone.localdate():
            raise DomainError("办理日期应在申请日期与今天之间", field="on")
        if action == "assess":
            r.assessment, r.assessed_on = note, on
            r.planned_items = _text(planned_items, "planned_items", "改造项目", max_length=300)
        elif action == "reject":
            r.rejected_reason, r.assessed_on = note, on
        elif action == "start":
            assert r.assessed_on is not None  # set by "assess", the only way into this status
            if on < r.assessed_on:
                raise DomainError("开工日期不能早于评估日期", field="on")
            r.contractor = _text(contractor, "contractor", "施工单位", max_length=100)
            r.works_started_on = on
        elif action == "accept":
            assert r.works_started_on is not None  # set by "start", the only way into this status
            if on < r.works_started_on:
                raise DomainError("验收日期不能早于开工日期", field="on")
            r.acceptance_note, r.accepted_on = note, on
        r.status = dst
        r.save()
        _record(actor, f"retrofit.{action}", r, r.area, before={"status": src}, after={
            "status": dst, "note": note, "on": on, "planned_items": r.planned_items, "contractor": r.contractor})
    return r




def training_record(*, actor: User, area: Area, title: str, organiser: str, held_on: dt.date,
                    trainees: object, hours: object, today: dt.date | None = None) -> Training:
    """登记一次养老服务人员培训 (its 人次 feed the plans' 养老服务人员培训数量)."""
    ensure_can(actor, area, Cap.FACILITY_MANAGE)
    title = _text(title, "title", "培训名称", max_length=100)
    organiser = _text(organiser, "organiser", "主办单位", max_length=100)
    if held_on > _today(today):
        raise DomainError(f"培训日期{held_on.isoformat()}晚于今天", field="held_on")
    check_not_before_records(held_on, field="held_on", label="培训日期")
    try:
        trainees, hours = int(str(trainees).strip()), Decimal(str(hours).strip())
    except (ValueError, InvalidOperation) as e:
        raise DomainError("参训人次应为整数、学时应为数字", field="trainees") from e
    if not 0 < trainees <= 100000:
        raise DomainError(f"参训人次{trainees}不合理（应为1至100000）", field="trainees")
    if not Decimal(0) < hours <= Decimal(1000):
        raise DomainError(f"学时{hours}不合理（应大于0且不超过1000）", field="hours")
    with transaction.atomic():
        t = Training.objects.create(area=area, title=title, organiser=organiser, held_on=held_on, trainees=trainees,
                                    hours=hours, recorded_by=actor)
        _record(actor, "training.record", t, area, after={"title": title, "held_on": held_on, "trainees": trainees,
                                                          "hours": str(hours)})
    return t
