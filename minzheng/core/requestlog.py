"""Structured logs with a request id.

Every request gets an id (the load balancer's X-Request-ID when it sent a sane one, else a fresh one), echoed in the
response header; every log line written while the request runs carries it, so one request can be followed across
the app server, the access line and an error. Lines are JSON (one object a line) for the log collector."""

import contextvars
import json
import logging
import re
import time
import uuid

from django.conf import settings

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("minzheng_request_id", default="-")
# Only ids that cannot smuggle anything into a log line or a header.
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
access_log = logging.getLogger("minzheng.request")


def is_sane_request_id(value: str) -> bool:
    """The rule for adopting a given id (HAProxy's config applies the same one before adding its own)."""
    return bool(_SANE_ID.match(value))


def current_request_id() -> str:
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (a handler filter, so records of any logger get it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    _EXTRA = ("request_id", "method", "path", "status", "duration_ms", "user_id", "remote_addr")

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in self._EXTRA:
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get(settings.REQUEST_ID_HEADER, "")
        rid = given if is_sane_request_id(given) else uuid.uuid4().hex
        token = _request_id.set(rid)
        request.request_id = rid
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            user = getattr(request, "user", None)
            access_log.info("%s %s %s", request.method, request.path, response.status_code, extra={
                "method": request.method, "path": request.path, "status": response.status_code,
                "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                "user_id": getattr(user, "pk", None), "remote_addr": request.META.get("REMOTE_ADDR", "")})
            return response
        finally:
            _request_id.reset(token)
