"""Bulk import of persons and households from .xlsx / .csv.

Two phases, so the user sees every problem before anything is written:
1. validate: stream the file row by row (flat memory), check each row, stage it in ImportRow, then run the
   checks across rows (duplicates in the file, IDs already registered, household groups) as set queries;
2. apply: in one transaction, insert the good rows with INSERT ... SELECT from staging — or nothing at all.
"""

import datetime as dt
import io
import logging
from collections.abc import Iterator
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Level
from minzheng.areas.selectors import areas_for
from minzheng.core import audit
from minzheng.core.bulk import copy_insert
from minzheng.core.errors import Conflict, DomainError, Forbidden, NotFound
from minzheng.core.idcard import check_consistency, make_id_number, parse_id_number
from minzheng.core.jobs import Heartbeat, lease_cutoff, max_attempts
from minzheng.core.pinyin import name_pinyin
from minzheng.core.scope import path_in_scope, path_q
from minzheng.core.tabular import read_table, safe_row

from .models import DisabilityCategory, Household, ImportJob, ImportRow, ImportRowError, Membership, Person, Relation
from .services import detail_errors

# Header (as users type it in Excel) → staging field. The first four are required.
COLUMNS = {
    "身份证号": "id_number",
    "姓名": "name",
    "户籍地区划代码": "hukou_code",
    "居住地区划代码": "residence_code",
    "性别": "sex",
    "出生日期": "birth_date",
    "居住地址": "address",
    "联系电话": "phone",
    "残疾类别": "disability_category",
    "残疾等级": "disability_grade",
    "开户银行": "bank_name",
    "银行账号": "bank_account",
    "家庭编号": "household_number",
    "与户主关系": "relation",
    "家庭住址": "household_address",
}
REQUIRED = ("身份证号", "姓名", "户籍地区划代码", "居住地区划代码")
FIELD_LABEL = {v: k for k, v in COLUMNS.items()}
SEX_BY_LABEL = {"男": "M", "女": "F"}
DISABILITY_BY_LABEL = {c.label: c.value for c in DisabilityCategory}
RELATION_BY_LABEL = {r.label: r.value for r in Relation} | {"本人": Relation.HEAD}
STAGED_FIELDS = (
    "job_id", "row_number", "id_number", "name", "name_pinyin", "name_initials", "sex", "birth_date",
    "hukou_area_id", "residence_area_id", "address", "phone", "disability_category", "disability_grade",
    "bank_name", "bank_account", "household_number", "relation", "household_address", "has_error",
)
CHUNK = 5000
log = logging.getLogger(__name__)
MAX_LEN = {"address": 200, "household_address": 200, "bank_name": 64, "household_number": 32, "name": 64}


# --- reading files ----------------------------------------------------------------------------

def read_rows(path: Path, file_format: str) -> Iterator[tuple[int, dict]]:
    """Yield (row number as the user sees it, {field: text}); file-level problems raise DomainError."""
    for number, row in read_table(path, file_format, columns=COLUMNS, required=REQUIRED):
        yield number, {COLUMNS[h]: v for h, v in row.items()}


# --- per-row checks ---------------------------------------------------------------------------

