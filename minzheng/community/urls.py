from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("", views.index, name="index"),
    path("disclose/", views.disclose, name="disclose"),
    path("elections/", views.election, name="election"),
    path("disclosures/<int:pk>/publish/", views.publish, name="publish"),
]

public_urlpatterns = [path("<str:code>/", views.public, name="public")]
