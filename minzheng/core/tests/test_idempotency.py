"""A retried POST runs once (core/idempotency.py).

HAProxy resends a request whose app server closed without answering; 黄志强's API client resends a request that
timed out. Both carry the first attempt's key (the balancer's X-Request-ID, the client's Idempotency-Key): a retry
of a committed request is answered from its record and writes nothing again; a retry of a failed one runs anew;
麦嘉怡 using the same key never sees 黄志强's answer; GETs and requests without a key run as they always did."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minzheng.core.idcard import make_id_number
from minzheng.core.idempotency import REPLAYED_HEADER, purge_expired
from minzheng.core.models import AuditEntry, IdempotentRequest
from minzheng.core.tests import idem_urls
from minzheng.registry.models import Person

STAND_INS = "minzheng.core.tests.idem_urls"


@pytest.fixture(autouse=True)
def _fresh_stand_ins():
    idem_urls.reset()
    yield
    idem_urls.gate["release"].set()


def _entries(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def _person_form(area) -> dict:
    return {"id_number": make_id_number("440704", dt.date(1948, 2, 2), 21), "name": "周阿婆", "sex": "",
            "birth_date": "", "hukou_area": area.pk, "residence_area": area.pk, "address": "英南村二巷5号",
            "phone": "", "disability_category": "", "disability_grade": "", "bank_name": "", "bank_account": ""}


def test_a_registration_resent_by_the_balancer_after_its_commit_registers_once_and_answers_the_same(
        client, people, areas):
    client.force_login(people["village_worker"])
    first = client.post(reverse("web:person_create"), _person_form(areas["yingnan"]), HTTP_X_REQUEST_ID="lb-4f1c0a")
    retry = client.post(reverse("web:person_create"), _person_form(areas["yingnan"]), HTTP_X_REQUEST_ID="lb-4f1c0a")

    person = Person.objects.get(name="周阿婆")
    assert first.status_code == retry.status_code == 302
    assert first["Location"] == retry["Location"] == reverse("web:person_detail", args=[person.pk])
    assert REPLAYED_HEADER not in first and retry[REPLAYED_HEADER] == "true"
    assert retry["X-Request-ID"] == "lb-4f1c0a"
    assert Person.objects.count() == 1 and _entries("person.create") == 1


def test_an_api_client_resending_with_its_idempotency_key_gets_the_same_201_and_one_person(client, people):
    client.force_login(people["jianghai_approver"])
    body = {"id_number": make_id_number("440704", dt.date(1952, 5, 6), 33), "name": "何伯",
            "hukou_area_code": "440704003001", "residence_area_code": "440704003001"}
    first = client.post("/api/persons", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="hzq-0001")
    retry = client.post("/api/persons", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="hzq-0001")

    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content and retry["Content-Type"] == first["Content-Type"]
    assert Person.objects.filter(name="何伯").count() == 1 and _entries("person.create") == 1

    other = client.post("/api/persons", body | {"name": "何伯伯"}, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="hzq-0001")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert "另一个请求" in other.json()["message"] and Person.objects.count() == 1


@pytest.mark.urls(STAND_INS)
def test_two_users_with_the_same_key_each_get_their_own_answer(people):
    huang, mai = Client(), Client()
    huang.force_login(people["jianghai_approver"])
    mai.force_login(people["jianghai_checker"])

    h1 = huang.post("/pay/", {"amount": "500.00"}, HTTP_IDEMPOTENCY_KEY="same-key")
    m1 = mai.post("/pay/", {"amount": "80.00"}, HTTP_IDEMPOTENCY_KEY="same-key")
    h2 = huang.post("/pay/", {"amount": "500.00"}, HTTP_IDEMPOTENCY_KEY="same-key")
    m2 = mai.post("/pay/", {"amount": "80.00"}, HTTP_IDEMPOTENCY_KEY="same-key")

    assert h1.json()["amount"] == h2.json()["amount"] == "500.00" and h1.content == h2.content
    assert m1.json()["amount"] == m2.json()["amount"] == "80.00" and m1.content == m2.content
    assert h1["Location"] != m1["Location"]
    assert idem_urls.ran["pay"] == 2 and _entries("payment.pay") == 2
    assert IdempotentRequest.objects.filter(key="key:same-key").count() == 2


@pytest.mark.urls(STAND_INS)
def test_an_anonymous_caller_guessing_a_key_is_not_answered_from_anothers_record(people):
    first, stranger = Client(), Client()
    assert first.post("/pay/", {"amount": "12.00"}, HTTP_X_REQUEST_ID="guessable-1").status_code == 201
    guess = stranger.post("/pay/", {"amount": "0.01"}, HTTP_X_REQUEST_ID="guessable-1")

    assert REPLAYED_HEADER not in guess and guess.json()["amount"] == "0.01"  # its own request, run, not a replay
    assert idem_urls.ran["pay"] == 2


@pytest.mark.urls(STAND_INS)
def test_a_first_attempt_that_crashes_leaves_no_key_and_its_retry_runs(people):
    client = Client(raise_request_exception=False)
    client.force_login(people["jianghai_approver"])

    crashed = client.post("/flaky/", {"amount": "300.00"}, HTTP_X_REQUEST_ID="lb-crash-1")
    assert crashed.status_code == 500
    assert _entries("payment.flaky") == 0 and not IdempotentRequest.objects.exists()  # its write rolled back too

    retry = client.post("/flaky/", {"amount": "300.00"}, HTTP_X_REQUEST_ID="lb-crash-1")
    assert retry.status_code == 201 and REPLAYED_HEADER not in retry
    assert idem_urls.ran["flaky"] == 2 and _entries("payment.flaky") == 1
    assert IdempotentRequest.objects.get().status == 201


def test_a_get_and_a_post_without_a_key_run_as_before(client, people, areas):
    client.force_login(people["village_worker"])
    for _ in range(2):
        assert client.get(reverse("web:person_create"), HTTP_X_REQUEST_ID="lb-get-1").status_code == 200
    form = _person_form(areas["yingnan"])
    assert client.post(reverse("web:person_create"), form).status_code == 302
    again = client.post(reverse("web:person_create"), form)
    assert again.status_code == 400 and REPLAYED_HEADER not in again  # ran again: "already registered"
    assert not IdempotentRequest.objects.exists()


def test_signing_in_keeps_no_record(client, people):
    response = client.post(reverse("web:login"), {"username": "huangzq", "password": "Minzheng#2026"},
                           HTTP_X_REQUEST_ID="lb-login-1")
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert not IdempotentRequest.objects.exists()  # the answer works only with its new session cookie


@pytest.mark.urls(STAND_INS)
def test_a_streamed_file_is_not_kept_and_its_repeat_is_told_it_was_done(people):
    client = Client()
    client.force_login(people["jianghai_approver"])
    first = client.post("/export/", HTTP_X_REQUEST_ID="lb-export-1")
    assert b"".join(first.streaming_content).decode() == "0,发放\n1,发放\n2,发放\n"

    repeat = client.post("/export/", HTTP_X_REQUEST_ID="lb-export-1")
    assert repeat.status_code == 409 and repeat[REPLAYED_HEADER] == "true"
    assert "已经处理完成" in repeat.content.decode()
    assert idem_urls.ran["export"] == 1 and _entries("payment.export") == 1


def test_a_malformed_idempotency_key_is_refused_in_chinese(client, people):
    client.force_login(people["jianghai_approver"])
    response = client.post("/api/persons", {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="有 空格")
    assert response.status_code == 400 and response.json()["code"] == "bad_idempotency_key"
    assert "Idempotency-Key" in response.json()["message"]


@pytest.mark.urls(STAND_INS)
def test_records_older_than_a_day_are_purged_and_their_key_runs_again(people, settings):
    client = Client()
    client.force_login(people["jianghai_approver"])
    client.post("/pay/", {"amount": "1.00"}, HTTP_IDEMPOTENCY_KEY="old-key")
    client.post("/pay/", {"amount": "2.00"}, HTTP_IDEMPOTENCY_KEY="new-key")
    IdempotentRequest.objects.filter(key="key:old-key").update(
        created_at=timezone.now() - dt.timedelta(hours=settings.IDEMPOTENCY_KEEP_HOURS, minutes=1))

    assert purge_expired() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["key:new-key"]
    again = client.post("/pay/", {"amount": "1.00"}, HTTP_IDEMPOTENCY_KEY="old-key")
    assert REPLAYED_HEADER not in again and idem_urls.ran["pay"] == 3


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'")
        return cur.fetchone()[0]


@pytest.mark.urls(STAND_INS)
@pytest.mark.django_db(transaction=True)
def test_a_duplicate_arriving_while_the_first_still_runs_waits_and_is_answered_from_its_record(people):
    """黄志强's payment is still running when the balancer's retry of it reaches the other server."""
    idem_urls.gate["hold"] = True
    answers: dict = {}

    def send(name: str) -> None:
        try:
            client = Client()
            client.force_login(people["jianghai_approver"])
            answers[name] = client.post("/pay/", {"amount": "500.00"}, HTTP_X_REQUEST_ID="lb-slow-1")
        finally:
            connections["default"].close()

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert idem_urls.gate["entered"].wait(20)  # written, not yet committed
    idem_urls.gate["hold"] = False
    retry = threading.Thread(target=send, args=("retry",))
    retry.start()
    deadline = time.monotonic() + 20
    if connection.vendor == "postgresql":  # the retry's insert of the key waits on the first one's row
        while _waiting_on_a_lock() < 1:
            assert time.monotonic() < deadline, "the retry did not wait on the key"
            time.sleep(0.05)
    else:
        time.sleep(0.5)  # SQLite: the retry's IMMEDIATE transaction waits for the write lock
    assert retry.is_alive() and idem_urls.ran["pay"] == 1

    idem_urls.gate["release"].set()
    first.join(30)
    retry.join(30)
    assert answers["first"].status_code == answers["retry"].status_code == 201
    assert answers["retry"].content == answers["first"].content and answers["retry"][REPLAYED_HEADER] == "true"
    assert idem_urls.ran["pay"] == 1 and _entries("payment.pay") == 1
