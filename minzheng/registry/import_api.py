from django.http import HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from minzheng.core.inputs import Limit, Offset
from minzheng.registry import importing
from minzheng.registry.models import ImportJob

router = Router(tags=["批量导入"])


class ImportJobOut(Schema):
    id: int
    original_name: str
    status: str
    status_label: str
    mode: str
    total_rows: int
    processed_rows: int
    progress_percent: int
    error_rows: int
    valid_rows: int
    applied_rows: int
    applied_households: int
    message: str
    stalled: bool  # validating, but the worker stopped: retry or discard

    @staticmethod
    def of(job: ImportJob) -> "ImportJobOut":
        return ImportJobOut(id=job.pk, original_name=job.original_name, status=job.status,
                            status_label=job.get_status_display(), mode=job.mode, total_rows=job.total_rows,
                            processed_rows=job.processed_rows, progress_percent=job.progress_percent,
                            error_rows=job.error_rows, valid_rows=job.valid_rows, applied_rows=job.applied_rows,
                            applied_households=job.applied_households, message=job.message,
                            stalled=job.stalled)


class RowErrorOut(Schema):
    row_number: int
    field: str
    message: str


class ApplyIn(Schema):
    mode: str = ImportJob.Mode.VALID_ROWS


@router.post("", response={201: ImportJobOut}, summary="上传人员/家庭名册（.xlsx 或 .csv），开始校验")
def upload(request, file: File[UploadedFile]):
    job = importing.import_create(actor=request.user, upload=file)
    job.refresh_from_db()
    return Status(201, ImportJobOut.of(job))


@router.get("", response=list[ImportJobOut], summary="我的导入任务")
def list_jobs(request):
    return [ImportJobOut.of(j) for j in ImportJob.objects.filter(created_by=request.user)[:100]]


@router.get("/{job_id}", response=ImportJobOut, summary="导入任务状态与进度")
def get_job(request, job_id: int):
    return ImportJobOut.of(importing.import_get(request.user, job_id))


@router.get("/{job_id}/errors", response=list[RowErrorOut], summary="逐行错误（分页）")
def errors(request, job_id: int, offset: Offset = 0, limit: Limit = 500):
    job = importing.import_get(request.user, job_id)
    return list(job.errors.values("row_number", "field", "message")[offset:offset + min(limit, 5000)])


@router.get("/{job_id}/errors.xlsx", summary="下载错误报告（Excel）")
def errors_xlsx(request, job_id: int):
    job = importing.import_get(request.user, job_id)
    return _xlsx_response(importing.error_report(job), f"导入错误报告-{job.pk}.xlsx")


@router.post("/{job_id}/apply", response=ImportJobOut,
             summary="确认导入：valid_rows 只导入正确的行；all_or_nothing 有任何错误则全部不导入")
def apply(request, job_id: int, body: ApplyIn):
    job = importing.import_get(request.user, job_id)
    return ImportJobOut.of(importing.import_apply(actor=request.user, job=job, mode=body.mode))


@router.post("/{job_id}/retry", response=ImportJobOut, summary="重新校验中断的导入任务（后台进程中断后）")
def retry(request, job_id: int):
    job = importing.import_get(request.user, job_id)
    return ImportJobOut.of(importing.import_retry(actor=request.user, job=job))


@router.post("/{job_id}/discard", response=ImportJobOut, summary="放弃本次导入，不写入任何数据")
def discard(request, job_id: int):
    job = importing.import_get(request.user, job_id)
    return ImportJobOut.of(importing.import_discard(actor=request.user, job=job))


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    resp = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp
