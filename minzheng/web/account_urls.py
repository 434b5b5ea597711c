from django.urls import path

from . import account_views as views

app_name = "accounts"

urlpatterns = [
    path("", views.user_list, name="list"),
    path("new/", views.user_new, name="new"),
    path("<int:pk>/", views.user_detail, name="detail"),
    path("<int:pk>/<str:action>/", views.user_action, name="action"),
]
