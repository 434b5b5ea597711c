"""Monthly settlement per provider (居家养老服务经费结算, seeds/004_f8502b1ea75e4d53.txt:458).

A statement sums frozen figures: each completed service's subsidy and self-pay as fixed at completion, each
chargeable cancellation/no-show fee (self-paid), and each 长者饭堂 meal of the provider's canteens. Lines are
inserted set-based (INSERT … SELECT) for everything of the provider closed before the month's end and not yet in
any statement — so a service recorded late is carried into the next statement, never lost — and a rerun inserts
nothing twice (NOT EXISTS, backed by unique constraints on order and meal). A confirmed statement is frozen.
"""

import datetime as dt
import io

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from minzheng.accounts.roles import Cap
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.core.periods import next_month_start
from minzheng.core.scope import area_q, can_access_area, ensure_can

from .models import Provider, Statement, StatementLine
from .reference import money
from .services import user_provider

_SERVICE_SQL = """
INSERT INTO homecare_statementline (statement_id, kind, order_id, meal_id, person_id, service_date, description,
                                    amount, subsidy, self_pay)
SELECT %(st)s, 'service', o.id, NULL, o.person_id, o.service_date, i.name, o.amount, o.subsidy, o.self_pay
FROM homecare_order o JOIN homecare_serviceitem i ON i.id = o.item_id
WHERE o.provider_id = %(provider)s AND o.status = 'completed' AND o.service_date < %(end)s
  AND NOT EXISTS (SELECT 1 FROM homecare_statementline l WHERE l.order_id = o.id)
ORDER BY o.service_date, o.id
"""
_FEE_SQL = """
INSERT INTO homecare_statementline (statement_id, kind, order_id, meal_id, person_id, service_date, description,
                                    amount, subsidy, self_pay)
SELECT %(st)s, 'fee', o.id, NULL, o.person_id, o.service_date, i.name || %(fee_label)s, o.fee, 0, o.fee
FROM homecare_order o JOIN homecare_serviceitem i ON i.id = o.item_id
WHERE o.provider_id = %(provider)s AND o.status IN ('cancelled', 'elder_no_show') AND o.fee > 0
  AND o.service_date < %(end)s
  AND NOT EXISTS (SELECT 1 FROM homecare_statementline l WHERE l.order_id = o.id)
ORDER BY o.service_date, o.id
"""
_MEAL_SQL = """
INSERT INTO homecare_statementline (statement_id, kind, order_id, meal_id, person_id, service_date, description,
                                    amount, subsidy, self_pay)
SELECT %(st)s, 'meal', NULL, m.id, m.person_id, m.date,
       c.name || CASE m.kind WHEN 'lunch' THEN %(lunch)s ELSE %(dinner)s END, m.price, m.subsidy, m.self_pay
FROM homecare_meal m JOIN homecare_canteen c ON c.id = m.canteen_id
WHERE c.provider_id = %(provider)s AND m.date < %(end)s
  AND NOT EXISTS (SELECT 1 FROM homecare_statementline l WHERE l.meal_id = m.id)
ORDER BY m.date, m.id
"""


def _snapshot(s: Statement) -> dict:
    return {"status": s.status, "line_count": s.line_count, "amount": s.amount, "subsidy": s.subsidy,
            "self_pay": s.self_pay}


def statement_generate(*, actor, provider: Provider, month: dt.date, today: dt.date | None = None) -> Statement:
    """结算: create or complete the provider's statement for a month that has ended (county, homecare.manage)."""
    ensure_can(actor, provider.area, Cap.HOMECARE_MANAGE)
    if not isinstance(month, dt.date) or month.day != 1:
        raise DomainError("结算月份应为某月1日，例如2024-05-01", field="结算月份")
    today = today or timezone.localdate()
    end = next_month_start(month)
    if end > today:
        raise DomainError(f"{month:%Y年%m月}尚未结束，月度结算须在次月办理", code="month_open", field="结算月份")
    with transaction.atomic():
        st, _ = Statement.objects.get_or_create(provider=provider, month=month)
        st = Statement.objects.select_for_update().get(pk=st.pk)
        if st.status == Statement.Status.CONFIRMED:
            raise Conflict(f"{st}已确认，不能重新结算", code="statement_confirmed", field="结算月份")
        before = _snapshot(st)
        params = {"st": st.pk, "provider": provider.pk, "end": end, "fee_label": "（取消/爽约费）",
                  "lunch": "午餐", "dinner": "晚餐"}
        with connection.cursor() as cur:
            for sql in (_SERVICE_SQL, _FEE_SQL, _MEAL_SQL):
                cur.execute(sql, params)
        agg = st.lines.aggregate(n=Count("id"), a=Sum("amount"), s=Sum("subsidy"), p=Sum("self_pay"))
        st.line_count = agg["n"] or 0
        st.amount, st.subsidy, st.self_pay = (money(agg[k] or 0) for k in "asp")
        st.generated_at, st.generated_by = timezone.now(), actor
        st.save(update_fields=["line_count", "amount", "subsidy", "self_pay", "generated_at", "generated_by"])
        audit.record(actor=actor, action="homecare.statement.generate", object_type="homecare.statement",
                     object_id=st.pk, object_repr=str(st), area_code=provider.area.code, before=before,
                     after=_snapshot(st))
    return st


