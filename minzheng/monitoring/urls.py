from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", views.compare, name="compare"),
    path("reported/", views.reported, name="reported"),
    path("reported/new/", views.report_value, name="report_value"),
    path("reported/<int:pk>/approve/", views.approve, name="approve"),
    path("rebuild/", views.rebuild, name="rebuild"),
    path("<str:code>/", views.dashboard, name="dashboard"),
    path("<str:code>/screen/", views.screen, name="screen"),
    path("<str:code>/indicator/<int:pk>/", views.indicator, name="indicator"),
    path("<str:code>/report/<str:kind>.<str:fmt>", views.report, name="report"),
]