class _RowChecker:
    def __init__(self, user, today: dt.date):
        self.today = today
        self.areas = {a.code: a for a in Area.objects.current(today).only("id", "code", "path")}
        self.user = user

    def area(self, code: str, label: str, errors: list) -> int | None:
        if not code:
            errors.append((label, "不能为空"))
            return None
        area = self.areas.get(code)
        if area is None:
            errors.append((label, f"区划代码“{code}”不存在或已失效"))
            return None
        if not path_in_scope(self.user, area.path):
            errors.append((label, f"区划代码“{code}”不在您的管辖范围内"))
            return None
        return area.pk

    def check(self, raw: dict) -> tuple[dict, list[tuple[str, str]]]:
        errors: list[tuple[str, str]] = []
        if any("\x00" in v for v in raw.values()):
            # A NUL byte can't be stored as text (PostgreSQL refuses it): name the cell and drop the byte.
            raw = dict(raw)
            for key, value in raw.items():
                if "\x00" in value:
                    errors.append((FIELD_LABEL[key], "含有不可见的空字符（NUL），请删除后重新上传"))
                    raw[key] = value.replace("\x00", "")
        out = {k: "" for k in ("id_number", "name", "name_pinyin", "name_initials", "sex", "address", "phone",
                                "disability_category", "bank_name", "bank_account", "household_number",
                                "relation", "household_address")}
        out.update(birth_date=None, disability_grade=None, hukou_area_id=None, residence_area_id=None)

        def attempt(fn):
            try:
                return fn()
            except DomainError as e:
                errors.append((e.field or "", e.message))
                return None

        id_raw = raw.get("id_number", "")
        out["id_number"] = id_raw[:64]
        info = attempt(lambda: parse_id_number(id_raw, today=self.today))
        if info:
            out.update(id_number=info.number, sex=info.sex, birth_date=info.birth_date)
            sex = SEX_BY_LABEL.get(raw.get("sex", ""), None)
            if raw.get("sex") and sex is None:
                errors.append(("性别", f"性别“{raw['sex']}”应为“男”或“女”"))
            birth = None
            if raw.get("birth_date"):
                try:
                    birth = dt.date.fromisoformat(raw["birth_date"].replace("/", "-")[:10])
                except ValueError:
                    errors.append(("出生日期", f"出生日期“{raw['birth_date']}”不是有效日期（格式如1950-03-08）"))
            attempt(lambda: check_consistency(info, birth_date=birth, sex=sex))
        name = raw.get("name", "")
        if not name:
            errors.append(("姓名", "不能为空"))
        else:
            out["name"] = name[:200]
            pinyin, initials = name_pinyin(name)
            out["name_pinyin"], out["name_initials"] = pinyin[:128], initials[:32]
        out["hukou_area_id"] = self.area(raw.get("hukou_code", ""), "户籍地区划代码", errors)
        out["residence_area_id"] = self.area(raw.get("residence_code", ""), "居住地区划代码", errors)
        for key in ("address", "phone", "bank_name", "bank_account", "household_number", "household_address"):
            out[key] = raw.get(key, "")
        for key, limit in MAX_LEN.items():
            if len(out[key]) > limit:
                errors.append((FIELD_LABEL[key], f"过长（最多{limit}个字）"))
                out[key] = out[key][:limit]
        out["phone"], out["bank_account"] = out["phone"][:64], out["bank_account"][:64]
        if raw.get("disability_category"):
            cat = DISABILITY_BY_LABEL.get(raw["disability_category"])
            if cat is None:
                errors.append(("残疾类别", f"“{raw['disability_category']}”不是有效的残疾类别"
                                          f"（{'、'.join(DISABILITY_BY_LABEL)}）"))
            out["disability_category"] = cat or ""
        if raw.get("disability_grade"):
            grade = raw["disability_grade"].removesuffix("级")
            out["disability_grade"] = int(grade) if grade.isdigit() else None
            if out["disability_grade"] is None:
                errors.append(("残疾等级", f"“{raw['disability_grade']}”应为1-4"))
        errors.extend(detail_errors({k: out[k] for k in ("phone", "bank_account", "disability_category",
                                                          "disability_grade")}, today=self.today))
        rel_label = raw.get("relation", "")
        if rel_label:
            rel = RELATION_BY_LABEL.get(rel_label)
            if rel is None:
                errors.append(("与户主关系", f"“{rel_label}”无效（{'、'.join(r.label for r in Relation)}）"))
            out["relation"] = rel or ""
        if out["household_number"] and not rel_label:
            errors.append(("与户主关系", "填写了家庭编号时必须填写与户主关系"))
        if rel_label and not out["household_number"]:
            errors.append(("家庭编号", "填写了与户主关系时必须填写家庭编号"))
        return out, errors


# --- cross-row checks, as set queries over staging -----------------------------------------------

def _flag(job: ImportJob, rows, field: str, message) -> int:
    """Record an error for each (row_number, value) and mark those rows bad."""
    errors = [ImportRowError(job=job, row_number=n, field=field, message=message(v)) for n, v in rows]
    ImportRowError.objects.bulk_create(errors, batch_size=2000)
    numbers = [e.row_number for e in errors]
    for i in range(0, len(numbers), 900):  # stay under SQLite's parameter limit
        ImportRow.objects.filter(job=job, row_number__in=numbers[i:i + 900]).update(has_error=True)
    return len(errors)


