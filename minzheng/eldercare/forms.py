"""Forms of the 大养老 pages. They only shape input; every rule lives in services.py and the ruleset data."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import CAPABILITIES, Cap
from minzheng.core.scope import users_covering_q
from minzheng.registry.forms import DATE, DomainErrorForm
from minzheng.web.widgets import PersonPickerInput

from . import rules
from .models import Assessment, EmergencyCall

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def assessor_choices(person):
    """Users who may be named assessor of `person`: the assessor capability (not the approver's or the
    administrator's right to record), and a scope covering the person's area (after a re-division, the successor's
    staff)."""
    roles = [r for r, caps in CAPABILITIES.items() if Cap.ELDER_ASSESSOR in caps]
    return (User.objects.filter(users_covering_q(person.residence_area), is_active=True, role__in=roles).distinct()
            .order_by("display_name", "username"))


class AssessmentForm(DomainErrorForm):
    """The 26 items as radio groups (option text from the data), then the adjustment facts and the assessors."""

    reason = forms.ChoiceField(label="评估原因", choices=Assessment.Reason.choices)
    assessed_on = forms.DateField(label="评估日期", widget=DATE)
    assessor_1 = forms.ModelChoiceField(label="评估员一", queryset=User.objects.none(), empty_label="请选择")
    assessor_2 = forms.ModelChoiceField(label="评估员二", queryset=User.objects.none(), empty_label="请选择")
    coma = forms.BooleanField(label="昏迷", required=False)
    diagnosis = forms.BooleanField(label="确诊痴呆或其他精神和行为障碍", required=False)
    diagnosis_note = forms.CharField(label="诊断说明", required=False, max_length=200,
                                     help_text="病名、诊断医院和时间")
    risk_events = forms.IntegerField(label="照护风险事件", min_value=0, initial=0,
                                     help_text="近30天内跌倒、走失、噎食、自伤等事件的次数")

    def __init__(self, *args, person, ruleset, **kwargs):
        super().__init__(*args, **kwargs)
        self.ruleset = ruleset
        users = assessor_choices(person)
        self.fields["assessor_1"].queryset = users
        self.fields["assessor_2"].queryset = users
        self.fields["assessor_1"].label_from_instance = lambda u: u.display_name or u.username
        self.fields["assessor_2"].label_from_instance = lambda u: u.display_name or u.username
        for item in ruleset.items:
            # Not required at the form level: the service names a missing item with the standard's wording.
            self.fields[f"item_{item.code}"] = forms.TypedChoiceField(
                label=item.label, coerce=int, required=False, widget=forms.RadioSelect,
                choices=[(s, f"{s}分 {t}") for s, t in item.options.items()])

    def item_groups(self):
        return [(p, [(i, self[f"item_{i.code}"]) for i in p.items]) for p in self.ruleset.parts]

    def answers(self) -> dict:
        d = self.cleaned_data
        return {i.code: d.get(f"item_{i.code}") for i in self.ruleset.items
                if d.get(f"item_{i.code}") not in (None, "")}

    def attach(self, error) -> None:
        super().attach(error)
        if any(n.startswith("item_") and f.label == error.field for n, f in self.fields.items()):
            self.add_error(None, error.message)  # also above the form: 26 groups make a field error easy to miss


class CategoryForm(DomainErrorForm):
    category = forms.ChoiceField(label="类别")
    valid_from = forms.DateField(label="起始日期", widget=DATE)
    note = forms.CharField(label="依据/备注", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.code, c.label) for c in rules.categories() if c.source == "registry"]


class VisitForm(DomainErrorForm):
    visited_on = forms.DateField(label="探访日期", widget=DATE)
    mode = forms.ChoiceField(label="探访方式")
    findings = forms.CharField(label="探访情况", widget=forms.Textarea(attrs={"rows": 2}))
    needs_followup = forms.BooleanField(label="需要跟进", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = [(m.code, m.label + ("" if m.counts else "（不计入探访率）"))
                                       for m in rules.visit_modes()]
        self.fields["visited_on"].initial = timezone.localdate()


class CallIntakeForm(DomainErrorForm):
    person = forms.IntegerField(label="", widget=forms.HiddenInput, required=False)  # from the elder's record page
    id_number = forms.CharField(label="老年人", max_length=40, required=False,
                                widget=PersonPickerInput(purpose="elder"),
                                help_text="输入姓名或身份证号查找并选择；从老年人档案进入时已选定老年人，可不填")
    channel = forms.ChoiceField(label="呼叫渠道", choices=EmergencyCall.Channel.choices)
    kind = forms.ChoiceField(label="事件类型")
    description = forms.CharField(label="呼叫内容", widget=forms.Textarea(attrs={"rows": 2}))
    received_at = forms.DateTimeField(label="接警时间", required=False, widget=DATETIME,
                                      help_text="不填为当前时间")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(rules.call_kinds().items())


class CallStepForm(DomainErrorForm):
    text = forms.CharField(label="说明", max_length=2000)
    at = forms.DateTimeField(label="时间", required=False, widget=DATETIME, help_text="不填为当前时间")


def person_by_id_number(qs, value: str):
    v = (value or "").strip().upper()
    return qs.filter(Q(id_number=v)).first() if v else None
