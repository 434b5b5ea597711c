"""养老服务设施 (facilities), beds, admissions, star ratings, 双随机一公开 inspections and 适老化改造.

A person is always the shared registry's Person (一人一档): admissions and retrofits point at it. Status fields
change only through services.py, each change audited with the facility's (or the home's) area code so the 规划监测
incremental refresh knows which areas to recount.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    INSTITUTION = "institution", "养老机构"
    TEKUN = "tekun", "特困人员供养服务机构"
    TOWN_CENTRE = "town_centre", "镇街综合养老服务中心"
    VILLAGE_STATION = "village_station", "村居养老服务站"
    CANTEEN = "canteen", "长者饭堂"


# 养老机构 in the statistical sense (护理型床位占比 counts their beds): private and public homes and 特困供养机构.
INSTITUTION_KINDS = (Kind.INSTITUTION, Kind.TEKUN)
# Kinds that keep beds at all (a 长者饭堂 serves meals; its meals belong to homecare).
BED_KINDS = (Kind.INSTITUTION, Kind.TEKUN, Kind.TOWN_CENTRE, Kind.VILLAGE_STATION)


class Ownership(models.TextChoices):
    PUBLIC = "public", "公办"
    PRIVATE = "private", "民办"
    PUBLIC_PRIVATE = "public_private", "公建民营"


class Facility(models.Model):
    class Status(models.TextChoices):
        OPERATING = "operating", "运营中"
        SUSPENDED = "suspended", "暂停服务"
        CLOSED = "closed", "已注销"

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    ownership = models.CharField("性质", max_length=20, choices=Ownership.choices)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在镇街/村居")
    operator = models.CharField("运营方", max_length=100)
    filing_number = models.CharField("备案号", max_length=64, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    capacity = models.PositiveIntegerField("核定床位（服务容量）")
    medical_integration = models.BooleanField("医养结合", default=False)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPERATING)
    registered_on = models.DateField("备案日期")
    closed_on = models.DateField("注销日期", null=True, blank=True)
    star_level = models.PositiveSmallIntegerField("星级", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area__path", "name"]
        verbose_name = verbose_name_plural = "养老服务设施"
        constraints = [
            models.UniqueConstraint(fields=["filing_number"], condition=~Q(filing_number=""),
                                    name="facility_filing_number_uniq"),
        ]

    def __str__(self):
        return self.name

    @property
    def star_label(self) -> str:
        return f"{'一二三四五'[self.star_level - 1]}星级" if self.star_level else "未评定"


class Bed(models.Model):
    class Status(models.TextChoices):
        AVAILABLE = "available", "空闲"
        OCCUPIED = "occupied", "在住"
        MAINTENANCE = "maintenance", "维修停用"
        RETIRED = "retired", "已撤销"

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="beds", verbose_name="机构")
    number = models.CharField("床位号", max_length=32)
    # The bed's registration code in the province's bed register: one code, one facility — so a bed cannot be
    # counted twice (unique across all facilities, retired beds included: a code is never reused).
    registration_code = models.CharField("床位登记编码", max_length=40, unique=True)
    nursing = models.BooleanField("护理型床位", default=False)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.AVAILABLE)
    opened_on = models.DateField("启用日期")
    retired_on = models.DateField("撤销日期", null=True, blank=True)

    class Meta:
        ordering = ["facility", "number"]
        verbose_name = verbose_name_plural = "床位"
        constraints = [models.UniqueConstraint(fields=["facility", "number"], name="bed_number_per_facility_uniq")]

    def __str__(self):
        return f"{self.facility.name}{self.number}号床"


class RiskAssessment(models.Model):
    """GB 38600-2019 服务安全风险评估 of one person before admission to one facility."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="老年人")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="risk_assessments")
    assessed_on = models.DateField("评估日期")
    assessors = models.CharField("评估人员", max_length=100)
    items = models.JSONField("评估项目及风险等级")   # {item code: level code}
    overall = models.CharField("综合风险等级", max_length=16)
    ruleset = models.CharField("评估规则版本", max_length=64)
    note = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = verbose_name_plural = "服务安全风险评估"