def _cross_row_checks(job: ImportJob, user) -> None:
    rows = ImportRow.objects.filter(job=job)
    good = rows.filter(has_error=False)
    dup_ids = rows.exclude(id_number="").values("id_number").annotate(n=Count("id")).filter(n__gt=1)
    _flag(job, good.filter(id_number__in=dup_ids.values("id_number")).values_list("row_number", "id_number"),
          "身份证号", lambda v: f"身份证号{v}在文件中重复出现，同一人只能有一行")
    registered = Person.objects.filter(id_number=OuterRef("id_number"))
    _flag(job, good.filter(Exists(registered)).values_list("row_number", "id_number"),
          "身份证号", lambda v: f"身份证号{v}已登记，不能重复导入（如需修改请在人员档案中编辑）")

    in_households = good.exclude(household_number="")
    existing = Household.objects.filter(number=OuterRef("household_number"))
    usable = Household.objects.filter(path_q(user, "area__path"), number=OuterRef("household_number"),
                                      dissolved_on__isnull=True)
    _flag(job, in_households.filter(Exists(existing)).exclude(Exists(usable)).values_list("row_number",
                                                                                             "household_number"),
          "家庭编号", lambda v: f"家庭编号{v}已注销或不在您的管辖范围内")
    _flag(job, in_households.filter(Exists(usable), relation=Relation.HEAD).values_list("row_number",
                                                                                          "household_number"),
          "与户主关系", lambda v: f"家庭{v}已有户主，如需更换请办理变更户主")

    new_groups = (rows.exclude(household_number="").exclude(Exists(existing)).values("household_number")
                  .annotate(heads=Count("id", filter=Q(relation=Relation.HEAD)),
                            bad_heads=Count("id", filter=Q(relation=Relation.HEAD, has_error=True))))
    wrong_heads = new_groups.exclude(heads=1)
    _flag(job, good.filter(household_number__in=wrong_heads.values("household_number"))
          .values_list("row_number", "household_number"),
          "与户主关系", lambda v: f"新家庭{v}应有且只有一行“户主”")
    bad_head = new_groups.filter(heads=1, bad_heads=1)
    _flag(job, good.filter(household_number__in=bad_head.values("household_number"))
          .values_list("row_number", "household_number"),
          "家庭编号", lambda v: f"家庭{v}的户主行有错误，本行无法随之导入")


# --- phases -----------------------------------------------------------------------------------

def import_create(*, actor, upload: UploadedFile) -> ImportJob:
    if not actor.can(Cap.REGISTRY_IMPORT):
        raise Forbidden("您的角色无权批量导入")
    name = upload.name or "upload"
    suffix = Path(name).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise DomainError(f"不支持的文件类型“{suffix or '无扩展名'}”，请上传.xlsx或.csv文件", code="bad_file",
                          field="文件")
    if upload.size == 0:
        raise DomainError("文件为空", code="empty_file", field="文件")
    with transaction.atomic():
        job = ImportJob.objects.create(created_by=actor, original_name=name[:255], file=upload,
                                       file_format=suffix[1:])
        audit.record(actor=actor, action="import.upload", object_type="import_job", object_id=job.pk,
                     object_repr=job.original_name, after={"file": job.original_name, "size": upload.size})
    validate_import_task.enqueue(job_id=job.pk)
    return job


def import_get(user, pk) -> ImportJob:
    job = ImportJob.objects.filter(pk=pk, created_by=user).first()
    if job is None:
        raise NotFound("导入任务不存在")
    return job


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _set(job: ImportJob, **fields) -> None:
    for k, v in fields.items():
        setattr(job, k, v)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


# A job may be (re)validated unless it is finished or a live worker holds it.
_VALIDATABLE = Q(status__in=[ImportJob.Status.PENDING, ImportJob.Status.VALIDATED, ImportJob.Status.FAILED,
                             ImportJob.Status.INTERRUPTED])


def _claim(job: ImportJob) -> bool:
    """Take the job for this worker (one UPDATE, so two workers never validate it at once)."""
    now = timezone.now()
    stale = Q(status=ImportJob.Status.VALIDATING) & (Q(heartbeat_at__lt=lease_cutoff(now)) | Q(heartbeat_at=None))
    taken = ImportJob.objects.filter(_VALIDATABLE | stale, pk=job.pk).update(
        status=ImportJob.Status.VALIDATING, heartbeat_at=now, attempts=F("attempts") + 1, processed_rows=0,
        total_rows=0, error_rows=0, message="", finished_at=None)
    job.refresh_from_db()
    return bool(taken)


