"""Writes of 低收入人口动态监测 and 一门受理: one function per state change, checked (area and role through
core.scope), atomic and audited.

Alert lifecycle: 待核实 (raised by the alert run or by 主动发现) → 已核实 (the village's home visit, due within the
rule's working days) → 已认定困难 (the town) → 已转介救助 (an assistance application pre-filled through the assistance
services); any open alert may be closed, always with a reason.
"""

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.assistance import services as assistance
from minzheng.assistance.programmes.base import get_programme
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.idcard import mask
from minzheng.core.periods import add_workdays
from minzheng.core.scope import area_q, ensure_can, require
from minzheng.registry.models import Household, Membership, Person
from minzheng.verification.adapters import ParsedRow, parse_row, read_file, read_push

from . import rules
from .models import Alert, AlertStatus, AlertStep, Event, FeedBatch, Referral, Registration
from .runs import alert_run

OPEN = (AlertStatus.NEW, AlertStatus.VERIFIED, AlertStatus.RECOGNISED)
MAX_ROW_ERRORS = 200  # reported in full up to this many; the count is always exact
_CHUNK = 5000


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _text(value: str | None, field: str, *, min_len: int = 2, max_len: int = 2000) -> str:
    text = (value or "").strip()
    if len(text) < min_len:
        raise DomainError(f"请填写{field}（至少{min_len}个字）", code="required", field=field)
    if len(text) > max_len:
        raise DomainError(f"{field}不能超过{max_len}字", field=field)
    return text


def _name(actor: User | None) -> str:
    return getattr(actor, "display_name", "") or getattr(actor, "username", "") or "系统"


def _home(person: Person) -> tuple[Household | None, Area]:
    m = Membership.objects.filter(person=person, end_date__isnull=True).select_related("household__area").first()
    return (m.household, m.household.area) if m else (None, person.residence_area)


# --- feeds ---------------------------------------------------------------------------------------------------

def _batch_area(actor: User) -> Area:
    a = actor.area_assignments.select_related("area").order_by("area__path").first()
    if a is None:
        raise DomainError("您的账号没有管辖区域，不能导入部门数据", field="管辖区域")
    return a.area


def _check_rows(actor: User, kind: rules.Kind, rows: Iterable[tuple[int, dict]], today: dt.date
                ) -> tuple[int, list[dict], int]:
    """First pass: every row parsed and its 身份证号 looked up (in chunks, within the importer's areas). Returns
    (rows, the first MAX_ROW_ERRORS errors, the number of bad rows)."""
    errors: list[dict] = []
    bad = total = 0
    pending: list[tuple[int, str]] = []

    def flush() -> None:
        nonlocal bad
        known = set(Person.objects.filter(area_q(actor, "residence_area"), id_number__in=[n for _, n in pending])
                    .values_list("id_number", flat=True))
        for row, number in pending:
            if number not in known:
                bad += 1
                if len(errors) < MAX_ROW_ERRORS:
                    errors.append({"row": row, "field": kind.layout.id_column or "身份证号",
                                   "message": f"身份证号{mask(number)}未在本辖区人员库中登记"})
        pending.clear()

    for row, raw in rows:
        total += 1
        parsed, problems = parse_row(kind.layout, raw, today=today)
        if parsed is None:
            bad += 1
            if len(errors) < MAX_ROW_ERRORS:
                errors += [{"row": row, "field": col, "message": msg} for col, msg in problems[:3]]
            continue
        pending.append((row, parsed.id_number))
        if len(pending) >= _CHUNK:
            flush()
    flush()
    return total, errors, bad


def _event_key(kind: str, id_number: str, on: dt.date, amount: Decimal | None, detail: str) -> str:
    return hashlib.sha256(f"{kind}|{id_number}|{on}|{amount}|{detail}".encode()).hexdigest()


def _write_events(batch: FeedBatch, kind: rules.Kind, rows: Iterator[tuple[int, dict]], today: dt.date) -> None:
    chunk: list[tuple[dict, ParsedRow]] = []

    def flush() -> None:
        ids = dict(Person.objects.filter(id_number__in=[p.id_number for _, p in chunk])
                   .values_list("id_number", "id"))
        Event.objects.bulk_create(
            [Event(batch=batch, kind=kind.code, person_id=ids[p.id_number], event_date=p.event_date or today,
                   amount=p.amount, detail=p.detail,
                   key=_event_key(kind.code, p.id_number, p.event_date or today, p.amount, p.detail))
             for _, p in chunk], ignore_conflicts=True)
        chunk.clear()

    for _row, raw in rows:
        parsed, _ = parse_row(kind.layout, raw, today=today)
        assert parsed is not None  # every row passed the first pass
        chunk.append((raw, parsed))
        if len(chunk) >= _CHUNK:
            flush()
    if chunk:
        flush()


