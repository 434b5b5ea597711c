from django.urls import path

from . import import_views as v

app_name = "imports"

urlpatterns = [
    path("", v.import_list, name="list"),
    path("template.xlsx", v.import_template, name="template"),
    path("<int:job_id>/", v.import_detail, name="detail"),
    path("<int:job_id>/apply/", v.import_apply, name="apply"),
    path("<int:job_id>/errors.xlsx", v.import_errors_xlsx, name="errors_xlsx"),
]
