"""全省比对结果 API: the batch runs and the findings inside the caller's areas; a 资金监管 officer records what
checking a cross-city finding showed. Reads through batch.selectors, the write through batch.services (audited)."""

import datetime as dt

from ninja import Field, Router, Schema
from ninja.responses import codes_4xx

from minzheng.core.api import ErrorOut
from minzheng.core.errors import DomainError, Forbidden
from minzheng.core.inputs import BureauDate, PageNumber, RecordId

from . import selectors, services
from .models import Finding, Job

router = Router(tags=["全省比对结果"])
ERR = {codes_4xx: ErrorOut}
PER_PAGE = 50


class BatchFindingOut(Schema):
    id: int
    job: str
    job_label: str
    period: dt.date
    rule: str
    area_code: str | None
    area_name: str | None
    person_id: int | None
    value: str = Field(description="作业给出的数值（两种引擎逐行相同）")
    detail: str
    outcome: str
    outcome_label: str
    outcome_note: str
    checked_at: dt.datetime | None

    @staticmethod
    def of(f: Finding) -> "BatchFindingOut":
        return BatchFindingOut(id=f.pk, job=f.job, job_label=f.get_job_display(), period=f.period, rule=f.rule,
                          area_code=f.area.code if f.area else None, area_name=f.area.name if f.area else None,
                          person_id=f.person_id, value=f.value, detail=f.detail, outcome=f.outcome,
                          outcome_label=f.get_outcome_display(), outcome_note=f.outcome_note,
                          checked_at=f.checked_at)


class BatchFindingPage(Schema):
    count: int
    page: int
    items: list[BatchFindingOut]


class BatchRunOut(Schema):
    id: int
    job: str
    engine: str
    period: dt.date
    status: str
    rows: int = Field(description="全省结果行数")
    new_rows: int
    new_rows_in_scope: int = Field(description="本次新增中属于调用者管辖区域的行数")
    seconds: float
    created_at: dt.datetime


class BatchFindingCheckIn(Schema):
    outcome: str = Field(description="confirmed（属实）或 cleared（不属实）")
    note: str = Field(description="核查说明：核查了哪些材料、向谁核实（4–500字）")


def _readable(request) -> list[str]:
    jobs = selectors.jobs_readable(request.user)
    if not jobs:
        raise Forbidden("您的角色无权查看全省比对结果")
    return jobs


@router.get("/runs", response={200: list[BatchRunOut], **ERR}, summary="最近的作业运行")
def list_runs(request):
    _readable(request)
    return [BatchRunOut(id=r["run"].pk, job=r["run"].job, engine=r["run"].engine, period=r["run"].period,
                   status=r["run"].status, rows=r["run"].rows, new_rows=r["run"].new_rows,
                   new_rows_in_scope=r["in_scope"], seconds=r["run"].seconds, created_at=r["run"].created_at)
            for r in selectors.runs_for(request.user)]


@router.get("/findings", response={200: BatchFindingPage, **ERR}, summary="比对结果",
            description="只含调用者的角色可读作业、归属其管辖区域的结果；period 为月份的1日。")
def list_findings(request, job: str = "", period: BureauDate | None = None, rule: str = "", outcome: str = "",
                  page: PageNumber = 1):
    jobs = _readable(request)
    if job and job not in Job.values:
        raise DomainError(f"作业“{job}”不存在", field="作业")
    if job and job not in jobs:
        raise Forbidden(f"您的角色无权查看{Job(job).label}的结果")
    if outcome and outcome not in Finding.Outcome.values:
        raise DomainError(f"核查结果“{outcome}”无效", field="核查结果")
    qs = selectors.findings_for(request.user, job=job or None, period=period, rule=rule or None,
                                outcome=outcome or None)
    start = (page - 1) * PER_PAGE
    items = [BatchFindingOut.of(f) for f in qs[start:start + PER_PAGE]]
    return BatchFindingPage(count=qs.count(), page=page, items=items)


@router.get("/findings/{finding_id}", response={200: BatchFindingOut, **ERR}, summary="比对结果详情")
def get_finding(request, finding_id: RecordId):
    return BatchFindingOut.of(selectors.finding_get(request.user, finding_id))


@router.post("/findings/{finding_id}/check", response={200: BatchFindingOut, **ERR}, summary="记录疑点核查结果")
def check_finding(request, finding_id: RecordId, payload: BatchFindingCheckIn):
    finding = selectors.finding_get(request.user, finding_id)
    return BatchFindingOut.of(services.finding_check(actor=request.user, finding=finding, outcome=payload.outcome,
                                                note=payload.note))
