"""居家养老服务 REST API. Thin: reads through homecare.selectors (scoped: staff by area, a provider's accounts to
their provider, a resident to the elders bound to them), writes through homecare.services / settlement (checked,
atomic, audited). Out of reach answers 404; in reach without the right 403; bad input 400/409 in Chinese."""

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.responses import codes_4xx

from minzheng.accounts.roles import Cap, Role
from minzheng.core.api import ErrorOut
from minzheng.core.errors import DomainError, Forbidden, NotFound
from minzheng.core.idcard import normalize
from minzheng.core.inputs import BureauDate
from minzheng.registry.models import Person
from minzheng.registry.selectors import person_get

from . import selectors, services, settlement
from .models import Order, OrderStatus, Provider, Worker

router = Router(tags=["居家养老服务"])



def _month(value: dt.date | None, field: str = "月份") -> dt.date | None:
    if value is not None and value.day != 1:
        raise DomainError(f"{field}应为某月1日，例如2025-03-01", field=field)
    return value


def _elder(user, person_id: int) -> Person:
    if user.role == Role.RESIDENT:
        return selectors.elder_for(user, person_id)
    return person_get(user, person_id)


class ItemOut(Schema):
    code: str
    name: str
    category: str
    unit: str
    price: Decimal
    is_package: bool
    source: str


class CatalogueOut(Schema):
    jurisdiction_code: str | None
    jurisdiction_name: str | None
    items: list[ItemOut]


class OrderOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    channel: str
    person_name: str
    item_code: str
    item_name: str
    quantity: Decimal
    amount: Decimal
    address: str
    scheduled_at: dt.datetime
    provider: str | None
    worker: str | None
    subsidy: Decimal | None
    self_pay: Decimal | None
    fee: Decimal
    subsidy_explanation: str
    close_reason: str
    confirm_code: str | None = Field(None, description="服务确认码：仅老人、家属和工作人员可见，服务机构不可见")

    @staticmethod
    def of(o: Order, user):
        code = None if services.user_provider(user) is not None else o.confirm_code
        return OrderOut(id=o.pk, number=o.number, status=o.status, status_label=o.get_status_display(),
                        channel=o.channel, person_name=o.person.name, item_code=o.item.code, item_name=o.item.name,
                        quantity=o.quantity, amount=o.amount, address=o.address, scheduled_at=o.scheduled_at,
                        provider=o.provider.name if o.provider_id else None,
                        worker=o.worker.name if o.worker_id else None, subsidy=o.subsidy, self_pay=o.self_pay,
                        fee=o.fee, subsidy_explanation=o.subsidy_explanation, close_reason=o.close_reason,
                        confirm_code=code)


class OrderIn(Schema):
    person_id: int = Field(description="老人（人员编号）")
    item_code: str = Field(description="服务项目编码，取自本辖区服务目录")
    scheduled_at: dt.datetime = Field(description="预约时间")
    quantity: Decimal = Decimal("1")
    address: str = ""
    note: str = ""
    provider_id: int | None = Field(None, description="老人点选的服务机构（可不填，由镇街派单）")


class OrderFilter(Schema):
    status: str | None = None


class DispatchIn(Schema):
    provider_id: int


class WorkerAssignIn(Schema):
    worker_id: int


class StartIn(Schema):
    location: str = ""
    started_at: dt.datetime | None = None


class CompleteIn(Schema):
    confirm_code: str = Field(description="老人出示的服务确认码")
    content: str = ""
    location: str = ""
    ended_at: dt.datetime | None = None


class OrderReasonIn(Schema):
    reason: str = ""


class RatingIn(Schema):
    score: int
    comment: str = ""


class ComplaintIn(Schema):
    text: str


class StatementIn(Schema):
    provider_id: int
    month: dt.date


class StatementOut(Schema):
    id: int
    provider: str
    month: dt.date
    status: str
    status_label: str
    line_count: int
    amount: Decimal
    subsidy: Decimal
    self_pay: Decimal
    breakdown: list[dict]

    @staticmethod
    def of(st):
        return StatementOut(id=st.pk, provider=st.provider.name, month=st.month, status=st.status,
                            status_label=st.get_status_display(), line_count=st.line_count, amount=st.amount,
                            subsidy=st.subsidy, self_pay=st.self_pay,
                            breakdown=[{**r, "amount": str(r["amount"]), "subsidy": str(r["subsidy"]),
                                        "self_pay": str(r["self_pay"])} for r in settlement.statement_breakdown(st)])


class MealIn(Schema):
    canteen_id: int
    id_number: str = Field(description="就餐老人身份证号")
    kind: str = Field("lunch", description="lunch 午餐 / dinner 晚餐")
    date: dt.date | None = None


