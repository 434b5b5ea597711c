"""Writes of 婚姻登记: appointments, 结婚/离婚/补领 registration, the divorce 冷静期. One function per state change,
each checked, atomic and audited. Ages, periods and booking windows come from data/marriage/rules.csv (cited).

Under the 2025 条例 any office registers anyone (全国通办) on the 居民身份证 and a signed declaration; the office's
own records (MaritalRecord) are checked before a marriage, and a refusal says why in Chinese.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core import audit
from minzheng.core.dated_rules import rule, rule_int
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.idcard import mask, parse_id_number
from minzheng.core.periods import age_on, birthday, calendar
from minzheng.core.scope import ensure_can
from minzheng.registry.models import Person, Sex

from .models import (
    Appointment,
    Ceremony,
    Certificate,
    Counselling,
    DivorceApplication,
    Kind,
    MaritalRecord,
    Office,
    OfficeDay,
    Registration,
)

RULES = settings.DATA_DIR / "marriage" / "rules.csv"
MARRIAGE_DECLARATION = ("本人声明：本人无配偶，与对方没有直系血亲和三代以内旁系血亲关系，"
                        "本人自愿结婚，所提供的信息真实无误。")


def _rule(key: str, on: dt.date) -> int:
    return rule_int(RULES, key, on)


# --- the office's calendar and appointments ----------------------------------------------------------------------

def day_capacity(office: Office, day: dt.date) -> tuple[int, str]:
    """(capacity, reason when closed): an override first, then the working-day calendar (法定节假日 and 调休)."""
    override = OfficeDay.objects.filter(office=office, date=day).first()
    if override is not None and override.closed:
        return 0, override.note or "登记处当日不办理"
    if not office.open_on_days_off and calendar().covered(day) and not calendar().is_workday(day):
        return 0, "当日为法定节假日或周末，登记处不办理"
    if not office.open_on_days_off and not calendar().covered(day) and day.weekday() >= 5:
        return 0, "当日为周末，登记处不办理"
    if override is not None and override.capacity is not None:
        return override.capacity, ""
    return office.daily_capacity, ""


def _booked(office: Office, day: dt.date) -> int:
    return Appointment.objects.filter(office=office, date=day, status=Appointment.Status.BOOKED).count()


def office_day_set(*, actor: User, office: Office, day: dt.date, closed: bool, capacity: int | None = None,
                   note: str = "") -> OfficeDay:
    """Close a day or change its capacity (好日子); existing bookings are kept, so capacity never drops below them."""
    ensure_can(actor, office.area, Cap.MARRIAGE_REGISTER)
    if capacity is not None and not 0 <= capacity <= 1000:
        raise DomainError("当日可预约数应在0至1000之间", field="当日可预约数")
    with transaction.atomic():
        office = Office.objects.select_for_update().get(pk=office.pk)
        taken = _booked(office, day)
        if capacity is not None and capacity < taken:
            raise Conflict(f"{day.isoformat()}已有{taken}个预约，可预约数不能低于已预约数", field="当日可预约数")
        row, _ = OfficeDay.objects.update_or_create(office=office, date=day, defaults={
            "closed": closed, "capacity": capacity, "note": note.strip()[:100]})
        audit.record(actor=actor, action="marriage.office_day", object_type="marriage.office", object_id=office.pk,
                     object_repr=office.name, area_code=office.area.code,
                     after={"date": day, "closed": closed, "capacity": capacity, "note": note, "booked": taken})
    return row


def _check_id(number: str, field: str, today: dt.date) -> str:
    return parse_id_number(number, today=today, field=field).number


def _clean(text: str, field: str, max_len: int) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(f"请填写{field}", field=field)
    if len(text) > max_len:
        raise DomainError(f"{field}过长（最多{max_len}个字）", field=field)
    return text


def appointment_book(*, office: Office, day: dt.date, kind: str, name_a: str, id_number_a: str, phone: str,
                     name_b: str = "", id_number_b: str = "", today: dt.date) -> Appointment:
    """A resident's booking (no login): a day inside the booking window, open, and with a place left."""
    if kind not in Kind.values:
        raise DomainError("请选择业务类型（结婚、离婚或补领）", field="业务类型")
    name_a = _clean(name_a, "当事人姓名", 64)
    id_a = _check_id(id_number_a, "当事人身份证号", today)
    phone = (phone or "").strip()
    if not (phone.isdigit() and 7 <= len(phone) <= 20):
        raise DomainError("联系电话应为7至20位数字", field="联系电话")
    id_b = ""
    if kind != Kind.REISSUE or (id_number_b or "").strip():
        name_b = _clean(name_b, "另一方姓名", 64)
        id_b = _check_id(id_number_b, "另一方身份证号", today)
        if id_b == id_a:
            raise DomainError("双方身份证号相同", field="另一方身份证号")
    first = today + dt.timedelta(days=_rule("booking_min_lead_days", today))
    last = today + dt.timedelta(days=_rule("booking_horizon_days", today))
    if not first <= day <= last:
        raise DomainError(f"可预约{first.isoformat()}至{last.isoformat()}之间的日期", field="预约日期")
    with transaction.atomic():
        office = _lock_office(office)  # serialises the count of the day's bookings
        capacity, closed_reason = day_capacity(office, day)
        if capacity == 0:
            raise DomainError(f"{day.isoformat()}不可预约：{closed_reason}", code="day_closed", field="预约日期")
        if _booked(office, day) >= capacity:
            raise Conflict(f"{day.isoformat()}的预约已满（{capacity}个），请选择其他日期", code="day_full",
                           field="预约日期")
        if Appointment.objects.filter(office=office, date=day, id_number_a__in=[id_a, id_b] if id_b else [id_a],
                                      status=Appointment.Status.BOOKED).exists():
            raise Conflict("当事人当日在该登记处已有预约", field="预约日期")
        appt = Appointment.objects.create(
            office=office, date=day, kind=kind, reference=f"Y{day:%y%m%d}{secrets.token_hex(3).upper()}",
            name_a=name_a, id_number_a=id_a, name_b=name_b if id_b else "", id_number_b=id_b, phone=phone)
        audit.record(actor=None, action="marriage.appointment_book", object_type="marriage.appointment",
                     object_id=appt.pk, object_repr=appt.reference, area_code=office.area.code,
                     after={"office": office.name, "date": day, "kind": kind, "party_a": mask(id_a),
                            "party_b": mask(id_b) if id_b else ""})
    return appt


