"""Writes of 居家养老服务: one function per state change, each checking who may act, validating, writing and
auditing in one transaction. Order state machine:

    placed ─dispatch→ dispatched ─assign→ assigned ─start→ in_service ─complete→ completed
      └──────────────cancel (elder side; a late cancel pays the fee in order_rules.csv)──────→ cancelled
    assigned ─elder_no_show (provider side, after the appointment)→ elder_no_show (fee)
    dispatched/assigned ─provider_no_show (elder side, after the grace period)→ provider_no_show

Who acts: the elder side is a resident bound to the elder (ElderContact) or staff with homecare.order in the elder's
area; the provider side is an account of the order's provider; dispatch is a 镇街/县区 officer. Anything out of
the actor's reach looks absent (404), in reach without the right is refused (403).
"""

import datetime as dt
import secrets
import uuid
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from minzheng.accounts.roles import Cap, Role
from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, Forbidden, NotFound
from minzheng.core.periods import age_on, month_start, next_month_start
from minzheng.core.scope import ensure_can
from minzheng.registry.models import Person

from . import reference
from .models import (
    Canteen,
    Complaint,
    ElderContact,
    Meal,
    Order,
    OrderStatus,
    PackageContract,
    Provider,
    ProviderMember,
    Rating,
    ServiceItem,
    ServiceRecord,
    Worker,
)

S = OrderStatus


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _aware(at: dt.datetime | None) -> dt.datetime | None:
    return timezone.make_aware(at) if at is not None and timezone.is_naive(at) else at


def _local_date(at: dt.datetime) -> dt.date:
    return timezone.localdate(at)


def _label(status: str) -> str:
    return S(status).label


# --- who is who -------------------------------------------------------------------------------------------------

def user_provider(user) -> Provider | None:
    """The provider a 服务机构 account works for (as a member, or as one of its workers)."""
    if not getattr(user, "is_authenticated", False) or not user.can(Cap.HOMECARE_SERVE):
        return None
    cached = getattr(user, "_hc_provider", False)
    if cached is not False:
        return cached
    m = ProviderMember.objects.filter(user=user).select_related("provider").first()
    provider = m.provider if m else None
    if provider is None:
        w = Worker.objects.filter(user=user, active=True).select_related("provider").first()
        provider = w.provider if w else None
    user._hc_provider = provider
    return provider


def contact_of(user, person) -> ElderContact | None:
    if not getattr(user, "is_authenticated", False) or user.role != Role.RESIDENT:
        return None
    return ElderContact.objects.filter(user=user, person=person).first()


def _ensure_elder_side(actor, order_or_person, *, area: Area) -> ElderContact | None:
    """The actor may act for this elder: a bound resident, or staff with homecare.order in the elder's area."""
    person = order_or_person if isinstance(order_or_person, Person) else order_or_person.person
    if actor.role == Role.RESIDENT:
        contact = contact_of(actor, person)
        if contact is None:
            raise NotFound()
        if not actor.can(Cap.HOMECARE_ORDER):
            raise Forbidden("您的账号无权办理居家养老服务")
        return contact
    ensure_can(actor, area, Cap.HOMECARE_ORDER)
    return None


def _ensure_provider_side(actor, order: Order) -> Provider:
    """Another provider's order looks absent; staff who can read the order are told it is the provider's work
    (403, as on the pages), not that a visible order does not exist."""
    provider = user_provider(actor)
    if provider is None:
        raise Forbidden("派工、签到、签退和登记老人爽约须由承接订单的服务机构办理")
    if order.provider_id != provider.pk:
        raise NotFound()
    return provider


def _audit(actor, action: str, order: Order, before: dict | None, after: dict) -> None:
    audit.record(actor=actor, action=action, object_type="homecare.order", object_id=order.pk,
                 object_repr=order.number, area_code=order.area.code, before=before, after=after)


def _locked(order: Order) -> Order:
    # of=self: PostgreSQL cannot lock the nullable side (provider, worker) of the outer joins.
    return (Order.objects.select_for_update(of=("self",))
            .select_related("area", "jurisdiction", "item", "person", "provider", "worker").get(pk=order.pk))


