from django.urls import path

from . import views

app_name = "placenames"

urlpatterns = [
    path("", views.index, name="index"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
]
