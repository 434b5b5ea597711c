"""居家养老服务 pages. Thin: reads through homecare.selectors / settlement (scoped), writes through services (checked,
audited). A refused action is shown as a message and writes nothing. Three audiences:

- the elder or family on a phone (`m/`): 点菜式 menu, order form, their orders with the confirmation code;
- the provider (`provider/`): work list, assign a worker, sign in/out with the elder's code, statements;
- staff (`""`): the town's overview, dispatch, complaints; the county's settlement (`statements/`).
"""

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap, Role
from minzheng.core.errors import DomainError, Forbidden, NotFound
from minzheng.core.periods import previous_month_start
from minzheng.web.pages import page, paginate

from . import selectors, services, settlement
from .models import Complaint, OrderStatus, Provider, Worker

S = OrderStatus


def _refused(request, e: DomainError, to):
    if e.status in (403, 404):
        raise e
    messages.error(request, e.message)
    return to


def _month(request) -> dt.date:
    text = request.GET.get("month", "")
    try:
        return dt.date.fromisoformat(text + "-01") if text else timezone.localdate().replace(day=1)
    except ValueError:
        return timezone.localdate().replace(day=1)


@page()
def index(request):
    user = request.user
    if user.role == Role.RESIDENT:
        return redirect("homecare:mobile")
    if services.user_provider(user) is not None:
        return redirect("homecare:worklist")
    if user.can(Cap.HOMECARE_VIEW):
        return redirect("homecare:overview")
    raise Forbidden("您的角色无权使用居家养老服务")


# --- the elder's phone pages ------------------------------------------------------------------------------------

@page(Cap.HOMECARE_ORDER)
def mobile(request):
    contacts = selectors.bound_elders(request.user)
    if request.user.role != Role.RESIDENT:
        return redirect("homecare:overview")
    elder = None
    if contacts:
        elder = selectors.elder_for(request.user, request.GET.get("elder") or contacts[0].person_id)
    menu, jurisdiction = [], None
    if elder:
        jurisdiction, items = services.catalogue_for(elder.residence_area, timezone.localdate())
        cats: dict[str, list] = {}
        for i in items:
            if not i.is_package:
                cats.setdefault(i.category, []).append(i)
        menu = list(cats.items())
    orders = selectors.orders_for(request.user).filter(person=elder)[:20] if elder else []
    return render(request, "homecare/mobile.html", {"contacts": contacts, "elder": elder, "menu": menu,
                                                    "jurisdiction": jurisdiction, "orders": orders})


@page(Cap.HOMECARE_ORDER)
def mobile_order(request):
    elder = selectors.elder_for(request.user, request.GET.get("elder") or request.POST.get("elder"))
    jurisdiction, items = services.catalogue_for(elder.residence_area, timezone.localdate())
    code = request.GET.get("item") or request.POST.get("item", "")
    item = next((i for i in items if i.code == code), None)
    providers = selectors.providers_for_area(elder.residence_area)
    ctx = {"elder": elder, "item": item, "items": [i for i in items if not i.is_package], "providers": providers,
           "form": request.POST or {"address": elder.address, "quantity": "1"}}
    if request.method == "POST":
        try:
            when = dt.datetime.fromisoformat(request.POST.get("scheduled_at", ""))
        except ValueError:
            ctx["error"] = "请选择预约时间"
            return render(request, "homecare/mobile_order.html", ctx, status=400)
        provider = providers.filter(pk=request.POST.get("provider") or 0).first()
        try:
            order = services.order_place(actor=request.user, person=elder, item_code=code, scheduled_at=when,
                                         quantity=request.POST.get("quantity") or "1",
                                         address=request.POST.get("address", ""), note=request.POST.get("note", ""),
                                         provider=provider)
        except DomainError as e:
            if e.status in (403, 404):
                raise
            ctx["error"] = e.message
            return render(request, "homecare/mobile_order.html", ctx, status=400)
        messages.success(request, f"下单成功，订单号{order.number}")
        return redirect("homecare:mobile_detail", pk=order.pk)
    return render(request, "homecare/mobile_order.html", ctx)


