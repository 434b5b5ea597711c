"""志愿服务 (《志愿服务条例》): activities with sign-up, hours the organiser confirms, and the 志愿服务记录证明 with a
verification code. A volunteer is the time bank's Volunteer (one record); confirmed hours of an activity that feeds
the time bank become a time-bank report, so its double-entry ledger stays the only ledger of hours."""

from django.conf import settings
from django.db import models
from django.db.models import Q

HOURS = {"max_digits": 10, "decimal_places": 1}


class VolunteerOrg(models.Model):
    """志愿服务组织 (《志愿服务条例》第六条、第八条): a social organisation registered with the 民政 registrar — or a
    社区社会组织 filed under a hub — that the 民政部门 identifies as a volunteer organisation (the 志愿服务组织标识 of
    the national volunteer information system). Only such an organisation opens activities whose hours count
    (《志愿服务记录与证明出具办法》: records are kept and certificates issued by the volunteer organisation)."""

    org = models.OneToOneField("socialorgs.SocialOrg", on_delete=models.PROTECT, related_name="+",
                               verbose_name="社会组织")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="住所所在地")
    identified_on = models.DateField("标识日期")
    identified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    service_fields = models.CharField("志愿服务领域", max_length=200)
    revoked_on = models.DateField("撤销标识日期", null=True, blank=True)
    revoke_reason = models.CharField("撤销原因", max_length=200, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-identified_on", "-id"]
        verbose_name = verbose_name_plural = "志愿服务组织"


class Activity(models.Model):
    title = models.CharField("活动名称", max_length=100)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="活动地点")
    org = models.ForeignKey("socialorgs.SocialOrg", null=True, blank=True, on_delete=models.PROTECT,
                            related_name="+", verbose_name="志愿服务组织")
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="活动组织人")
    held_on = models.DateField("活动日期")
    content = models.CharField("服务内容", max_length=300)
    feeds_timebank = models.BooleanField("时长计入时间银行", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = verbose_name_plural = "志愿服务活动"


class Signup(models.Model):
    class Status(models.TextChoices):
        SIGNED = "signed", "已报名"
        CONFIRMED = "confirmed", "时长已确认"

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="signups")
    volunteer = models.ForeignKey("timebank.Volunteer", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SIGNED)
    hours = models.DecimalField("服务时长（小时）", null=True, blank=True, **HOURS)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    timebank_report = models.OneToOneField("timebank.HourReport", null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "活动报名"
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"], name="vol_one_signup"),
            models.CheckConstraint(condition=Q(hours__isnull=True) | Q(hours__gt=0), name="vol_hours_positive"),
        ]


class Certificate(models.Model):
    """志愿服务记录证明: what it certified is frozen when issued; the code lets anyone verify it."""

    volunteer = models.ForeignKey("timebank.Volunteer", on_delete=models.PROTECT, related_name="+")
    code = models.CharField("验证码", max_length=16, unique=True)
    issued_on = models.DateField("出具日期")
    issuer = models.CharField("出具单位", max_length=100)
    total_hours = models.DecimalField("累计服务时长（小时）", **HOURS)
    activities = models.JSONField("服务记录", default=list)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = verbose_name_plural = "志愿服务记录证明"


class Point(models.Model):
    """志愿服务站点 in a village's 社区综合服务设施 (or at the town's 社工站)."""

    class Host(models.TextChoices):
        COMMUNITY_CENTRE = "community_centre", "社区（村）综合服务设施"
        SOCIAL_WORK_STATION = "social_work_station", "社工站（点）"

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在村（居）")
    host = models.CharField("设在", max_length=20, choices=Host.choices)
    name = models.CharField("站点名称", max_length=100)
    opened_on = models.DateField("设立日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "志愿服务站点"
        constraints = [models.UniqueConstraint(fields=["area", "host"], name="vol_one_point_per_host")]
