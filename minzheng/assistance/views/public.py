"""The public 公示 notices (no login)."""


from django.shortcuts import render

from minzheng.areas.models import Area
from minzheng.core.errors import NotFound

from .. import selectors, services
from ..forms import (
    ObjectionForm,
)
from .base import _save

# --- public 公示 (no login) --------------------------------------------------------------------------


def public_notices(request):
    code = request.GET.get("area", "").strip()[:12]
    area = Area.objects.current().filter(code=code).first() if code else None
    return render(request, "assistance/public_list.html",
                  {"notices": selectors.public_notices(area=area), "area": area, "code": code})


def public_notice(request, pk):
    try:
        pub = selectors.public_notice_get(pk)
    except NotFound as e:
        return render(request, "404.html", {"message": e.message}, status=404)
    form = ObjectionForm(request.POST or None)
    status, conflict = 200, None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            obj, conflict = _save(form, lambda: services.objection_file(
                actor=None, publicity=pub, reason=d["reason"], objector_name=d["objector_name"], contact=d["contact"]))
        except NotFound as e:
            return render(request, "404.html", {"message": e.message}, status=404)
        if obj:
            return render(request, "assistance/public_objection_done.html", {"area": pub.area})
    if request.method == "POST":
        status = 409 if conflict else 400
    notice = {f: getattr(pub, f) for f in ("pk", "programme_label", "masked_name", "masked_id", "household_size",
                                           "start_date", "end_date")}
    return render(request, "assistance/public_notice.html",
                  {"n": notice, "area_name": pub.area.full_name(), "form": form, "conflict": conflict}, status=status)
