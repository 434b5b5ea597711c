"""Province batch jobs: one run of a job on an engine, and what it found.

A run's results are written back through services.py in the run's transaction: findings are keyed by
(job, period, rule, subject), so a rerun — on either engine — adds nothing it found before (idempotent), and
each run leaves one audit entry with its counts.
"""

from django.conf import settings
from django.db import models


class Job(models.TextChoices):
    VERIFICATION = "verification", "全省经济状况核对"
    SUPERVISION = "supervision", "跨市资金监管"
    MONITORING = "monitoring", "规划监测汇总"


class Engine(models.TextChoices):
    EMBEDDED = "embedded", "内置引擎（本库集合运算）"
    SPARK = "spark", "Apache Spark"


class JobRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "运行中"
        DONE = "done", "已完成"
        FAILED = "failed", "未能完成"

    job = models.CharField("作业", max_length=16, choices=Job.choices)
    engine = models.CharField("引擎", max_length=16, choices=Engine.choices)
    period = models.DateField("期间")  # the 1st of the month the job is about
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.RUNNING)
    rows = models.PositiveIntegerField("结果行数", default=0)
    new_rows = models.PositiveIntegerField("新增结果", default=0)
    seconds = models.FloatField("用时（秒）", default=0)
    message = models.CharField("说明", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "批处理作业运行"


class Finding(models.Model):
    """One row of a job's result. `subject` is the row's natural key inside (job, period, rule): a person, a
    (person, programme pair), an (account, person), a household, an (indicator, area).

    A 跨市资金监管 finding is a suspicion: the bureau whose area it is filed under (the paying county)
    checks it and records whether it holds (services.finding_check); the other jobs'
    rows are results and are not checked."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "待核查"
        CONFIRMED = "confirmed", "核查属实"
        CLEARED = "cleared", "核查不属实"

    job = models.CharField("作业", max_length=16, choices=Job.choices)
    period = models.DateField("期间")
    rule = models.CharField("规则", max_length=32)
    subject = models.CharField("对象", max_length=96)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    area = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             db_index=False)
    value = models.CharField("结果", max_length=200)  # the engine's figure(s), canonical text, compared row for row
    detail = models.CharField("说明", max_length=300)
    first_run = models.ForeignKey(JobRun, on_delete=models.PROTECT, related_name="+", db_index=False)
    outcome = models.CharField("核查结果", max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_note = models.CharField("核查说明", max_length=500, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="核查人")
    checked_at = models.DateTimeField("核查时间", null=True, blank=True)

    class Meta:
        ordering = ["job", "period", "rule", "subject"]
        verbose_name = verbose_name_plural = "批处理作业结果"
        constraints = [
            models.UniqueConstraint(fields=["job", "period", "rule", "subject"], name="batch_finding_key_uniq"),
        ]
