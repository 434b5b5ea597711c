"""陈小玲 forgets her password: lockout after repeated failures, and what she is told along the way."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from minzheng.accounts.models import User
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
    assert User.objects.get(username="chenxl").failed_logins == settings.LOGIN_MAX_FAILURES - 1
    assert User.objects.get(username="chenxl").locked_until is None


def test_an_unknown_username_gives_the_same_answer_without_counting(people):
    err = _fail(username="nobody")
    assert err.code == "bad_credentials"
    assert err.message == "用户名或密码错误"


def test_lockout_after_the_configured_number_of_failures_is_announced_and_audited(people):
    before = AuditEntry.objects.count()
    err = _lock_out()
    assert err.code == "locked"
    assert err.message == (f"密码连续错误{settings.LOGIN_MAX_FAILURES}次，"
                           f"账号已锁定{settings.LOGIN_LOCKOUT_MINUTES}分钟")

    chenxl = User.objects.get(username="chenxl")
    assert chenxl.locked_until is not None
    expected_until = timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    assert abs((chenxl.locked_until - expected_until).total_seconds()) < 60

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
    until = timezone.localtime(User.objects.get(username="chenxl").locked_until).strftime("%H:%M")
    assert err.message == f"账号因多次密码错误已被锁定，请于 {until} 后再试或联系管理员"


def test_the_lock_on_one_account_does_not_touch_another(people):
    _lock_out()
    assert login_attempt(request=None, username="lijh", password=RIGHT) == people["lile_officer"]


def test_after_the_lockout_window_she_can_log_in_and_the_lock_is_cleared(people):
    _lock_out()
    User.objects.filter(username="chenxl").update(locked_until=timezone.now() - dt.timedelta(seconds=1))

    user = login_attempt(request=None, username="chenxl", password=RIGHT)
    assert user == people["village_worker"]
    chenxl = User.objects.get(username="chenxl")
    assert chenxl.locked_until is None and chenxl.failed_logins == 0


def test_a_success_resets_the_failure_counter(people):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        _fail()
    login_attempt(request=None, username="chenxl", password=RIGHT)
    assert User.objects.get(username="chenxl").failed_logins == 0

    # A full allowance again: one more failure does not lock her out.
    err = _fail()
    assert err.code == "bad_credentials"
    assert err.message == f"用户名或密码错误，还可尝试{settings.LOGIN_MAX_FAILURES - 1}次"


def test_after_the_window_a_new_series_of_failures_locks_again(people):
    _lock_out()
    User.objects.filter(username="chenxl").update(locked_until=timezone.now() - dt.timedelta(minutes=1))
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
