from django.db import models
from django.db.models import Q

from minzheng.core.idcard import mask
from minzheng.core.jobs import lease_expired


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class DisabilityCategory(models.TextChoices):
    # 残疾人残疾分类和分级 GB/T 26341-2010
    VISUAL = "visual", "视力残疾"
    HEARING = "hearing", "听力残疾"
    SPEECH = "speech", "言语残疾"
    PHYSICAL = "physical", "肢体残疾"
    INTELLECTUAL = "intellectual", "智力残疾"
    MENTAL = "mental", "精神残疾"
    MULTIPLE = "multiple", "多重残疾"


class Person(models.Model):
    """一人一档: one row per 身份证号; every domain points here."""

    id_number = models.CharField("身份证号", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=64)
    name_pinyin = models.CharField("姓名拼音", max_length=128)
    name_initials = models.CharField("拼音首字母", max_length=32)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    hukou_area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="户籍地")
    residence_area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+",
                                       verbose_name="居住地")
    address = models.CharField("居住地址", max_length=200, blank=True)
    death_date = models.DateField("死亡日期", null=True, blank=True)
    disability_category = models.CharField("残疾类别", max_length=16, choices=DisabilityCategory.choices, blank=True)
    disability_grade = models.PositiveSmallIntegerField("残疾等级", null=True, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    bank_name = models.CharField("开户银行", max_length=64, blank=True)
    bank_account = models.CharField("银行账号", max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "人员"
        indexes = [
            # Scoped prefix search: pattern opclasses let PostgreSQL use LIKE '张%' under any collation.
            models.Index(fields=["residence_area", "name"], name="person_area_name_prefix",
                         opclasses=["int8_ops", "varchar_pattern_ops"]),
            models.Index(fields=["residence_area", "name_initials"], name="person_area_initials_prefix",
                         opclasses=["int8_ops", "varchar_pattern_ops"]),
            models.Index(fields=["residence_area", "name_pinyin"], name="person_area_pinyin_prefix",
                         opclasses=["int8_ops", "varchar_pattern_ops"]),
            models.Index(fields=["name", "birth_date"]),
            models.Index(fields=["name_pinyin", "birth_date"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(disability_grade__isnull=True) | Q(disability_grade__range=(1, 4)),
                                   name="person_disability_grade_1_4"),
        ]

    def __str__(self):
        return f"{self.name}（{self.masked_id}）"

    @property
    def masked_id(self) -> str:
        return mask(self.id_number)

    @property
    def is_deceased(self) -> bool:
        return self.death_date is not None


class Relation(models.TextChoices):
    HEAD = "head", "户主"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    GRANDCHILD = "grandchild", "孙子女"
    GRANDPARENT = "grandparent", "祖父母/外祖父母"
    SIBLING = "sibling", "兄弟姐妹"
    CHILD_IN_LAW = "child_in_law", "儿媳/女婿"
    OTHER = "other", "其他"


class Household(models.Model):
    """共同生活家庭."""

    number = models.CharField("家庭编号", max_length=32, unique=True)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所在村居")
    address = models.CharField("家庭住址", max_length=200, blank=True)
    head = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="户主")
    dissolved_on = models.DateField("注销日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "家庭"

    def __str__(self):
        return self.number


class Membership(models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    relation = models.CharField("与户主关系", max_length=16, choices=Relation.choices)
    start_date = models.DateField("加入日期")
    end_date = models.DateField("退出日期", null=True, blank=True)
    end_reason = models.CharField("退出原因", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "家庭成员"
        constraints = [
            # A person lives in at most one household at a time.
            models.UniqueConstraint(fields=["person"], condition=Q(end_date__isnull=True),
                                    name="one_current_household_per_person"),
        ]


class Category(models.TextChoices):
    DIBAO = "dibao", "低保对象"
    TEKUN = "tekun", "特困人员"
    LOW_INCOME = "low_income", "低收入人口"
    ORPHAN = "orphan", "孤儿"
    DE_FACTO_UNSUPPORTED = "de_facto_unsupported", "事实无人抚养儿童"
    CHILD_IN_DIFFICULTY = "child_in_difficulty", "困境儿童"
    LEFT_BEHIND_CHILD = "left_behind_child", "留守儿童"
    DISABLED = "disabled", "残疾人"
    ELDERLY = "elderly", "老年人"
    ELDERLY_ALONE = "elderly_alone", "独居老人"
    ELDERLY_EMPTY_NEST = "elderly_empty_nest", "空巢老人"
    ELDERLY_LEFT_BEHIND = "elderly_left_behind", "留守老人"
    FAMILY_PLANNING_SPECIAL = "family_planning_special", "计划生育特殊家庭"


class PersonCategory(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="categories")
    category = models.CharField("类别", max_length=32, choices=Category.choices)
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("终止日期", null=True, blank=True)
    note = models.CharField("依据/备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "人员类别"
        indexes = [models.Index(fields=["category", "valid_to"])]
        constraints = [
            models.UniqueConstraint(fields=["person", "category"], condition=Q(valid_to__isnull=True),
                                    name="one_open_category_per_person"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="category_period_order"),
        ]


class DuplicateReview(models.Model):
    """A reviewer's decision on a probable-duplicate pair; nothing is ever merged automatically."""

    class Decision(models.TextChoices):
        DIFFERENT = "different", "确认为不同人员"
        SAME = "same", "疑为同一人，需更正身份证号"

    person_a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField("结论", max_length=16, choices=Decision.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    reviewed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_uniq")]


class ImportJob(models.Model):
    """One uploaded file: validated into staging rows first, applied (or not) by the user's choice."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        VALIDATING = "validating", "校验中"
        VALIDATED = "validated", "校验完成，待确认"
        APPLYING = "applying", "写入中"
        APPLIED = "applied", "已导入"
        DISCARDED = "discarded", "已放弃，未写入"
        FAILED = "failed", "文件无法读取"
        INTERRUPTED = "interrupted", "校验中断"

    class Mode(models.TextChoices):
        VALID_ROWS = "valid_rows", "导入正确的行，错误行不导入"
        ALL_OR_NOTHING = "all_or_nothing", "有任何错误则全部不导入"

    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name="上传人")
    original_name = models.CharField("文件名", max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/")
    file_format = models.CharField("格式", max_length=8)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    mode = models.CharField("导入方式", max_length=16, choices=Mode.choices, blank=True)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    processed_rows = models.PositiveIntegerField("已校验行数", default=0)
    error_rows = models.PositiveIntegerField("错误行数", default=0)
    applied_rows = models.PositiveIntegerField("已写入人数", default=0)
    applied_households = models.PositiveIntegerField("新建家庭数", default=0)
    message = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Lease of the worker validating the file (core/jobs.py): stale while validating = the worker is gone.
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("校验次数", default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "导入任务"

    @property
    def stalled(self) -> bool:
        """Validating, but its worker stopped beating: the user may retry or discard it."""
        return self.status == self.Status.VALIDATING and lease_expired(self.heartbeat_at)

    @property
    def valid_rows(self) -> int:
        return self.total_rows - self.error_rows

    @property
    def progress_percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class ImportRow(models.Model):
    """Staging copy of one file row, typed where valid; checks across rows run as SQL over these."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()
    id_number = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=200, blank=True)
    name_pinyin = models.CharField(max_length=128, blank=True)
    name_initials = models.CharField(max_length=32, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    birth_date = models.DateField(null=True)
    hukou_area = models.ForeignKey("areas.Area", null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                   related_name="+")
    residence_area = models.ForeignKey("areas.Area", null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                       related_name="+")
    address = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    disability_category = models.CharField(max_length=16, blank=True)
    disability_grade = models.PositiveSmallIntegerField(null=True)
    bank_name = models.CharField(max_length=64, blank=True)
    bank_account = models.CharField(max_length=64, blank=True)
    household_number = models.CharField(max_length=64, blank=True)
    relation = models.CharField(max_length=16, blank=True)
    household_address = models.CharField(max_length=200, blank=True)
    has_error = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "row_number"], name="import_row_uniq")]
        indexes = [models.Index(fields=["job", "id_number"]), models.Index(fields=["job", "household_number"])]


class ImportRowError(models.Model):
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="errors")
    row_number = models.PositiveIntegerField("行号")
    field = models.CharField("字段", max_length=32)
    message = models.CharField("错误说明", max_length=300)

    class Meta:
        ordering = ["row_number", "id"]
        indexes = [models.Index(fields=["job", "row_number"])]
