"""低收入人口动态监测 and 一门受理 pages (namespace "lowincome")."""

from django.urls import path

from . import views

app_name = "lowincome"

urlpatterns = [
    path("", views.index, name="index"),
    path("run/", views.run, name="run"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/<str:action>/", views.alert_action, name="alert_action"),
    path("m/", views.mobile, name="mobile"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/<int:pk>/<str:action>/", views.referral_action, name="referral_action"),
    path("people/<int:pk>/", views.person_record, name="person"),
]
