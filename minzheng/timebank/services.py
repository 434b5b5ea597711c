"""Writes of the 时间银行: registration, reporting and two-level review of hours, donations, pool allocation and
redemption for services. Every movement goes through `_transfer`, which writes two entries summing to zero, keeps
every account but the source at or above zero, and audits, in one transaction.

There is deliberately no operation that turns hours into money (郁南县 plan: 时间银行 as 储蓄与回馈 of 为老志愿服务,
seeds/001_cf1a8028232d3f86.txt:766); `refuse_cash` gives the one Chinese answer to any attempt.
"""

import csv
import datetime as dt
import functools
from decimal import Decimal, InvalidOperation
from typing import NoReturn

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap, Role
from minzheng.areas.models import Area, Level
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, Forbidden, NotFound
from minzheng.core.scope import ensure_can
from minzheng.registry.models import Person, PersonCategory

from .models import Account, DonationOffer, Entry, HourReport, Transfer, Volunteer

DIR = settings.DATA_DIR / "timebank"
NOT_CASH = "时间银行的服务时长只能用于兑换志愿服务，不能兑换、折算或提取现金"


class NotConvertible(DomainError):
    default_code = "not_convertible"


def refuse_cash() -> NoReturn:
    raise NotConvertible(NOT_CASH, field="时长")


@functools.cache
def rules() -> dict[str, Decimal]:
    with open(DIR / "rules.csv", encoding="utf-8") as f:
        return {r["key"]: Decimal(r["value"]) for r in csv.DictReader(f)}


@functools.cache
def donation_categories() -> dict[str, str]:
    with open(DIR / "donation_recipients.csv", encoding="utf-8") as f:
        return {r["category"]: r["label"] for r in csv.DictReader(f)}


def jurisdiction_of(area: Area) -> Area:
    """The county above an area, or the city where there is no county level (中山, 东莞)."""
    chain = list(area.ancestors())
    for level in (Level.COUNTY, Level.CITY):
        found = [a for a in chain if a.level == level]
        if found:
            return found[-1]
    return chain[0]


def hours_check(value: object, field: str = "时长") -> Decimal:
    """The one check of an amount of hours (a positive number in the rules' step), for the time bank and for the
    志愿服务 hours that feed it: the named field gets a Chinese error."""
    try:
        h = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(f"{field}应为数字（小时）", field=field) from None
    if not h.is_finite() or h <= 0:
        raise DomainError(f"{field}应大于0", field=field)
    step = rules()["hour_step"]
    if (h / step) != (h / step).to_integral_value():
        raise DomainError(f"{field}以{step}小时为单位", field=field)
    return h


def _account(kind: str, *, area: Area, person: Person | None = None) -> Account:
    if person is not None:
        acc, _ = Account.objects.get_or_create(kind=kind, person=person, defaults={"area": area})
    else:
        acc, _ = Account.objects.get_or_create(kind=kind, area=area, person=None)
    return acc


def source_account(area: Area) -> Account:
    return _account(Account.Kind.SOURCE, area=jurisdiction_of(area))


def pool_account(area: Area) -> Account:
    return _account(Account.Kind.POOL, area=jurisdiction_of(area))


def elder_account(elder: Person) -> Account:
    return _account(Account.Kind.ELDER, area=elder.residence_area, person=elder)


def _transfer(*, actor: User, kind: str, source: Account, target: Account, hours: Decimal, memo: str = "",
              report: HourReport | None = None) -> Transfer:
    """Two entries, −hours and +hours; the sending account may not go below zero unless it is the source."""
    if source.pk == target.pk:
        raise DomainError("转出和转入不能是同一账户", field="账户")
    with transaction.atomic():
        locked = {a.pk: a for a in Account.objects.select_for_update(of=("self",))
                  .filter(pk__in=[source.pk, target.pk]).order_by("pk").select_related("person", "area")}
        src, dst = locked[source.pk], locked[target.pk]
        if src.kind != Account.Kind.SOURCE and src.balance < hours:
            raise DomainError(f"{src}余额不足：现有{src.balance}小时，本次需转出{hours}小时", code="overdraw",
                              field="时长")
        t = Transfer.objects.create(kind=kind, hours=hours, memo=memo[:200], report=report, created_by=actor)
        Entry.objects.bulk_create([Entry(transfer=t, account=src, hours=-hours),
                                   Entry(transfer=t, account=dst, hours=hours)])
        Account.objects.filter(pk=src.pk).update(balance=F("balance") - hours)
        Account.objects.filter(pk=dst.pk).update(balance=F("balance") + hours)
        audit.record(actor=actor, action=f"timebank.{kind}", object_type="timebank.transfer", object_id=t.pk,
                     object_repr=f"{src}→{dst}", area_code=(dst.area if dst.person_id else src.area).code,
                     after={"from": str(src), "to": str(dst), "hours": hours, "memo": memo,
                            "from_balance": src.balance - hours, "to_balance": dst.balance + hours})
    return t


