"""A retried unsafe request is answered from the record of its first attempt instead of running twice.

Why: HAProxy (deploy/haproxy.cfg) resends a request to the other app server when the first one closed the
connection without a byte of answer. Usually nothing of it ran, but a gunicorn worker killed after its transaction
committed and before it wrote the answer also answers nothing, and a plain resend would then record the payment, the
order or the audit entry a second time. API clients retry on their own after a timeout for the same reason.

Which requests: POST, PUT, PATCH and DELETE that carry an `Idempotency-Key` header (an API client's key, one per
operation, sent again only with a retry of that operation) or, failing that, the `X-Request-ID` the load balancer
gives every request and keeps on every retry of it. Everything else — GET and HEAD, and unsafe requests with neither
header (the demo server without a load balancer, the test client) — runs exactly as before.

How, for such a request:
1. One transaction spans the view. Its first statement inserts the key's row; the row's unique constraint on
   (key, scope) is the lock. The scope is the signed-in user, else the session, else "anon", so a key only ever
   finds its own requester's record; and the request's fingerprint (an HMAC of method, path and body) must match
   the record's too, which also keeps one anonymous caller from reading another's answer by guessing a key.
2. The view runs inside that transaction. A service's own `transaction.atomic()` becomes a savepoint: a service that
   fails rolls back its own writes as before, and the view answers the error as before. `on_commit` hooks (the
   audit chain's sealing, enqueued tasks) run when this transaction commits, right before the answer leaves.
3. An answer below 500 is stored on the row (status, the headers that matter, the body) and commits with the view's
   writes: both or neither. An answer of 500 or more rolls everything back, the key included, so a retry runs anew
   (without a key, a view that wrote and then crashed keeps what it wrote, as before).
4. A repeat of a committed key is answered from the record (header `Idempotent-Replayed: true`) without running the
   view. A repeat arriving while the first attempt still runs waits on the row's unique constraint (PostgreSQL
   blocks the second insert until the first transaction ends; SQLite's IMMEDIATE transactions wait for the write
   lock) and is then answered from the record, or, if the first attempt rolled back, runs normally.

Limits (documented in the README):
- Files and large pages are not stored: a streamed answer (FileResponse, CSV streams) or a body above
  IDEMPOTENCY_MAX_STORED_BYTES keeps only its status; its repeat is answered 409 in Chinese ("already done") rather
  than run again.
- Only Location, Content-Type, Content-Disposition and htmx's HX-* headers are replayed; cookies are not, so a flash
  message of the first attempt is lost on a replay. A request that signs someone in or out (its answer only works
  with its new session cookie) keeps no record: its retry signs in again, which writes nothing twice that matters.
- Records are kept IDEMPOTENCY_KEEP_HOURS (a day) and purged by each process at most every ten minutes, one indexed
  DELETE; an Idempotency-Key reused after that runs again.
- The same Idempotency-Key on a different request (method, path or body) is refused with 422; the same
  X-Request-ID on a different request is not a retry and runs without a record.
"""

import datetime as dt
import hashlib
import hmac
import logging
import re
import time

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.utils import timezone

from . import dbrouter
from .models import IdempotentRequest
from .requestlog import is_sane_request_id

log = logging.getLogger(__name__)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("Location", "Content-Type", "Content-Disposition")
# A client's key: printable, no spaces or quotes (a UUID, a ULID, a base64 token).
_CLIENT_KEY = re.compile(r"^[A-Za-z0-9._:+/=-]{1,128}$")
_HASHED_BODY_LIMIT = 1024 * 1024  # bodies above this (or multipart ones, already parsed) count by their length
_PURGE_EVERY_SECONDS = 600
_last_purge = {"at": -float(_PURGE_EVERY_SECONDS)}

MSG_BAD_KEY = "请求头 Idempotency-Key 的格式不对：应为1至128个字母、数字或 . _ : + / = - 字符"
MSG_KEY_REUSED = "这个 Idempotency-Key 已用于另一个请求（方法、地址或内容不同），请为新的操作使用新的键"
MSG_NOT_KEPT = ("这个请求已经处理完成，但其结果（文件或较大的页面）没有保存，无法再次显示；"
                "请回到页面查看结果，不要重复提交")


class _KeyTaken(Exception):
    """The key's row exists and is committed: answer from it."""


def request_key(request) -> str | None:
    """The request's replay key: "key:<Idempotency-Key>" or "rid:<X-Request-ID>", or None (no protection).
    Raises ValueError for a malformed Idempotency-Key (the client asked for protection it would not get)."""
    given = request.META.get("HTTP_IDEMPOTENCY_KEY")
    if given is not None:
        if not _CLIENT_KEY.match(given):
            raise ValueError(given)
        return f"key:{given}"
    rid = request.META.get(settings.REQUEST_ID_HEADER, "")
    return f"rid:{rid}" if is_sane_request_id(rid) else None


