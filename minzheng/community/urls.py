from django.urls import path

from . import views, views_more

app_name = "community"

urlpatterns = [
    path("", views.index, name="index"),
    path("disclose/", views.disclose, name="disclose"),
    path("elections/", views.election, name="election"),
    path("disclosures/<int:pk>/publish/", views.publish, name="publish"),
    path("consultations/", views_more.consultations, name="consultations"),
    path("consultations/new/", views_more.consultation_create, name="consultation_create"),
    path("consultations/<int:pk>/", views_more.consultation, name="consultation"),
    path("consultations/<int:pk>/<slug:action>/", views_more.consultation_act, name="consultation_act"),
    path("bodies/", views_more.bodies, name="bodies"),
    path("bodies/new/", views_more.body_create, name="body_create"),
    path("bodies/<int:pk>/members/", views_more.member_add, name="member_add"),
    path("bodies/<int:pk>/renew/", views_more.body_renew, name="body_renew"),
    path("workers/", views_more.workers, name="workers"),
    path("workers/new/", views_more.worker_add, name="worker_add"),
    path("workers/<int:pk>/leave/", views_more.worker_leave, name="worker_leave"),
    path("catalogue/", views_more.catalogue, name="catalogue"),
]

public_urlpatterns = [path("<str:code>/", views.public, name="public")]
