import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.errors import DomainError

from .models import AreaAssignment, User


def user_create(*, actor: User | None, username: str, password: str, display_name: str, role: str,
                areas: Sequence[Area] = ()) -> User:
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, display_name=display_name, role=role)
        AreaAssignment.objects.bulk_create([AreaAssignment(user=user, area=a) for a in areas])
        audit.record(actor=actor, action="user.create", object_type="user", object_id=user.pk, object_repr=username,
                     after={"username": username, "role": role, "areas": [a.code for a in areas]})
    return user


def login_attempt(*, request: HttpRequest | None, username: str, password: str) -> User:
    """Authenticate with lockout after LOGIN_MAX_FAILURES consecutive failures."""
    now = timezone.now()
    user = User.objects.filter(username=username).first()
    if user and user.locked_until and user.locked_until > now:
        until = timezone.localtime(user.locked_until).strftime("%H:%M")
        raise DomainError(f"账号因多次密码错误已被锁定，请于 {until} 后再试或联系管理员", code="locked")
    authed = authenticate(request, username=username, password=password)
    if authed is None:
        if user is None:
            raise DomainError("用户名或密码错误", code="bad_credentials")
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
            user.refresh_from_db(fields=["failed_logins"])
            left = settings.LOGIN_MAX_FAILURES - user.failed_logins
            if left <= 0:
                user.locked_until = now + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
                user.failed_logins = 0
                user.save(update_fields=["locked_until", "failed_logins"])
                audit.record(actor=None, action="user.lockout", object_type="user", object_id=user.pk,
                             object_repr=username, after={"locked_until": user.locked_until})
        if left <= 0:
            raise DomainError(
                f"密码连续错误{settings.LOGIN_MAX_FAILURES}次，账号已锁定{settings.LOGIN_LOCKOUT_MINUTES}分钟",
                code="locked")
        raise DomainError(f"用户名或密码错误，还可尝试{left}次", code="bad_credentials")
    if authed.failed_logins or authed.locked_until:
        User.objects.filter(pk=authed.pk).update(failed_logins=0, locked_until=None)
    return authed