def _user_id(request):
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def _scope(request) -> str:
    user_id = _user_id(request)
    if user_id is not None:
        return f"u:{user_id}"
    session = getattr(request, "session", None)
    session_key = getattr(session, "session_key", None)
    return f"s:{session_key}" if session_key else "anon"


def _fingerprint(request) -> str:
    """HMAC (the site's secret key: no body can be guessed back from it) of method, path, query and body."""
    digest = hmac.new(settings.SECRET_KEY.encode(), digestmod=hashlib.sha256)
    for part in (request.method, request.get_full_path(), request.META.get("CONTENT_TYPE", "")):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = None
    if length <= min(_HASHED_BODY_LIMIT, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or _HASHED_BODY_LIMIT):
        try:
            body = request.body
        except RawPostDataException:  # multipart, already parsed (and its files streamed to disk)
            body = None
    digest.update(body if body is not None else f"length:{length}".encode())
    return digest.hexdigest()


def _answer(request, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message}, status=status,
                            json_dumps_params={"ensure_ascii": False})
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _keep(row: IdempotentRequest, response) -> None:
    row.status = response.status_code
    row.headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    row.headers.update({name: value for name, value in response.items() if name.lower().startswith("hx-")})
    if not response.streaming and len(response.content) <= settings.IDEMPOTENCY_MAX_STORED_BYTES:
        row.body = response.content
    row.save(update_fields=["status", "headers", "body"])


def _replay(request, row: IdempotentRequest) -> HttpResponse:
    dbrouter.count_as_write(IdempotentRequest._meta.label)  # pin the session to the primary as the first attempt did
    if row.body is None:
        response = _answer(request, 409, "already_done", MSG_NOT_KEPT)
    else:
        response = HttpResponse(bytes(row.body), status=row.status)
        for name, value in row.headers.items():
            response[name] = value
    response[REPLAYED_HEADER] = "true"
    log.warning("retried request answered from its record: %s %s (first answer %s at %s)", request.method,
                request.path, row.status, row.created_at.isoformat())
    return response


def purge_expired(*, now: dt.datetime | None = None) -> int:
    """Delete the records older than IDEMPOTENCY_KEEP_HOURS; returns how many (one DELETE over an index)."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.IDEMPOTENCY_KEEP_HOURS)
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _purge_now_and_then() -> None:
    if time.monotonic() - _last_purge["at"] < _PURGE_EVERY_SECONDS:
        return
    _last_purge["at"] = time.monotonic()
    try:
        purge_expired()
    except DatabaseError:  # a busy database must not fail the request that happened to purge; the next one tries
        log.warning("purging old request records failed", exc_info=True)


class IdempotencyMiddleware:
    """Last in MIDDLEWARE: after sessions and authentication (the scope), around the view only, so the outer
    middleware (session saving, security headers, the request id) serve a replayed answer like any other."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in UNSAFE_METHODS:
            return self.get_response(request)
        try:
            key = request_key(request)
        except ValueError:
            return _answer(request, 400, "bad_idempotency_key", MSG_BAD_KEY)
        if key is None:
            return self.get_response(request)
        scope, fingerprint = _scope(request), _fingerprint(request)
        for _ in range(3):  # a taken key whose row is gone by the time it is read (purged, or a very rare race)
            try:
                return self._first_attempt(request, key, scope, fingerprint)
            except _KeyTaken:
                pass
            row = IdempotentRequest.objects.using("default").filter(key=key, scope=scope).first()  # never a replica
            if row is None:
                continue
            if hmac.compare_digest(row.fingerprint, fingerprint):
                return _replay(request, row)
            if key.startswith("key:"):
                return _answer(request, 422, "idempotency_key_reused", MSG_KEY_REUSED)
            break  # the same X-Request-ID on another request: not a retry of it
        log.warning("request key %s already used by another request; running without a record", key)
        return self.get_response(request)

    def _first_attempt(self, request, key: str, scope: str, fingerprint: str):
        user_before = _user_id(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    row = IdempotentRequest.objects.create(key=key, scope=scope, fingerprint=fingerprint,
                                                           created_at=timezone.now())
            except IntegrityError:
                raise _KeyTaken from None
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)  # the writes and the key: a retry runs anew
            elif _user_id(request) != user_before:
                row.delete()  # signed in or out: the answer needs its new session cookie, a retry may run again
            else:
                _keep(row, response)
        _purge_now_and_then()
        return response
