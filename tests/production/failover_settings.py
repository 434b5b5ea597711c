"""The failover test's app servers: the production settings unchanged, plus one test-only hook (never in
minzheng/settings.py): a request carrying `X-Test-Die-After-Commit` kills its gunicorn worker right after its
transaction committed and before the answer is written, the window in which only the replay record
(core/idempotency.py) keeps HAProxy's retry from running the write twice."""

from minzheng.settings import *  # noqa: F403

MIDDLEWARE = ["tests.production.failover_settings.DieAfterCommitMiddleware", *MIDDLEWARE]  # noqa: F405


class DieAfterCommitMiddleware:
    """Outermost: by the time the inner middleware hand the answer back, the view's transaction has committed and
    the session is saved. A retry answered from the record is let through, or the retry would die as well."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "HTTP_X_TEST_DIE_AFTER_COMMIT" in request.META and not response.has_header("Idempotent-Replayed"):
            import os
            import signal

            os.kill(os.getpid(), signal.SIGKILL)
        return response
