"""Writes of 地名: naming and renaming applications (受理 → 公开征求意见 → 专家论证 → 批准/不予批准, 《地名管理条例》
2022), the standard name they produce with its 汉语拼音 and history, and pinyin corrections. One function per
state change, checked, atomic and audited. A name is refused, in Chinese and naming the character, when it uses a
non-standard character or duplicates a standard name of the same category in the same area.
"""

import csv
import datetime as dt
import functools
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import LEVEL_RANK, Area, Level, Succession, SuccessionLink
from minzheng.areas.services import area_create
from minzheng.core import audit
from minzheng.core.dated_rules import rule_int
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.scope import can_access_area, code_stem, ensure_can

from .models import (
    BoundaryInspection,
    BoundarySection,
    NamingApplication,
    PlaceName,
    PlaceNameEvent,
    Sign,
    SignInspection,
)
from .romanize import romanize, search_keys

DIR = settings.DATA_DIR / "placenames"
RULES = DIR / "rules.csv"


@functools.cache
def categories() -> dict[str, str]:
    with open(DIR / "categories.csv", encoding="utf-8") as f:
        return {r["code"]: r["label"] for r in csv.DictReader(f)}


@functools.cache
def nonstandard_chars() -> dict[str, str]:
    with open(DIR / "nonstandard_chars.csv", encoding="utf-8") as f:
        return {r["char"]: r["standard"] for r in csv.DictReader(f)}


@functools.cache
def allowed_chars() -> frozenset[str]:
    with open(DIR / "allowed_chars.csv", encoding="utf-8") as f:
        return frozenset(r["char"] for r in csv.DictReader(f))


@functools.cache
def _t2s() -> Any:
    import opencc  # loaded on first use: its dictionaries are only needed when a name is checked

    return opencc.OpenCC("t2s")


