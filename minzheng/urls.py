from django.contrib import admin
from django.urls import include, path

from minzheng.api import api
from minzheng.assistance.urls import public_urlpatterns as gongshi_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("imports/", include("minzheng.registry.import_urls")),
    path("verification/", include("minzheng.verification.urls")),
    path("assistance/", include("minzheng.assistance.urls")),
    path("gongshi/", include(gongshi_urls)),  # the public 公示 notices: no login
    path("payroll/", include("minzheng.payroll.urls")),
    path("eldercare/", include("minzheng.eldercare.urls")),
    path("monitoring/", include("minzheng.monitoring.urls")),
    path("facilities/", include("minzheng.carefacility.urls")),
    path("homecare/", include("minzheng.homecare.urls")),
    path("timebank/", include("minzheng.timebank.urls")),
    path("marriage/", include("minzheng.marriage.urls")),  # book/ and verify/ are public
    path("funeral/", include("minzheng.funeral.urls")),
    path("placenames/", include("minzheng.placenames.urls")),
    path("", include("minzheng.web.urls")),
]
