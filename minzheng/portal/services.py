"""Writes of the resident portal: one-time code login, an application with the 核对 授权书 signed on screen,
supporting files, and an objection during 公示. Applications, files and objections go through the assistance
services (no rule is repeated here); each function writes its audit entry in the same transaction."""

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Role
from minzheng.assistance import services as assistance
from minzheng.assistance.models import Application, Attachment, Objection
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.periods import age_on
from minzheng.registry.models import Person

from . import selectors
from .models import LoginCode, PortalAccount, Signature
from .rules import param
from .senders import sender

PHONE = re.compile(r"1\d{10}")
WRONG_CODE = "验证码错误或已过期，请重新输入或重新获取"
PROGRAMMES = ("dibao", "tekun", "temporary")  # what a resident may apply for on the portal (issue 11 item 4)
PNG_HEAD = b"\x89PNG\r\n\x1a\n"


def _phone(phone: str) -> str:
    phone = re.sub(r"[\s-]", "", phone or "")
    if not PHONE.fullmatch(phone):
        raise DomainError("手机号码应为以1开头的11位数字", code="bad_phone", field="手机号码")
    return phone


def _mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


def _keyed(*parts: str) -> str:
    msg = "\x1f".join(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), msg, hashlib.sha256).hexdigest()


def _person_for_phone(phone: str, today: dt.date) -> Person | None:
    """Who a phone number logs in as: the portal account holding it, or else the one living adult registered with
    it in the registry (a number shared by several adults cannot log in until one of them is enrolled)."""
    account = PortalAccount.objects.select_related("person").filter(phone=phone).first()
    if account is not None:
        return account.person if account.person.death_date is None else None
    adult = param("adult_age", today)
    found = [p for p in Person.objects.filter(phone=phone, death_date__isnull=True)[:2]
             if age_on(p.birth_date, today) >= adult]
    if len(found) != 1 or PortalAccount.objects.filter(person=found[0]).exists():
        return None
    return found[0]


