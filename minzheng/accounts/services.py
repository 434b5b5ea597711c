import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.errors import DomainError, NotFound

from .models import AreaAssignment, LoginThrottle, User


def user_create(*, actor: User | None, username: str, password: str | None, display_name: str, role: str,
                areas: Sequence[Area] = ()) -> User:
    """A new account; with `password` None it has no usable password until one is set."""
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


# Administration (issue 17): one door per change of an account, each audited. An administrator acts only on
# accounts whose areas all lie inside their own (accounts/selectors.py) and gives only areas inside their own.

def _password_checked(password: str, user: User) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as e:
        raise DomainError("；".join(e.messages), code="weak_password", field="密码") from None


def _areas_checked(actor: User, area_codes: Sequence[str]) -> list[Area]:
    from minzheng.core.scope import path_in_scope

    codes = [c.strip() for c in area_codes if c and c.strip()]
    if not codes:
        raise DomainError("请至少指定一个管辖区域", code="no_area", field="管辖区域")
    found = {a.code: a for a in Area.objects.filter(code__in=codes)}
    for code in codes:
        area = found.get(code)
        if area is None or not path_in_scope(actor, area.path):
            raise DomainError(f"区划“{code[:20]}”不存在或不在您的管辖范围内", code="area_out_of_scope",
                              field="管辖区域")
    return [found[c] for c in dict.fromkeys(codes)]


def _role_checked(role: str) -> str:
    from .roles import Role

    if role not in Role.values:
        raise DomainError("角色无效", code="bad_role", field="角色")
    return role


def _snapshot(user: User) -> dict:
    return {"role": user.role, "is_active": user.is_active, "display_name": user.display_name,
            "areas": sorted(user.area_assignments.values_list("area__code", flat=True))}


def _audit_account(actor: User, action: str, user: User, *, before: dict | None = None,
                   after: dict | None = None) -> None:
    codes = sorted(user.area_assignments.values_list("area__code", flat=True))
    audit.record(actor=actor, action=action, object_type="user", object_id=user.pk, object_repr=user.username,
                 area_code=codes[0] if codes else "", before=before, after=after)


def _managed(actor: User, user: User) -> None:
    """The account must lie inside the administrator's areas; outside it looks like absence."""
    from .selectors import managed_users

    if not managed_users(actor).filter(pk=user.pk).exists():
        raise NotFound("账号不存在或不在您的管辖范围内")


def _not_self(actor: User, user: User, what: str) -> None:
    _managed(actor, user)
    if actor.pk == user.pk:
        raise DomainError(f"不能{what}自己的账号，请由另一名管理员办理", code="self_action", field="账号")


def account_create(*, actor: User, username: str, display_name: str, role: str, area_codes: Sequence[str],
                   password: str) -> User:
    """A new account inside the administrator's areas. Its first password is the administrator's: the owner must
    change it at the first login."""
    from minzheng.core.scope import require

    from .roles import Cap

    require(actor, Cap.ACCOUNT_MANAGE)
    username = (username or "").strip()
    if not username or len(username) > 150 or not all(c.isalnum() or c in "@.+-_" for c in username):
        raise DomainError("用户名须为1–150个字母、数字或 @ . + - _", code="bad_username", field="用户名")
    display_name = (display_name or "").strip()
    if not display_name or len(display_name) > 64:
        raise DomainError("姓名须为1–64个字", code="bad_name", field="姓名")
    _role_checked(role)
    areas = _areas_checked(actor, area_codes)
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise DomainError(f"用户名“{username}”已被使用", code="username_taken", field="用户名")
        user = User(username=username, display_name=display_name, role=role, must_change_password=True)
        _password_checked(password, user)
        user.set_password(password)
        user.save()
        AreaAssignment.objects.bulk_create([AreaAssignment(user=user, area=a) for a in areas])
        _audit_account(actor, "user.create", user, after=_snapshot(user))
    return user


def account_set_role(*, actor: User, user: User, role: str) -> User:
    _not_self(actor, user, "修改")
    _role_checked(role)
    with transaction.atomic():
        before = _snapshot(user)
        User.objects.filter(pk=user.pk).update(role=role)
        user.refresh_from_db()
        _audit_account(actor, "user.set_role", user, before=before, after=_snapshot(user))
    return user


def account_set_areas(*, actor: User, user: User, area_codes: Sequence[str]) -> User:
    _not_self(actor, user, "修改")
    areas = _areas_checked(actor, area_codes)
    with transaction.atomic():
        before = _snapshot(user)
        AreaAssignment.objects.filter(user=user).delete()
        AreaAssignment.objects.bulk_create([AreaAssignment(user=user, area=a) for a in areas])
        _audit_account(actor, "user.set_areas", user, before=before, after=_snapshot(user))
    return user


def account_reset_password(*, actor: User, user: User, password: str) -> User:
    """A new password set by the administrator (never recorded): the owner must change it at the next login."""
    _not_self(actor, user, "重置")
    _password_checked(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        _audit_account(actor, "user.reset_password", user, after={"must_change_password": True})
    return user


def account_deactivate(*, actor: User, user: User, reason: str) -> User:
    """The account can no longer log in; its open sessions end at their next request (inactive users are logged
    out by Django's authentication middleware)."""
    _not_self(actor, user, "停用")
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise DomainError("请填写停用原因（200字以内）", code="no_reason", field="停用原因")
    with transaction.atomic():
        before = _snapshot(user)
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.refresh_from_db()
        _audit_account(actor, "user.deactivate", user, before=before, after=_snapshot(user) | {"reason": reason})
    return user


def account_reactivate(*, actor: User, user: User) -> User:
    _not_self(actor, user, "启用")
    with transaction.atomic():
        before = _snapshot(user)
        User.objects.filter(pk=user.pk).update(is_active=True)
        user.refresh_from_db()
        _audit_account(actor, "user.reactivate", user, before=before, after=_snapshot(user))
    return user


def account_unlock(*, actor: User, user: User) -> int:
    """Clear the account's login lockouts (from every address); returns how many were cleared."""
    _managed(actor, user)
    with transaction.atomic():
        cleared, _ = LoginThrottle.objects.filter(key__startswith="acct:", key__endswith=f"|{user.username}").delete()
        _audit_account(actor, "user.unlock", user, after={"cleared": cleared})
    return cleared


def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """The owner's own change (also what an expired or administrator-set password asks for)."""
    if not user.check_password(old_password or ""):
        raise DomainError("原密码不正确", code="bad_old_password", field="原密码")
    if old_password == new_password:
        raise DomainError("新密码不能与原密码相同", code="same_password", field="新密码")
    try:
        _password_checked(new_password or "", user)
    except DomainError as e:
        raise DomainError(e.message, code=e.code, field="新密码") from None
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        _audit_account(user, "user.change_password", user)
    return user