def import_validate(job: ImportJob, *, today: dt.date | None = None) -> ImportJob:
    """Phase 1. Idempotent: a rerun (after a crash, or a retry) clears the job's staging first."""
    if not _claim(job):
        return job  # finished, discarded, or a live worker has it
    with Heartbeat(ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALIDATING)):
        try:
            return _validate(job, today=today)
        except Exception:
            # Not the file's fault (e.g. the database went away): say so, keep nothing, let the user retry.
            log.exception("import %s: validation failed", job.pk)
            ImportRowError.objects.filter(job=job).delete()
            ImportRow.objects.filter(job=job).delete()
            _set(job, status=ImportJob.Status.INTERRUPTED, processed_rows=0, total_rows=0, error_rows=0,
                 message="校验时发生系统错误，未写入任何数据；请点击“重新校验”，或放弃本次导入",
                 finished_at=timezone.now())
            return job


def _validate(job: ImportJob, *, today: dt.date | None) -> ImportJob:
    user = job.created_by
    checker = _RowChecker(user, today or timezone.localdate())
    ImportRowError.objects.filter(job=job).delete()
    ImportRow.objects.filter(job=job).delete()
    processed = 0
    try:
        # Chunked, autocommitted writes so the progress bar (another connection) sees each chunk.
        for chunk in _chunks(read_rows(Path(job.file.path), job.file_format), CHUNK):
            staged, errors = [], []
            for number, raw in chunk:
                row, problems = checker.check(raw)
                errors.extend(ImportRowError(job=job, row_number=number, field=f, message=m) for f, m in problems)
                row.update(job_id=job.pk, row_number=number, has_error=bool(problems))
                staged.append(tuple(row[f] for f in STAGED_FIELDS))
            copy_insert(ImportRow, STAGED_FIELDS, staged)
            ImportRowError.objects.bulk_create(errors)
            processed += len(staged)
            _set(job, processed_rows=processed, total_rows=processed, heartbeat_at=timezone.now())
        if processed == 0:
            raise DomainError("文件中没有数据行（只有表头）", code="empty_file", field="文件")
        if connection.vendor == "postgresql":  # fresh statistics, or the set checks plan as nested loops
            with connection.cursor() as cur:
                cur.execute(f"ANALYZE {connection.ops.quote_name(ImportRow._meta.db_table)}")
        _cross_row_checks(job, user)
    except DomainError as e:
        ImportRowError.objects.filter(job=job).delete()
        ImportRow.objects.filter(job=job).delete()
        _set(job, status=ImportJob.Status.FAILED, message=e.message, finished_at=timezone.now())
        return job
    error_rows = ImportRow.objects.filter(job=job, has_error=True).count()
    _set(job, status=ImportJob.Status.VALIDATED, error_rows=error_rows)
    return job


@task()
def validate_import_task(job_id: int) -> None:
    import_validate(ImportJob.objects.get(pk=job_id))


_INSERT_PERSONS = """
INSERT INTO {person} (id_number, name, name_pinyin, name_initials, sex, birth_date, hukou_area_id,
    residence_area_id, address, phone, disability_category, disability_grade, bank_name, bank_account,
    created_at, updated_at)
SELECT id_number, name, name_pinyin, name_initials, sex, birth_date, hukou_area_id, residence_area_id, address,
    phone, disability_category, disability_grade, bank_name, bank_account, %s, %s
FROM {row} WHERE job_id = %s AND has_error = %s ORDER BY row_number
"""
_INSERT_HOUSEHOLDS = """
INSERT INTO {household} (number, area_id, address, head_id, created_at)
SELECT r.household_number, r.residence_area_id, CASE WHEN r.household_address <> '' THEN r.household_address
    ELSE r.address END, p.id, %s
FROM {row} r JOIN {person} p ON p.id_number = r.id_number
WHERE r.job_id = %s AND r.has_error = %s AND r.relation = 'head'
"""
_INSERT_MEMBERS = """
INSERT INTO {membership} (household_id, person_id, relation, start_date, end_reason)
SELECT h.id, p.id, r.relation, %s, ''
FROM {row} r JOIN {person} p ON p.id_number = r.id_number JOIN {household} h ON h.number = r.household_number
WHERE r.job_id = %s AND r.has_error = %s AND r.household_number <> ''
"""


def _analyze(cur, table: str) -> None:
    """Refresh the planner's statistics of a table just written in this transaction (PostgreSQL). Into an empty or
    just-emptied registry, autovacuum may analyse the table mid-import and record 0 rows; the joins below and the
    deferred foreign-key checks at COMMIT would then be planned for an empty table and walk a whole index per row
    (a commit of 15+ minutes at 1,000,000 rows). ANALYZE in the transaction sees its own new rows, as payroll does."""
    if connection.vendor == "postgresql":
        cur.execute(f"ANALYZE {table}")