def _require_status(order: Order, allowed: tuple, doing: str) -> None:
    if order.status not in allowed:
        if order.status == S.COMPLETED and doing == "完成":
            raise Conflict(f"订单{order.number}已完成，不能重复完成", code="already_completed", field="状态")
        raise Conflict(f"订单{order.number}当前状态为“{_label(order.status)}”，不能{doing}", code="bad_status",
                       field="状态")


# --- providers, workers, family contacts ------------------------------------------------------------------------

def provider_create(*, actor, name: str, area: Area, credit_code: str = "", phone: str = "") -> Provider:
    ensure_can(actor, area, Cap.HOMECARE_MANAGE)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写机构名称", code="required", field="机构名称")
    credit_code = (credit_code or "").strip().upper()
    if credit_code and len(credit_code) != 18:
        raise DomainError("统一社会信用代码应为18位", field="统一社会信用代码")
    if credit_code and Provider.objects.filter(credit_code=credit_code).exists():
        raise Conflict(f"统一社会信用代码{credit_code}的机构已登记", field="统一社会信用代码")
    with transaction.atomic():
        p = Provider.objects.create(name=name, area=area, credit_code=credit_code, phone=phone)
        audit.record(actor=actor, action="homecare.provider.create", object_type="homecare.provider", object_id=p.pk,
                     object_repr=name, area_code=area.code, after={"name": name, "area": area.code})
    return p


def provider_add_member(*, actor, provider: Provider, user) -> ProviderMember:
    """Give a 服务机构 account to a provider (the account then sees only this provider's work)."""
    ensure_can(actor, provider.area, Cap.HOMECARE_MANAGE)
    if user.role != Role.PROVIDER:
        raise DomainError(f"账号{user.username}的角色不是“服务机构”，不能加入机构", field="账号")
    if ProviderMember.objects.filter(user=user).exists():
        raise Conflict(f"账号{user.username}已属于一家服务机构", field="账号")
    with transaction.atomic():
        m = ProviderMember.objects.create(user=user, provider=provider)
        user.__dict__.pop("_hc_provider", None)  # forget a cached "no provider"
        audit.record(actor=actor, action="homecare.provider.add_member", object_type="homecare.provider",
                     object_id=provider.pk, object_repr=provider.name, area_code=provider.area.code,
                     after={"user": user.username})
    return m


def worker_add(*, actor, provider: Provider, name: str, phone: str = "", certificate: str = "",
               user=None) -> Worker:
    if user_provider(actor) != provider:
        ensure_can(actor, provider.area, Cap.HOMECARE_MANAGE)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写服务人员姓名", code="required", field="姓名")
    if user is not None and user.role != Role.PROVIDER:
        raise DomainError(f"账号{user.username}的角色不是“服务机构”", field="账号")
    with transaction.atomic():
        w = Worker.objects.create(provider=provider, name=name, phone=phone, certificate=certificate, user=user)
        audit.record(actor=actor, action="homecare.worker.add", object_type="homecare.worker", object_id=w.pk,
                     object_repr=name, area_code=provider.area.code, after={"provider": provider.name, "name": name})
    return w


def contact_bind(*, actor, user, person: Person, relation: str) -> ElderContact:
    """家属绑定: a village/town worker lets a resident account order for an elder (after checking who they are)."""
    ensure_can(actor, person.residence_area, Cap.HOMECARE_ORDER)
    if actor.role == Role.RESIDENT:
        raise Forbidden("家属绑定须由村（居）或镇街工作人员办理")
    if user.role != Role.RESIDENT:
        raise DomainError(f"账号{user.username}不是居民账号", field="账号")
    if relation not in ElderContact.Relation.values:
        raise DomainError(f"关系“{relation}”无效", field="关系")
    if ElderContact.objects.filter(user=user, person=person).exists():
        raise Conflict(f"账号{user.username}已绑定{person.name}", field="账号")
    with transaction.atomic():
        c = ElderContact.objects.create(user=user, person=person, relation=relation, created_by=actor)
        audit.record(actor=actor, action="homecare.contact.bind", object_type="homecare.contact", object_id=c.pk,
                     object_repr=f"{user.username}→{person.name}", area_code=person.residence_area.code,
                     after={"user": user.username, "person": person.masked_id, "relation": relation})
    return c


