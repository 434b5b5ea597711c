"""Writes of 殡葬: death records (which stop payments everywhere from the next month), body reception, cremation,
the plot/niche ledger and eco-burial rewards. One function per state change, checked, atomic and audited.

A plot is reserved, sold or released only here. The plot row is locked while a sale is decided, and the database's
partial unique index (one reserved-or-sold sale per plot) is the last guard: two sales at once on two servers end
with exactly one sale and one clear refusal.
"""

import csv
import datetime as dt
import functools
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.assistance.rechecks import stop_on_death
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, Forbidden
from minzheng.core.money import fen
from minzheng.core.periods import next_month_start
from minzheng.core.scope import ensure_can
from minzheng.registry.models import Person
from minzheng.registry.services import person_update

from .models import (
    BasicServiceClaim,
    BasicServiceSettlement,
    BodyReception,
    ChecklistItem,
    Cremation,
    DeathRecord,
    EcoBurial,
    Facility,
    Plot,
    PlotSale,
)

DIR = settings.DATA_DIR / "funeral"


@functools.cache
def checklist_items() -> list[dict[str, str]]:
    with open(DIR / "checklist.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@functools.cache
def _reward_rows() -> list[dict[str, str]]:
    with open(DIR / "eco_rewards.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def eco_reward(area: Area, method: str, on: dt.date) -> tuple[Decimal, str]:
    """The reward for `method` in the nearest jurisdiction up the tree from `area` with a row in force on `on`:
    (amount, citation). No row anywhere up the tree is a clear refusal, not a zero."""
    chain = [a.code for a in reversed(list(area.ancestors()))]  # nearest first
    for code in chain:
        rows = [r for r in _reward_rows() if r["area_code"] == code and r["method"] == method
                and dt.date.fromisoformat(r["valid_from"]) <= on]
        if rows:
            best = max(rows, key=lambda r: r["valid_from"])
            return fen(Decimal(best["amount"])), best["source"]
    label = EcoBurial.Method(method).label if method in EcoBurial.Method.values else method
    raise DomainError(f"{area.name}尚无{label}的奖补标准", code="no_reward_rule", field="安葬方式")


def _check_date(value: dt.date, field: str, today: dt.date) -> dt.date:
    if value > today:
        raise DomainError(f"{field}{value.isoformat()}晚于今天", field=field)
    return value


# --- 死亡登记 and 身后事一件事 ----------------------------------------------------------------------------------------

def death_record(*, actor: User, person: Person, death_date: dt.date | None, source: str, document: str = "",
                 today: dt.date) -> DeathRecord:
    """Record a death once: the registry's death date is set, every payment of the person ends with the month of
    death (assistance.rechecks.stop_on_death: from the 1st of the next month) and the checklist starts."""
    ensure_can(actor, person.residence_area, Cap.FUNERAL_RECORD)
    if source not in DeathRecord.Source.values:
        raise DomainError("请选择死亡信息来源（医疗机构、公安机关、村居或人员库）", field="信息来源")
    if source == DeathRecord.Source.REGISTRY:
        if person.death_date is None:
            raise DomainError(f"人员库中{person.name}没有死亡日期，请选择其他信息来源并填写死亡日期", field="死亡日期")
        death_date = person.death_date
    if death_date is None:
        raise DomainError("请填写死亡日期", field="死亡日期")
    _check_date(death_date, "死亡日期", today)
    if death_date < person.birth_date:
        raise DomainError("死亡日期早于出生日期", field="死亡日期")
    if person.death_date is not None and person.death_date != death_date:
        raise Conflict(f"人员库已登记{person.name}于{person.death_date.isoformat()}死亡，与所填日期不符，"
                       "请先核实更正", field="死亡日期")
    try:
        with transaction.atomic():
            if person.death_date is None:
                person = person_update(actor=actor, person=person, death_date=death_date, today=today)
            record = DeathRecord.objects.create(
                person=person, area=person.residence_area, death_date=death_date, source=source,
                document=(document or "").strip()[:64], payments_stop_from=next_month_start(death_date),
                recorded_by=actor)
            changes = stop_on_death(actor=actor, person=person, death_date=death_date)
            record.stopped_cases = len(changes)
            record.save(update_fields=["stopped_cases"])
            ChecklistItem.objects.bulk_create([
                ChecklistItem(record=record, code=i["code"], label=i["label"],
                              done_on=today if i["auto"] == "1" else None,
                              note=f"{len(changes)}项救助、补贴自{record.payments_stop_from:%Y年%m月}起停发或减发"
                              if i["code"] == "payments_stopped" else "")
                for i in checklist_items()])
            audit.record(actor=actor, action="funeral.death_record", object_type="funeral.death_record",
                         object_id=record.pk, object_repr=person.name, area_code=person.residence_area.code,
                         after={"person": person.masked_id, "death_date": death_date, "source": source,
                                "payments_stop_from": record.payments_stop_from, "stopped_cases": len(changes)})
    except IntegrityError:
        if DeathRecord.objects.filter(person=person).exists():
            raise Conflict(f"{person.name}已办理死亡登记", field="死者") from None
        raise
    return record


def checklist_done(*, actor: User, item: ChecklistItem, on: dt.date, note: str = "") -> ChecklistItem:
    ensure_can(actor, item.record.area, Cap.FUNERAL_RECORD)
    with transaction.atomic():
        item = ChecklistItem.objects.select_for_update(of=("self",)).select_related("record__area").get(pk=item.pk)
        if item.done_on is not None:
            raise Conflict(f"“{item.label}”已于{item.done_on.isoformat()}办结", field="事项")
        item.done_on, item.note = on, (note or "").strip()[:200]
        item.save(update_fields=["done_on", "note"])
        audit.record(actor=actor, action="funeral.checklist_done", object_type="funeral.death_record",
                     object_id=item.record_id, object_repr=item.label, area_code=item.record.area.code,
                     after={"item": item.label, "on": on})
    return item


# --- 遗体接收 and 火化 ----------------------------------------------------------------------------------------------

def _funeral_home(facility: Facility) -> None:
    if facility.kind != Facility.Kind.FUNERAL_HOME:
        raise DomainError(f"{facility.name}不是殡仪馆", field="殡仪馆")


def body_receive(*, actor: User, facility: Facility, on: dt.date, person: Person | None = None,
                 description: str = "") -> BodyReception:
    """遗体接收; an unidentified body is received with a description (无人认领遗体 list)."""
    ensure_can(actor, facility.area, Cap.FUNERAL_RECORD)
    _funeral_home(facility)
    if person is None and not (description or "").strip():
        raise DomainError("无名遗体请填写体貌特征、发现地点等说明", field="无名遗体特征")
    with transaction.atomic():
        r = BodyReception.objects.create(facility=facility, person=person, description=(description or "")[:200],
                                         received_on=on, received_by=actor)
        audit.record(actor=actor, action="funeral.body_receive", object_type="funeral.body_reception",
                     object_id=r.pk, object_repr=person.name if person else "无名遗体", area_code=facility.area.code,
                     after={"facility": facility.name, "on": on})
    return r


def cremation_record(*, actor: User, facility: Facility, person: Person, on: dt.date, today: dt.date) -> Cremation:
    """火化 with its certificate number; only for a person whose death is recorded here."""
    ensure_can(actor, facility.area, Cap.FUNERAL_RECORD)
    _funeral_home(facility)
    _check_date(on, "火化日期", today)
    record = DeathRecord.objects.filter(person=person).select_related("area").first()
    if record is None:
        raise DomainError(f"{person.name}尚未办理死亡登记，不能火化；请先凭死亡证明办理死亡登记",
                          code="no_death_record", field="死者")
    if on < record.death_date:
        raise DomainError("火化日期早于死亡日期", field="火化日期")
    try:
        with transaction.atomic():
            facility = Facility.objects.select_for_update(of=("self",)).select_related("area").get(pk=facility.pk)
            serial = Cremation.objects.filter(facility=facility, cremated_on__year=on.year).count() + 1
            c = Cremation.objects.create(record=record, facility=facility, cremated_on=on, created_by=actor,
                                         certificate_number=f"H{facility.pk:04d}-{on.year}-{serial:06d}")
            ChecklistItem.objects.filter(record=record, code="cremation", done_on__isnull=True).update(
                done_on=on, note=f"火化证明{c.certificate_number}")
            BodyReception.objects.filter(facility=facility, person=person, released_on__isnull=True).update(
                released_on=on)
            audit.record(actor=actor, action="funeral.cremation", object_type="funeral.cremation", object_id=c.pk,
                         object_repr=person.name, area_code=facility.area.code,
                         after={"facility": facility.name, "on": on, "certificate": c.certificate_number})
    except IntegrityError:
        if Cremation.objects.filter(record=record).exists():
            raise Conflict(f"{person.name}已火化", field="死者") from None
        raise
    return c


# --- the plot / niche ledger ---------------------------------------------------------------------------------------

def _lock_plot(plot: Plot) -> Plot:
    return Plot.objects.select_for_update(of=("self",)).select_related("facility__area").get(pk=plot.pk)


def _live_sale(plot: Plot) -> PlotSale | None:
    return PlotSale.objects.filter(plot=plot, status__in=[PlotSale.Status.RESERVED, PlotSale.Status.SOLD]).first()


def _taken(plot: Plot, sale: PlotSale) -> Conflict:
    return Conflict(f"{plot}已于{sale.created_on.isoformat()}{sale.get_status_display()}，不能重复销售",
                    code="plot_taken", field="墓穴（格位）")


def plot_change(*, actor: User, plot: Plot, action: str, on: dt.date, holder_name: str = "",
                record: DeathRecord | None = None) -> PlotSale:
    """The one door of the ledger: `reserve` (预订), `sell` (售出, with its 使用证; a reservation of the same holder
    becomes the sale) or `release` (释放 a reservation or a sale, e.g. 迁出)."""
    ensure_can(actor, plot.facility.area, Cap.FUNERAL_RECORD)
    if action not in ("reserve", "sell", "release"):
        raise DomainError("操作应为预订、售出或释放", field="操作")
    holder_name = (holder_name or "").strip()
    if action != "release" and not holder_name:
        raise DomainError("请填写使用人或购买人姓名", field="使用人/购买人")
    if len(holder_name) > 64:
        raise DomainError("使用人/购买人姓名过长", field="使用人/购买人")
    try:
        with transaction.atomic():
            plot = _lock_plot(plot)
            live = _live_sale(plot)
            if action == "release":
                if live is None:
                    raise Conflict(f"{plot}未售出或预订，无需释放", field="墓穴（格位）")
                before = live.status
                live.status, live.released_on = PlotSale.Status.RELEASED, on
                live.save(update_fields=["status", "released_on"])
                sale = live
            elif live is not None and not (action == "sell" and live.status == PlotSale.Status.RESERVED
                                           and live.holder_name == holder_name):
                raise _taken(plot, live)
            elif live is not None:  # the holder's own reservation becomes the sale
                before = live.status
                live.status, live.record = PlotSale.Status.SOLD, record or live.record
                live.certificate_number = f"S{plot.facility_id:04d}-{on.year}-{live.pk:07d}"
                live.save(update_fields=["status", "record", "certificate_number"])
                sale = live
            else:
                before = "available"
                sale = PlotSale.objects.create(
                    plot=plot, record=record, holder_name=holder_name, created_on=on, created_by=actor,
                    status=PlotSale.Status.SOLD if action == "sell" else PlotSale.Status.RESERVED)
                if action == "sell":
                    sale.certificate_number = f"S{plot.facility_id:04d}-{on.year}-{sale.pk:07d}"
                    sale.save(update_fields=["certificate_number"])
            audit.record(actor=actor, action=f"funeral.plot_{action}", object_type="funeral.plot", object_id=plot.pk,
                         object_repr=str(plot), area_code=plot.facility.area.code, before={"status": before},
                         after={"status": sale.status, "holder": sale.holder_name,
                                "certificate": sale.certificate_number, "on": on})
    except IntegrityError:
        # Another server sold it between our look and our write: the partial unique index refused the second.
        live = _live_sale(plot)
        if live is not None:
            raise _taken(plot, live) from None
        raise
    return sale


# --- 节地生态安葬 rewards (two people on money) ----------------------------------------------------------------------

def eco_burial_prepare(*, actor: User, record: DeathRecord, method: str, buried_on: dt.date, family_name: str,
                       family_account: str, today: dt.date, plot_sale: PlotSale | None = None) -> EcoBurial:
    ensure_can(actor, record.area, Cap.FUNERAL_RECORD)
    if method not in EcoBurial.Method.values:
        raise DomainError("请选择安葬方式（海葬、树葬、草坪葬或骨灰堂存放）", field="安葬方式")
    _check_date(buried_on, "安葬日期", today)
    if buried_on < record.death_date:
        raise DomainError("安葬日期早于死亡日期", field="安葬日期")
    family_name = (family_name or "").strip()
    account = (family_account or "").strip()
    if not family_name or len(family_name) > 64:
        raise DomainError("请填写领取奖补的家属姓名", field="领取人")
    if not (account.isdigit() and 10 <= len(account) <= 32):
        raise DomainError("领取账号应为10至32位数字", field="领取账号")
    amount, source = eco_reward(record.area, method, buried_on)
    try:
        with transaction.atomic():
            b = EcoBurial.objects.create(record=record, method=method, buried_on=buried_on, plot_sale=plot_sale,
                                         reward=amount, reward_rule=source[:200], family_name=family_name,
                                         family_account=account, prepared_by=actor)
            audit.record(actor=actor, action="funeral.eco_prepare", object_type="funeral.eco_burial", object_id=b.pk,
                         object_repr=record.person.name, area_code=record.area.code,
                         after={"method": method, "reward": amount, "rule": source})
    except IntegrityError:
        raise Conflict(f"{record.person.name}已登记节地生态安葬，每位逝者只能领取一次奖补", field="死者") from None
    return b


def _lock_burial(burial: EcoBurial) -> EcoBurial:
    return (EcoBurial.objects.select_for_update(of=("self",)).select_related("record__area", "record__person")
            .get(pk=burial.pk))


def eco_burial_approve(*, actor: User, burial: EcoBurial) -> EcoBurial:
    ensure_can(actor, burial.record.area, Cap.FUNERAL_APPROVE)
    with transaction.atomic():
        b = _lock_burial(burial)
        if b.prepared_by_id == actor.pk:
            raise Forbidden("奖补须由经办人以外的另一名工作人员审核，不能审核本人经办的奖补")
        if b.status != EcoBurial.Status.PREPARED:
            raise Conflict(f"该奖补{b.get_status_display()}", field="状态")
        b.status, b.approved_by = EcoBurial.Status.APPROVED, actor
        b.save(update_fields=["status", "approved_by"])
        audit.record(actor=actor, action="funeral.eco_approve", object_type="funeral.eco_burial", object_id=b.pk,
                     object_repr=b.record.person.name, area_code=b.record.area.code, before={"status": "prepared"},
                     after={"status": b.status, "reward": b.reward})
    return b


def eco_burial_pay(*, actor: User, burial: EcoBurial, paid_on: dt.date) -> EcoBurial:
    ensure_can(actor, burial.record.area, Cap.FUNERAL_RECORD)
    with transaction.atomic():
        b = _lock_burial(burial)
        if b.status != EcoBurial.Status.APPROVED:
            raise Conflict(f"该奖补{b.get_status_display()}，审核通过后方可发放", field="状态")
        b.status, b.paid_on = EcoBurial.Status.PAID, paid_on
        b.save(update_fields=["status", "paid_on"])
        audit.record(actor=actor, action="funeral.eco_pay", object_type="funeral.eco_burial", object_id=b.pk,
                     object_repr=b.record.person.name, area_code=b.record.area.code, before={"status": "approved"},
                     after={"status": b.status, "paid_on": paid_on, "reward": b.reward})
    return b


def plots_create(*, actor: User, facility: Facility, kind: str, numbers: list[str]) -> int:
    """Add plots/niches to a facility's ledger (numbers unique per facility)."""
    ensure_can(actor, facility.area, Cap.FUNERAL_RECORD)
    if kind not in Plot.Kind.values:
        raise DomainError("类型应为墓穴、骨灰格位、树葬位或草坪葬位", field="类型")
    clean = [n.strip() for n in numbers if n.strip()]
    if not clean or any(len(n) > 32 for n in clean):
        raise DomainError("请填写编号（每个不超过32个字符）", field="编号")
    with transaction.atomic():
        dupes = (Plot.objects.filter(facility=facility, number__in=clean).values_list("number", flat=True))
        if dupes or len(set(clean)) != len(clean):
            raise Conflict(f"编号重复：{'、'.join(sorted(set(dupes)) or ['本次所填编号有重复'])}", field="编号")
        Plot.objects.bulk_create([Plot(facility=facility, kind=kind, number=n) for n in clean])
        audit.record(actor=actor, action="funeral.plots_create", object_type="funeral.facility", object_id=facility.pk,
                     object_repr=facility.name, area_code=facility.area.code,
                     after={"kind": kind, "count": len(clean)})
    return len(clean)



# --- 惠民殡葬: free basic services paid to the funeral home, settled monthly ------------------------------------------

@functools.cache
def _basic_rows() -> list[dict[str, str]]:
    with open(DIR / "basic_services.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def basic_service_items() -> dict[str, str]:
    """Every 基本殡葬服务 item any jurisdiction lists (code → label), in the file's order: the claim form's rows."""
    items: dict[str, str] = {}
    for r in _basic_rows():
        items.setdefault(r["item"], r["label"])
    return items


def basic_service_caps(area: Area, on: dt.date) -> dict[str, tuple[str, Decimal, str]]:
    """item → (label, cap, citation) of the nearest jurisdiction up the tree with rows in force on `on`."""
    for code in [a.code for a in reversed(list(area.ancestors()))]:
        rows = [r for r in _basic_rows() if r["area_code"] == code and dt.date.fromisoformat(r["valid_from"]) <= on]
        if rows:
            latest: dict[str, dict[str, str]] = {}
            for r in sorted(rows, key=lambda r: r["valid_from"]):
                latest[r["item"]] = r
            return {k: (r["label"], fen(Decimal(r["cap"])), r["source"]) for k, r in latest.items()}
    raise DomainError(f"{area.name}尚无基本殡葬服务减免标准", code="no_basic_rule", field="服务项目")


def basic_claim_prepare(*, actor: User, record: DeathRecord, facility: Facility, served_on: dt.date,
                        actual: dict[str, object], today: dt.date) -> BasicServiceClaim:
    """The home's actual charges per item; each is paid at min(actual, cap); one claim per deceased."""
    ensure_can(actor, facility.area, Cap.FUNERAL_RECORD)
    _funeral_home(facility)
    _check_date(served_on, "服务日期", today)
    caps = basic_service_caps(record.area, served_on)
    if not actual:
        raise DomainError("请填写至少一项基本殡葬服务", field="服务项目")
    items, total = [], Decimal("0.00")
    for item, value in actual.items():
        if item not in caps:
            raise DomainError(f"“{item}”不是基本殡葬服务项目（{'、'.join(v[0] for v in caps.values())}）",
                              field="服务项目")
        label, cap, _ = caps[item]
        try:
            amount = fen(Decimal(str(value)))
        except (ArithmeticError, ValueError):
            raise DomainError(f"{label}的实际费用应为金额", field=label) from None
        if not amount.is_finite() or amount < 0 or amount > Decimal("100000"):
            raise DomainError(f"{label}的实际费用应在0至100000元之间", field=label)
        paid = min(amount, cap)
        items.append({"item": item, "label": label, "actual": str(amount), "cap": str(cap), "paid": str(paid)})
        total += paid
    try:
        with transaction.atomic():
            claim = BasicServiceClaim.objects.create(record=record, facility=facility, served_on=served_on,
                                                     items=items, total=total, prepared_by=actor)
            audit.record(actor=actor, action="funeral.basic_prepare", object_type="funeral.basic_claim",
                         object_id=claim.pk, object_repr=record.person.name, area_code=facility.area.code,
                         after={"total": total, "items": items})
    except IntegrityError:
        raise Conflict(f"{record.person.name}的基本殡葬服务减免已申报，每位逝者只能申报一次", field="死者") from None
    return claim


def basic_claim_approve(*, actor: User, claim: BasicServiceClaim) -> BasicServiceClaim:
    ensure_can(actor, claim.facility.area, Cap.FUNERAL_APPROVE)
    with transaction.atomic():
        c = (BasicServiceClaim.objects.select_for_update(of=("self",))
             .select_related("facility__area", "record__person").get(pk=claim.pk))
        if c.prepared_by_id == actor.pk:
            raise Forbidden("减免须由经办人以外的另一名工作人员审核，不能审核本人经办的申报")
        if c.status != BasicServiceClaim.Status.PREPARED:
            raise Conflict(f"该申报{c.get_status_display()}", field="状态")
        c.status, c.approved_by = BasicServiceClaim.Status.APPROVED, actor
        c.save(update_fields=["status", "approved_by"])
        audit.record(actor=actor, action="funeral.basic_approve", object_type="funeral.basic_claim", object_id=c.pk,
                     object_repr=c.record.person.name, area_code=c.facility.area.code,
                     before={"status": "prepared"}, after={"status": c.status, "total": c.total})
    return c


def basic_settle_month(*, actor: User, facility: Facility, month: dt.date) -> BasicServiceSettlement:
    """Settle the home's approved claims served in `month` (the 1st): one settlement per home and month, so a rerun
    is refused and nothing is paid twice. A claim approved after its month was settled stays 待结算 (not yet handled:
    a supplementary settlement)."""
    ensure_can(actor, facility.area, Cap.FUNERAL_APPROVE)
    if month.day != 1:
        raise DomainError("结算月份应为某月1日", field="结算月份")
    end = next_month_start(month)
    try:
        with transaction.atomic():
            claims = list(BasicServiceClaim.objects.select_for_update().filter(
                facility=facility, status=BasicServiceClaim.Status.APPROVED, served_on__gte=month,
                served_on__lt=end))
            total = sum((c.total for c in claims), Decimal("0.00"))
            s = BasicServiceSettlement.objects.create(facility=facility, month=month, claims=len(claims),
                                                      total=total, created_by=actor)
            BasicServiceClaim.objects.filter(pk__in=[c.pk for c in claims]).update(
                status=BasicServiceClaim.Status.SETTLED, settlement=s)
            audit.record(actor=actor, action="funeral.basic_settle", object_type="funeral.facility",
                         object_id=facility.pk, object_repr=facility.name, area_code=facility.area.code,
                         after={"month": month, "claims": len(claims), "total": total})
    except IntegrityError:
        raise Conflict(f"{facility.name}{month.year}年{month.month}月已结算", field="结算月份") from None
    return s
