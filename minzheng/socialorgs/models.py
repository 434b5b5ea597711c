"""社会组织: the registered organisation record (reused by 大慈善), its applications, 年报, ratings, checks,
penalties and its place on the credit lists of 《社会组织信用信息管理办法》."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Form(models.TextChoices):
    SOCIAL_GROUP = "social_group", "社会团体"
    SERVICE_ORG = "service_org", "社会服务机构（民办非企业单位）"
    FOUNDATION = "foundation", "基金会"
    COMMUNITY = "community", "社区社会组织（备案）"


# GB 32100 机构类别代码 of the 民政 registrar (登记管理部门代码 5); filed community organisations get no code.
FORM_CATEGORY = {Form.SOCIAL_GROUP: "1", Form.SERVICE_ORG: "2", Form.FOUNDATION: "3"}


class SocialOrg(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "正常"
        DEREGISTERED = "deregistered", "已注销"
        REVOKED = "revoked", "已撤销登记"

    name = models.CharField("名称", max_length=100, unique=True)
    form = models.CharField("组织类型", max_length=16, choices=Form.choices)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="住所所在地")
    registrar = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+",
                                  verbose_name="登记管理机关（所在区划）")
    supervisor = models.CharField("业务主管单位", max_length=100, blank=True)
    legal_rep = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+",
                                  verbose_name="法定代表人")
    capital_fen = models.BigIntegerField("注册资金/开办资金（分）")
    domicile = models.CharField("住所", max_length=200)
    purpose = models.CharField("业务范围", max_length=500)
    hub = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="filed",
                            verbose_name="枢纽型社会组织")
    is_hub = models.BooleanField("枢纽型社会组织", default=False)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    established_on = models.DateField("成立日期")
    ended_on = models.DateField("注销/撤销日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "社会组织"
        indexes = [models.Index(fields=["status", "established_on"])]
        constraints = [models.CheckConstraint(condition=Q(capital_fen__gte=0), name="so_capital_non_negative")]

    def __str__(self):
        return self.name


class Application(models.Model):
    """成立/变更/注销 登记申请: 受理 → 审查 (one officer) → 核准 (another) or 不予登记."""

    class Kind(models.TextChoices):
        ESTABLISH = "establish", "成立登记"
        CHANGE = "change", "变更登记"
        DEREGISTER = "deregister", "注销登记"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已受理，待审查"
        REVIEWED = "reviewed", "审查通过，待核准"
        APPROVED = "approved", "已核准"
        REFUSED = "refused", "不予登记"

    kind = models.CharField("申请事项", max_length=12, choices=Kind.choices)
    org = models.ForeignKey(SocialOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="applications")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="住所所在地")
    # The proposed particulars (成立, 变更) as submitted: name, form, supervisor, legal_rep_id, capital_fen …
    particulars = models.JSONField("申请事项内容", default=dict)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    review_opinion = models.CharField("审查意见", max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_on = models.DateField("核准日期", null=True, blank=True)
    refuse_reason = models.CharField("不予登记理由", max_length=300, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = "登记申请"


class AnnualReport(models.Model):
    org = models.ForeignKey(SocialOrg, on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField("报告年度")
    submitted_on = models.DateField("报送日期")
    due_on = models.DateField("报送截止日期")
    income_fen = models.BigIntegerField("年度收入（分）", default=0)
    expense_fen = models.BigIntegerField("年度支出（分）", default=0)
    activities = models.CharField("年度主要活动", max_length=500, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "年度工作报告"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="so_one_report_per_year")]

    @property
    def late(self) -> bool:
        return self.submitted_on > self.due_on


class CreditListing(models.Model):
    """One organisation's stay on a credit list. Escalation after two years on the 活动异常名录 turns the row into a
    严重违法失信名单 listing (keeping when and why it was first listed) in one set-based UPDATE."""

    class List(models.TextChoices):
        ABNORMAL = "abnormal", "活动异常名录"
        SERIOUS = "serious", "严重违法失信名单"

    org = models.ForeignKey(SocialOrg, on_delete=models.PROTECT, related_name="listings")
    list_kind = models.CharField("名录", max_length=10, choices=List.choices)
    ground = models.CharField("列入事由", max_length=32)
    report_year = models.PositiveSmallIntegerField("未报年度", null=True, blank=True)
    listed_on = models.DateField("列入日期")
    escalated_on = models.DateField("转入严重违法失信名单日期", null=True, blank=True)
    escalation_ground = models.CharField("转入事由", max_length=32, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # null: listed by the nightly run
    removed_on = models.DateField("移出日期", null=True, blank=True)
    removal_reason = models.CharField("移出理由", max_length=300, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-listed_on", "-id"]
        verbose_name = verbose_name_plural = "信用名录记录"
        indexes = [models.Index(fields=["list_kind", "removed_on", "listed_on"])]
        constraints = [
            models.UniqueConstraint(fields=["org"], condition=Q(removed_on__isnull=True),
                                    name="so_one_open_listing_per_org"),
        ]

    @property
    def ground_label(self) -> str:
        from .rules import grounds

        labels = [grounds()[c].label for c in (self.ground, self.escalation_ground) if c in grounds()]
        return " → ".join(labels)


class Rating(models.Model):
    """等级评估 (1A–5A), valid for the years the rules give from the day it is awarded."""

    org = models.ForeignKey(SocialOrg, on_delete=models.PROTECT, related_name="ratings")
    grade = models.PositiveSmallIntegerField("评估等级（A数）")
    awarded_on = models.DateField("评定日期")
    valid_to = models.DateField("有效期至")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-awarded_on"]
        verbose_name = verbose_name_plural = "社会组织等级评估"
        constraints = [models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=5), name="so_grade_1_to_5")]


class Penalty(models.Model):
    """行政处罚 of an organisation; recording it puts the organisation on the credit list its kind calls for."""

    class Kind(models.TextChoices):
        WARNING = "warning", "警告"
        FINE = "fine", "罚款"
        SUSPENSION = "suspension", "限期停止活动"
        REVOCATION = "revocation", "撤销登记/吊销登记证书"

    org = models.ForeignKey(SocialOrg, on_delete=models.PROTECT, related_name="penalties")
    kind = models.CharField("处罚种类", max_length=12, choices=Kind.choices)
    fine_fen = models.BigIntegerField("罚款金额（分）", default=0)
    decision_no = models.CharField("处罚决定书文号", max_length=50)
    decided_on = models.DateField("处罚日期")
    facts = models.CharField("违法事实", max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = verbose_name_plural = "行政处罚"
        constraints = [models.CheckConstraint(condition=Q(fine_fen__gte=0), name="so_fine_non_negative")]

    @property
    def fine_yuan(self) -> str:
        from minzheng.core.money import amount

        return f"{amount(self.fine_fen) / 100:.2f}"


class CheckDraw(models.Model):
    """One 双随机 draw: the pools of organisations and inspectors and the server-drawn seed are kept, so anyone can
    redo the draw (random.Random(seed): the sample from the sorted organisation pool, then two inspectors each)."""

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="抽取范围")
    seed = models.BigIntegerField("抽取随机种子")
    drawn_on = models.DateField("抽取日期")
    sample_size = models.PositiveIntegerField("抽取数量")
    org_pool = models.JSONField("抽取范围内的社会组织", default=list)
    inspector_pool = models.JSONField("检查人员名录", default=list)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-drawn_on", "-id"]
        verbose_name = verbose_name_plural = "双随机抽取"


class Check(models.Model):
    """双随机一公开: an organisation drawn at random with two inspectors drawn at random; a finding sets a
    rectification deadline, and one left unrectified past it puts the organisation on the 活动异常名录."""

    class Result(models.TextChoices):
        PENDING = "pending", "待检查"
        PASSED = "passed", "未发现问题"
        RECTIFY = "rectify", "责令限期整改"
        RECTIFIED = "rectified", "已整改"

    draw = models.ForeignKey(CheckDraw, null=True, blank=True, on_delete=models.PROTECT, related_name="checks")
    org = models.ForeignKey(SocialOrg, on_delete=models.PROTECT, related_name="checks")
    seed = models.BigIntegerField("抽取随机种子")
    drawn_on = models.DateField("抽取日期")
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name="检查人员")
    result = models.CharField("检查结果", max_length=10, choices=Result.choices, default=Result.PENDING)
    findings = models.CharField("检查情况", max_length=500, blank=True)
    rectify_by = models.DateField("整改期限", null=True, blank=True)
    checked_on = models.DateField("检查结果登记日期", null=True, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-drawn_on", "-id"]
        verbose_name = verbose_name_plural = "双随机抽查"
