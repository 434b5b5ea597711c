"""婚姻登记 under the 2025 《婚姻登记条例》 (国务院令第804号): 全国通办 — any office, ID card and signed declaration.

An Office takes appointments per day up to its capacity (OfficeDay overrides a day: closed, or a 好日子 capacity).
A Registration is one act (结婚, 离婚, 补领) with its Certificates, numbered per office and year. MaritalRecord is the
registry's own marital status of a person, moved only by registrations. A DivorceApplication runs the 30-day 冷静期
and the 30-day window after it (民法典 第1077条); one left unconfirmed lapses (`marriage_lapse_divorces`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    MARRIAGE = "marriage", "结婚登记"
    DIVORCE = "divorce", "离婚登记"
    REISSUE = "reissue", "补领婚姻登记证"


class Office(models.Model):
    name = models.CharField("登记处名称", max_length=100, unique=True)
    code = models.CharField("登记机关代码", max_length=12, unique=True)  # prefix of its certificate numbers
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所属区划")
    address = models.CharField("地址", max_length=200, blank=True)
    daily_capacity = models.PositiveSmallIntegerField("每日可预约数")
    open_on_days_off = models.BooleanField("节假日和周末照常办理", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "婚姻登记处"

    def __str__(self):
        return self.name


class OfficeDay(models.Model):
    """One day's exception to an office's calendar: closed, or a different capacity (好日子)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="days")
    date = models.DateField("日期")
    closed = models.BooleanField("当日不办理", default=False)
    capacity = models.PositiveSmallIntegerField("当日可预约数", null=True, blank=True)
    note = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "date"], name="marriage_one_override_per_day")]


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "已预约"
        CANCELLED = "cancelled", "已取消"
        SERVED = "served", "已办理"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="appointments")
    date = models.DateField("预约日期")
    kind = models.CharField("业务类型", max_length=10, choices=Kind.choices)
    reference = models.CharField("预约号", max_length=16, unique=True)
    name_a = models.CharField("当事人甲", max_length=64)
    id_number_a = models.CharField("当事人甲身份证号", max_length=18)
    name_b = models.CharField("当事人乙", max_length=64, blank=True)
    id_number_b = models.CharField("当事人乙身份证号", max_length=18, blank=True)
    phone = models.CharField("联系电话", max_length=20)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.BOOKED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = verbose_name_plural = "婚姻登记预约"
        indexes = [models.Index(fields=["office", "date", "status"])]
        constraints = [
            # The same person books one live appointment per office and day.
            models.UniqueConstraint(fields=["office", "date", "id_number_a"], condition=Q(status="booked"),
                                    name="marriage_one_booking_per_person_day"),
        ]


class Registration(models.Model):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="registrations")
    kind = models.CharField("登记类型", max_length=10, choices=Kind.choices)
    party_a = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+",
                                verbose_name="男方/申请人")
    party_b = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name="女方/配偶")
    registered_on = models.DateField("登记日期")
    marriage = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="所涉结婚登记")
    declaration = models.TextField("签名声明")
    appointment = models.OneToOneField(Appointment, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="registration")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = verbose_name_plural = "婚姻登记"
        indexes = [models.Index(fields=["kind", "registered_on"])]


class Certificate(models.Model):
    class Type(models.TextChoices):
        MARRIAGE = "marriage", "结婚证"
        DIVORCE = "divorce", "离婚证"

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="certificates")
    holder = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    type = models.CharField("证件类型", max_length=10, choices=Type.choices)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    number = models.CharField("证件编号", max_length=32, unique=True)
    issued_on = models.DateField("发证日期")
    void = models.BooleanField("已作废", default=False)  # replaced by a 补领 or ended by a divorce

    class Meta:
        verbose_name = verbose_name_plural = "婚姻登记证"
        constraints = [models.UniqueConstraint(fields=["office", "year", "serial"], name="marriage_cert_serial")]


class MaritalRecord(models.Model):
    """The registry office's own record of a person's marital status (the 婚姻登记 base database)."""

    class Status(models.TextChoices):
        MARRIED = "married", "已婚"
        DIVORCED = "divorced", "离婚"
        WIDOWED = "widowed", "丧偶"

    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="marital_record")
    status = models.CharField("婚姻状况", max_length=10, choices=Status.choices)
    spouse = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    since = models.DateField("起始日期")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "婚姻状况"


class DivorceApplication(models.Model):
    class Status(models.TextChoices):
        COOLING = "cooling", "冷静期中"
        WITHDRAWN = "withdrawn", "一方撤回"
        LAPSED = "lapsed", "期满未申请发证，视为撤回"
        REGISTERED = "registered", "已登记离婚"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="divorce_applications")
    marriage = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="+")
    party_a = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    party_b = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField("收到申请日期")
    cooling_ends = models.DateField("冷静期届满日")
    confirm_by = models.DateField("申请发证截止日")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.COOLING)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    withdrawn_by = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    registration = models.OneToOneField(Registration, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="divorce_application")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = verbose_name_plural = "离婚登记申请"
        constraints = [
            models.UniqueConstraint(fields=["marriage"], condition=Q(status="cooling"),
                                    name="marriage_one_open_divorce_application"),
        ]


class Ceremony(models.Model):
    """颁证仪式 booked for a registered marriage (free, optional: 《婚姻登记条例》 2025)."""

    registration = models.OneToOneField(Registration, on_delete=models.PROTECT, related_name="ceremony")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="ceremonies")
    date = models.DateField("颁证日期")
    officiant = models.CharField("颁证人", max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["date", "id"]
        verbose_name = verbose_name_plural = "颁证仪式"


class Counselling(models.Model):
    """婚姻家庭辅导: a session at the office's 辅导室, e.g. for a couple in the divorce 冷静期."""

    class Kind(models.TextChoices):
        PREMARITAL = "premarital", "婚前辅导"
        COOLING = "cooling", "离婚冷静期辅导"
        FAMILY = "family", "家庭关系辅导"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="counselling")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    held_on = models.DateField("辅导日期")
    divorce_application = models.ForeignKey(DivorceApplication, null=True, blank=True, on_delete=models.PROTECT,
                                            related_name="counselling")
    counsellor = models.CharField("辅导员", max_length=64)
    summary = models.TextField("辅导摘要")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = verbose_name_plural = "婚姻家庭辅导"