def import_apply(*, actor, job: ImportJob, mode: str, today: dt.date | None = None) -> ImportJob:
    """Phase 2: write the good rows (VALID_ROWS) or, if any row is bad, nothing (ALL_OR_NOTHING)."""
    if job.created_by_id != actor.pk:
        raise NotFound("导入任务不存在")
    if not actor.can(Cap.REGISTRY_IMPORT):
        raise Forbidden("您的角色无权批量导入")
    if mode not in ImportJob.Mode.values:
        raise DomainError("导入方式无效", field="导入方式")
    if job.status != ImportJob.Status.VALIDATED:
        raise Conflict(f"导入任务当前状态为“{job.get_status_display()}”，不能确认导入", field="状态")
    if mode == ImportJob.Mode.ALL_OR_NOTHING and job.error_rows:
        import_discard(actor=actor, job=job, mode=mode,
                       reason=f"文件有{job.error_rows}行错误，按“有任何错误则全部不导入”方式未写入任何数据")
        raise Conflict(job.message, code="has_errors", field="导入方式")
    today = today or timezone.localdate()
    now = timezone.now()
    names = {"person": Person, "row": ImportRow, "household": Household, "membership": Membership}
    tables = {k: connection.ops.quote_name(m._meta.db_table) for k, m in names.items()}
    try:
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status != ImportJob.Status.VALIDATED:  # a double click or a second tab
                raise Conflict("该导入任务已在处理", field="状态")
            with connection.cursor() as cur:
                cur.execute(_INSERT_PERSONS.format(**tables), [now, now, job.pk, False])
                persons = cur.rowcount
                _analyze(cur, tables["person"])
                cur.execute(_INSERT_HOUSEHOLDS.format(**tables), [now, job.pk, False])
                households = cur.rowcount
                _analyze(cur, tables["household"])
                cur.execute(_INSERT_MEMBERS.format(**tables), [today, job.pk, False])
            _set(job, status=ImportJob.Status.APPLIED, mode=mode, applied_rows=persons,
                 applied_households=households, finished_at=timezone.now(),
                 message=f"已导入{persons}人，新建{households}户；{job.error_rows}行有错误未导入")
            audit.record(actor=actor, action="import.apply", object_type="import_job", object_id=job.pk,
                         object_repr=job.original_name,
                         after={"mode": mode, "persons": persons, "households": households,
                                "error_rows": job.error_rows, "total_rows": job.total_rows})
    except (IntegrityError, DatabaseError):
        # Someone registered the same person or household after validation: nothing was written.
        job.refresh_from_db()
        raise Conflict("校验后数据已发生变化（如有人同时登记了相同人员），本次未写入任何数据，请重新校验",
                       code="stale", field="文件")
    return job


def _abandoned() -> Q:
    """Validating, but the worker's lease ran out: the worker is gone."""
    return Q(status=ImportJob.Status.VALIDATING) & (Q(heartbeat_at__lt=lease_cutoff()) | Q(heartbeat_at=None))


def import_discard(*, actor, job: ImportJob, mode: str = "", reason: str = "用户选择不导入") -> ImportJob:
    """Nothing is written. Also the way out of a job stuck in the queue or abandoned by its worker."""
    if job.created_by_id != actor.pk:
        raise NotFound("导入任务不存在")
    discardable = Q(status__in=[ImportJob.Status.PENDING, ImportJob.Status.VALIDATED, ImportJob.Status.FAILED,
                                ImportJob.Status.INTERRUPTED]) | _abandoned()
    with transaction.atomic():
        # Conditional on the state, in one statement: a worker that is alive keeps its job.
        before = ImportJob.objects.filter(pk=job.pk).values_list("status", flat=True).first()
        if not ImportJob.objects.filter(discardable, pk=job.pk).update(
                status=ImportJob.Status.DISCARDED, mode=mode, message=reason, finished_at=timezone.now()):
            job.refresh_from_db()
            raise Conflict(f"导入任务当前状态为“{job.get_status_display()}”，不能放弃", field="状态")
        job.refresh_from_db()
        audit.record(actor=actor, action="import.discard", object_type="import_job", object_id=job.pk,
                     object_repr=job.original_name, before={"status": before},
                     after={"reason": reason, "error_rows": job.error_rows})
    return job