# --- catalogue --------------------------------------------------------------------------------------------------

def catalogue_for(area: Area, on: dt.date) -> tuple[Area | None, list[ServiceItem]]:
    """The menu that applies in `area` on a day: the nearest jurisdiction with items, latest version per code."""
    ancestors = list(area.ancestors())
    for a in reversed(ancestors):
        items = list(ServiceItem.objects.filter(area=a, valid_from__lte=on).exclude(valid_to__lte=on)
                     .order_by("code", "-valid_from"))
        if items:
            latest = {}
            for it in items:
                latest.setdefault(it.code, it)
            return a, sorted(latest.values(), key=lambda i: (i.is_package, i.category, i.code))
    return None, []


def _elder_checks(person: Person, on: dt.date) -> None:
    if person.death_date:
        raise DomainError(f"{person.name}已登记死亡，不能下单", field="老人")
    age = age_on(person.birth_date, on)
    if age < reference.elderly_age():
        raise DomainError(f"{person.name}未满{reference.elderly_age()}周岁，不是居家养老服务对象", field="老人")


def _quantity(value, unit: str) -> Decimal:
    try:
        q = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError("数量应为数字", field="数量") from None
    if q <= 0:
        raise DomainError("数量应大于0", field="数量")
    if unit != "小时" and q != q.to_integral_value():
        raise DomainError(f"按“{unit}”计价的服务，数量应为整数", field="数量")
    if unit == "小时" and (q * 2) != (q * 2).to_integral_value():
        raise DomainError("按小时计价的服务，数量以0.5小时为单位", field="数量")
    return q


def _new_number(prefix: str, day: dt.date, pk: int) -> str:
    return f"{prefix}{day:%Y%m%d}{pk:07d}"


def _provider_serves(provider: Provider, area: Area) -> None:
    if not provider.active:
        raise DomainError(f"{provider.name}已停止服务", field="服务机构")
    if not area.path.startswith(provider.area.path):
        raise DomainError(f"{provider.name}的服务区域不包括{area.name}", field="服务机构")


def order_place(*, actor, person: Person, item_code: str, scheduled_at: dt.datetime, address: str = "",
                quantity=1, note: str = "", provider: Provider | None = None,
                now: dt.datetime | None = None) -> Order:
    """下单: the elder or family (自助下单), or staff for an elder of their area. A provider the elder picks from
    the menu gets the order at once (it is dispatched in the same transaction)."""
    now = _now(now)
    today = _local_date(now)
    area = person.residence_area
    contact = _ensure_elder_side(actor, person, area=area)
    _elder_checks(person, today)
    if not isinstance(scheduled_at, dt.datetime):
        raise DomainError("请选择预约时间", code="required", field="预约时间")
    if timezone.is_naive(scheduled_at):
        scheduled_at = timezone.make_aware(scheduled_at)
    if scheduled_at < now:
        raise DomainError("预约时间不能早于当前时间", field="预约时间")
    jurisdiction, items = catalogue_for(area, today)
    code = (item_code or "").strip().upper()
    item = next((i for i in items if i.code == code), None)
    if item is None:
        where = jurisdiction.name if jurisdiction else area.name
        known = ServiceItem.objects.filter(code=code).values_list("name", flat=True).first()
        what = f"“{known}”（{code}）" if known else f"编码为“{code or '（空）'}”的"
        raise DomainError(f"{where}的居家养老服务目录中没有{what}服务项目，请从本辖区服务目录中选择",
                          code="service_not_offered", field="服务项目")
    if item.is_package:
        raise DomainError(f"“{item.name}”是服务包，须由县区民政部门办理签约，不能单次下单", code="package_item",
                          field="服务项目")
    qty = _quantity(quantity, item.unit)
    address = (address or person.address or "").strip()
    if not address:
        raise DomainError("请填写服务地址", code="required", field="服务地址")
    if provider is not None:
        _provider_serves(provider, area)
    if contact is not None:
        channel = Order.Channel.SELF if contact.relation == ElderContact.Relation.SELF else Order.Channel.FAMILY
    else:
        channel = Order.Channel.STAFF
    with transaction.atomic():
        order = _create_order(person=person, area=area, jurisdiction=jurisdiction, item=item, qty=qty,
                              address=address, scheduled_at=scheduled_at, note=note, channel=channel, actor=actor,
                              day=today)
        if provider is not None:
            _dispatch(actor, order, provider, now)
    return order


