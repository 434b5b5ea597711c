"""居家养老服务: providers and workers, the service catalogue per jurisdiction, orders with their service records,
ratings and complaints, 家庭养老床位 contracts, 长者饭堂 meals and the monthly provider statements.

Status fields change only through services.py (one function per transition, audited). Amounts are Decimal yuan
with two places; the subsidy/self-pay split of an order is fixed when it is completed and never recomputed, so a
statement is a sum of frozen figures.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

MONEY = {"max_digits": 12, "decimal_places": 2}


class Provider(models.Model):
    """服务机构: serves the elders living in `area` (a county or a town)."""

    name = models.CharField("机构名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="服务区域")
    phone = models.CharField("联系电话", max_length=20, blank=True)
    active = models.BooleanField("在营", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "服务机构"
        constraints = [models.UniqueConstraint(fields=["credit_code"], condition=~Q(credit_code=""),
                                               name="provider_credit_code_uniq")]

    def __str__(self):
        return self.name


class ProviderMember(models.Model):
    """A 服务机构 account and the provider it works for: its reads are scoped to that provider."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="homecare_member")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="members")

    class Meta:
        verbose_name = verbose_name_plural = "服务机构账号"


class Worker(models.Model):
    """服务人员 of a provider; `user` set when the worker signs in (their own work list)."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="workers")
    name = models.CharField("姓名", max_length=64)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    certificate = models.CharField("养老护理员证书编号", max_length=64, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="homecare_worker")
    active = models.BooleanField("在岗", default=True)

    class Meta:
        ordering = ["provider", "name"]
        verbose_name = verbose_name_plural = "服务人员"

    def __str__(self):
        return self.name


class ServiceItem(models.Model):
    """One line of a jurisdiction's menu (点菜式), loaded from data/homecare/catalogue.csv."""

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="辖区")
    code = models.CharField("项目编码", max_length=16)
    name = models.CharField("服务项目", max_length=64)
    category = models.CharField("服务类别", max_length=16)
    unit = models.CharField("计价单位", max_length=8)
    price = models.DecimalField("单价（元）", **MONEY)
    duration_minutes = models.PositiveIntegerField("标准时长（分钟）", default=0)
    is_package = models.BooleanField("服务包", default=False)
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期", null=True, blank=True)
    basis = models.CharField("依据", max_length=300, blank=True)
    source = models.CharField("价格来源", max_length=200, blank=True)

    class Meta:
        ordering = ["area", "category", "code"]
        verbose_name = verbose_name_plural = "居家养老服务项目"
        constraints = [models.UniqueConstraint(fields=["area", "code", "valid_from"], name="service_item_uniq")]

    def __str__(self):
        return f"{self.name}（{self.price}元/{self.unit}）"


class PackageItem(models.Model):
    """What a package (家庭养老床位) contains per month."""

    package = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="contents")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    per_month = models.PositiveSmallIntegerField("每月次数")
    source = models.CharField("来源", max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["package", "item"], name="package_item_uniq")]


