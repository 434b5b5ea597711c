from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("", views.index, name="index"),
    path("verify/", views.verify, name="verify"),
    path("orgs/", views.orgs, name="orgs"),
    path("orgs/register/", views.org_register, name="org_register"),
    path("orgs/<int:pk>/revoke/", views.org_revoke, name="org_revoke"),
    path("points/", views.points, name="points"),
    path("points/new/", views.point_open, name="point_open"),
    path("activities/<int:pk>/", views.activity, name="activity"),
    path("signups/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("certificates/<int:pk>.pdf", views.certificate, name="certificate"),
]
