"""受理 and 核对: the town accepts the application and the household's finances are verified."""

import datetime as dt
import functools
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core.errors import Conflict, DomainError, Forbidden, NotFound
from minzheng.core.scope import ensure_can
from minzheng.registry.models import Household
from minzheng.verification import selectors as verification_selectors
from minzheng.verification.models import Conclusion
from minzheng.verification.services import verification_run

from ..models import (
    Application,
    Attachment,
    VerificationRecord,
)
from .base import VERIFICATION_REQUEST_HANDLERS, S, _amount, _expect, _lock, _move, _text, _today

# --- 受理 and 核对 ---------------------------------------------------------------------------------

def application_accept(*, actor: User, application: Application, note: str = "", today: dt.date | None = None
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

    members = [m["person_id"] for m in verification_selectors.members_on([household.pk], on)]
    return bool(members) and bool(list(verification_selectors.records_in_force(members, on=on)[:1]))


def _run_verification(actor: User, app: Application, record: VerificationRecord, today: dt.date) -> VerificationRecord:
    """核对 by the engine, inside the transaction that starts it: when the household's members have department
    data, verification_run stores the 核对报告 and its figures and conclusion become this application's result
    (the file goes on to 入户调查); otherwise the record stays pending, saying why, for the manual entry."""

    reason = ""
    household = app.household
    if household is None:
        reason = "申请人未登记共同生活家庭，不能自动核对；请依据人工核对情况录入核对结果"
    elif not _department_data_exists(household, today):
        reason = NO_DEPARTMENT_RECORDS
    else:
        try:
            with transaction.atomic():  # a savepoint: a failed run leaves the started 核对 in place
                report = verification_run(actor=actor, household=household, on=today, application=app)
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


def application_start_verification(*, actor: User, application: Application, today: dt.date | None = None
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
            transaction.on_commit(functools.partial(handler, app, record))
    return record


def _record(actor: User, app: Application, record: VerificationRecord, *, outcome: str, summary: str,
            income: Decimal | None, assets: Decimal | None,
            report_ref: str, today: dt.date, action: str = "application.record_verification") -> VerificationRecord:
    record.outcome, record.summary, record.per_capita_income, record.assets = outcome, summary, income, assets
    record.report_ref, record.recorded_by, record.recorded_at = report_ref.strip(), actor, timezone.now()
    record.save()
    _move(actor, app, S.INVESTIGATING, action=action, today=today, step="investigating", note=summary,
          extra={"verification": record.pk, "outcome": outcome, "per_capita_income": income, "assets": assets,
                 **({"report": record.report_ref} if record.report_ref else {})})
    return record


def application_record_verification(*, actor: User, application: Application, outcome: str, summary: str,
                                    per_capita_income: object = None, assets: object = None, report_ref: str = "",
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
