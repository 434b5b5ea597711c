from django.urls import path

from . import views

app_name = "vagrancy"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("stays/<int:pk>/", views.stay, name="stay"),
    path("transfers/<int:pk>/confirm/", views.confirm, name="confirm"),
]
# mounted at /xunqin/ by minzheng/urls.py: the public 寻亲 page, no login
public_urlpatterns = [path("", views.public, name="public")]