def appointment_cancel(*, appointment: Appointment, id_number: str) -> Appointment:
    """The booking party cancels, proving it with the ID number booked under."""
    with transaction.atomic():
        appt = Appointment.objects.select_for_update(of=("self",)).select_related("office__area").get(pk=appointment.pk)
        if (id_number or "").strip().upper() != appt.id_number_a:
            raise DomainError("身份证号与预约信息不符", field="身份证号")
        if appt.status != Appointment.Status.BOOKED:
            raise Conflict(f"该预约{appt.get_status_display()}，不能取消", field="状态")
        appt.status = Appointment.Status.CANCELLED
        appt.save(update_fields=["status"])
        audit.record(actor=None, action="marriage.appointment_cancel", object_type="marriage.appointment",
                     object_id=appt.pk, object_repr=appt.reference, area_code=appt.office.area.code,
                     before={"status": "booked"}, after={"status": "cancelled"})
    return appt


# --- certificates ------------------------------------------------------------------------------------------------

def _issue(office: Office, registration: Registration, holder: Person, type_: str, on: dt.date) -> Certificate:
    """The next number of the office's year. The caller holds the office row locked; the unique constraint on
    (office, year, serial) is the guard behind it."""
    last = Certificate.objects.filter(office=office, year=on.year).aggregate(m=Max("serial"))["m"] or 0
    serial = last + 1
    letter = "J" if type_ == Certificate.Type.MARRIAGE else "L"
    return Certificate.objects.create(
        registration=registration, holder=holder, type=type_, office=office, year=on.year, serial=serial,
        number=f"{letter}{office.code}-{on.year}-{serial:06d}", issued_on=on)