class MealOut(Schema):
    id: int
    person_name: str
    date: dt.date
    kind: str
    price: Decimal
    subsidy: Decimal
    self_pay: Decimal
    explanation: str


# --- catalogue and orders ----------------------------------------------------------------------------------------

@router.get("/catalogue", response={200: CatalogueOut, codes_4xx: ErrorOut}, summary="老人所在辖区的服务目录（点菜式）")
def catalogue(request, person_id: int):
    person = _elder(request.user, person_id)
    area, items = services.catalogue_for(person.residence_area, timezone.localdate())
    return CatalogueOut(jurisdiction_code=area.code if area else None, jurisdiction_name=area.name if area else None,
                        items=[ItemOut(code=i.code, name=i.name, category=i.category, unit=i.unit, price=i.price,
                                       is_package=i.is_package, source=i.source) for i in items])


@router.post("/orders", response={201: OrderOut, codes_4xx: ErrorOut}, summary="下单（老人、家属或工作人员代下单）")
def place_order(request, payload: OrderIn):
    person = _elder(request.user, payload.person_id)
    provider = None
    if payload.provider_id is not None:
        provider = Provider.objects.filter(pk=payload.provider_id).first()
        if provider is None:
            raise DomainError("所选服务机构不存在", field="服务机构")
    order = services.order_place(actor=request.user, person=person, item_code=payload.item_code,
                                 scheduled_at=payload.scheduled_at, quantity=payload.quantity,
                                 address=payload.address, note=payload.note, provider=provider)
    return Status(201, _out(request, order))


@router.get("/orders", response={200: list[OrderOut], codes_4xx: ErrorOut}, summary="订单列表（按身份过滤）")
def list_orders(request, filters: Query[OrderFilter]):
    qs = selectors.orders_for(request.user)
    if filters.status:
        if filters.status not in OrderStatus.values:
            raise DomainError(f"订单状态“{filters.status}”无效", field="状态")
        qs = qs.filter(status=filters.status)
    return [OrderOut.of(o, request.user) for o in qs[:200]]


@router.get("/orders/{order_id}", response={200: OrderOut, codes_4xx: ErrorOut}, summary="订单详情")
def get_order(request, order_id: int):
    return OrderOut.of(selectors.order_get(request.user, order_id), request.user)


def _order_for_write(request, order_id: int) -> Order:
    """Writes find the order in the caller's reach first (404 otherwise); the service checks the right."""
    return selectors.order_get(request.user, order_id)


def _out(request, order) -> OrderOut:
    # The order as the service left it (read under its lock with its relations): no second read per step.
    return OrderOut.of(order, request.user)


@router.post("/orders/{order_id}/dispatch", response={200: OrderOut, codes_4xx: ErrorOut}, summary="派单（镇街）")
def dispatch(request, order_id: int, payload: DispatchIn):
    order = _order_for_write(request, order_id)
    provider = Provider.objects.filter(pk=payload.provider_id).first()
    if provider is None:
        raise DomainError("所选服务机构不存在", field="服务机构")
    return _out(request, services.order_dispatch(actor=request.user, order=order, provider=provider))


@router.post("/orders/{order_id}/assign", response={200: OrderOut, codes_4xx: ErrorOut}, summary="派工（服务机构）")
def assign(request, order_id: int, payload: WorkerAssignIn):
    order = _order_for_write(request, order_id)
    worker = Worker.objects.filter(pk=payload.worker_id).first()
    if worker is None:
        raise DomainError("所选服务人员不存在", field="服务人员")
    return _out(request, services.order_assign(actor=request.user, order=order, worker=worker))


@router.post("/orders/{order_id}/start", response={200: OrderOut, codes_4xx: ErrorOut}, summary="签到开始服务")
def start(request, order_id: int, payload: StartIn):
    order = _order_for_write(request, order_id)
    record = services.order_start(actor=request.user, order=order, started_at=payload.started_at,
                                  location=payload.location)
    return _out(request, record.order)


@router.post("/orders/{order_id}/complete", response={200: OrderOut, codes_4xx: ErrorOut},
             summary="签退完成服务（须老人的服务确认码）")
def complete(request, order_id: int, payload: CompleteIn):
    order = _order_for_write(request, order_id)
    return _out(request, services.order_complete(actor=request.user, order=order, confirm_code=payload.confirm_code,
                                                 content=payload.content, ended_at=payload.ended_at,
                                                 location=payload.location))


@router.post("/orders/{order_id}/cancel", response={200: OrderOut, codes_4xx: ErrorOut}, summary="取消订单")
def cancel(request, order_id: int, payload: OrderReasonIn):
    order = _order_for_write(request, order_id)
    return _out(request, services.order_cancel(actor=request.user, order=order, reason=payload.reason))


