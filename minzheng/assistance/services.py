"""The 大救助 application workflow: one function per state change.

申请 → 受理 → 核对 → 入户调查 → 审核 (县级, 抽查 / 近亲属全面审核) → 公示 (异议 → 回到入户调查) → 审批 / 不予批准.

Every function here is keyword-only and atomic; it checks the actor's area and capability (core.scope.ensure_can:
out of area → NotFound, no capability → Forbidden), locks the application row (select_for_update; SQLite runs
IMMEDIATE transactions, so two approvers acting at once serialise and the second sees the new status), checks
the current status (wrong step → Conflict naming the current status), writes, records one ApplicationStep and
one audit entry with before → after.
"""

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from minzheng.accounts.roles import Cap
from minzheng.areas.models import Level
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, Forbidden, NotFound
from minzheng.core.idcard import mask, normalize
from minzheng.core.money import fen
from minzheng.core.periods import month_plus, next_month_start
from minzheng.core.scope import ensure_can
from minzheng.registry.models import Category, Household, Membership, Person, PersonCategory

from . import workdays
from .models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    ApplicationStep,
    Attachment,
    Case,
    Entitlement,
    Investigation,
    Objection,
    PayFirst,
    Publicity,
    RelativeFiling,
    Review,
    VerificationRecord,
)
from .programmes.base import HouseholdFacts, get_programme

