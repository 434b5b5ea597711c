"""福彩 REST API: outlets (scoped), the monthly sales import and the public annual 公益金 report."""

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.responses import codes_4xx

from minzheng.areas.services import area_by_code
from minzheng.core.api import ErrorOut
from minzheng.core.errors import DomainError
from minzheng.core.inputs import BureauDate, RecordId, Year
from minzheng.core.periods import local_date

from . import selectors, services

router = Router(tags=["福利彩票"])


class LotteryOutletOut(Schema):
    id: int
    licence: str
    name: str
    area_code: str
    status: str


class LotteryInspectionIn(Schema):
    result: str = Field(max_length=10, description="passed 合格 / rectify 限期整改 / suspend 暂停销售")
    findings: str = Field(max_length=300)


class LotteryOutletCloseIn(Schema):
    reason: str = Field(max_length=200, description="撤销原因")
    on: BureauDate | None = Field(None, description="撤销日期（默认今天）")


class LotteryRowError(Schema):
    row: int
    message: str


class LotteryImportOut(Schema):
    applied: int
    mode: str
    errors: list[LotteryRowError]


class LotteryUseRow(Schema):
    use: str
    label: str
    amount: Decimal
    spent: Decimal


class LotteryWelfareReportOut(Schema):
    area: str
    year: int
    sales: Decimal
    outlets: int
    allocated: Decimal
    spent: Decimal
    rows: list[LotteryUseRow]
    elderly_share: Decimal | None = Field(None, description="养老服务占全部安排的比例")
    warnings: list[str] = []


class LotteryOverdueOut(Schema):
    id: int
    licence: str
    name: str
    area_code: str
    status: str
    last_inspected: dt.date | None = Field(None, description="最近一次检查日期（从未检查为空）")
    opened_on: dt.date


@router.get("/outlets", response={200: list[LotteryOutletOut], codes_4xx: ErrorOut}, summary="福彩销售场所")
def outlets(request):
    return [LotteryOutletOut(id=o.pk, licence=o.licence, name=o.name, area_code=o.area.code, status=o.status)
            for o in selectors.outlets_for(request.user)[:1000]]


@router.get("/outlets/overdue-inspections", response={200: list[LotteryOverdueOut], codes_4xx: ErrorOut},
            summary="超过检查周期未检查的销售场所")
def overdue_inspections(request):
    return [LotteryOverdueOut(id=o.pk, licence=o.licence, name=o.name, area_code=o.area.code, status=o.status,
                              last_inspected=o.last_inspected, opened_on=o.opened_on)
            for o in selectors.outlets_due_inspection(request.user, local_date())[:1000]]


@router.post("/outlets/{outlet_id}/inspections", response={201: LotteryOutletOut, codes_4xx: ErrorOut},
             summary="登记销售场所检查")
def inspect(request, outlet_id: RecordId, payload: LotteryInspectionIn):
    o = selectors.outlet_get(request.user, outlet_id)
    services.inspection_record(actor=request.user, outlet=o, result=payload.result, findings=payload.findings)
    o.refresh_from_db()
    return Status(201, LotteryOutletOut(id=o.pk, licence=o.licence, name=o.name, area_code=o.area.code,
                                        status=o.status))


@router.post("/outlets/{outlet_id}/close", response={200: LotteryOutletOut, codes_4xx: ErrorOut},
             summary="撤销销售场所（须说明原因）")
def close(request, outlet_id: RecordId, payload: LotteryOutletCloseIn):
    o = services.outlet_close(actor=request.user, outlet=selectors.outlet_get(request.user, outlet_id),
                              reason=payload.reason, on=payload.on)
    return LotteryOutletOut(id=o.pk, licence=o.licence, name=o.name, area_code=o.area.code, status=o.status)


@router.post("/sales-imports", response={200: LotteryImportOut, codes_4xx: ErrorOut}, summary="导入月度销量")
def sales_import(request, file: File[UploadedFile], mode: Form[str] = "all_or_nothing"):
    name = (file.name or "").lower()
    fmt = "xlsx" if name.endswith(".xlsx") else "csv" if name.endswith(".csv") else ""
    if not fmt:
        raise DomainError("文件应为.csv或.xlsx", field="文件")
    if file.size and file.size > 20 * 1024 * 1024:
        raise DomainError("文件超过20MB，请分批导入", field="文件")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"sales.{fmt}"
        with open(path, "wb") as f:
            for chunk in file.chunks():
                f.write(chunk)
        r = services.sales_import(actor=request.user, path=path, file_format=fmt, mode=mode[:20])
    return LotteryImportOut(applied=r.applied, mode=r.mode, errors=[LotteryRowError(**e) for e in r.errors[:1000]])


@router.get("/public/welfare-fund/{area_code}", auth=None, response={200: LotteryWelfareReportOut, codes_4xx: ErrorOut},
            summary="公开：福彩公益金年度使用情况")
def welfare_report(request, area_code: str, year: Year):
    rep = selectors.annual_report(area_by_code(area_code[:12]), year)
    return LotteryWelfareReportOut(**{k: rep[k] for k in LotteryWelfareReportOut.model_fields})
