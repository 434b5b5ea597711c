import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
application = get_wsgi_application()

# Import every URLconf (the pages and the API's routers and schemas) now rather than on a worker's first request: with
# gunicorn's preload_app the workers fork with it done, so a worker that replaces a dead or recycled one answers at
# once instead of after seconds of imports (which, for a retried request, the client waits through). No query runs.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
