from django.urls import include, path

from . import health, views

app_name = "web"

urlpatterns = [
    path("healthz/", health.healthz, name="healthz"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("audit/", views.audit_log, name="audit_log"),
    path("", include("minzheng.registry.urls")),  # the home page and the registry pages
]