def standard_form(ch: str) -> str | None:
    """The standard character for a traditional or variant one (data list first, then OpenCC's table), or None."""
    if ch in nonstandard_chars():
        return nonstandard_chars()[ch]
    if ch in allowed_chars():
        return None
    simple = _t2s().convert(ch)
    return simple if simple != ch else None


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def check_name(name: str, *, on: dt.date, field: str = "拟用名称") -> str:
    """A standard name: 规范汉字 only (no letters, digits, symbols, traditional or variant characters)."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise DomainError(f"请填写{field}", field=field)
    limit = rule_int(RULES, "name_max_length", on)
    if len(name) > limit:
        raise DomainError(f"{field}过长（最多{limit}个字）", field=field)
    for i, ch in enumerate(name, start=1):
        standard = standard_form(ch) if _is_cjk(ch) else None
        if standard:
            raise DomainError(f"{field}第{i}个字“{ch}”不是规范汉字，应写作“{standard}”"
                              "（《地名管理条例》第十条：地名应当使用国家通用语言文字）", code="nonstandard_char",
                              field=field)
        if not _is_cjk(ch):
            raise DomainError(f"{field}第{i}个字符“{ch}”不是规范汉字，地名不得使用字母、数字或符号"
                              "（《地名管理条例》第十条）", code="nonstandard_char", field=field)
    return name


def _check_category(category: str) -> str:
    if category not in categories():
        raise DomainError("请选择地名类别（GB/T 18521）", field="地名类别")
    return category


def _check_unique(name: str, category: str, area: Area, *, exclude: int | None = None) -> None:
    same = PlaceName.objects.filter(name=name, category=category, area=area, status=PlaceName.Status.STANDARD)
    if exclude:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise Conflict(f"{area.name}已有同类（{categories()[category]}）标准地名“{name}”，不能重名",
                       code="duplicate_name", field="拟用名称")


def _coordinates(geometry: str, coordinates: list) -> list:
    if geometry not in PlaceName.Geometry.values:
        raise DomainError("位置类型应为点或线", field="位置类型")
    try:
        points = [[float(x), float(y)] for x, y in coordinates]
    except (TypeError, ValueError):
        raise DomainError("坐标应为[经度, 纬度]的列表", field="坐标") from None
    if not points or (geometry == "point" and len(points) != 1) or (geometry == "line" and len(points) < 2):
        raise DomainError("点位须有1个坐标，线状地名须有至少2个坐标", field="坐标")
    if len(points) > 500:
        raise DomainError("坐标点过多（最多500个）", field="坐标")
    if not all(73 <= x <= 136 and 3 <= y <= 54 for x, y in points):
        raise DomainError("坐标超出我国经纬度范围（经度73–136，纬度3–54）", field="坐标")
    return points


def _audit(actor: User, action: str, app: NamingApplication, after: dict, before: dict | None = None) -> None:
    audit.record(actor=actor, action=action, object_type="placenames.application", object_id=app.pk,
                 object_repr=app.proposed_name, area_code=app.area.code, before=before, after=after)


def application_submit(*, actor: User, kind: str, proposed_name: str, category: str, area: Area, applicant: str,
                       reason: str, today: dt.date, geometry: str = "point", coordinates: list | None = None,
                       origin: str = "", meaning: str = "", place: PlaceName | None = None) -> NamingApplication:
    ensure_can(actor, area, Cap.PLACENAME_EDIT)
    if kind not in NamingApplication.Kind.values:
        raise DomainError("申请类型应为命名或更名", field="类型")
    if kind == NamingApplication.Kind.RENAME:
        if place is None or place.status != PlaceName.Status.STANDARD:
            raise DomainError("更名须指明现有的标准地名", field="原地名")
        ensure_can(actor, place.area, Cap.PLACENAME_EDIT)
        category, area = place.category, place.area
    name = check_name(proposed_name, on=today)
    _check_category(category)
    _check_unique(name, category, area)
    applicant, reason = (applicant or "").strip(), (reason or "").strip()
    if not applicant or len(applicant) > 100:
        raise DomainError("请填写申请单位（不超过100字）", field="申请单位")
    if not reason or len(reason) > 2000:
        raise DomainError("请填写申请理由（不超过2000字）", field="申请理由")
    points = _coordinates(geometry, coordinates or [])
    with transaction.atomic():
        app = NamingApplication.objects.create(
            kind=kind, place=place if kind == NamingApplication.Kind.RENAME else None, proposed_name=name,
            category=category, area=area, applicant=applicant, reason=reason, origin=(origin or "")[:2000],
            meaning=(meaning or "")[:2000], geometry=geometry, coordinates=points, created_by=actor)
        _audit(actor, "placenames.submit", app, {"kind": kind, "name": name, "category": category,
                                                 "former": place.name if place else ""})
    return app


def _lock(app: NamingApplication, expected: str, doing: str) -> NamingApplication:
    app = NamingApplication.objects.select_for_update(of=("self",)).select_related("area", "place").get(pk=app.pk)
    if app.status != expected:
        raise Conflict(f"该申请{app.get_status_display()}，不能{doing}", field="状态")
    return app


def application_open_comment(*, actor: User, application: NamingApplication, today: dt.date) -> NamingApplication:
    """公开征求社会公众意见 for the period in data/placenames/rules.csv."""
    ensure_can(actor, application.area, Cap.PLACENAME_EDIT)
    with transaction.atomic():
        app = _lock(application, NamingApplication.Status.SUBMITTED, "公开征求意见")
        app.status, app.comment_from = NamingApplication.Status.COMMENT, today
        app.comment_to = today + dt.timedelta(days=rule_int(RULES, "public_comment_days", today))
        app.save(update_fields=["status", "comment_from", "comment_to"])
        _audit(actor, "placenames.comment_open", app, {"from": app.comment_from, "to": app.comment_to})
    return app


def application_close_comment(*, actor: User, application: NamingApplication, comments: str, today: dt.date
                              ) -> NamingApplication:
    ensure_can(actor, application.area, Cap.PLACENAME_EDIT)
    with transaction.atomic():
        app = _lock(application, NamingApplication.Status.COMMENT, "结束征求意见")
        if app.comment_to is None or today <= app.comment_to:
            raise DomainError(f"公开征求意见至{app.comment_to}，期满后方可汇总", field="征求意见止")
        app.status, app.comments = NamingApplication.Status.EXPERT, (comments or "未收到意见").strip()[:4000]
        app.save(update_fields=["status", "comments"])
        _audit(actor, "placenames.comment_close", app, {"comments": app.comments})
    return app


def application_expert_review(*, actor: User, application: NamingApplication, opinion: str) -> NamingApplication:
    ensure_can(actor, application.area, Cap.PLACENAME_EDIT)
    opinion = (opinion or "").strip()
    if len(opinion) < 4:
        raise DomainError("请填写专家论证意见", field="专家论证意见")
    with transaction.atomic():
        app = _lock(application, NamingApplication.Status.EXPERT, "登记专家论证意见")
        if app.expert_opinion:
            raise Conflict("专家论证意见已登记", field="专家论证意见")
        app.expert_opinion = opinion[:4000]
        app.save(update_fields=["expert_opinion"])
        _audit(actor, "placenames.expert", app, {"opinion": app.expert_opinion})
    return app


def application_decide(*, actor: User, application: NamingApplication, approve: bool, today: dt.date,
                       reason: str = "") -> NamingApplication:
    """批准 (the standard name is created or renamed, with its history and the 地名批准书 number) or 不予批准."""
    ensure_can(actor, application.area, Cap.PLACENAME_APPROVE)
    with transaction.atomic():
        app = _lock(application, NamingApplication.Status.EXPERT, "审批")
        if not app.expert_opinion:
            raise DomainError("须先登记专家论证意见再审批", field="专家论证意见")
        if actor.pk == app.created_by_id:
            raise DomainError("审批人不能是申请的经办人", code="same_person", field="审批人")
        if not approve:
            if not (reason or "").strip():
                raise DomainError("请填写不予批准的理由", field="理由")
            app.status, app.decided_on, app.decided_by = NamingApplication.Status.REFUSED, today, actor
            app.comments = (app.comments + f"\n不予批准：{reason.strip()}")[:4000]
            app.save(update_fields=["status", "decided_on", "decided_by", "comments"])
            _audit(actor, "placenames.refuse", app, {"reason": reason})
            return app
        _check_unique(app.proposed_name, app.category, app.area,
                      exclude=app.place_id if app.kind == NamingApplication.Kind.RENAME else None)
        pinyin = romanize(app.proposed_name, app.category)
        search, initials = search_keys(app.proposed_name)
        try:
            with transaction.atomic():
                if app.kind == NamingApplication.Kind.NAME:
                    place = PlaceName.objects.create(
                        name=app.proposed_name, category=app.category, area=app.area, pinyin=pinyin,
                        pinyin_search=search, initials=initials, geometry=app.geometry, coordinates=app.coordinates,
                        origin=app.origin, meaning=app.meaning, approved_on=today)
                    PlaceNameEvent.objects.create(place=place, kind="命名", new_value=place.name, on=today,
                                                  application=app, actor=actor)
                else:
                    place = PlaceName.objects.select_for_update().get(pk=app.place.pk if app.place else 0)
                    former = place.name
                    place.name, place.pinyin, place.pinyin_search, place.initials = (
                        app.proposed_name, pinyin, search, initials)
                    place.origin, place.meaning = app.origin or place.origin, app.meaning or place.meaning
                    place.approved_on = today
                    place.save()
                    PlaceNameEvent.objects.create(place=place, kind="更名", old_value=former, new_value=place.name,
                                                  on=today, application=app, actor=actor)
        except IntegrityError:
            raise Conflict(f"{app.area.name}已有同类标准地名“{app.proposed_name}”，不能重名", code="duplicate_name",
                           field="拟用名称") from None
        serial = NamingApplication.objects.filter(decided_on__year=today.year,
                                                  certificate_number__isnull=False).count() + 1
        app.status, app.decided_on, app.decided_by, app.result = NamingApplication.Status.APPROVED, today, actor, place
        app.certificate_number = f"DM{app.area.code[:6]}-{today.year}-{serial:05d}-{app.pk}"
        app.save(update_fields=["status", "decided_on", "decided_by", "result", "certificate_number"])
        _audit(actor, "placenames.approve", app, {"name": place.name, "pinyin": pinyin,
                                                  "certificate": app.certificate_number})
    return app


def pinyin_edit(*, actor: User, place: PlaceName, pinyin: str, today: dt.date) -> PlaceName:
    """The naming officer corrects a generated romanisation (the history keeps the old form)."""
    ensure_can(actor, place.area, Cap.PLACENAME_EDIT)
    text = " ".join((pinyin or "").split())
    if not text or len(text) > 200 or any(_is_cjk(c) for c in text):
        raise DomainError("请填写汉语拼音（不超过200个字符，不含汉字）", field="汉语拼音")
    with transaction.atomic():
        place = PlaceName.objects.select_for_update(of=("self",)).select_related("area").get(pk=place.pk)
        old = place.pinyin
        if old == text:
            return place
        place.pinyin = text
        place.save(update_fields=["pinyin"])
        PlaceNameEvent.objects.create(place=place, kind="拼音更正", old_value=old, new_value=text, on=today,
                                      actor=actor)
        audit.record(actor=actor, action="placenames.pinyin", object_type="placenames.place", object_id=place.pk,
                     object_repr=place.name, area_code=place.area.code, before={"pinyin": old},
                     after={"pinyin": text})
    return place


def place_register(*, actor: User, name: str, category: str, area: Area, today: dt.date, geometry: str = "point",
                   coordinates: list | None = None, origin: str = "", meaning: str = "",
                   approved_on: dt.date | None = None) -> PlaceName:
    """Enter an existing standard name into the gazetteer (地名普查成果), with the same checks as a naming."""
    ensure_can(actor, area, Cap.PLACENAME_EDIT)
    name = check_name(name, on=today, field="标准名称")
    _check_category(category)
    _check_unique(name, category, area)
    points = _coordinates(geometry, coordinates or [])
    search, initials = search_keys(name)
    with transaction.atomic():
        place = PlaceName.objects.create(name=name, category=category, area=area, pinyin=romanize(name, category),
                                         pinyin_search=search, initials=initials, geometry=geometry,
                                         coordinates=points, origin=origin[:2000], meaning=meaning[:2000],
                                         approved_on=approved_on)
        PlaceNameEvent.objects.create(place=place, kind="录入", new_value=name, on=today, actor=actor)
        audit.record(actor=actor, action="placenames.register", object_type="placenames.place", object_id=place.pk,
                     object_repr=name, area_code=area.code, after={"name": name, "category": category,
                                                                   "pinyin": place.pinyin})
    return place


# --- 地名标志 and 界线 ----------------------------------------------------------------------------------------------

def sign_register(*, actor: User, place: PlaceName, code: str, installed_on: dt.date, coordinates: list) -> Sign:
    ensure_can(actor, place.area, Cap.PLACENAME_EDIT)
    code = (code or "").strip()
    if not code or len(code) > 32:
        raise DomainError("请填写标志编号（不超过32个字符）", field="标志编号")
    points = _coordinates("point", coordinates)
    try:
        with transaction.atomic():
            s = Sign.objects.create(place=place, code=code, coordinates=points, installed_on=installed_on)
            audit.record(actor=actor, action="placenames.sign_register", object_type="placenames.sign",
                         object_id=s.pk, object_repr=f"{place.name}{code}", area_code=place.area.code,
                         after={"code": code, "installed_on": installed_on})
    except IntegrityError:
        raise Conflict(f"标志编号{code}已登记", field="标志编号") from None
    return s


def sign_inspect(*, actor: User, sign: Sign, on: dt.date, condition: str, note: str = "") -> SignInspection:
    ensure_can(actor, sign.place.area, Cap.PLACENAME_EDIT)
    if condition not in Sign.Condition.values:
        raise DomainError("请选择标志状况（完好、损坏、缺失、标注不规范）", field="状况")
    if on < sign.installed_on:
        raise DomainError("巡查日期早于设置日期", field="巡查日期")
    with transaction.atomic():
        s = Sign.objects.select_for_update(of=("self",)).select_related("place__area").get(pk=sign.pk)
        i = SignInspection.objects.create(sign=s, inspected_on=on, condition=condition,
                                          note=(note or "").strip()[:200], inspector=actor)
        before = s.condition
        if s.last_inspected_on is None or on >= s.last_inspected_on:
            s.condition, s.last_inspected_on = condition, on
            s.save(update_fields=["condition", "last_inspected_on"])
        audit.record(actor=actor, action="placenames.sign_inspect", object_type="placenames.sign", object_id=s.pk,
                     object_repr=s.code, area_code=s.place.area.code, before={"condition": before},
                     after={"condition": s.condition, "on": on})
    return i


def _ensure_either_side(actor: User, section: BoundarySection) -> None:
    """Either side of a boundary records its joint inspections; a third area sees nothing."""
    side = section.left_area if can_access_area(actor, section.left_area) else section.right_area
    ensure_can(actor, side, Cap.PLACENAME_EDIT)


def boundary_inspect(*, actor: User, section: BoundarySection, on: dt.date, parties: str, findings: str,
                     markers_damaged: int = 0, dispute: str = "") -> BoundaryInspection:
    """A joint inspection (界线联检) recorded by either side; a dispute found stays open until mediated."""
    _ensure_either_side(actor, section)
    parties, findings = (parties or "").strip(), (findings or "").strip()
    if not parties or len(parties) > 200:
        raise DomainError("请填写参加联检的双方单位", field="参加单位")
    if len(findings) < 4:
        raise DomainError("请填写联检情况", field="联检情况")
    if not 0 <= markers_damaged <= section.markers:
        raise DomainError(f"损坏界桩数应在0至{section.markers}之间", field="损坏界桩数")
    with transaction.atomic():
        i = BoundaryInspection.objects.create(section=section, inspected_on=on, parties=parties, findings=findings,
                                              markers_damaged=markers_damaged, dispute=(dispute or "").strip(),
                                              recorded_by=actor)
        audit.record(actor=actor, action="placenames.boundary_inspect", object_type="placenames.boundary",
                     object_id=section.pk, object_repr=section.name, area_code=section.left_area.code,
                     after={"on": on, "markers_damaged": markers_damaged, "dispute": bool(i.dispute)})
    return i


def boundary_dispute_resolve(*, actor: User, inspection: BoundaryInspection, on: dt.date, note: str
                             ) -> BoundaryInspection:
    section = inspection.section
    _ensure_either_side(actor, section)
    if not inspection.dispute:
        raise DomainError("该次联检未发现涉界矛盾纠纷", field="涉界矛盾纠纷")
    if len((note or "").strip()) < 4:
        raise DomainError("请填写调处结果", field="调处结果")
    with transaction.atomic():
        i = BoundaryInspection.objects.select_for_update().get(pk=inspection.pk)
        if i.dispute_resolved_on is not None:
            raise Conflict(f"该纠纷已于{i.dispute_resolved_on.isoformat()}调处完结", field="涉界矛盾纠纷")
        i.dispute_resolved_on = on
        i.dispute = f"{i.dispute}\n调处结果：{note.strip()}"[:4000]
        i.save(update_fields=["dispute_resolved_on", "dispute"])
        audit.record(actor=actor, action="placenames.boundary_dispute_resolve", object_type="placenames.boundary",
                     object_id=section.pk, object_repr=section.name, area_code=section.left_area.code,
                     after={"resolved_on": on, "note": note})
    return i


# --- 行政区划调整 ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Successor:
    """One area a re-division creates: its code (nested in its parent's, as 区划代码 are), name and parent."""

    code: str
    name: str
    parent: Area


@functools.cache
def area_categories() -> dict[str, str]:
    """The GB/T 18521 category of an area's name by its level (data/placenames/area_categories.csv)."""
    with open(DIR / "area_categories.csv", encoding="utf-8") as f:
        return {r["level"]: r["category"] for r in csv.DictReader(f)}


_KIND_COUNTS = {  # kind: (old areas, successors) — None is "two or more"
    Succession.Kind.MERGE: (None, 1), Succession.Kind.SPLIT: (1, None),
    Succession.Kind.RENAME: (1, 1), Succession.Kind.REPARENT: (1, 1),
}


def _check_counts(kind: str, olds: int, news: int) -> None:
    label = Succession.Kind(kind).label
    want_old, want_new = _KIND_COUNTS[Succession.Kind(kind)]
    if (want_old is None and olds < 2) or (want_old is not None and olds != want_old):
        raise DomainError(f"{label}应填写{'两个或以上' if want_old is None else '一个'}原区划", field="原区划")
    if (want_new is None and news < 2) or (want_new is not None and news != want_new):
        raise DomainError(f"{label}应填写{'两个或以上' if want_new is None else '一个'}新区划", field="新区划")


def _check_successor(s: Successor, *, kind: str, olds: list[Area], on: dt.date, actor: User) -> tuple[str, str]:
    code, name = (s.code or "").strip(), check_name(s.name, on=on, field="新区划名称")
    ensure_can(actor, s.parent, Cap.PLACENAME_APPROVE)
    if not code or len(code) > 32 or not code.isalnum():
        raise DomainError("请填写新区划代码（字母或数字，不超过32位）", field="新区划代码")
    parent, level = s.parent, olds[0].level
    stem = code_stem(parent.code)
    if not code.startswith(stem) or code == parent.code:
        raise DomainError(f"新区划代码“{code}”应以上级区划“{parent.name}”的代码{stem}开头", field="新区划代码")
    if parent.pk in {o.pk for o in olds} or parent.valid_to is not None and parent.valid_to <= on:
        raise DomainError(f"上级区划“{parent.name}”在生效日期已不存在", field="上级区划")
    if LEVEL_RANK[Level(parent.level)] != LEVEL_RANK[Level(level)] - 1:
        raise DomainError(f"新区划“{name}”应设在{Level(level).label}的上一级区划之下，不能设在“{parent.name}”之下",
                          field="上级区划")
    old_parents = {o.parent_id for o in olds}
    if kind == Succession.Kind.REPARENT:
        if parent.pk in old_parents:
            raise DomainError(f"新区划与原区划“{olds[0].name}”的上级相同，不是改隶", field="上级区划")
    elif parent.pk not in old_parents:
        raise DomainError(f"新区划“{name}”不在原区划的上级区划之内，跨上级调整请用“改隶”", field="上级区划")
    clash = (Area.objects.current(on).filter(parent=parent, name=name).exclude(pk__in=[o.pk for o in olds])
             .exclude(valid_to=on).first())
    if clash is not None:
        raise Conflict(f"“{parent.name}”下已有同名区划“{name}”", code="area_name_taken", field="新区划名称")
    if kind == Succession.Kind.RENAME and name == olds[0].name:
        raise DomainError(f"新名称与原区划“{name}”相同，不是更名", field="新区划名称")
    taken = (Area.objects.filter(code=code).exclude(pk__in=[o.pk for o in olds])
             .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on)).first())
    if taken is not None or Area.objects.filter(code=code, valid_from=on).exists():
        raise Conflict(f"新区划代码“{code}”已被“{taken.name if taken else code}”使用", code="area_code_taken",
                       field="新区划代码")
    return code, name


