"""Standards, derived-standard formulas and uprating checks: versioned data with dates and citations."""

from django.db import models

# The vocabulary of standards. Adding a kind is a data change here plus rows in data/policy/.
KINDS = {
    "dibao": "最低生活保障标准",
    "min_wage": "最低工资标准",
    "consumption_per_capita": "居民人均消费支出",
    "disposable_income_per_capita": "居民人均可支配收入",
    "cpi_index": "居民消费价格指数",
    "dibao_growth": "低保标准增长率",
    "dibao_rural_urban_ratio": "农村低保标准占城市低保标准比例",
    "orphan_institutional": "集中供养孤儿基本生活保障标准",
    "orphan_dispersed": "分散供养孤儿基本生活保障标准",
    "orphan_growth": "孤儿基本生活保障标准增长率",
    "de_facto_unsupported": "事实无人抚养儿童基本生活补贴标准",
    "disability_living": "困难残疾人生活补贴标准",
    "disability_care": "重度残疾人护理补贴标准",
    "elderly_allowance": "高龄津贴标准",
    "elderly_service_subsidy": "经济困难老年人养老服务补贴标准",
    "elderly_service_subsidy_group": "养老服务补贴发放对象（经济困难类别）",
    "elderly_care_subsidy": "经济困难失能老年人护理补贴标准",
    "elderly_care_subsidy_group": "老年人护理补贴发放对象（经济困难类别）",
    "tekun_basic": "特困人员基本生活标准",
    "tekun_care": "特困人员照料护理标准",
    "low_income_lower": "低收入家庭认定下限",
    "low_income_upper": "低收入家庭认定上限",
    "temp_assistance_floor": "临时救助每人次最低标准",
    # Parameters the programme modules (assistance.programmes) read instead of literals in code.
    "asset_limit_months": "家庭人均金融资产上限（低保标准的月数）",
    "dibao_topup": "低保分类施保加发比例",
    "recheck_months": "复核周期",
    "age_threshold": "年龄界限",
    "severe_disability_grade": "重度残疾等级界限",
    "payment_rounding": "救助金额取整单位",
    # 核对 (minzheng.verification): asset limits, disregarded incomes and 刚性支出 deductions.
    "asset_property_limit": "低保家庭住房套数上限",
    "asset_vehicle_limit": "低保家庭机动车辆价值上限",
    "asset_business_limit": "低保家庭企业出资额上限",
    "income_disregard": "不计入家庭收入的收入（比例）",
    "rigid_expense_threshold": "支出型困难家庭刚性支出占家庭收入比例",
    "rigid_expense_deduction": "刚性支出从家庭收入中扣减的比例",
}


class Scope(models.TextChoices):
    URBAN = "urban", "城镇"
    RURAL = "rural", "农村"
    ALL = "all", "城乡统一"


class Status(models.TextChoices):
    STATED = "stated", "规划载明"
    DERIVED = "derived", "由规划数据推算"
    UNSTATED = "未载明", "规划未载明"
    ASSUMED = "assumed", "演示假设值"


class Rounding(models.TextChoices):
    YUAN_UP = "yuan_up", "进位到元"
    YUAN_HALF_UP = "yuan_half_up", "四舍五入到元"
    FEN_HALF_UP = "fen_half_up", "四舍五入到分"
    NONE = "none", "不取整"


class _Dated(models.Model):
    jurisdiction = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="适用地区")
    kind = models.CharField("标准类别", max_length=40)
    scope = models.CharField("城乡", max_length=8, choices=Scope.choices, default=Scope.ALL)
    variant = models.CharField("细分", max_length=40, blank=True)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("最后执行日", null=True, blank=True)  # inclusive
    citation = models.CharField("出处", max_length=500)
    note = models.TextField("说明", blank=True)

    class Meta:
        abstract = True

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


class Standard(_Dated):
    value = models.DecimalField("数值", max_digits=14, decimal_places=4, null=True, blank=True)
    unit = models.CharField("单位", max_length=16)
    status = models.CharField("来源状态", max_length=8, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["jurisdiction__path", "kind", "scope", "variant", "effective_from"]
        indexes = [models.Index(fields=["kind", "jurisdiction", "effective_from"])]
        verbose_name = verbose_name_plural = "政策标准"

    def __str__(self):
        return f"{self.jurisdiction} {self.kind_label} {self.value} {self.unit}（{self.effective_from}起）"


class Formula(_Dated):
    """value(kind) = factor × value(base_kind), then rounded."""

    base_kind = models.CharField("基数标准", max_length=40)
    base_variant = models.CharField("基数细分", max_length=40, blank=True)
    factor = models.DecimalField("倍数", max_digits=10, decimal_places=6)
    rounding = models.CharField("取整规则", max_length=16, choices=Rounding.choices)

    class Meta:
        ordering = ["jurisdiction__path", "kind", "variant", "effective_from"]
        verbose_name = verbose_name_plural = "派生标准公式"


class Check(models.Model):
    """An uprating rule of a plan, evaluated when a new standard is proposed."""

    class Rule(models.TextChoices):
        GROWTH_GE = "growth_ge", "增速不低于"
        REAL_GROWTH_GE = "real_growth_ge", "增速不低于（扣除价格因素的）实际增速"
        VALUE_GE = "value_ge", "不低于目标值"
        RATIO_GE = "ratio_ge", "比例不低于"
        GE_FACTOR = "ge_factor", "不低于倍数"

    jurisdiction = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=64)
    kind = models.CharField(max_length=40)
    rule = models.CharField(max_length=16, choices=Rule.choices)
    left = models.CharField(max_length=80)
    right = models.CharField(max_length=80)
    factor = models.DecimalField(max_digits=10, decimal_places=6)
    effective_from = models.DateField()
    citation = models.CharField(max_length=500)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "调标校验规则"
