"""Shared by every stage of the 大救助 workflow: locking, status moves with their step and audit, uploads,
and the small helpers the stages share."""

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.payroll.models import StaffRelative
from minzheng.registry.models import Household, Membership

from .. import workdays
from ..models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    ApplicationStep,
    Attachment,
    Investigation,
    VerificationRecord,
)

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


def _actor_name(actor: User | None) -> str:
    return (getattr(actor, "display_name", "") or getattr(actor, "username", "")) if actor else "公众"


def _move(actor: User | None, app: Application, to: str, *, action: str, today: dt.date, step: str | None = None,
          due: dt.date | None = None, note: str = "", extra: dict | None = None) -> Application:
    """Change the status, set the new time limit, and write the step row and the audit entry."""
    before: dict[str, Any] = {"status": app.status, "step_due": app.step_due}
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


def _amount(value: object, field: str) -> Decimal:
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


def _read_upload(upload: File, field: str, *, allowed: tuple[str, ...]) -> tuple[str, bytes]:
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


def _store(app: Application, *, kind: str, name: str, data: bytes, actor: User,
           investigation: Investigation | None = None,
           saved: list) -> Attachment:
    ext = name.rsplit(".", 1)[-1].lower()
    att = Attachment(application=app, investigation=investigation, kind=kind, original_name=name[:255],
                     content_type={"pdf": "application/pdf", "png": "image/png"}.get(ext, "image/jpeg"),
                     size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                     uploaded_by=actor if getattr(actor, "pk", None) else None, uploaded_at=timezone.now())
    att.file.save(f"{app.number}-{kind}.{ext}", ContentFile(data), save=False)
    if att.file.name:
        saved.append(att.file.name)
    att.save()
    return att


def _discard_files(storage: Storage, names: list[str]) -> None:
    for n in names:
        storage.delete(n)


def _household_person_ids(app_or_household: Application | Household) -> list[int]:
    if isinstance(app_or_household, Household):
        h = app_or_household
    elif app_or_household.household is None:
        return [app_or_household.applicant_id]
    else:
        h = app_or_household.household
    return list(Membership.objects.filter(household=h, end_date__isnull=True).values_list("person_id", flat=True))


def _has_relative_filing(person_ids: list[int], on: dt.date) -> bool:
    """Anyone of them in the one 近亲属 register (payroll.StaffRelative; a withdrawn filing is deleted there)."""
    return StaffRelative.objects.filter(person_id__in=person_ids).exists()


def mask_name(name: str) -> str:
    """张*明 / 李* / 欧**明: keep the first and (for three or more characters) the last character."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
