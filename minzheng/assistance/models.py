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
    # 先救助后说明: money already advanced for the same need, subtracted from this amount (monthly_amount is net).
    deducted = models.DecimalField("已扣减先行救助", max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "救助金额"
        indexes = [models.Index(fields=["case", "from_month"])]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_amount__gte=0), name="entitlement_non_negative"),
            models.CheckConstraint(condition=Q(to_month__isnull=True) | Q(to_month__gt=models.F("from_month")),
                                   name="entitlement_period_order"),
        ]


# --- workflow records (assistance/services.py writes them; nothing else) ---------------------------

class ApplicationStep(models.Model):
    """One row per status change: who moved the application, when, from what to what, and the new time limit."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField("原状态", max_length=16, blank=True)
    to_status = models.CharField("新状态", max_length=16)
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField("经办人", max_length=64)
    at = models.DateTimeField("时间")
    due = models.DateField("办理时限", null=True, blank=True)
    note = models.TextField("意见/说明", blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = "办理环节记录"


class Investigation(models.Model):
    """入户调查: a home visit with who went, what they found, and photos."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "入户调查"
        OBJECTION = "objection", "公示异议复查"
        REVISIT = "revisit", "县级入户抽查/复查"

    class Conclusion(models.TextChoices):
        ELIGIBLE = "eligible", "情况属实，建议纳入"
        INELIGIBLE = "ineligible", "不符合条件"
        UNCLEAR = "unclear", "情况待核实"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="investigations")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    visit_date = models.DateField("入户日期")
    visitors = models.CharField("调查人员", max_length=200)
    findings = models.TextField("调查情况")
    conclusion = models.CharField("调查结论", max_length=16, choices=Conclusion.choices)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("录入时间")

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = verbose_name_plural = "入户调查记录"


class Attachment(models.Model):
    """A file kept with an application: the signed 授权书 of 一证一书, ID scans, visit photos."""

    class Kind(models.TextChoices):
        AUTHORISATION = "authorisation", "家庭经济状况核对授权书"
        ID_CARD = "id_card", "身份证"
        PHOTO = "photo", "入户调查照片"
        OTHER = "other", "其他材料"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    investigation = models.ForeignKey(Investigation, null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="photos")
    kind = models.CharField("材料类别", max_length=16, choices=Kind.choices)
    file = models.FileField(upload_to="assistance/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=64)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = verbose_name_plural = "申请材料"


class VerificationRecord(models.Model):
    """The 核对 result for one application (the 核对 engine produces it; this keeps its summary)."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "核对中"
        PASS = "pass", "经济状况符合条件"
        FAIL = "fail", "经济状况不符合条件"
        REVIEW = "review", "存在疑点，需入户核实"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="verifications")
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("发起时间")
    outcome = models.CharField("核对结论", max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    per_capita_income = models.DecimalField("家庭月人均收入", max_digits=12, decimal_places=2, null=True,
                                            blank=True)
    assets = models.DecimalField("家庭财产（金融资产）", max_digits=14, decimal_places=2, null=True, blank=True)
    summary = models.TextField("核对结果摘要", blank=True)
    report_ref = models.CharField("核对报告编号", max_length=64, blank=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("结果录入时间", null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = verbose_name_plural = "经济状况核对记录"


class Review(models.Model):
    """County 审核 of one round: whether this household was drawn for re-visit, or must be fully reviewed."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    started_at = models.DateTimeField("送审时间")
    town_opinion = models.TextField("镇街初审意见")
    sampled = models.BooleanField("抽中入户抽查", default=False)
    full_review_required = models.BooleanField("须全面审核（近亲属备案）", default=False)
    sample_ratio = models.DecimalField("抽查比例", max_digits=5, decimal_places=4)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    opinion = models.TextField("审核意见", blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = verbose_name_plural = "县级审核记录"

    @property
    def revisit_required(self) -> bool:
        return self.sampled or self.full_review_required


class Publicity(models.Model):
    """公示: what the public notice shows is fixed when it starts — masked name and ID only."""

    class Status(models.TextChoices):
        OPEN = "open", "公示中"
        COMPLETED = "completed", "公示期满无异议"
        INTERRUPTED = "interrupted", "有异议，退回调查"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="publicities")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="公示村居")
    programme_label = models.CharField("救助项目", max_length=64)
    masked_name = models.CharField("姓名（脱敏）", max_length=64)
    masked_id = models.CharField("身份证号（脱敏）", max_length=18)
    household_size = models.PositiveSmallIntegerField("家庭人口")
    start_date = models.DateField("公示开始")
    end_date = models.DateField("公示结束")  # inclusive
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name = verbose_name_plural = "公示"
        indexes = [models.Index(fields=["status", "area"])]


class Objection(models.Model):
    """An objection to a household on 公示. One filed by the public waits for a town/county officer to decide
    whether it sends the application back to 入户调查; one recorded by staff acts at once."""

    class Status(models.TextChoices):
        PENDING = "pending", "待核实"
        UPHELD = "upheld", "已采纳（退回入户调查复查）"
        DISMISSED = "dismissed", "不予采纳"

    publicity = models.ForeignKey(Publicity, on_delete=models.PROTECT, related_name="objections")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="objections")
    objector_name = models.CharField("异议人", max_length=64, blank=True)  # may be anonymous
    contact = models.CharField("联系方式", max_length=64, blank=True)
    reason = models.TextField("异议内容")
    filed_at = models.DateTimeField("提出时间")
    recorded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    status = models.CharField("处理状态", max_length=16, choices=Status.choices, default=Status.UPHELD)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.CharField("处理意见", max_length=200, blank=True)

    class Meta:
        ordering = ["filed_at", "id"]
        verbose_name = verbose_name_plural = "公示异议"


class PayFirst(models.Model):
    """先救助后说明: an 急难型 payment made before the file is complete."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="pay_first")
    amount = models.DecimalField("先行救助金额", max_digits=12, decimal_places=2)
    reason = models.TextField("急难情形")
    paid_on = models.DateField("发放日期")
    paid_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    complete_by = models.DateField("补齐材料期限")
    # The one-month case that carries the advance to the roster, bank file and supervision like any payment ...
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="先行救助发放对象")
    # ... and the later approved case of the same need that subtracted it (once).
    deducted_in = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="已在该救助中扣减")

    class Meta:
        verbose_name = verbose_name_plural = "先行救助"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="pay_first_positive")]


class RecheckTask(models.Model):
    """A due 复核 of an enrolled case; created in sets by the scheduler, closed by the county's decision."""

    class Status(models.TextChoices):
        OPEN = "open", "待复核"
        DONE = "done", "已复核"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="rechecks")
    due_date = models.DateField("应复核日期")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField("复核结果", max_length=16, blank=True)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "复核任务"
        constraints = [models.UniqueConstraint(fields=["case"], condition=Q(status="open"),
                                               name="one_open_recheck_per_case")]


class CaseChange(models.Model):
    """增发 / 减发 / 停发 / 不变 of a case from a month, with the amounts before and after."""

    class Kind(models.TextChoices):
        INCREASE = "increase", "增发"
        DECREASE = "decrease", "减发"
        STOP = "stop", "停发（退出）"
        UNCHANGED = "unchanged", "金额不变"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField("变更类型", max_length=16, choices=Kind.choices)
    from_month = models.DateField("起始月份")
    old_total = models.DecimalField("原月金额", max_digits=12, decimal_places=2)
    new_total = models.DecimalField("新月金额", max_digits=12, decimal_places=2)
    reason = models.TextField("原因")
    recheck = models.ForeignKey(RecheckTask, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "救助金额变更"
