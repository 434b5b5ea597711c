"""Request and response shapes of the registry API. Field names in English, descriptions in Chinese for /api/docs."""

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from minzheng.core.api import AreaRef, ErrorOut  # noqa: F401  (ErrorOut re-exported for the routers)
from minzheng.core.idcard import SEX_LABELS
from minzheng.core.inputs import PageNumber

from .models import Category, DuplicateReview, Relation
from .services import mask_account, mask_phone

# --- persons -------------------------------------------------------------------------------

class PersonFilter(Schema):
    q: str = Field("", description="姓名（前缀）、身份证号（前几位）或姓名拼音首字母，如 zs 查张三")
    area: str | None = Field(None, description="只看此区划代码及其下级区划")
    category: str | None = Field(None, description=f"只看有效的人员类别：{'、'.join(Category.values)}")
    page: PageNumber = 1
    page_size: int = Field(20, ge=1, le=100, description="每页条数（最多100）")


class PersonListItem(Schema):
    id: int = Field(description="人员ID")
    name: str = Field(description="姓名")
    sex: str = Field(description="性别：M 男，F 女")
    sex_label: str = Field(description="性别（中文）")
    birth_date: dt.date = Field(description="出生日期")
    id_number_masked: str = Field(description="身份证号（已脱敏）")
    phone_masked: str = Field(description="联系电话（已脱敏）")
    residence_area: AreaRef = Field(description="居住地")
    death_date: dt.date | None = Field(None, description="死亡日期（在世为空）")

    @staticmethod
    def of(p):
        return PersonListItem(id=p.pk, name=p.name, sex=p.sex, sex_label=SEX_LABELS.get(p.sex, ""),
                              birth_date=p.birth_date, id_number_masked=p.masked_id, phone_masked=mask_phone(p.phone),
                              residence_area=AreaRef.of(p.residence_area), death_date=p.death_date)


class PersonPage(Schema):
    count: int = Field(description="符合条件的总条数")
    page: int = Field(description="当前页码")
    page_size: int = Field(description="每页条数")
    items: list[PersonListItem] = Field(description="本页人员")


class CategoryOut(Schema):
    id: int = Field(description="类别记录ID")
    category: str = Field(description="类别代码")
    category_label: str = Field(description="类别名称")
    valid_from: dt.date = Field(description="起始日期")
    valid_to: dt.date | None = Field(None, description="终止日期（有效中为空）")
    note: str = Field(description="依据/备注")

    @staticmethod
    def of(pc):
        return CategoryOut(id=pc.pk, category=pc.category, category_label=pc.get_category_display(),
                           valid_from=pc.valid_from, valid_to=pc.valid_to, note=pc.note)


class HouseholdRef(Schema):
    id: int = Field(description="家庭ID")
    number: str = Field(description="家庭编号")


class PersonDetail(PersonListItem):
    hukou_area: AreaRef = Field(description="户籍地")
    address: str = Field(description="居住地址")
    disability_category: str = Field(description="残疾类别代码（无残疾为空）")
    disability_grade: int | None = Field(None, description="残疾等级（1-4级）")
    bank_name: str = Field(description="开户银行")
    bank_account_masked: str = Field(description="银行账号（已脱敏）")
    categories: list[CategoryOut] = Field(description="人员类别（含历史）")
    household: HouseholdRef | None = Field(None, description="当前所在家庭")

    @staticmethod
    def of(p, *, categories, household):
        base = PersonListItem.of(p).model_dump()
        return PersonDetail(
            **base, hukou_area=AreaRef.of(p.hukou_area), address=p.address,
            disability_category=p.disability_category, disability_grade=p.disability_grade, bank_name=p.bank_name,
            bank_account_masked=mask_account(p.bank_account), categories=[CategoryOut.of(c) for c in categories],
            household=HouseholdRef(id=household.pk, number=household.number) if household else None)


class FullViewIn(Schema):
    purpose: str = Field("", max_length=100, description="查看原因（记入审计日志）")


