"""申请 pages: staff entry of an application; the resident's own online application lives in the portal."""


from django.contrib import messages
from django.shortcuts import redirect, render

from minzheng.accounts.roles import Cap
from minzheng.core.idcard import normalize
from minzheng.registry.selectors import households_for, person_chosen, persons_for
from minzheng.web.pages import page
from minzheng.web.widgets import keep_person

from .. import services
from ..forms import IntakeForm
from .base import _save

# --- 申请 -------------------------------------------------------------------------------------------


def _find_applicant(request, form):
    """The applicant (and household) chosen with the person search (or, without JavaScript, by 身份证号) or by
    household number, from the user's scoped registry. A forged or out-of-scope choice is refused like an unknown
    number."""
    d = form.cleaned_data
    number, hh_number = normalize(d.get("id_number") or ""), (d.get("household_number") or "").strip()
    household = applicant = None
    if hh_number:
        household = households_for(request.user).filter(number=hh_number, dissolved_on__isnull=True) \
            .select_related("head").first()
        if household is None:
            form.add_error("household_number", f"未找到家庭编号“{hh_number}”，或其不在您的管辖范围内")
            return None, None
    if form.person:
        applicant = person_chosen(request.user, person_id=form.person)
        if applicant is None:
            form.add_error("id_number", "未找到所选申请人，或其不在您的管辖范围内；请先在人员登记中登记")
            return None, None
    elif number:
        applicant = persons_for(request.user).filter(id_number=number).first()
        if applicant is None:
            form.add_error("id_number", f"未找到身份证号为“{d['id_number']}”的人员，或其不在您的管辖范围内；"
                                        "请先在人员登记中登记")
            return None, None
    elif household is not None:
        applicant = household.head
        if applicant is None:
            form.add_error("household_number", f"家庭{household.number}没有户主，请填写申请人身份证号")
            return None, None
    return applicant, household


@page(Cap.ASSIST_APPLY)
def application_new(request):
    form = IntakeForm(request.POST or None, request.FILES or None, person=request.POST.get("person", ""))
    conflict = None
    if request.method == "POST" and form.is_valid():
        applicant, household = _find_applicant(request, form)
        if applicant is not None:
            d = form.cleaned_data
            app, conflict = _save(form, lambda: services.application_submit(
                actor=request.user, programme=d["programme"], applicant=applicant, household=household,
                variant=d["variant"], requested_amount=d["requested_amount"] or None,
                related_to_staff=d["related_to_staff"], authorisation=d["authorisation"], note=d["note"]))
            if app:
                messages.success(request, f"已提交申请{app.number}")
                return redirect("assistance:detail", pk=app.pk)
    if form.person:  # shown again: keep the applicant chosen (only one the user may choose)
        keep_person(form, "id_number", person_chosen(request.user, person_id=form.person))
    status = 409 if conflict else (400 if form.errors else 200)
    return render(request, "assistance/application_new.html", {"form": form, "conflict": conflict}, status=status)


def apply_online(request):
    """The old resident form (any typed 身份证号) is retired: residents apply in the portal as themselves."""
    return redirect("portal:apply")
