from django.urls import path

from . import views

app_name = "placenames"

urlpatterns = [
    path("", views.index, name="index"),
    path("signs/", views.signs, name="signs"),
    path("signs/<int:pk>/", views.sign, name="sign"),
    path("boundaries/", views.boundaries, name="boundaries"),
    path("boundaries/<int:pk>/", views.boundary, name="boundary"),
    path("redivisions/", views.redivisions, name="redivisions"),
    path("redivisions/<int:pk>/", views.redivision, name="redivision"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
]
