"""精神障碍社区康复 (精康融合): 社区康园中心 and other community rehabilitation services per town, the people they
serve — drawn from the registry's 精神/智力 disability records, never a copy — with a service plan and records."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Centre(models.Model):
    class Kind(models.TextChoices):
        KANGYUAN = "kangyuan", "社区康园中心"
        OTHER = "other", "其他社区康复服务机构"

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在镇街/村居")
    opened_on = models.DateField("启用日期")
    closed_on = models.DateField("停用日期", null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "社区康复服务机构"


class Enrolment(models.Model):
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    since = models.DateField("开始服务日期")
    until = models.DateField("结束服务日期", null=True, blank=True)
    plan = models.TextField("个案服务计划")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "康复服务对象"
        constraints = [models.UniqueConstraint(fields=["person"], condition=Q(until__isnull=True),
                                               name="rehab_one_open_enrolment_per_person")]


class ServiceRecord(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="records")
    served_on = models.DateField("服务日期")
    content = models.CharField("服务内容", max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["served_on", "id"]
