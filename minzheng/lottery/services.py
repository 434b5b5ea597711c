"""Writes of 福彩: outlets, inspections, the monthly sales import and 公益金. Each change validates, writes and
audits in one transaction; the sales import names every bad row and, in the all-or-nothing mode, applies none."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.db.models import F

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.periods import local_date
from minzheng.core.scope import ensure_can, path_in_scope, require
from minzheng.core.tabular import read_table

from .models import Allocation, Inspection, MonthlySales, Outlet, Spending

MAX_AMOUNT = Decimal("10000000000")
SALES_COLUMNS = ("销售许可证号", "月份", "销量（元）")
MODES = {"all_or_nothing": "全部正确才导入", "valid_only": "导入正确的行，报告错误的行"}


def _text(value: object, name: str, limit: int, *, required: bool = True) -> str:
    s = (str(value) if value is not None else "").strip()
    if "\x00" in s:
        raise DomainError(f"{name}含有不可见的空字符，请删除后重试", field=name)
    if required and not s:
        raise DomainError(f"请填写{name}", code="required", field=name)
    if len(s) > limit:
        raise DomainError(f"{name}不超过{limit}字", field=name)
    return s


def _money(value: object, name: str, *, zero_ok: bool = False) -> Decimal:
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise DomainError(f"{name}应为金额（元）", field=name) from None
    if not d.is_finite() or d < 0 or (d == 0 and not zero_ok):
        raise DomainError(f"{name}应大于{'等于' if zero_ok else ''}0", field=name)
    if d > MAX_AMOUNT or d != d.quantize(Decimal("0.01")):
        raise DomainError(f"{name}应为不超过100亿元、最多精确到分的金额", field=name)
    return d


def outlet_register(*, actor: User, area: Area, licence: str, name: str, owner: str, address: str,
                    opened_on: dt.date, grade: str = "") -> Outlet:
    ensure_can(actor, area, Cap.LOTTERY_MANAGE)
    licence = _text(licence, "销售许可证号", 20).upper()
    if not licence.isalnum():
        raise DomainError("销售许可证号只能由字母和数字组成", field="销售许可证号")
    if Outlet.objects.filter(licence=licence).exists():
        raise Conflict(f"销售许可证号{licence}已登记", field="销售许可证号")
    if not isinstance(opened_on, dt.date):
        raise DomainError("请填写开业日期", code="required", field="开业日期")
    with transaction.atomic():
        o = Outlet.objects.create(area=area, licence=licence, name=_text(name, "名称", 100),
                                  owner=_text(owner, "代销者", 50), address=_text(address, "地址", 200),
                                  opened_on=opened_on, grade=_text(grade, "分级", 10, required=False))
        audit.record(actor=actor, action="lottery.outlet", object_type="lottery.outlet", object_id=o.pk,
                     object_repr=str(o), area_code=area.code, after={"licence": licence, "owner": o.owner})
    return o


def inspection_record(*, actor: User, outlet: Outlet, result: str, findings: str,
                      on: dt.date | None = None) -> Inspection:
    """An inspection; a 暂停销售 result suspends the outlet."""
    ensure_can(actor, outlet.area, Cap.LOTTERY_MANAGE)
    on = on or local_date()
    if result not in Inspection.Result.values:
        raise DomainError("检查结果应为合格、限期整改或暂停销售", field="检查结果")
    findings = _text(findings, "检查情况", 300)
    if outlet.status == Outlet.Status.CLOSED:
        raise Conflict(f"{outlet}已撤销，不能检查", field="销售场所")
    with transaction.atomic():
        i = Inspection.objects.create(outlet=outlet, inspected_on=on, result=result, findings=findings,
                                      inspector=actor)
        if result == Inspection.Result.SUSPEND:
            Outlet.objects.filter(pk=outlet.pk).update(status=Outlet.Status.SUSPENDED)
        audit.record(actor=actor, action="lottery.inspection", object_type="lottery.outlet", object_id=outlet.pk,
                     object_repr=str(outlet), area_code=outlet.area.code, after={"result": result,
                                                                                 "findings": findings})
    return i


def outlet_close(*, actor: User, outlet: Outlet, reason: str, on: dt.date | None = None) -> Outlet:
    """撤销 an outlet (licence withdrawn or the seller quits): it stops selling for good, no more inspections or
    sales; the reason is kept on the outlet and in the audit row."""
    ensure_can(actor, outlet.area, Cap.LOTTERY_MANAGE)
    today = local_date()
    on = on or today
    reason = _text(reason, "撤销原因", 200)
    if not isinstance(on, dt.date):
        raise DomainError("请填写撤销日期", code="required", field="撤销日期")
    if on > today:
        raise DomainError("撤销日期不能晚于今天", field="撤销日期")
    with transaction.atomic():
        o = Outlet.objects.select_for_update().get(pk=outlet.pk)
        if o.status == Outlet.Status.CLOSED:
            raise Conflict(f"{o}已于{o.closed_on}撤销", field="销售场所")
        if on < o.opened_on:
            raise DomainError(f"撤销日期不能早于开业日期{o.opened_on}", field="撤销日期")
        before = {"status": o.status}
        o.status, o.closed_on, o.close_reason = Outlet.Status.CLOSED, on, reason
        o.save(update_fields=["status", "closed_on", "close_reason"])
        audit.record(actor=actor, action="lottery.outlet_close", object_type="lottery.outlet", object_id=o.pk,
                     object_repr=str(o), area_code=o.area.code, before=before,
                     after={"status": o.status, "closed_on": on, "reason": reason})
    return o


@dataclass
class ImportResult:
    applied: int = 0
    errors: list[dict] = field(default_factory=list)
    mode: str = "all_or_nothing"


def sales_import(*, actor: User, path: Path, file_format: str, mode: str = "all_or_nothing") -> ImportResult:
    """Monthly sales per outlet from a file (销售许可证号, 月份 YYYY-MM, 销量（元）). Each bad row is named with its
    reason; in the all-or-nothing mode one bad row applies nothing, otherwise the good rows are applied. A month
    imported again replaces that outlet's figure (an import can be rerun)."""
    require(actor, Cap.LOTTERY_MANAGE)  # a role without it is told so; each row's outlet is checked for scope
    if mode not in MODES:
        raise DomainError("导入方式应为“全部正确才导入”或“导入正确的行”", field="导入方式")
    if file_format not in ("csv", "xlsx"):
        raise DomainError("文件应为.csv或.xlsx", field="文件")
    result = ImportResult(mode=mode)
    good: dict[tuple[int, dt.date], Decimal] = {}
    outlets: dict[str, Outlet | None] = {}
    for number, row in read_table(path, file_format, columns=SALES_COLUMNS, required=SALES_COLUMNS,
                                  what="福彩销量文件"):
        if number > 200_001:
            raise DomainError("文件超过20万行，请分批导入", field="文件")
        problems = []
        licence = row["销售许可证号"].upper()
        outlet = outlets.get(licence)
        if outlet is None:
            outlet = Outlet.objects.filter(licence=licence).select_related("area").first()
            outlets[licence] = outlet
        if outlet is None or not path_in_scope(actor, outlet.area.path):
            problems.append(f"销售许可证号“{licence[:20]}”未登记或不在您的管辖范围内")
        month = None
        try:
            month = dt.date.fromisoformat(row["月份"].strip()[:7] + "-01")
        except ValueError:
            problems.append(f"月份“{row['月份'][:20]}”应为YYYY-MM格式")
        if month and (month > local_date() or month.year < 2000):
            problems.append(f"月份{month:%Y-%m}不在2000年1月至本月之间")
            month = None
        try:
            amount = _money(row["销量（元）"], "销量", zero_ok=True)
        except DomainError as e:
            problems.append(e.message)
            amount = None
        if outlet and month and (outlet.pk, month) in good:
            problems.append(f"与前面的行重复（{licence} {month:%Y-%m}）")
        if problems:
            result.errors.append({"row": number, "message": "；".join(problems)})
            continue
        assert outlet is not None and month is not None and amount is not None  # no problem found above
        good[(outlet.pk, month)] = amount
    if not good and not result.errors:
        raise DomainError("文件中没有数据行", code="empty_file", field="文件")
    if result.errors and mode == "all_or_nothing":
        return result
    with transaction.atomic():
        for (outlet_id, month), amount in good.items():
            MonthlySales.objects.update_or_create(outlet_id=outlet_id, month=month,
                                                  defaults={"amount": amount, "imported_by": actor})
        result.applied = len(good)
        audit.record(actor=actor, action="lottery.sales_import", object_type="lottery.sales", object_id="import",
                     object_repr=Path(path).name[:100], after={"applied": result.applied, "mode": mode,
                                                              "errors": len(result.errors)})
    return result


