"""先救助后说明: emergency temporary assistance paid first, its file completed afterwards."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.money import fen
from minzheng.core.periods import month_plus, month_start
from minzheng.core.scope import ensure_can

from .. import workdays
from ..models import (
    OPEN_STATUSES,
    Application,
    Attachment,
    Case,
    Entitlement,
    PayFirst,
)
from .base import _amount, _expect, _lock, _text, _today

# --- 先救助后说明 (急难型临时救助) -------------------------------------------------------------------

def application_pay_first(*, actor: User, application: Application, amount: object, reason: str,
                          today: dt.date | None = None
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
        # The advance is a real payment: a one-month case whose single amount the month's roster, the bank file and
        # the supervision checks take up like any other (component pay_first).
        month = month_start(today)
        case = Case.objects.create(programme=app.programme, household=app.household, head=app.applicant,
                                   area=app.area, application=app, start_month=month, end_month=month,
                                   urban_rural="")
        Entitlement.objects.create(case=case, person=app.applicant, component="pay_first", monthly_amount=fen(amount),
                                   from_month=month, to_month=month_plus(month, 1), rule_version="pay_first",
                                   explanation=f"先救助后说明：{reason}，{today:%Y年%m月%d日}先行发放{fen(amount)}元，"
                                               f"审批时从同一需求的救助金额中扣减")
        pf = PayFirst.objects.create(application=app, amount=amount, reason=reason, paid_on=today, paid_by=actor,
                                     complete_by=workdays.add_workdays(today, days), case=case)
        app.paid_first = True
        app.save(update_fields=["paid_first"])
        audit.record(actor=actor, action="application.pay_first", object_type="application", object_id=app.pk,
                     object_repr=app.number, area_code=app.area.code, before={"paid_first": False},
                     after={"paid_first": True, "amount": amount, "complete_by": pf.complete_by, "reason": reason,
                            "case": case.pk, "month": month})
    return pf


def application_complete_file(*, actor: User, application: Application, note: str = "") -> Application:
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
