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
    """An objection to a household on 公示. Staff record it (actor = a user with the capability): the application
    goes back to 入户调查 for a 复查 at once, and further objections in the same round are kept with it. A member of
    the public files it from the notice (actor=None): it waits, the notice stays up, and a town or county officer
    decides (objection_decide) whether it sends the application back — so anonymous requests can't take a
    household off 公示."""
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
            # the notice was taken down when an objection was upheld; staff may still record others
            raise NotFound("该公示已撤下")
        now = timezone.now()
        obj = Objection.objects.create(
            publicity=pub, application=app, objector_name=objector_name.strip()[:64], contact=contact.strip()[:64],
            reason=reason, filed_at=now, recorded_by=actor,
            status=Objection.Status.PENDING if actor is None else Objection.Status.UPHELD,
            decided_by=actor, decided_at=None if actor is None else now)
        if actor is None:
            audit.record(actor=None, action="application.objection_received", object_type="application",
                         object_id=app.pk, object_repr=app.number, area_code=app.area.code,
                         after={"objection": obj.pk, "publicity": pub.pk, "status": obj.status})
        else:
            _uphold(actor, app, pub, obj, today=today)
    return obj


def _uphold(actor: User, app: Application, pub: Publicity, obj: Objection, *, today: dt.date) -> None:
    """The first upheld objection takes the notice down and sends the application back for a 复查."""
    if pub.status == Publicity.Status.OPEN:
        pub.status, pub.closed_at = Publicity.Status.INTERRUPTED, timezone.now()
        pub.save(update_fields=["status", "closed_at"])
        _move(actor, app, S.INVESTIGATING, action="application.objection", today=today, step="reinvestigating",
              note=f"公示异议：{obj.reason}", extra={"objection": obj.pk, "publicity": pub.pk})
    else:
        audit.record(actor=actor, action="application.objection", object_type="application", object_id=app.pk,
                     object_repr=app.number, area_code=app.area.code,
                     after={"objection": obj.pk, "publicity": pub.pk, "status": app.status})


def objection_decide(*, actor: User, objection: Objection, uphold: bool, note: str,
                     today: dt.date | None = None) -> Objection:
    """A town or county officer decides a public objection after checking it: upheld, it sends the application back
    to 入户调查 (as a staff-recorded one does); dismissed, the notice carries on. The note says why."""
    today = _today(today)
    ensure_can(actor, objection.application.area, Cap.ASSIST_ACCEPT)
    note = _text(note, "处理意见", min_len=2)[:200]
    with transaction.atomic():
        app = _lock(objection.application)
        pub = Publicity.objects.select_for_update().get(pk=objection.publicity_id)
        obj = Objection.objects.select_for_update().get(pk=objection.pk)
        if obj.status != Objection.Status.PENDING:
            raise Conflict(f"该异议已处理（{obj.get_status_display()}）", code="objection_decided")
        obj.status = Objection.Status.UPHELD if uphold else Objection.Status.DISMISSED
        obj.decided_by, obj.decided_at, obj.decision_note = actor, timezone.now(), note
        obj.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if uphold:
            _uphold(actor, app, pub, obj, today=today)
        else:
            audit.record(actor=actor, action="application.objection_dismissed", object_type="application",
                         object_id=app.pk, object_repr=app.number, area_code=app.area.code,
                         before={"objection": obj.pk, "status": Objection.Status.PENDING},
                         after={"objection": obj.pk, "status": obj.status, "note": note})
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
        if pub.objections.filter(status=Objection.Status.PENDING).exists():
            raise Conflict("公示期间收到的异议尚未处理，请先核实处理异议", code="objection_pending")
        pub.status, pub.closed_at = Publicity.Status.COMPLETED, timezone.now()
        pub.save(update_fields=["status", "closed_at"])
        return _move(actor, app, S.APPROVING, action="application.close_publicity", today=today,
                     extra={"publicity": pub.pk})