@page(Cap.HOMECARE_ORDER)
def mobile_detail(request, pk):
    order = selectors.order_get(request.user, pk)
    return render(request, "homecare/mobile_detail.html", {"order": order,
                                                           "rated": hasattr(order, "rating")})


@require_POST
@page(Cap.HOMECARE_ORDER)
def mobile_action(request, pk, action):
    order = selectors.order_get(request.user, pk)
    back = redirect("homecare:mobile_detail", pk=order.pk)
    try:
        if action == "cancel":
            o = services.order_cancel(actor=request.user, order=order, reason=request.POST.get("reason", ""))
            messages.success(request, f"订单已取消：{o.close_reason}")
        elif action == "rate":
            services.order_rate(actor=request.user, order=order, score=request.POST.get("score"),
                                comment=request.POST.get("comment", ""))
            messages.success(request, "感谢您的评价")
        elif action == "complain":
            services.complaint_file(actor=request.user, order=order, text=request.POST.get("text", ""))
            messages.success(request, "投诉已提交，镇街将跟进处理")
        elif action == "missed":
            services.order_provider_no_show(actor=request.user, order=order)
            messages.success(request, "已登记机构爽约，本单不收费")
        else:
            raise DomainError("未知操作")
    except DomainError as e:
        return _refused(request, e, back)
    return back


# --- the provider's work list -----------------------------------------------------------------------------------

def _provider(request):
    provider = services.user_provider(request.user)
    if provider is None:
        raise Forbidden("您的账号尚未加入服务机构")
    return provider


@page(Cap.HOMECARE_SERVE)
def worklist(request):
    provider = _provider(request)
    status = request.GET.get("status", "open")
    orders = selectors.worklist(request.user, status=status if status != "all" else None,
                                mine_only=request.GET.get("mine") == "1")
    return render(request, "homecare/worklist.html", {
        "provider": provider, "orders": paginate(request, orders, 30), "status": status,
        "workers": selectors.workers_of(request.user),
        "tabs": [("open", "待办"), ("dispatched", "待派工"), ("assigned", "已派工"), ("in_service", "服务中"),
                 ("completed", "已完成"), ("all", "全部")],
    })


@page(Cap.HOMECARE_SERVE)
def service_record(request, pk):
    provider = _provider(request)
    order = selectors.order_get(request.user, pk)
    record = getattr(order, "record", None)
    return render(request, "homecare/service_record.html", {"provider": provider, "order": order, "record": record,
                                                            "workers": selectors.workers_of(request.user)})


@require_POST
@page(Cap.HOMECARE_SERVE)
def provider_action(request, pk, action):
    order = selectors.order_get(request.user, pk)
    back = redirect("homecare:record", pk=order.pk)
    try:
        if action == "assign":
            worker = Worker.objects.filter(pk=request.POST.get("worker") or 0).first()
            if worker is None:
                raise DomainError("请选择服务人员", field="服务人员")
            services.order_assign(actor=request.user, order=order, worker=worker)
            messages.success(request, f"已派工给{worker.name}")
        elif action == "start":
            services.order_start(actor=request.user, order=order, location=request.POST.get("location", ""))
            messages.success(request, "已签到，服务开始")
        elif action == "complete":
            o = services.order_complete(actor=request.user, order=order,
                                        confirm_code=request.POST.get("confirm_code", ""),
                                        content=request.POST.get("content", ""),
                                        location=request.POST.get("location", ""))
            messages.success(request, f"服务已完成：政府补贴{o.subsidy}元，个人自付{o.self_pay}元")
        elif action == "elder-no-show":
            o = services.order_elder_no_show(actor=request.user, order=order, note=request.POST.get("note", ""))
            messages.success(request, f"已登记老人爽约：{o.close_reason}")
        else:
            raise DomainError("未知操作")
    except DomainError as e:
        return _refused(request, e, back)
    return back


# --- staff: overview, dispatch, complaints ----------------------------------------------------------------------

