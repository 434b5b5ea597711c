"""社工站 (双百工程): one station per town, its directly employed 社工, their service records for the target groups
(read from the registry categories on the day, never copied) and 督导 records."""

from django.conf import settings
from django.db import models


class Station(models.Model):
    town = models.OneToOneField("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在镇街")
    name = models.CharField("站名", max_length=100)
    opened_on = models.DateField("建成日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "社工站"

    def __str__(self):
        return self.name


class SocialWorker(models.Model):
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="workers")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="social_worker")
    certificate = models.CharField("社工职业资格", max_length=30, blank=True)
    since = models.DateField("入职日期")

    class Meta:
        verbose_name = verbose_name_plural = "驻站社工"

    def __str__(self):
        return str(self.user)


class ServiceRecord(models.Model):
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="records")
    worker = models.ForeignKey(SocialWorker, on_delete=models.PROTECT, related_name="records")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name="服务对象")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="服务对象所在村居")
    service = models.CharField("服务内容", max_length=16)
    served_on = models.DateField("服务日期")
    note = models.CharField("服务记录", max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-served_on", "-id"]
        verbose_name = verbose_name_plural = "社工服务记录"
        indexes = [models.Index(fields=["station", "served_on"])]


class Supervision(models.Model):
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="supervisions")
    held_on = models.DateField("督导日期")
    supervisor = models.CharField("督导人", max_length=50)
    findings = models.CharField("督导意见", max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on"]
        verbose_name = verbose_name_plural = "社工站督导记录"


class ServicePoint(models.Model):
    """社工服务点 in a village (村（居）), under its town's 社工站 (双百工程: station per town, point per village)."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="points")
    area = models.OneToOneField("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在村（居）")
    name = models.CharField("服务点名称", max_length=100)
    opened_on = models.DateField("设立日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["area__code"]
        verbose_name = verbose_name_plural = "社工服务点"
