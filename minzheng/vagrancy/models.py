"""流浪乞讨人员救助: the 救助管理站 of each jurisdiction (data/vagrancy/stations.csv), each stay (一次救助) from intake
to leaving, its daily care records, medical referrals, 寻亲 notices and the 接送返回 confirmed by the receiving town.

A stay's status changes only through vagrancy.services. Identity is either a validated 身份证号 (linked to the
registry's person when the registry holds it) or, for the unknown, an alias with a description and photo reference.
"""

from django.conf import settings
from django.db import models


class Station(models.Model):
    code = models.CharField("站点编码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=100)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所属区划")
    beds = models.PositiveIntegerField("床位数", null=True, blank=True)
    source = models.CharField("出处", max_length=300)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "救助管理站"

    def __str__(self):
        return self.name


class Stay(models.Model):
    class Channel(models.TextChoices):
        VOLUNTARY = "voluntary", "自行求助"
        POLICE = "police", "公安机关护送"
        CITY_MANAGEMENT = "city_management", "城管部门护送"

    class Status(models.TextChoices):
        IN_STATION = "in_station", "在站"
        IN_HOSPITAL = "in_hospital", "送医"
        IN_TRANSIT = "in_transit", "接送返回途中"
        RETURNED = "returned", "已返回并经接收地确认"
        LEFT = "left", "自行离站"
        PLACED = "placed", "托养安置"

    OPEN = (Status.IN_STATION, Status.IN_HOSPITAL)

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="stays")
    number = models.CharField("救助编号", max_length=24, unique=True)
    channel = models.CharField("来站方式", max_length=20, choices=Channel.choices)
    referrer = models.CharField("护送单位", max_length=100, blank=True)
    admitted_on = models.DateField("入站日期")
    found_place = models.CharField("发现地点", max_length=200, blank=True)
    # identity: a validated number (with the registry's person when known) or an alias and description
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    id_number = models.CharField("身份证号", max_length=18, blank=True, db_index=True)
    name = models.CharField("姓名", max_length=64, blank=True)
    alias = models.CharField("临时称呼", max_length=64)
    sex = models.CharField("性别", max_length=1, blank=True)
    approx_age = models.PositiveSmallIntegerField("估计年龄", null=True, blank=True)
    description = models.CharField("体貌特征", max_length=300, blank=True)
    photo_ref = models.CharField("照片存档号", max_length=64, blank=True)
    identified_on = models.DateField("查明身份日期", null=True, blank=True)
    identified_by_notice = models.BooleanField("经寻亲公告查明", default=False)
    home_area = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="户籍地或居住地")
    prior_visits = models.PositiveIntegerField("统计期内此前受助次数", default=0)
    repeat_flag = models.BooleanField("反复流浪", default=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.IN_STATION)
    ended_on = models.DateField("离站日期", null=True, blank=True)
    end_note = models.CharField("离站说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-admitted_on", "-id"]
        verbose_name = verbose_name_plural = "救助记录"
        indexes = [models.Index(fields=["person", "admitted_on"])]

    def __str__(self):
        return self.number

    @property
    def identified(self) -> bool:
        return bool(self.id_number)


class CareRecord(models.Model):
    """站内照料: one row per day."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="care")
    day = models.DateField("日期")
    meals = models.PositiveSmallIntegerField("供餐次数")
    health = models.CharField("身体状况", max_length=200)
    note = models.CharField("照料情况", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["stay", "day"], name="vagrancy_one_care_record_a_day")]


class Referral(models.Model):
    """送医: a referral to a hospital and the return from it."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="referrals")
    hospital = models.CharField("医疗机构", max_length=100)
    reason = models.CharField("送医原因", max_length=200)
    referred_on = models.DateField("送医日期")
    returned_on = models.DateField("返站日期", null=True, blank=True)
    outcome = models.CharField("诊疗结果", max_length=200, blank=True)

    class Meta:
        ordering = ["referred_on", "id"]


class Notice(models.Model):
    """寻亲公告: shown on the public page while open; never carries an ID number or a full name."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="notices")
    published_on = models.DateField("发布日期")
    text = models.CharField("公告内容", max_length=500)
    closed_on = models.DateField("撤下日期", null=True, blank=True)

    class Meta:
        ordering = ["-published_on", "-id"]


class Transfer(models.Model):
    """接送返回: arranged by the station, confirmed by the receiving town in its own scope."""

    class Status(models.TextChoices):
        PENDING = "pending", "待接收地确认"
        CONFIRMED = "confirmed", "接收地已确认"

    stay = models.OneToOneField(Stay, on_delete=models.CASCADE, related_name="transfer")
    destination = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+",
                                    verbose_name="接收地")
    departed_on = models.DateField("启程日期")
    escort = models.CharField("接送方式", max_length=100)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    arrived_on = models.DateField("到达日期", null=True, blank=True)
    receiver = models.CharField("接收人", max_length=64, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    arranged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-departed_on", "-id"]
