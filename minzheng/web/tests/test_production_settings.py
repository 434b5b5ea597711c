"""The bureau's IT officer deploys the platform: nothing secret or internal reaches a visitor, settings come from the
environment and `check --deploy` has nothing to say; a careless visitor or a crash shows only a plain Chinese page."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]
STRONG_KEY = "prod-" + "Zr8Kq1Wm4Tx7Vb2Nc5Hj9Lp3Fs6Dg0Ya8Ue1Oi4Qw7Er2Ty5"


def _run(code: str, **env) -> subprocess.CompletedProcess:
    """Python in a fresh process with the production settings module and only the given MINZHENG_* variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MINZHENG_", "DATABASE_URL", "DJANGO_"))}
    clean.update(DJANGO_SETTINGS_MODULE="minzheng.settings", **env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=300)


_SHOW = ("import django; django.setup(); from django.conf import settings as s; "
         "print(s.DEBUG, s.DATABASES['default']['ENGINE'])")


def test_debug_is_off_unless_the_operator_asks_for_it():
    assert _run(_SHOW, MINZHENG_SECRET_KEY=STRONG_KEY).stdout.split()[0] == "False"
    assert _run(_SHOW, MINZHENG_SECRET_KEY=STRONG_KEY, MINZHENG_DEBUG="1").stdout.split()[0] == "True"


def test_there_is_no_built_in_secret_key():
    run = _run(_SHOW)
    assert run.returncode != 0
    assert "未设置密钥" in run.stderr and "MINZHENG_SECRET_KEY" in run.stderr


def test_the_key_can_come_from_a_file_as_the_demo_start_script_writes_it(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(STRONG_KEY + "\n", encoding="utf-8")
    run = _run("import django; django.setup(); from django.conf import settings as s; print(s.SECRET_KEY)",
               MINZHENG_SECRET_KEY_FILE=str(key_file))
    assert run.stdout.strip() == STRONG_KEY


def test_an_empty_database_url_falls_back_to_the_embedded_database():
    run = _run(_SHOW, MINZHENG_SECRET_KEY=STRONG_KEY, DATABASE_URL="")
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[1] == "django.db.backends.sqlite3"


def test_check_deploy_is_clean_in_production_mode():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MINZHENG_", "DATABASE_URL", "DJANGO_"))}
    clean.update(DJANGO_SETTINGS_MODULE="minzheng.settings", MINZHENG_SECRET_KEY=STRONG_KEY,
                 MINZHENG_ALLOWED_HOSTS="mz.example.gov.cn")
    run = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                         env=clean, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout


def test_a_fresh_deployment_migrates_before_its_first_collectstatic(tmp_path):
    """scripts/serve.sh runs migrate, then collectstatic. On a new server there is no static manifest yet, and every
    manage.py command loads the URL list: nothing in it may look up a static file's hashed name on import."""
    run = _run("import django; django.setup(); from django.core.management import call_command; "
               "call_command('check')", MINZHENG_SECRET_KEY=STRONG_KEY, MINZHENG_STATIC_MANIFEST="1",
               MINZHENG_STATIC_ROOT=str(tmp_path / "static"))
    assert run.returncode == 0, run.stderr


@pytest.mark.django_db
def test_the_browsers_favicon_request_is_sent_to_the_icon(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 301 and r["Location"] == "/static/web/favicon.svg"


def test_a_mistyped_address_gets_a_plain_chinese_404_without_the_url_list(client, people):
    client.force_login(people["village_worker"])
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "未找到" in page
    assert "admin/" not in page and "URLconf" not in page and "api/" not in page


@pytest.fixture
def broken_areas_list(monkeypatch):
    """Fault injection: the areas read fails with an error whose text carries a secret, as a driver error might."""
    def boom(*args, **kwargs):
        raise RuntimeError("connection to postgres://admin:hunter2@db failed")

    monkeypatch.setattr("minzheng.areas.api.areas_for", boom)
    monkeypatch.setattr("minzheng.registry.views.top_areas", boom)


def test_an_api_crash_answers_json_without_a_traceback_even_in_debug(client, people, settings, broken_areas_list):
    settings.DEBUG = True  # even a developer's setting must not leak it to the client
    client.raise_request_exception = False
    client.force_login(people["village_worker"])
    response = client.get("/api/areas")
    assert response.status_code == 500
    body = response.json()
    assert body == {"code": "server_error", "message": "服务器内部错误，请稍后重试或联系系统管理员"}
    assert "hunter2" not in response.content.decode()


def test_a_page_crash_shows_a_plain_chinese_500(client, people, broken_areas_list):
    client.raise_request_exception = False
    client.force_login(people["village_worker"])
    response = client.get(reverse("web:home"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "系统繁忙" in page and "请稍后重试" in page
    assert "hunter2" not in page and "Traceback" not in page and "DATABASE" not in page