def _feed(*, actor: User, kind_code: str, rows: Callable[[], Iterator[tuple[int, dict]]], original_name: str,
          today: dt.date | None) -> FeedBatch:
    today = _today(today)
    require(actor, Cap.LOWINCOME_FEED)
    kind = rules.get_kind(kind_code)
    area = _batch_area(actor)
    total, errors, bad = _check_rows(actor, kind, rows(), today)
    if bad:
        raise DomainError(f"{kind.name}数据有{bad}行错误，全部未导入，请更正后重新上传", code="feed_rows",
                          field="文件", details=errors)
    if not total:
        raise DomainError("文件没有数据行", code="empty_file", field="文件")
    with transaction.atomic():
        batch = FeedBatch.objects.create(kind=kind.code, original_name=original_name[:255], area=area,
                                         total_rows=total, created_by=actor)
        _write_events(batch, kind, rows(), today)
        batch.new_events = batch.events.count()
        batch.repeated_events = total - batch.new_events
        batch.alerts_raised = alert_run(user=actor, batch_id=batch.pk, on=today)
        batch.save(update_fields=["new_events", "repeated_events", "alerts_raised"])
        audit.record(actor=actor, action="lowincome.feed_import", object_type="lowincome.feed", object_id=batch.pk,
                     object_repr=f"{kind.name} {original_name}"[:200], area_code=area.code,
                     after={"kind": kind.code, "rows": total, "new_events": batch.new_events,
                            "alerts": batch.alerts_raised})
    return batch


def feed_import(*, actor: User, kind: str, path: Path, file_format: str | None = None, original_name: str = "",
                today: dt.date | None = None) -> FeedBatch:
    """Take in a department's .csv/.xlsx file: every row checked first (bad rows and unknown 身份证号 named by row);
    any error and nothing is written. Then the events are stored and the alert run raises alerts for the monitored."""
    name = original_name or Path(path).name
    fmt = (file_format or Path(name).suffix.lower().lstrip(".")).lower()
    if fmt not in ("csv", "xlsx"):
        raise DomainError(f"不支持的文件类型“{fmt or '无扩展名'}”，请上传.xlsx或.csv文件", code="bad_file",
                          field="文件")
    layout = rules.get_kind(kind).layout
    return _feed(actor=actor, kind_code=kind, rows=lambda: read_file(Path(path), fmt, layout), original_name=name,
                 today=today)


def feed_push(*, actor: User, kind: str, records: list, today: dt.date | None = None) -> FeedBatch:
    """The same for a department's API push: a JSON list of objects keyed by the layout's column names."""
    layout = rules.get_kind(kind).layout
    return _feed(actor=actor, kind_code=kind, rows=lambda: read_push(records, layout), original_name="接口推送",
                 today=today)


# --- the lifecycle -------------------------------------------------------------------------------------------

def _lock(alert: Alert) -> Alert:
    return Alert.objects.select_for_update(of=("self",)).select_related("area", "person", "household").get(pk=alert.pk)


def _move(actor: User, alert: Alert, to: str, *, on: dt.date, note: str, action: str, fields: dict) -> Alert:
    before = alert.status
    for k, v in fields.items():
        setattr(alert, k, v)
    alert.status = to
    alert.save(update_fields=["status", *fields])
    AlertStep.objects.create(alert=alert, from_status=before, to_status=to, actor=actor, actor_name=_name(actor),
                             on=on, note=note)
    audit.record(actor=actor, action=action, object_type="lowincome.alert", object_id=alert.pk,
                 object_repr=f"{alert.person.name} {rules.kind_label(alert.kind)}", area_code=alert.area.code,
                 before={"status": before}, after={"status": to, **{k: v for k, v in fields.items()
                                                                   if k not in ("application",)}, "note": note})
    return alert


def _expect(alert: Alert, allowed: Iterable[str], doing: str) -> None:
    if alert.status not in allowed:
        raise Conflict(f"该预警当前为“{alert.get_status_display()}”，不能{doing}", code="wrong_status", field="状态")


