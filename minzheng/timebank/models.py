"""时间银行: volunteer hours as a double-entry ledger (after TimeOverflow).

Every movement of hours is a Transfer with exactly two Entries, −h on the account it leaves and +h on the one it
reaches, so the entries always sum to zero. Hours come into circulation from the jurisdiction's SOURCE account
("已记录的志愿服务时长") when a report passes its second review; that account is the ledger's counterpart and is
the only one whose balance is negative (minus the hours in circulation). Every other account — volunteers, the
公益时间池 and elders — never goes below zero. Hours are never converted to cash: no operation does it.
Account.balance is a cache of the sum of its entries, updated in the transaction that writes them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

HOURS = {"max_digits": 10, "decimal_places": 1}


class Account(models.Model):
    class Kind(models.TextChoices):
        SOURCE = "source", "志愿服务时长来源"
        POOL = "pool", "公益时间池"
        VOLUNTEER = "volunteer", "志愿者账户"
        ELDER = "elder", "受赠老人账户"

    kind = models.CharField("账户类型", max_length=10, choices=Kind.choices)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所属区域")
    balance = models.DecimalField("余额（小时）", default=0, **HOURS)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "时间银行账户"
        constraints = [
            models.UniqueConstraint(fields=["kind", "person"], condition=Q(person__isnull=False),
                                    name="tb_one_account_per_person_kind"),
            models.UniqueConstraint(fields=["kind", "area"], condition=Q(kind__in=["source", "pool"]),
                                    name="tb_one_pool_source_per_area"),
            # The database itself refuses an overdraft of any account but the source.
            models.CheckConstraint(condition=Q(kind="source") | Q(balance__gte=0), name="tb_balance_non_negative"),
        ]

    def __str__(self):
        who = self.person.name if self.person_id else self.area.name
        return f"{who}·{self.get_kind_display()}"


class Volunteer(models.Model):
    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="+")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="volunteer")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所属村居")
    account = models.OneToOneField(Account, on_delete=models.PROTECT, related_name="volunteer")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "志愿者"

    def __str__(self):
        return self.person.name


class HourReport(models.Model):
    class Status(models.TextChoices):
        REPORTED = "reported", "待初审"
        FIRST_APPROVED = "first_approved", "初审通过，待复审"
        CREDITED = "credited", "复审通过，已入账"
        REJECTED = "rejected", "未通过"

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="reports")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="服务地点")
    service_date = models.DateField("服务日期")
    hours = models.DecimalField("时长（小时）", **HOURS)
    activity = models.CharField("服务内容", max_length=200)
    beneficiary = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="服务对象")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.REPORTED)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)
    first_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    first_reviewed_at = models.DateTimeField(null=True, blank=True)
    second_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    second_reviewed_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField("未通过原因", max_length=200, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = verbose_name_plural = "志愿服务时长申报"
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="tb_report_hours_positive")]


class Transfer(models.Model):
    class Kind(models.TextChoices):
        CREDIT = "credit", "时长入账"
        DONATE = "donate", "时长捐赠"
        ALLOCATE = "allocate", "公益时间池划拨"
        REDEEM = "redeem", "兑换服务"

    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    hours = models.DecimalField("时长（小时）", **HOURS)
    memo = models.CharField("说明", max_length=200, blank=True)
    report = models.OneToOneField(HourReport, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="transfer")  # a report is credited once
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "时间银行转账"
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="tb_transfer_hours_positive")]


class Entry(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    hours = models.DecimalField("时长（小时，借正贷负）", **HOURS)

    class Meta:
        verbose_name = verbose_name_plural = "时间银行分录"
        indexes = [models.Index(fields=["account", "transfer"])]
        constraints = [models.UniqueConstraint(fields=["transfer", "account"], name="tb_entry_per_account")]


class DonationOffer(models.Model):
    """Hours a volunteer offers to another jurisdiction's 公益时间池. Donations stay within the donor's jurisdiction
    unless the receiving one accepts: nothing moves until its staff accept; a decline moves nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", "待受赠辖区确认"
        ACCEPTED = "accepted", "已接受"
        DECLINED = "declined", "已谢绝"

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="donation_offers")
    from_area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="捐出辖区")
    to_area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="受赠辖区")
    hours = models.DecimalField("时长（小时）", **HOURS)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField("谢绝原因", max_length=200, blank=True)
    transfer = models.OneToOneField(Transfer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "跨辖区时长捐赠"
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="tb_offer_hours_positive")]