def _lock_office(office: Office) -> Office:
    return Office.objects.select_for_update(of=("self",)).select_related("area").get(pk=office.pk)


def _alive(person: Person, on: dt.date, label: str) -> None:
    if person.death_date is not None and person.death_date <= on:
        raise DomainError(f"{label}{person.name}已登记死亡，不能办理", code="deceased", field=label)


def marital_status(person: Person) -> MaritalRecord | None:
    return MaritalRecord.objects.filter(person=person).select_related("spouse").first()


def _set_status(person: Person, status: str, spouse: Person | None, on: dt.date, registration: Registration) -> None:
    MaritalRecord.objects.update_or_create(person=person, defaults={
        "status": status, "spouse": spouse, "since": on, "registration": registration})


def _appointment_served(appointment: Appointment | None, office: Office, kind: str) -> None:
    if appointment is None:
        return
    appt = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appt.office_id != office.pk or appt.kind != kind or appt.status != Appointment.Status.BOOKED:
        raise DomainError("所选预约与本次办理的登记处或业务不符，或已办理、已取消", field="预约号")
    appt.status = Appointment.Status.SERVED
    appt.save(update_fields=["status"])


# --- 结婚登记 ------------------------------------------------------------------------------------------------------

def marriage_refusals(man: Person, woman: Person, on: dt.date) -> list[tuple[str, str]]:
    """Every reason the office must refuse (field, message); empty when the couple may register."""
    reasons: list[tuple[str, str]] = []
    if man.pk == woman.pk:
        return [("女方", "双方不能是同一人")]
    if man.sex != Sex.MALE or woman.sex != Sex.FEMALE:
        reasons.append(("性别", "结婚登记须由一男一女双方共同申请（《中华人民共和国民法典》第1049条）"))
    for person, key, label in ((man, "min_age_male", "男方"), (woman, "min_age_female", "女方")):
        limit = rule(RULES, key, on)
        if person.death_date is not None and person.death_date <= on:
            reasons.append((label, f"{label}{person.name}已登记死亡"))
        elif age_on(person.birth_date, on) < int(limit.value):
            reasons.append((label, f"{label}{person.name}未达法定婚龄（{label[0]}不得早于{limit.value}周岁，"
                                   f"《中华人民共和国民法典》第1047条），"
                                   f"于{birthday(person.birth_date, int(limit.value)).isoformat()}"
                                   f"年满{limit.value}周岁"))
        record = marital_status(person)
        if record is not None and record.status == MaritalRecord.Status.MARRIED:
            reasons.append((label, f"{label}{person.name}在婚姻登记档案中为已婚（{record.since.isoformat()}登记），"
                                   "有配偶者不能再办理结婚登记（《中华人民共和国民法典》第1042条）"))
    return reasons


def marriage_register(*, actor: User, office: Office, man: Person, woman: Person, on: dt.date,
                      declaration_signed: bool, appointment: Appointment | None = None) -> Registration:
    """结婚登记: both parties in person with ID cards and the signed declaration (no spouse, no prohibited kinship);
    the office checks its records; two 结婚证 numbered in the office's year."""
    ensure_can(actor, office.area, Cap.MARRIAGE_REGISTER)
    if not declaration_signed:
        raise DomainError("双方须签署无配偶、无禁止结婚亲属关系的声明后方可登记（《婚姻登记条例》）",
                          field="签名声明")
    with transaction.atomic():
        office = _lock_office(office)
        # The two persons are locked in a fixed order so two offices registering the same person wait for each other.
        persons = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[man.pk, woman.pk])
                   .order_by("pk")}
        man, woman = persons[man.pk], persons[woman.pk]
        reasons = marriage_refusals(man, woman, on)
        if reasons:
            field, _ = reasons[0]
            raise DomainError("不予登记：" + "；".join(m for _, m in reasons), code="marriage_refused", field=field)
        _appointment_served(appointment, office, Kind.MARRIAGE)
        reg = Registration.objects.create(office=office, kind=Kind.MARRIAGE, party_a=man, party_b=woman,
                                          registered_on=on, declaration=MARRIAGE_DECLARATION,
                                          appointment=appointment, registered_by=actor)
        certs = [_issue(office, reg, p, Certificate.Type.MARRIAGE, on) for p in (man, woman)]
        _set_status(man, MaritalRecord.Status.MARRIED, woman, on, reg)
        _set_status(woman, MaritalRecord.Status.MARRIED, man, on, reg)
        audit.record(actor=actor, action="marriage.register", object_type="marriage.registration", object_id=reg.pk,
                     object_repr=f"{man.name}、{woman.name}结婚登记", area_code=office.area.code,
                     after={"office": office.name, "on": on, "man": man.masked_id, "woman": woman.masked_id,
                            "certificates": [c.number for c in certs]})
    return reg


# --- 补领 ---------------------------------------------------------------------------------------------------------

def certificate_reissue(*, actor: User, office: Office, person: Person, on: dt.date,
                        appointment: Appointment | None = None) -> Certificate:
    """补领: any office (全国通办) re-issues the person's current certificate; the lost one is void."""
    ensure_can(actor, office.area, Cap.MARRIAGE_REGISTER)
    with transaction.atomic():
        office = _lock_office(office)
        current = (Certificate.objects.select_for_update().filter(holder=person, void=False)
                   .select_related("registration").order_by("-issued_on", "-id").first())
        if current is None:
            raise DomainError(f"婚姻登记档案中没有{person.name}的有效婚姻登记证，无法补领", field="当事人")
        _alive(person, on, "当事人")
        _appointment_served(appointment, office, Kind.REISSUE)
        reg = Registration.objects.create(office=office, kind=Kind.REISSUE, party_a=person, registered_on=on,
                                          marriage=current.registration,
                                          declaration="本人声明：原证遗失或损毁，申请补领。",
                                          appointment=appointment, registered_by=actor)
        current.void = True
        current.save(update_fields=["void"])
        cert = _issue(office, reg, person, current.type, on)
        audit.record(actor=actor, action="marriage.reissue", object_type="marriage.certificate", object_id=cert.pk,
                     object_repr=f"{person.name}补领{cert.get_type_display()}", area_code=office.area.code,
                     before={"number": current.number}, after={"number": cert.number, "office": office.name})
    return cert


# --- 离婚登记 and the 冷静期 ----------------------------------------------------------------------------------

def _current_marriage(a: Person, b: Person) -> Registration:
    ra, rb = marital_status(a), marital_status(b)
    if (ra is None or rb is None or ra.status != MaritalRecord.Status.MARRIED or ra.spouse_id != b.pk
            or rb.spouse_id != a.pk):
        raise DomainError(f"婚姻登记档案中{a.name}与{b.name}不是现存的夫妻关系，不能办理协议离婚", field="当事人")
    return ra.registration


