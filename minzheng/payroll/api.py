"""Payroll and fund-supervision REST API. Thin: reads through payroll.selectors (scoped by the roster's area),
writes through payroll.services / bankfiles (checked and audited). Out of scope answers 404; in scope without the
right answers 403."""

import datetime as dt
from decimal import Decimal

from django.http import StreamingHttpResponse
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.responses import codes_4xx

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.services import area_by_code
from minzheng.core.api import ErrorOut, require
from minzheng.core.errors import DomainError
from minzheng.core.idcard import normalize
from minzheng.core.inputs import BureauDate, PageNumber, RecordId
from minzheng.registry.selectors import persons_for
from minzheng.registry.services import mask_account

from . import bankfiles, runs, selectors, services
from .models import Anomaly, LineStatus

router = Router(tags=["救助金发放与资金监管"])



def _month(value: dt.date | None) -> dt.date | None:
    if value is not None and value.day != 1:
        raise DomainError("发放月份应为某月1日，例如2024-05-01", field="发放月份")
    return value


class RosterOut(Schema):
    id: int
    programme: str
    area_code: str
    area_name: str
    month: dt.date
    status: str
    status_label: str
    line_count: int
    total_amount: Decimal
    released_at: dt.datetime | None

    @staticmethod
    def of(r):
        return RosterOut(id=r.pk, programme=r.programme, area_code=r.area.code, area_name=r.area.name, month=r.month,
                         status=r.status, status_label=r.get_status_display(), line_count=r.line_count,
                         total_amount=r.total_amount, released_at=r.released_at)


class RosterIn(Schema):
    programme: str = Field(description="救助项目代码，如 dibao")
    area_code: str = Field(description="发放区域（一般为县区）区划代码")
    month: dt.date = Field(description="发放月份（某月1日）")


class RosterFilter(Schema):
    month: dt.date | None = None
    programme: str | None = None


class LineOut(Schema):
    id: int
    seq: int | None
    name: str
    id_number_masked: str
    area_name: str
    for_month: dt.date
    amount: Decimal
    deducted: Decimal = Decimal("0")  # 先救助后说明 advanced earlier and subtracted from amount
    bank_name: str
    bank_account_masked: str
    fund: str
    status: str
    status_label: str
    reissue_of: int | None
    fail_reason: str
    adjusted_by: int | None = None  # user ids: the maker of an adjustment and its second-person approver
    approved_by: int | None = None

    @staticmethod
    def of(line):
        return LineOut(id=line.pk, seq=line.seq, name=line.person.name, id_number_masked=line.person.masked_id,
                       area_name=line.area.name, for_month=line.for_month, amount=line.amount,
                       deducted=line.deducted, bank_name=line.bank_name,
                       bank_account_masked=mask_account(line.bank_account), fund=line.fund,
                       status=line.status, status_label=line.get_status_display(), reissue_of=line.reissue_of_id,
                       fail_reason=line.fail_reason, adjusted_by=line.adjusted_by_id, approved_by=line.approved_by_id)


class LinePage(Schema):
    count: int
    items: list[LineOut]


class LineFilter(Schema):
    status: str | None = None
    page: PageNumber = 1
    page_size: int = Field(50, ge=1, le=500)


class AdjustIn(Schema):
    amount: str = Field(description="调整后金额（元）")
    reason: str = Field(description="调整说明")


class PayrollReasonIn(Schema):
    reason: str = Field(description="原因")


class RelativeOut(Schema):
    id: int
    staff: str
    staff_username: str
    name: str
    id_number_masked: str
    area_name: str
    relation: str
    registered_at: dt.datetime

    @staticmethod
    def of(r):
        return RelativeOut(id=r.pk, staff=r.staff_label, staff_username=r.staff.username if r.staff_id else "",
                           name=r.person.name,
                           id_number_masked=r.person.masked_id, area_name=r.person.residence_area.name,
                           relation=r.relation, registered_at=r.registered_at)


class RelativeIn(Schema):
    staff: str = Field(description="工作人员用户名")
    id_number: str = Field(description="近亲属身份证号")
    relation: str = Field(description="与工作人员的关系，如配偶、子女")