def _retire_name(*, actor: User, old: Area, succession: Succession, keep: bool) -> None:
    """The old area's standard name (entered under its parent) is 销名 from the date, or kept when the successor
    carries the same name under the same parent."""
    category = area_categories().get(old.level, "")
    place = PlaceName.objects.filter(name=old.name, category=category, area=old.parent,
                                     status=PlaceName.Status.STANDARD).select_for_update().first()
    if place is None:
        return
    note = f"{succession.get_kind_display()}，{succession.authority}{succession.document}"
    if keep:
        PlaceNameEvent.objects.create(place=place, kind="区划调整", old_value=old.code, new_value=note,
                                      on=succession.effective_on, actor=actor)
        return
    place.status = PlaceName.Status.CANCELLED
    place.save(update_fields=["status"])
    PlaceNameEvent.objects.create(place=place, kind="销名", old_value=place.name, new_value=note,
                                  on=succession.effective_on, actor=actor)


def _name_successor(*, actor: User, area: Area, succession: Succession, like: PlaceName | None) -> None:
    """A standard name for the successor under its parent: linked when one exists, otherwise entered."""
    category = area_categories().get(area.level, "")
    note = f"{succession.get_kind_display()}，{succession.authority}{succession.document}"
    parent = area.parent
    if parent is None or PlaceName.objects.filter(name=area.name, category=category, area=parent,
                                                  status=PlaceName.Status.STANDARD).exists():
        return
    search, initials = search_keys(area.name)
    place = PlaceName.objects.create(
        name=area.name, category=category, area=parent, pinyin=romanize(area.name, category),
        pinyin_search=search, initials=initials, geometry=like.geometry if like else PlaceName.Geometry.POINT,
        coordinates=like.coordinates if like else [], approved_on=succession.effective_on,
        origin=f"{succession.effective_on:%Y年%m月%d日}起由{note}设立")
    PlaceNameEvent.objects.create(place=place, kind="命名", new_value=area.name, old_value=note,
                                  on=succession.effective_on, actor=actor)