class Admission(models.Model):
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="老年人")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="admissions")
    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="admissions", verbose_name="床位")
    risk_assessment = models.ForeignKey(RiskAssessment, on_delete=models.PROTECT, related_name="+")
    admitted_on = models.DateField("入住日期")
    discharged_on = models.DateField("退住日期", null=True, blank=True)
    discharge_reason = models.CharField("退住原因", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-admitted_on", "-id"]
        verbose_name = verbose_name_plural = "入住记录"
        constraints = [
            # one person in one bed at a time, and one bed holds one person: the database enforces both too
            models.UniqueConstraint(fields=["person"], condition=Q(discharged_on__isnull=True),
                                    name="admission_one_active_per_person"),
            models.UniqueConstraint(fields=["bed"], condition=Q(discharged_on__isnull=True),
                                    name="admission_one_active_per_bed"),
        ]

    @property
    def active(self) -> bool:
        return self.discharged_on is None


class StarEvaluation(models.Model):
    """One GB/T 37276-2018 等级评定: the part scores as given, the level they earn under the ruleset of that day."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="evaluations")
    evaluated_on = models.DateField("评定日期")
    scores = models.JSONField("各部分得分")      # {part code: score}
    total = models.DecimalField("总分", max_digits=7, decimal_places=1)
    prerequisites_met = models.BooleanField("满足评定基本要求", default=True)
    level = models.PositiveSmallIntegerField("评定星级", null=True, blank=True)   # None: 未达到一星级
    ruleset = models.CharField("评定规则版本", max_length=64)
    explanation = models.TextField("评定说明")
    evaluators = models.CharField("评定人员", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-evaluated_on", "-id"]
        verbose_name = verbose_name_plural = "等级评定"


class InspectionDraw(models.Model):
    """双随机一公开: one recorded draw of facilities and inspectors. The candidate lists (ids in order) and the seed
    are stored, so anyone can redo the draw and get the same sample."""

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="抽查范围")
    drawn_on = models.DateField("抽取日期")
    seed = models.BigIntegerField("随机种子")
    sample_size = models.PositiveIntegerField("抽取机构数")
    facility_pool = models.JSONField("待抽机构（编号）")
    inspector_pool = models.JSONField("执法检查人员库（编号）")
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-drawn_on", "-id"]
        verbose_name = verbose_name_plural = "双随机抽查"


class Inspection(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "待检查"
        RECTIFYING = "rectifying", "整改中"
        CLOSED = "closed", "已办结"

    draw = models.ForeignKey(InspectionDraw, on_delete=models.PROTECT, related_name="inspections")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="inspections")
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name="检查人员")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PLANNED)
    inspected_on = models.DateField("检查日期", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    result_summary = models.CharField("检查结果（公开）", max_length=300, blank=True)

    class Meta:
        ordering = ["-draw__drawn_on", "id"]
        verbose_name = verbose_name_plural = "检查"


class Finding(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "待整改"
        RECTIFIED = "rectified", "已整改"

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    description = models.CharField("问题描述", max_length=300)
    deadline = models.DateField("整改期限")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    rectification_note = models.CharField("整改情况", max_length=300, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = verbose_name_plural = "检查发现问题"


class Retrofit(models.Model):
    """适老化改造 of one elder's home: 申请 → 评估 → 施工 → 验收."""

    class Status(models.TextChoices):
        APPLIED = "applied", "已申请"
        ASSESSED = "assessed", "已评估"
        WORKS = "works", "施工中"
        ACCEPTED = "accepted", "已验收"
        REJECTED = "rejected", "不予改造"

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="老年人")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在村居")
    address = models.CharField("改造地址", max_length=200)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.APPLIED)
    applied_on = models.DateField("申请日期")
    needs = models.CharField("改造需求", max_length=300)
    assessment = models.CharField("评估意见", max_length=300, blank=True)
    planned_items = models.CharField("改造项目", max_length=300, blank=True)
    assessed_on = models.DateField("评估日期", null=True, blank=True)
    contractor = models.CharField("施工单位", max_length=100, blank=True)
    works_started_on = models.DateField("开工日期", null=True, blank=True)
    acceptance_note = models.CharField("验收意见", max_length=300, blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    rejected_reason = models.CharField("不予改造原因", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = verbose_name_plural = "适老化改造"
        constraints = [
            # one open application per elder: a second would be the same home twice
            models.UniqueConstraint(fields=["person"], condition=Q(status__in=["applied", "assessed", "works"]),
                                    name="retrofit_one_open_per_person"),
        ]


class Training(models.Model):
    """A training session for 养老服务人员 (护理员, managers) held in an area; the plans count 培训人次."""

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="举办地区")
    title = models.CharField("培训名称", max_length=100)
    organiser = models.CharField("主办单位", max_length=100)
    held_on = models.DateField("培训日期")
    trainees = models.PositiveIntegerField("参训人次")
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(trainees__gt=0), name="training_trainees_positive")]
        verbose_name = verbose_name_plural = "养老服务人员培训"

    def __str__(self):
        return f"{self.title}（{self.held_on}）"
