"""Reads of 规划监测, all scoped: a user sees the values of the areas they work in and below."""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Max, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core.errors import NotFound
from minzheng.core.scope import can_access_area, scoped

from . import targets
from .models import Formula, Indicator, IndicatorValue, ReportedValue, RollupRun
from .rollup import formula_for


def area_for(user: User, code: str) -> Area:
    area = Area.objects.filter(code=code, valid_to__isnull=True).first()
    if area is None or not can_access_area(user, area) or not user.can(Cap.MONITOR_VIEW):
        raise NotFound()
    return area


def values(user: User) -> QuerySet[IndicatorValue]:
    return scoped(IndicatorValue.objects.select_related("indicator", "area"), user, area_field="area",
                  capability=Cap.MONITOR_VIEW)


def plan_areas(user: User) -> list[Area]:
    """The jurisdictions whose plans are in the catalogue (not the annex towns), that the user may see."""
    ids = Indicator.objects.exclude(source="annex").values_list("area_id", flat=True).distinct()
    return [a for a in Area.objects.filter(pk__in=ids).order_by("code") if can_access_area(user, a)]


def plan_area_of(area: Area) -> Area | None:
    """The nearest area at or above `area` that has a plan in the catalogue."""
    ids = set(Indicator.objects.exclude(source="annex").values_list("area_id", flat=True).distinct())
    for a in reversed(list(area.ancestors())):
        if a.pk in ids:
            return a
    return None


def data_as_of(year: int) -> dt.datetime | None:
    run = RollupRun.objects.filter(period=year, finished_at__isnull=False).order_by("-finished_at").first()
    return run.finished_at if run else None


def dashboard(user: User, area: Area, year: int, *, adopted_only: bool = True) -> list[IndicatorValue]:
    """The plan's indicators as they stand in `area` (the plan's own area, or a place below it)."""
    plan = plan_area_of(area)
    inds = Indicator.objects.filter(area__in=[a for a in area.ancestors()]).exclude(source="annex")
    if plan:
        inds = inds.filter(area=plan)
    if adopted_only:
        inds = inds.filter(adopted=True)
    got = {v.indicator_id: v for v in values(user).filter(period=year, area=area, indicator__in=inds)}
    rows = []
    for ind in inds.select_related("area").order_by("id"):
        v = got.get(ind.pk) or IndicatorValue(indicator=ind, area=area, period=year, status=targets.Status.NO_DATA
                                              if ind.area_id == area.pk else "")
        rows.append(v)
    return rows


def annex(user: User, area: Area, year: int) -> list[IndicatorValue]:
    """Dongguan's per-town targets (the annex) for the towns under `area` the user may see."""
    return list(values(user).filter(period=year, indicator__source="annex", area__path__startswith=area.path,
                                    area=F("indicator__area")).order_by("indicator__key", "area__code"))


def status_counts(rows: Iterable[IndicatorValue]) -> dict[str, int]:
    c = Counter(r.status for r in rows if r.status)
    return {s: c.get(s, 0) for s in targets.Status.ALL}


def trend(user: User, indicator: Indicator, area: Area) -> list[IndicatorValue]:
    return list(values(user).filter(indicator=indicator, area=area).order_by("period"))


def drilldown(user: User, indicator: Indicator, area: Area, year: int) -> list[IndicatorValue]:
    """The indicator in each area directly below `area`."""
    return list(values(user).filter(indicator=indicator, period=year, area__parent=area).order_by("area__code"))


def comparison(user: User, year: int) -> tuple[list[Area], list[dict[str, Any]]]:
    """The shared template rows side by side: one row per template row, one column per jurisdiction."""
    areas = plan_areas(user)
    got: defaultdict[str, dict[int, IndicatorValue]] = defaultdict(dict)
    labels: dict[str, Indicator] = {}
    for v in values(user).filter(period=year, area__in=areas, indicator__adopted=True,
                                 indicator__area=F("area")).exclude(indicator__source="annex"):
        row = v.indicator.template_row
        got[row][v.area_id] = v
        labels.setdefault(row, v.indicator)
    rows = [{"row": r, "indicator": labels[r], "cells": [got[r].get(a.pk) for a in areas]}
            for r in sorted(got, key=lambda r: (labels[r].category, labels[r].pk)) if len(got[r]) > 1]
    return areas, rows


def reported(user: User, *, area: Area | None = None, year: int | None = None, pending_only: bool = False
             ) -> QuerySet[ReportedValue]:
    qs = scoped(ReportedValue.objects.select_related("indicator", "area", "reported_by", "approved_by"), user,
                area_field="area", capability=Cap.MONITOR_VIEW)
    if area:
        qs = qs.filter(area__path__startswith=area.path)
    if year:
        qs = qs.filter(period=year)
    if pending_only:
        qs = qs.filter(status=ReportedValue.Status.DRAFT)
    return qs.order_by("-reported_at")


def entered_by_hand(indicators: Iterable[Indicator]) -> list[Indicator]:
    """Those the system neither computes nor judges by rule: their figures are reported by the responsible unit."""

    formulas = {f.key: f for f in Formula.objects.all()}
    return [i for i in indicators if formula_for(i, formulas) is None and not any(
        (t := targets.parse(x)) and t.is_rule for x in (i.target_2023, i.target_2025))]


def reportable(user: User, area: Area) -> list[Indicator]:
    """What a unit in `area` may report: its plan's hand-entered indicators, and its own annex rows."""
    inds = Indicator.objects.filter(area__in=list(area.ancestors()), adopted=True).select_related("area")
    return entered_by_hand(inds)


def last_year_with_values() -> int | None:
    return IndicatorValue.objects.aggregate(m=Max("period"))["m"]
