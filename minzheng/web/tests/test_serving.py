"""The bureau's IT officer puts two app servers behind a load balancer: the balancer asks each server /healthz/ and
sends traffic only to one that can reach both the database and the task queue; every request carries an id that
shows up in the response and in every log line written for it."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[3]
DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db
def test_a_server_with_database_and_queue_is_healthy(client):
    with override_settings(TASKS=DB_QUEUE):
        r = client.get("/healthz/")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "queue": "ok"}


@pytest.mark.django_db
def test_a_server_whose_task_queue_is_gone_is_taken_out_of_rotation(client):
    """The queue's table vanishes (a botched restore): the balancer must stop sending work here."""
    from django_tasks_db.models import DBTaskResult

    table = DBTaskResult._meta.db_table
    with override_settings(TASKS=DB_QUEUE), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(f'ALTER TABLE "{table}" RENAME TO "{table}_away"')
        r = client.get("/healthz/")
        transaction.set_rollback(True)
    assert r.status_code == 503
    assert r.json() == {"status": "不可用", "database": "ok", "queue": "不可用"}


def test_a_server_that_cannot_reach_its_database_answers_503(tmp_path):
    """A real process whose database cannot be opened (no such directory): the probe says so, with no details."""
    code = ("import django; django.setup(); from django.test import Client; "
            "r = Client().get('/healthz/'); print(r.status_code, r.content.decode())")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINZHENG_", "DATABASE_URL", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="minzheng.settings", MINZHENG_SECRET_KEY="x" * 60, MINZHENG_HTTPS="0",
               MINZHENG_ALLOWED_HOSTS="testserver", DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/db.sqlite3",
               MINZHENG_TASKS_BACKEND="django_tasks_db.DatabaseBackend", MINZHENG_AUDIT_KEY="k" * 32)
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    status, body = run.stdout.strip().split(" ", 1)
    assert status == "503", run.stderr
    assert json.loads(body) == {"status": "不可用", "database": "不可用", "queue": "不可用"}
    assert "sqlite" not in body and "missing" not in body


@pytest.mark.django_db
def test_the_probe_is_exempt_from_the_https_redirect(client):
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert client.get("/healthz/").status_code == 200
        assert client.get("/login/").status_code == 301


@pytest.mark.django_db
def test_every_log_line_of_a_request_carries_its_id(client, people, caplog):
    """The balancer sends its own id; an unsafe one is replaced. The access line and any warning logged while the
    request runs carry the same id, and the line is JSON."""
    from minzheng.core.requestlog import JsonFormatter, RequestIdFilter

    client.force_login(people["village_worker"])
    with caplog.at_level(logging.INFO, logger="minzheng.request"):
        r = client.get("/", HTTP_X_REQUEST_ID="lb-7f3a91")
    assert r["X-Request-ID"] == "lb-7f3a91"
    access = [rec for rec in caplog.records if rec.name == "minzheng.request"]
    assert access and access[-1].status == 200 and access[-1].path == "/"
    line = json.loads(JsonFormatter().format(access[-1]))
    RequestIdFilter().filter(access[-1])
    assert line["request_id"] == "lb-7f3a91" and line["user_id"] == people["village_worker"].pk

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="minzheng.request"):
        r = client.get("/", HTTP_X_REQUEST_ID="x\nforged: 1")
    assert r["X-Request-ID"] != "x\nforged: 1" and len(r["X-Request-ID"]) == 32


def test_a_warning_logged_inside_a_request_gets_the_request_id():
    from minzheng.core.requestlog import RequestIdFilter, _request_id

    record = logging.LogRecord("minzheng.api", logging.WARNING, __file__, 1, "数据库繁忙", None, None)
    token = _request_id.set("req-42")
    try:
        RequestIdFilter().filter(record)
    finally:
        _request_id.reset(token)
    assert record.request_id == "req-42"