def _create_order(*, person, area, jurisdiction, item, qty, address, scheduled_at, note, channel, actor, day,
                  provider=None, contract=None, source_key=None) -> Order:
    order = Order.objects.create(
        number=f"TMP-{uuid.uuid4().hex[:24]}", person=person, area=area, jurisdiction=jurisdiction, item=item,
        quantity=qty, unit_price=item.price, amount=reference.money(item.price * qty), address=address[:200],
        scheduled_at=scheduled_at, note=(note or "")[:200], channel=channel,
        placed_by=actor if getattr(actor, "pk", None) else None, confirm_code=f"{secrets.randbelow(10000):04d}",
        contract=contract, source_key=source_key)
    order.number = _new_number("JJ", day, order.pk)
    order.save(update_fields=["number"])
    _audit(actor, "homecare.order.place", order, None,
           {"status": S.PLACED, "person": person.masked_id, "item": item.code, "quantity": qty,
            "amount": order.amount, "scheduled_at": scheduled_at, "channel": channel})
    return order


def _dispatch(actor, order: Order, provider: Provider, now: dt.datetime) -> None:
    before = {"status": order.status, "provider": None}
    order.status, order.provider, order.dispatched_at = S.DISPATCHED, provider, now
    order.save(update_fields=["status", "provider", "dispatched_at"])
    _audit(actor, "homecare.order.dispatch", order, before, {"status": S.DISPATCHED, "provider": provider.name})


def order_dispatch(*, actor, order: Order, provider: Provider, now: dt.datetime | None = None) -> Order:
    """派单 to a provider serving the elder's area (镇街/县区)."""
    ensure_can(actor, order.area, Cap.HOMECARE_DISPATCH)
    with transaction.atomic():
        order = _locked(order)
        _require_status(order, (S.PLACED,), "派单")
        _provider_serves(provider, order.area)
        _dispatch(actor, order, provider, _now(now))
    return order


def order_assign(*, actor, order: Order, worker: Worker, now: dt.datetime | None = None) -> Order:
    """派工: the provider names the worker who will serve."""
    _ensure_provider_side(actor, order)
    with transaction.atomic():
        order = _locked(order)
        _require_status(order, (S.DISPATCHED, S.ASSIGNED), "派工")
        if worker.provider_id != order.provider_id or not worker.active:
            raise DomainError(f"{worker.name}不是{order.provider.name}的在岗服务人员", field="服务人员")
        before = {"status": order.status, "worker": order.worker.name if order.worker else None}
        order.status, order.worker, order.assigned_at = S.ASSIGNED, worker, _now(now)
        order.save(update_fields=["status", "worker", "assigned_at"])
        _audit(actor, "homecare.order.assign", order, before, {"status": S.ASSIGNED, "worker": worker.name})
    return order


def order_start(*, actor, order: Order, started_at: dt.datetime | None = None, location: str = "",
                now: dt.datetime | None = None) -> ServiceRecord:
    """签到: the worker arrives and the service record opens with its start time and place."""
    _ensure_provider_side(actor, order)
    now = _now(now)
    started_at = _aware(started_at) or now
    if started_at > now:
        raise DomainError("服务开始时间不能晚于当前时间", field="开始时间")
    with transaction.atomic():
        order = _locked(order)
        _require_status(order, (S.ASSIGNED,), "开始服务")
        record = ServiceRecord.objects.create(
            order=order, provider=order.provider, worker=order.worker, person=order.person,
            item_name=order.item.name, address=order.address, start_location=(location or "")[:100],
            started_at=started_at, recorded_by=actor)
        order.status = S.IN_SERVICE
        order.save(update_fields=["status"])
        _audit(actor, "homecare.order.start", order, {"status": S.ASSIGNED},
               {"status": S.IN_SERVICE, "worker": order.worker.name, "started_at": started_at,
                "location": location})
    return record