class ElderContact(models.Model):
    """A resident account allowed to order for an elder: the elder themself or a family member (家属)."""

    class Relation(models.TextChoices):
        SELF = "self", "本人"
        CHILD = "child", "子女"
        SPOUSE = "spouse", "配偶"
        OTHER = "other", "其他亲属"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="elder_contacts")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="老人")
    relation = models.CharField("关系", max_length=8, choices=Relation.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "老人家属绑定"
        constraints = [models.UniqueConstraint(fields=["user", "person"], name="elder_contact_uniq")]


class PackageContract(models.Model):
    """家庭养老床位 签约: a package served by one provider from `start_month`; monthly orders are generated."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="老人")
    package = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+", verbose_name="服务包")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contracts")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在村居")
    address = models.CharField("床位地址", max_length=200)
    start_month = models.DateField("起始月份")
    end_month = models.DateField("终止月份", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "家庭养老床位签约"
        constraints = [models.UniqueConstraint(fields=["person", "package"], condition=Q(end_month__isnull=True),
                                               name="one_open_contract_per_package")]


class OrderStatus(models.TextChoices):
    PLACED = "placed", "已下单"
    DISPATCHED = "dispatched", "已派单"
    ASSIGNED = "assigned", "已派工"
    IN_SERVICE = "in_service", "服务中"
    COMPLETED = "completed", "已完成"
    CANCELLED = "cancelled", "已取消"
    ELDER_NO_SHOW = "elder_no_show", "老人爽约"
    PROVIDER_NO_SHOW = "provider_no_show", "机构爽约"


OPEN_ORDER = (OrderStatus.PLACED, OrderStatus.DISPATCHED, OrderStatus.ASSIGNED, OrderStatus.IN_SERVICE)


class Order(models.Model):
    class Channel(models.TextChoices):
        SELF = "self", "老人自助下单"
        FAMILY = "family", "家属代下单"
        STAFF = "staff", "工作人员代下单"
        GENERATED = "generated", "政府购买服务生成"
        PACKAGE = "package", "家庭养老床位生成"

    number = models.CharField("订单号", max_length=32, unique=True)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="老人")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在村居")
    jurisdiction = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="辖区")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+", verbose_name="服务项目")
    quantity = models.DecimalField("数量", max_digits=6, decimal_places=1, default=1)
    unit_price = models.DecimalField("单价", **MONEY)
    amount = models.DecimalField("服务金额", **MONEY)
    address = models.CharField("服务地址", max_length=200)
    scheduled_at = models.DateTimeField("预约时间")
    note = models.CharField("备注", max_length=200, blank=True)
    channel = models.CharField("下单方式", max_length=12, choices=Channel.choices)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    worker = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    contract = models.ForeignKey(PackageContract, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=16, choices=OrderStatus.choices, default=OrderStatus.PLACED)
    confirm_code = models.CharField("服务确认码", max_length=6)
    # Fixed at completion (or at a chargeable cancellation/no-show): what the government pays and what the elder pays.
    subsidy = models.DecimalField("政府补贴", null=True, blank=True, **MONEY)
    self_pay = models.DecimalField("个人自付", null=True, blank=True, **MONEY)
    fee = models.DecimalField("取消/爽约费", default=0, **MONEY)
    subsidy_explanation = models.CharField("补贴计算说明", max_length=300, blank=True)
    close_reason = models.CharField("取消/爽约说明", max_length=200, blank=True)
    service_date = models.DateField("服务日期", null=True, blank=True)  # the day the order was closed for billing
    source_key = models.CharField(max_length=80, null=True, blank=True, unique=True)  # generated orders: idempotent
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-scheduled_at", "-id"]
        verbose_name = verbose_name_plural = "居家养老服务订单"
        indexes = [
            models.Index(fields=["provider", "status", "service_date"]),
            models.Index(fields=["person", "service_date"]),
            models.Index(fields=["area", "scheduled_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(fee__gte=0), name="order_amounts_non_negative"),
            models.CheckConstraint(condition=Q(subsidy__isnull=True) | Q(subsidy__gte=0), name="order_subsidy_gte0"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ORDER


# What a step reads with the order (one join each): the order's pages, the API and the steps' checks use these.
ORDER_RELATED = ("area", "jurisdiction", "item", "person", "provider", "worker")


class ServiceRecord(models.Model):
    """服务记录: who served whom, what, where, start and end; the elder's confirmation code proves presence."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="record")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="+", verbose_name="服务人员")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="服务对象")
    item_name = models.CharField("服务项目", max_length=64)
    address = models.CharField("服务地点", max_length=200)
    start_location = models.CharField("签到位置", max_length=100, blank=True)
    end_location = models.CharField("签退位置", max_length=100, blank=True)
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    content = models.TextField("服务内容", blank=True)
    confirmed_by_elder = models.BooleanField("老人已确认", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "服务记录"
        constraints = [models.CheckConstraint(condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                                              name="service_record_end_after_start")]


class Rating(models.Model):
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="rating")
    score = models.PositiveSmallIntegerField("评分")
    comment = models.CharField("评价", max_length=300, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务评价"
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_1_5")]


class Complaint(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        RESOLVED = "resolved", "已办结"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="complaints")
    provider = models.ForeignKey(Provider, null=True, on_delete=models.PROTECT, related_name="complaints")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("投诉内容")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField("处理结果", blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = verbose_name_plural = "服务投诉"


class Canteen(models.Model):
    """长者饭堂 / 助餐点, run by a provider."""

    name = models.CharField("饭堂名称", max_length=100)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在区域")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="canteens")
    active = models.BooleanField("在营", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "长者饭堂"

    def __str__(self):
        return self.name


class Meal(models.Model):
    class Kind(models.TextChoices):
        LUNCH = "lunch", "午餐"
        DINNER = "dinner", "晚餐"

    canteen = models.ForeignKey(Canteen, on_delete=models.PROTECT, related_name="meals")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="就餐老人")
    date = models.DateField("就餐日期")
    kind = models.CharField("餐次", max_length=8, choices=Kind.choices)
    price = models.DecimalField("餐价", **MONEY)
    subsidy = models.DecimalField("补贴", **MONEY)
    self_pay = models.DecimalField("自付", **MONEY)
    tier = models.CharField("补贴档次", max_length=16)
    explanation = models.CharField("补贴说明", max_length=200)
    served_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "canteen"]
        verbose_name = verbose_name_plural = "长者饭堂就餐记录"
        indexes = [models.Index(fields=["canteen", "date"])]
        constraints = [
            # One subsidised meal of a kind per person per day, whichever canteen serves it.
            models.UniqueConstraint(fields=["person", "date", "kind"], name="meal_once_per_person_day_kind"),
            models.CheckConstraint(condition=Q(subsidy__gte=0) & Q(self_pay__gte=0), name="meal_amounts_gte0"),
        ]


class Statement(models.Model):
    """A provider's monthly settlement statement (居家养老服务经费结算)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "待确认"
        CONFIRMED = "confirmed", "已确认"

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="statements")
    month = models.DateField("结算月份")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    line_count = models.PositiveIntegerField("明细笔数", default=0)
    amount = models.DecimalField("服务总额", max_digits=14, decimal_places=2, default=0)
    subsidy = models.DecimalField("政府补贴", max_digits=14, decimal_places=2, default=0)
    self_pay = models.DecimalField("个人自付", max_digits=14, decimal_places=2, default=0)
    generated_at = models.DateTimeField(null=True, blank=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month", "provider"]
        verbose_name = verbose_name_plural = "机构月度结算单"
        constraints = [models.UniqueConstraint(fields=["provider", "month"], name="statement_provider_month_uniq")]

    def __str__(self):
        return f"{self.provider}{self.month:%Y年%m月}结算单"


class StatementLine(models.Model):
    class Kind(models.TextChoices):
        SERVICE = "service", "上门服务"
        FEE = "fee", "取消/爽约费"
        MEAL = "meal", "长者饭堂"

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    meal = models.ForeignKey(Meal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    service_date = models.DateField("服务日期")
    description = models.CharField("项目", max_length=100)
    amount = models.DecimalField("金额", **MONEY)
    subsidy = models.DecimalField("政府补贴", **MONEY)
    self_pay = models.DecimalField("个人自付", **MONEY)

    class Meta:
        ordering = ["statement", "service_date", "id"]
        constraints = [
            # An order or a meal is settled once, in one statement, whatever the reruns.
            models.UniqueConstraint(fields=["order"], condition=Q(order__isnull=False), name="line_order_once"),
            models.UniqueConstraint(fields=["meal"], condition=Q(meal__isnull=False), name="line_meal_once"),
            models.CheckConstraint(condition=Q(amount=F("subsidy") + F("self_pay")), name="line_split_adds_up"),
        ]
