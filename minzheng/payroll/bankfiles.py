"""社会化发放: the payment file sent to the bank for a released roster, and the bank's result file coming back.

Payment file (CSV, UTF-8 with BOM so Excel opens it): 序号,姓名,身份证号,银行账号,金额,摘要 — one row per numbered
line — then a 合计 row with the total amount and count.

Result file (CSV; UTF-8 or GB18030, as banks send either): 序号,银行账号,金额,结果,失败原因 (姓名 / 身份证号 / 摘要
may be present and are ignored). 结果 is 成功 or 失败; a failure needs its reason. A file with any bad row — unknown
序号, the same 序号 twice, an amount or account that differs from the roster, a line that already has its result —
is refused as a whole with each bad row named, and nothing is written. Lines not in the file stay 待发放 (banks
may return results in several files).
"""

import csv
import io
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from minzheng.accounts.roles import Cap
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.money import fen
from minzheng.core.scope import ensure_can

from .models import LineStatus, Roster, RosterLine
from .reference import programme_info

HEADER = ["序号", "姓名", "身份证号", "银行账号", "金额", "摘要"]
RESULT_REQUIRED = ["序号", "银行账号", "金额", "结果"]
PAID_WORDS = {"成功", "已发放", "发放成功", "paid"}
FAILED_WORDS = {"失败", "发放失败", "failed"}
CHUNK = 5000
MAX_REPORTED = 200


def _csv_line(values) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(values)
    return buf.getvalue().encode("utf-8")


def _summary(label: str, line_month, roster_month) -> str:
    text = f"{line_month:%Y年%m月}{label}"
    return text if line_month == roster_month else f"补发{text}"


def bank_file_name(roster: Roster) -> str:
    return f"payment_{roster.area.code}_{roster.programme}_{roster.month:%Y%m}.csv"


@transaction.atomic
def bank_file_export(*, actor, roster: Roster) -> tuple[str, Iterator[bytes]]:
    """Name and content (streamed) of the payment file. Holds full ID numbers and accounts, so the export is
    audited like any full view of a record."""
    ensure_can(actor, roster.area, Cap.PAYROLL_RUN)
    if roster.status != Roster.Status.RELEASED:
        raise Conflict("名单发布后才能生成银行代发文件", code="not_released")
    audit.record(actor=actor, action="payroll.bank_file_export", object_type="Roster", object_id=roster.pk,
                 object_repr=str(roster), area_code=roster.area.code,
                 after={"lines": roster.line_count, "total": roster.total_amount})
    return bank_file_name(roster), _rows(roster)


def _rows(roster: Roster) -> Iterator[bytes]:
    label = programme_info(roster.programme).label
    yield "\ufeff".encode()
    yield _csv_line(HEADER)
    total, count = Decimal("0"), 0
    lines = (RosterLine.objects.filter(roster=roster, seq__isnull=False).order_by("seq")
             .values_list("seq", "person__name", "person__id_number", "bank_account", "amount", "for_month"))
    for seq, name, id_number, account, amount, for_month in lines.iterator(chunk_size=CHUNK):
        total += amount
        count += 1
        yield _csv_line([seq, name, id_number, account, f"{amount:.2f}", _summary(label, for_month, roster.month)])
    yield _csv_line(["合计", "", "", "", f"{total:.2f}", f"共{count}笔"])


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise DomainError("回盘文件编码无法识别，请使用UTF-8或GBK编码的CSV文件", field="文件")


