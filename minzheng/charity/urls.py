from django.urls import path

from . import views

app_name = "charity"

urlpatterns = [
    path("", views.index, name="index"),
    path("desk/", views.desk, name="desk"),
    path("supervision/", views.supervision, name="supervision"),
    path("community/", views.community, name="community"),
    path("wishes/", views.public_wishes, name="public_wishes"),  # public: no login
    path("wishes/claim/", views.public_claim, name="public_claim"),  # public: no login
    path("receipt/", views.receipt_check, name="receipt_check"),  # public: no login
    path("disclosures/", views.public_disclosures, name="public_disclosures"),  # public: no login
]
