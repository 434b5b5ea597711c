from django.urls import path

from . import views

app_name = "funeral"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("facilities/<int:pk>/", views.facility, name="facility"),
    path("claims/", views.claims, name="claims"),
    path("claims/<int:pk>/approve/", views.claim_approve, name="claim_approve"),
]
