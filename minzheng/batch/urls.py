from django.urls import path

from . import views

app_name = "batch"

urlpatterns = [
    path("findings/", views.finding_list, name="findings"),
    path("findings/<int:pk>/check/", views.finding_check, name="finding_check"),
]
