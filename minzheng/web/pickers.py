"""The area picker's data: one level of the 行政区划 tree at a time, as JSON, for web/static/web/pickers.js.

Staff get the areas they may choose (their own and below) plus the areas above their own, so the cascade reads
市 → 县区 → 镇街 → 村居; the public pages (公示) ask with `public=1` and get the current tree. Area names are not
personal data, but a staff user still sees only the branch that leads to their areas."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from minzheng.areas.selectors import picker_chain, picker_children


@require_GET
def area_pick(request):
    public = request.GET.get("public") == "1"
    user = request.user if request.user.is_authenticated else None
    if not public and user is None:
        return JsonResponse({"code": "unauthenticated", "message": "请先登录"}, status=401)
    chain = request.GET.get("chain", "").strip()
    if chain:
        return JsonResponse({"chain": picker_chain(user, chain, public=public)})
    parent = request.GET.get("parent", "").strip() or None
    rows = picker_children(user, parent_code=parent, public=public)
    return JsonResponse({"areas": [{"code": a.code, "name": a.name, "level": a.level, "selectable": ok}
                                   for a, ok in rows]})
