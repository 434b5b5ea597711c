"""The admin site's login goes through the same door as /login/ (accounts.services.login_attempt)."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from minzheng.core.errors import DomainError

from .services import login_attempt


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = login_attempt(request=self.request, username=username, password=password)
            except DomainError as e:
                raise ValidationError(e.message, code=e.code) from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
