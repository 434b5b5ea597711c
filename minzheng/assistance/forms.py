"""Forms for the 大救助 pages. They only shape input (labels in Chinese, matching the field names the services
put in their errors, so a DomainError lands next to its field); every rule lives in services.py."""

import datetime as dt

from django import forms

from minzheng.registry.forms import DATE, DomainErrorForm
from minzheng.web.widgets import PersonPickerInput

from .models import Attachment, Investigation, VerificationRecord
from .programmes.base import REGISTRY, get_programme
from .programmes.common import SELF_CARE

VARIANTS = {
    "temporary": {"emergency": "急难型", "expenditure": "支出型"},
    "orphan": {"dispersed": "分散供养", "institutional": "集中供养"},
}
VARIANT_CHOICES = [("", "（无）")] + [(code, f"{get_programme(p).label}·{label}")
                                     for p, kinds in VARIANTS.items() for code, label in kinds.items()]
UPLOAD = forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"})


def programme_choices():
    get_programme("dibao")  # importing the package registers every programme
    return [(code, p.label) for code, p in REGISTRY.items()]


def variant_label(programme: str, variant: str) -> str:
    return VARIANTS.get(programme, {}).get(variant, variant)


class _ProgrammeForm(DomainErrorForm):
    programme = forms.ChoiceField(label="救助项目", choices=())
    variant = forms.ChoiceField(label="救助类型", choices=VARIANT_CHOICES, required=False,
                                help_text="临时救助须选急难型或支出型；孤儿可选供养方式；其他项目不选")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = programme_choices()

    def clean(self):
        data = super().clean()
        programme, variant = data.get("programme"), data.get("variant") or ""
        if programme and variant and variant not in VARIANTS.get(programme, {}):
            self.add_error("variant", f"“{get_programme(programme).label}”没有“{dict(VARIANT_CHOICES)[variant]}”"
                                      "这一类型")
        if programme == "temporary" and not variant:
            self.add_error("variant", "临时救助须选择急难型或支出型")
        return data


