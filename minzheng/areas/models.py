import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from minzheng.core.periods import local_date


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县区"
    TOWN = "town", "镇街"
    VILLAGE = "village", "村居"


LEVEL_RANK = {Level.PROVINCE: 0, Level.CITY: 1, Level.COUNTY: 2, Level.TOWN: 3, Level.VILLAGE: 4}


class CodeSource(models.TextChoices):
    GB2260 = "GB/T 2260", "GB/T 2260"
    STATS = "统计用区划代码", "国家统计局统计用区划代码"
    LOCAL = "local", "本地编码"
    GENERATED = "generated", "演示生成"


class AreaQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None):
        on = on or local_date()
        return self.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))

    def within(self, area: "Area"):
        """The area itself and every area below it."""
        return self.filter(path__startswith=area.path)


class Area(models.Model):
    """One 行政区划 unit over one validity period; a re-division closes it and opens new ones."""

    code = models.CharField("区划代码", max_length=32)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # Materialised path of ids ("/1/7/42/") so scope checks are one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    code_source = models.CharField("代码来源", max_length=16, choices=CodeSource.choices)
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期", null=True, blank=True)
    note = models.CharField("备注", max_length=255, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="area_code_valid_from_uniq")]
        verbose_name = verbose_name_plural = "行政区划"

    def __str__(self):
        return self.name

    @property
    def is_generated(self) -> bool:
        return self.code_source == CodeSource.GENERATED

    def contains(self, other: "Area") -> bool:
        return other.path.startswith(self.path)

    def ancestors(self):
        ids = [int(x) for x in self.path.strip("/").split("/")]
        return Area.objects.filter(id__in=ids).order_by("path")

    def full_name(self) -> str:
        return "".join(a.name for a in self.ancestors() if a.level != Level.PROVINCE)


class Succession(models.Model):
    """行政区划调整: one approved re-division. The old areas end the day before `effective_on` (their `valid_to` is
    `effective_on`), the successor areas start on it; past periods keep the tree as it was. Written only by
    placenames.services.area_redivide."""

    class Kind(models.TextChoices):
        MERGE = "merge", "撤并"
        SPLIT = "split", "拆分"
        RENAME = "rename", "更名"
        REPARENT = "reparent", "改隶"

    kind = models.CharField("调整类型", max_length=10, choices=Kind.choices)
    effective_on = models.DateField("生效日期")
    document = models.CharField("批准文号", max_length=100)
    authority = models.CharField("批准机关", max_length=100)
    note = models.CharField("说明", max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="登记人")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-id"]
        verbose_name = verbose_name_plural = "行政区划调整"


class SuccessionLink(models.Model):
    """One old area → one successor. `sole` when the old area has exactly this one successor (撤并, 更名, 改隶):
    then whatever still points at the old area belongs to the successor from the effective date (scope and the
    roll-up resolve through it). A 拆分 has several successors per old area and is never `sole`."""

    succession = models.ForeignKey(Succession, on_delete=models.PROTECT, related_name="links")
    old = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="successor_links", verbose_name="原区划")
    new = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="predecessor_links", verbose_name="新区划")
    sole = models.BooleanField(default=False)
    effective_on = models.DateField("生效日期")  # the succession's, repeated so scope resolves in one query

    class Meta:
        constraints = [models.UniqueConstraint(fields=["old", "new"], name="succession_link_uniq")]
