"""Monthly payroll (发放名单), bank results and fund supervision (资金监管).

A Roster is one programme × area (usually a county) × month. Its lines are generated set-based from the
assistance entitlements in force that month; once released the roster's content is frozen and only the bank's
payment outcome is recorded on its lines. Status fields change only through services.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from minzheng.core.jobs import lease_expired

from .labels import programme_label


class Roster(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        CHECKED = "checked", "已完成监管校验"
        RELEASED = "released", "已发布"

    programme = models.CharField("救助项目", max_length=32)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="发放区域")
    month = models.DateField("发放月份")  # always the 1st of a month
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    line_count = models.PositiveIntegerField("发放笔数", default=0)
    total_amount = models.DecimalField("发放总额", max_digits=16, decimal_places=2, default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    generated_at = models.DateTimeField("生成时间", null=True, blank=True)
    checked_at = models.DateTimeField("校验时间", null=True, blank=True)
    released_at = models.DateTimeField("发布时间", null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="发布人")
    # Four-eyes: whoever generated the roster (first or last) or adjusted a line in it cannot release it.
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="最近生成人")

    class Meta:
        ordering = ["-month", "programme", "area__path"]
        verbose_name = verbose_name_plural = "发放名单"
        constraints = [
            # One roster per programme, area and month: a rerun finds the same roster and fills in what is missing.
            models.UniqueConstraint(fields=["programme", "area", "month"], name="roster_programme_area_month_uniq"),
        ]

    def __str__(self):
        return f"{self.area}{self.month:%Y年%m月}{self.programme_label}发放名单"

    @property
    def programme_label(self) -> str:
        """The programme's Chinese name (低保金 …), never its code, on every page and title."""
        return programme_label(self.programme)

    @property
    def is_released(self) -> bool:
        return self.status == self.Status.RELEASED


class LineStatus(models.TextChoices):
    PENDING = "pending", "待发放"
    PAID = "paid", "已发放"
    FAILED = "failed", "发放失败"
    REISSUED = "reissued", "已安排补发"
    WITHHELD = "withheld", "核查暂停发放"


class RosterLine(models.Model):
    """One payee's money in one roster: the sum of their entitlement components that month, or a re-issue of an
    earlier failed line (reissue_of set, for_month = the month the money was originally for)."""

    # Few indexes on purpose: every one costs on a million-line insert. roster_id is served by (roster, seq),
    # person_id by (person, for_month); case and area are never looked up on their own.
    roster = models.ForeignKey(Roster, on_delete=models.PROTECT, related_name="lines", db_index=False)
    case = models.ForeignKey("assistance.Case", on_delete=models.PROTECT, related_name="+", db_index=False)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="收款人",
                               db_index=False)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在村居",
                             db_index=False)
    for_month = models.DateField("所属月份")
    amount = models.DecimalField("金额", max_digits=12, decimal_places=2)
    bank_name = models.CharField("开户银行", max_length=64, blank=True)
    bank_account = models.CharField("银行账号", max_length=32, blank=True)
    fund = models.CharField("资金来源", max_length=16)
    # 先救助后说明 already paid for the same need and subtracted from `amount` (the entitlements' deducted).
    deducted = models.DecimalField("已扣减先行救助", max_digits=12, decimal_places=2, default=0)
    # The amount split by who pays it (data/payroll/fund_shares.csv); the four add up to `amount`.
    fund_central = models.DecimalField("中央资金", max_digits=12, decimal_places=2, default=0)
    fund_province = models.DecimalField("省级资金", max_digits=12, decimal_places=2, default=0)
    fund_city = models.DecimalField("市级资金", max_digits=12, decimal_places=2, default=0)
    fund_county = models.DecimalField("县级资金", max_digits=12, decimal_places=2, default=0)
    status = models.CharField("状态", max_length=16, choices=LineStatus.choices, default=LineStatus.PENDING)
    # One-to-one in effect (the partial unique constraint below); a plain FK so the million regular lines, whose
    # reissue_of is empty, add no entries to its index.
    reissue_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, db_index=False,
                                   related_name="reissued_by", verbose_name="补发原明细")
    seq = models.PositiveIntegerField("序号", null=True, blank=True)  # numbered at release, used in bank files
    fail_reason = models.CharField("失败原因", max_length=200, blank=True)
    result_at = models.DateTimeField("回盘时间", null=True, blank=True)
    adjusted_reason = models.CharField("调整说明", max_length=200, blank=True)
    # Four-eyes on a line adjusted above its entitlement: approved_by is a second person with the approver right;
    # a new adjustment clears the approval. No indexes: empty on all but a handful of lines.
    adjusted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", db_index=False, verbose_name="调整人")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", db_index=False, verbose_name="复核人")
    approved_at = models.DateTimeField("复核时间", null=True, blank=True)

    class Meta:
        ordering = ["roster", "seq", "id"]
        verbose_name = verbose_name_plural = "发放明细"
        indexes = [
            models.Index(fields=["person", "for_month"]),
            models.Index(fields=["bank_account", "for_month"]),
            # Failed lines waiting for re-issue: few, found without reading a month of paid lines.
            models.Index(fields=["roster"], condition=Q(status="failed"), name="roster_line_failed_idx"),
        ]
        constraints = [
            # A rerun inserts nothing twice: one regular line per case and payee per roster ...
            models.UniqueConstraint(fields=["roster", "case", "person"], condition=Q(reissue_of__isnull=True),
                                    name="roster_line_regular_uniq"),
            # ... and a failed line is re-issued exactly once.
            models.UniqueConstraint(fields=["reissue_of"], condition=Q(reissue_of__isnull=False),
                                    name="roster_line_reissue_once"),
            models.UniqueConstraint(fields=["roster", "seq"], name="roster_line_seq_uniq"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="roster_line_amount_non_negative"),
        ]

    def __str__(self):
        return f"{self.person.name}{self.for_month:%Y年%m月}发放明细"


