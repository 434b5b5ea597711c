from django.contrib import admin
from django.urls import include, path

from minzheng.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("imports/", include("minzheng.registry.import_urls")),
    path("verification/", include("minzheng.verification.urls")),
    path("", include("minzheng.web.urls")),
]
