"""A real background worker for tests on PostgreSQL: `manage.py db_worker` in a subprocess, on the test database,
with the test's media folder, audit key and job lease."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def wait_for(condition, what: str, timeout: float = 120.0):
    """Poll until condition() is truthy (a generous bound for a loaded machine; not a speed assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Worker:
    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.proc: subprocess.Popen | None = None
        self.runs = 0

    def env(self) -> dict:
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        key = settings.AUDIT_HMAC_KEY
        return {**os.environ, "DJANGO_SETTINGS_MODULE": "minzheng.settings", "DATABASE_URL": url,
                "MINZHENG_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
                "MINZHENG_MEDIA_ROOT": str(settings.MEDIA_ROOT),
                "MINZHENG_AUDIT_KEY": key.decode() if isinstance(key, bytes) else key,
                "MINZHENG_JOB_LEASE_SECONDS": str(settings.JOB_LEASE_SECONDS)}

    def start(self) -> "Worker":
        self.runs += 1
        out = open(self.log_dir / f"worker-{self.runs}.log", "wb")  # noqa: SIM115 (kept open for the process)
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-reload", "--no-startup-delay",
             "--interval", "0.2", "--queue-name", "*"], cwd=ROOT, env=self.env(), stdout=out, stderr=out)
        return self

    def kill(self) -> None:
        """SIGKILL: no cleanup, no rollback message — as when the machine or the OOM killer stops it."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.log_dir.glob("worker-*.log")))


def backend_waiting_on_lock(query_start: str):
    """pid of a server backend blocked on a lock while running a statement that starts with query_start."""
    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE %s",
                    [query_start + "%"])
        row = cur.fetchone()
    return row[0] if row else None


def backend_gone(pid: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cur.fetchone() is None
