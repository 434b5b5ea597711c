"""地名: the gazetteer of standard names (《地名管理条例》 2022) with category (GB/T 18521), 汉语拼音 (GB/T 16159),
location, origin and meaning, and an append-only history of naming decisions; naming/renaming applications go
through public comment, expert review and approval, which issues a certificate.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class PlaceName(models.Model):
    class Status(models.TextChoices):
        STANDARD = "standard", "标准地名"
        CANCELLED = "cancelled", "已销名"

    class Geometry(models.TextChoices):
        POINT = "point", "点"
        LINE = "line", "线"

    name = models.CharField("标准名称", max_length=40)
    category = models.CharField("地名类别", max_length=4)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在行政区")
    pinyin = models.CharField("汉语拼音", max_length=200)
    pinyin_search = models.CharField("拼音检索", max_length=200)  # toneless, lower case, no spaces
    initials = models.CharField("拼音首字母", max_length=40)
    geometry = models.CharField("位置类型", max_length=5, choices=Geometry.choices, default=Geometry.POINT)
    coordinates = models.JSONField("坐标（经度、纬度）", default=list)
    origin = models.TextField("来历", blank=True)
    meaning = models.TextField("含义", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.STANDARD)
    approved_on = models.DateField("批准日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = verbose_name_plural = "地名"
        # Prefix search (LIKE '东莞%', 'dongguan%', 'dg%'): pattern opclasses let PostgreSQL use the index under any
        # collation (as registry.Person's name indexes do).
        indexes = [
            models.Index(fields=["name"], name="placename_name_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["pinyin_search"], name="placename_pinyin_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["initials"], name="placename_initials_prefix", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            # 重名: one standard name per category within one area (《地名管理条例》 第十条).
            models.UniqueConstraint(fields=["name", "category", "area"], condition=Q(status="standard"),
                                    name="placenames_no_duplicate_in_area"),
        ]

    def __str__(self):
        return self.name


class NamingApplication(models.Model):
    class Kind(models.TextChoices):
        NAME = "name", "命名"
        RENAME = "rename", "更名"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已受理"
        COMMENT = "comment", "公开征求意见中"
        EXPERT = "expert", "专家论证中"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "不予批准"

    kind = models.CharField("类型", max_length=6, choices=Kind.choices)
    place = models.ForeignKey(PlaceName, null=True, blank=True, on_delete=models.PROTECT, related_name="applications",
                              verbose_name="原地名")
    proposed_name = models.CharField("拟用名称", max_length=40)
    category = models.CharField("地名类别", max_length=4)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在行政区")
    applicant = models.CharField("申请单位", max_length=100)
    reason = models.TextField("申请理由")
    origin = models.TextField("来历", blank=True)
    meaning = models.TextField("含义", blank=True)
    geometry = models.CharField("位置类型", max_length=5, choices=PlaceName.Geometry.choices,
                                default=PlaceName.Geometry.POINT)
    coordinates = models.JSONField("坐标", default=list)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    comment_from = models.DateField("征求意见起", null=True, blank=True)
    comment_to = models.DateField("征求意见止", null=True, blank=True)
    comments = models.TextField("公众意见汇总", blank=True)
    expert_opinion = models.TextField("专家论证意见", blank=True)
    decided_on = models.DateField("批准日期", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    certificate_number = models.CharField("地名批准书编号", max_length=32, unique=True, null=True, blank=True)
    result = models.ForeignKey(PlaceName, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "地名命名更名申请"


class PlaceNameEvent(models.Model):
    """Append-only history of a name: 命名, 更名 (with the former name), 拼音更正, 销名."""

    place = models.ForeignKey(PlaceName, on_delete=models.PROTECT, related_name="history")
    kind = models.CharField("事项", max_length=16)
    old_value = models.CharField("原", max_length=200, blank=True)
    new_value = models.CharField("新", max_length=200, blank=True)
    on = models.DateField("日期")
    application = models.ForeignKey(NamingApplication, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["on", "id"]


class Sign(models.Model):
    """地名标志: a road or village sign carrying a standard name."""

    class Condition(models.TextChoices):
        GOOD = "good", "完好"
        DAMAGED = "damaged", "损坏"
        MISSING = "missing", "缺失"
        WRONG = "wrong", "标注不规范"

    place = models.ForeignKey(PlaceName, on_delete=models.PROTECT, related_name="signs")
    code = models.CharField("标志编号", max_length=32, unique=True)
    coordinates = models.JSONField("位置（经度、纬度）", default=list)
    installed_on = models.DateField("设置日期")
    condition = models.CharField("状况", max_length=10, choices=Condition.choices, default=Condition.GOOD)
    last_inspected_on = models.DateField("最近巡查日期", null=True, blank=True)


class SignInspection(models.Model):
    sign = models.ForeignKey(Sign, on_delete=models.PROTECT, related_name="inspections")
    inspected_on = models.DateField("巡查日期")
    condition = models.CharField("状况", max_length=10, choices=Sign.Condition.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-inspected_on", "-id"]


class BoundarySection(models.Model):
    """界线: one section between two administrative areas, inspected jointly by both sides."""

    name = models.CharField("界线名称", max_length=100, unique=True)
    left_area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="一方")
    right_area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="另一方")
    length_km = models.DecimalField("长度（千米）", max_digits=8, decimal_places=2)
    markers = models.PositiveIntegerField("界桩数", default=0)


class BoundaryInspection(models.Model):
    section = models.ForeignKey(BoundarySection, on_delete=models.PROTECT, related_name="inspections")
    inspected_on = models.DateField("联检日期")
    parties = models.CharField("参加单位", max_length=200)
    findings = models.TextField("联检情况")
    markers_damaged = models.PositiveIntegerField("损坏界桩数", default=0)
    dispute = models.TextField("涉界矛盾纠纷", blank=True)
    dispute_resolved_on = models.DateField("纠纷调处完结日期", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-inspected_on", "-id"]
