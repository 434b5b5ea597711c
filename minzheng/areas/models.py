import datetime as dt

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