def import_retry(*, actor, job: ImportJob) -> ImportJob:
    """Validate the file again from the start: for a job interrupted or abandoned by its worker."""
    if job.created_by_id != actor.pk:
        raise NotFound("导入任务不存在")
    if not actor.can(Cap.REGISTRY_IMPORT):
        raise Forbidden("您的角色无权批量导入")
    retryable = Q(status=ImportJob.Status.INTERRUPTED) | _abandoned()
    with transaction.atomic():
        before = ImportJob.objects.filter(pk=job.pk).values_list("status", flat=True).first()
        if not ImportJob.objects.filter(retryable, pk=job.pk).update(
                status=ImportJob.Status.PENDING, attempts=0, processed_rows=0, message="", finished_at=None):
            job.refresh_from_db()
            raise Conflict(f"导入任务当前状态为“{job.get_status_display()}”，无需重新校验", field="状态")
        job.refresh_from_db()
        audit.record(actor=actor, action="import.retry", object_type="import_job", object_id=job.pk,
                     object_repr=job.original_name, before={"status": before}, after={"status": job.status})
        transaction.on_commit(lambda: validate_import_task.enqueue(job_id=job.pk))
    return job


def import_recover_abandoned() -> int:
    """For the worker (core/jobs.py): resume each job its worker abandoned, or after JOB_MAX_ATTEMPTS tries mark it
    interrupted so its owner can retry or discard it. Returns the number of jobs handled."""
    handled = 0
    for pk, attempts in ImportJob.objects.filter(_abandoned()).values_list("pk", "attempts"):
        if attempts < max_attempts():
            if ImportJob.objects.filter(_abandoned(), pk=pk).update(status=ImportJob.Status.PENDING):
                validate_import_task.enqueue(job_id=pk)
                handled += 1
        else:
            handled += ImportJob.objects.filter(_abandoned(), pk=pk).update(
                status=ImportJob.Status.INTERRUPTED, finished_at=timezone.now(),
                message=f"后台校验进程已中断{attempts}次，未写入任何数据；请点击“重新校验”，或放弃本次导入")
    for pk in _lost_in_the_queue():
        validate_import_task.enqueue(job_id=pk)
        handled += 1
    return handled


def _lost_in_the_queue() -> list[int]:
    """Jobs still waiting whose queued task is gone: a worker took it and died before claiming the job (the claim is
    the task's first step, so a live worker claims within moments). Waiting longer than a lease, with no task of
    theirs queued or started within the lease."""
    cutoff = lease_cutoff()
    alive = DBTaskResult.objects.filter(task_path=validate_import_task.module_path).filter(
        Q(status=TaskResultStatus.READY) | Q(started_at__gte=cutoff)).values_list("args_kwargs", flat=True)
    covered = {a.get("kwargs", {}).get("job_id") for a in alive}
    waiting = ImportJob.objects.filter(status=ImportJob.Status.PENDING, created_at__lt=cutoff)
    return [pk for pk in waiting.values_list("pk", flat=True) if pk not in covered]


def error_report(job: ImportJob) -> bytes:
    """Row-by-row Chinese error report as .xlsx (streamed rows, write-only workbook)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("错误报告")
    ws.append(safe_row(["行号", "字段", "错误说明", "身份证号", "姓名"]))
    staged = {}
    for err in ImportRowError.objects.filter(job=job).order_by("row_number", "id").iterator(chunk_size=2000):
        if err.row_number not in staged:
            staged = {r.row_number: r for r in ImportRow.objects.filter(
                job=job, row_number__gte=err.row_number, row_number__lt=err.row_number + 2000).only(
                "row_number", "id_number", "name")}
        row = staged.get(err.row_number)
        ws.append(safe_row([err.row_number, err.field, err.message, row.id_number if row else "",
                            row.name if row else ""]))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_workbook(user) -> bytes:
    """A blank template with one example row placed in the user's own area (lowest level first)."""
    from openpyxl import Workbook


    scope = areas_for(user)
    area = scope.filter(level=Level.VILLAGE).first() or scope.first()
    code, place = (area.code, area.name) if area else ("（区划代码）", "")
    wb = Workbook()
    ws = wb.active
    ws.title = "人员导入"
    ws.append(safe_row([f"{c}*" if c in REQUIRED else c for c in COLUMNS]))
    example_id = make_id_number("440704", dt.date(1950, 3, 8), 11)
    ws.append(safe_row([example_id, "张三（示例，请删除本行）", code, code, "男", "1950-03-08", f"{place}1号",
                        "13800138000", "", "", "", "", "H001", "户主", f"{place}1号"]))
    for col in ws.iter_cols(min_row=1, max_row=2):
        for cell in col:
            cell.number_format = "@"  # text, so Excel keeps all 18 digits
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