def divorce_apply(*, actor: User, office: Office, party_a: Person, party_b: Person, on: dt.date) -> DivorceApplication:
    """协议离婚 application received: the 冷静期 runs 30 days after the day of receipt (民法典 第1077条, 第201条)."""
    ensure_can(actor, office.area, Cap.MARRIAGE_REGISTER)
    _alive(party_a, on, "当事人")
    _alive(party_b, on, "当事人")
    marriage = _current_marriage(party_a, party_b)
    cooling = rule(RULES, "divorce_cooling_days", on)
    confirm = rule(RULES, "divorce_confirm_days", on)
    try:
        with transaction.atomic():
            app = DivorceApplication.objects.create(
                office=office, marriage=marriage, party_a=party_a, party_b=party_b, received_on=on,
                cooling_ends=on + dt.timedelta(days=int(cooling.value)),
                confirm_by=on + dt.timedelta(days=int(cooling.value) + int(confirm.value)), created_by=actor)
            audit.record(actor=actor, action="marriage.divorce_apply", object_type="marriage.divorce_application",
                         object_id=app.pk, object_repr=f"{party_a.name}、{party_b.name}离婚申请",
                         area_code=office.area.code,
                         after={"received_on": on, "cooling_ends": app.cooling_ends, "confirm_by": app.confirm_by})
    except IntegrityError:
        raise Conflict("双方已有一份冷静期中的离婚登记申请", field="当事人") from None
    return app


def _lock_application(app: DivorceApplication) -> DivorceApplication:
    return (DivorceApplication.objects.select_for_update(of=("self",))
            .select_related("office__area", "party_a", "party_b").get(pk=app.pk))


def divorce_withdraw(*, actor: User, application: DivorceApplication, party: Person, on: dt.date
                     ) -> DivorceApplication:
    """Either party withdraws within the 冷静期 (民法典 第1077条第一款)."""
    ensure_can(actor, application.office.area, Cap.MARRIAGE_REGISTER)
    with transaction.atomic():
        app = _lock_application(application)
        if app.status != DivorceApplication.Status.COOLING:
            raise Conflict(f"该离婚申请{app.get_status_display()}，不能撤回", field="状态")
        if party.pk not in (app.party_a_id, app.party_b_id):
            raise DomainError(f"{party.name}不是该离婚申请的当事人", field="撤回人")
        if on > app.cooling_ends:
            raise DomainError(f"冷静期已于{app.cooling_ends.isoformat()}届满；届满后未共同申请发证的，"
                              f"{app.confirm_by.isoformat()}后视为撤回", field="撤回日期")
        app.status, app.closed_on, app.withdrawn_by = DivorceApplication.Status.WITHDRAWN, on, party
        app.save(update_fields=["status", "closed_on", "withdrawn_by"])
        audit.record(actor=actor, action="marriage.divorce_withdraw", object_type="marriage.divorce_application",
                     object_id=app.pk, object_repr=f"{app.party_a.name}、{app.party_b.name}离婚申请",
                     area_code=app.office.area.code, before={"status": "cooling"},
                     after={"status": app.status, "by": party.masked_id, "on": on})
    return app


def divorce_confirm(*, actor: User, application: DivorceApplication, on: dt.date,
                    appointment: Appointment | None = None) -> Registration:
    """Both parties ask for the 离婚证 in the 30 days after the 冷静期: the divorce is registered, the marriage
    certificates are void and both records read 离婚."""
    ensure_can(actor, application.office.area, Cap.MARRIAGE_REGISTER)
    with transaction.atomic():
        app = _lock_application(application)
        if app.status != DivorceApplication.Status.COOLING:
            raise Conflict(f"该离婚申请{app.get_status_display()}，不能发给离婚证", field="状态")
        if on <= app.cooling_ends:
            raise DomainError(f"离婚冷静期尚未届满：自{app.received_on.isoformat()}收到申请起30日内（至"
                              f"{app.cooling_ends.isoformat()}）为冷静期，届满后30日内双方方可共同申请发给离婚证"
                              "（《中华人民共和国民法典》第1077条）", code="cooling_off", field="申请发证日期")
        if on > app.confirm_by:
            raise DomainError(f"申请发给离婚证的期限已于{app.confirm_by.isoformat()}届满，该申请视为撤回",
                              code="lapsed", field="申请发证日期")
        office = _lock_office(app.office)
        _current_marriage(app.party_a, app.party_b)
        _appointment_served(appointment, office, Kind.DIVORCE)
        reg = Registration.objects.create(office=office, kind=Kind.DIVORCE, party_a=app.party_a, party_b=app.party_b,
                                          registered_on=on, marriage=app.marriage, appointment=appointment,
                                          declaration="双方自愿离婚，已对子女抚养、财产及债务处理等事项协商一致。",
                                          registered_by=actor)
        Certificate.objects.filter(registration=app.marriage).update(void=True)
        Certificate.objects.filter(registration__marriage=app.marriage, registration__kind=Kind.REISSUE).update(
            void=True)
        certs = [_issue(office, reg, p, Certificate.Type.DIVORCE, on) for p in (app.party_a, app.party_b)]
        for p in (app.party_a, app.party_b):
            _set_status(p, MaritalRecord.Status.DIVORCED, None, on, reg)
        app.status, app.closed_on, app.registration = DivorceApplication.Status.REGISTERED, on, reg
        app.save(update_fields=["status", "closed_on", "registration"])
        audit.record(actor=actor, action="marriage.divorce_register", object_type="marriage.registration",
                     object_id=reg.pk, object_repr=f"{app.party_a.name}、{app.party_b.name}离婚登记",
                     area_code=office.area.code,
                     after={"on": on, "application": app.pk, "certificates": [c.number for c in certs]})
    return reg


