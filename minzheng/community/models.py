"""城乡社区治理: 村（居）委会 and 村务监督委员会 with members and terms, 换届选举 records, 村（居）务公开 items with the
四议两公开 steps, and the 社区工作者 roster."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Body(models.Model):
    class Kind(models.TextChoices):
        VILLAGE_COMMITTEE = "village_committee", "村民委员会"
        RESIDENTS_COMMITTEE = "residents_committee", "居民委员会"
        SUPERVISION = "supervision", "村（居）务监督委员会"

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="村（居）")
    kind = models.CharField("组织", max_length=20, choices=Kind.choices)
    term_start = models.DateField("任期开始")
    term_end = models.DateField("任期届满")
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="successor",
                                    verbose_name="上一届")
    election = models.ForeignKey("Election", null=True, blank=True, on_delete=models.PROTECT, related_name="bodies",
                                 verbose_name="换届选举")

    class Meta:
        verbose_name = verbose_name_plural = "村（居）自治组织"
        constraints = [models.CheckConstraint(condition=Q(term_end__gt=F("term_start")), name="cm_term_order")]


class Member(models.Model):
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    post = models.CharField("职务", max_length=20)
    also_party_secretary = models.BooleanField("书记、主任“一肩挑”", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "组织成员"
        constraints = [models.UniqueConstraint(fields=["body", "person"], name="cm_member_once")]


class Election(models.Model):
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="村（居）")
    held_on = models.DateField("选举日期")
    voters = models.PositiveIntegerField("登记选民数")
    non_hukou_voters = models.PositiveIntegerField("其中非户籍选民数", default=0)
    votes = models.PositiveIntegerField("参加投票人数")
    first_round = models.BooleanField("一次选举成功", default=True)
    one_shoulder = models.BooleanField("书记、主任“一肩挑”", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on"]
        verbose_name = verbose_name_plural = "换届选举"
        constraints = [
            models.CheckConstraint(condition=Q(votes__lte=F("voters")), name="cm_votes_within_voters"),
            models.CheckConstraint(condition=Q(non_hukou_voters__lte=F("voters")), name="cm_non_hukou_within"),
        ]

    @property
    def turnout(self) -> float | None:
        return round(100 * self.votes / self.voters, 1) if self.voters else None


STEPS = [
    ("proposal", "村党组织提议"), ("consult", "村“两委”会议商议"), ("review", "党员大会审议"),
    ("resolve", "村民会议或村民代表会议决议"), ("publish_resolution", "决议公开"), ("publish_result", "实施结果公开"),
]


class Disclosure(models.Model):
    """村（居）务公开 item. Decisions on major matters record the 四议两公开 steps with their dates; an item is
    public (on the page residents read, no login) once published."""

    class Category(models.TextChoices):
        AFFAIRS = "affairs", "村（居）务公开"
        FINANCE = "finance", "财务公开"
        PARTY = "party", "党务公开"

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="村（居）")
    category = models.CharField("类别", max_length=10, choices=Category.choices)
    title = models.CharField("标题", max_length=100)
    content = models.TextField("公开内容", max_length=5000)
    steps = models.JSONField("四议两公开步骤", default=dict)
    published_on = models.DateField("公开日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = verbose_name_plural = "村（居）务公开"


class CommunityWorker(models.Model):
    """One period of service on the roster. Ending it (离职/解聘) keeps the row as history; the same person may be
    taken on again later as a new row, but never holds two serving rows at once."""

    class LeaveKind(models.TextChoices):
        RESIGNED = "resigned", "离职"
        DISMISSED = "dismissed", "解聘"

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在社区（村）")
    grade = models.CharField("岗位等级", max_length=20)
    certificate = models.CharField("职业资格", max_length=30, blank=True)
    training_hours = models.PositiveIntegerField("年度培训学时", default=0)
    pay_band = models.CharField("薪酬档次", max_length=20, blank=True)
    since = models.DateField("入职日期")
    left_on = models.DateField("离职日期", null=True, blank=True)
    leave_kind = models.CharField("离岗方式", max_length=10, choices=LeaveKind.choices, blank=True)
    leave_reason = models.CharField("离岗原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "社区工作者"
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(left_on__isnull=True),
                                    name="cm_worker_serving_once"),
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(left_on__gte=F("since")),
                                   name="cm_worker_left_after_since"),
        ]


class Consultation(models.Model):
    """议事协商: a village (community) consults on a matter of its own — who took part (counts by kind, and the
    registry persons where named), what was agreed, what follows. Publication puts a summary (counts, never names)
    on the public 村（居）务公开 page as an item of its own."""

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="村（居）")
    topic = models.CharField("协商事项", max_length=100)
    held_on = models.DateField("协商日期")
    participants = models.JSONField("参加人员（按类别人数）", default=dict)
    persons = models.ManyToManyField("registry.Person", blank=True, related_name="+", verbose_name="具名参加人")
    outcome = models.TextField("协商结果", max_length=2000)
    follow_up = models.CharField("后续落实措施", max_length=500, blank=True)
    follow_up_due = models.DateField("落实期限", null=True, blank=True)
    follow_up_done_on = models.DateField("落实日期", null=True, blank=True)
    follow_up_result = models.CharField("落实情况", max_length=500, blank=True)
    disclosure = models.OneToOneField(Disclosure, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="consultation", verbose_name="村务公开")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = verbose_name_plural = "议事协商"

    @property
    def headcount(self) -> int:
        return sum(self.participants.values()) + len(self.persons.all())
