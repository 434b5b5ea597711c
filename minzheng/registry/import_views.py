"""Pages for bulk import: upload, progress, errors, and the user's choice to apply or not."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.core.errors import DomainError
from minzheng.registry import importing
from minzheng.registry.import_api import _xlsx_response
from minzheng.registry.models import ImportJob
from minzheng.web.pages import page


@page(Cap.REGISTRY_IMPORT)
def import_list(request):
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError("请选择要上传的文件", field="文件")
            job = importing.import_create(actor=request.user, upload=upload)
            return redirect("imports:detail", job_id=job.pk)
        except DomainError as e:
            error = e.message
    jobs = ImportJob.objects.filter(created_by=request.user)[:50]
    return render(request, "registry/import_list.html",
                  {"jobs": jobs, "error": error, "columns": importing.COLUMNS, "required": importing.REQUIRED},
                  status=400 if error else 200)


@page(Cap.REGISTRY_IMPORT)
def import_detail(request, job_id):
    job = importing.import_get(request.user, job_id)
    template = "registry/import_progress.html" if request.headers.get("HX-Request") else "registry/import_detail.html"
    errors = job.errors.all()[:200] if job.status != ImportJob.Status.VALIDATING else []
    return render(request, template, {"job": job, "errors": errors, "modes": ImportJob.Mode.choices})


@page(Cap.REGISTRY_IMPORT)
@require_POST
def import_apply(request, job_id):
    job = importing.import_get(request.user, job_id)
    try:
        if request.POST.get("action") == "discard":
            importing.import_discard(actor=request.user, job=job)
            messages.info(request, "已放弃本次导入，未写入任何数据")
        elif request.POST.get("action") == "retry":
            importing.import_retry(actor=request.user, job=job)
            messages.info(request, "已重新开始校验")
        else:
            job = importing.import_apply(actor=request.user, job=job, mode=request.POST.get("mode", ""))
            messages.success(request, job.message)
    except DomainError as e:
        messages.error(request, e.message)
    return redirect("imports:detail", job_id=job.pk)


@page(Cap.REGISTRY_IMPORT)
def import_errors_xlsx(request, job_id):
    job = importing.import_get(request.user, job_id)
    return _xlsx_response(importing.error_report(job), f"导入错误报告-{job.pk}.xlsx")


@page(Cap.REGISTRY_IMPORT)
def import_template(request):
    return _xlsx_response(importing.template_workbook(request.user), "人员家庭导入模板.xlsx")
