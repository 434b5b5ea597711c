"""gunicorn settings for scripts/serve.sh (each overridable from the environment)."""

import multiprocessing
import os

bind = os.environ.get("MINZHENG_BIND", "127.0.0.1:8000")
# Sync workers: Django's ORM is synchronous; two per core plus one is gunicorn's own advice.
workers = int(os.environ.get("MINZHENG_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("MINZHENG_WEB_THREADS", "1"))
timeout = int(os.environ.get("MINZHENG_WEB_TIMEOUT", "120"))  # reports and exports may take a while
graceful_timeout = 30  # SIGTERM: finish the requests in flight, accept no new ones
max_requests = 2000  # recycle workers now and then (a slow leak never grows unbounded)
max_requests_jitter = 200
accesslog = None  # the app's own JSON access line (minzheng.request) carries the request id
errorlog = "-"
forwarded_allow_ips = os.environ.get("MINZHENG_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "minzheng"
preload_app = True  # import Django and every router once, before forking (a cold first request is slow)