def allocation_create(*, actor: User, area: Area, year: int, project: str, use: str, amount: object) -> Allocation:
    ensure_can(actor, area, Cap.LOTTERY_MANAGE)
    if use not in Allocation.Use.values:
        raise DomainError("用途应为养老服务、助残、儿童福利或济困", field="用途")
    if not 2000 <= year <= local_date().year + 1:
        raise DomainError("年度应在2000年至明年之间", field="年度")
    with transaction.atomic():
        a = Allocation.objects.create(area=area, year=year, project=_text(project, "项目", 100), use=use,
                                      amount=_money(amount, "安排金额"), decided_by=actor)
        audit.record(actor=actor, action="lottery.allocation", object_type="lottery.allocation", object_id=a.pk,
                     object_repr=a.project, area_code=area.code, after={"year": year, "amount": a.amount})
    return a


def spending_record(*, actor: User, allocation: Allocation, amount: object, spent_on: dt.date,
                    evidence: str) -> Spending:
    """Spending of an allocation; never more than what is left of it."""
    ensure_can(actor, allocation.area, Cap.LOTTERY_MANAGE)
    value = _money(amount, "支出金额")
    evidence = _text(evidence, "凭证", 200)
    if not isinstance(spent_on, dt.date) or spent_on.year != allocation.year:
        raise DomainError(f"支出日期应在{allocation.year}年内", field="支出日期")
    with transaction.atomic():
        a = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if a.spent + value > a.amount:
            raise DomainError(f"“{a.project}”安排{a.amount}元，已支出{a.spent}元，余额不足{value}元",
                              code="overdraw", field="支出金额")
        s = Spending.objects.create(allocation=a, amount=value, spent_on=spent_on, evidence=evidence,
                                    recorded_by=actor)
        Allocation.objects.filter(pk=a.pk).update(spent=F("spent") + value)
        audit.record(actor=actor, action="lottery.spending", object_type="lottery.allocation", object_id=a.pk,
                     object_repr=a.project, area_code=a.area.code, after={"amount": value, "evidence": evidence})
    return s