def _ensure_volunteer_side(actor: User, volunteer: Volunteer) -> None:
    """The volunteer themselves, or a worker with timebank.report in their village."""
    if actor.role == Role.RESIDENT:
        if volunteer.user_id != actor.pk:
            raise NotFound()
        if not actor.can(Cap.TIMEBANK_REPORT):
            raise Forbidden()
        return
    ensure_can(actor, volunteer.area, Cap.TIMEBANK_REPORT)


def volunteer_register(*, actor: User, person: Person, user: User | None = None) -> Volunteer:
    ensure_can(actor, person.residence_area, Cap.TIMEBANK_REPORT)
    if actor.role == Role.RESIDENT:
        raise Forbidden("志愿者登记须由村（居）或镇街工作人员办理")
    if person.death_date:
        raise DomainError(f"{person.name}已登记死亡", field="志愿者")
    if Volunteer.objects.filter(person=person).exists():
        raise Conflict(f"{person.name}已登记为志愿者", field="志愿者")
    if user is not None and user.role != Role.RESIDENT:
        raise DomainError(f"账号{user.username}不是居民账号", field="账号")
    with transaction.atomic():
        acc = _account(Account.Kind.VOLUNTEER, area=person.residence_area, person=person)
        v = Volunteer.objects.create(person=person, user=user, area=person.residence_area, account=acc,
                                     registered_by=actor)
        audit.record(actor=actor, action="timebank.volunteer.register", object_type="timebank.volunteer",
                     object_id=v.pk, object_repr=person.name, area_code=person.residence_area.code,
                     after={"person": person.masked_id, "user": user.username if user else None})
    return v


def hours_report(*, actor: User, volunteer: Volunteer, service_date: dt.date, hours: object, activity: str,
                 beneficiary: Person | None = None, today: dt.date | None = None) -> HourReport:
    """申报 hours served; credited only after two reviews."""
    _ensure_volunteer_side(actor, volunteer)
    today = today or timezone.localdate()
    h = hours_check(hours)
    if h > rules()["max_hours_per_report"]:
        raise DomainError(f"一次申报不超过{rules()['max_hours_per_report']}小时", field="时长")
    if not isinstance(service_date, dt.date):
        raise DomainError("请填写服务日期", code="required", field="服务日期")
    if service_date > today:
        raise DomainError("服务日期不能晚于今天", field="服务日期")
    window = int(rules()["report_window_days"])
    if (today - service_date).days > window:
        raise DomainError(f"服务日期已超过{window}日申报期限", field="服务日期")
    activity = (activity or "").strip()
    if not activity:
        raise DomainError("请填写服务内容", code="required", field="服务内容")
    with transaction.atomic():
        r = HourReport.objects.create(volunteer=volunteer, area=volunteer.area, service_date=service_date, hours=h,
                                      activity=activity[:200], beneficiary=beneficiary, reported_by=actor)
        audit.record(actor=actor, action="timebank.report", object_type="timebank.report", object_id=r.pk,
                     object_repr=volunteer.person.name, area_code=volunteer.area.code,
                     after={"status": r.status, "hours": h, "service_date": service_date, "activity": activity})
    return r


def _locked_report(report: HourReport) -> HourReport:
    return (HourReport.objects.select_for_update(of=("self",))
            .select_related("volunteer__person", "volunteer__account", "area").get(pk=report.pk))


def report_review_first(*, actor: User, report: HourReport, approve: bool, reason: str = "",
                        now: dt.datetime | None = None) -> HourReport:
    """初审 (村居). The reviewer may not be the one who reported."""
    ensure_can(actor, report.area, Cap.TIMEBANK_REVIEW1)
    with transaction.atomic():
        r = _locked_report(report)
        if r.status != HourReport.Status.REPORTED:
            raise Conflict(f"该申报当前为“{r.get_status_display()}”，不能初审", field="状态")
        if r.reported_by_id == actor.pk:
            raise DomainError("申报人不能初审自己登记的时长", code="same_person", field="初审人")
        return _decide(actor, r, approve, reason, HourReport.Status.FIRST_APPROVED, "first", now)