class AnomalyOut(Schema):
    id: int
    roster_id: int
    line_id: int
    rule: str
    blocking: bool
    detail: str
    status: str
    status_label: str
    assignee: str | None
    disposition: str
    withheld: bool
    closed_at: dt.datetime | None

    @staticmethod
    def of(a):
        return AnomalyOut(id=a.pk, roster_id=a.roster_id, line_id=a.line_id, rule=a.rule, blocking=a.blocking,
                          detail=a.detail, status=a.status, status_label=a.get_status_display(),
                          assignee=str(a.assignee) if a.assignee_id else None, disposition=a.disposition,
                          withheld=a.withheld, closed_at=a.closed_at)


class AnomalyFilter(Schema):
    roster: RecordId | None = None
    status: str | None = None
    rule: str | None = None


class AnomalyAssignIn(Schema):
    assignee: str = Field(description="承办人用户名")


class DisposeIn(Schema):
    disposition: str = Field(description="处置意见")
    withhold_line: bool = Field(False, description="暂停该笔发放（仅限未发布的名单）")


# --- rosters ---------------------------------------------------------------------------------------------------

@router.get("/rosters", response={200: list[RosterOut], codes_4xx: ErrorOut}, summary="发放名单列表")
def list_rosters(request, filters: Query[RosterFilter]):
    require(request.user, Cap.PAYROLL_VIEW)
    return [RosterOut.of(r) for r in selectors.rosters_for(request.user, month=_month(filters.month),
                                                            programme=filters.programme)]


@router.post("/rosters", response={201: RosterOut, codes_4xx: ErrorOut}, summary="生成（或补全）发放名单",
             description="按当月有效的救助金额生成名单；重复调用不会产生重复明细，上月起失败的明细补发一次。")
def generate_roster(request, payload: RosterIn):
    area = area_by_code(payload.area_code, field="发放区域")
    roster = services.roster_generate(actor=request.user, programme=payload.programme, area=area,
                                      month=payload.month)
    return Status(201, RosterOut.of(roster))


@router.get("/rosters/{roster_id}", response={200: RosterOut, codes_4xx: ErrorOut}, summary="发放名单详情")
def get_roster(request, roster_id: int):
    return RosterOut.of(selectors.roster_get(request.user, roster_id))


@router.get("/rosters/{roster_id}/lines", response={200: LinePage, codes_4xx: ErrorOut}, summary="发放明细（脱敏）")
def list_lines(request, roster_id: int, filters: Query[LineFilter]):
    selectors.roster_get(request.user, roster_id)
    if filters.status and filters.status not in LineStatus.values:
        raise DomainError(f"明细状态“{filters.status}”无效", field="状态")
    qs = selectors.roster_lines(request.user, roster_id, status=filters.status)
    start = (filters.page - 1) * filters.page_size
    return LinePage(count=qs.count(), items=[LineOut.of(x) for x in qs[start:start + filters.page_size]])


@router.post("/rosters/{roster_id}/check", response={200: dict, codes_4xx: ErrorOut}, summary="资金监管校验")
def check_roster(request, roster_id: int):
    roster = selectors.roster_get(request.user, roster_id)
    found = services.roster_check(actor=request.user, roster=roster)
    return {"new_anomalies": found, "roster": RosterOut.of(selectors.roster_get(request.user, roster_id)).dict()}


@router.post("/rosters/{roster_id}/release", response={200: RosterOut, codes_4xx: ErrorOut}, summary="发布名单")
def release_roster(request, roster_id: int):
    roster = selectors.roster_get(request.user, roster_id)
    return RosterOut.of(services.roster_release(actor=request.user, roster=roster))


@router.get("/rosters/{roster_id}/bank-file", response={codes_4xx: ErrorOut}, summary="下载银行代发文件",
            description="含完整身份证号和银行账号；每次下载记入审计日志。")
def bank_file(request, roster_id: int):
    roster = selectors.roster_get(request.user, roster_id)
    name, rows = bankfiles.bank_file_export(actor=request.user, roster=roster)
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.post("/rosters/{roster_id}/bank-result", response={200: dict, codes_4xx: ErrorOut}, summary="导入银行回盘",
             description="有任何错误行则整份不导入，并逐行说明原因。")
def bank_result(request, roster_id: int, file: File[UploadedFile]):
    roster = selectors.roster_get(request.user, roster_id)
    summary = bankfiles.bank_result_import(actor=request.user, roster=roster, data=file.read(), filename=file.name)
    return _jsonable(summary)