def code_request(*, phone: str, now: dt.datetime | None = None) -> None:
    """Issue a one-time code. Every well-formed number gets the same answer, registered or not; the code is sent
    only to a number that belongs to a resident, and kept only as a salted hash."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    phone = _phone(phone)
    key = _keyed("phone", phone)
    length, ttl = param("code_length", today), param("code_ttl_minutes", today)
    with transaction.atomic():
        row = LoginCode.objects.select_for_update().filter(phone_key=key).first()
        if row is not None and row.locked_until and row.locked_until > now:
            raise Conflict(f"验证码连续输错次数过多，请于{timezone.localtime(row.locked_until):%H:%M}后再试",
                           code="locked", field="验证码")
        wait = param("resend_seconds", today)
        if row is not None and not row.used and row.issued_at + dt.timedelta(seconds=wait) > now:
            left = int((row.issued_at + dt.timedelta(seconds=wait) - now).total_seconds()) + 1
            raise Conflict(f"验证码已发送，请{left}秒后再重新获取", code="too_soon", field="手机号码")
        code = "".join(secrets.choice("0123456789") for _ in range(length))
        salt = secrets.token_hex(16)
        values = {"code_hash": _keyed("code", salt, phone, code), "salt": salt, "issued_at": now,
                  "expires_at": now + dt.timedelta(minutes=ttl), "failures": 0, "locked_until": None, "used": False}
        LoginCode.objects.update_or_create(phone_key=key, defaults=values)
        audit.record(actor=None, action="portal.code_request", object_type="portal.login", object_id=key[:16],
                     object_repr=_mask_phone(phone))
        person = _person_for_phone(phone, today)
    if person is not None:
        sender().send(phone, f"您的民政掌上办登录验证码为{code}，{ttl}分钟内有效。请勿告诉他人。")


def code_verify(*, phone: str, code: str, now: dt.datetime | None = None) -> User:
    """Check a code and log the resident in (their portal account is opened at the first login). A wrong or
    expired code counts against the number; after too many the number is locked for a while. The answers are the
    same whether or not the number belongs to anyone."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    phone = _phone(phone)
    code = (code or "").strip()
    if not code:
        raise DomainError("请输入验证码", code="required", field="验证码")
    key = _keyed("phone", phone)
    refusal: DomainError | None = None
    user: User | None = None
    with transaction.atomic():
        row = LoginCode.objects.select_for_update().filter(phone_key=key).first()
        if row is not None and row.locked_until and row.locked_until > now:
            raise Conflict(f"验证码连续输错次数过多，请于{timezone.localtime(row.locked_until):%H:%M}后再试",
                           code="locked", field="验证码")
        good = (row is not None and not row.used and row.expires_at > now
                and hmac.compare_digest(row.code_hash, _keyed("code", row.salt, phone, code)))
        person = _person_for_phone(phone, today) if good else None
        if row is not None and person is None:
            row.failures += 1
            limit = param("code_max_attempts", today)
            if row.failures >= limit:
                row.locked_until = now + dt.timedelta(minutes=param("lockout_minutes", today))
                row.used = True
                refusal = Conflict(f"验证码连续输错{limit}次，请于{timezone.localtime(row.locked_until):%H:%M}后"
                                   f"再试", code="locked", field="验证码")
            row.save(update_fields=["failures", "locked_until", "used"])
            audit.record(actor=None, action="portal.code_failed", object_type="portal.login", object_id=key[:16],
                         object_repr=_mask_phone(phone), after={"failures": row.failures})
        if person is None:
            refusal = refusal or DomainError(WRONG_CODE, code="wrong_code", field="验证码")
        else:
            assert row is not None
            row.used = True
            row.save(update_fields=["used"])
            user = _enrol(person, phone)
            audit.record(actor=user, action="portal.login", object_type="portal.account", object_id=user.pk,
                         object_repr=_mask_phone(phone))
    if refusal is not None or user is None:
        raise refusal or DomainError(WRONG_CODE, code="wrong_code", field="验证码")
    return user


def _enrol(person: Person, phone: str) -> User:
    account = PortalAccount.objects.select_related("user").filter(person=person).first()
    if account is not None:
        return account.user
    user = User.objects.create_user(username=f"portal-{person.pk}", password=None, display_name=person.name,
                                    role=Role.RESIDENT)  # no password: a resident logs in with a code only
    account = PortalAccount.objects.create(user=user, person=person, phone=phone)
    audit.record(actor=user, action="portal.enrol", object_type="portal.account", object_id=account.pk,
                 object_repr=person.masked_id, area_code=person.residence_area.code,
                 after={"person": person.masked_id, "phone": _mask_phone(phone), "user": user.username})
    return user


# --- apply --------------------------------------------------------------------------------------------------