def report_review_second(*, actor: User, report: HourReport, approve: bool, reason: str = "",
                         now: dt.datetime | None = None) -> HourReport:
    """复审 (镇街/县区): a second, different person; approval credits the hours from the source account."""
    ensure_can(actor, report.area, Cap.TIMEBANK_REVIEW2)
    with transaction.atomic():
        r = _locked_report(report)
        if r.status != HourReport.Status.FIRST_APPROVED:
            raise Conflict(f"该申报当前为“{r.get_status_display()}”，须先通过初审才能复审", field="状态")
        if actor.pk in (r.first_reviewer_id, r.reported_by_id):
            raise DomainError("复审须由申报人和初审人以外的人员办理", code="same_person", field="复审人")
        r = _decide(actor, r, approve, reason, HourReport.Status.CREDITED, "second", now)
        if approve:
            _transfer(actor=actor, kind=Transfer.Kind.CREDIT, source=source_account(r.area),
                      target=r.volunteer.account, hours=r.hours, report=r,
                      memo=f"{r.service_date:%Y-%m-%d} {r.activity}")
    return r


def _decide(actor: User, r: HourReport, approve: bool, reason: str, ok_status: str, level: str,
            now: dt.datetime | None) -> HourReport:
    before = {"status": r.status}
    reason = (reason or "").strip()
    if not approve and not reason:
        raise DomainError("不予通过须填写原因", code="required", field="原因")
    now = now or timezone.now()
    setattr(r, f"{level}_reviewer", actor)
    setattr(r, f"{level}_reviewed_at", now)
    r.status = ok_status if approve else HourReport.Status.REJECTED
    r.reject_reason = "" if approve else reason[:200]
    r.save(update_fields=["status", "reject_reason", f"{level}_reviewer", f"{level}_reviewed_at"])
    audit.record(actor=actor, action=f"timebank.review.{level}", object_type="timebank.report", object_id=r.pk,
                 object_repr=r.volunteer.person.name, area_code=r.area.code, before=before,
                 after={"status": r.status, "reason": reason})
    return r


def donation_eligible(elder: Person, on: dt.date | None = None) -> str | None:
    """The label of the 孤寡/失独 category that lets this elder receive hours, or None."""
    on = on or timezone.localdate()
    cats = donation_categories()
    found = (PersonCategory.objects.filter(person=elder, category__in=list(cats), valid_from__lte=on)
             .exclude(valid_to__lt=on).values_list("category", flat=True).first())
    return cats.get(found) if found else None


def _ensure_recipient(elder: Person) -> str:
    if elder.death_date:
        raise DomainError(f"{elder.name}已登记死亡", field="受赠老人")
    label = donation_eligible(elder)
    if label is None:
        names = "、".join(donation_categories().values())
        raise DomainError(f"{elder.name}不属于可受赠时长的老人（{names}）", code="not_eligible", field="受赠老人")
    return label


def not_a_recipient() -> DomainError:
    """The one answer for anyone a volunteer may not donate to (unknown, elsewhere, not eligible, dead)."""
    names = "、".join(donation_categories().values())
    return DomainError(f"受赠老人不存在，或不属于可受赠时长的老人（{names}）", code="not_eligible", field="受赠老人")


def hours_donate(*, actor: User, volunteer: Volunteer, hours: object, elder: Person | None = None) -> Transfer:
    """捐赠: to a 孤寡/失独 elder of the volunteer's own jurisdiction, or (no elder named) to its 公益时间池. Hours
    for another jurisdiction go through `donation_offer_create`, which that jurisdiction accepts or declines."""
    _ensure_volunteer_side(actor, volunteer)
    h = hours_check(hours)
    if elder is not None and jurisdiction_of(elder.residence_area).pk != jurisdiction_of(volunteer.area).pk:
        raise not_a_recipient()
    label = _ensure_recipient(elder) if elder is not None else ""
    with transaction.atomic():  # a refused transfer leaves no new account behind either
        if elder is not None:
            target, memo = elder_account(elder), f"捐赠给{label}{elder.name}"
        else:
            target, memo = pool_account(volunteer.area), "捐赠给公益时间池"
        return _transfer(actor=actor, kind=Transfer.Kind.DONATE, source=volunteer.account, target=target, hours=h,
                         memo=memo)


def _offer_snapshot(o: DonationOffer) -> dict:
    return {"status": o.status, "hours": o.hours, "from": o.from_area.code, "to": o.to_area.code,
            "reason": o.reason}


def donation_offer_create(*, actor: User, volunteer: Volunteer, hours: object, area: Area) -> DonationOffer:
    """Offer hours to another jurisdiction's 公益时间池 (named by any of its areas). Nothing moves yet: the
    receiving jurisdiction's staff accept (the hours then leave the volunteer's account, which must still hold
    them: the ledger refuses an overdraw) or decline."""
    _ensure_volunteer_side(actor, volunteer)
    h = hours_check(hours)
    if area is None:
        raise DomainError("请选择受赠辖区", code="required", field="受赠辖区")
    mine, theirs = jurisdiction_of(volunteer.area), jurisdiction_of(area)
    if mine.pk == theirs.pk:
        raise DomainError("本辖区内的捐赠无需对方确认，请直接捐入公益时间池", field="受赠辖区")
    with transaction.atomic():
        o = DonationOffer.objects.create(volunteer=volunteer, from_area=mine, to_area=theirs, hours=h,
                                         created_by=actor)
        audit.record(actor=actor, action="timebank.offer.create", object_type="timebank.offer", object_id=o.pk,
                     object_repr=f"{volunteer.person.name}→{theirs.name}", area_code=theirs.code,
                     after=_offer_snapshot(o))
    return o