def order_complete(*, actor, order: Order, confirm_code: str, content: str = "", ended_at: dt.datetime | None = None,
                   location: str = "", now: dt.datetime | None = None) -> Order:
    """签退 and 完成: the elder's confirmation code proves the visit; the subsidy/self-pay split is fixed here."""
    _ensure_provider_side(actor, order)
    now = _now(now)
    ended_at = _aware(ended_at) or now
    with transaction.atomic():
        order = _locked(order)
        _require_status(order, (S.IN_SERVICE,), "完成")
        record = ServiceRecord.objects.select_for_update().get(order=order)
        if ended_at < record.started_at:
            raise DomainError(f"服务结束时间（{timezone.localtime(ended_at):%Y-%m-%d %H:%M}）早于开始时间"
                              f"（{timezone.localtime(record.started_at):%Y-%m-%d %H:%M}），请核对",
                              code="end_before_start", field="结束时间")
        if ended_at > now:
            raise DomainError("服务结束时间不能晚于当前时间", field="结束时间")
        if (confirm_code or "").strip() != order.confirm_code:
            raise DomainError("服务确认码不正确，请向老人或家属核对", code="bad_confirm_code", field="服务确认码")
        day = _local_date(ended_at)
        # Serialise completions of one elder so two services cannot both take the last of the monthly cap.
        Person.objects.select_for_update().filter(pk=order.person_id).first()
        used = (Order.objects.filter(person=order.person, status=S.COMPLETED, service_date__gte=month_start(day),
                                     service_date__lt=next_month_start(day)).aggregate(s=Sum("subsidy"))["s"]
                or Decimal("0"))
        split = reference.subsidy_for(person=order.person, jurisdiction=order.jurisdiction,
                                      category=order.item.category, amount=order.amount, on=day,
                                      used_this_month=used)
        record.ended_at, record.end_location = ended_at, (location or "")[:100]
        record.content, record.confirmed_by_elder = content or "", True
        record.save(update_fields=["ended_at", "end_location", "content", "confirmed_by_elder"])
        order.status, order.closed_at, order.service_date = S.COMPLETED, now, day
        order.subsidy, order.self_pay, order.subsidy_explanation = split.subsidy, split.self_pay, split.explanation
        order.save(update_fields=["status", "closed_at", "service_date", "subsidy", "self_pay",
                                  "subsidy_explanation"])
        _audit(actor, "homecare.order.complete", order, {"status": S.IN_SERVICE},
               {"status": S.COMPLETED, "ended_at": ended_at, "amount": order.amount, "subsidy": split.subsidy,
                "self_pay": split.self_pay, "explanation": split.explanation})
    return order


def _close_with_fee(actor, order: Order, *, status: str, fee: Decimal, reason: str, now: dt.datetime,
                    action: str) -> Order:
    before = {"status": order.status}
    order.status, order.closed_at, order.close_reason = status, now, reason[:200]
    order.fee = reference.money(fee)
    order.service_date = _local_date(now)
    order.subsidy, order.self_pay = (Decimal("0.00"), order.fee)
    order.save(update_fields=["status", "closed_at", "close_reason", "fee", "service_date", "subsidy", "self_pay"])
    _audit(actor, action, order, before, {"status": status, "fee": order.fee, "reason": reason})
    return order


def order_cancel(*, actor, order: Order, reason: str = "", now: dt.datetime | None = None) -> Order:
    """取消 (elder side). Free until `free_cancel_hours` before the appointment once a provider has the order; later
    the elder pays the late-cancellation fee of order_rules.csv (self-paid, never subsidised)."""
    _ensure_elder_side(actor, order, area=order.area)
    now = _now(now)
    with transaction.atomic():
        order = _locked(order)
        _require_status(order, (S.PLACED, S.DISPATCHED, S.ASSIGNED), "取消")
        rules = reference.order_rules(order.jurisdiction, _local_date(now))
        fee, why = Decimal("0"), "免费取消"
        late = order.scheduled_at - now < dt.timedelta(hours=float(rules.free_cancel_hours))
        if order.status != S.PLACED and late and rules.late_cancel_fee_rate > 0:
            fee = order.amount * rules.late_cancel_fee_rate
            why = (f"预约前{rules.free_cancel_hours}小时内取消，按服务金额的{rules.late_cancel_fee_rate * 100:.0f}%"
                   f"收取取消费{reference.money(fee)}元")
        text = f"{reason.strip()}（{why}）" if reason and reason.strip() else why
        return _close_with_fee(actor, order, status=S.CANCELLED, fee=fee, reason=text, now=now,
                               action="homecare.order.cancel")


