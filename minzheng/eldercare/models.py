"""大养老: capability assessments, monthly visit plans and visits, emergency calls.

The elderly themselves are registry Persons (一人一档); their stored categories (独居, 空巢, 留守, 计生特殊家庭) are
registry PersonCategory rows. Everything else about an elder's categories is derived when read (selectors.py).
Status fields change only through services.py.
"""

from django.db import models
from django.db.models import Q


class Assessment(models.Model):
    """One 老年人能力评估 under one ruleset version: the item answers, the scores and levels it produced."""

    class Reason(models.TextChoices):
        INITIAL = "initial", "首次评估"
        ROUTINE = "routine", "常规评估"
        IMMEDIATE = "immediate", "即时评估"
        REVIEW = "review", "复评（对结果有疑问）"

    class Status(models.TextChoices):
        VALID = "valid", "有效"
        VOID = "void", "已作废"

    number = models.CharField("评估编号", max_length=32, unique=True)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="老年人")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="居住地")
    ruleset = models.CharField("评估标准版本", max_length=64)
    reason = models.CharField("评估原因", max_length=16, choices=Reason.choices)
    assessed_on = models.DateField("评估日期")
    next_due = models.DateField("下次评估日期")
    assessor_1 = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="评估员一")
    assessor_2 = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="评估员二")
    answers = models.JSONField("各项得分")            # item code → score
    part_scores = models.JSONField("各部分得分")      # part code → score
    total = models.PositiveSmallIntegerField("总分")
    coma = models.BooleanField("昏迷", default=False)
    diagnosis = models.BooleanField("确诊痴呆或精神和行为障碍", default=False)
    diagnosis_note = models.CharField("诊断说明", max_length=200, blank=True)
    risk_events = models.PositiveSmallIntegerField("近30天照护风险事件次数", default=0)
    initial_level = models.PositiveSmallIntegerField("初步等级")
    final_level = models.PositiveSmallIntegerField("最终等级")
    adjustments = models.JSONField("适用的调整规则", default=list)
    self_care = models.CharField("特困照料护理档次", max_length=16, blank=True)
    explanation = models.TextField("评估说明")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.VALID)
    void_reason = models.TextField("作废原因", blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = verbose_name_plural = "老年人能力评估"
        indexes = [models.Index(fields=["person", "status", "assessed_on"]),
                   models.Index(fields=["status", "next_due"])]
        constraints = [
            models.CheckConstraint(condition=~Q(assessor_1=models.F("assessor_2")), name="assessment_two_assessors"),
            models.CheckConstraint(condition=Q(final_level__gte=models.F("initial_level")),
                                   name="assessment_adjustment_never_better"),
            models.CheckConstraint(condition=Q(next_due__gt=models.F("assessed_on")), name="assessment_due_after"),
        ]

    def __str__(self):
        return self.number


class VisitDue(models.Model):
    """One 特殊困难老年人 due a visit in one month; generated in sets per area and month (idempotent)."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份")  # the 1st
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="居住地")
    reasons = models.CharField("特殊困难情形", max_length=200)
    visit = models.ForeignKey("Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "月探访计划"
        indexes = [models.Index(fields=["month", "area"])]
        constraints = [models.UniqueConstraint(fields=["person", "month"], name="one_visit_due_per_person_month")]


class Visit(models.Model):
    """A visit made (入户/电话/视频); whether it counts towards 月探访率 is data (visit_modes.csv)."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField("探访日期")
    mode = models.CharField("探访方式", max_length=16)
    visitor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name="探访人")
    findings = models.TextField("探访情况")
    needs_followup = models.BooleanField("需要跟进", default=False)
    recorded_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = verbose_name_plural = "探访记录"
        indexes = [models.Index(fields=["person", "visited_on"])]


class EmergencyCall(models.Model):
    """一键呼叫 / 平安通: taken in, dispatched, arrived, closed. Response time = arrived − received."""

    class Status(models.TextChoices):
        RECEIVED = "received", "已接警"
        DISPATCHED = "dispatched", "已派单"
        ARRIVED = "arrived", "已到达"
        CLOSED = "closed", "已结案"

    class Channel(models.TextChoices):
        TERMINAL = "terminal", "一键呼叫终端"
        PINGANTONG = "pingantong", "平安通热线"
        PHONE = "phone", "电话求助"

    number = models.CharField("呼叫编号", max_length=32, unique=True)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="老年人")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="居住地")
    channel = models.CharField("呼叫渠道", max_length=16, choices=Channel.choices)
    kind = models.CharField("事件类型", max_length=16)
    description = models.TextField("呼叫内容")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField("接警时间")
    taken_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name="接警人")
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    dispatched_to = models.CharField("派往", max_length=100, blank=True)
    dispatched_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    arrived_at = models.DateTimeField("到达时间", null=True, blank=True)
    responder = models.CharField("到场人员", max_length=100, blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    outcome = models.TextField("处置结果", blank=True)
    closed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    response_seconds = models.PositiveIntegerField("响应时长（秒）", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "紧急呼叫"
        indexes = [models.Index(fields=["status", "area"]), models.Index(fields=["received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(dispatched_at__isnull=True) | Q(dispatched_at__gte=models.F("received_at")),
                name="call_dispatch_after_intake"),
            models.CheckConstraint(
                condition=Q(arrived_at__isnull=True) | Q(arrived_at__gte=models.F("dispatched_at")),
                name="call_arrival_after_dispatch"),
        ]

    def __str__(self):
        return self.number