def alert_verify(*, actor: User, alert: Alert, finding: str, verified_on: dt.date | None = None) -> Alert:
    """核实: the village visited and writes what it found."""
    ensure_can(actor, alert.area, Cap.LOWINCOME_VERIFY)
    on = _today(verified_on)
    finding = _text(finding, "核实情况", min_len=4)
    with transaction.atomic():
        alert = _lock(alert)
        _expect(alert, (AlertStatus.NEW,), "登记核实")
        if on < alert.raised_on or on > timezone.localdate():
            raise DomainError("核实日期应在预警日期之后且不晚于今天", field="核实日期")
        return _move(actor, alert, AlertStatus.VERIFIED, on=on, note=finding, action="lowincome.alert_verify",
                     fields={"verified_on": on, "finding": finding})


def alert_recognise(*, actor: User, alert: Alert, opinion: str, today: dt.date | None = None) -> Alert:
    """认定: the town confirms the household is in difficulty (otherwise it closes the alert with a reason)."""
    ensure_can(actor, alert.area, Cap.LOWINCOME_DECIDE)
    opinion = _text(opinion, "认定意见")
    with transaction.atomic():
        alert = _lock(alert)
        _expect(alert, (AlertStatus.VERIFIED,), "认定（须先由村居核实）")
        return _move(actor, alert, AlertStatus.RECOGNISED, on=_today(today), note=opinion,
                     action="lowincome.alert_recognise", fields={"in_difficulty": True})


def alert_refer(*, actor: User, alert: Alert, programme: str, variant: str = "", requested_amount: object = None,
                note: str = "", authorisation: File | None = None, today: dt.date | None = None) -> Alert:
    """转介: an application to a programme, pre-filled from the alert (applicant, household, type, what the
    department reported and what the village found), entered through the assistance services. The household's
    signed 授权书 for 核对 may come with it (or be attached to the application later)."""
    ensure_can(actor, alert.area, Cap.LOWINCOME_DECIDE)
    prog = get_programme(programme)
    today = _today(today)
    with transaction.atomic():
        alert = _lock(alert)
        _expect(alert, (AlertStatus.RECOGNISED,), "转介（须先认定存在困难）")
        event = alert.event
        told = f"{rules.kind_label(alert.kind)}：{event.event_date}" + (f"，金额{event.amount}元" if event and
                                                                        event.amount is not None else "") \
            if event else f"主动发现：{alert.description}"
        app_note = f"由低收入人口动态监测预警转介。{told}。村居核实：{alert.finding}" + (f"。{note}" if note else "")
        app = assistance.application_submit(actor=actor, programme=programme, variant=variant,
                                            applicant=alert.person, household=alert.household,
                                            requested_amount=requested_amount, note=app_note[:2000],
                                            authorisation=authorisation, today=today)
        return _move(actor, alert, AlertStatus.REFERRED, on=today, note=f"转介{prog.label}申请{app.number}",
                     action="lowincome.alert_refer", fields={"application": app})


def alert_close(*, actor: User, alert: Alert, reason: str, today: dt.date | None = None) -> Alert:
    """关闭 an open alert; the reason is required (核实 found no difficulty, already assisted, moved away …)."""
    ensure_can(actor, alert.area, Cap.LOWINCOME_DECIDE)
    reason = _text(reason, "关闭原因", min_len=4)
    today = _today(today)
    with transaction.atomic():
        alert = _lock(alert)
        _expect(alert, OPEN, "关闭")
        return _move(actor, alert, AlertStatus.CLOSED, on=today, note=reason, action="lowincome.alert_close",
                     fields={"closed_reason": reason, "closed_on": today,
                             "in_difficulty": alert.in_difficulty if alert.in_difficulty else False})


def discovery_report(*, actor: User, person: Person, description: str, today: dt.date | None = None) -> Alert:
    """主动发现: a 网格员, village worker or 社工 reports a household in difficulty; it enters the same lifecycle."""
    today = _today(today)
    household, area = _home(person)
    ensure_can(actor, area, Cap.LOWINCOME_REPORT)
    if person.death_date:
        raise DomainError(f"{person.name}已登记死亡", field="人员")
    description = _text(description, "困难情况", min_len=4)
    if Alert.objects.filter(person=person, source=Alert.Source.DISCOVERY, status__in=OPEN).exists():
        raise Conflict(f"{person.name}已有未办结的主动发现报告，请在原报告中跟进", code="duplicate", field="人员")
    due = add_workdays(today, rules.param("discovery_verify_workdays", today))
    with transaction.atomic():
        alert = Alert.objects.create(source=Alert.Source.DISCOVERY, kind="discovery",
                                     severity=rules.param_text("discovery_severity", today), person=person,
                                     household=household, area=area, raised_on=today, verify_due=due,
                                     description=description, reported_by=actor)
        AlertStep.objects.create(alert=alert, to_status=AlertStatus.NEW, actor=actor, actor_name=_name(actor),
                                 on=today, note=description)
        audit.record(actor=actor, action="lowincome.discovery_report", object_type="lowincome.alert",
                     object_id=alert.pk, object_repr=person.name, area_code=area.code,
                     after={"person": person.masked_id, "description": description, "verify_due": due})
    return alert


