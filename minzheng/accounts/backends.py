"""Authentication backend: refuses while the login throttle holds, whatever path called authenticate()."""

from django.contrib.auth.backends import ModelBackend


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        from .services import login_refusal  # services imports authenticate(), which loads this module

        if username is not None and login_refusal(request=request, username=username):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
