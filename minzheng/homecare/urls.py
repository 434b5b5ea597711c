from django.urls import path

from . import views

app_name = "homecare"

urlpatterns = [
    path("", views.index, name="index"),
    path("m/", views.mobile, name="mobile"),
    path("m/order/", views.mobile_order, name="mobile_order"),
    path("m/orders/<int:pk>/", views.mobile_detail, name="mobile_detail"),
    path("m/orders/<int:pk>/<str:action>/", views.mobile_action, name="mobile_action"),
    path("provider/", views.worklist, name="worklist"),
    path("provider/orders/<int:pk>/", views.service_record, name="record"),
    path("provider/orders/<int:pk>/<str:action>/", views.provider_action, name="provider_action"),
    path("overview/", views.overview, name="overview"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<int:pk>/dispatch/", views.dispatch, name="dispatch"),
    path("complaints/<int:pk>/resolve/", views.complaint_resolve, name="complaint_resolve"),
    path("statements/", views.statements, name="statements"),
    path("statements/<int:pk>/confirm/", views.statement_confirm, name="statement_confirm"),
    path("statements/<int:pk>/statement.xlsx", views.statement_download, name="statement_download"),
]