S = ApplicationStatus
MAX_UPLOAD = 10 * 1024 * 1024
_SIGNATURES = {"pdf": (b"%PDF",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",)}

# 核对 hook: the verification engine registers a callable(application, record) here; it runs after the
# transaction that starts 核对 commits, and later reports back through application_record_verification.
VERIFICATION_REQUEST_HANDLERS: list[Callable[[Application, VerificationRecord], None]] = []


# --- helpers -------------------------------------------------------------------------------------

def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _label(status: str) -> str:
    return S(status).label


def _expect(app: Application, allowed: Iterable[str], doing: str) -> None:
    allowed = tuple(allowed)
    if app.status not in allowed:
        need = "或".join(f"“{_label(s)}”" for s in allowed)
        raise Conflict(f"申请{app.number}当前状态为“{_label(app.status)}”，不能{doing}（须处于{need}环节）",
                       code="wrong_step", field="状态")


def _lock(app: Application) -> Application:
    """Re-read the row under a lock; any check of its status must use the returned copy."""
    locked = Application.objects.select_for_update().filter(pk=app.pk).first()
    if locked is None:
        raise NotFound("救助申请不存在")
    return locked


def _due(app: Application, step: str, start: dt.date) -> dt.date | None:
    n = workdays.step_days(step, programme=app.programme, area=app.area)
    return workdays.add_workdays(start, n) if n is not None else None


def _actor_name(actor) -> str:
    return (getattr(actor, "display_name", "") or getattr(actor, "username", "")) if actor else "公众"


def _move(actor, app: Application, to: str, *, action: str, today: dt.date, step: str | None = None,
          due: dt.date | None = None, note: str = "", extra: dict | None = None) -> Application:
    """Change the status, set the new time limit, and write the step row and the audit entry."""
    before = {"status": app.status, "step_due": app.step_due}
    app.status = to
    app.step_started_at = timezone.now()
    app.step_due = due if due is not None else (_due(app, step or to, today) if to in OPEN_STATUSES else None)
    app.save(update_fields=["status", "step_started_at", "step_due", "decision_reason"])
    ApplicationStep.objects.create(application=app, from_status=before["status"], to_status=to,
                                   actor=actor if getattr(actor, "pk", None) else None,
                                   actor_name=_actor_name(actor), at=app.step_started_at, due=app.step_due, note=note)
    audit.record(actor=actor, action=action, object_type="application", object_id=app.pk, object_repr=app.number,
                 area_code=app.area.code, before=before,
                 after={"status": to, "step_due": app.step_due, **({"note": note} if note else {}), **(extra or {})})
    return app


def _text(value: str, field: str, *, min_len: int = 1) -> str:
    value = (value or "").strip()
    if len(value) < min_len:
        raise DomainError(f"{field}不能为空" if min_len == 1 else f"{field}至少需要{min_len}个字", code="required",
                          field=field)
    return value


def _amount(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(f"{field}“{value}”不是有效的金额", field=field) from None
    if not amount.is_finite():
        raise DomainError(f"{field}“{value}”不是有效的金额", field=field)
    if amount < 0:
        raise DomainError(f"{field}不能为负数", field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(f"{field}最多保留两位小数（分）", field=field)
    return amount


def _read_upload(upload, field: str, *, allowed: tuple[str, ...]) -> tuple[str, bytes]:
    """Validate an uploaded file (size, extension and the bytes it starts with); returns (name, content)."""
    name = getattr(upload, "name", "") or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kinds = "、".join(sorted({e.upper() if e != "jpeg" else "JPG" for e in allowed}))
    if ext not in allowed:
        raise DomainError(f"{field}“{name}”应为{kinds}文件", code="bad_file", field=field)
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD:
        raise DomainError(f"{field}“{name}”超过10MB", code="bad_file", field=field)
    upload.seek(0)
    data = upload.read()
    if not data:
        raise DomainError(f"{field}“{name}”是空文件", code="bad_file", field=field)
    if len(data) > MAX_UPLOAD:
        raise DomainError(f"{field}“{name}”超过10MB", code="bad_file", field=field)
    if not data.startswith(_SIGNATURES[ext]):
        raise DomainError(f"{field}“{name}”的内容不是有效的{ext.upper()}文件（文件可能已损坏或扩展名不符）",
                          code="bad_file", field=field)
    return name, data


def _store(app: Application, *, kind: str, name: str, data: bytes, actor, investigation=None,
           saved: list) -> Attachment:
    ext = name.rsplit(".", 1)[-1].lower()
    att = Attachment(application=app, investigation=investigation, kind=kind, original_name=name[:255],
                     content_type={"pdf": "application/pdf", "png": "image/png"}.get(ext, "image/jpeg"),
                     size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                     uploaded_by=actor if getattr(actor, "pk", None) else None, uploaded_at=timezone.now())
    att.file.save(f"{app.number}-{kind}.{ext}", ContentFile(data), save=False)
    saved.append(att.file.name)
    att.save()
    return att


def _discard_files(storage, names: list[str]) -> None:
    for n in names:
        storage.delete(n)


def _household_person_ids(app_or_household) -> list[int]:
    h = app_or_household if isinstance(app_or_household, Household) else app_or_household.household
    if h is None:
        return [app_or_household.applicant_id]
    return list(Membership.objects.filter(household=h, end_date__isnull=True).values_list("person_id", flat=True))


def _has_relative_filing(person_ids: list[int], on: dt.date) -> bool:
    return RelativeFiling.objects.filter(person_id__in=person_ids).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on)).exists()


def mask_name(name: str) -> str:
    """张*明 / 李* / 欧**明: keep the first and (for three or more characters) the last character."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# --- 申请 ----------------------------------------------------------------------------------------

def application_submit(*, actor, programme: str, applicant: Person | None = None, id_number: str = "",
                       household: Household | None = None, variant: str = "", requested_amount=None,
                       related_to_staff: bool = False, authorisation=None, note: str = "",
                       today: dt.date | None = None) -> Application:
    """申请. Staff (村居/镇街/县区) enter it for a resident in their area; a resident applies online with
    一证一书: their 身份证号 and the signed 授权书 (PDF/JPG/PNG) — both required."""
    today = _today(today)
    prog = get_programme(programme)
    if actor.can(Cap.ASSIST_APPLY):
        channel = Application.Channel.STAFF
        if applicant is None:
            raise DomainError("请选择申请人", code="required", field="申请人")
    elif actor.can(Cap.ASSIST_APPLY_ONLINE):
        channel = Application.Channel.ONLINE
        number = normalize(id_number)
        if not number:
            raise DomainError("网上申请须填写申请人身份证号（一证一书）", code="required", field="身份证号")
        if authorisation is None:
            raise DomainError("网上申请须上传申请人签字的家庭经济状况核对授权书（一证一书）", code="required",
                              field="授权书")
        applicant = Person.objects.filter(id_number=number).select_related("residence_area").first()
        if applicant is None:
            raise DomainError(f"身份证号{mask(number)}尚未在户籍人口库中登记，请到村（居）委会或镇街办理",
                              code="unknown_person", field="身份证号")
    else:
        raise Forbidden("您的角色无权提交救助申请")
    if applicant.death_date:
        raise DomainError(f"{applicant.name}已登记死亡，不能作为申请人", field="申请人")
    if household is None:
        m = Membership.objects.filter(person=applicant, end_date__isnull=True).select_related("household").first()
        household = m.household if m else None
    elif not Membership.objects.filter(person=applicant, household=household, end_date__isnull=True).exists():
        raise DomainError(f"{applicant.name}不是家庭{household.number}的现有成员", field="申请家庭")
    if prog.per_household and household is None:
        raise DomainError(f"{prog.label}以家庭为单位申请，{applicant.name}尚未登记共同生活家庭", field="申请家庭")
    area = household.area if household else applicant.residence_area
    if channel == Application.Channel.STAFF:
        ensure_can(actor, area, Cap.ASSIST_APPLY)
    amount = _amount(requested_amount, "申请金额") if requested_amount not in (None, "") else None
    auth = _read_upload(authorisation, "授权书", allowed=("pdf", "jpg", "jpeg", "png")) if authorisation else None

    open_q = Application.objects.filter(programme=programme, status__in=OPEN_STATUSES)
    open_q = open_q.filter(household=household) if household else open_q.filter(applicant=applicant)
    if (existing := open_q.first()) is not None:
        raise Conflict(f"该家庭已有未办结的{prog.label}申请（编号{existing.number}，{_label(existing.status)}），"
                       f"不能重复申请", code="duplicate_application", field="申请家庭")
    related = related_to_staff or _has_relative_filing(
        _household_person_ids(household) if household else [applicant.pk], today)
    saved: list[str] = []
    from django.core.files.storage import default_storage
    try:
        with transaction.atomic():
            app = Application.objects.create(
                number=f"TMP-{hashlib.sha256(f'{applicant.pk}{timezone.now()}'.encode()).hexdigest()[:20]}",
                programme=programme, variant=variant, household=household, applicant=applicant, area=area,
                channel=channel, status=S.SUBMITTED, step_started_at=timezone.now(), related_to_staff=related,
                requested_amount=amount, created_by=actor)
            app.number = f"SQ{today:%Y%m%d}{app.pk:06d}"
            app.step_due = _due(app, S.SUBMITTED, today)
            app.save(update_fields=["number", "step_due"])
            if auth:
                _store(app, kind=Attachment.Kind.AUTHORISATION, name=auth[0], data=auth[1], actor=actor, saved=saved)
            ApplicationStep.objects.create(application=app, to_status=S.SUBMITTED, actor=actor,
                                           actor_name=_actor_name(actor), at=app.step_started_at, due=app.step_due,
                                           note=note)
            audit.record(actor=actor, action="application.submit", object_type="application", object_id=app.pk,
                         object_repr=app.number, area_code=area.code, before=None,
                         after={"status": S.SUBMITTED, "programme": programme, "variant": variant,
                                "channel": channel, "applicant": applicant.masked_id,
                                "household": household.number if household else None,
                                "related_to_staff": related, "step_due": app.step_due,
                                "authorisation": bool(auth)})
    except IntegrityError:
        _discard_files(default_storage, saved)
        if open_q.exists():
            raise Conflict(f"该家庭已有未办结的{prog.label}申请，不能重复申请", code="duplicate_application",
                           field="申请家庭") from None
        raise
    except Exception:
        _discard_files(default_storage, saved)
        raise
    return app


def application_attach(*, actor, application: Application, kind: str, upload) -> Attachment:
    """Add a document (授权书, 身份证, other) to an open application."""
    ensure_can(actor, application.area, Cap.ASSIST_APPLY)
    if kind not in (Attachment.Kind.AUTHORISATION, Attachment.Kind.ID_CARD, Attachment.Kind.OTHER):
        raise DomainError(f"材料类别“{kind}”无效", field="材料类别")
    label = Attachment.Kind(kind).label
    name, data = _read_upload(upload, label, allowed=("pdf", "jpg", "jpeg", "png"))
    from django.core.files.storage import default_storage
    saved: list[str] = []
    try:
        with transaction.atomic():
            app = _lock(application)
            _expect(app, OPEN_STATUSES, "补充材料")
            att = _store(app, kind=kind, name=name, data=data, actor=actor, saved=saved)
            audit.record(actor=actor, action="application.attach", object_type="application", object_id=app.pk,
                         object_repr=app.number, area_code=app.area.code,
                         after={"attachment": att.pk, "kind": kind, "name": name, "sha256": att.sha256})
    except Exception:
        _discard_files(default_storage, saved)
        raise
    return att


# --- 受理 and 核对 ---------------------------------------------------------------------------------

def application_accept(*, actor, application: Application, note: str = "", today: dt.date | None = None
                       ) -> Application:
    """受理 by the town (镇街)."""
    ensure_can(actor, application.area, Cap.ASSIST_ACCEPT)
    with transaction.atomic():
        app = _lock(application)
        _expect(app, [S.SUBMITTED], "受理")
        return _move(actor, app, S.ACCEPTED, action="application.accept", today=_today(today), note=note)


NO_DEPARTMENT_RECORDS = "核对未找到该户成员的部门数据记录（公安、人社、不动产、银行等），请依据人工核对情况录入核对结果"


def _department_data_exists(household: Household, on: dt.date) -> bool:
    """Whether any member of the household has a department record in force on the date."""
    from minzheng.verification import selectors as verification_selectors

    members = [m["person_id"] for m in verification_selectors.members_on([household.pk], on)]
    return bool(members) and bool(list(verification_selectors.records_in_force(members, on=on)[:1]))


def _run_verification(actor, app: Application, record: VerificationRecord, today: dt.date) -> VerificationRecord:
    """核对 by the engine, inside the transaction that starts it: when the household's members have department
    data, verification_run stores the 核对报告 and its figures and conclusion become this application's result
    (the file goes on to 入户调查); otherwise the record stays pending, saying why, for the manual entry."""
    from minzheng.verification.models import Conclusion
    from minzheng.verification.services import verification_run

    reason = ""
    if app.household_id is None:
        reason = "申请人未登记共同生活家庭，不能自动核对；请依据人工核对情况录入核对结果"
    elif not _department_data_exists(app.household, today):
        reason = NO_DEPARTMENT_RECORDS
    else:
        try:
            with transaction.atomic():  # a savepoint: a failed run leaves the started 核对 in place
                report = verification_run(actor=actor, household=app.household, on=today, application=app)
        except (NotFound, Forbidden):
            raise
        except DomainError as e:
            reason = f"自动核对未能完成：{e.message}；请依据人工核对情况录入核对结果"
        else:
            outcome = (VerificationRecord.Outcome.PASS if report.conclusion == Conclusion.MEETS
                       else VerificationRecord.Outcome.FAIL)
            return _record(actor, app, record, outcome=outcome,
                           summary=f"核对报告{report.number}：{report.conclusion_text}",
                           income=report.per_capita_income, assets=report.money_assets, report_ref=report.number,
                           today=today, action="application.verification_report")
    record.summary = reason
    record.save(update_fields=["summary"])
    return record


def application_start_verification(*, actor, application: Application, today: dt.date | None = None
                                   ) -> VerificationRecord:
    """发起家庭经济状况核对; needs the signed 授权书. Runs 核对 at once when the household has department data
    (the result is recorded and the file goes on to 入户调查); otherwise the record waits for the result to be
    entered from a manual 核对 (application_record_verification). Handlers registered in
    VERIFICATION_REQUEST_HANDLERS still get the request after commit."""
    today = _today(today)
    ensure_can(actor, application.area, Cap.ASSIST_ACCEPT)
    with transaction.atomic():
        app = _lock(application)
        _expect(app, [S.ACCEPTED], "发起经济状况核对")
        if not app.attachments.filter(kind=Attachment.Kind.AUTHORISATION).exists():
            raise Conflict("尚未上传申请家庭签字的家庭经济状况核对授权书，不能发起核对", code="missing_authorisation",
                           field="授权书")
        record = VerificationRecord.objects.create(application=app, requested_by=actor, requested_at=timezone.now())
        _move(actor, app, S.VERIFYING, action="application.start_verification", today=today,
              extra={"verification": record.pk})
        record = _run_verification(actor, app, record, today)
        for handler in VERIFICATION_REQUEST_HANDLERS:
            transaction.on_commit(lambda h=handler: h(app, record))
    return record


def _record(actor, app: Application, record: VerificationRecord, *, outcome: str, summary: str, income, assets,
            report_ref: str, today: dt.date, action: str = "application.record_verification") -> VerificationRecord:
    record.outcome, record.summary, record.per_capita_income, record.assets = outcome, summary, income, assets
    record.report_ref, record.recorded_by, record.recorded_at = report_ref.strip(), actor, timezone.now()
    record.save()
    _move(actor, app, S.INVESTIGATING, action=action, today=today, step="investigating", note=summary,
          extra={"verification": record.pk, "outcome": outcome, "per_capita_income": income, "assets": assets,
                 **({"report": record.report_ref} if record.report_ref else {})})
    return record


def application_record_verification(*, actor, application: Application, outcome: str, summary: str,
                                    per_capita_income=None, assets=None, report_ref: str = "",
                                    today: dt.date | None = None) -> VerificationRecord:
    """The 核对 result comes back (from the engine or entered from its report); the file goes on to 入户调查
    whatever the outcome — the county refuses at 审核 where the result says so."""
    ensure_can(actor, application.area, Cap.ASSIST_ACCEPT)
    if outcome not in (VerificationRecord.Outcome.PASS, VerificationRecord.Outcome.FAIL,
                       VerificationRecord.Outcome.REVIEW):
        raise DomainError(f"核对结论“{outcome}”无效，应为pass、fail或review", field="核对结论")
    summary = _text(summary, "核对结果摘要")
    income = _amount(per_capita_income, "家庭月人均收入") if per_capita_income not in (None, "") else None
    assets_v = _amount(assets, "家庭财产") if assets not in (None, "") else None
    with transaction.atomic():
        app = _lock(application)
        _expect(app, [S.VERIFYING], "录入核对结果")
        record = app.verifications.filter(outcome=VerificationRecord.Outcome.PENDING).order_by("-id").first()
        if record is None:
            record = VerificationRecord(application=app, requested_by=actor, requested_at=timezone.now())
        return _record(actor, app, record, outcome=outcome, summary=summary, income=income, assets=assets_v,
                       report_ref=report_ref, today=_today(today))


# --- 入户调查 and 审核 -----------------------------------------------------------------------------

_NAME_SPLIT = re.compile(r"[、,，;；/\s]+")


def investigation_record(*, actor, application: Application, visit_date: dt.date, visitors: str, findings: str,
                         conclusion: str, photos: Iterable = (), today: dt.date | None = None) -> Investigation:
    """Record a home visit. During 入户调查 the town records it (after an objection it is a 复查); during 审核
    the county records its own re-visit (抽查 or the full review of a 近亲属备案 household)."""
    today = _today(today)
    names = [n for n in _NAME_SPLIT.split(visitors or "") if n]
    if len(names) < 2:
        raise DomainError("入户调查应由至少两名工作人员进行，请填写全部调查人员姓名（用顿号分隔）",
                          field="调查人员")
    findings = _text(findings, "调查情况", min_len=10)
    if conclusion not in Investigation.Conclusion.values:
        raise DomainError(f"调查结论“{conclusion}”无效", field="调查结论")
    if not isinstance(visit_date, dt.date):
        raise DomainError("入户日期格式应为YYYY-MM-DD", field="入户日期")
    if visit_date > today:
        raise DomainError(f"入户日期{visit_date.isoformat()}晚于今天", field="入户日期")
    if visit_date < timezone.localtime(application.created_at).date():
        raise DomainError(f"入户日期{visit_date.isoformat()}早于申请日期", field="入户日期")
    county_revisit = application.status == S.REVIEWING
    ensure_can(actor, application.area, Cap.ASSIST_REVIEW if county_revisit else Cap.ASSIST_ACCEPT)
    files = [_read_upload(p, f"照片{i}", allowed=("jpg", "jpeg", "png")) for i, p in enumerate(photos, start=1)]
    from django.core.files.storage import default_storage
    saved: list[str] = []
    try:
        with transaction.atomic():
            app = _lock(application)
            _expect(app, [S.INVESTIGATING, S.REVIEWING], "录入入户调查")
            if app.status == S.REVIEWING:
                kind = Investigation.Kind.REVISIT
            elif app.objections.filter(filed_at__gte=app.step_started_at).exists():
                kind = Investigation.Kind.OBJECTION
            else:
                kind = Investigation.Kind.INITIAL
            inv = Investigation.objects.create(application=app, kind=kind, visit_date=visit_date,
                                               visitors="、".join(names), findings=findings, conclusion=conclusion,
                                               recorded_by=actor, recorded_at=timezone.now())
            for name, data in files:
                _store(app, kind=Attachment.Kind.PHOTO, name=name, data=data, actor=actor, investigation=inv,
                       saved=saved)
            audit.record(actor=actor, action="application.investigation", object_type="application",
                         object_id=app.pk, object_repr=app.number, area_code=app.area.code,
                         after={"investigation": inv.pk, "kind": kind, "visit_date": visit_date,
                                "visitors": inv.visitors, "conclusion": conclusion, "photos": len(files)})
    except Exception:
        _discard_files(default_storage, saved)
        raise
    return inv


def _county_of(area):
    return next((a for a in area.ancestors() if a.level == Level.COUNTY), area)


def _draw_sample(app: Application, ratio: Decimal) -> bool:
    """Systematic sampling per county: the n-th application sent for review (n = 0, 1, …) is drawn when
    floor((n + 1) × ratio) > floor(n × ratio), so every run of reviews in a county meets the share exactly
    (30 % → the 4th, 7th, 10th …) and anyone can re-derive the draw from the audit trail."""
    county = _county_of(app.area)
    n = Review.objects.filter(application__area__path__startswith=county.path).count()
    return int((n + 1) * ratio) > int(n * ratio)


def application_submit_review(*, actor, application: Application, opinion: str, today: dt.date | None = None
                              ) -> Review:
    """镇街初审 done: the file goes to the county for 审核. Needs a home visit recorded in this round."""
    today = _today(today)
    ensure_can(actor, application.area, Cap.ASSIST_ACCEPT)
    opinion = _text(opinion, "初审意见")
    with transaction.atomic():
        app = _lock(application)
        _expect(app, [S.INVESTIGATING], "提交县级审核")
        if not app.investigations.filter(recorded_at__gte=app.step_started_at).exists():
            raise Conflict("本轮尚未录入入户调查记录，不能提交审核", code="missing_investigation", field="入户调查")
        related = app.related_to_staff or _has_relative_filing(_household_person_ids(app), today)
        ratio = workdays.workflow_param("spot_check_ratio", programme=app.programme, area=app.area).value
        review = Review.objects.create(application=app, started_at=timezone.now(), town_opinion=opinion,
                                       sampled=(not related) and _draw_sample(app, ratio),
                                       full_review_required=related, sample_ratio=ratio)
        if related and not app.related_to_staff:
            app.related_to_staff = True
            app.save(update_fields=["related_to_staff"])
        _move(actor, app, S.REVIEWING, action="application.submit_review", today=today, note=opinion,
              extra={"review": review.pk, "sampled": review.sampled, "full_review_required": related})
    return review


def application_review(*, actor, application: Application, opinion: str, full_review: bool = False,
                       today: dt.date | None = None) -> Publicity:
    """县级审核 passes: the household goes on 公示. A household drawn for 抽查, and every 近亲属备案 household,
    must have a county re-visit recorded first; the latter also needs the reviewer to confirm a full review."""
    today = _today(today)
    ensure_can(actor, application.area, Cap.ASSIST_REVIEW)
    opinion = _text(opinion, "审核意见")
    with transaction.atomic():
        app = _lock(application)
        _expect(app, [S.REVIEWING], "审核")
        review = app.reviews.order_by("-started_at", "-id").first()
        revisited = app.investigations.filter(kind=Investigation.Kind.REVISIT,
                                              recorded_at__gte=review.started_at).exists()
        if review.full_review_required:
            if not full_review:
                raise Conflict("申请人家庭成员与经办人员有近亲属关系（已备案），须全面审核，不能跳过；"
                               "请逐项审查全部材料后确认“已全面审核”", code="full_review_required", field="全面审核")
            if not revisited:
                raise Conflict("近亲属备案家庭须由县级民政部门入户复查，请先录入县级入户复查记录",
                               code="revisit_required", field="入户调查")
        elif review.sampled and not revisited:
            raise Conflict(f"该户被抽中县级入户抽查（抽查比例{review.sample_ratio:.0%}），请先录入县级入户抽查记录",
                           code="revisit_required", field="入户调查")
        review.decided_by, review.decided_at, review.opinion = actor, timezone.now(), opinion
        review.save(update_fields=["decided_by", "decided_at", "opinion"])
        days = int(workdays.workflow_param("publicity_days", programme=app.programme, area=app.area).value)
        applicant = app.applicant
        size = len(_household_person_ids(app)) if app.household_id else 1
        publicity = Publicity.objects.create(
            application=app, area=app.area, programme_label=get_programme(app.programme).label,
            masked_name=mask_name(applicant.name), masked_id=mask(applicant.id_number), household_size=size,
            start_date=today, end_date=today + dt.timedelta(days=days - 1))
        _move(actor, app, S.PUBLICIZING, action="application.review", today=today, due=publicity.end_date,
              note=opinion, extra={"publicity": publicity.pk, "publicity_end": publicity.end_date,
                                   "full_review": full_review})
    return publicity


# --- 公示 ------------------------------------------------------------------------------------------

def objection_file(*, actor, publicity: Publicity, reason: str, objector_name: str = "", contact: str = "",
                   today: dt.date | None = None) -> Objection:
    """An objection to a household on 公示. Staff record it (actor = a user with the capability) or a member
    of the public files it from the notice (actor=None). Each objection sends the application back to
    入户调查 for a 复查; further objections in the same round are kept with it."""
    today = _today(today)
    application = publicity.application
    if actor is not None:
        ensure_can(actor, application.area, Cap.ASSIST_OBJECTION)
    reason = _text(reason, "异议内容", min_len=5)
    with transaction.atomic():
        app = _lock(application)
        pub = Publicity.objects.select_for_update().get(pk=publicity.pk)
        if pub.status == Publicity.Status.COMPLETED or today > pub.end_date:
            raise Conflict(f"该公示已于{pub.end_date.isoformat()}结束，不再受理异议", code="publicity_closed")
        if today < pub.start_date:
            raise Conflict("该公示尚未开始", code="publicity_not_started")
        if pub.status == Publicity.Status.INTERRUPTED and actor is None:
            # the notice was taken down when the first objection came in; staff may still record others
            raise NotFound("该公示已撤下")
        obj = Objection.objects.create(publicity=pub, application=app, objector_name=objector_name.strip()[:64],
                                       contact=contact.strip()[:64], reason=reason, filed_at=timezone.now(),
                                       recorded_by=actor)
        if pub.status == Publicity.Status.OPEN:
            pub.status, pub.closed_at = Publicity.Status.INTERRUPTED, timezone.now()
            pub.save(update_fields=["status", "closed_at"])
            _move(actor, app, S.INVESTIGATING, action="application.objection", today=today, step="reinvestigating",
                  note=f"公示异议：{reason}", extra={"objection": obj.pk, "publicity": pub.pk})
        else:
            audit.record(actor=actor, action="application.objection", object_type="application", object_id=app.pk,
                         object_repr=app.number, area_code=app.area.code,
                         after={"objection": obj.pk, "publicity": pub.pk, "status": app.status})
    return obj


def application_close_publicity(*, actor, application: Application, today: dt.date | None = None
                                ) -> Application:
    """公示期满无异议: on to 审批 (the day after the last day of 公示 at the earliest)."""
    today = _today(today)
    ensure_can(actor, application.area, Cap.ASSIST_REVIEW)
    with transaction.atomic():
        app = _lock(application)
        _expect(app, [S.PUBLICIZING], "结束公示")
        pub = app.publicities.select_for_update().filter(status=Publicity.Status.OPEN).order_by("-id").first()
        if today <= pub.end_date:
            raise Conflict(f"公示期至{pub.end_date.isoformat()}结束，期满后方可提交审批", code="publicity_running")
        pub.status, pub.closed_at = Publicity.Status.COMPLETED, timezone.now()
        pub.save(update_fields=["status", "closed_at"])
        return _move(actor, app, S.APPROVING, action="application.close_publicity", today=today,
                     extra={"publicity": pub.pk})


# --- 审批 ------------------------------------------------------------------------------------------

def application_approve(*, actor, application: Application, facts: HouseholdFacts, opinion: str = "",
                        today: dt.date | None = None) -> Case:
    """审批: enrol the household. The programme assesses `facts` (assistance.facts.build_facts: the registry plus
    the incomes and assets found by 核对 and 入户调查) on the first month of payment — the month after approval —
    and every amount is stored with its rule version and explanation. A programme that pays no cash (低收入家庭认定)
    enrols the household with no amounts; the programme's reasons, citing its basis, stay on the audit entry."""
    today = _today(today)
    ensure_can(actor, application.area, Cap.ASSIST_APPROVE)
    with transaction.atomic():
        app = _lock(application)
        _expect(app, [S.APPROVING], "审批")
        start = next_month_start(today)
        if app.applicant_id not in {m.person_id for m in facts.members}:
            raise DomainError("测算所用家庭成员中没有申请人，请按申请家庭重新测算", field="家庭成员")
        facts = dataclasses.replace(facts, on=start)
        decision = get_programme(app.programme).assess(facts)
        prog = get_programme(app.programme)
        if not decision.eligible:
            raise Conflict(f"经测算不符合{prog.label}条件：{'；'.join(decision.reasons)}。"
                           "如不予批准，请写明理由办理不予批准", code="not_eligible")
        if not decision.amounts and prog.pays_cash:
            raise Conflict("测算结果没有救助金额，不能批准", code="no_amount")
        head = app.household.head if app.household_id and app.household.head_id else app.applicant
        recheck = None if prog.one_off else prog.recheck_months(facts)
        case = Case.objects.create(
            programme=app.programme, household=app.household, head=head, area=app.area, application=app,
            start_month=start, end_month=start if prog.one_off else None,
            urban_rural=facts.urban_rural,
            next_recheck=month_plus(start, recheck) if recheck else None)
        Entitlement.objects.bulk_create([
            Entitlement(case=case, person_id=a.person_id, component=a.component, monthly_amount=fen(a.monthly_amount),
                        from_month=start, to_month=month_plus(start, 1) if prog.one_off else None,
                        rule_version=a.rule_version[:200], explanation=a.explanation)
            for a in decision.amounts])
        enrolled = _mark_category(app.programme, start, app.number, prog.per_household,
                                  [m.person_id for m in facts.living], [a.person_id for a in decision.amounts])
        app.decision_reason = opinion.strip() or "；".join(decision.reasons)
        _move(actor, app, S.APPROVED, action="application.approve", today=today, note=app.decision_reason,
              extra={"case": case.pk, "start_month": start, "monthly_total": fen(decision.total),
                     "categories": enrolled,
                     "reasons": list(decision.reasons),
                     "amounts": [{"person": a.person_id, "component": a.component, "amount": fen(a.monthly_amount),
                                  "rule_version": a.rule_version} for a in decision.amounts]})
    return case


def _mark_category(programme: str, start: dt.date, number: str, per_household: bool, living, paid) -> list[int]:
    """Enrolment shows in the registry: the household's living members (or the persons paid, for a person
    programme) hold the programme's category from the first month, unless they already do. Programmes without a
    registry category (临时救助, 两项补贴) change nothing."""
    if programme not in Category.values:
        return []
    ids = set(living if per_household else paid)
    holding = set(PersonCategory.objects.filter(person_id__in=ids, category=programme, valid_to__isnull=True)
                  .values_list("person_id", flat=True))
    PersonCategory.objects.bulk_create([
        PersonCategory(person_id=pid, category=programme, valid_from=start, note=f"救助申请{number}审批纳入")
        for pid in sorted(ids - holding)])
    return sorted(ids - holding)


def application_refuse(*, actor, application: Application, reason: str, today: dt.date | None = None
                       ) -> Application:
    """不予批准 with a written reason (at 审核 or 审批); the notice letter is letters.refusal_letter_pdf."""
    ensure_can(actor, application.area, Cap.ASSIST_APPROVE)
    reason = _text(reason, "不予批准理由", min_len=5)
    with transaction.atomic():
        app = _lock(application)
        _expect(app, [S.REVIEWING, S.APPROVING], "作出不予批准决定")
        app.decision_reason = reason
        return _move(actor, app, S.REFUSED, action="application.refuse", today=_today(today), note=reason)


# --- 先救助后说明 (急难型临时救助) -------------------------------------------------------------------

def application_pay_first(*, actor, application: Application, amount, reason: str, today: dt.date | None = None
                          ) -> PayFirst:
    """Pay a small 急难型 amount at once (capped by data/policy/workflow.csv); the application is flagged until
    its file is completed (application_complete_file)."""
    today = _today(today)
    ensure_can(actor, application.area, Cap.ASSIST_ACCEPT)
    cap = workdays.workflow_param("pay_first_cap", programme=application.programme, area=application.area,
                                  required=False)
    if cap is None or application.variant != "emergency":
        raise Conflict("只有急难型临时救助可以先救助后说明", code="pay_first_not_allowed", field="救助类型")
    amount = _amount(amount, "先行救助金额")
    if amount <= 0:
        raise DomainError("先行救助金额应大于0", field="先行救助金额")
    if amount > cap.value:
        raise DomainError(f"先行救助金额{amount}元超过上限{cap.value.normalize():f}元（{cap.explanation}）",
                          field="先行救助金额")
    reason = _text(reason, "急难情形", min_len=4)
    with transaction.atomic():
        app = _lock(application)
        _expect(app, OPEN_STATUSES, "先行救助")
        if app.paid_first:
            raise Conflict(f"申请{app.number}已先行救助，不能重复发放", code="already_paid_first")
        days = workdays.step_days("complete_file", programme=app.programme, area=app.area) or 10
        pf = PayFirst.objects.create(application=app, amount=amount, reason=reason, paid_on=today, paid_by=actor,
                                     complete_by=workdays.add_workdays(today, days))
        app.paid_first = True
        app.save(update_fields=["paid_first"])
        audit.record(actor=actor, action="application.pay_first", object_type="application", object_id=app.pk,
                     object_repr=app.number, area_code=app.area.code, before={"paid_first": False},
                     after={"paid_first": True, "amount": amount, "complete_by": pf.complete_by, "reason": reason})
    return pf


def application_complete_file(*, actor, application: Application, note: str = "") -> Application:
    """补齐手续 after 先救助后说明: needs the signed 授权书 on file; clears the flag."""
    ensure_can(actor, application.area, Cap.ASSIST_ACCEPT)
    with transaction.atomic():
        app = _lock(application)
        if not app.paid_first:
            raise Conflict(f"申请{app.number}没有先行救助，无需补齐手续", code="not_paid_first")
        if app.file_completed_at is not None:
            raise Conflict(f"申请{app.number}已于{timezone.localtime(app.file_completed_at):%Y-%m-%d}补齐手续",
                           code="already_completed")
        if not app.attachments.filter(kind=Attachment.Kind.AUTHORISATION).exists():
            raise Conflict("尚未上传申请家庭签字的授权书，手续未补齐", code="missing_authorisation", field="授权书")
        app.file_completed_at = timezone.now()
        app.save(update_fields=["file_completed_at"])
        audit.record(actor=actor, action="application.complete_file", object_type="application", object_id=app.pk,
                     object_repr=app.number, area_code=app.area.code, before={"file_completed_at": None},
                     after={"file_completed_at": app.file_completed_at, **({"note": note} if note else {})})
    return app


# --- 近亲属备案 -------------------------------------------------------------------------------------

def relative_filing_create(*, actor, person: Person, staff_name: str, staff_position: str, relation: str,
                           area) -> RelativeFiling:
    """Record that `person` is a close relative of a staff member or village cadre; that person's open and future
    applications are flagged for a full review."""
    ensure_can(actor, area, Cap.ASSIST_RELATIVE_FILING)
    staff_name = _text(staff_name, "工作人员姓名")
    staff_position = _text(staff_position, "工作单位及职务")
    relation = _text(relation, "关系")
    with transaction.atomic():
        rf = RelativeFiling.objects.create(person=person, staff_name=staff_name, staff_position=staff_position,
                                           relation=relation, area=area, filed_by=actor, filed_at=timezone.now())
        household_ids = Membership.objects.filter(person=person, end_date__isnull=True).values("household_id")
        flagged = list(Application.objects.select_for_update()
                       .filter(status__in=OPEN_STATUSES, related_to_staff=False)
                       .filter(Q(applicant=person) | Q(household_id__in=household_ids)).values_list("pk", flat=True))
        Application.objects.filter(pk__in=flagged).update(related_to_staff=True)
        audit.record(actor=actor, action="assistance.relative_filing", object_type="relative_filing",
                     object_id=rf.pk, object_repr=f"{person.name}（{staff_name}之{relation}）", area_code=area.code,
                     after={"person": person.masked_id, "staff_name": staff_name, "staff_position": staff_position,
                            "relation": relation, "flagged_applications": flagged})
    return rf
