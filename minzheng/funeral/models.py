"""殡葬: the death record that starts 身后事一件事, body reception and cremation, the plot/niche ledger of cemeteries
and public-interest ash facilities, and 节地生态安葬 rewards (two people: one prepares, another approves).

A plot is reserved, sold or released only through funeral.services.plot_*; the database itself refuses a second
live sale of one plot (funeral_one_live_sale_per_plot), whatever the application does.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class DeathRecord(models.Model):
    class Source(models.TextChoices):
        HOSPITAL = "hospital", "医疗机构死亡证明"
        POLICE = "police", "公安机关死亡注销"
        VILLAGE = "village", "村（居）委会报告"
        REGISTRY = "registry", "人员库已登记的死亡日期"

    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="death_record")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="居住地")
    death_date = models.DateField("死亡日期")
    source = models.CharField("信息来源", max_length=10, choices=Source.choices)
    document = models.CharField("证明文书编号", max_length=64, blank=True)
    payments_stop_from = models.DateField("停发起始月份")
    stopped_cases = models.PositiveIntegerField("停发或减发的救助补贴数", default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-death_date", "-id"]
        verbose_name = verbose_name_plural = "死亡登记"


class ChecklistItem(models.Model):
    """身后事一件事: one row per step of the after-death checklist (data/funeral/checklist.csv)."""

    record = models.ForeignKey(DeathRecord, on_delete=models.CASCADE, related_name="checklist")
    code = models.CharField(max_length=32)
    label = models.CharField("事项", max_length=64)
    done_on = models.DateField("办结日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["record", "code"], name="funeral_checklist_item_once")]


class Facility(models.Model):
    class Kind(models.TextChoices):
        FUNERAL_HOME = "funeral_home", "殡仪馆"
        PUBLIC_CEMETERY = "public_cemetery", "公益性公墓"
        COMMERCIAL_CEMETERY = "commercial_cemetery", "经营性公墓"
        ASH_FACILITY = "ash_facility", "公益性骨灰安放设施"

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在区划")

    class Meta:
        verbose_name = verbose_name_plural = "殡葬设施"

    def __str__(self):
        return self.name


class BodyReception(models.Model):
    """遗体接收 at a funeral home; an unnamed body has no person until it is identified."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="receptions")
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField("无名遗体特征", max_length=200, blank=True)
    received_on = models.DateField("接收日期")
    released_on = models.DateField("火化或移出日期", null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["received_on", "id"]


class Cremation(models.Model):
    record = models.OneToOneField(DeathRecord, on_delete=models.PROTECT, related_name="cremation")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="cremations")
    cremated_on = models.DateField("火化日期")
    certificate_number = models.CharField("火化证明编号", max_length=32, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "火化"


class Plot(models.Model):
    class Kind(models.TextChoices):
        GRAVE = "grave", "墓穴"
        NICHE = "niche", "骨灰格位"
        TREE = "tree", "树葬位"
        LAWN = "lawn", "草坪葬位"

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="plots")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    number = models.CharField("编号", max_length=32)

    class Meta:
        ordering = ["facility", "number"]
        constraints = [models.UniqueConstraint(fields=["facility", "number"], name="funeral_plot_number")]

    def __str__(self):
        return f"{self.facility.name}{self.number}号{self.get_kind_display()}"


class PlotSale(models.Model):
    class Status(models.TextChoices):
        RESERVED = "reserved", "已预订"
        SOLD = "sold", "已售出"
        RELEASED = "released", "已释放"

    plot = models.ForeignKey(Plot, on_delete=models.PROTECT, related_name="sales")
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    record = models.ForeignKey(DeathRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    holder_name = models.CharField("使用人/购买人", max_length=64)
    certificate_number = models.CharField("使用证编号", max_length=32, unique=True, null=True, blank=True)
    created_on = models.DateField("办理日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_on = models.DateField("释放日期", null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = verbose_name_plural = "墓穴（格位）销售"
        constraints = [
            # 重复销售墓穴 (seed_000 §5.8): one reserved-or-sold row per plot, enforced by the database.
            models.UniqueConstraint(fields=["plot"], condition=Q(status__in=["reserved", "sold"]),
                                    name="funeral_one_live_sale_per_plot"),
        ]


class EcoBurial(models.Model):
    class Method(models.TextChoices):
        SEA = "sea", "海葬"
        TREE = "tree", "树葬"
        LAWN = "lawn", "草坪葬"
        NICHE = "niche", "骨灰堂（格位）存放"

    class Status(models.TextChoices):
        PREPARED = "prepared", "奖补待审核"
        APPROVED = "approved", "奖补已审核，待发放"
        PAID = "paid", "奖补已发放"

    record = models.OneToOneField(DeathRecord, on_delete=models.PROTECT, related_name="eco_burial")
    method = models.CharField("安葬方式", max_length=8, choices=Method.choices)
    buried_on = models.DateField("安葬日期")
    plot_sale = models.ForeignKey(PlotSale, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reward = models.DecimalField("奖补金额", max_digits=10, decimal_places=2)
    reward_rule = models.CharField("奖补依据", max_length=200)
    family_name = models.CharField("领取人", max_length=64)
    family_account = models.CharField("领取账号", max_length=32)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PREPARED)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    paid_on = models.DateField("发放日期", null=True, blank=True)

    class Meta:
        ordering = ["-buried_on", "-id"]
        verbose_name = verbose_name_plural = "节地生态安葬"
        constraints = [models.CheckConstraint(condition=Q(reward__gte=0), name="funeral_reward_non_negative")]


class BasicServiceSettlement(models.Model):
    """A funeral home's month of 惠民殡葬 claims, settled once (one row per home and month)."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="settlements")
    month = models.DateField("结算月份")  # the 1st
    claims = models.PositiveIntegerField("结算件数")
    total = models.DecimalField("结算金额", max_digits=12, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["facility", "month"], name="funeral_one_settlement_per_month")]


class BasicServiceClaim(models.Model):
    """惠民殡葬: the free basic services given to one deceased, paid to the funeral home at min(actual, cap) per item;
    prepared by one person, approved by another, then settled in the home's month."""

    class Status(models.TextChoices):
        PREPARED = "prepared", "待审核"
        APPROVED = "approved", "已审核，待结算"
        SETTLED = "settled", "已结算"

    record = models.OneToOneField(DeathRecord, on_delete=models.PROTECT, related_name="basic_claim")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="basic_claims")
    served_on = models.DateField("服务日期")
    items = models.JSONField("服务项目与金额")
    total = models.DecimalField("减免金额", max_digits=10, decimal_places=2)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PREPARED)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    settlement = models.ForeignKey(BasicServiceSettlement, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="claim_rows")

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(total__gte=0), name="funeral_basic_total_non_negative")]
