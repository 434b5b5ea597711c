"""大慈善: charities (a 社会组织 recognised as 慈善组织), their fund-raising plans and funds, the donations ledger,
receipts, projects and spending, disclosures, 慈善信托, 微心愿/微实事 and the 爱心资源库, 慈善空间/超市 and
救助衔接 referrals.

The ledger follows the time bank (TimeOverflow): every movement of money is a Transfer with exactly two Entries,
−amount on the account it leaves and +amount on the one it reaches, so all entries sum to zero. Money enters from
the charity's SOURCE account ("社会捐赠"), the only account allowed below zero (minus everything received); fund
accounts hold what can still be spent, project accounts what was spent on a project, the ADMIN account the
management cost. The database refuses a negative balance on every other account.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

MONEY = {"max_digits": 16, "decimal_places": 2}


class Charity(models.Model):
    """A registered social organisation recognised as 慈善组织 (慈善法 第十条): the organisation record is
    socialorgs.SocialOrg, extended here, never copied."""

    org = models.OneToOneField("socialorgs.SocialOrg", on_delete=models.PROTECT, related_name="charity")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在地")
    recognised_on = models.DateField("认定日期")
    recognised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    public_fundraising_on = models.DateField("取得公开募捐资格日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "慈善组织"

    def __str__(self):
        return self.org.name


class Fund(models.Model):
    class Kind(models.TextChoices):
        GENERAL = "general", "非定向资金"
        NAMED = "named", "冠名基金"
        SPECIAL = "special", "专项基金"
        MICRO = "micro", "微基金"

    charity = models.ForeignKey(Charity, on_delete=models.PROTECT, related_name="funds")
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    restricted = models.BooleanField("定向使用", default=False)
    purpose = models.CharField("用途", max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "慈善基金"
        constraints = [models.UniqueConstraint(fields=["charity", "name"], name="ch_fund_name_uniq"),
                       # 非定向资金 is the charity's unrestricted pool; every named/special/micro fund is restricted.
                       models.CheckConstraint(condition=Q(kind="general", restricted=False) | ~Q(kind="general"),
                                              name="ch_general_unrestricted")]

    def __str__(self):
        return self.name


class FundraisingPlan(models.Model):
    """募捐方案, filed (备案) before it starts (慈善法 第二十四条)."""

    charity = models.ForeignKey(Charity, on_delete=models.PROTECT, related_name="plans")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="plans")
    number = models.CharField("备案编号", max_length=30, unique=True)
    title = models.CharField("名称", max_length=100)
    purpose = models.CharField("募捐目的", max_length=300)
    target = models.DecimalField("募捐目标（元）", **MONEY)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    filed_on = models.DateField("备案日期")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = verbose_name_plural = "募捐方案"
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="ch_plan_period_order"),
                       models.CheckConstraint(condition=Q(target__gt=0), name="ch_plan_target_positive")]


class Project(models.Model):
    charity = models.ForeignKey(Charity, on_delete=models.PROTECT, related_name="projects")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="projects")
    name = models.CharField("项目名称", max_length=100)
    purpose = models.CharField("项目内容", max_length=300)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="实施地")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "慈善项目"

    def __str__(self):
        return self.name


class Account(models.Model):
    class Kind(models.TextChoices):
        SOURCE = "source", "社会捐赠"
        FUND = "fund", "基金可用余额"
        PROJECT = "project", "项目支出"
        ADMIN = "admin", "管理费用"

    charity = models.ForeignKey(Charity, on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField("账户类型", max_length=8, choices=Kind.choices)
    fund = models.OneToOneField(Fund, null=True, blank=True, on_delete=models.PROTECT, related_name="account")
    project = models.OneToOneField(Project, null=True, blank=True, on_delete=models.PROTECT, related_name="account")
    balance = models.DecimalField("余额（元）", default=0, **MONEY)

    class Meta:
        verbose_name = verbose_name_plural = "慈善账户"
        constraints = [
            models.UniqueConstraint(fields=["charity", "kind"], condition=Q(kind__in=["source", "admin"]),
                                    name="ch_one_source_admin"),
            models.CheckConstraint(condition=Q(kind="source") | Q(balance__gte=0), name="ch_balance_non_negative"),
        ]

    def __str__(self):
        if self.fund_id:
            return f"{self.fund.name}"
        if self.project_id:
            return f"{self.project.name}（项目）"
        return self.get_kind_display()


class Transfer(models.Model):
    class Kind(models.TextChoices):
        DONATION = "donation", "接受捐赠"
        SPEND = "spend", "项目支出"
        ADMIN = "admin", "管理费用"

    charity = models.ForeignKey(Charity, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    amount = models.DecimalField("金额（元）", **MONEY)
    on = models.DateField("日期")
    memo = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "慈善资金流水"
        indexes = [models.Index(fields=["charity", "on"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="ch_transfer_positive")]


class Entry(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField("金额（借正贷负）", **MONEY)

    class Meta:
        verbose_name = verbose_name_plural = "慈善分录"
        indexes = [models.Index(fields=["account", "transfer"])]
        constraints = [models.UniqueConstraint(fields=["transfer", "account"], name="ch_entry_per_account")]


class Donation(models.Model):
    class Kind(models.TextChoices):
        MONEY = "money", "资金"
        IN_KIND = "in_kind", "物资"

    charity = models.ForeignKey(Charity, on_delete=models.PROTECT, related_name="donations")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="donations")
    plan = models.ForeignKey(FundraisingPlan, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="donations")
    donor_name = models.CharField("捐赠人", max_length=100)
    kind = models.CharField("捐赠形式", max_length=8, choices=Kind.choices)
    amount = models.DecimalField("金额或物资折价（元）", **MONEY)
    goods = models.CharField("物资名称及数量", max_length=200, blank=True)
    received_on = models.DateField("接收日期")
    transfer = models.OneToOneField(Transfer, on_delete=models.PROTECT, related_name="donation")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = verbose_name_plural = "捐赠"
        indexes = [models.Index(fields=["charity", "received_on"])]


class Receipt(models.Model):
    """捐赠票据 (慈善法 第三十八条): one per donation, checkable by the public with its number and code."""

    donation = models.OneToOneField(Donation, on_delete=models.PROTECT, related_name="receipt")
    number = models.CharField("票据号码", max_length=30, unique=True)
    code = models.CharField("校验码", max_length=12)
    issued_on = models.DateField("开具日期")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "捐赠票据"


class Expenditure(models.Model):
    """Spending from a fund on a project (or on management cost), prepared by one person and approved by another:
    the money moves only on approval. A payment to a person names the need it meets, for 资金监管."""

    class Status(models.TextChoices):
        PREPARED = "prepared", "待审批"
        APPROVED = "approved", "已支出"
        REJECTED = "rejected", "未批准"

    charity = models.ForeignKey(Charity, on_delete=models.PROTECT, related_name="expenditures")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="expenditures")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="expenditures")  # null: management cost
    amount = models.DecimalField("金额（元）", **MONEY)
    spent_on = models.DateField("支出日期")
    evidence = models.CharField("支出凭证", max_length=200)
    beneficiary = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="受助人")
    need = models.CharField("救助需求", max_length=16, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PREPARED)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    transfer = models.OneToOneField(Transfer, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="expenditure")

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = verbose_name_plural = "慈善支出"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="ch_expenditure_positive")]


class Disclosure(models.Model):
    """信息公开 items (慈善法 第七十一条起) and the 年度工作报告 (第十三条)."""

    class Kind(models.TextChoices):
        ANNUAL_REPORT = "annual_report", "年度工作报告"
        FUNDRAISING = "fundraising", "募捐情况"
        PROJECT = "project", "项目实施情况"

    charity = models.ForeignKey(Charity, on_delete=models.PROTECT, related_name="disclosures")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("标题", max_length=100)
    body = models.JSONField("内容", default=dict)
    published_on = models.DateField("公开日期")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = verbose_name_plural = "慈善信息公开"
        constraints = [models.UniqueConstraint(fields=["charity", "year"], condition=Q(kind="annual_report"),
                                               name="ch_one_annual_report")]


class Trust(models.Model):
    """慈善信托 备案 (慈善法 第四十五条)."""

    number = models.CharField("备案编号", max_length=30, unique=True)
    name = models.CharField("信托名称", max_length=100)
    trustee = models.CharField("受托人", max_length=100)
    supervisor = models.CharField("监察人", max_length=100, blank=True)
    assets = models.DecimalField("信托财产（元）", **MONEY)
    purpose = models.CharField("信托目的", max_length=300)
    signed_on = models.DateField("信托文件签订日期")
    filed_on = models.DateField("备案日期")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+",
                             verbose_name="备案民政部门所在地")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "慈善信托"
        constraints = [models.CheckConstraint(condition=Q(assets__gt=0), name="ch_trust_assets_positive")]


class TrustReport(models.Model):
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField("年度")
    assets_end = models.DecimalField("年末信托财产（元）", **MONEY)
    spent = models.DecimalField("年度支出（元）", **MONEY)
    summary = models.CharField("年度报告摘要", max_length=500)
    submitted_on = models.DateField("报告日期")

    class Meta:
        verbose_name = verbose_name_plural = "慈善信托年度报告"
        constraints = [models.UniqueConstraint(fields=["trust", "year"], name="ch_trust_report_year")]


class Resource(models.Model):
    """爱心资源库: an enterprise (or person) ready to take up wishes and small projects."""

    name = models.CharField("名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    is_enterprise = models.BooleanField("企业", default=True)
    offers = models.CharField("可提供的资源", max_length=200)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在地")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "爱心资源库"

    def __str__(self):
        return self.name


class Wish(models.Model):
    """微心愿 (a wish of a person in difficulty) or 微实事 (a small community project). The public page shows only
    the title, the need and the village: never the person."""

    class Kind(models.TextChoices):
        WISH = "wish", "微心愿"
        PROJECT = "project", "微实事"

    class Status(models.TextChoices):
        OPEN = "open", "待认领"
        CLAIMED = "claimed", "已认领"
        FULFILLED = "fulfilled", "已实现"
        CLOSED = "closed", "已办结"

    kind = models.CharField("类别", max_length=8, choices=Kind.choices)
    title = models.CharField("心愿/项目", max_length=60)
    need = models.CharField("需求说明", max_length=200)
    budget = models.DecimalField("预计金额（元）", **MONEY)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name="心愿人")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="村（居）")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_on = models.DateField("发布日期")
    claimant = models.CharField("认领人", max_length=100, blank=True)
    resource = models.ForeignKey(Resource, null=True, blank=True, on_delete=models.PROTECT, related_name="wishes")
    claimed_at = models.DateTimeField(null=True, blank=True)
    evidence = models.CharField("实现情况及凭证", max_length=300, blank=True)
    fulfilled_on = models.DateField("实现日期", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = verbose_name_plural = "微心愿/微实事"
        indexes = [models.Index(fields=["status", "area"])]
        constraints = [models.CheckConstraint(condition=Q(kind="project") | Q(person__isnull=False),
                                              name="ch_wish_has_person")]


class Space(models.Model):
    class Kind(models.TextChoices):
        SPACE = "space", "慈善空间"
        SUPERMARKET = "supermarket", "慈善超市"

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在地")
    address = models.CharField("地址", max_length=200)
    opened_on = models.DateField("启用日期")

    class Meta:
        verbose_name = verbose_name_plural = "慈善空间/慈善超市"


class DemoSite(models.Model):
    """A place the bureau designates as 慈善示范社区 (a 村（居）) or 慈善工作示范点 — the plans count them (中山 ≥ 100
    communities, 清远 ≥ 2 and 郁南 ≥ 5 sites by 2025) — until the designation is revoked."""

    class Kind(models.TextChoices):
        COMMUNITY = "community", "慈善示范社区"
        SITE = "site", "慈善工作示范点"

    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在地")
    designated_on = models.DateField("命名日期")
    designated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    revoke_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        ordering = ["-designated_on", "-id"]
        verbose_name = verbose_name_plural = "慈善示范社区/示范点"
        constraints = [
            models.UniqueConstraint(fields=["kind", "area", "name"], condition=Q(revoked_on__isnull=True),
                                    name="ch_demo_site_active_uniq"),
            models.CheckConstraint(condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=models.F("designated_on")),
                                   name="ch_demo_site_revoked_after"),
        ]

    def __str__(self):
        return self.name


class Stock(models.Model):
    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="stock")
    item = models.CharField("物品", max_length=60)
    quantity = models.PositiveIntegerField("数量", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "慈善超市库存"
        constraints = [models.UniqueConstraint(fields=["space", "item"], name="ch_stock_item_uniq")]


class Referral(models.Model):
    """救助衔接: a household refused or exited from 低保, or found by 核对 just above the line, referred with its
    consent to a charity programme; the outcome shows on the household's record."""

    class Ground(models.TextChoices):
        REFUSED = "refused", "低保申请未获批准"
        EXITED = "exited", "退出低保"
        ABOVE_LINE = "above_line", "核对结果略高于低保标准"

    class Status(models.TextChoices):
        REFERRED = "referred", "已转介，待慈善组织回复"
        ACCEPTED = "accepted", "慈善组织已接收"
        HELPED = "helped", "已实施慈善救助"
        DECLINED = "declined", "慈善组织未接收"

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="申请人")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    ground = models.CharField("转介原因", max_length=12, choices=Ground.choices)
    ground_detail = models.CharField("原因说明", max_length=300)
    consent_on = models.DateField("同意转介日期")
    charity = models.ForeignKey(Charity, on_delete=models.PROTECT, related_name="referrals")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.REFERRED)
    outcome = models.CharField("结果", max_length=300, blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_on = models.DateField("转介日期")

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = verbose_name_plural = "救助衔接转介"