def _signature_png(data_url: str, name: str, today: dt.date) -> bytes:
    prefix = "data:image/png;base64,"
    if not data_url or not data_url.startswith(prefix):
        raise DomainError(f"{name}尚未签字，请在签名框内签名", code="required", field=f"{name}的签名")
    try:
        data = base64.b64decode(data_url[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(f"{name}的签名图片无法识别，请清除后重新签名", code="bad_file",
                          field=f"{name}的签名") from None
    if not data.startswith(PNG_HEAD):
        raise DomainError(f"{name}的签名图片无法识别，请清除后重新签名", code="bad_file", field=f"{name}的签名")
    if len(data) > param("signature_max_kb", today) * 1024:
        raise DomainError(f"{name}的签名图片过大，请清除后重新签名", code="bad_file", field=f"{name}的签名")
    return data


def portal_apply(*, actor: User, programme: str, variant: str = "", requested_amount: object = None,
                 signatures: dict[int, str], declared: bool = False, note: str = "",
                 today: dt.date | None = None) -> Application:
    """The resident applies for their own household. Every adult member signs the 核对 授权书 on screen, or the
    applicant declares that they sign for members who cannot; the signed 授权书 (PDF) is the 一证一书 the
    assistance service requires, and the signatures are kept as images."""
    from .pdf import authorisation_pdf

    today = today or timezone.localdate()
    account = selectors.account_for(actor)
    person = account.person
    if programme not in PROGRAMMES:
        raise DomainError("请选择救助项目（低保、特困或临时救助）", code="required", field="救助项目")
    if programme == "temporary" and variant not in ("emergency", "expenditure"):
        raise DomainError("临时救助须选择急难型或支出型", code="required", field="救助类型")
    if programme != "temporary":
        variant = ""
    adults = selectors.adults_of(person, today)
    signed: list[tuple[Person, bytes | None]] = []
    for member in adults:
        data_url = signatures.get(member.pk, "")
        if member.pk == person.pk or data_url or not declared:
            if member.pk != person.pk and not data_url:
                raise DomainError(f"{member.name}尚未签字：请{member.name}本人签名，或勾选由申请人代为声明",
                                  code="required", field=f"{member.name}的签名")
            signed.append((member, _signature_png(data_url, member.name, today)))
        else:
            signed.append((member, None))
    pdf = authorisation_pdf(applicant=person, members=signed, on=today)
    saved: list[str] = []
    try:
        with transaction.atomic():
            app = assistance.application_submit(
                actor=actor, programme=programme, applicant=person, variant=variant,
                requested_amount=requested_amount, authorisation=ContentFile(pdf, name="核对授权书.pdf"),
                note=note, today=today)
            saved += [a.file.name for a in app.attachments.all() if a.file.name]
            now = timezone.now()
            for member, png in signed:
                sig = Signature(application=app, person=member, declared=png is None, signed_at=now,
                                sha256=hashlib.sha256(png).hexdigest() if png else "")
                if png is not None:
                    sig.image.save(f"{app.number}-{member.pk}.png", ContentFile(png), save=False)
                    if sig.image.name:
                        saved.append(sig.image.name)
                sig.save()
            audit.record(actor=actor, action="portal.apply", object_type="application", object_id=app.pk,
                         object_repr=app.number, area_code=app.area.code,
                         after={"programme": programme, "variant": variant, "signed": [m.masked_id for m, p in signed
                                                                                       if p is not None],
                                "declared": [m.masked_id for m, p in signed if p is None]})
    except Exception:
        for name in saved:
            default_storage.delete(name)
        raise
    return app


def portal_attach(*, actor: User, application: Application, upload: File) -> Attachment:
    """A supporting file for the resident's own open application; size and type are checked by the assistance
    service from the file's content (image or PDF only)."""
    app = selectors.application_get(actor, application.pk)
    if app.created_by_id != actor.pk:
        raise Conflict("只有提交该申请的本人可以补充材料；请联系所在镇街民政办", code="not_owner", field="证明材料")
    with transaction.atomic():
        att = assistance.application_attach(actor=actor, application=app, kind=Attachment.Kind.OTHER, upload=upload)
        audit.record(actor=actor, action="portal.attach", object_type="application", object_id=app.pk,
                     object_repr=app.number, area_code=app.area.code,
                     after={"attachment": att.pk, "sha256": att.sha256})
    return att


def portal_object(*, actor: User, publicity_id: int, reason: str, today: dt.date | None = None) -> Objection:
    """An objection during 公示 from a logged-in resident of the same town: it waits for the town's check like
    any public objection (assistance.objection_file), with the resident named as the objector."""
    account = selectors.account_for(actor)
    pub = selectors.publicity_get(actor, publicity_id)
    with transaction.atomic():
        obj = assistance.objection_file(actor=None, publicity=pub, reason=reason, objector_name=account.person.name,
                                        contact=account.phone, today=today)
        audit.record(actor=actor, action="portal.objection", object_type="application", object_id=pub.application_id,
                     object_repr=pub.application.number, area_code=pub.area.code,
                     after={"objection": obj.pk, "publicity": pub.pk})
    return obj