class PersonFullOut(Schema):
    id: int = Field(description="人员ID")
    name: str = Field(description="姓名")
    id_number: str = Field(description="完整身份证号")
    phone: str = Field(description="完整联系电话")
    bank_name: str = Field(description="开户银行")
    bank_account: str = Field(description="完整银行账号")


class PersonCreateIn(Schema):
    id_number: str = Field(description="18位身份证号（GB 11643 校验）")
    name: str = Field(description="姓名")
    hukou_area_code: str = Field(description="户籍地区划代码")
    residence_area_code: str = Field(description="居住地（村居）区划代码，须在您的管辖范围内")
    sex: str | None = Field(None, description="性别 M/F；填写时须与身份证号一致")
    birth_date: dt.date | None = Field(None, description="出生日期；填写时须与身份证号一致")
    address: str = Field("", description="居住地址")
    phone: str = Field("", description="联系电话")
    disability_category: str = Field("", description="残疾类别代码")
    disability_grade: int | None = Field(None, description="残疾等级（1-4级）")
    bank_name: str = Field("", description="开户银行")
    bank_account: str = Field("", description="银行账号")


class PersonUpdateIn(Schema):
    """Only the fields sent are changed; 身份证号 cannot be changed here (更正流程)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, description="姓名")
    hukou_area_code: str | None = Field(None, description="户籍地区划代码")
    residence_area_code: str | None = Field(None, description="居住地区划代码")
    address: str | None = Field(None, description="居住地址")
    phone: str | None = Field(None, description="联系电话")
    disability_category: str | None = Field(None, description="残疾类别代码")
    disability_grade: int | None = Field(None, description="残疾等级（1-4级）")
    bank_name: str | None = Field(None, description="开户银行")
    bank_account: str | None = Field(None, description="银行账号")
    death_date: dt.date | None = Field(None, description="死亡日期")


class CategoryIn(Schema):
    category: str = Field(description=f"类别代码：{'、'.join(f'{c.value}（{c.label}）' for c in Category)}")
    valid_from: dt.date = Field(description="起始日期")
    note: str = Field("", max_length=200, description="依据/备注")


class CategoryEndIn(Schema):
    valid_to: dt.date = Field(description="终止日期")
    reason: str = Field("", max_length=200, description="终止原因")


# --- households ----------------------------------------------------------------------------

RELATION_HELP = "、".join(f"{r.value}（{r.label}）" for r in Relation)


class HouseholdFilter(Schema):
    q: str = Field("", description="家庭编号（前缀）、户主姓名（前缀）、户主身份证号（前几位）或户主拼音首字母")
    include_dissolved: bool = Field(False, description="是否包含已注销（并户等）的家庭")
    page: PageNumber = 1
    page_size: int = Field(20, ge=1, le=100, description="每页条数（最多100）")


class HouseholdListItem(Schema):
    id: int = Field(description="家庭ID")
    number: str = Field(description="家庭编号")
    area: AreaRef = Field(description="所在村居")
    address: str = Field(description="家庭住址")
    head_id: int | None = Field(None, description="户主人员ID")
    head_name: str = Field(description="户主姓名")
    head_id_number_masked: str = Field(description="户主身份证号（已脱敏）")
    member_count: int | None = Field(None, description="现有成员人数")
    dissolved_on: dt.date | None = Field(None, description="注销日期（有效家庭为空）")

    @staticmethod
    def of(h, **extra):
        head = h.head
        return HouseholdListItem(
            id=h.pk, number=h.number, area=AreaRef.of(h.area), address=h.address, head_id=h.head_id,
            head_name=head.name if head else "", head_id_number_masked=head.masked_id if head else "",
            member_count=getattr(h, "member_count", None), dissolved_on=h.dissolved_on, **extra)


class HouseholdPage(Schema):
    count: int = Field(description="符合条件的总条数")
    page: int = Field(description="当前页码")
    page_size: int = Field(description="每页条数")
    items: list[HouseholdListItem] = Field(description="本页家庭")


class MemberOut(Schema):
    person_id: int = Field(description="人员ID")
    name: str = Field(description="姓名")
    sex: str = Field(description="性别：M 男，F 女")
    birth_date: dt.date = Field(description="出生日期")
    id_number_masked: str = Field(description="身份证号（已脱敏）")
    relation: str = Field(description="与户主关系代码")
    relation_label: str = Field(description="与户主关系")
    start_date: dt.date = Field(description="加入日期")

    @staticmethod
    def of(m):
        p = m.person
        return MemberOut(person_id=p.pk, name=p.name, sex=p.sex, birth_date=p.birth_date,
                         id_number_masked=p.masked_id, relation=m.relation, relation_label=m.get_relation_display(),
                         start_date=m.start_date)


class HouseholdDetail(HouseholdListItem):
    members: list[MemberOut] = Field(description="现有成员")


class HouseholdCreateIn(Schema):
    area_code: str = Field(description="所在村居区划代码")
    head_id: int = Field(description="户主人员ID（须未在其他家庭中）")
    address: str = Field("", description="家庭住址")
    start_date: dt.date | None = Field(None, description="建户日期，默认今天")


class MemberAddIn(Schema):
    person_id: int = Field(description="加入的人员ID（须未在其他家庭中）")
    relation: str = Field(description=f"与户主关系：{RELATION_HELP}")
    start_date: dt.date | None = Field(None, description="加入日期，默认今天")


class MemberRemoveIn(Schema):
    end_date: dt.date | None = Field(None, description="退出日期，默认今天")
    reason: str = Field("迁出", max_length=64, description="退出原因")


class ChangeHeadIn(Schema):
    new_head_id: int = Field(description="新户主人员ID（须为本家庭现有成员）")
    old_head_relation: str = Field(Relation.OTHER, description="原户主与新户主的关系")
    relation_changes: dict[int, str] = Field({}, description="其他成员与新户主的关系：{人员ID: 关系代码}")


class SplitIn(Schema):
    member_ids: list[int] = Field(description="分出的成员人员ID（不含原户主）")
    new_head_id: int = Field(description="新家庭户主人员ID（须为分出成员之一）")
    area_code: str | None = Field(None, description="新家庭所在村居区划代码，默认与原家庭相同")
    address: str = Field("", description="新家庭住址，默认与原家庭相同")
    relations: dict[int, str] = Field({}, description="分出成员与新户主的关系：{人员ID: 关系代码}")
    on: dt.date | None = Field(None, description="分户日期，默认今天")


class MergeIn(Schema):
    target_id: int = Field(description="并入的目标家庭ID；本家庭全部成员并入后本家庭注销")
    relations: dict[int, str] = Field({}, description="并入成员与目标家庭户主的关系：{人员ID: 关系代码}")
    on: dt.date | None = Field(None, description="并户日期，默认今天")


# --- duplicates ----------------------------------------------------------------------------

class DuplicatePairOut(Schema):
    a: PersonListItem = Field(description="人员甲")
    b: PersonListItem = Field(description="人员乙")
    reason: str = Field(description="判为疑似重复的理由")


class DuplicateReviewIn(Schema):
    person_a_id: int = Field(description="人员甲ID")
    person_b_id: int = Field(description="人员乙ID")
    decision: str = Field(description="结论：" + "、".join(f"{d.value}（{d.label}）" for d in DuplicateReview.Decision))
    note: str = Field("", max_length=200, description="说明")


class DuplicateReviewOut(Schema):
    id: int = Field(description="审核记录ID")
    person_a_id: int = Field(description="人员甲ID")
    person_b_id: int = Field(description="人员乙ID")
    decision: str = Field(description="结论代码")
    decision_label: str = Field(description="结论")
    note: str = Field(description="说明")
    reviewed_at: dt.datetime = Field(description="审核时间")
