from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from minzheng.api import api
from minzheng.assistance.urls import public_urlpatterns as gongshi_urls
from minzheng.community.urls import public_urlpatterns as cunwu_urls
from minzheng.vagrancy.urls import public_urlpatterns as xunqin_urls

# The back office speaks Chinese like the rest of the platform.
admin.site.site_header = "智慧民政 后台管理"
admin.site.site_title = "智慧民政后台"
admin.site.index_title = "基础数据管理"


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico whatever the page says: send them to the one icon. Its (hashed) name is looked up
    per request: in production it comes from the static manifest, which does not exist before the first
    collectstatic, and every manage.py command — serve.sh's migrate among them — loads this module."""
    return HttpResponsePermanentRedirect(static("web/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("imports/", include("minzheng.registry.import_urls")),
    path("verification/", include("minzheng.verification.urls")),
    path("assistance/", include("minzheng.assistance.urls")),
    path("gongshi/", include(gongshi_urls)),  # the public 公示 notices: no login
    path("payroll/", include("minzheng.payroll.urls")),
    path("batch/", include("minzheng.batch.urls")),  # 全省比对结果 (the province batch jobs)
    path("eldercare/", include("minzheng.eldercare.urls")),
    path("children/", include("minzheng.children.urls")),
    path("lowincome/", include("minzheng.lowincome.urls")),
    path("monitoring/", include("minzheng.monitoring.urls")),
    path("facilities/", include("minzheng.carefacility.urls")),
    path("homecare/", include("minzheng.homecare.urls")),
    path("timebank/", include("minzheng.timebank.urls")),
    path("socialorgs/", include("minzheng.socialorgs.urls")),
    path("socialwork/", include("minzheng.socialwork.urls")),
    path("volunteers/", include("minzheng.volunteers.urls")),
    path("community/", include("minzheng.community.urls")),
    path("cunwu/", include((cunwu_urls, "cunwu"))),  # the public 村（居）务公开: no login
    path("marriage/", include("minzheng.marriage.urls")),  # book/ and verify/ are public
    path("accounts/", include("minzheng.web.account_urls")),  # 账号管理 (administrators)
    path("funeral/", include("minzheng.funeral.urls")),
    path("placenames/", include("minzheng.placenames.urls")),
    path("rehab/", include("minzheng.rehab.urls")),
    path("charity/", include("minzheng.charity.urls")),  # wishes/ and receipt/ are public
    path("lottery/", include("minzheng.lottery.urls")),  # welfare-fund/ is public
    path("vagrancy/", include("minzheng.vagrancy.urls")),
    path("xunqin/", include((xunqin_urls, "vagrancy-public"))),  # the public 寻亲公告: no login, masked
    path("portal/", include("minzheng.portal.urls")),  # 居民掌上办: one-time code login, phone-sized
    path("", include("minzheng.web.urls")),
]
