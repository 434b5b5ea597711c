from django.urls import path

from . import views

app_name = "socialorgs"

urlpatterns = [
    path("", views.index, name="index"),
    path("apply/", views.apply, name="apply"),
    path("credit/", views.public_credit, name="public_credit"),
    path("checks/", views.checks, name="checks"),
    path("checks/draw/", views.check_draw, name="check_draw"),
    path("checks/results/", views.public_checks, name="public_checks"),
    path("checks/<int:pk>/", views.draw, name="draw"),
    path("checks/items/<int:pk>/result/", views.check_result, name="check_result"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("<int:pk>/annual-report/", views.annual_report, name="annual_report"),
    path("<int:pk>/list/", views.list_org, name="list_org"),
    path("<int:pk>/change/", views.org_change, name="org_change"),
    path("<int:pk>/deregister/", views.org_deregister, name="org_deregister"),
    path("<int:pk>/rating/", views.org_rate, name="org_rate"),
    path("<int:pk>/penalty/", views.org_penalty, name="org_penalty"),
    path("applications/<int:pk>/<slug:action>/", views.application_action, name="application_action"),
    path("listings/<int:pk>/remove/", views.remove_listing, name="remove_listing"),
]
