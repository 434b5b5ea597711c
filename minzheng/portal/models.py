from django.conf import settings
from django.db import models


class PortalAccount(models.Model):
    """A resident's portal login: one registry person, reached by the phone number registered for them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="portal_account")
    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="+",
                                  verbose_name="本人")
    phone = models.CharField("手机号码", max_length=11, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "掌上办账号"


class LoginCode(models.Model):
    """The current one-time code for a phone number. Kept for any number asked for, registered or not, so the
    answers (and the lockout) never tell which numbers exist; the phone is kept only as a keyed hash and the
    code only as a salted hash."""

    phone_key = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64)
    salt = models.CharField(max_length=32)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = verbose_name_plural = "登录验证码"


class Signature(models.Model):
    """A household member's signature on the 核对 授权书, drawn on the phone's screen; or the applicant's
    declaration that they sign for a member who could not (declared=True, no image)."""

    application = models.ForeignKey("assistance.Application", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name="签字成员")
    image = models.FileField(upload_to="portal/signatures/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    declared = models.BooleanField("申请人代为声明", default=False)
    signed_at = models.DateTimeField("签字时间")

    class Meta:
        verbose_name = verbose_name_plural = "授权书签字"
        constraints = [models.UniqueConstraint(fields=["application", "person"], name="portal_signature_uniq")]