def _locked_offer(offer: DonationOffer) -> DonationOffer:
    o = (DonationOffer.objects.select_for_update(of=("self",))
         .select_related("volunteer__person", "volunteer__account", "from_area", "to_area").get(pk=offer.pk))
    if o.status != DonationOffer.Status.PENDING:
        raise Conflict(f"该捐赠当前为“{o.get_status_display()}”，不能再办理", field="状态")
    return o


def donation_offer_accept(*, actor: User, offer: DonationOffer) -> DonationOffer:
    """The receiving jurisdiction accepts: the hours move from the volunteer to its 公益时间池, in one transaction."""
    ensure_can(actor, offer.to_area, Cap.TIMEBANK_ALLOCATE)
    with transaction.atomic():
        o = _locked_offer(offer)
        before = _offer_snapshot(o)
        o.transfer = _transfer(actor=actor, kind=Transfer.Kind.DONATE, source=o.volunteer.account,
                               target=pool_account(o.to_area), hours=o.hours,
                               memo=f"{o.from_area.name}志愿者跨辖区捐入公益时间池")
        o.status, o.decided_by, o.decided_at = DonationOffer.Status.ACCEPTED, actor, timezone.now()
        o.save(update_fields=["transfer", "status", "decided_by", "decided_at"])
        audit.record(actor=actor, action="timebank.offer.accept", object_type="timebank.offer", object_id=o.pk,
                     object_repr=f"{o.volunteer.person.name}→{o.to_area.name}", area_code=o.to_area.code,
                     before=before, after=_offer_snapshot(o))
    return o


def donation_offer_decline(*, actor: User, offer: DonationOffer, reason: str) -> DonationOffer:
    """The receiving jurisdiction declines, with a reason; nothing moves."""
    ensure_can(actor, offer.to_area, Cap.TIMEBANK_ALLOCATE)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("谢绝须填写原因", code="required", field="原因")
    with transaction.atomic():
        o = _locked_offer(offer)
        before = _offer_snapshot(o)
        o.status, o.decided_by, o.decided_at = DonationOffer.Status.DECLINED, actor, timezone.now()
        o.reason = reason[:200]
        o.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        audit.record(actor=actor, action="timebank.offer.decline", object_type="timebank.offer", object_id=o.pk,
                     object_repr=f"{o.volunteer.person.name}→{o.to_area.name}", area_code=o.to_area.code,
                     before=before, after=_offer_snapshot(o))
    return o


def pool_allocate(*, actor: User, elder: Person, hours: object, memo: str = "") -> Transfer:
    """划拨 from the jurisdiction's 公益时间池 to a 孤寡/失独 elder (镇街/县区)."""
    ensure_can(actor, elder.residence_area, Cap.TIMEBANK_ALLOCATE)
    h = hours_check(hours)
    label = _ensure_recipient(elder)
    with transaction.atomic():
        return _transfer(actor=actor, kind=Transfer.Kind.ALLOCATE, source=pool_account(elder.residence_area),
                         target=elder_account(elder), hours=h, memo=memo or f"公益时间池划拨给{label}{elder.name}")


def hours_redeem(*, actor: User, account: Account, hours: object, memo: str) -> Transfer:
    """兑换服务: hours spent on a volunteer service received; they leave circulation (back to the source)."""
    if account.kind not in (Account.Kind.VOLUNTEER, Account.Kind.ELDER):
        raise DomainError("只有志愿者和受赠老人的账户可以兑换服务", field="账户")
    if actor.role == Role.RESIDENT:
        v = getattr(account, "volunteer", None) if account.kind == Account.Kind.VOLUNTEER else None
        if v is None or v.user_id != actor.pk:
            raise NotFound()
    else:
        ensure_can(actor, account.area, Cap.TIMEBANK_REPORT)
    memo = (memo or "").strip()
    if not memo:
        raise DomainError("请填写兑换的服务内容", code="required", field="服务内容")
    h = hours_check(hours)
    with transaction.atomic():
        return _transfer(actor=actor, kind=Transfer.Kind.REDEEM, source=account,
                         target=source_account(account.area), hours=h, memo=memo)
