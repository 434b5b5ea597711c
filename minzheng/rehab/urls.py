from django.urls import path

from . import views

app_name = "rehab"

urlpatterns = [
    path("", views.index, name="index"),
    path("centres/<int:pk>/", views.centre, name="centre"),
]
