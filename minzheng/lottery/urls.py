from django.urls import path

from . import views

app_name = "lottery"

urlpatterns = [
    path("", views.index, name="index"),
    path("welfare-fund/", views.public_report, name="public_report"),  # public: no login
]
