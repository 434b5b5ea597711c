from django.urls import path

from . import views

app_name = "timebank"

urlpatterns = [
    path("", views.index, name="index"),
    path("report/", views.report, name="report"),
    path("donate/", views.donate, name="donate"),
    path("offers/<int:pk>/<slug:action>/", views.offer_decide, name="offer_decide"),
    path("reports/<int:pk>/review/<int:level>/", views.review, name="review"),
]