def statement_confirm(*, actor, statement: Statement) -> Statement:
    ensure_can(actor, statement.provider.area, Cap.HOMECARE_MANAGE)
    with transaction.atomic():
        st = (Statement.objects.select_for_update(of=("self",)).select_related("provider__area")
              .get(pk=statement.pk))
        if st.status == Statement.Status.CONFIRMED:
            raise Conflict(f"{st}已确认", code="statement_confirmed")
        if st.generated_at is None:
            raise DomainError("结算单尚未生成明细", field="结算单")
        before = _snapshot(st)
        st.status, st.confirmed_at = Statement.Status.CONFIRMED, timezone.now()
        st.save(update_fields=["status", "confirmed_at"])
        audit.record(actor=actor, action="homecare.statement.confirm", object_type="homecare.statement",
                     object_id=st.pk, object_repr=str(st), area_code=st.provider.area.code, before=before,
                     after=_snapshot(st))
    return st


def statement_get(user, pk) -> Statement:
    """A statement the user may read: their own provider's, or one in their areas with homecare.view."""

    st = Statement.objects.select_related("provider__area").filter(pk=pk).first()
    if st is None:
        raise NotFound()
    mine = user_provider(user)
    if mine is not None and mine.pk == st.provider_id:
        return st
    if user.can(Cap.HOMECARE_VIEW) and can_access_area(user, st.provider.area):
        return st
    raise NotFound()


def statement_breakdown(st: Statement) -> list[dict]:
    rows = (st.lines.values("kind").annotate(n=Count("id"), a=Sum("amount"), s=Sum("subsidy"), p=Sum("self_pay"))
            .order_by("kind"))
    return [{"kind": r["kind"], "label": StatementLine.Kind(r["kind"]).label, "count": r["n"],
             "amount": money(r["a"]), "subsidy": money(r["s"]), "self_pay": money(r["p"])} for r in rows]


def statement_xlsx(*, actor, statement: Statement) -> tuple[str, bytes]:
    """The provider's downloadable statement: a summary sheet and every line (身份证号 masked). Audited."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    st = statement_get(actor, statement.pk)
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    bold = Font(bold=True)
    ws.append([f"{st.provider.name} {st.month:%Y年%m月} 居家养老服务结算单"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["状态", st.get_status_display()])
    ws.append(["生成时间", timezone.localtime(st.generated_at).strftime("%Y-%m-%d %H:%M") if st.generated_at else ""])
    ws.append([])
    ws.append(["类型", "笔数", "金额（元）", "政府补贴（元）", "个人自付（元）"])
    for c in ws[5]:
        c.font = bold
    for r in statement_breakdown(st):
        ws.append([r["label"], r["count"], float(r["amount"]), float(r["subsidy"]), float(r["self_pay"])])
    ws.append(["合计", st.line_count, float(st.amount), float(st.subsidy), float(st.self_pay)])
    for c in ws[ws.max_row]:
        c.font = bold
    ws.append([])
    ws.append(["说明：政府补贴按服务完成时的补贴规则计算并固定；取消/爽约费由老人自付，不享受补贴；"
               "上月未结算的迟报服务计入本月。"])
    d = wb.create_sheet("明细")
    d.append(["序号", "类型", "服务日期", "老人", "身份证号", "项目", "订单号", "金额（元）", "政府补贴（元）",
              "个人自付（元）"])
    for c in d[1]:
        c.font = bold
    lines = st.lines.select_related("person", "order").order_by("service_date", "id")
    for i, ln in enumerate(lines.iterator(chunk_size=2000), 1):
        d.append([i, ln.get_kind_display(), ln.service_date, ln.person.name, ln.person.masked_id, ln.description,
                  ln.order.number if ln.order_id else "", float(ln.amount), float(ln.subsidy), float(ln.self_pay)])
    for sheet, widths in ((ws, [22, 10, 14, 16, 16]), (d, [6, 12, 12, 10, 22, 24, 20, 12, 14, 14])):
        for col, w in zip("ABCDEFGHIJ", widths, strict=False):
            sheet.column_dimensions[col].width = w
    buf = io.BytesIO()
    wb.save(buf)
    with transaction.atomic():
        audit.record(actor=actor, action="homecare.statement.download", object_type="homecare.statement",
                     object_id=st.pk, object_repr=str(st), area_code=st.provider.area.code,
                     after={"lines": st.line_count})
    return f"statement-{st.provider_id}-{st.month:%Y%m}.xlsx", buf.getvalue()


def statements_for(user, *, month: dt.date | None = None):

    qs = Statement.objects.select_related("provider")
    mine = user_provider(user)
    if mine is not None:
        qs = qs.filter(provider=mine)
    elif user.can(Cap.HOMECARE_VIEW):

        qs = qs.filter(area_q(user, "provider__area"))
    else:
        return qs.none()
    if month:
        qs = qs.filter(month=month)
    return qs.order_by("-month", "provider__name")


def providers_to_settle(user):
    """Providers in the user's areas (for the county's settlement page)."""

    if not user.can(Cap.HOMECARE_MANAGE):
        return Provider.objects.none()
    return Provider.objects.filter(area_q(user, "area")).order_by("name")