class SupervisionRule(models.Model):
    """One 资金监管 rule's configuration: whether an open hit blocks release, and its parameter (e.g. the jump
    factor). Seeded from data/payroll/supervision_rules.csv; edits in the admin are kept."""

    code = models.CharField("规则代码", max_length=32, primary_key=True)
    label = models.CharField("规则", max_length=64)
    blocking = models.BooleanField("未处置时阻止发布", default=True)
    parameter = models.DecimalField("参数", max_digits=10, decimal_places=4, null=True, blank=True)
    enabled = models.BooleanField("启用", default=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "资金监管规则"

    def __str__(self):
        return self.label


class StaffRelative(models.Model):
    """近亲属备案 — the one register: a person who is a close relative of a staff member or village cadre. It feeds
    both checks: the full review of their applications (assistance, at 受理 and 审核) and the 资金监管 flag on their
    payments (supervision rule staff_relative). A staff member with an account is `staff`; a village cadre without
    one is named in staff_name."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name="工作人员")
    staff_name = models.CharField("工作人员姓名", max_length=64, blank=True)
    staff_position = models.CharField("工作单位及职务", max_length=100, blank=True)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="近亲属")
    relation = models.CharField("关系", max_length=32)
    registered_at = models.DateTimeField("备案时间", auto_now_add=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="备案人")

    class Meta:
        verbose_name = verbose_name_plural = "近亲属备案"
        constraints = [
            models.UniqueConstraint(fields=["staff", "person"], condition=Q(staff__isnull=False),
                                    name="staff_relative_uniq"),
            models.UniqueConstraint(fields=["staff_name", "person"], condition=Q(staff__isnull=True),
                                    name="staff_relative_named_uniq"),
        ]

    def __str__(self):
        return self.staff_label

    @property
    def staff_label(self) -> str:
        who = str(self.staff) if self.staff_id else self.staff_name
        return f"{who}（{self.staff_position}）" if self.staff_position else who


class Anomaly(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        ASSIGNED = "assigned", "已分派"
        DISPOSED = "disposed", "已处置"
        CLOSED = "closed", "已办结"

    roster = models.ForeignKey(Roster, on_delete=models.PROTECT, related_name="anomalies")
    line = models.ForeignKey(RosterLine, on_delete=models.PROTECT, related_name="anomalies")
    rule = models.CharField("规则", max_length=32)
    blocking = models.BooleanField("阻止发布", default=True)
    detail = models.TextField("疑点说明")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="承办人")
    disposition = models.TextField("处置意见", blank=True)
    withheld = models.BooleanField("已暂停该笔发放", default=False)
    created_at = models.DateTimeField("发现时间")
    disposed_at = models.DateTimeField("处置时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        ordering = ["roster", "line", "rule"]
        verbose_name = verbose_name_plural = "资金监管疑点"
        indexes = [models.Index(fields=["roster", "status"])]
        constraints = [
            # Re-running the checks finds the same hit again and inserts nothing.
            models.UniqueConstraint(fields=["line", "rule"], name="anomaly_line_rule_uniq"),
        ]


class RosterRun(models.Model):
    """A roster generation asked for on a page or through the API and run by the background worker.

    The generation itself is one transaction (services._generate): a worker killed mid-way leaves no line behind,
    and a rerun writes each line once. heartbeat_at is the worker's lease (core/jobs.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已生成"
        FAILED = "failed", "未能生成"
        INTERRUPTED = "interrupted", "生成中断"
        DISCARDED = "discarded", "已取消"

    programme = models.CharField("救助项目", max_length=32)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="发放区域")
    month = models.DateField("发放月份")
    level = models.CharField("逐级生成到", max_length=16, blank=True)  # "" = one roster for `area`
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    message = models.CharField("说明", max_length=500, blank=True)
    rosters = models.JSONField("生成的名单", default=list, blank=True)  # roster ids
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "发放名单生成任务"

    @property
    def stalled(self) -> bool:
        return self.status == self.Status.RUNNING and lease_expired(self.heartbeat_at)


class OutsidePayment(models.Model):
    """Money paid to a person outside the government rosters (a charity fund's spending on a need), reported here by
    the paying domain so 资金监管 can flag the same need paid twice in one month (rule `charity_double`)."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份")  # the 1st
    need = models.CharField("救助需求", max_length=16)
    payer = models.CharField("支付方", max_length=100)
    amount = models.DecimalField("金额", max_digits=14, decimal_places=2)
    source = models.CharField("来源记录", max_length=40, unique=True)  # e.g. "charity.expenditure:12"

    class Meta:
        verbose_name = verbose_name_plural = "其他渠道救助支付"
        indexes = [models.Index(fields=["month", "need", "person"])]
