"""大儿童保障: the child-welfare workforce and organisations, each child's file (pointing at the shared registry,
never a copy), guardians, visits, mandatory reports, protection cases with their records, state guardianship with
placements, adoption records, and the access log. Written only by children.services."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class OrgKind(models.TextChoices):
    CENTRE = "centre", "未成年人救助保护中心"
    STATION = "station", "未成年人保护工作站"
    WELFARE_HOME = "welfare_home", "儿童福利机构"
    DEPARTMENT = "department", "职能部门"
    SOCIAL_ORG = "social_org", "社会组织"


class Org(models.Model):
    """An organisation of the child-protection network, or one a case is referred to."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=OrgKind.choices)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在区域")
    opened_on = models.DateField("设立日期")
    closed_on = models.DateField("撤销日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "儿童保护机构"
        constraints = [models.UniqueConstraint(fields=["name", "area"], name="child_org_name_area_uniq")]

    def __str__(self):
        return self.name


class Post(models.TextChoices):
    DIRECTOR = "director", "儿童主任"
    SUPERVISOR = "supervisor", "儿童督导员"
    CENTRE = "centre", "救助保护中心工作人员"


class Appointment(models.Model):
    """儿童主任 (village), 儿童督导员 (town), centre staff (the centre's area): who works on children where."""

    post = models.CharField("岗位", max_length=16, choices=Post.choices)
    name = models.CharField("姓名", max_length=64)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="child_appointments", verbose_name="平台账号")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="负责区域")
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    full_time = models.BooleanField("专职", default=False)
    start_date = models.DateField("任职日期")
    end_date = models.DateField("离任日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "儿童工作人员任职"
        indexes = [models.Index(fields=["post", "area"])]

    def __str__(self):
        return f"{self.get_post_display()} {self.name}"


class Training(models.Model):
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="trainings")
    held_on = models.DateField("培训日期")
    topic = models.CharField("培训内容", max_length=100)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)


class ChildFile(models.Model):
    """What the registry does not hold about a child: school, health, a 监护不当 finding. One per person."""

    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="child_file")
    school = models.CharField("就读学校", max_length=100, blank=True)
    grade = models.CharField("年级", max_length=20, blank=True)
    health_note = models.CharField("健康状况", max_length=200, blank=True)
    serious_illness = models.BooleanField("患重病", default=False)
    guardianship_improper = models.BooleanField("监护不当", default=False)
    updated_at = models.DateTimeField(auto_now=True)


class GuardianKind(models.TextChoices):
    FATHER = "father", "父亲（法定监护）"
    MOTHER = "mother", "母亲（法定监护）"
    ENTRUSTED = "entrusted", "委托监护"
    APPOINTED = "appointed", "指定监护"
    TEMPORARY = "temporary", "临时监护（国家监护）"
    LONG_TERM = "long_term", "长期监护（国家监护）"


STATE_KINDS = (GuardianKind.TEMPORARY, GuardianKind.LONG_TERM)


class Guardian(models.Model):
    """One guardian of one kind over a period: a person of the registry, or an institution (state guardianship)."""

    child = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="guardians")
    kind = models.CharField("监护类型", max_length=16, choices=GuardianKind.choices)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="监护人")
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                            verbose_name="监护机构")
    relation = models.CharField("与儿童关系", max_length=32)
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("终止日期", null=True, blank=True)
    end_reason = models.CharField("终止原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "监护人"
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False) | Q(org__isnull=False), name="guardian_who"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="guardian_period_order"),
        ]

    @property
    def who(self) -> str:
        return self.person.name if self.person_id else self.org.name


class Visit(models.Model):
    child = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="child_visits")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")  # child's village then
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField("走访日期")
    mode = models.CharField("方式", max_length=16, choices=[("home", "入户走访"), ("phone", "电话随访"),
                                                           ("school", "到校走访")])
    findings = models.TextField("走访情况")
    concern = models.BooleanField("发现风险", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["child", "visited_on"])]


class Report(models.Model):
    """强制报告: who reported (hidden except to the centre), about whom, what, where, how urgent."""

    number = models.CharField("报告编号", max_length=32, unique=True)
    source = models.CharField("报告来源", max_length=16)
    anonymous = models.BooleanField("匿名", default=False)
    reporter_name = models.CharField("报告人", max_length=64, blank=True)
    reporter_org = models.CharField("报告单位", max_length=100, blank=True)
    reporter_phone = models.CharField("报告人电话", max_length=20, blank=True)
    child = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    what = models.TextField("情况")
    location = models.CharField("发生地点", max_length=200)
    priority = models.CharField("紧急程度", max_length=16)
    received_at = models.DateTimeField("接报时间")
    received_on = models.DateField("接报日期")
    verify_due = models.DateField("核查期限")
    emergency_due = models.DateField("应急处置期限", null=True, blank=True)
    case = models.ForeignKey("ChildCase", on_delete=models.PROTECT, related_name="reports")
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="重复报告")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class ChildCase(models.Model):
    """A protection case. Its stage is computed from its records (selectors.case_stage), never stored."""

    number = models.CharField("个案编号", max_length=32, unique=True)
    child = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField("立案日期")
    priority = models.CharField("紧急程度", max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "儿童保护个案"

    def __str__(self):
        return self.number


class CaseWorker(models.Model):
    case = models.ForeignKey(ChildCase, on_delete=models.CASCADE, related_name="workers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField("角色", max_length=16, choices=[("lead", "主责社工"), ("worker", "协办")])
    since = models.DateField()
    until = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], condition=Q(until__isnull=True),
                                               name="one_open_case_worker")]


