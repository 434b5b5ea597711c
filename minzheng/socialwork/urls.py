from django.urls import path

from . import views

app_name = "socialwork"

urlpatterns = [
    path("", views.index, name="index"),
    path("stations/<int:pk>/", views.station, name="station"),
    path("stations/<int:pk>/record/", views.record, name="record"),
    path("stations/<int:pk>/supervisions/", views.supervise, name="supervise"),
    path("stations/<int:pk>/points/", views.point, name="point"),
]