@router.get("/rosters/{roster_id}/reconciliation", response={200: dict, codes_4xx: ErrorOut}, summary="对账")
def reconciliation(request, roster_id: int):
    return _jsonable(bankfiles.reconcile(selectors.roster_get(request.user, roster_id)))


@router.post("/lines/{line_id}/adjust", response={200: LineOut, codes_4xx: ErrorOut}, summary="调整明细金额")
def adjust_line(request, line_id: int, payload: AdjustIn):
    line = selectors.line_get(request.user, line_id)
    line = services.roster_line_adjust(actor=request.user, line=line, amount=payload.amount, reason=payload.reason)
    return LineOut.of(selectors.line_get(request.user, line.pk))


@router.post("/lines/{line_id}/approve", response={200: LineOut, codes_4xx: ErrorOut},
             summary="复核超过核定金额的调整（须调整人以外的复核人员）")
def approve_line(request, line_id: int):
    line = selectors.line_get(request.user, line_id)
    services.roster_line_approve(actor=request.user, line=line)
    return LineOut.of(selectors.line_get(request.user, line_id))


@router.post("/lines/{line_id}/hold", response={200: LineOut, codes_4xx: ErrorOut}, summary="暂停发放（发布前）")
def hold_line(request, line_id: int, payload: PayrollReasonIn):
    line = selectors.line_get(request.user, line_id)
    services.roster_line_hold(actor=request.user, line=line, reason=payload.reason)
    return LineOut.of(selectors.line_get(request.user, line_id))


@router.post("/lines/{line_id}/resume", response={200: LineOut, codes_4xx: ErrorOut}, summary="恢复发放（发布前）")
def resume_line(request, line_id: int, payload: PayrollReasonIn):
    line = selectors.line_get(request.user, line_id)
    services.roster_line_resume(actor=request.user, line=line, reason=payload.reason)
    return LineOut.of(selectors.line_get(request.user, line_id))


# --- 近亲属备案 -------------------------------------------------------------------------------------------------

@router.get("/staff-relatives", response={200: list[RelativeOut], codes_4xx: ErrorOut}, summary="近亲属备案列表")
def list_relatives(request, q: str = ""):
    require(request.user, Cap.ANOMALY_VIEW)
    return [RelativeOut.of(r) for r in selectors.staff_relatives_for(request.user, query=q)[:500]]


@router.post("/staff-relatives", response={201: RelativeOut, codes_4xx: ErrorOut}, summary="新增近亲属备案")
def create_relative(request, payload: RelativeIn):
    require(request.user, Cap.ANOMALY_HANDLE)
    staff = selectors.staff_candidates(request.user).filter(username=payload.staff.strip()).first()
    if staff is None:
        raise DomainError(f"工作人员“{payload.staff}”不存在或不在您的管辖范围内", field="工作人员")
    person = persons_for(request.user).filter(id_number=normalize(payload.id_number)).first()
    if person is None:
        raise DomainError(f"未找到身份证号为“{payload.id_number}”的人员，或其不在您的管辖范围内", field="身份证号")
    rel = services.staff_relative_register(actor=request.user, staff=staff, person=person, relation=payload.relation)
    return Status(201, RelativeOut.of(selectors.staff_relative_get(request.user, rel.pk)))


@router.post("/staff-relatives/{relative_id}/remove", response={204: None, codes_4xx: ErrorOut},
             summary="撤销近亲属备案")
def remove_relative(request, relative_id: int, payload: PayrollReasonIn):
    rel = selectors.staff_relative_get(request.user, relative_id)
    services.staff_relative_remove(actor=request.user, relative=rel, reason=payload.reason)
    return Status(204, None)


@router.get("/totals", response={200: list[dict], codes_4xx: ErrorOut}, summary="按区域、项目、资金来源汇总")
def totals(request, month: BureauDate):
    require(request.user, Cap.PAYROLL_VIEW)
    return [_jsonable(r) for r in selectors.totals(request.user, month=_month(month))]


# --- anomalies -------------------------------------------------------------------------------------------------

@router.get("/anomalies", response={200: list[AnomalyOut], codes_4xx: ErrorOut}, summary="资金监管疑点")
def list_anomalies(request, filters: Query[AnomalyFilter]):
    require(request.user, Cap.ANOMALY_VIEW)
    if filters.status and filters.status not in Anomaly.Status.values:
        raise DomainError(f"疑点状态“{filters.status}”无效", field="状态")
    return [AnomalyOut.of(a) for a in selectors.anomalies_for(request.user, roster_pk=filters.roster,
                                                               status=filters.status, rule=filters.rule)]


