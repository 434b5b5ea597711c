"""Password complexity and expiry per GB/T 22239-2019 (等保2.0) 8.1.4.1 a): "身份鉴别信息具有复杂度要求并定期更换".

The standard names no numbers: the bureau's figures are settings (PASSWORD_MIN_LENGTH, PASSWORD_MIN_CHAR_CLASSES,
PASSWORD_MAX_AGE_DAYS), documented in README "生产部署的环境变量"."""

import datetime as dt
import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

_CLASSES = (
    ("大写字母", lambda c: c in string.ascii_uppercase),
    ("小写字母", lambda c: c in string.ascii_lowercase),
    ("数字", lambda c: c in string.digits),
    ("符号", lambda c: not c.isalnum() and not c.isspace()),
)


class ComplexityValidator:
    """At least PASSWORD_MIN_CHAR_CLASSES of: upper case, lower case, digits, symbols; never the username."""

    def validate(self, password, user=None):
        wanted = settings.PASSWORD_MIN_CHAR_CLASSES
        have = sum(1 for _, test in _CLASSES if any(test(c) for c in password))
        if have < wanted:
            raise ValidationError(f"密码须至少包含大写字母、小写字母、数字、符号中的{wanted}类",
                                  code="password_classes")
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError("密码不能包含用户名", code="password_has_username")

    def get_help_text(self):
        return f"至少包含大写字母、小写字母、数字、符号中的{settings.PASSWORD_MIN_CHAR_CLASSES}类，且不含用户名"


def password_expired(user, now: dt.datetime | None = None) -> bool:
    """Whether the user must change their password before doing anything else."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not user.has_usable_password():
        return False  # a resident of the portal has no password: they log in with a one-time code
    if user.must_change_password:
        return True
    days = settings.PASSWORD_MAX_AGE_DAYS
    return bool(days) and user.password_changed_at + dt.timedelta(days=days) <= (now or timezone.now())
