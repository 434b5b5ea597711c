"""规划监测: the plans' indicators (catalogue in data), their computed and reported values by area and period,
and the progress of each against its targets."""

from django.db import models


class Attribute(models.TextChoices):
    BINDING = "约束性", "约束性"
    EXPECTED = "预期性", "预期性"
    NONE = "", "—"


class Indicator(models.Model):
    """One row of a plan's indicator table (or a quantified target from its text), as data/monitoring says."""

    code = models.CharField("指标编码", max_length=96)
    variant = models.CharField("口径", max_length=8, blank=True)  # plans contradicting themselves: a / b …
    adopted = models.BooleanField("采用口径", default=True)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="规划地区")
    key = models.CharField("模板指标", max_length=64, db_index=True)
    category = models.CharField("类别", max_length=32)
    name = models.CharField("指标名称", max_length=200)
    sub_item = models.CharField("子项", max_length=64, blank=True)
    unit = models.CharField("单位", max_length=32, blank=True)
    attribute = models.CharField("指标属性", max_length=8, choices=Attribute.choices, blank=True)
    cumulative = models.BooleanField("累计指标", default=False)
    direction = models.CharField("方向", max_length=2, default="ge")  # ge: higher is better, le, eq
    source = models.CharField("出处类型", max_length=8)  # table / text / annex
    baseline_2020 = models.CharField("2020年基期值", max_length=64, blank=True)
    target_2023 = models.CharField("2023年目标值", max_length=64, blank=True)
    target_2025 = models.CharField("2025年目标值", max_length=64, blank=True)
    city_target_2025 = models.CharField("2025年市目标值", max_length=64, blank=True)
    province_target_2025 = models.CharField("2025年省目标值", max_length=64, blank=True)
    citation = models.CharField("出处", max_length=200)
    note = models.TextField("说明", blank=True)

    class Meta:
        ordering = ["area__path", "id"]
        constraints = [models.UniqueConstraint(fields=["code", "variant"], name="indicator_code_variant_uniq")]
        verbose_name = verbose_name_plural = "规划指标"

    def __str__(self):
        return f"{self.name}{'（' + self.sub_item + '）' if self.sub_item else ''}"

    @property
    def template_row(self) -> str:
        """The shared template row ("dibao_growth.urban"): the code without its area prefix."""
        return self.code.split(".", 1)[1] if "." in self.code else self.key


class TargetRule(models.Model):
    """A target that is a rule over policy standards ("特困供养标准为低保标准的1.6倍"): evaluated, not text."""

    class Kind(models.TextChoices):
        RATIO_GE = "ratio_ge", "不低于倍数"
        RATIO_EQ = "ratio_eq", "等于倍数"
        GROWTH_GE = "growth_ge", "增速不低于"
        GROWTH_FOLLOWS = "growth_follows", "随之同幅调整"
        REF_EQ = "ref_eq", "参照标准"

    name = models.CharField("规则", max_length=64, unique=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    left = models.CharField("被比较标准", max_length=64)
    right = models.CharField("参照标准", max_length=64)
    factor = models.DecimalField("倍数", max_digits=8, decimal_places=4, default=1)
    phrase = models.CharField("规划原文", max_length=200)
    citation = models.CharField("出处", max_length=200)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "规则型目标"


class Formula(models.Model):
    """How a template indicator is computed: numerator × factor ÷ denominator over named data elements."""

    key = models.CharField("模板指标", max_length=64, unique=True)
    numerator = models.CharField("分子", max_length=200)
    denominator = models.CharField("分母", max_length=200, blank=True)
    factor = models.DecimalField("系数", max_digits=12, decimal_places=4, default=1)
    unit = models.CharField("单位", max_length=32, blank=True)
    citation = models.CharField("出处", max_length=200)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标计算公式"


class ElementValue(models.Model):
    """A data element's value for one area and period, as counted at that area itself (not below it)."""

    element = models.CharField("数据元素", max_length=64)
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    period = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("值", max_digits=20, decimal_places=4)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["element", "period", "area"], name="element_value_uniq")]


class ReportedValue(models.Model):
    """A figure the responsible unit enters where the system holds no data; approved upward, then locked."""

    class Status(models.TextChoices):
        DRAFT = "draft", "已填报"
        APPROVED = "approved", "已审定（锁定）"

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="reported")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="填报地区")
    period = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("填报值", max_digits=20, decimal_places=4)
    unit = models.CharField("单位", max_length=32)
    note = models.CharField("说明", max_length=200, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    reported_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField("填报时间")
    approved_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField("审定时间", null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "area", "period"], name="reported_value_uniq")]
        verbose_name = verbose_name_plural = "指标填报值"


class IndicatorValue(models.Model):
    """The roll-up: one row per indicator, area and period, rebuilt idempotently."""

    class Source(models.TextChoices):
        COMPUTED = "computed", "系统计算"
        RULE = "rule", "规则校验"
        REPORTED = "reported", "填报"

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    period = models.PositiveSmallIntegerField("年度")
    numerator = models.DecimalField("分子", max_digits=20, decimal_places=4, null=True)
    denominator = models.DecimalField("分母", max_digits=20, decimal_places=4, null=True)
    value = models.DecimalField("实际值", max_digits=20, decimal_places=4, null=True)
    running_total = models.DecimalField("累计值", max_digits=20, decimal_places=4, null=True)  # 〔〕 since 2021
    expected = models.DecimalField("按进度应达", max_digits=20, decimal_places=4, null=True)
    holds = models.BooleanField("规则成立", null=True)
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    status = models.CharField("进展", max_length=8)
    detail = models.TextField("说明", blank=True)
    data_as_of = models.DateTimeField("数据截至")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "area", "period"], name="indicator_value_uniq")]
        indexes = [models.Index(fields=["period", "area"])]


class RollupRun(models.Model):
    """One rebuild of a period; steps done are recorded so an interrupted run resumes where it stopped."""

    period = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("类型", max_length=16)  # full / incremental
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    steps_done = models.JSONField("已完成步骤", default=list)
    changes_until = models.BigIntegerField("已处理审计序号", default=0)  # incremental refresh reads audit after this
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