def area_redivide(*, actor: User, kind: str, old_areas: list[Area], successors: list[Successor],
                  effective_on: dt.date, document: str, authority: str, note: str = "") -> Succession:
    """行政区划调整 (撤并, 拆分, 更名, 改隶) in one transaction: the successor areas are created from `effective_on`,
    the old ones end on it (`valid_to`), the succession is recorded with its 批准文号 and 批准机关, the old names
    are 已销名 in the gazetteer and the successors' names entered (or kept when unchanged).

    Rows that point at an old area (persons, cases, facilities, user assignments) are not rewritten: they stay
    true to the tree they were recorded in. After a 撤并/更名/改隶 (one successor per old area) scope and the
    roll-up resolve them through the succession (core.scope, areas.selectors.retired_area_ancestors), so the
    successor's worker sees them from the date (and an old parent that lost the area by 改隶 no longer does) and a
    past period's figures are unchanged. A 拆分 is not divisible
    by rule: its rows stay under the old area, visible from the parent, and its succession page lists them for a
    worker. The sub-areas of an area 撤并, 更名 or 改隶 (a town's villages) are carried to the successor
    (`_carry_sub_areas`); a 拆分 of an area with sub-areas is refused (改隶 them to the new areas first)."""
    if kind not in Succession.Kind.values:
        raise DomainError("请选择调整类型（撤并、拆分、更名、改隶）", field="调整类型")
    document, authority, note = (document or "").strip(), (authority or "").strip(), (note or "").strip()
    if not document or len(document) > 100:
        raise DomainError("请填写批准文号（不超过100字）", field="批准文号")
    if not authority or len(authority) > 100:
        raise DomainError("请填写批准机关（不超过100字）", field="批准机关")
    if len(note) > 255:
        raise DomainError("说明过长（最多255字）", field="说明")
    if len({o.pk for o in old_areas}) != len(old_areas):
        raise DomainError("同一原区划填写了两次", field="原区划")
    _check_counts(kind, len(old_areas), len(successors))
    stored = Area.objects.select_related("parent").in_bulk([o.pk for o in old_areas])
    old_areas = [stored[o.pk] for o in old_areas]  # as stored now, not as the caller last read them
    for old in old_areas:
        ensure_can(actor, old.parent, Cap.PLACENAME_APPROVE)  # a county's officer re-divides inside it, not it
        if old.level != old_areas[0].level:
            raise DomainError("原区划应为同一层级", field="原区划")
        if old.valid_to is not None:
            raise DomainError(f"原区划“{old.name}”已于{old.valid_to.isoformat()}失效", field="原区划")
        if effective_on <= old.valid_from:
            raise DomainError(f"生效日期应晚于原区划“{old.name}”的设立日期{old.valid_from.isoformat()}",
                              field="生效日期")
        if kind == Succession.Kind.SPLIT and Area.objects.current(effective_on).filter(parent=old).exists():
            raise DomainError(f"拆分的原区划“{old.name}”还有下级区划，请先将下级区划改隶到各新区划", field="原区划")
    checked = [_check_successor(s, kind=kind, olds=old_areas, on=effective_on, actor=actor) for s in successors]
    if len({c for c, _ in checked}) != len(checked):
        raise DomainError("新区划代码重复", field="新区划代码")
    if len({(s.parent.pk, n) for s, (_, n) in zip(successors, checked, strict=True)}) != len(checked):
        raise DomainError("新区划名称重复", field="新区划名称")
    with transaction.atomic():
        locked = list(Area.objects.select_for_update().filter(pk__in=[o.pk for o in old_areas]).order_by("pk"))
        if any(o.valid_to is not None for o in locked):
            raise Conflict("原区划已被调整，请刷新后重试", field="原区划")
        succession = Succession.objects.create(kind=kind, effective_on=effective_on, document=document,
                                               authority=authority, note=note, recorded_by=actor)
        for old in locked:
            old.valid_to = effective_on
            old.save(update_fields=["valid_to"])
        new_areas = [area_create(actor=actor, code=code, name=name, level=old_areas[0].level, parent=s.parent,
                                 code_source=old_areas[0].code_source, valid_from=effective_on,
                                 note=f"{succession.get_kind_display()}（{authority}{document}）")
                     for s, (code, name) in zip(successors, checked, strict=True)]
        SuccessionLink.objects.bulk_create([
            SuccessionLink(succession=succession, old=old, new=new, sole=len(new_areas) == 1,
                           effective_on=effective_on) for old in locked for new in new_areas])
        carried = [pair for old in locked
                   for pair in _carry_sub_areas(actor=actor, old=old, new=new_areas[0], succession=succession)
                   ] if kind != Succession.Kind.SPLIT else []
        like = None
        for old in locked:
            category = area_categories().get(old.level, "")
            like = like or PlaceName.objects.filter(name=old.name, category=category, area=old.parent,
                                                    status=PlaceName.Status.STANDARD).first()
            _retire_name(actor=actor, old=old, succession=succession,
                         keep=any(a.name == old.name and a.parent_id == old.parent_id for a in new_areas))
        for new in new_areas:
            _name_successor(actor=actor, area=new, succession=succession, like=like)
        top = _common_ancestor([*locked, *new_areas])
        audit.record(actor=actor, action="areas.redivide", object_type="areas.succession", object_id=succession.pk,
                     object_repr=f"{succession.get_kind_display()} {document}", area_code=top.code,
                     after={"kind": kind, "effective_on": effective_on, "document": document, "authority": authority,
                            "old": [o.code for o in locked], "new": [a.code for a in new_areas],
                            "carried": [[o.code, n.code] for o, n in carried]})
    return succession


