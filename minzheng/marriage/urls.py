from django.urls import path

from . import views

app_name = "marriage"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("ceremonies/", views.ceremonies, name="ceremonies"),
    path("counselling/", views.counselling, name="counselling"),
    path("statistics.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("book/", views.book, name="book"),          # public, no login
    path("verify/", views.verify, name="verify"),    # public, no login
]