def divorce_lapse_overdue(*, today: dt.date) -> int:
    """Applications whose window ended before `today` unconfirmed are withdrawn (视为撤回). Idempotent: a rerun
    finds nothing more; run daily by `manage.py marriage_lapse_divorces`."""
    lapsed = 0
    due = DivorceApplication.objects.filter(status=DivorceApplication.Status.COOLING, confirm_by__lt=today)
    for pk in due.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            app = _lock_application(DivorceApplication(pk=pk))
            if app.status != DivorceApplication.Status.COOLING or app.confirm_by >= today:
                continue
            app.status, app.closed_on = DivorceApplication.Status.LAPSED, app.confirm_by + dt.timedelta(days=1)
            app.save(update_fields=["status", "closed_on"])
            audit.record(actor=None, action="marriage.divorce_lapse", object_type="marriage.divorce_application",
                         object_id=app.pk, object_repr=f"{app.party_a.name}、{app.party_b.name}离婚申请",
                         area_code=app.office.area.code, before={"status": "cooling"},
                         after={"status": app.status, "confirm_by": app.confirm_by})
            lapsed += 1
    return lapsed



# --- a spouse's death -------------------------------------------------------------------------------------------

def marital_status_follow_death(*, actor: User | None, person: Person, death_date: dt.date | None,
                                previous: dt.date | None = None) -> list[MaritalRecord]:
    """The registry's death date of `person` was set, moved or cleared (registry.deaths calls this in the same
    transaction, whether the death came from the funeral desk's 死亡登记 or the registry form). The marriage ends
    by death (民法典 第1042条 ends with it the bar on marrying again): a surviving spouse the office's records show
    married to `person` reads 丧偶 from the day of death; a moved date moves that day; a cleared date (the death was
    recorded in error) restores 已婚 from the marriage's registration. The deceased's own record is left as it
    stood at death. A consequence of the registry's fact, so no area check here (like assistance's stop_on_death).
    Returns the survivors' records changed."""
    changed = []
    if death_date is not None:
        survivors = MaritalRecord.objects.select_for_update().filter(
            spouse=person, status__in=[MaritalRecord.Status.MARRIED, MaritalRecord.Status.WIDOWED])
    else:
        survivors = MaritalRecord.objects.select_for_update().filter(spouse=person,
                                                                      status=MaritalRecord.Status.WIDOWED)
    for record in survivors.select_related("person", "registration__office__area").order_by("pk"):
        survivor = record.person
        if record.status == MaritalRecord.Status.WIDOWED and death_date is not None and record.since == death_date:
            continue  # already follows this date
        if death_date is not None and survivor.death_date is not None and survivor.death_date <= death_date:
            continue  # died first or together: not a survivor
        before = {"status": record.status, "since": record.since}
        if death_date is not None:
            record.status, record.since = MaritalRecord.Status.WIDOWED, death_date
        else:
            record.status, record.since = MaritalRecord.Status.MARRIED, record.registration.registered_on
        record.save(update_fields=["status", "since"])
        audit.record(actor=actor, action="marriage.status_follow_death", object_type="marriage.marital_record",
                     object_id=record.pk, object_repr=f"{survivor.name}的婚姻状况",
                     area_code=record.registration.office.area.code, before=before,
                     after={"status": record.status, "since": record.since, "spouse": person.masked_id,
                            "spouse_death_date": death_date, "spouse_death_date_before": previous})
        changed.append(record)
    return changed


