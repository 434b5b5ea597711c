"""核对: other departments' data about persons, declared 刚性支出, and the stored 核对报告.

Department feeds are declared in data/verification/sources.toml (see adapters.py). A file or API push becomes one
DepartmentBatch; each matched row one DepartmentRecord. A record counts for a person on a date when its batch is
the latest of its source and provider for that person with an as-of date on or before that date and not older than
the source's validity (selectors.records_in_force).
"""

from django.db import models
from django.db.models import Q


class Nature(models.TextChoices):
    INCOME = "income", "收入"
    ASSET = "asset", "财产"
    STATUS = "status", "身份状态"
    REFERENCE = "reference", "参考信息"


class DepartmentBatch(models.Model):
    class Channel(models.TextChoices):
        FILE = "file", "文件导入"
        API = "api", "接口推送"

    source = models.CharField("数据来源", max_length=32)
    source_name = models.CharField("来源名称", max_length=64)
    department = models.CharField("提供部门", max_length=32)
    # The unit that sent it (a bank, a district office): a newer batch replaces only the same unit's data,
    # so one bank's file never hides another bank's deposits.
    provider = models.CharField("提供单位", max_length=64, blank=True)
    as_of = models.DateField("数据截至日期")
    period = models.CharField("数据所属期", max_length=32, blank=True)
    channel = models.CharField("方式", max_length=8, choices=Channel.choices)
    original_name = models.CharField("文件名", max_length=255, blank=True)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="导入单位辖区")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="导入人")
    created_at = models.DateTimeField(auto_now_add=True)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    matched_rows = models.PositiveIntegerField("匹配人数行数", default=0)
    unmatched_rows = models.PositiveIntegerField("未匹配行数", default=0)
    duplicate_rows = models.PositiveIntegerField("重复行数", default=0)
    # Rows whose 身份证号 matched nobody in the uploader's area: [{"row": 5, "id": "4407**********1234"}, ...]
    unmatched = models.JSONField("未匹配明细", default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "部门核对数据批次"
        indexes = [models.Index(fields=["source", "as_of"])]

    def __str__(self):
        return f"{self.source_name}（截至{self.as_of}）"


class DepartmentRecord(models.Model):
    """One row of a department's data, matched to a registered person."""

    batch = models.ForeignKey(DepartmentBatch, on_delete=models.PROTECT, related_name="records")
    source = models.CharField("数据来源", max_length=32)   # copied from the batch so in-force reads need no join
    as_of = models.DateField("数据截至日期")               # copied from the batch
    provider = models.CharField("提供单位", max_length=64, blank=True)  # copied from the batch
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    row_number = models.PositiveIntegerField("行号")
    name_in_source = models.CharField("部门登记姓名", max_length=64, blank=True)
    nature = models.CharField("性质", max_length=10, choices=Nature.choices)
    type_code = models.CharField("类型", max_length=32)
    item = models.CharField("项目", max_length=200, blank=True)
    amount = models.DecimalField("金额/数量", max_digits=16, decimal_places=2, null=True, blank=True)
    monthly_amount = models.DecimalField("折合月收入", max_digits=16, decimal_places=2, null=True, blank=True)
    event_date = models.DateField("日期", null=True, blank=True)
    detail = models.CharField("其他信息", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "部门核对数据"
        indexes = [models.Index(fields=["person", "source", "as_of"], name="verif_record_person_src")]


class RigidExpense(models.Model):
    """刚性支出 a household declared with evidence (medical, education, rehabilitation, disaster, accident)."""

    class Category(models.TextChoices):
        MEDICAL = "medical", "医疗"
        EDUCATION = "education", "教育"
        REHABILITATION = "rehabilitation", "残疾康复"
        DISASTER = "disaster", "因灾"
        ACCIDENT = "accident", "意外事故"

    class Period(models.TextChoices):
        MONTHLY = "monthly", "每月"
        ANNUAL = "annual", "每年"

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    category = models.CharField("支出类别", max_length=16, choices=Category.choices)
    amount = models.DecimalField("金额(元)", max_digits=12, decimal_places=2)
    period = models.CharField("期间", max_length=8, choices=Period.choices)
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("终止日期", null=True, blank=True)
    evidence = models.CharField("凭证", max_length=200)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "刚性支出"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="rigid_expense_non_negative"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="rigid_expense_period_order"),
        ]


class Conclusion(models.TextChoices):
    MEETS = "meets", "符合低保经济状况条件"
    INCOME_ABOVE = "income_above", "家庭人均收入不低于低保标准"
    ASSETS_ABOVE = "assets_above", "家庭财产超过规定限额"
    BOTH_ABOVE = "both_above", "家庭人均收入不低于低保标准，且家庭财产超过规定限额"
    NO_DATA = "no_data", "无数据，需入户核实"


class VerificationReport(models.Model):
    """A stored 核对报告: what was found, what each figure did to the result, and the conclusion. Immutable."""

    number = models.CharField("报告编号", max_length=40, unique=True)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+",
                                  verbose_name="家庭")
    application = models.ForeignKey("assistance.Application", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="救助申请")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在村居")
    on = models.DateField("核对基准日")
    urban_rural = models.CharField("城乡", max_length=8)
    member_count = models.PositiveSmallIntegerField("计算人口")
    household_income = models.DecimalField("家庭月收入", max_digits=14, decimal_places=2)
    rigid_deduction = models.DecimalField("刚性支出扣减", max_digits=14, decimal_places=2)
    per_capita_income = models.DecimalField("家庭人均月收入", max_digits=14, decimal_places=2)
    standard = models.DecimalField("低保标准", max_digits=14, decimal_places=2)
    standard_explanation = models.TextField("低保标准依据")
    money_assets = models.DecimalField("家庭货币财产", max_digits=16, decimal_places=2)
    conclusion = models.CharField("结论", max_length=16, choices=Conclusion.choices)
    conclusion_text = models.TextField("结论说明")
    rule_version = models.CharField("规则版本", max_length=300)
    members = models.JSONField("家庭成员")
    lines = models.JSONField("核对明细")       # each figure: source, item, amount, effect, reason
    assets = models.JSONField("财产核对")      # per asset class: total, limit, exceeds
    batches = models.JSONField("所用数据批次")
    warnings = models.JSONField("提示", default=list)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="核对人")
    created_at = models.DateTimeField("核对时间", auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "核对报告"

    def __str__(self):
        return self.number


class StagingRow(models.Model):
    """A parsed row of a batch being taken in; checks across rows run as SQL over these, then they are deleted."""

    batch = models.ForeignKey(DepartmentBatch, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    row_number = models.PositiveIntegerField()
    id_number = models.CharField(max_length=18)
    person_id = models.BigIntegerField(null=True)
    name = models.CharField(max_length=64, blank=True)
    key = models.CharField(max_length=400)      # 身份证号 + the source's key columns
    sig = models.CharField(max_length=600)      # everything else: two rows with one key must agree on it
    type_code = models.CharField(max_length=32)
    item = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    monthly_amount = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    event_date = models.DateField(null=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["batch", "key"], name="verif_staging_key"),
                   models.Index(fields=["batch", "id_number"], name="verif_staging_id")]
