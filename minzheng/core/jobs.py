"""Leases for long background jobs (imports, roster runs).

A job being worked on carries `heartbeat_at`, refreshed every few seconds by a thread of the worker process while
the job runs (even while one long statement is executing). When the worker dies — killed, out of memory, the
machine restarted — the heartbeats stop; once the lease (settings.JOB_LEASE_SECONDS) has run out, the job is
abandoned: the user may discard or retry it, and every running worker (manage.py db_worker) resumes it (a fresh,
idempotent rerun) or, after settings.JOB_MAX_ATTEMPTS tries, marks it interrupted with a clear message.

Each app with such jobs lists its recover function in settings.JOB_RECOVERERS; core knows no app.
"""

import datetime as dt
import logging
import threading

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


def lease_seconds() -> float:
    return float(settings.JOB_LEASE_SECONDS)


def max_attempts() -> int:
    return int(settings.JOB_MAX_ATTEMPTS)


def lease_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """A heartbeat older than this means the job's worker is gone."""
    return (now or timezone.now()) - dt.timedelta(seconds=lease_seconds())


def lease_expired(heartbeat_at: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    return heartbeat_at is None or heartbeat_at < lease_cutoff(now)


class Heartbeat:
    """`with Heartbeat(queryset):` keeps `heartbeat_at` of the rows in `queryset` fresh while the block runs.

    The beats come from a thread with its own connection. Inside an enclosing transaction (tests running tasks
    in-process) there is no thread: the job's row is not visible to another connection there anyway."""

    def __init__(self, queryset):
        self.queryset = queryset
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def _beat(self) -> None:
        interval = max(lease_seconds() / 4, 0.2)
        try:
            while not self.stop.wait(interval):
                try:
                    self.queryset.update(heartbeat_at=timezone.now())
                except Exception:  # a busy database must not kill the job; the next beat tries again
                    log.warning("job heartbeat failed", exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections

    def __enter__(self):
        if not connection.in_atomic_block:
            self.thread = threading.Thread(target=self._beat, name="job-heartbeat", daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        if self.thread is not None:
            self.thread.join()
        return False


def recover_abandoned() -> dict[str, int]:
    """Resume or mark interrupted every job whose lease ran out; {recoverer: jobs handled}."""
    done = {}
    for path in settings.JOB_RECOVERERS:
        done[path] = import_string(path)()
    return done


class Recovery:
    """A thread of a worker process that runs recover_abandoned() every half lease."""

    def __init__(self):
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="job-recovery", daemon=True)

    def _run(self) -> None:
        try:
            while True:
                try:
                    handled = recover_abandoned()
                    if any(handled.values()):
                        log.warning("abandoned jobs recovered: %s", handled)
                except Exception:
                    log.warning("job recovery failed", exc_info=True)
                if self.stop.wait(max(lease_seconds() / 2, 0.5)):
                    return
        finally:
            connections.close_all()

    def start(self) -> "Recovery":
        self.thread.start()
        return self