def order_elder_no_show(*, actor, order: Order, note: str = "", now: dt.datetime | None = None) -> Order:
    """老人爽约: the worker came at the appointment and nobody was home (provider side)."""
    _ensure_provider_side(actor, order)
    now = _now(now)
    with transaction.atomic():
        order = _locked(order)
        _require_status(order, (S.ASSIGNED,), "登记老人爽约")
        if now < order.scheduled_at:
            raise DomainError("预约时间未到，不能登记老人爽约", field="预约时间")
        rules = reference.order_rules(order.jurisdiction, _local_date(now))
        fee = order.amount * rules.elder_no_show_fee_rate
        why = f"老人爽约，按服务金额的{rules.elder_no_show_fee_rate * 100:.0f}%收取{reference.money(fee)}元"
        text = f"{note.strip()}（{why}）" if note and note.strip() else why
        return _close_with_fee(actor, order, status=S.ELDER_NO_SHOW, fee=fee, reason=text, now=now,
                               action="homecare.order.elder_no_show")


def order_provider_no_show(*, actor, order: Order, now: dt.datetime | None = None) -> Order:
    """机构爽约: nobody came within the grace period after the appointment (elder side). Nothing is charged."""
    _ensure_elder_side(actor, order, area=order.area)
    now = _now(now)
    with transaction.atomic():
        order = _locked(order)
        _require_status(order, (S.DISPATCHED, S.ASSIGNED), "登记机构爽约")
        rules = reference.order_rules(order.jurisdiction, _local_date(now))
        due = order.scheduled_at + dt.timedelta(minutes=rules.provider_no_show_grace_minutes)
        if now < due:
            raise DomainError(f"预约时间后{rules.provider_no_show_grace_minutes}分钟内仍可能上门，"
                              f"请在{timezone.localtime(due):%H:%M}后再登记机构爽约", field="预约时间")
        return _close_with_fee(actor, order, status=S.PROVIDER_NO_SHOW, fee=Decimal("0"),
                               reason=f"{order.provider.name}未按预约上门", now=now,
                               action="homecare.order.provider_no_show")


def order_rate(*, actor, order: Order, score: int, comment: str = "") -> Rating:
    """评价 by the elder or family after completion, once."""
    _ensure_elder_side(actor, order, area=order.area)
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise DomainError("评分应为1到5的整数", field="评分") from None
    if not 1 <= score <= 5:
        raise DomainError("评分应为1到5的整数", field="评分")
    with transaction.atomic():
        order = _locked(order)
        _require_status(order, (S.COMPLETED,), "评价")
        if Rating.objects.filter(order=order).exists():
            raise Conflict(f"订单{order.number}已评价", code="already_rated", field="评分")
        r = Rating.objects.create(order=order, score=score, comment=(comment or "")[:300], rated_by=actor)
        audit.record(actor=actor, action="homecare.order.rate", object_type="homecare.order", object_id=order.pk,
                     object_repr=order.number, area_code=order.area.code, after={"score": score, "comment": comment})
    return r


def complaint_file(*, actor, order: Order, text: str) -> Complaint:
    """投诉 by the elder or family (or staff on their behalf) about a dispatched order."""
    _ensure_elder_side(actor, order, area=order.area)
    text = (text or "").strip()
    if not text:
        raise DomainError("请填写投诉内容", code="required", field="投诉内容")
    if order.provider_id is None:
        raise DomainError("订单尚未派给服务机构，无可投诉的服务", field="订单")
    with transaction.atomic():
        c = Complaint.objects.create(order=order, provider=order.provider, area=order.area, text=text,
                                     filed_by=actor)
        audit.record(actor=actor, action="homecare.complaint.file", object_type="homecare.complaint",
                     object_id=c.pk, object_repr=order.number, area_code=order.area.code,
                     after={"status": c.status, "provider": order.provider.name, "text": text})
    return c


