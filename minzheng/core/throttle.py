"""Rate limits for anonymous writes (public 公示 objections), counted in the shared "throttle" cache (a database
table, so every server process counts together) through django-ratelimit."""

from django.conf import settings
from django_ratelimit.core import is_ratelimited

from .errors import TooManyRequests


def throttle(request, *, group: str, rate: str, message: str, key="ip") -> None:
    """Count this request against `rate` (e.g. "5/h") per `key` ("ip" or a fixed string such as a notice id);
    over the limit raises TooManyRequests (429) with the Chinese `message`."""
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return
    by = key if key == "ip" else (lambda _group, _request: str(key))
    if is_ratelimited(request, group=group, key=by, rate=rate, increment=True):
        raise TooManyRequests(message)
