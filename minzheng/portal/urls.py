from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("apply/", views.apply, name="apply"),
    path("authorisation.pdf", views.authorisation_template, name="authorisation_template"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/upload/", views.application_upload, name="application_upload"),
    path("notices/", views.notices, name="notices"),
    path("gongshi/", views.gongshi, name="gongshi"),
    path("gongshi/<int:pk>/objection/", views.objection, name="objection"),
]
