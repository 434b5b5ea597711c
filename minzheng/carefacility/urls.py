from django.urls import path

from . import views

app_name = "carefacility"

urlpatterns = [
    path("", views.facility_list, name="list"),
    path("<int:pk>/", views.facility_detail, name="detail"),
    path("<int:pk>/<slug:op>/", views.facility_op, name="op"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("trainings/", views.training_list, name="trainings"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("findings/<int:pk>/rectify/", views.finding_rectify, name="rectify"),
    path("retrofits/", views.retrofit_list, name="retrofits"),
    path("retrofits/<int:pk>/", views.retrofit_detail, name="retrofit"),
    path("retrofits/<int:pk>/<slug:action>/", views.retrofit_step, name="retrofit_step"),
]