def _carried_code(child: Area, old: Area, new: Area, on: dt.date) -> str:
    """The carried sub-area's code: the successor's code with the child's own digits (440704003001 under 440704003
    becomes 440704009001 under 440704009); when a merged sibling already took them, the next free number."""
    suffix = child.code[len(old.code):] if child.code.startswith(old.code) else child.code[-3:]
    suffix = suffix or "001"

    def free(code: str) -> bool:
        return not (Area.objects.filter(code=code).exclude(pk=child.pk)
                    .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on) | Q(valid_from=on)).exists())

    code, n = new.code + suffix, 0
    while not free(code):
        n += 1
        code = new.code + f"{n:0{len(suffix)}d}"
    return code


def _carry_sub_areas(*, actor: User, old: Area, new: Area, succession: Succession) -> list[tuple[Area, Area]]:
    """撤并/更名/改隶 of an area with sub-areas (a town with its villages): each sub-area in force on the date ends
    and is set up again under the successor with its name (and, below it, its own sub-areas), linked as its sole
    successor — so nothing that points at an old village is rewritten, and scope and the roll-up follow the link
    as for the town itself. Two villages of one name from two merged towns are refused: rename one first."""
    on, pairs = succession.effective_on, []
    note = f"随{old.name}{succession.get_kind_display()}划入{new.name}（{succession.authority}{succession.document}）"
    for child in Area.objects.current(on).select_for_update().filter(parent=old).order_by("code"):
        if on <= child.valid_from:
            raise DomainError(f"生效日期应晚于下级区划“{child.name}”的设立日期{child.valid_from.isoformat()}",
                              field="生效日期")
        if Area.objects.current(on).filter(parent=new, name=child.name).exists():
            raise Conflict(f"并入“{new.name}”的下级区划中有两个“{child.name}”，请先将其中一个更名",
                           code="area_name_taken", field="原区划")
        child.valid_to = on
        child.save(update_fields=["valid_to"])
        twin = area_create(actor=actor, code=_carried_code(child, old, new, on), name=child.name, level=child.level,
                           parent=new, code_source=child.code_source, valid_from=on, note=note)
        SuccessionLink.objects.create(succession=succession, old=child, new=twin, sole=True, effective_on=on)
        like = PlaceName.objects.filter(name=child.name, category=area_categories().get(child.level, ""),
                                        area=old, status=PlaceName.Status.STANDARD).first()
        _retire_name(actor=actor, old=child, succession=succession, keep=False)
        _name_successor(actor=actor, area=twin, succession=succession, like=like)
        pairs += [(child, twin), *_carry_sub_areas(actor=actor, old=child, new=twin, succession=succession)]
    return pairs


def _common_ancestor(areas: list[Area]) -> Area:
    """The lowest area above all of `areas` (the roll-up's refresh recounts below it)."""
    paths = [a.parent.path if a.parent else a.path for a in areas]
    common = paths[0]
    while not all(p.startswith(common) for p in paths):
        common = common[:common.rstrip("/").rfind("/") + 1]
    return Area.objects.get(path=common)
