"""大救助 pages (namespace "assistance"); the public 公示 pages are mounted separately at /gongshi/."""

from django.urls import path

from . import views

app_name = "assistance"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("overdue/", views.overdue_list, name="overdue"),
    path("paid-first/", views.paid_first_list, name="paid_first"),
    path("new/", views.application_new, name="new"),
    path("apply/", views.apply_online, name="apply"),
    path("authorisation-form.pdf", views.authorisation_form, name="authorisation_form"),
    path("rechecks/", views.recheck_list, name="rechecks"),
    path("rechecks/<int:pk>/", views.recheck_task, name="recheck"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/exit/", views.case_exit, name="case_exit"),
    path("what-if/", views.what_if, name="what_if"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/approve/", views.application_approve, name="approve"),
    path("<int:pk>/refusal-letter.pdf", views.refusal_letter, name="letter"),
    path("<int:pk>/files/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/objections/<int:objection_pk>/decide/", views.objection_decide, name="objection_decide"),
    path("<int:pk>/<slug:action>/", views.application_action, name="action"),
]

public_urlpatterns = (
    [
        path("", views.public_notices, name="list"),
        path("<int:pk>/", views.public_notice, name="notice"),
    ],
    "gongshi",
)
