"""大救助: applications, enrolled cases and their per-person amounts.

Payroll (rosters, bank files, supervision) lives in minzheng.payroll; 核对 data in minzheng.verification.
Status fields change only through services.py.
"""

from django.db import models
from django.db.models import Q


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "已申请"          # entered by a village worker or online by the resident
    ACCEPTED = "accepted", "已受理"            # town accepted the file
    VERIFYING = "verifying", "核对中"          # 经济状况核对
    INVESTIGATING = "investigating", "入户调查中"
    REVIEWING = "reviewing", "审核中"          # county review
    PUBLICIZING = "publicizing", "公示中"
    APPROVING = "approving", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "不予批准"
    WITHDRAWN = "withdrawn", "已撤回"


OPEN_STATUSES = [s for s in ApplicationStatus.values if s not in ("approved", "refused", "withdrawn")]


class Application(models.Model):
    class Channel(models.TextChoices):
        STAFF = "staff", "工作人员代录"
        ONLINE = "online", "居民网上申请（一证一书）"

    number = models.CharField("申请编号", max_length=32, unique=True)
    programme = models.CharField("救助项目", max_length=32)
    variant = models.CharField("救助类型", max_length=32, blank=True)  # e.g. 急难型 / 支出型 临时救助
    household = models.ForeignKey("registry.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="申请家庭")
    applicant = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+",
                                  verbose_name="申请人")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在村居")
    channel = models.CharField("申请渠道", max_length=8, choices=Channel.choices)
    status = models.CharField("状态", max_length=16, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED)
    step_started_at = models.DateTimeField("本环节开始时间")
    step_due = models.DateField("本环节办理时限", null=True, blank=True)
    related_to_staff = models.BooleanField("申请人与经办人员有近亲属关系", default=False)
    paid_first = models.BooleanField("先救助后说明", default=False)
    file_completed_at = models.DateTimeField("补齐材料时间", null=True, blank=True)
    requested_amount = models.DecimalField("申请金额", max_digits=12, decimal_places=2, null=True, blank=True)
    decision_reason = models.TextField("审批意见/不予批准理由", blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "救助申请"
        indexes = [models.Index(fields=["status", "step_due"]), models.Index(fields=["area", "status"])]
        constraints = [
            # One open application per household and programme at a time.
            models.UniqueConstraint(fields=["household", "programme"], condition=Q(status__in=OPEN_STATUSES),
                                    name="one_open_application_per_household_programme"),
        ]

    def __str__(self):
        return self.number


class Case(models.Model):
    """An enrolment (救助对象): one household (or person) in one programme from a month on."""

    class Status(models.TextChoices):
        ACTIVE = "active", "在保"
        SUSPENDED = "suspended", "暂停发放"
        EXITED = "exited", "已退出"

    programme = models.CharField("救助项目", max_length=32)
    household = models.ForeignKey("registry.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    head = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="户主/对象")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="cases")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    start_month = models.DateField("起始月份")  # always the 1st of a month
    end_month = models.DateField("终止月份", null=True, blank=True)  # last month paid (1st of that month)
    urban_rural = models.CharField("城乡", max_length=8)
    next_recheck = models.DateField("下次复核日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "救助对象"
        indexes = [models.Index(fields=["programme", "status", "area"])]


class Entitlement(models.Model):
    """A monthly amount for one person in a case from a month on; a change closes one and opens the next,
    so 增发 / 减发 / 停发 keep their history."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="entitlements")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    component = models.CharField("组成", max_length=32)  # basic / care / top_up / living / care_subsidy ...
    monthly_amount = models.DecimalField("月金额", max_digits=12, decimal_places=2)
    from_month = models.DateField("起始月份")
    to_month = models.DateField("终止月份", null=True, blank=True)  # exclusive
    rule_version = models.CharField("规则版本", max_length=200)
    explanation = models.TextField("计算说明")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "救助金额"
        indexes = [models.Index(fields=["case", "from_month"])]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_amount__gte=0), name="entitlement_non_negative"),
            models.CheckConstraint(condition=Q(to_month__isnull=True) | Q(to_month__gt=models.F("from_month")),
                                   name="entitlement_period_order"),
        ]