def _amount(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


@transaction.atomic
def bank_result_import(*, actor, roster: Roster, data: bytes, filename: str = "") -> dict:
    """Record the bank's paid / failed results for a released roster; all rows or none."""
    ensure_can(actor, roster.area, Cap.PAYROLL_RUN)
    roster = Roster.objects.select_for_update().select_related("area").get(pk=roster.pk)
    if roster.status != Roster.Status.RELEASED:
        raise Conflict("名单尚未发布，没有可对账的代发文件", code="not_released")
    reader = csv.reader(io.StringIO(_decode(data)))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in RESULT_REQUIRED if c not in header]
    if missing:
        raise DomainError(f"回盘文件缺少列：{'、'.join(missing)}（第1行应为表头）", field="文件")
    col = {name: header.index(name) for name in header}

    known = {seq: (pk, account, amount, status) for pk, seq, account, amount, status in
             RosterLine.objects.filter(roster=roster, seq__isnull=False)
             .values_list("id", "seq", "bank_account", "amount", "status").iterator(chunk_size=CHUNK)}
    errors: list[dict] = []
    seen: dict[int, int] = {}
    paid: list[int] = []
    failed: dict[str, list[int]] = {}
    file_total = Decimal("0")

    def bad(row_no: int, message: str):
        errors.append({"row": row_no, "message": f"第{row_no}行：{message}"})

    def cell(row, name):
        i = col.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    for row_no, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row) or cell(row, "序号") == "合计":
            continue
        raw_seq = cell(row, "序号")
        if not raw_seq.isdigit():
            bad(row_no, f"序号“{raw_seq}”无效")
            continue
        seq = int(raw_seq)
        if seq in seen:
            bad(row_no, f"序号{seq}与第{seen[seq]}行重复")
            continue
        seen[seq] = row_no
        line = known.get(seq)
        if line is None:
            bad(row_no, f"序号{seq}不在本发放名单中")
            continue
        pk, account, amount, status = line
        if cell(row, "银行账号") != account:
            bad(row_no, f"序号{seq}的银行账号与发放名单不符")
        value = _amount(cell(row, "金额"))
        if value is None:
            bad(row_no, f"金额“{cell(row, '金额')}”不是有效金额")
        elif value != amount:
            bad(row_no, f"序号{seq}的金额{value:.2f}元与发放名单的{amount:.2f}元不符")
        else:
            file_total += value
        if status != LineStatus.PENDING:
            bad(row_no, f"序号{seq}已有回盘结果（{LineStatus(status).label}），不能重复导入")
        result = cell(row, "结果")
        if result in PAID_WORDS:
            paid.append(pk)
        elif result in FAILED_WORDS:
            reason = cell(row, "失败原因")
            if not reason:
                bad(row_no, f"序号{seq}发放失败但未写明失败原因")
            failed.setdefault(reason[:200], []).append(pk)
        else:
            bad(row_no, f"结果“{result}”无效，应为“成功”或“失败”")

    if not seen and not errors:
        raise DomainError("回盘文件没有数据行", field="文件")
    if errors:
        more = f"（共{len(errors)}处错误）" if len(errors) > 1 else ""
        raise DomainError(f"回盘文件有误，未写入任何结果：{errors[0]['message']}{more}", code="bank_result_invalid",
                          field="文件", details=errors[:MAX_REPORTED])

    now = timezone.now()
    for i in range(0, len(paid), CHUNK):
        RosterLine.objects.filter(pk__in=paid[i:i + CHUNK]).update(status=LineStatus.PAID, result_at=now)
    for reason, ids in failed.items():
        for i in range(0, len(ids), CHUNK):
            RosterLine.objects.filter(pk__in=ids[i:i + CHUNK]).update(status=LineStatus.FAILED, fail_reason=reason,
                                                                       result_at=now)
    summary = {"file": filename, "rows": len(seen), "paid": len(paid), "failed": sum(len(v) for v in failed.values()),
               "file_total": file_total, **reconcile(roster)}
    audit.record(actor=actor, action="payroll.bank_result_import", object_type="Roster", object_id=roster.pk,
                 object_repr=str(roster), area_code=roster.area.code, after=summary)
    return summary


def reconcile(roster: Roster) -> dict:
    """Counts and amounts by line status; `balanced` when paid + failed/reissued + pending add up to the total."""
    rows = {s: (n, a or Decimal("0")) for s, n, a in
            RosterLine.objects.filter(roster=roster).values_list("status").annotate(n=Count("id"), a=Sum("amount"))
            .values_list("status", "n", "a")}

    def get(*statuses):
        n = sum(rows.get(s, (0, 0))[0] for s in statuses)
        a = sum((rows.get(s, (0, Decimal("0")))[1] for s in statuses), Decimal("0"))
        return n, fen(a)

    paid, failed, pending = get(LineStatus.PAID), get(LineStatus.FAILED, LineStatus.REISSUED), get(LineStatus.PENDING)
    sent = (paid[0] + failed[0] + pending[0], paid[1] + failed[1] + pending[1])
    return {
        "roster_lines": roster.line_count, "roster_total": roster.total_amount,
        "paid_lines": paid[0], "paid_amount": paid[1], "failed_lines": failed[0], "failed_amount": failed[1],
        "pending_lines": pending[0], "pending_amount": pending[1],
        "balanced": sent == (roster.line_count, roster.total_amount),
    }
