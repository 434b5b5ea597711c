"""大儿童保障 pages (namespace "children")."""

from django.urls import path

from . import views

app_name = "children"

urlpatterns = [
    path("", views.child_list, name="list"),
    path("<int:pk>/", views.child_detail, name="child"),
    path("export.xlsx", views.child_export, name="export"),
    path("m/", views.mobile_home, name="mobile"),
    path("m/visit/<int:pk>/", views.mobile_visit, name="mobile_visit"),
    path("m/report/", views.mobile_report, name="mobile_report"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/revocation/<int:event_pk>.pdf", views.revocation_pdf, name="revocation_pdf"),
    path("workforce/", views.workforce, name="workforce"),
    path("adoptions/", views.adoptions, name="adoptions"),
]
