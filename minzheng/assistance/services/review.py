"""审核: the town's opinion goes up; the county reviews (by sample, or in full where a relative is filed)."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Level
from minzheng.core.errors import Conflict
from minzheng.core.idcard import mask
from minzheng.core.scope import ensure_can

from .. import workdays
from ..models import (
    Application,
    Investigation,
    Publicity,
    Review,
)
from ..programmes.base import get_programme
from .base import S, _expect, _has_relative_filing, _household_person_ids, _lock, _move, _text, _today, mask_name


def _county_of(area: Area) -> Area:
    return next((a for a in area.ancestors() if a.level == Level.COUNTY), area)


def _draw_sample(app: Application, ratio: Decimal) -> bool:
    """Systematic sampling per county: the n-th application sent for review (n = 0, 1, …) is drawn when
    floor((n + 1) × ratio) > floor(n × ratio), so every run of reviews in a county meets the share exactly
    (30 % → the 4th, 7th, 10th …) and anyone can re-derive the draw from the audit trail."""
    county = _county_of(app.area)
    n = Review.objects.filter(application__area__path__startswith=county.path).count()
    return int((n + 1) * ratio) > int(n * ratio)


def application_submit_review(*, actor: User, application: Application, opinion: str, today: dt.date | None = None
                              ) -> Review:
    """镇街初审 done: the file goes to the county for 审核. Needs a home visit recorded in this round."""
    today = _today(today)
    ensure_can(actor, application.area, Cap.ASSIST_ACCEPT)
    opinion = _text(opinion, "初审意见")
    with transaction.atomic():
        app = _lock(application)
        _expect(app, [S.INVESTIGATING], "提交县级审核")
        if not app.investigations.filter(recorded_at__gte=app.step_started_at).exists():
            raise Conflict("本轮尚未录入入户调查记录，不能提交审核", code="missing_investigation", field="入户调查")
        related = app.related_to_staff or _has_relative_filing(_household_person_ids(app), today)
        ratio = workdays.workflow_param("spot_check_ratio", programme=app.programme, area=app.area).value
        review = Review.objects.create(application=app, started_at=timezone.now(), town_opinion=opinion,
                                       sampled=(not related) and _draw_sample(app, ratio),
                                       full_review_required=related, sample_ratio=ratio)
        if related and not app.related_to_staff:
            app.related_to_staff = True
            app.save(update_fields=["related_to_staff"])
        _move(actor, app, S.REVIEWING, action="application.submit_review", today=today, note=opinion,
              extra={"review": review.pk, "sampled": review.sampled, "full_review_required": related})
    return review


def application_review(*, actor: User, application: Application, opinion: str, full_review: bool = False,
                       today: dt.date | None = None) -> Publicity:
    """县级审核 passes: the household goes on 公示. A household drawn for 抽查, and every 近亲属备案 household,
    must have a county re-visit recorded first; the latter also needs the reviewer to confirm a full review."""
    today = _today(today)
    ensure_can(actor, application.area, Cap.ASSIST_REVIEW)
    opinion = _text(opinion, "审核意见")
    with transaction.atomic():
        app = _lock(application)
        _expect(app, [S.REVIEWING], "审核")
        review = app.reviews.order_by("-started_at", "-id").first()
        assert review is not None  # submit_review opened one on the way into this status
        revisited = app.investigations.filter(kind=Investigation.Kind.REVISIT,
                                              recorded_at__gte=review.started_at).exists()
        if review.full_review_required:
            if not full_review:
                raise Conflict("申请人家庭成员与经办人员有近亲属关系（已备案），须全面审核，不能跳过；"
                               "请逐项审查全部材料后确认“已全面审核”", code="full_review_required", field="全面审核")
            if not revisited:
                raise Conflict("近亲属备案家庭须由县级民政部门入户复查，请先录入县级入户复查记录",
                               code="revisit_required", field="入户调查")
        elif review.sampled and not revisited:
            raise Conflict(f"该户被抽中县级入户抽查（抽查比例{review.sample_ratio:.0%}），请先录入县级入户抽查记录",
                           code="revisit_required", field="入户调查")
        review.decided_by, review.decided_at, review.opinion = actor, timezone.now(), opinion
        review.save(update_fields=["decided_by", "decided_at", "opinion"])
        days = int(workdays.workflow_param("publicity_days", programme=app.programme, area=app.area).value)
        applicant = app.applicant
        size = len(_household_person_ids(app)) if app.household_id else 1
        publicity = Publicity.objects.create(
            application=app, area=app.area, programme_label=get_programme(app.programme).label,
            masked_name=mask_name(applicant.name), masked_id=mask(applicant.id_number), household_size=size,
            start_date=today, end_date=today + dt.timedelta(days=days - 1))
        _move(actor, app, S.PUBLICIZING, action="application.review", today=today, due=publicity.end_date,
              note=opinion, extra={"publicity": publicity.pk, "publicity_end": publicity.end_date,
                                   "full_review": full_review})
    return publicity
