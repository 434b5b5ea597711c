"""Django forms for the registry pages. They only shape input; every rule lives in services.py."""

import datetime as dt

from django import forms

from minzheng.areas.models import LEVEL_RANK
from minzheng.areas.selectors import areas_for
from minzheng.core.errors import DomainError
from minzheng.web.widgets import PersonPickerInput

from .models import Category, DisabilityCategory, DuplicateReview, Person, Relation, Sex

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AreaChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, empty_label="请选择", **kwargs)

    def label_from_instance(self, obj):
        return "\u3000" * max(LEVEL_RANK.get(obj.level, 0) - 1, 0) + obj.name


class DomainErrorForm(forms.Form):
    def attach(self, error: DomainError) -> None:
        """Show a service's error next to the field it names (by its Chinese label), else above the form."""
        name = next((n for n, f in self.fields.items() if error.field and f.label == error.field), None)
        self.add_error(name, error.message)


def _areas(user):
    return areas_for(user)


class PersonEditForm(DomainErrorForm):
    name = forms.CharField(label="姓名", max_length=64)
    hukou_area = AreaChoiceField(label="户籍地", queryset=None)
    residence_area = AreaChoiceField(label="居住地", queryset=None)
    address = forms.CharField(label="居住地址", max_length=200, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    disability_category = forms.ChoiceField(label="残疾类别", required=False,
                                            choices=[("", "无")] + list(DisabilityCategory.choices))
    disability_grade = forms.TypedChoiceField(label="残疾等级", required=False, coerce=int, empty_value=None,
                                              choices=[("", "无")] + [(i, f"{i}级") for i in range(1, 5)])
    bank_name = forms.CharField(label="开户银行", max_length=64, required=False)
    bank_account = forms.CharField(label="银行账号", max_length=32, required=False)
    death_date = forms.DateField(label="死亡日期", required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hukou_area"].queryset = _areas(user)
        self.fields["residence_area"].queryset = _areas(user)


class PersonCreateForm(PersonEditForm):
    id_number = forms.CharField(label="身份证号", max_length=18, min_length=1)
    sex = forms.ChoiceField(label="性别", required=False, choices=[("", "按身份证号")] + list(Sex.choices),
                            help_text="可留空，将按身份证号自动识别")
    birth_date = forms.DateField(label="出生日期", required=False, widget=DATE,
                                 help_text="可留空，将按身份证号自动识别；填写时须与身份证号一致")
    field_order = ["id_number", "name", "sex", "birth_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["death_date"]


class CategoryAddForm(DomainErrorForm):
    category = forms.ChoiceField(label="类别", choices=Category.choices)
    valid_from = forms.DateField(label="起始日期", widget=DATE, initial=dt.date.today)
    note = forms.CharField(label="依据/备注", max_length=200, required=False)


class CategoryEndForm(DomainErrorForm):
    valid_to = forms.DateField(label="终止日期", widget=DATE, initial=dt.date.today)
    reason = forms.CharField(label="终止原因", max_length=100, required=False)


class HouseholdCreateForm(DomainErrorForm):
    address = forms.CharField(label="家庭住址", max_length=200, required=False)


_MEMBER_RELATIONS = [c for c in Relation.choices if c[0] != Relation.HEAD]


class MemberChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, empty_label="请选择", **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.masked_id}）"


class MembersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.masked_id}）"


class _HouseholdOpForm(DomainErrorForm):
    """Member pickers offer the household's current members other than the head."""

    def __init__(self, *args, household=None, **kwargs):
        super().__init__(*args, **kwargs)
        others = Person.objects.filter(memberships__household=household, memberships__end_date__isnull=True)
        if household is not None and household.head_id:
            others = others.exclude(pk=household.head_id)
        for f in self.fields.values():
            if isinstance(f, forms.ModelChoiceField):
                f.queryset = others.order_by("name")


class AddMemberForm(DomainErrorForm):
    """The new member is chosen with the person search (posted as `person`); without JavaScript, by 身份证号."""

    id_number = forms.CharField(label="成员", max_length=40, required=False, widget=PersonPickerInput(),
                                help_text="输入姓名或身份证号查找并选择")
    relation = forms.ChoiceField(label="与户主关系", choices=_MEMBER_RELATIONS)
    start_date = forms.DateField(label="加入日期", widget=DATE, initial=dt.date.today)

    def __init__(self, *args, person: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.person = (person or "").strip()

    def clean(self):
        data = super().clean()
        if not self.person and not (data.get("id_number") or "").strip():
            self.add_error("id_number", "请选择成员（输入姓名或身份证号查找）")
        return data


class RemoveMemberForm(_HouseholdOpForm):
    person = MemberChoiceField(label="成员", queryset=None)
    reason = forms.CharField(label="退出原因", max_length=64, initial="迁出")
    end_date = forms.DateField(label="退出日期", widget=DATE, initial=dt.date.today)


class ChangeHeadForm(_HouseholdOpForm):
    new_head = MemberChoiceField(label="新户主", queryset=None)
    old_head_relation = forms.ChoiceField(label="原户主关系", choices=_MEMBER_RELATIONS, initial=Relation.SPOUSE)


class SplitForm(_HouseholdOpForm):
    members = MembersChoiceField(label="成员", queryset=None, widget=forms.CheckboxSelectMultiple)
    new_head = MemberChoiceField(label="新户主", queryset=None)
    address = forms.CharField(label="新家庭住址", max_length=200, required=False)


class MergeForm(DomainErrorForm):
    target = forms.CharField(label="目标家庭", max_length=32,
                             help_text="并入的家庭编号；本家庭全部成员迁入后本家庭注销")


class DuplicateReviewForm(forms.Form):
    a = forms.IntegerField()
    b = forms.IntegerField()
    decision = forms.ChoiceField(choices=DuplicateReview.Decision.choices)
    note = forms.CharField(max_length=200, required=False)