# --- 颁证仪式 and 婚姻家庭辅导 --------------------------------------------------------------------------------------

def ceremony_book(*, actor: User, registration: Registration, day: dt.date, officiant: str = "") -> Ceremony:
    """A free certificate ceremony for a registered marriage, on or after the registration, within the hall's day."""
    ensure_can(actor, registration.office.area, Cap.MARRIAGE_REGISTER)
    if registration.kind != Kind.MARRIAGE:
        raise DomainError("颁证仪式只为结婚登记安排", field="登记记录")
    if day < registration.registered_on:
        raise DomainError("颁证日期不能早于登记日期", field="颁证日期")
    try:
        with transaction.atomic():
            office = _lock_office(registration.office)
            limit = _rule("ceremony_daily_capacity", day)
            if Ceremony.objects.filter(office=office, date=day).count() >= limit:
                raise Conflict(f"{day.isoformat()}的颁证仪式已排满（{limit}场），请选择其他日期", field="颁证日期")
            c = Ceremony.objects.create(registration=registration, office=office, date=day,
                                        officiant=(officiant or "").strip()[:64], created_by=actor)
            audit.record(actor=actor, action="marriage.ceremony_book", object_type="marriage.registration",
                         object_id=registration.pk, object_repr="颁证仪式", area_code=office.area.code,
                         after={"date": day, "officiant": c.officiant})
    except IntegrityError:
        raise Conflict("该登记已安排颁证仪式", field="登记记录") from None
    return c


def counselling_record(*, actor: User, office: Office, kind: str, held_on: dt.date, counsellor: str, summary: str,
                       divorce_application: DivorceApplication | None = None) -> Counselling:
    ensure_can(actor, office.area, Cap.MARRIAGE_REGISTER)
    if kind not in Counselling.Kind.values:
        raise DomainError("请选择辅导类型", field="类型")
    counsellor, summary = (counsellor or "").strip(), (summary or "").strip()
    if not counsellor or len(counsellor) > 64:
        raise DomainError("请填写辅导员姓名", field="辅导员")
    if len(summary) < 4 or len(summary) > 4000:
        raise DomainError("请填写辅导摘要（4至4000字）", field="辅导摘要")
    if kind == Counselling.Kind.COOLING:
        if divorce_application is None or divorce_application.status != DivorceApplication.Status.COOLING:
            raise DomainError("离婚冷静期辅导须对应一份冷静期中的离婚申请", field="离婚申请")
        if held_on > divorce_application.cooling_ends:
            raise DomainError(f"冷静期已于{divorce_application.cooling_ends.isoformat()}届满", field="辅导日期")
    with transaction.atomic():
        c = Counselling.objects.create(office=office, kind=kind, held_on=held_on, counsellor=counsellor,
                                       summary=summary, divorce_application=divorce_application, recorded_by=actor)
        audit.record(actor=actor, action="marriage.counselling", object_type="marriage.counselling", object_id=c.pk,
                     object_repr=c.get_kind_display(), area_code=office.area.code,
                     after={"kind": kind, "on": held_on, "counsellor": counsellor})
    return c
