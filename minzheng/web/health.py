"""The load balancer's health check: 200 only when this server can reach its database and its task queue.

No login and no details beyond "ok"/"不可用" per part (a probe from outside learns nothing about the stack)."""

import logging

from django.db import DatabaseError, connections, transaction
from django.http import JsonResponse
from django.tasks import task_backends
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connections["default"].cursor() as cur:
            cur.execute("SELECT 1")
            return cur.fetchone() == (1,)
    except DatabaseError:
        log.warning("health: database unreachable", exc_info=True)
        return False


def _queue_ok() -> bool:
    """The queue the workers poll: for the database backend, its table answers a read; an in-process backend (the
    tests' immediate one) has no separate queue to lose."""
    backend = task_backends["default"]
    if type(backend).__module__.split(".")[0] != "django_tasks_db":
        return True
    from django_tasks_db.models import DBTaskResult

    try:
        with transaction.atomic():  # a savepoint: a failed read must not poison an enclosing transaction
            DBTaskResult.objects.filter(backend_name=backend.alias).ready().exists()
        return True
    except DatabaseError:
        log.warning("health: task queue unreachable", exc_info=True)
        return False


@never_cache
@require_GET
def healthz(request):
    db = _database_ok()
    queue = db and _queue_ok()
    body = {"status": "ok" if db and queue else "不可用", "database": "ok" if db else "不可用",
            "queue": "ok" if queue else "不可用"}
    return JsonResponse(body, status=200 if db and queue else 503, json_dumps_params={"ensure_ascii": False})
