"""入户调查: the home visit's findings, by two visitors."""

import datetime as dt
import re
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core import audit
from minzheng.core.errors import DomainError
from minzheng.core.scope import ensure_can

from ..models import (
    Application,
    Attachment,
    Investigation,
)
from .base import S, _discard_files, _expect, _lock, _read_upload, _store, _text, _today

# --- 入户调查 and 审核 -----------------------------------------------------------------------------

_NAME_SPLIT = re.compile(r"[、,，;；/\s]+")


def investigation_record(*, actor: User, application: Application, visit_date: dt.date, visitors: str, findings: str,
                         conclusion: str, photos: Iterable = (), today: dt.date | None = None) -> Investigation:
    """Record a home visit. During 入户调查 the town records it (after an objection it is a 复查); during 审核
    the county records its own re-visit (抽查 or the full review of a 近亲属备案 household)."""
    today = _today(today)
    names = [n for n in _NAME_SPLIT.split(visitors or "") if n]
    if len(names) < 2:
        raise DomainError("入户调查应由至少两名工作人员进行，请填写全部调查人员姓名（用顿号分隔）",
                          field="调查人员")
    findings = _text(findings, "调查情况", min_len=10)
    if conclusion not in Investigation.Conclusion.values:
        raise DomainError(f"调查结论“{conclusion}”无效", field="调查结论")
    if not isinstance(visit_date, dt.date):
        raise DomainError("入户日期格式应为YYYY-MM-DD", field="入户日期")
    if visit_date > today:
        raise DomainError(f"入户日期{visit_date.isoformat()}晚于今天", field="入户日期")
    if visit_date < timezone.localtime(application.created_at).date():
        raise DomainError(f"入户日期{visit_date.isoformat()}早于申请日期", field="入户日期")
    county_revisit = application.status == S.REVIEWING
    ensure_can(actor, application.area, Cap.ASSIST_REVIEW if county_revisit else Cap.ASSIST_ACCEPT)
    files = [_read_upload(p, f"照片{i}", allowed=("jpg", "jpeg", "png")) for i, p in enumerate(photos, start=1)]
    from django.core.files.storage import default_storage
    saved: list[str] = []
    try:
        with transaction.atomic():
            app = _lock(application)
            _expect(app, [S.INVESTIGATING, S.REVIEWING], "录入入户调查")
            if app.status == S.REVIEWING:
                kind = Investigation.Kind.REVISIT
            elif app.objections.filter(filed_at__gte=app.step_started_at).exists():
                kind = Investigation.Kind.OBJECTION
            else:
                kind = Investigation.Kind.INITIAL
            inv = Investigation.objects.create(application=app, kind=kind, visit_date=visit_date,
                                               visitors="、".join(names), findings=findings, conclusion=conclusion,
                                               recorded_by=actor, recorded_at=timezone.now())
            for name, data in files:
                _store(app, kind=Attachment.Kind.PHOTO, name=name, data=data, actor=actor, investigation=inv,
                       saved=saved)
            audit.record(actor=actor, action="application.investigation", object_type="application",
                         object_id=app.pk, object_repr=app.number, area_code=app.area.code,
                         after={"investigation": inv.pk, "kind": kind, "visit_date": visit_date,
                                "visitors": inv.visitors, "conclusion": conclusion, "photos": len(files)})
    except Exception:
        _discard_files(default_storage, saved)
        raise
    return inv