class EventKind(models.TextChoices):
    VERIFY = "verify", "核查"
    EMERGENCY = "emergency", "应急处置"
    PLAN = "plan", "帮扶计划"
    FOLLOW_UP = "follow_up", "跟进回访"
    INTERVENTION = "intervention", "监护干预"
    REVOCATION = "revocation", "申请撤销监护人资格"
    CLOSE = "close", "结案"
    REOPEN = "reopen", "重新开启"


class CaseEvent(models.Model):
    """One dated record on a case (assessments and referrals have their own tables)."""

    case = models.ForeignKey(ChildCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("类型", max_length=16, choices=EventKind.choices)
    happened_on = models.DateField("日期")
    note = models.TextField("说明")
    details = models.JSONField("内容", default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["happened_on", "id"]


class Assessment(models.Model):
    case = models.ForeignKey(ChildCase, on_delete=models.CASCADE, related_name="assessments")
    form_key = models.CharField("评估表版本", max_length=32)
    answers = models.JSONField("评估结果")
    score = models.PositiveSmallIntegerField("总分")
    risk_level = models.CharField("风险等级", max_length=16)
    assessed_on = models.DateField("评估日期")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class Referral(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待接收"
        ACCEPTED = "accepted", "已接收"
        REJECTED = "rejected", "已拒绝"
        DONE = "done", "已办结"

    OPEN = (Status.PENDING, Status.ACCEPTED)

    case = models.ForeignKey(ChildCase, on_delete=models.CASCADE, related_name="referrals")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="referrals")
    service = models.CharField("转介服务", max_length=100)
    consent = models.CharField("同意依据", max_length=100)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_on = models.DateField("转介日期")
    responded_on = models.DateField("答复日期", null=True, blank=True)
    feedback = models.TextField("反馈", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class CaseAccess(models.Model):
    """Primero's access log: every opening of a case, by whom, when, for what."""

    class Purpose(models.TextChoices):
        CASE_WORK = "case_work", "个案办理"
        SUPERVISION = "supervision", "督导检查"
        INTAKE = "intake", "接报受理"
        REVIEW = "review", "复核评估"

    case = models.ForeignKey(ChildCase, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("查阅时间")
    purpose = models.CharField("用途", max_length=16, choices=Purpose.choices)
    channel = models.CharField("途径", max_length=8, default="page")

    class Meta:
        ordering = ["-at", "-id"]


class StateCare(models.Model):
    """临时监护 / 长期监护 by the centre or the welfare home: intake, placements, exit."""

    child = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=16, choices=[(GuardianKind.TEMPORARY, "临时监护"),
                                                           (GuardianKind.LONG_TERM, "长期监护")])
    guardian = models.OneToOneField(Guardian, on_delete=models.PROTECT, related_name="state_care")
    case = models.ForeignKey(ChildCase, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    intake_on = models.DateField("接收日期")
    reason = models.TextField("接收原因")
    exit_on = models.DateField("离开日期", null=True, blank=True)
    exit_reason = models.CharField("离开去向", max_length=200, blank=True)


class Placement(models.Model):
    class Kind(models.TextChoices):
        INSTITUTION = "institution", "机构养育"
        FOSTER = "foster", "家庭寄养"
        FAMILY_STYLE = "family_style", "家庭式养育"

    care = models.ForeignKey(StateCare, on_delete=models.PROTECT, related_name="placements")
    kind = models.CharField("安置方式", max_length=16, choices=Kind.choices)
    carer = models.CharField("寄养/养育家庭", max_length=100, blank=True)
    start_date = models.DateField("起始日期")
    end_date = models.DateField("终止日期", null=True, blank=True)


class Adoption(models.Model):
    """收养登记: the 收养评估 result, the certificate and the archive; dissolution ends it."""

    child = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    adopter = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="收养人")
    co_adopter = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="共同收养人")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="登记机关所在地")
    assessment_result = models.CharField("收养评估结论", max_length=16,
                                         choices=[("suitable", "适合收养"), ("unsuitable", "不适合收养")])
    assessed_by = models.CharField("评估机构", max_length=100)
    assessed_on = models.DateField("评估日期")
    registered_on = models.DateField("登记日期")
    certificate_number = models.CharField("收养登记证号", max_length=32, unique=True)
    archive_number = models.CharField("档案号", max_length=32)
    dissolved_on = models.DateField("解除日期", null=True, blank=True)
    dissolution_reason = models.CharField("解除原因", max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
