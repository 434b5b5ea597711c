"""Settings for 智慧民政. Everything deployment-specific comes from the environment."""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "data"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value in ("1", "true", "yes", "on")


def _secret_key() -> str:
    """From MINZHENG_SECRET_KEY, or the file MINZHENG_SECRET_KEY_FILE names (scripts/start.sh writes one for the
    demo into var/, which git ignores). No built-in default: a key everybody knows signs nobody's sessions."""
    key = os.environ.get("MINZHENG_SECRET_KEY", "").strip()
    path = os.environ.get("MINZHENG_SECRET_KEY_FILE", "").strip()
    if not key and path:
        try:
            key = Path(path).read_text(encoding="utf-8").strip()
        except OSError as e:
            raise ImproperlyConfigured(f"无法读取 MINZHENG_SECRET_KEY_FILE 指定的密钥文件：{e.strerror}") from None
    if not key:
        raise ImproperlyConfigured(
            "未设置密钥：请在环境变量 MINZHENG_SECRET_KEY（或 MINZHENG_SECRET_KEY_FILE 指向的文件）中"
            "提供至少50个字符的随机密钥；本地演示请用 bash scripts/start.sh 启动，它会自动生成")
    return key


SECRET_KEY = _secret_key()
# Off unless explicitly asked: the debug pages print settings and every URL pattern.
DEBUG = _flag("MINZHENG_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("MINZHENG_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("MINZHENG_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

# HTTPS (on by default: secure cookies, HSTS, redirect to https). The local demo (scripts/start.sh, plain http on
# 127.0.0.1) and the tests turn it off with MINZHENG_HTTPS=0. Behind a reverse proxy that terminates TLS, set
# MINZHENG_BEHIND_PROXY=1 so X-Forwarded-Proto is trusted, and MINZHENG_SSL_REDIRECT=0 if the proxy redirects.
HTTPS = _flag("MINZHENG_HTTPS", True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and _flag("MINZHENG_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("MINZHENG_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("MINZHENG_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _flag("MINZHENG_HSTS_PRELOAD", True)
BEHIND_PROXY = _flag("MINZHENG_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The load balancer probes the app servers over plain http on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # Swagger UI from django-ninja's own static files (no CDN: /api/docs works offline)
    "minzheng.core",  # before django_tasks_db: core's db_worker (which also recovers abandoned jobs) wins
    "django_tasks_db",
    "minzheng.areas",
    "minzheng.accounts",
    "minzheng.registry",
    "minzheng.policy",
    "minzheng.assistance",
    "minzheng.verification",
    "minzheng.payroll",
    "minzheng.eldercare",
    "minzheng.children",
    "minzheng.monitoring",
    "minzheng.carefacility",
    "minzheng.homecare",
    "minzheng.timebank",
    "minzheng.socialorgs",
    "minzheng.socialwork",
    "minzheng.volunteers",
    "minzheng.community",
    "minzheng.marriage",
    "minzheng.funeral",
    "minzheng.placenames",
    "minzheng.rehab",
    "minzheng.charity",
    "minzheng.lottery",
    "minzheng.vagrancy",
    "minzheng.lowincome",
    "minzheng.batch",
    "minzheng.portal",
    "minzheng.web",
    "minzheng.demo",
]

MIDDLEWARE = [
    "minzheng.core.requestlog.RequestIdMiddleware",  # first: every later log line carries the request id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, which reads request.POST: a malformed body is answered in Chinese (web/middleware.py).
    "minzheng.web.middleware.BadInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "minzheng.web.middleware.PasswordExpiryMiddleware",
    "minzheng.core.dbrouter.ReplicaMiddleware",  # dashboards/reports/exports may read the replica (below)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: around the view only. A retried POST/PUT/PATCH/DELETE (same Idempotency-Key or load-balancer
    # X-Request-ID) is answered from its first attempt's record instead of running twice (core/idempotency.py).
    "minzheng.core.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "minzheng.urls"
WSGI_APPLICATION = "minzheng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite (WAL, IMMEDIATE transactions so the audit chain serialises) by default;
# DATABASE_URL=postgres://... for production and CI.
# An empty DATABASE_URL= (e.g. a blank line in an env file) means the default, not a crash.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{BASE_DIR / 'var' / 'minzheng.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    (BASE_DIR / "var").mkdir(exist_ok=True)

# A PostgreSQL streaming replica for reads that may lag (core/dbrouter.py): dashboards, reports and exports read
# from it while it is up and within REPLICA_MAX_LAG_SECONDS of the primary; the user who just wrote reads the
# primary for REPLICA_PIN_SECONDS (read-your-writes). Without MINZHENG_REPLICA_URL everything reads the primary.
_REPLICA_URL = os.environ.get("MINZHENG_REPLICA_URL", "").strip()
if _REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["OPTIONS"] = {"connect_timeout": 2, "application_name": "minzheng-replica-read"}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests: the primary's test database, as replicated
    DATABASE_ROUTERS = ["minzheng.core.dbrouter.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("MINZHENG_REPLICA_MAX_LAG_SECONDS", "30"))
REPLICA_PIN_SECONDS = float(os.environ.get("MINZHENG_REPLICA_PIN_SECONDS", "15"))
REPLICA_CHECK_SECONDS = float(os.environ.get("MINZHENG_REPLICA_CHECK_SECONDS", "5"))
REPLICA_READ_VIEWS = [
    "monitoring:home", "monitoring:dashboard", "monitoring:compare", "monitoring:screen", "monitoring:indicator",
    "monitoring:report", "monitoring:reported", "web:person_export", "children:export",
]
REPLICA_READ_PATHS = ["/api/monitoring/"]  # GET only

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["minzheng.accounts.backends.ThrottledModelBackend"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"

# GB/T 22239-2019 (等保2.0) 8.1.4.1 a): identification unique, authentication information complex and changed
# periodically. The standard gives no figures; these are the bureau's (accounts/passwords.py), 0 days = no expiry.
PASSWORD_MIN_LENGTH = int(os.environ.get("MINZHENG_PASSWORD_MIN_LENGTH", "8"))
PASSWORD_MIN_CHAR_CLASSES = int(os.environ.get("MINZHENG_PASSWORD_MIN_CHAR_CLASSES", "3"))
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("MINZHENG_PASSWORD_MAX_AGE_DAYS", "90"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "minzheng.accounts.passwords.ComplexityValidator"},
]

# Login failure handling, as GB/T 22239-2019 (等保2.0) 8.1.4.1 b) requires: limit illegal login attempts and lock
# after repeated failures for a period. Counted per account *and* client address (a stranger elsewhere cannot lock
# a real user out), plus a looser limit per client address over all usernames (no spraying). accounts/throttle.py.
LOGIN_MAX_FAILURES = int(os.environ.get("MINZHENG_LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("MINZHENG_LOGIN_LOCKOUT_MINUTES", "15"))
LOGIN_IP_MAX_FAILURES = int(os.environ.get("MINZHENG_LOGIN_IP_MAX_FAILURES", "30"))
LOGIN_IP_LOCKOUT_MINUTES = int(os.environ.get("MINZHENG_LOGIN_IP_LOCKOUT_MINUTES", "15"))
# Reverse proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR, the direct peer).
LOGIN_TRUSTED_PROXIES = int(os.environ.get("MINZHENG_TRUSTED_PROXIES", "1" if BEHIND_PROXY else "0"))

# The window of dates a record may carry (an earlier or later one is a typo, e.g. 0001-01-01 or 9999-12).
# The earliest: 《城市居民最低生活保障条例》(国务院令第271号) in force 1999-10-01, the oldest programme paid here.
RECORDS_EARLIEST_DATE = dt.date.fromisoformat(os.environ.get("MINZHENG_RECORDS_EARLIEST_DATE", "1999-10-01"))
# A roster may be prepared at most this many months ahead of the current month (next month's payroll).
PAYROLL_MONTHS_AHEAD = int(os.environ.get("MINZHENG_PAYROLL_MONTHS_AHEAD", "1"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("MINZHENG_STATIC_ROOT", BASE_DIR / "var" / "static"))
# Production (scripts/serve.sh, after collectstatic): WhiteNoise serves compressed files under content-hashed names,
# cached for a year. Off by default: the manifest exists only after collectstatic.
if _flag("MINZHENG_STATIC_MANIFEST", False):
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
MEDIA_ROOT = Path(os.environ.get("MINZHENG_MEDIA_ROOT", BASE_DIR / "var" / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Background jobs: django.tasks with a database queue (worker: manage.py db_worker).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("MINZHENG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# "throttle": counts and challenges for anonymous writes, in a database table so every server process shares them
# (the table is made by core's migration 0003).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "minzheng_throttle"},
}
RATELIMIT_USE_CACHE = "throttle"
# Public 公示 objections: per address and per notice (security settings, not policy: adjust per deployment).
OBJECTION_RATE_PER_IP = os.environ.get("MINZHENG_OBJECTION_RATE_PER_IP", "5/h")
OBJECTION_RATE_PER_NOTICE = os.environ.get("MINZHENG_OBJECTION_RATE_PER_NOTICE", "30/d")
CHALLENGE_RATE_PER_IP = os.environ.get("MINZHENG_CHALLENGE_RATE_PER_IP", "60/h")
# 居民掌上办: the class that sends one-time login codes (an SMS gateway in production; the console sender writes
# the code to the server log, for the demo and the tests) and the per-address limit on asking for codes.
PORTAL_CODE_SENDER = os.environ.get("MINZHENG_PORTAL_CODE_SENDER", "minzheng.portal.senders.ConsoleSender")
PORTAL_CODE_RATE_PER_IP = os.environ.get("MINZHENG_PORTAL_CODE_RATE_PER_IP", "20/h")

# A background job whose worker stops beating for this long was abandoned (worker killed, machine restarted): the
# user may then retry or discard it, and a running worker resumes it, at most JOB_MAX_ATTEMPTS times in all.
JOB_LEASE_SECONDS = int(os.environ.get("MINZHENG_JOB_LEASE_SECONDS", "60"))
JOB_MAX_ATTEMPTS = int(os.environ.get("MINZHENG_JOB_MAX_ATTEMPTS", "3"))
JOB_RECOVERERS = ["minzheng.registry.importing.import_recover_abandoned",
                  "minzheng.payroll.runs.roster_run_recover_abandoned"]

# Structured logs (one JSON object a line, each with the request id) to stderr, where gunicorn/systemd collect
# them. The access line of every request (logger minzheng.request) is on with MINZHENG_ACCESS_LOG=1 (serve.sh).
REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
# Replay records of unsafe requests (core/idempotency.py). Kept a day, the window Stripe gives its idempotency keys
# (https://docs.stripe.com/idempotency: a key may be pruned once at least 24 hours old, and reused after that it is
# a new request): far beyond HAProxy's retries (seconds) and an API client's retry after a timeout.
# Answers above the size limit (and streamed files) keep only their status: a repeat is told it was done.
IDEMPOTENCY_KEEP_HOURS = int(os.environ.get("MINZHENG_IDEMPOTENCY_KEEP_HOURS", "24"))
IDEMPOTENCY_MAX_STORED_BYTES = int(os.environ.get("MINZHENG_IDEMPOTENCY_MAX_STORED_BYTES", str(512 * 1024)))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "minzheng.core.requestlog.RequestIdFilter"}},
    "formatters": {"json": {"()": "minzheng.core.requestlog.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("MINZHENG_LOG_LEVEL", "WARNING")},
    "loggers": {"minzheng.request": {"level": "INFO" if _flag("MINZHENG_ACCESS_LOG", False) else "WARNING"}},
}


def _local_secret(path: Path) -> bytes:
    """A random key generated once into an untracked local file (demo, tests, single-host installs)."""
    import secrets
    import tempfile

    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # atomic: a concurrent process either wins or reads the winner's key
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip().encode()


# Audit chain: entries are HMAC-SHA256-chained with a secret kept outside the database, so someone who can write
# to the database cannot recompute the chain; checkpoints of the chain head go to an append-only file outside the
# database (manage.py audit_checkpoint, run periodically), so deleting the newest entries is detected too.
AUDIT_HMAC_KEY = os.environ.get("MINZHENG_AUDIT_KEY", "").encode() or _local_secret(
    Path(os.environ.get("MINZHENG_AUDIT_KEY_FILE", BASE_DIR / "var" / "audit-hmac.key")))
AUDIT_CHECKPOINT_PATH = Path(os.environ.get("MINZHENG_AUDIT_CHECKPOINT",
                                            BASE_DIR / "var" / "audit-checkpoints.jsonl"))

# Province batch jobs (minzheng/batch): the default engine runs set-based SQL in this database; "spark" runs the
# same jobs on Apache Spark over Parquet snapshots written from this database. Master: local[N] or spark://host:port.
MINZHENG_BATCH_ENGINE = os.environ.get("MINZHENG_BATCH_ENGINE", "embedded")
MINZHENG_SPARK_MASTER = os.environ.get("MINZHENG_SPARK_MASTER", "local[2]")
MINZHENG_BATCH_DIR = Path(os.environ.get("MINZHENG_BATCH_DIR", BASE_DIR / "var" / "batch"))
MINZHENG_SPARK_PARTITIONS = int(os.environ.get("MINZHENG_SPARK_PARTITIONS", "8"))
MINZHENG_SPARK_DRIVER_MEMORY = os.environ.get("MINZHENG_SPARK_DRIVER_MEMORY", "4g")
