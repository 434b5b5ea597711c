"""低收入人口动态监测: the monitored population, other departments' events, the alerts raised on them (or reported
by village staff: 主动发现) and their lifecycle, and 一门受理 referrals to other departments.

Status fields change only through services.py; the alert run is one INSERT … SELECT (runs.py).
"""

from django.db import models
from django.db.models import Q


class Severity(models.TextChoices):
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


class Rule(models.Model):
    """One dated warning rule of data/lowincome/rules.csv (loaded by rules.load_rules): an event kind, the amount
    from which it warns, its severity and the working days the village has to 核实."""

    kind = models.CharField("事件类型", max_length=32)
    min_amount = models.DecimalField("预警金额下限(元)", max_digits=14, decimal_places=2, null=True, blank=True)
    severity = models.CharField("预警等级", max_length=8, choices=Severity.choices)
    verify_workdays = models.PositiveSmallIntegerField("核实期限(工作日)")
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    assumed = models.BooleanField("假定值", default=False)
    citation = models.CharField("依据", max_length=400)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预警规则"
        constraints = [models.UniqueConstraint(fields=["kind", "effective_from"], name="lowincome_rule_kind_from")]


class Registration(models.Model):
    """A household the town recognised as 低保边缘 or 支出型困难 (groups whose source is `register`)."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    group = models.CharField("监测类别", max_length=16)
    since = models.DateField("认定日期")
    until = models.DateField("终止日期", null=True, blank=True)
    basis = models.CharField("认定依据", max_length=200)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "监测对象认定"
        constraints = [models.UniqueConstraint(fields=["household", "group"], condition=Q(until__isnull=True),
                                               name="lowincome_one_open_registration")]


class MonitoredPerson(models.Model):
    """The monitored population, rebuilt set-based by runs.population_refresh: one row per person, in the group of
    highest priority (data/lowincome/groups.csv)."""

    person = models.OneToOneField("registry.Person", on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey("registry.Household", null=True, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    group = models.CharField("监测类别", max_length=16)

    class Meta:
        verbose_name = verbose_name_plural = "监测人口"
        indexes = [models.Index(fields=["area", "group"])]


class FeedBatch(models.Model):
    """One department feed taken in (all rows or none)."""

    kind = models.CharField("事件类型", max_length=32)
    original_name = models.CharField("文件名", max_length=255, blank=True)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="导入单位辖区")
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    new_events = models.PositiveIntegerField("新增事件", default=0)
    repeated_events = models.PositiveIntegerField("此前已导入", default=0)
    alerts_raised = models.PositiveIntegerField("产生预警", default=0)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "部门数据批次"


class Event(models.Model):
    """One department record about one registered person. `key` identifies it across feeds, so the same record sent
    twice is kept once."""

    batch = models.ForeignKey(FeedBatch, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("事件类型", max_length=32)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    event_date = models.DateField("事件日期")
    amount = models.DecimalField("金额(元)", max_digits=14, decimal_places=2, null=True, blank=True)
    detail = models.CharField("其他信息", max_length=300, blank=True)
    key = models.CharField(max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "部门事件"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="lowincome_event_key")]
        indexes = [models.Index(fields=["batch"])]


class AlertStatus(models.TextChoices):
    NEW = "new", "待核实"
    VERIFIED = "verified", "已核实"
    RECOGNISED = "recognised", "已认定困难"
    REFERRED = "referred", "已转介救助"
    CLOSED = "closed", "已关闭"


class Alert(models.Model):
    class Source(models.TextChoices):
        FEED = "feed", "部门数据预警"
        DISCOVERY = "discovery", "主动发现"

    # The alert run copies event, batch, person, household, area and rule from rows whose own keys guarantee them,
    # so the database checks no key per row (per-row key checks were two thirds, then half, of the run's time:
    # bench/README.md); Django still enforces PROTECT on delete. Indexes: one alert per event (the run's idempotence
    # key; the batch is the event's, and in the key so that PostgreSQL can partition by it), (area, status) for
    # scope, person for the record page. On PostgreSQL the table is partitioned by batch (migration 0002): a feed's
    # first run fills its own partition and builds its indexes after (runs.py).
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              db_constraint=False, db_index=False)
    batch = models.ForeignKey(FeedBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              db_constraint=False, db_index=False)
    rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             db_constraint=False, db_index=False)
    source = models.CharField("来源", max_length=12, choices=Source.choices)
    kind = models.CharField("事件类型", max_length=32)
    severity = models.CharField("预警等级", max_length=8, choices=Severity.choices)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", db_constraint=False,
                               db_index=False)
    household = models.ForeignKey("registry.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", db_constraint=False, db_index=False)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在村居",
                             db_constraint=False, db_index=False)
    raised_on = models.DateField("预警日期")
    verify_due = models.DateField("核实期限")
    status = models.CharField("状态", max_length=12, choices=AlertStatus.choices, default=AlertStatus.NEW)
    description = models.TextField("情况描述", blank=True)
    reported_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", db_constraint=False, db_index=False)
    verified_on = models.DateField("核实日期", null=True, blank=True)
    finding = models.TextField("核实情况", blank=True)
    in_difficulty = models.BooleanField("认定存在困难", null=True, blank=True)
    application = models.ForeignKey("assistance.Application", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="转介的救助申请", db_constraint=False,
                                    db_index=False)
    closed_reason = models.TextField("关闭原因", blank=True)
    closed_on = models.DateField("关闭日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = verbose_name_plural = "监测预警"
        indexes = [models.Index(fields=["area", "status"]), models.Index(fields=["person"])]
        constraints = [models.UniqueConstraint(fields=["event", "batch"], name="lowincome_alert_one_per_event")]


class AlertStep(models.Model):
    """Who moved an alert, when, from what to what."""

    # no database key: PostgreSQL cannot reference a partitioned table by id alone (Django enforces CASCADE)
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="steps", db_constraint=False)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=64)
    on = models.DateField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]


class Referral(models.Model):
    """一门受理、协同办理: a request the town window took in and sent to the department that decides it."""

    class Status(models.TextChoices):
        SENT = "sent", "已转办"
        ACCEPTED = "accepted", "部门已受理"
        DONE = "done", "已办结"
        RETURNED = "returned", "部门退回"

    number = models.CharField("转办编号", max_length=32, unique=True)
    need = models.CharField("救助事项", max_length=16)
    department = models.CharField("承办部门", max_length=64)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在村居")
    request = models.TextField("求助事项")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SENT)
    sent_on = models.DateField("转办日期")
    accept_due = models.DateField("受理期限")
    outcome_due = models.DateField("办结期限")
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    done_on = models.DateField("办结日期", null=True, blank=True)
    outcome = models.TextField("办理结果", blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = verbose_name_plural = "协同办理转办"
        indexes = [models.Index(fields=["area", "status"]), models.Index(fields=["person"])]
