"""Registry pages; included by minzheng.web.urls, so the names live in the "web" namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("persons/", views.person_list, name="person_list"),
    path("persons/pick/", views.person_pick, name="person_pick"),
    path("persons/export.xlsx", views.person_export, name="person_export"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/full/", views.person_full, name="person_full"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/categories/", views.category_add, name="category_add"),
    path("persons/<int:pk>/categories/<int:category_pk>/end/", views.category_end, name="category_end"),
    path("persons/<int:pk>/household/", views.household_create, name="household_create"),
    path("households/", views.household_list, name="household_list"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/<slug:op>/", views.household_op, name="household_op"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/review/", views.duplicate_review, name="duplicate_review"),
]
