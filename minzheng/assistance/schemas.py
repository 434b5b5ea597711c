"""Request and response shapes of the 大救助 API. Field names in English, descriptions in Chinese for /api/docs.

Money goes in as text ("400.50"; a JSON number is taken as its text) so the services, not the parser, judge it
and answer in Chinese; it comes out as text with two decimals.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import BeforeValidator

from minzheng.core.api import AreaRef, ErrorOut  # noqa: F401  (re-exported for api.py)
from minzheng.core.inputs import PageNumber

from .models import ApplicationStatus


def _as_text(v):
    if v is None or isinstance(v, bool):
        return v
    return str(v) if isinstance(v, (int, float, Decimal)) else v


Money = Annotated[str, BeforeValidator(_as_text)]


# --- lists ---------------------------------------------------------------------------------------

_STATUSES = "、".join(f"{code}（{label}）" for code, label in ApplicationStatus.choices)


class ApplicationFilter(Schema):
    status: str | None = Field(None, description=f"状态：{_STATUSES}")
    programme: str | None = Field(None, description="救助项目代码，如 dibao、tekun、temporary")
    overdue: bool = Field(False, description="只看本环节已超期的申请")
    page: PageNumber = 1
    page_size: int = Field(20, ge=1, le=100, description="每页条数（最多100）")


class ApplicationItem(Schema):
    id: int
    number: str = Field(description="申请编号")
    programme: str = Field(description="救助项目代码")
    programme_label: str = Field(description="救助项目")
    variant: str = Field(description="救助类型代码（临时救助 emergency/expenditure 等）")
    status: str = Field(description="状态代码")
    status_label: str = Field(description="状态")
    applicant_name: str = Field(description="申请人姓名")
    applicant_id_masked: str = Field(description="申请人身份证号（已脱敏）")
    household_number: str | None = Field(None, description="家庭编号")
    area: AreaRef = Field(description="所在村居")
    channel: str = Field(description="申请渠道：staff 工作人员代录，online 网上申请")
    step_due: dt.date | None = Field(None, description="本环节办理时限")
    overdue: bool = Field(description="本环节是否已超期")
    paid_first: bool = Field(description="已先救助后说明")
    file_completed: bool = Field(description="先行救助后已补齐手续")
    related_to_staff: bool = Field(description="近亲属备案（须全面审核）")
    created_at: dt.datetime


class ApplicationPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ApplicationItem]


class MyApplication(Schema):
    number: str = Field(description="申请编号")
    programme_label: str = Field(description="救助项目")
    status_label: str = Field(description="办理进度")
    created_at: dt.datetime


# --- detail --------------------------------------------------------------------------------------

class StepOut(Schema):
    from_status: str
    to_status: str
    to_label: str = Field(description="新环节")
    actor_name: str = Field(description="经办人")
    at: dt.datetime
    due: dt.date | None = Field(None, description="该环节办理时限")
    note: str


class AttachmentOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    investigation_id: int | None = None


class VerificationOut(Schema):
    id: int
    outcome: str
    outcome_label: str
    per_capita_income: str | None = None
    assets: str | None = None
    summary: str
    report_ref: str
    requested_at: dt.datetime
    recorded_at: dt.datetime | None = None


class InvestigationOut(Schema):
    id: int
    kind: str
    kind_label: str
    visit_date: dt.date
    visitors: str
    findings: str
    conclusion: str
    conclusion_label: str
    photos: list[int] = Field(description="照片材料ID")


class ReviewOut(Schema):
    id: int
    started_at: dt.datetime
    town_opinion: str
    sampled: bool = Field(description="抽中县级入户抽查")
    full_review_required: bool = Field(description="须全面审核（近亲属备案）")
    decided_at: dt.datetime | None = None
    opinion: str


class ObjectionOut(Schema):
    id: int
    objector_name: str
    reason: str
    filed_at: dt.datetime
    status: str = Field(description="pending 待核实、upheld 已采纳（退回入户调查复查）、dismissed 不予采纳")
    status_label: str
    decision_note: str = Field("", description="处理意见")


class PublicityOut(Schema):
    id: int
    start_date: dt.date
    end_date: dt.date
    status: str
    status_label: str
    masked_name: str
    masked_id: str
    household_size: int
    objections: list[ObjectionOut]


class PayFirstOut(Schema):
    amount: str
    reason: str
    paid_on: dt.date
    complete_by: dt.date = Field(description="补齐手续期限")
    file_completed_at: dt.datetime | None = None


class AmountOut(Schema):
    person_id: int
    person_name: str = ""
    component: str
    monthly_amount: str = Field(description="月金额（元）")
    rule_version: str = Field(description="规则版本")
    explanation: str = Field(description="计算说明")


class CaseOut(Schema):
    id: int
    start_month: dt.date
    end_month: dt.date | None = None
    status: str
    next_recheck: dt.date | None = None
    monthly_total: str
    amounts: list[AmountOut]


class ApplicationDetail(ApplicationItem):
    requested_amount: str | None = None
    decision_reason: str = Field(description="审批意见或不予批准理由")
    allowed_actions: list[str] = Field(description="当前用户在当前环节可办理的操作")
    steps: list[StepOut]
    attachments: list[AttachmentOut]
    verifications: list[VerificationOut]
    investigations: list[InvestigationOut]
    reviews: list[ReviewOut]
    publicities: list[PublicityOut]
    pay_first: PayFirstOut | None = None
    cases: list[CaseOut]


# --- inputs --------------------------------------------------------------------------------------

class SubmitIn(Schema):
    programme: str = Field(description="救助项目代码")
    variant: str = Field("", description="救助类型代码（临时救助 emergency 急难型 / expenditure 支出型）")
    id_number: str = Field("", description="申请人身份证号（与 household_number 二选一）")
    household_number: str = Field("", description="家庭编号（工作人员代录；只填家庭编号时以户主为申请人）")
    requested_amount: Money | None = Field(None, description="申请金额（元）")
    related_to_staff: bool = Field(False, description="申请人与经办人员有近亲属关系")
    note: str = Field("", max_length=500, description="备注/申请理由")


class NoteIn(Schema):
    note: str = Field("", max_length=500, description="说明")


class VerificationResultIn(Schema):
    outcome: str = Field(description="核对结论：pass 符合、fail 不符合、review 存在疑点需入户核实")
    summary: str = Field(description="核对结果摘要")
    per_capita_income: Money | None = Field(None, description="家庭月人均收入（元）")
    assets: Money | None = Field(None, description="家庭财产（元）")
    report_ref: str = Field("", description="核对报告编号")


class InvestigationIn(Schema):
    visit_date: dt.date = Field(description="入户日期")
    visitors: str = Field(description="调查人员（至少两人，用顿号分隔）")
    findings: str = Field(description="调查情况（至少10个字）")
    conclusion: str = Field(description="调查结论：eligible 属实建议纳入、ineligible 不符合、unclear 待核实")


class OpinionIn(Schema):
    opinion: str = Field(description="意见")


class ReviewIn(Schema):
    opinion: str = Field(description="审核意见")
    full_review: bool = Field(False, description="已全面审核（近亲属备案家庭必须）")


class ObjectionIn(Schema):
    reason: str = Field(description="异议内容（至少5个字）")
    objector_name: str = Field("", max_length=64, description="异议人（可匿名）")
    contact: str = Field("", max_length=64, description="联系方式（可留空）")


class RefuseIn(Schema):
    reason: str = Field(description="不予批准理由（至少5个字），印在通知书上")


class PayFirstIn(Schema):
    amount: Money = Field(description="先行救助金额（元）")
    reason: str = Field(description="急难情形")


class FactsIn(Schema):
    urban_rural: str = Field(description="城乡：urban 城镇 / rural 农村")
    incomes: dict[int, Money] = Field(default_factory=dict, description="各成员月收入（元），键为人员ID；未列出的为0")
    self_care: dict[int, str] = Field(default_factory=dict,
                                      description="自理能力，键为人员ID：full_self_care / partial / full_dependent")
    assets: Money | None = Field(None, description="家庭金融资产（元）")
    rigid_expenses: Money | None = Field(None, description="家庭月刚性支出（元）")
    no_working_capacity: list[int] = Field(default_factory=list, description="特困：经调查无劳动能力的人员ID")
    no_capable_supporter: list[int] = Field(default_factory=list,
                                            description="特困：无法定义务人或义务人无履行能力的人员ID")
    household_status: str = Field("", description="两项补贴：家庭类别 dibao / low_income（留空按人员类别）")


class ApproveIn(FactsIn):
    opinion: str = Field("", max_length=1000, description="审批意见")


class DecisionOut(Schema):
    eligible: bool = Field(description="是否符合条件")
    reasons: list[str] = Field(description="测算说明")
    from_month: dt.date = Field(description="起始发放月份")
    monthly_total: str = Field(description="月合计（元）")
    amounts: list[AmountOut]


class PublicNotice(Schema):
    id: int
    area_name: str = Field(description="村（居）")
    area_code: str
    programme_label: str = Field(description="救助项目")
    masked_name: str = Field(description="姓名（已脱敏）")
    masked_id: str = Field(description="身份证号（已脱敏）")
    household_size: int = Field(description="家庭人口")
    start_date: dt.date
    end_date: dt.date


class ObjectionReceipt(Schema):
    received: bool = True
    message: str


class PublicObjectionIn(ObjectionIn):
    challenge_id: str = Field(max_length=64, description="验证题编号（先获取验证题）")
    challenge_answer: str = Field(max_length=8, description="验证题答案（阿拉伯数字）")


class ObjectionDecideIn(Schema):
    uphold: bool = Field(description="true 采纳：公示撤下，申请退回入户调查复查；false 不予采纳：公示继续")
    note: str = Field(max_length=200, description="处理意见（核实情况）")


# --- 复核 and enrolled cases ---------------------------------------------------------------------

class RecheckFilter(Schema):
    status: str = Field("open", description="open 待复核、done 已复核、all 全部")
    page: PageNumber = 1
    page_size: int = Field(20, ge=1, le=100, description="每页条数（最多100）")


class RecheckItem(Schema):
    id: int
    case_id: int
    programme: str = Field(description="救助项目代码")
    programme_label: str = Field(description="救助项目")
    head_name: str = Field(description="户主/对象姓名")
    head_id_masked: str = Field(description="身份证号（已脱敏）")
    area: AreaRef = Field(description="所在村居")
    due_date: dt.date = Field(description="应复核日期")
    status: str = Field(description="open 待复核 / done 已复核")
    outcome: str = Field(description="复核结果：increase 增发、decrease 减发、stop 停发、unchanged 不变")
    completed_at: dt.datetime | None = None


class RecheckPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[RecheckItem]


class RecheckIn(FactsIn):
    note: str = Field("", max_length=1000, description="复核说明")


class RecheckPreviewOut(DecisionOut):
    change: str = Field(description="作出决定后的变更：increase 增发、decrease 减发、stop 停发、unchanged 不变")
    change_label: str
    old_total: str = Field(description="调整月份按现有金额的月合计（元）")
    new_total: str = Field(description="调整后的月合计（元）")


class CaseChangeOut(Schema):
    id: int
    kind: str = Field(description="increase 增发、decrease 减发、stop 停发、unchanged 不变")
    kind_label: str
    from_month: dt.date = Field(description="起始月份")
    old_total: str
    new_total: str
    reason: str
    recheck_id: int | None = None
    created_at: dt.datetime


class CaseMonthOut(Schema):
    month: dt.date
    total: str = Field(description="该月合计（元）")
    change_id: int | None = Field(None, description="自该月起生效的变更")


class EntitlementOut(AmountOut):
    from_month: dt.date
    to_month: dt.date | None = Field(None, description="终止月份（不含）")


class CaseDetail(Schema):
    id: int
    programme: str
    programme_label: str
    status: str
    status_label: str
    head_name: str
    head_id_masked: str
    household_number: str | None = None
    area: AreaRef
    application_id: int | None = None
    start_month: dt.date
    end_month: dt.date | None = Field(None, description="最后发放月")
    next_recheck: dt.date | None = None
    current_total: str = Field(description="本月合计（元）")
    months: list[CaseMonthOut] = Field(description="逐月金额（最近在前，最多60个月）")
    changes: list[CaseChangeOut]
    entitlements: list[EntitlementOut] = Field(description="各版本金额")
    open_recheck_id: int | None = None


class CaseExitIn(Schema):
    from_month: str = Field(description="自该月起停发，YYYY-MM")
    reason: str = Field(description="退出原因")
