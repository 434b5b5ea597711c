"""Test settings: the real stack, with tasks run in-process and a fast password hasher."""

import os
import tempfile as _tempfile

# Tests set their own key and run over plain http (the test client); before settings.py reads them.
os.environ.setdefault("MINZHENG_SECRET_KEY", "test-only-secret-key-" + "x7Qp2mVn9sLk4RtW8bYc3HjF6dGz1aUe5NwK0")
os.environ["MINZHENG_HTTPS"] = "0"

from .settings import *  # noqa: E402, F403

TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
# Checkpoints of the audit chain go to a fresh file per test process, never to the demo's var/ file.
AUDIT_CHECKPOINT_PATH = Path(_tempfile.mkdtemp(prefix="minzheng-test-audit-")) / "checkpoints.jsonl"  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405  (no idle connections left to block test-DB teardown)
if "replica" in DATABASES:  # noqa: F405
    DATABASES["replica"]["CONN_MAX_AGE"] = 0  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than shared-cache memory: tests of two transactions racing (e.g. two approvers at once) need
    # SQLite's real locking (IMMEDIATE + busy timeout); shared-cache memory fails at once with "table is locked".
    # One file per test process, so suites run side by side do not share it.
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"minzheng-test-{os.getpid()}.sqlite3")}
