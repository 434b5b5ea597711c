from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from .roles import ACTION_LABELS, CAPABILITIES, Role


class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=64, blank=True)
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.RESIDENT)
    # GB/T 22239-2019 8.1.4.1 a): passwords are changed periodically (settings.PASSWORD_MAX_AGE_DAYS); a password set
    # by an administrator (a new account, a reset) must be changed by its owner at the next login.
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)
    must_change_password = models.BooleanField("须修改密码", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.display_name or self.username

    def can(self, capability: str) -> bool:
        return self.is_active and capability in CAPABILITIES.get(self.role, frozenset())

    def capability_label(self, capability: str) -> str:
        """What a capability lets one do, in Chinese (core's refusals name it without knowing the roles)."""
        return ACTION_LABELS.get(capability, capability)

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class AreaAssignment(models.Model):
    """The areas a user works in; they see these and everything below."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="area_assignments")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "area"], name="assignment_uniq")]
        verbose_name = verbose_name_plural = "管辖区域"


class LoginThrottle(models.Model):
    """Login failures under one key: "acct:<client address>|<username>" (an account tried from one address; any
    username, existing or not, so the answers never tell which exist) or "ip:<client address>" (all usernames).
    Written only by accounts.services.login_attempt."""

    key = models.CharField(max_length=300, unique=True)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "登录失败记录"
        indexes = [models.Index(fields=["updated_at"])]
