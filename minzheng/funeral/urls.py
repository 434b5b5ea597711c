from django.urls import path

from . import views

app_name = "funeral"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("facilities/<int:pk>/", views.facility, name="facility"),
]