@router.get("/anomalies/{anomaly_id}", response={200: AnomalyOut, codes_4xx: ErrorOut}, summary="疑点详情")
def get_anomaly(request, anomaly_id: int):
    return AnomalyOut.of(selectors.anomaly_get(request.user, anomaly_id))


@router.post("/anomalies/{anomaly_id}/assign", response={200: AnomalyOut, codes_4xx: ErrorOut}, summary="分派疑点")
def assign_anomaly(request, anomaly_id: int, payload: AnomalyAssignIn):
    anomaly = selectors.anomaly_get(request.user, anomaly_id)
    assignee = User.objects.filter(username=payload.assignee.strip(), is_active=True).first()
    if assignee is None:
        raise DomainError(f"承办人“{payload.assignee}”不存在", field="承办人")
    return AnomalyOut.of(services.anomaly_assign(actor=request.user, anomaly=anomaly, assignee=assignee))


@router.post("/anomalies/{anomaly_id}/dispose", response={200: AnomalyOut, codes_4xx: ErrorOut}, summary="处置疑点")
def dispose_anomaly(request, anomaly_id: int, payload: DisposeIn):
    anomaly = selectors.anomaly_get(request.user, anomaly_id)
    return AnomalyOut.of(services.anomaly_dispose(actor=request.user, anomaly=anomaly,
                                                  disposition=payload.disposition,
                                                  withhold_line=payload.withhold_line))


@router.post("/anomalies/{anomaly_id}/close", response={200: AnomalyOut, codes_4xx: ErrorOut}, summary="办结疑点")
def close_anomaly(request, anomaly_id: int):
    anomaly = selectors.anomaly_get(request.user, anomaly_id)
    return AnomalyOut.of(services.anomaly_close(actor=request.user, anomaly=anomaly))


def _jsonable(d: dict) -> dict:
    return {k: (format(v, "f") if isinstance(v, Decimal) else v) for k, v in d.items()}


# --- roster generation in the background (recoverable job) ----------------------------------------------------

class RosterRunIn(RosterIn):
    level: str = Field("", description="留空：只生成该区域一份名单；county / town：为其下每个县区 / 镇街各生成一份")


class RosterRunOut(Schema):
    id: int
    programme: str
    area_code: str
    month: dt.date
    level: str
    status: str
    status_label: str
    stalled: bool = Field(description="后台进程已停止响应：可重新生成或取消")
    message: str
    rosters: list[int]

    @staticmethod
    def of(run):
        return RosterRunOut(id=run.pk, programme=run.programme, area_code=run.area.code, month=run.month,
                            level=run.level, status=run.status, status_label=run.get_status_display(),
                            stalled=run.stalled, message=run.message, rosters=run.rosters)


@router.post("/roster-runs", response={201: RosterRunOut, codes_4xx: ErrorOut}, summary="在后台生成发放名单",
             description="排队由后台进程生成；进程中断后自动续做或标记为中断，用户可重新生成或取消，明细不会重复。")
def request_roster_run(request, payload: RosterRunIn):
    area = area_by_code(payload.area_code, field="发放区域")
    run = runs.roster_run_request(actor=request.user, programme=payload.programme, area=area,
                                  month=_month(payload.month), level=payload.level)
    run.refresh_from_db()
    return Status(201, RosterRunOut.of(run))


@router.get("/roster-runs/{run_id}", response={200: RosterRunOut, codes_4xx: ErrorOut}, summary="生成任务状态")
def get_roster_run(request, run_id: int):
    return RosterRunOut.of(runs.roster_run_get(request.user, run_id))


@router.post("/roster-runs/{run_id}/retry", response={200: RosterRunOut, codes_4xx: ErrorOut},
             summary="重新生成（中断或失败的任务）")
def retry_roster_run(request, run_id: int):
    run = runs.roster_run_get(request.user, run_id)
    return RosterRunOut.of(runs.roster_run_retry(actor=request.user, run=run))


@router.post("/roster-runs/{run_id}/discard", response={200: RosterRunOut, codes_4xx: ErrorOut},
             summary="取消生成任务（排队中、中断或失败的）")
def discard_roster_run(request, run_id: int):
    run = runs.roster_run_get(request.user, run_id)
    return RosterRunOut.of(runs.roster_run_discard(actor=request.user, run=run))
