"""公示: objections during the notice period, and closing it."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core import audit
from minzheng.core.errors import Conflict, NotFound
from minzheng.core.scope import ensure_can

from ..models import (
    Application,
    Objection,
    Publicity,
)
from .base import S, _expect, _lock, _move, _text, _today

# --- 公示 ------------------------------------------------------------------------------------------

def objection_file(*, actor: User | None, publicity: Publicity, reason: str, objector_name: str = "", contact: str = "",
                   today: dt.date | None = None) -> Objection:
    """An objection to a household on 公示. Staff record it (actor = a user with the capability) or a member
    of the public files it from the notice (actor=None). Each objection sends the application back to
    入户调查 for a 复查; further objections in the same round are kept with it."""
    today = _today(today)
    application = publicity.application
    if actor is not None:
        ensure_can(actor, application.area, Cap.ASSIST_OBJECTION)
    reason = _text(reason, "异议内容", min_len=5)
    with transaction.atomic():
        app = _lock(application)
        pub = Publicity.objects.select_for_update().get(pk=publicity.pk)
        if pub.status == Publicity.Status.COMPLETED or today > pub.end_date:
            raise Conflict(f"该公示已于{pub.end_date.isoformat()}结束，不再受理异议", code="publicity_closed")
        if today < pub.start_date:
            raise Conflict("该公示尚未开始", code="publicity_not_started")
        if pub.status == Publicity.Status.INTERRUPTED and actor is None:
            # the notice was taken down when the first objection came in; staff may still record others
            raise NotFound("该公示已撤下")
        obj = Objection.objects.create(publicity=pub, application=app, objector_name=objector_name.strip()[:64],
                                       contact=contact.strip()[:64], reason=reason, filed_at=timezone.now(),
                                       recorded_by=actor)
        if pub.status == Publicity.Status.OPEN:
            pub.status, pub.closed_at = Publicity.Status.INTERRUPTED, timezone.now()
            pub.save(update_fields=["status", "closed_at"])
            _move(actor, app, S.INVESTIGATING, action="application.objection", today=today, step="reinvestigating",
                  note=f"公示异议：{reason}", extra={"objection": obj.pk, "publicity": pub.pk})
        else:
            audit.record(actor=actor, action="application.objection", object_type="application", object_id=app.pk,
                         object_repr=app.number, area_code=app.area.code,
                         after={"objection": obj.pk, "publicity": pub.pk, "status": app.status})
    return obj


def application_close_publicity(*, actor: User, application: Application, today: dt.date | None = None
                                ) -> Application:
    """公示期满无异议: on to 审批 (the day after the last day of 公示 at the earliest)."""
    today = _today(today)
    ensure_can(actor, application.area, Cap.ASSIST_REVIEW)
    with transaction.atomic():
        app = _lock(application)
        _expect(app, [S.PUBLICIZING], "结束公示")
        pub = app.publicities.select_for_update().filter(status=Publicity.Status.OPEN).order_by("-id").first()
        assert pub is not None  # review opened it on the way into this status
        if today <= pub.end_date:
            raise Conflict(f"公示期至{pub.end_date.isoformat()}结束，期满后方可提交审批", code="publicity_running")
        pub.status, pub.closed_at = Publicity.Status.COMPLETED, timezone.now()
        pub.save(update_fields=["status", "closed_at"])
        return _move(actor, app, S.APPROVING, action="application.close_publicity", today=today,
                     extra={"publicity": pub.pk})
