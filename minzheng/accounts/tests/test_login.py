"""陈小玲 forgets her password: lockout after repeated failures, and what she is told along the way. A stranger at
another address guesses at her account, at the superuser through /admin/login/, and sprays usernames: each is
counted through the same door, never locks her out, and never learns which usernames exist."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.utils import timezone

from minzheng.accounts.models import LoginThrottle, User
from minzheng.accounts.services import login_attempt
from minzheng.core.audit import verify_chain
from minzheng.core.errors import DomainError
from minzheng.core.models import AuditEntry

pytestmark = pytest.mark.clock  # depends on today's date (CI also runs it with the clock moved)

RIGHT = "Minzheng#2026"
WRONG = "minzheng2026"


def _fail(username="chenxl", password=WRONG) -> DomainError:
    with pytest.raises(DomainError) as err:
        login_attempt(request=None, username=username, password=password)
    return err.value


def _throttle(username="chenxl", address="") -> LoginThrottle:
    return LoginThrottle.objects.get(key=f"acct:{address}|{username}")


def _lock_out(username="chenxl") -> DomainError:
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        _fail(username)
    return _fail(username)


def test_the_right_password_logs_her_in(people):
    user = login_attempt(request=None, username="chenxl", password=RIGHT)
    assert user == people["village_worker"]


def test_each_wrong_password_says_how_many_tries_are_left(people):
    for tried in range(1, settings.LOGIN_MAX_FAILURES):
        err = _fail()
        assert err.code == "bad_credentials"
        assert err.message == f"用户名或密码错误，还可尝试{settings.LOGIN_MAX_FAILURES - tried}次"
    assert _throttle().failures == settings.LOGIN_MAX_FAILURES - 1
    assert _throttle().locked_until is None


def test_an_unknown_username_gets_exactly_the_answers_a_real_one_gets(people):
    real = [_fail("chenxl").message for _ in range(settings.LOGIN_MAX_FAILURES + 1)]
    unknown = [_fail("nobody").message for _ in range(settings.LOGIN_MAX_FAILURES + 1)]
    assert unknown == real
    assert real[0] == f"用户名或密码错误，还可尝试{settings.LOGIN_MAX_FAILURES - 1}次"
    assert real[-1].startswith("账号因多次密码错误已被锁定")


def test_lockout_after_the_configured_number_of_failures_is_announced_and_audited(people):
    before = AuditEntry.objects.count()
    err = _lock_out()
    assert err.code == "locked"
    assert err.message == (f"密码连续错误{settings.LOGIN_MAX_FAILURES}次，"
                           f"账号已锁定{settings.LOGIN_LOCKOUT_MINUTES}分钟")

    chenxl = User.objects.get(username="chenxl")
    locked_until = _throttle().locked_until
    assert locked_until is not None
    expected_until = timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    assert abs((locked_until - expected_until).total_seconds()) < 60

    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "user.lockout"
    assert entry.object_type == "user" and entry.object_id == str(chenxl.pk)
    assert entry.object_repr == "chenxl"
    assert entry.after["locked_until"]
    assert verify_chain()[1] is None


def test_while_locked_even_the_right_password_is_refused(people):
    _lock_out()
    err = _fail(password=RIGHT)
    assert err.code == "locked"
    until = timezone.localtime(_throttle().locked_until).strftime("%H:%M")
    assert err.message == f"账号因多次密码错误已被锁定，请于 {until} 后再试或联系管理员"


def test_the_lock_on_one_account_does_not_touch_another(people):
    _lock_out()
    assert login_attempt(request=None, username="lijh", password=RIGHT) == people["lile_officer"]


def test_after_the_lockout_window_she_can_log_in_and_the_lock_is_cleared(people):
    _lock_out()
    LoginThrottle.objects.filter(key="acct:|chenxl").update(locked_until=timezone.now() - dt.timedelta(seconds=1))

    user = login_attempt(request=None, username="chenxl", password=RIGHT)
    assert user == people["village_worker"]
    assert not LoginThrottle.objects.filter(key="acct:|chenxl").exists()


def test_a_success_resets_the_failure_counter(people):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        _fail()
    login_attempt(request=None, username="chenxl", password=RIGHT)
    assert not LoginThrottle.objects.filter(key="acct:|chenxl").exists()

    # A full allowance again: one more failure does not lock her out.
    err = _fail()
    assert err.code == "bad_credentials"
    assert err.message == f"用户名或密码错误，还可尝试{settings.LOGIN_MAX_FAILURES - 1}次"


def test_after_the_window_a_new_series_of_failures_locks_again(people):
    _lock_out()
    LoginThrottle.objects.filter(key="acct:|chenxl").update(locked_until=timezone.now() - dt.timedelta(minutes=1))
    err = _fail()
    assert err.message == f"用户名或密码错误，还可尝试{settings.LOGIN_MAX_FAILURES - 1}次"
    for _ in range(settings.LOGIN_MAX_FAILURES - 2):
        _fail()
    err = _fail()
    assert err.message.startswith(f"密码连续错误{settings.LOGIN_MAX_FAILURES}次")
    assert AuditEntry.objects.filter(action="user.lockout", object_id=str(people["village_worker"].pk)).count() == 2


def test_a_deactivated_account_cannot_log_in(people):
    User.objects.filter(username="chenxl").update(is_active=False)
    assert _fail(password=RIGHT).code == "bad_credentials"


# --- a stranger at another address ------------------------------------------------------------------------------

STRANGER, OFFICE = "203.0.113.9", "10.20.30.40"


def _from(address, username, password, path="/login/"):
    request = RequestFactory().post(path, REMOTE_ADDR=address)
    return login_attempt(request=request, username=username, password=password)


def _fails_from(address, username, password=WRONG) -> DomainError:
    with pytest.raises(DomainError) as err:
        _from(address, username, password)
    return err.value


def test_a_stranger_cannot_lock_chen_xiaoling_out_from_elsewhere(people):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        _fails_from(STRANGER, "chenxl")
    # The stranger's address is locked for her account, even with the right password ...
    assert _fails_from(STRANGER, "chenxl", RIGHT).code == "locked"
    # ... while she, at her office, signs in as usual.
    assert _from(OFFICE, "chenxl", RIGHT) == people["village_worker"]


def test_spraying_many_usernames_from_one_address_is_throttled_for_every_username(people, settings):
    settings.LOGIN_IP_MAX_FAILURES = 8
    names = [f"user{i:02d}" for i in range(settings.LOGIN_IP_MAX_FAILURES - 1)]
    assert {_fails_from(STRANGER, n).code for n in names} == {"bad_credentials"}
    last = _fails_from(STRANGER, "lijh")
    assert last.code == "throttled" and last.message.startswith("登录尝试过于频繁")
    # Even a real account with its right password is refused from that address for the window ...
    assert _fails_from(STRANGER, "lijh", RIGHT).code == "throttled"
    assert AuditEntry.objects.filter(action="login.address_lockout", object_id=STRANGER).count() == 1
    # ... and the users themselves, elsewhere, are untouched.
    assert _from(OFFICE, "lijh", RIGHT) == people["lile_officer"]


def test_a_locked_pair_cannot_authenticate_by_any_other_path_either(people):
    from django.contrib.auth import authenticate

    for _ in range(settings.LOGIN_MAX_FAILURES):
        _fails_from(STRANGER, "chenxl")
    request = RequestFactory().post("/anything/", REMOTE_ADDR=STRANGER)
    assert authenticate(request, username="chenxl", password=RIGHT) is None
    office = RequestFactory().post("/anything/", REMOTE_ADDR=OFFICE)
    assert authenticate(office, username="chenxl", password=RIGHT) == people["village_worker"]


def test_behind_a_trusted_proxy_the_address_it_appended_is_the_one_counted(people, settings):
    settings.LOGIN_TRUSTED_PROXIES = 1
    forged = "198.51.100.1"  # what the stranger claims, left of what the proxy saw
    for i in range(settings.LOGIN_MAX_FAILURES):
        request = RequestFactory().post("/login/", REMOTE_ADDR="127.0.0.1",
                                        HTTP_X_FORWARDED_FOR=f"{forged}{i}, {STRANGER}")
        with pytest.raises(DomainError):
            login_attempt(request=request, username="chenxl", password=WRONG)
    assert _throttle(address=STRANGER).locked_until is not None
