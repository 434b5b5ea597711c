"""The public 公示 notices (no login)."""


from django.shortcuts import render

from minzheng.areas.models import Area
from minzheng.core.errors import NotFound, TooManyRequests

from .. import selectors
from ..forms import PublicObjectionForm
from ..public import public_challenge, public_objection_file
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
    form = PublicObjectionForm(request.POST or None)
    status, conflict, challenge = 200, None, None
    try:
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            obj, conflict = _save(form, lambda: public_objection_file(
                request, pub, reason=d["reason"], objector_name=d["objector_name"], contact=d["contact"],
                challenge_id=d["challenge_id"], challenge_answer=d["challenge_answer"]))
            if obj:
                return render(request, "assistance/public_objection_done.html", {"area": pub.area})
        if request.method == "POST":
            status = 409 if conflict else 400
        challenge = public_challenge(request, pub.pk)  # a fresh one each time the form is shown
        if form.is_bound:  # keep what was typed, but a new challenge and an empty answer
            form.data = form.data.copy()
            form.data["challenge_id"], form.data["challenge_answer"] = challenge["challenge_id"], ""
        else:
            form.initial["challenge_id"] = challenge["challenge_id"]
    except NotFound as e:
        return render(request, "404.html", {"message": e.message}, status=404)
    except TooManyRequests as e:
        conflict, status = e, 429
    notice = {f: getattr(pub, f) for f in ("pk", "programme_label", "masked_name", "masked_id", "household_size",
                                           "start_date", "end_date")}
    return render(request, "assistance/public_notice.html",
                  {"n": notice, "area_name": pub.area.full_name(), "form": form, "conflict": conflict,
                   "challenge": challenge}, status=status)
