from django.urls import path

from . import views

app_name = "payroll"

urlpatterns = [
    path("", views.roster_list, name="list"),
    path("rosters/new/", views.roster_new, name="generate"),
    path("rosters/<int:pk>/", views.roster_detail, name="roster"),
    path("rosters/<int:pk>/bank-file.csv", views.bank_file, name="bank_file"),
    path("rosters/<int:pk>/bank-result/", views.bank_result, name="bank_result"),
    path("rosters/<int:pk>/<str:action>/", views.roster_action, name="roster_action"),
    path("lines/<int:pk>/<str:action>/", views.line_action, name="line_action"),
    path("relatives/", views.staff_relatives, name="relatives"),
    path("relatives/<int:pk>/remove/", views.staff_relative_remove, name="relative_remove"),
    path("anomalies/", views.anomaly_list, name="anomalies"),
    path("anomalies/<int:pk>/<str:action>/", views.anomaly_action, name="anomaly_action"),
]