def complaint_resolve(*, actor, complaint: Complaint, resolution: str, now: dt.datetime | None = None) -> Complaint:
    ensure_can(actor, complaint.area, Cap.HOMECARE_DISPATCH)
    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError("请填写处理结果", code="required", field="处理结果")
    with transaction.atomic():
        c = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if c.status != Complaint.Status.OPEN:
            raise Conflict("该投诉已办结", field="状态")
        c.status, c.resolution, c.resolved_by, c.resolved_at = (Complaint.Status.RESOLVED, resolution, actor,
                                                                _now(now))
        c.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
        audit.record(actor=actor, action="homecare.complaint.resolve", object_type="homecare.complaint",
                     object_id=c.pk, object_repr=str(c.order_id), area_code=c.area.code,
                     before={"status": Complaint.Status.OPEN}, after={"status": c.status, "resolution": resolution})
    return c


# --- 家庭养老床位 and generated orders ----------------------------------------------------------------------------

def contract_sign(*, actor, person: Person, provider: Provider, start_month: dt.date, address: str = "",
                  package_code: str = "JC01") -> PackageContract:
    """家庭养老床位签约: the county contracts a provider to serve the package in the elder's home."""
    area = person.residence_area
    ensure_can(actor, area, Cap.HOMECARE_MANAGE)
    if not isinstance(start_month, dt.date) or start_month.day != 1:
        raise DomainError("起始月份应为某月1日", field="起始月份")
    _elder_checks(person, start_month)
    _, items = catalogue_for(area, start_month)
    package = next((i for i in items if i.code == package_code and i.is_package), None)
    if package is None:
        raise DomainError(f"{area.name}所在辖区的服务目录中没有家庭养老床位服务包", code="service_not_offered",
                          field="服务包")
    _provider_serves(provider, area)
    address = (address or person.address or "").strip()
    if not address:
        raise DomainError("请填写床位地址", code="required", field="床位地址")
    if PackageContract.objects.filter(person=person, package__code=package.code, end_month__isnull=True).exists():
        raise Conflict(f"{person.name}已签约{package.name}", field="老人")
    with transaction.atomic():
        c = PackageContract.objects.create(person=person, package=package, provider=provider, area=area,
                                           address=address, start_month=start_month, created_by=actor)
        audit.record(actor=actor, action="homecare.contract.sign", object_type="homecare.contract", object_id=c.pk,
                     object_repr=f"{person.name}{package.name}", area_code=area.code,
                     after={"person": person.masked_id, "provider": provider.name, "start_month": start_month})
    return c


def orders_generate(*, actor, jurisdiction: Area, month: dt.date, now: dt.datetime | None = None) -> dict:
    """Generate the month's orders for 家庭养老床位 contracts (dispatched to the contracted provider) and for
    subsidised elders' entitlements (entitlements.csv, left for dispatch). Idempotent: each order has a source key,
    so a rerun adds only what is missing."""
    ensure_can(actor, jurisdiction, Cap.HOMECARE_MANAGE)
    if not isinstance(month, dt.date) or month.day != 1:
        raise DomainError("月份应为某月1日", field="月份")
    now = _now(now)
    end = next_month_start(month)
    made = {"package": 0, "entitlement": 0}
    _, items = catalogue_for(jurisdiction, month)
    by_code = {i.code: i for i in items}

    def when(i: int, n: int) -> dt.datetime:
        # Spread n visits over the month at 09:00 local time.
        day = month + dt.timedelta(days=min(27, (i * 28) // max(n, 1)))
        return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))

    with transaction.atomic():
        contracts = (PackageContract.objects.filter(area__path__startswith=jurisdiction.path, start_month__lt=end)
                     .exclude(end_month__lte=month).select_related("person", "package", "provider", "area"))
        for c in contracts:
            for content in c.package.contents.select_related("item"):
                for i in range(content.per_month):
                    key = f"bed:{c.pk}:{month:%Y%m}:{content.item.code}:{i}"
                    if Order.objects.filter(source_key=key).exists():
                        continue
                    o = _create_order(person=c.person, area=c.area, jurisdiction=jurisdiction, item=content.item,
                                      qty=Decimal("1"), address=c.address, scheduled_at=when(i, content.per_month),
                                      note=f"{c.package.name}签约服务", channel=Order.Channel.PACKAGE, actor=actor,
                                      day=_local_date(now), contract=c, source_key=key)
                    _dispatch(actor, o, c.provider, now)
                    made["package"] += 1
        from minzheng.registry.models import PersonCategory

        for ent in reference.entitlements(jurisdiction, month):
            item = by_code.get(ent["item_code"])
            group = reference.groups().get(ent["group"])
            if item is None or group is None or not group.category:
                continue
            cutoff = dt.date(month.year - reference.elderly_age(), month.month, 1)
            pids = (PersonCategory.objects.filter(category=group.category, valid_from__lt=end)
                    .exclude(valid_to__lt=month).values("person_id"))
            elders = Person.objects.filter(pk__in=pids, residence_area__path__startswith=jurisdiction.path,
                                           birth_date__lt=cutoff, death_date__isnull=True).select_related(
                "residence_area")
            n = int(ent["per_month"])
            for p in elders:
                for i in range(n):
                    key = f"ent:{p.pk}:{month:%Y%m}:{item.code}:{i}"
                    if Order.objects.filter(source_key=key).exists() or not (p.address or "").strip():
                        continue
                    _create_order(person=p, area=p.residence_area, jurisdiction=jurisdiction, item=item,
                                  qty=Decimal("1"), address=p.address, scheduled_at=when(i, n),
                                  note=f"{group.label}政府购买服务", channel=Order.Channel.GENERATED, actor=actor,
                                  day=_local_date(now), source_key=key)
                    made["entitlement"] += 1
        audit.record(actor=actor, action="homecare.orders.generate", object_type="homecare.jurisdiction",
                     object_id=jurisdiction.code, object_repr=jurisdiction.name, area_code=jurisdiction.code,
                     after={"month": month, **made})
    return made


