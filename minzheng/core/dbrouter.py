"""Reads that may lag go to the streaming replica; everything else to the primary.

Dashboards, reports and exports (settings.REPLICA_READ_VIEWS) read from the `replica` database when one is
configured (MINZHENG_REPLICA_URL), it answers and its replay lag is within REPLICA_MAX_LAG_SECONDS; otherwise they
fall back to the primary with a warning in the log. Writes always go to the primary, and so do reads inside a
transaction on the primary (a service reading what it is about to change, the audit chain's head).

Read-your-writes: a request that wrote pins its session to the primary for REPLICA_PIN_SECONDS, so the user who
just saved something sees it on the next dashboard even while the replica catches up.
"""

import contextvars
import logging
import time

from django.conf import settings
from django.db import DatabaseError, connections

log = logging.getLogger(__name__)
REPLICA = "replica"
PIN_KEY = "_mz_primary_until"
_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("mz_use_replica", default=False)
_writes: contextvars.ContextVar[list | None] = contextvars.ContextVar("mz_writes", default=None)
# Writes that say nothing about the user's data: the session (the pin itself), the shared throttle cache and the
# replay record of a request (core/idempotency.py; the request's own writes count).
_NOT_A_WRITE = {"sessions.Session", "accounts.LoginThrottle", "core.IdempotentRequest"}
# Behind = the replica has not replayed up to the primary's current WAL position; then the lag is the age of the last
# transaction it replayed (how stale its copy is). Both positions come from the servers themselves.
_REPLICA_SQL = """SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,
    EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"""
_state = {"checked": 0.0, "usable": False}


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_lag_seconds() -> float:
    """The replica's replay lag (0 when it has applied everything it received). Raises DatabaseError if down."""
    with connections[REPLICA].cursor() as cur:
        cur.execute(_REPLICA_SQL)
        in_recovery, replayed, age = cur.fetchone()
    if not in_recovery:
        raise DatabaseError("the replica database is not in recovery (not a standby)")
    with connections["default"].cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn() <= %s::pg_lsn", [replayed])
        caught_up = cur.fetchone()[0]
    lag = 0.0 if caught_up else (float(age) if age is not None else 1e9)
    return lag


def replica_usable() -> bool:
    """Probe the replica at most every REPLICA_CHECK_SECONDS per process; warn when falling back."""
    now = time.monotonic()
    if now - _state["checked"] < settings.REPLICA_CHECK_SECONDS:
        return bool(_state["usable"])
    usable = False
    try:
        lag = replica_lag_seconds()
    except DatabaseError as e:
        log.warning("只读副本不可用，报表与仪表盘改读主库：%s", str(e).strip().splitlines()[0] if str(e) else e)
        connections[REPLICA].close()
    else:
        usable = lag <= settings.REPLICA_MAX_LAG_SECONDS
        if not usable:
            log.warning("只读副本延迟%.1f秒，超过%s秒的上限，报表与仪表盘改读主库", lag,
                        settings.REPLICA_MAX_LAG_SECONDS)
    _state.update(checked=now, usable=usable)
    return usable


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _use_replica.get() and not connections["default"].in_atomic_block:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        writes = _writes.get()
        if writes is not None and model._meta.label not in _NOT_A_WRITE:
            writes.append(model._meta.label)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: its rows relate to the primary's

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary's WAL, migrations included


def count_as_write(label: str) -> None:
    """A request answered without running its view (a retry answered from its first attempt's record) pins the
    session as that first attempt did, which may have died before saving the session."""
    writes = _writes.get()
    if writes is not None:
        writes.append(label)


def _routed(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    return match.view_name in settings.REPLICA_READ_VIEWS or any(
        request.path.startswith(p) for p in settings.REPLICA_READ_PATHS if request.method in ("GET", "HEAD"))


def _pinned(request) -> bool:
    session = getattr(request, "session", None)
    return session is not None and float(session.get(PIN_KEY, 0)) > time.time()


class ReplicaMiddleware:
    """After the session and authentication middleware: decides per request, records writes for the pin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        writes: list[str] = []
        token = _writes.set(writes)
        try:
            response = self.get_response(request)
        finally:
            _writes.reset(token)
            _use_replica.set(False)
        if writes and hasattr(request, "session"):
            request.session[PIN_KEY] = time.time() + settings.REPLICA_PIN_SECONDS
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if replica_configured() and _routed(request) and not _pinned(request) and replica_usable():
            _use_replica.set(True)
        return None
