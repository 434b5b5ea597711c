import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.errors import DomainError

from .models import AreaAssignment, LoginThrottle, User


def user_create(*, actor: User | None, username: str, password: str, display_name: str, role: str,
                areas: Sequence[Area] = ()) -> User:
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, display_name=display_name, role=role)
        AreaAssignment.objects.bulk_create([AreaAssignment(user=user, area=a) for a in areas])
        audit.record(actor=actor, action="user.create", object_type="user", object_id=user.pk, object_repr=username,
                     after={"username": username, "role": role, "areas": [a.code for a in areas]})
    return user


def client_address(request: HttpRequest | None) -> str:
    """The client's address: REMOTE_ADDR, or behind LOGIN_TRUSTED_PROXIES reverse proxies the entry they appended
    to X-Forwarded-For (entries further left are the client's own claim and could be forged)."""
    if request is None:
        return ""
    proxies = settings.LOGIN_TRUSTED_PROXIES
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies][:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def _keys(address: str, username: str) -> tuple[str, str]:
    return f"acct:{address}|{username[:200]}", f"ip:{address}"


def _until(moment: dt.datetime | None) -> str:
    assert moment is not None  # throttle rows are read with locked_until > now
    return timezone.localtime(moment).strftime("%H:%M")


def login_refusal(*, request: HttpRequest | None, username: str) -> DomainError | None:
    """The refusal a login from this client for this username gets right now, before any password is tried."""
    now = timezone.now()
    acct_key, ip_key = _keys(client_address(request), username)
    rows = {t.key: t for t in LoginThrottle.objects.filter(key__in=[acct_key, ip_key], locked_until__gt=now)}
    if ip_key in rows:
        return DomainError(f"登录尝试过于频繁，请于 {_until(rows[ip_key].locked_until)} 后再试或联系管理员",
                           code="throttled")
    if acct_key in rows:
        return DomainError(f"账号因多次密码错误已被锁定，请于 {_until(rows[acct_key].locked_until)} 后再试或联系管理员",
                           code="locked")
    return None


def _count_failure(*, address: str, username: str) -> DomainError:
    """One more failure for the account from this address and for the address; lock either at its limit."""
    now = timezone.now()
    acct_key, ip_key = _keys(address, username)
    with transaction.atomic():
        # Rows quiet for a day (or longer than any lockout) hold nothing a window still needs: a sprayer's names.
        quiet = max(dt.timedelta(days=1), dt.timedelta(minutes=max(settings.LOGIN_LOCKOUT_MINUTES,
                                                                   settings.LOGIN_IP_LOCKOUT_MINUTES)))
        LoginThrottle.objects.filter(updated_at__lt=now - quiet).delete()
        for key in (acct_key, ip_key):
            LoginThrottle.objects.get_or_create(key=key)
        rows = {t.key: t for t in LoginThrottle.objects.select_for_update().filter(key__in=[acct_key, ip_key])}
        acct, ip = rows[acct_key], rows[ip_key]
        ip_window = dt.timedelta(minutes=settings.LOGIN_IP_LOCKOUT_MINUTES)
        if (ip.locked_until and ip.locked_until <= now) or ip.updated_at < now - ip_window:
            ip.failures, ip.locked_until = 0, None  # a quiet address starts afresh
        ip.failures += 1
        if ip.failures >= settings.LOGIN_IP_MAX_FAILURES:
            ip.failures, ip.locked_until = 0, now + ip_window
            audit.record(actor=None, action="login.address_lockout", object_type="login", object_id=address,
                         object_repr=address, after={"locked_until": ip.locked_until, "last_username": username})
        ip.save()
        if acct.locked_until and acct.locked_until <= now:
            acct.failures, acct.locked_until = 0, None
        acct.failures += 1
        left = settings.LOGIN_MAX_FAILURES - acct.failures
        if left <= 0:
            acct.failures = 0
            acct.locked_until = now + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            user = User.objects.filter(username=username).first()
            audit.record(actor=None, action="user.lockout", object_type="user", object_id=user.pk if user else "",
                         object_repr=username, after={"locked_until": acct.locked_until, "address": address})
        acct.save()
    if ip.locked_until:
        return DomainError(f"登录尝试过于频繁，请于 {_until(ip.locked_until)} 后再试或联系管理员", code="throttled")
    if left <= 0:
        return DomainError(f"密码连续错误{settings.LOGIN_MAX_FAILURES}次，"
                           f"账号已锁定{settings.LOGIN_LOCKOUT_MINUTES}分钟", code="locked")
    return DomainError(f"用户名或密码错误，还可尝试{left}次", code="bad_credentials")


def login_attempt(*, request: HttpRequest | None, username: str, password: str) -> User:
    """The one door for every password login (/login/, /admin/login/): GB/T 22239-2019 8.1.4.1 b) failure handling.

    Failures are counted per username *from one client address* and per address over all usernames, so a stranger
    elsewhere cannot lock a real user out, and one address cannot spray guesses. An unknown username is counted and
    answered exactly like a real one, so the answers never tell whether an account exists."""
    refusal = login_refusal(request=request, username=username)
    if refusal:
        raise refusal
    authed = authenticate(request, username=username, password=password)
    address = client_address(request)
    if authed is None:
        raise _count_failure(address=address, username=username)
    LoginThrottle.objects.filter(key=_keys(address, username)[0]).delete()
    return authed
