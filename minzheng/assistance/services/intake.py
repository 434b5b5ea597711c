"""申请: an application is submitted (staff entry or the resident's own) and its attachments uploaded."""

import datetime as dt
import hashlib

from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, Forbidden
from minzheng.core.scope import ensure_can
from minzheng.registry.models import Household, Membership, Person

from ..models import (
    OPEN_STATUSES,
    Application,
    ApplicationStep,
    Attachment,
)
from ..programmes.base import get_programme
from .base import (
    S,
    _actor_name,
    _amount,
    _discard_files,
    _due,
    _expect,
    _has_relative_filing,
    _household_person_ids,
    _label,
    _lock,
    _read_upload,
    _store,
    _today,
)

# --- 申请 ----------------------------------------------------------------------------------------

def application_submit(*, actor: User, programme: str, applicant: Person | None = None,
                       household: Household | None = None, variant: str = "", requested_amount: object = None,
                       related_to_staff: bool = False, authorisation: File | None = None, note: str = "",
                       today: dt.date | None = None) -> Application:
    """申请. Staff (村居/镇街/县区) enter it for a resident in their area; a resident applies online with
    一证一书 for their own household. Online, `applicant` is the resident's own registry person as the caller
    established it (the portal's code login ties the account to one person; a typed 身份证号 proves nothing),
    and the signed 授权书 (PDF/JPG/PNG) is required."""
    today = _today(today)
    prog = get_programme(programme)
    if actor.can(Cap.ASSIST_APPLY):
        channel = Application.Channel.STAFF
        if applicant is None:
            raise DomainError("请选择申请人", code="required", field="申请人")
    elif actor.can(Cap.ASSIST_APPLY_ONLINE):
        channel = Application.Channel.ONLINE
        if applicant is None:
            raise Forbidden("网上申请只能以本人身份提交，请用登记的手机号码登录居民掌上办")
        if authorisation is None:
            raise DomainError("网上申请须上传申请人签字的家庭经济状况核对授权书（一证一书）", code="required",
                              field="授权书")
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


def application_attach(*, actor: User, application: Application, kind: str, upload: File) -> Attachment:
    """Add a document (授权书, 身份证, other) to an open application: staff of its area, or the resident who
    applied online (their own application only)."""
    own_online = (actor.can(Cap.ASSIST_APPLY_ONLINE) and application.channel == Application.Channel.ONLINE
                  and application.created_by_id == actor.pk)
    if not own_online:
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