@router.post("/orders/{order_id}/elder-no-show", response={200: OrderOut, codes_4xx: ErrorOut},
             summary="登记老人爽约（服务机构）")
def elder_no_show(request, order_id: int, payload: OrderReasonIn):
    order = _order_for_write(request, order_id)
    return _out(request, services.order_elder_no_show(actor=request.user, order=order, note=payload.reason))


@router.post("/orders/{order_id}/provider-no-show", response={200: OrderOut, codes_4xx: ErrorOut},
             summary="登记机构爽约（老人、家属或工作人员）")
def provider_no_show(request, order_id: int):
    order = _order_for_write(request, order_id)
    return _out(request, services.order_provider_no_show(actor=request.user, order=order))


@router.post("/orders/{order_id}/rating", response={201: dict, codes_4xx: ErrorOut}, summary="评价")
def rate(request, order_id: int, payload: RatingIn):
    order = _order_for_write(request, order_id)
    r = services.order_rate(actor=request.user, order=order, score=payload.score, comment=payload.comment)
    return Status(201, {"order": order.number, "score": r.score})


@router.post("/orders/{order_id}/complaints", response={201: dict, codes_4xx: ErrorOut}, summary="投诉")
def complain(request, order_id: int, payload: ComplaintIn):
    order = _order_for_write(request, order_id)
    c = services.complaint_file(actor=request.user, order=order, text=payload.text)
    return Status(201, {"id": c.pk, "status": c.status})


# --- settlement --------------------------------------------------------------------------------------------------

@router.post("/statements", response={201: StatementOut, codes_4xx: ErrorOut}, summary="生成（或补全）机构月度结算单",
             description="重复调用不会重复计入；已确认的结算单不能重新结算。")
def generate_statement(request, payload: StatementIn):
    provider = Provider.objects.select_related("area").filter(pk=payload.provider_id).first()
    if provider is None:
        raise NotFound()
    st = settlement.statement_generate(actor=request.user, provider=provider,
                                       month=_month(payload.month, "结算月份"))
    return Status(201, StatementOut.of(st))


@router.get("/statements", response={200: list[StatementOut], codes_4xx: ErrorOut}, summary="结算单列表")
def list_statements(request, month: BureauDate | None = None):
    return [StatementOut.of(s) for s in settlement.statements_for(request.user, month=_month(month))]


@router.post("/statements/{statement_id}/confirm", response={200: StatementOut, codes_4xx: ErrorOut},
             summary="确认结算单")
def confirm_statement(request, statement_id: int):
    st = settlement.statement_get(request.user, statement_id)
    return StatementOut.of(settlement.statement_confirm(actor=request.user, statement=st))


@router.get("/statements/{statement_id}/xlsx", response={codes_4xx: ErrorOut}, summary="下载结算单（Excel）")
def statement_file(request, statement_id: int):
    st = settlement.statement_get(request.user, statement_id)
    name, data = settlement.statement_xlsx(actor=request.user, statement=st)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- canteens and overview ---------------------------------------------------------------------------------------

@router.post("/meals", response={201: MealOut, codes_4xx: ErrorOut}, summary="长者饭堂就餐登记")
def serve_meal(request, payload: MealIn):
    canteen = selectors.canteens_for(request.user).filter(pk=payload.canteen_id).first()
    if canteen is None:
        raise NotFound()

    person = Person.objects.filter(id_number=normalize(payload.id_number)).first()
    if person is None:
        raise DomainError("该身份证号未在人员库中登记", field="身份证号")
    m = services.meal_serve(actor=request.user, canteen=canteen, person=person, kind=payload.kind, date=payload.date)
    return Status(201, MealOut(id=m.pk, person_name=person.name, date=m.date, kind=m.kind, price=m.price,
                               subsidy=m.subsidy, self_pay=m.self_pay, explanation=m.explanation))


@router.get("/overview", response={200: dict, codes_4xx: ErrorOut}, summary="辖区居家养老服务概况")
def overview(request, month: BureauDate | None = None):
    if not request.user.can(Cap.HOMECARE_VIEW):

        raise Forbidden("您的角色无权查看居家养老服务订单")
    month = _month(month) or timezone.localdate().replace(day=1)
    data = selectors.overview(request.user, month=month)
    return {k: (str(v) if isinstance(v, Decimal | dt.date) else v) for k, v in data.items()
            if k not in ("per_provider", "statuses")} | {
        "statuses": [{"status": s, "label": lbl, "count": n} for s, lbl, n in data["statuses"]]}

