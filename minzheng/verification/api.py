"""核对 REST API: department data intake (file or JSON push), 核对 runs and reports. Scoped like everything else:
another area's household, person or report answers 404; a role without the capability answers 403."""

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from django.http import HttpResponse
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from minzheng.accounts.roles import Cap
from minzheng.core.api import require
from minzheng.core.inputs import BureauDate

from . import selectors, services
from .adapters import sources
from .report import report_pdf

router = Router(tags=["家庭经济状况核对"])


class SourceOut(Schema):
    code: str
    name: str
    department: str
    nature: str
    columns: list[str]
    id_column: str
    amount_column: str
    amount_unit: str
    period: str


class BatchOut(Schema):
    id: int
    source: str
    source_name: str
    department: str
    provider: str
    as_of: dt.date
    period: str
    channel: str
    total_rows: int
    matched_rows: int
    unmatched_rows: int
    duplicate_rows: int
    unmatched: list[dict]

    @staticmethod
    def of(b) -> "BatchOut":
        return BatchOut(id=b.pk, source=b.source, source_name=b.source_name, department=b.department,
                        provider=b.provider, as_of=b.as_of,
                        period=b.period, channel=b.channel, total_rows=b.total_rows, matched_rows=b.matched_rows,
                        unmatched_rows=b.unmatched_rows, duplicate_rows=b.duplicate_rows, unmatched=b.unmatched)


class PushIn(Schema):
    source: str
    as_of: dt.date
    period: str = ""
    provider: str = ""
    records: list[dict] = Field(max_length=200_000)


class RecordOut(Schema):
    source: str
    source_name: str
    as_of: dt.date
    type_code: str
    item: str
    amount: Decimal | None
    monthly_amount: Decimal | None
    event_date: dt.date | None
    detail: str


class RunIn(Schema):
    on: dt.date
    application_id: int | None = None


class VerificationReportOut(Schema):
    id: int
    number: str
    household_id: int
    household_number: str
    application_id: int | None
    on: dt.date
    member_count: int
    household_income: Decimal
    rigid_deduction: Decimal
    per_capita_income: Decimal
    standard: Decimal
    standard_explanation: str
    money_assets: Decimal
    conclusion: str
    conclusion_label: str
    conclusion_text: str
    rule_version: str
    members: list[dict]
    lines: list[dict]
    assets: dict
    batches: list[dict]
    warnings: list[str]

    @staticmethod
    def of(r) -> "VerificationReportOut":
        return VerificationReportOut(
            id=r.pk, number=r.number, household_id=r.household_id, household_number=r.household.number,
            application_id=r.application_id, on=r.on, member_count=r.member_count,
            household_income=r.household_income, rigid_deduction=r.rigid_deduction,
            per_capita_income=r.per_capita_income, standard=r.standard,
            standard_explanation=r.standard_explanation, money_assets=r.money_assets,
            conclusion=r.conclusion, conclusion_label=r.get_conclusion_display(),
            conclusion_text=r.conclusion_text, rule_version=r.rule_version, members=r.members,
            lines=r.lines, assets=r.assets, batches=r.batches, warnings=r.warnings)


@router.get("/sources", response=list[SourceOut], summary="部门数据来源及列布局")
def list_sources(request):
    return [SourceOut(code=s.code, name=s.name, department=s.department, nature=s.nature, columns=s.columns,
                      id_column=s.id_column, amount_column=s.amount_column, amount_unit=s.amount_unit,
                      period=s.period) for s in sources().values()]


@router.post("/batches/push", response={201: BatchOut}, summary="部门接口推送（JSON列表，全部写入或全部不写入）")
def push_batch(request, payload: PushIn):
    batch = services.department_batch_push(actor=request.user, source=payload.source, as_of=payload.as_of,
                                           period=payload.period, provider=payload.provider,
                                           records=payload.records)
    return Status(201, BatchOut.of(batch))


@router.post("/batches/upload", response={201: BatchOut}, summary="上传部门数据文件（.csv/.xlsx）")
def upload_batch(request, source: Form[str], as_of: Form[dt.date], file: File[UploadedFile], period: Form[str] = "",
                 provider: Form[str] = ""):
    require(request.user, Cap.VERIFY_INTAKE)
    suffix = Path(file.name or "").suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        for chunk in file.chunks():
            tmp.write(chunk)
        tmp.flush()
        batch = services.department_batch_import(actor=request.user, source=source, as_of=as_of, path=Path(tmp.name),
                                                 file_format=suffix.lstrip("."), period=period, provider=provider,
                                                 original_name=file.name or "")
    return Status(201, BatchOut.of(batch))


@router.get("/batches", response=list[BatchOut], summary="部门数据批次（本辖区）")
def list_batches(request):
    require(request.user, Cap.VERIFY_VIEW)
    return [BatchOut.of(b) for b in selectors.batches_for(request.user)[:200]]


@router.get("/persons/{person_id}/records", response=list[RecordOut], summary="某人在某日有效的部门数据")
def person_records(request, person_id: int, on: BureauDate):
    require(request.user, Cap.VERIFY_VIEW)
    return [RecordOut(source=r.source, source_name=r.batch.source_name, as_of=r.as_of, type_code=r.type_code,
                      item=r.item, amount=r.amount, monthly_amount=r.monthly_amount, event_date=r.event_date,
                      detail=r.detail) for r in selectors.person_records(request.user, person_id, on=on)]


@router.post("/households/{household_id}/run", response={201: VerificationReportOut}, summary="对家庭开展经济状况核对")
def run(request, household_id: int, payload: RunIn):
    user = request.user
    household = selectors.household_for_verification(user, household_id)
    application = None
    if payload.application_id is not None:
        application = selectors.application_for_report(user, payload.application_id)
    report = services.verification_run(actor=user, household=household, on=payload.on, application=application)
    return Status(201, VerificationReportOut.of(report))


@router.get("/reports/{report_id}", response=VerificationReportOut, summary="核对报告")
def get_report(request, report_id: int):
    require(request.user, Cap.VERIFY_VIEW)
    report = selectors.report_get(request.user, report_id)
    services.report_open(actor=request.user, report=report)
    return VerificationReportOut.of(report)


@router.get("/reports/{report_id}/pdf", summary="核对报告PDF")
def get_report_pdf(request, report_id: int):
    require(request.user, Cap.VERIFY_VIEW)
    report = selectors.report_get(request.user, report_id)
    services.report_open(actor=request.user, report=report, download=True)
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.number}.pdf"'
    return response