# --- 长者饭堂 ---------------------------------------------------------------------------------------------------

def canteen_create(*, actor, name: str, area: Area, provider: Provider) -> Canteen:
    ensure_can(actor, area, Cap.HOMECARE_MANAGE)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写饭堂名称", code="required", field="饭堂名称")
    _provider_serves(provider, area)
    with transaction.atomic():
        c = Canteen.objects.create(name=name, area=area, provider=provider)
        audit.record(actor=actor, action="homecare.canteen.create", object_type="homecare.canteen", object_id=c.pk,
                     object_repr=name, area_code=area.code, after={"name": name, "provider": provider.name})
    return c


def meal_serve(*, actor, canteen: Canteen, person: Person, kind: str, date: dt.date | None = None) -> Meal:
    """就餐登记: the canteen's provider records a meal; the subsidy tier comes from meal_tiers.csv."""
    provider = user_provider(actor)
    if provider is None or provider.pk != canteen.provider_id:
        raise NotFound()
    date = date or timezone.localdate()
    if kind not in Meal.Kind.values:
        raise DomainError(f"餐次“{kind}”无效，应为午餐或晚餐", field="餐次")
    if date > timezone.localdate():
        raise DomainError("就餐日期不能晚于今天", field="就餐日期")
    if not canteen.active:
        raise DomainError(f"{canteen.name}已停止营业", field="饭堂")
    if person.death_date:
        raise DomainError(f"{person.name}已登记死亡", field="就餐老人")
    tier = reference.meal_tier(person=person, area=canteen.area, kind=kind, on=date)
    try:
        with transaction.atomic():
            m = Meal.objects.create(canteen=canteen, person=person, date=date, kind=kind, price=tier.price,
                                    subsidy=tier.subsidy, self_pay=tier.price - tier.subsidy, tier=tier.group,
                                    explanation=tier.explanation, served_by=actor)
            audit.record(actor=actor, action="homecare.meal.serve", object_type="homecare.meal", object_id=m.pk,
                         object_repr=f"{person.name}{date}{Meal.Kind(kind).label}", area_code=canteen.area.code,
                         after={"person": person.masked_id, "tier": tier.group, "price": tier.price,
                                "subsidy": tier.subsidy})
    except IntegrityError:
        raise Conflict(f"{person.name}{date:%Y-%m-%d}的{Meal.Kind(kind).label}已登记，不能重复享受补贴",
                       code="meal_duplicate", field="就餐老人") from None
    return m
