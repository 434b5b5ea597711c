"""福彩: 销售场所 (outlets) with licence, owner, location and inspections; monthly sales per outlet from an imported
file; 公益金 allocations to projects, their spending and the annual public report (阳光福彩)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

MONEY = {"max_digits": 16, "decimal_places": 2}


class Outlet(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "营业"
        SUSPENDED = "suspended", "暂停销售"
        CLOSED = "closed", "已撤销"

    licence = models.CharField("销售许可证号", max_length=20, unique=True)
    name = models.CharField("名称", max_length=100)
    owner = models.CharField("代销者", max_length=50)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在地")
    address = models.CharField("地址", max_length=200)
    grade = models.CharField("分级", max_length=10, blank=True)
    opened_on = models.DateField("开业日期")
    closed_on = models.DateField("撤销日期", null=True, blank=True)
    close_reason = models.CharField("撤销原因", max_length=200, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        verbose_name = verbose_name_plural = "福彩销售场所"

    def __str__(self):
        return f"{self.name}（{self.licence}）"


class Inspection(models.Model):
    class Result(models.TextChoices):
        PASSED = "passed", "合格"
        RECTIFY = "rectify", "限期整改"
        SUSPEND = "suspend", "暂停销售"

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="inspections")
    inspected_on = models.DateField("检查日期")
    result = models.CharField("结果", max_length=10, choices=Result.choices)
    findings = models.CharField("检查情况", max_length=300)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = verbose_name_plural = "销售场所检查"


class MonthlySales(models.Model):
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="sales")
    month = models.DateField("月份")  # the 1st
    amount = models.DecimalField("销量（元）", **MONEY)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "福彩月度销量"
        constraints = [models.UniqueConstraint(fields=["outlet", "month"], name="lt_one_sales_per_month"),
                       models.CheckConstraint(condition=Q(amount__gte=0), name="lt_sales_non_negative")]


class Allocation(models.Model):
    """公益金 allocated by a civil-affairs bureau to a project in a year."""

    class Use(models.TextChoices):
        ELDERLY = "elderly", "养老服务"
        DISABLED = "disabled", "助残"
        CHILDREN = "children", "儿童福利（救孤）"
        RELIEF = "relief", "济困"

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="安排单位所在地")
    year = models.PositiveSmallIntegerField("年度")
    project = models.CharField("项目", max_length=100)
    use = models.CharField("用途", max_length=10, choices=Use.choices)
    amount = models.DecimalField("安排金额（元）", **MONEY)
    spent = models.DecimalField("已支出（元）", default=0, **MONEY)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "福彩公益金安排"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="lt_allocation_positive"),
                       models.CheckConstraint(condition=Q(spent__gte=0) & Q(spent__lte=models.F("amount")),
                                              name="lt_spent_within_allocation")]


class Spending(models.Model):
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="spendings")
    amount = models.DecimalField("金额（元）", **MONEY)
    spent_on = models.DateField("支出日期")
    evidence = models.CharField("凭证", max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "福彩公益金支出"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="lt_spending_positive")]
