from django.urls import path

from . import views

app_name = "socialorgs"

urlpatterns = [
    path("", views.index, name="index"),
    path("apply/", views.apply, name="apply"),
    path("credit/", views.public_credit, name="public_credit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("<int:pk>/annual-report/", views.annual_report, name="annual_report"),
    path("<int:pk>/list/", views.list_org, name="list_org"),
    path("applications/<int:pk>/<slug:action>/", views.application_action, name="application_action"),
    path("listings/<int:pk>/remove/", views.remove_listing, name="remove_listing"),
]