@page(Cap.HOMECARE_VIEW)
def overview(request):
    month = _month(request)
    data = selectors.overview(request.user, month=month)
    waiting = selectors.orders_for(request.user).filter(status=S.PLACED).order_by("scheduled_at")[:50]
    can_dispatch = request.user.can(Cap.HOMECARE_DISPATCH)
    for o in waiting:
        o.candidates = list(selectors.providers_for_area(o.area)) if can_dispatch else []
    complaints = selectors.complaints_for(request.user, status=Complaint.Status.OPEN)[:50]
    return render(request, "homecare/overview.html", {"d": data, "waiting": waiting, "complaints": complaints,
                                                      "can_dispatch": can_dispatch,
                                                      "month_text": f"{month:%Y-%m}"})


@page(Cap.HOMECARE_VIEW)
def order_list(request):
    qs = selectors.orders_for(request.user)
    status = request.GET.get("status", "")
    if status in S.values:
        qs = qs.filter(status=status)
    return render(request, "homecare/order_list.html", {"orders": paginate(request, qs, 50), "status": status,
                                                        "statuses": S.choices})


@require_POST
@page(Cap.HOMECARE_DISPATCH)
def dispatch(request, pk):
    order = selectors.order_get(request.user, pk)
    back = redirect("homecare:overview")
    try:
        provider = Provider.objects.filter(pk=request.POST.get("provider") or 0).first()
        if provider is None:
            raise DomainError("请选择服务机构", field="服务机构")
        services.order_dispatch(actor=request.user, order=order, provider=provider)
        messages.success(request, f"订单{order.number}已派给{provider.name}")
    except DomainError as e:
        return _refused(request, e, back)
    return back


@require_POST
@page(Cap.HOMECARE_DISPATCH)
def complaint_resolve(request, pk):
    c = selectors.complaints_for(request.user).filter(pk=pk).first()
    if c is None:
        raise NotFound()
    try:
        services.complaint_resolve(actor=request.user, complaint=c, resolution=request.POST.get("resolution", ""))
        messages.success(request, "投诉已办结")
    except DomainError as e:
        return _refused(request, e, redirect("homecare:overview"))
    return redirect("homecare:overview")


# --- statements -------------------------------------------------------------------------------------------------

@page()
def statements(request):
    user = request.user
    if services.user_provider(user) is None and not user.can(Cap.HOMECARE_VIEW):
        raise Forbidden("您的角色无权查看结算单")
    if request.method == "POST":
        if not user.can(Cap.HOMECARE_MANAGE):
            raise Forbidden("您的角色无权办理月度结算")
        try:
            provider = settlement.providers_to_settle(user).filter(pk=request.POST.get("provider") or 0).first()
            if provider is None:
                raise DomainError("请选择服务机构", field="服务机构")
            try:
                month = dt.date.fromisoformat(request.POST.get("month", "") + "-01")
            except ValueError:
                raise DomainError("请选择结算月份", field="结算月份") from None
            st = settlement.statement_generate(actor=user, provider=provider, month=month)
            messages.success(request, f"{st}已生成：{st.line_count}笔，政府补贴{st.subsidy}元，个人自付{st.self_pay}元")
        except DomainError as e:
            return _refused(request, e, redirect("homecare:statements"))
        return redirect("homecare:statements")
    last = previous_month_start(timezone.localdate())
    return render(request, "homecare/statements.html", {
        "statements": paginate(request, settlement.statements_for(user), 30),
        "providers": settlement.providers_to_settle(user), "last_month": f"{last:%Y-%m}",
        "can_manage": user.can(Cap.HOMECARE_MANAGE)})


@require_POST
@page(Cap.HOMECARE_MANAGE)
def statement_confirm(request, pk):
    st = settlement.statement_get(request.user, pk)
    try:
        settlement.statement_confirm(actor=request.user, statement=st)
        messages.success(request, f"{st}已确认")
    except DomainError as e:
        return _refused(request, e, redirect("homecare:statements"))
    return redirect("homecare:statements")


@page()
def statement_download(request, pk):
    st = settlement.statement_get(request.user, pk)
    name, data = settlement.statement_xlsx(actor=request.user, statement=st)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
