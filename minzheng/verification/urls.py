from django.urls import path

from . import views

app_name = "verification"

urlpatterns = [
    path("households/<int:pk>/", views.household_reports, name="household"),
    path("households/<int:pk>/run/", views.household_run, name="run"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/pdf/", views.report_download, name="report_pdf"),
]
