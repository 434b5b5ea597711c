from django.urls import include, path

from . import account_views, health, pickers, views

app_name = "web"

urlpatterns = [
    path("healthz/", health.healthz, name="healthz"),
    path("login/", views.login_view, name="login"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("logout/", views.logout_view, name="logout"),
    path("audit/", views.audit_log, name="audit_log"),
    path("areas/pick/", pickers.area_pick, name="area_pick"),
    path("", include("minzheng.registry.urls")),  # the home page and the registry pages
]