class IntakeForm(_ProgrammeForm):
    """Staff entry (村居/镇街): choose the applicant from the scoped registry with the person search (the choice is
    posted as `person`, outside the form's fields); without JavaScript, by 身份证号, or the household by number."""

    id_number = forms.CharField(label="申请人", max_length=40, required=False, widget=PersonPickerInput(),
                                help_text="输入姓名、拼音首字母或身份证号，从列表中选择")
    household_number = forms.CharField(label="家庭编号", max_length=32, required=False,
                                       help_text="选填：申请人不是户主或同时属于多个家庭时填写；只填家庭编号时以户主为申请人")
    requested_amount = forms.CharField(label="申请金额", max_length=20, required=False,
                                       help_text="临时救助可填写申请金额（元），其他项目留空")
    related_to_staff = forms.BooleanField(label="申请人与经办人员有近亲属关系", required=False)
    authorisation = forms.FileField(label="授权书", required=False, widget=UPLOAD,
                                    help_text="申请家庭签字的家庭经济状况核对授权书（PDF/JPG/PNG，10MB以内），可稍后补充")
    note = forms.CharField(label="备注", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["id_number", "household_number", "programme", "variant"]

    def __init__(self, *args, person: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.person = (person or "").strip()

    def clean(self):
        data = super().clean()
        if not self.person and not (data.get("id_number") or "").strip() \
                and not (data.get("household_number") or "").strip():
            self.add_error("id_number", "请选择申请人（输入姓名或身份证号查找），或填写家庭编号")
        return data


class NoteForm(DomainErrorForm):
    note = forms.CharField(label="说明", max_length=500, required=False)


class AttachForm(DomainErrorForm):
    kind = forms.ChoiceField(label="材料类别", choices=[c for c in Attachment.Kind.choices
                                                     if c[0] != Attachment.Kind.PHOTO])
    upload = forms.FileField(label="材料文件", widget=UPLOAD)


class VerificationResultForm(DomainErrorForm):
    outcome = forms.ChoiceField(label="核对结论", choices=[c for c in VerificationRecord.Outcome.choices
                                                        if c[0] != VerificationRecord.Outcome.PENDING])
    summary = forms.CharField(label="核对结果摘要", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    per_capita_income = forms.CharField(label="家庭月人均收入", max_length=20, required=False)
    assets = forms.CharField(label="家庭财产", max_length=20, required=False)
    report_ref = forms.CharField(label="核对报告编号", max_length=64, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class InvestigationForm(DomainErrorForm):
    visit_date = forms.DateField(label="入户日期", widget=DATE, initial=dt.date.today)
    visitors = forms.CharField(label="调查人员", max_length=200, help_text="至少两人，用顿号分隔，如：李建华、陈小玲")
    findings = forms.CharField(label="调查情况", widget=forms.Textarea(attrs={"rows": 4}))
    conclusion = forms.ChoiceField(label="调查结论", choices=Investigation.Conclusion.choices)
    photos = MultipleFileField(label="照片", required=False, help_text="JPG/PNG，可多选，每张10MB以内")


class OpinionForm(DomainErrorForm):
    opinion = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, label="意见", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opinion"].label = label


class ReviewForm(OpinionForm):
    full_review = forms.BooleanField(label="全面审核", required=False,
                                     help_text="近亲属备案家庭须逐项审查全部材料后勾选“已全面审核”")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label="审核意见", **kwargs)


class ObjectionForm(DomainErrorForm):
    reason = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="请写明具体情况（至少5个字），如家庭收入、财产、居住情况与公示不符之处")
    objector_name = forms.CharField(label="异议人", max_length=64, required=False, help_text="可匿名")
    contact = forms.CharField(label="联系方式", max_length=64, required=False,
                              help_text="可留空；留下联系方式便于核实后回复")


class PublicObjectionForm(ObjectionForm):
    """The public page's form: the objection plus the answer to the page's challenge."""

    challenge_id = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    challenge_answer = forms.CharField(label="验证答案", max_length=8, help_text="请计算上面的验证题，填写阿拉伯数字")


class RefuseForm(DomainErrorForm):
    reason = forms.CharField(label="不予批准理由", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="写明事实和依据（至少5个字），将印在不予批准通知书上")


class PayFirstForm(DomainErrorForm):
    amount = forms.CharField(label="先行救助金额", max_length=20)
    reason = forms.CharField(label="急难情形", widget=forms.Textarea(attrs={"rows": 2}))


class ApprovalForm(DomainErrorForm):
    """The figures the programme assesses: per member monthly income and self-care level, household assets and
    rigid expenses, plus the 入户调查 findings some programmes need (特困: 无劳动能力 / 无法定义务人)."""

    urban_rural = forms.ChoiceField(label="城乡", choices=[("urban", "城镇"), ("rural", "农村")])
    assets = forms.CharField(label="家庭金融资产", max_length=20, required=False)
    rigid_expenses = forms.CharField(label="刚性支出", max_length=20, required=False,
                                     help_text="家庭月刚性支出（元），支出型困难家庭填写")
    household_status = forms.ChoiceField(label="家庭类别", required=False,
                                         choices=[("", "按人员类别"), ("dibao", "低保家庭"),
                                                  ("low_income", "低收入家庭")],
                                         help_text="残疾人两项补贴：困难残疾人生活补贴须为低保或低收入家庭")
    opinion = forms.CharField(label="审批意见", max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    MEMBER_INPUTS = {"income": "月收入（元）", "self_care": "自理能力", "no_work": "无劳动能力",
                     "no_supporter": "无法定义务人或义务人无履行能力"}

    def __init__(self, *args, members=(), inputs=None, **kwargs):
        """`inputs`: the programme's approval_inputs — the fields (and hints) of other programmes are left out."""
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.inputs = frozenset(inputs) if inputs is not None else None
        for name in ("assets", "rigid_expenses", "household_status"):
            if not self.asks(name):
                del self.fields[name]
        for p in self.members:
            self.fields[f"income_{p.pk}"] = forms.CharField(label="月收入", max_length=20, required=False)
            if self.asks("self_care"):
                self.fields[f"self_care_{p.pk}"] = forms.ChoiceField(
                    label="自理能力", required=False, choices=[("", "—")] + list(SELF_CARE.items()),
                    help_text="已做老年人能力评估的以评估结果为准，可不填")
            if self.asks("no_work"):
                self.fields[f"no_work_{p.pk}"] = forms.BooleanField(label="无劳动能力", required=False)
            if self.asks("no_supporter"):
                self.fields[f"no_supporter_{p.pk}"] = forms.BooleanField(label="无法定义务人或义务人无履行能力",
                                                                         required=False)

    def asks(self, name: str) -> bool:
        return self.inputs is None or name in self.inputs

    def member_columns(self) -> list[str]:
        return [n for n in self.MEMBER_INPUTS if n == "income" or self.asks(n)]

    def member_heads(self) -> list[str]:
        return [self.MEMBER_INPUTS[n] for n in self.member_columns()]

    def household_fields(self):
        return [self[n] for n in ("urban_rural", "assets", "rigid_expenses", "household_status", "opinion")
                if n in self.fields]

    def member_rows(self):
        return [{"person": p, "cells": [self[f"{n}_{p.pk}"] for n in self.member_columns()]} for p in self.members]

    def facts_kwargs(self) -> dict:
        d = self.cleaned_data
        extra = {"no_working_capacity": [p.pk for p in self.members if d.get(f"no_work_{p.pk}")],
                 "no_capable_supporter": [p.pk for p in self.members if d.get(f"no_supporter_{p.pk}")]}
        if d.get("household_status"):
            extra["household_status"] = d["household_status"]
        return {"urban_rural": d["urban_rural"], "assets": d.get("assets") or None,
                "rigid_expenses": d.get("rigid_expenses") or None,
                "incomes": {p.pk: d.get(f"income_{p.pk}") or "0" for p in self.members},
                "self_care": {p.pk: d[f"self_care_{p.pk}"] for p in self.members if d.get(f"self_care_{p.pk}")},
                "extra": extra}

    def attach(self, error) -> None:
        # build_facts names the field 月收入 / 自理能力 for every member; the message names the person
        if error.field in ("月收入", "自理能力", "家庭成员"):
            self.add_error(None, error.message)
            return
        super().attach(error)


class RecheckForm(ApprovalForm):
    """复核: the same per-member figures as 审批, found afresh; the note is kept on the task."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opinion"].label = "复核说明"
        self.fields["opinion"].help_text = "如：入户复核，陈大明已稳定就业"


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (or a date); cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"})
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {"invalid": "月份格式应为YYYY-MM，如2026-07"}

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class CaseExitForm(DomainErrorForm):
    from_month = MonthField(label="起始月份", help_text="自该月起停发（上月为最后发放月）")
    reason = forms.CharField(label="原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="如：家庭成员稳定就业，人均收入超过低保标准；或本人申请退出")


class WhatIfForm(DomainErrorForm):
    area = forms.ChoiceField(label="地区", choices=())
    urban_rural = forms.ChoiceField(label="城乡", choices=[("urban", "城镇"), ("rural", "农村")])
    new_standard = forms.CharField(label="新标准", max_length=20, help_text="拟调整的低保标准（元/人·月）")
    on = forms.DateField(label="测算日期", required=False, widget=DATE, help_text="留空为今天")

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.code, f"{a.name}（{a.code}）") for a in areas]
