"""大养老 pages (namespace "eldercare")."""

from django.urls import path

from . import views

app_name = "eldercare"

urlpatterns = [
    path("", views.elder_list, name="list"),
    path("elders/<int:pk>/", views.elder_detail, name="elder"),
    path("elders/<int:pk>/assess/", views.assessment_new, name="assess"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("visits/", views.visit_list, name="visits"),
    path("calls/", views.call_desk, name="calls"),
    path("calls/stats/", views.call_stats, name="call_stats"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
]