def registration_add(*, actor: User, household: Household, group: str, basis: str,
                     since: dt.date | None = None) -> Registration:
    """认定 a household as 低保边缘 or 支出型困难 so it is monitored."""
    ensure_can(actor, household.area, Cap.LOWINCOME_DECIDE)
    if group not in rules.REGISTRABLE:
        raise DomainError("监测类别应为低保边缘家庭或支出型困难家庭", field="监测类别")
    basis = _text(basis, "认定依据", max_len=200)
    since = _today(since)
    if Registration.objects.filter(household=household, group=group, until__isnull=True).exists():
        raise Conflict(f"家庭{household.number}已认定为{rules.group_label(group)}", field="家庭")
    with transaction.atomic():
        r = Registration.objects.create(household=household, group=group, since=since, basis=basis,
                                        created_by=actor)
        audit.record(actor=actor, action="lowincome.registration_add", object_type="lowincome.registration",
                     object_id=r.pk, object_repr=household.number, area_code=household.area.code,
                     after={"group": group, "since": since, "basis": basis})
    return r


# --- 一门受理、协同办理 ------------------------------------------------------------------------------------------

def referral_create(*, actor: User, person: Person, need: str, request: str,
                    today: dt.date | None = None) -> Referral:
    """The town window takes a request civil affairs does not decide and sends it to the responsible department."""
    today = _today(today)
    household, area = _home(person)
    ensure_can(actor, area, Cap.LOWINCOME_DECIDE)
    spec = rules.needs().get(need or "")
    if spec is None:
        raise DomainError(f"救助事项应为{'、'.join(n.label for n in rules.needs().values())}之一", field="救助事项")
    request = _text(request, "求助事项", min_len=4)
    with transaction.atomic():
        r = Referral.objects.create(number=f"TMP{timezone.now().timestamp()}", need=need, department=spec.department,
                                    person=person, household=household, area=area, request=request, sent_on=today,
                                    accept_due=add_workdays(today, spec.accept_workdays),
                                    outcome_due=add_workdays(today, spec.outcome_workdays), created_by=actor)
        r.number = f"ZB{today:%Y%m%d}{r.pk:06d}"
        r.save(update_fields=["number"])
        audit.record(actor=actor, action="lowincome.referral_create", object_type="lowincome.referral",
                     object_id=r.pk, object_repr=f"{r.number} {person.name}", area_code=area.code,
                     after={"need": need, "department": spec.department, "accept_due": r.accept_due,
                            "outcome_due": r.outcome_due})
    return r


def referral_update(*, actor: User, referral: Referral, action: str, note: str = "",
                    on: dt.date | None = None) -> Referral:
    """What the department answered: accept (受理), done (办结, outcome required) or return (退回, reason required)."""
    ensure_can(actor, referral.area, Cap.LOWINCOME_DECIDE)
    on = _today(on)
    moves = {"accept": ((Referral.Status.SENT,), Referral.Status.ACCEPTED),
             "done": ((Referral.Status.ACCEPTED,), Referral.Status.DONE),
             "return": ((Referral.Status.SENT, Referral.Status.ACCEPTED), Referral.Status.RETURNED)}
    if action not in moves:
        raise DomainError("操作应为受理、办结或退回", field="操作")
    allowed, to = moves[action]
    if action in ("done", "return"):
        note = _text(note, "办理结果" if action == "done" else "退回原因", min_len=2)
    if on < referral.sent_on or on > timezone.localdate():
        raise DomainError("日期应在转办日期之后且不晚于今天", field="日期")
    with transaction.atomic():
        r = Referral.objects.select_for_update().get(pk=referral.pk)
        if r.status not in allowed:
            raise Conflict(f"该转办当前为“{r.get_status_display()}”，不能办理此操作", code="wrong_status", field="状态")
        before = r.status
        r.status = to
        if action == "accept":
            r.accepted_on = on
        else:
            r.done_on, r.outcome = on, note
        r.save()
        audit.record(actor=actor, action=f"lowincome.referral_{action}", object_type="lowincome.referral",
                     object_id=r.pk, object_repr=r.number, area_code=referral.area.code,
                     before={"status": before}, after={"status": to, "on": on, "note": note})
    return r
