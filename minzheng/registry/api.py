"""Registry REST API: persons, categories, households, duplicates.

Thin: reads go through registry.selectors (scoped), writes through registry.services (checked and audited).
Out-of-scope and non-existent records both answer 404; an in-scope record the role may not change answers 403.
"""

import functools

from ninja import Query, Router, Status
from ninja.responses import codes_4xx

from minzheng.accounts.roles import Cap
from minzheng.areas.selectors import area_get
from minzheng.areas.services import area_by_code
from minzheng.core.api import require
from minzheng.core.errors import DomainError, NotFound

from . import selectors, services
from .models import Category
from .schemas import (
    CategoryEndIn,
    CategoryIn,
    CategoryOut,
    ChangeHeadIn,
    DuplicatePairOut,
    DuplicateReviewIn,
    DuplicateReviewOut,
    ErrorOut,
    FullViewIn,
    HouseholdCreateIn,
    HouseholdDetail,
    HouseholdFilter,
    HouseholdListItem,
    HouseholdPage,
    MemberAddIn,
    MemberOut,
    MemberRemoveIn,
    MergeIn,
    PersonCreateIn,
    PersonDetail,
    PersonFilter,
    PersonFullOut,
    PersonListItem,
    PersonPage,
    PersonUpdateIn,
    SplitIn,
)

router = Router(tags=["人员与家庭"])


def _registry_readers_only(view):
    """Every endpoint here shows personal data: roles without registry access are refused outright."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        require(request.user, Cap.REGISTRY_VIEW)
        return view(request, *args, **kwargs)

    return wrapper


router.add_decorator(_registry_readers_only)


def _page(qs, page: int, page_size: int) -> tuple[int, list]:
    start = (page - 1) * page_size
    return qs.count(), list(qs[start:start + page_size])


def _person_detail(user, pk: int) -> PersonDetail:
    p = selectors.person_get(user, pk)
    return PersonDetail.of(p, categories=selectors.person_categories(p), household=selectors.current_household(p))


def _household_detail(user, pk: int) -> HouseholdDetail:
    h = selectors.household_get(user, pk)
    members = list(selectors.household_members(h))
    return HouseholdDetail(**HouseholdListItem.of(h).model_dump(exclude={"member_count"}), member_count=len(members),
                           members=[MemberOut.of(m) for m in members])


# --- persons -------------------------------------------------------------------------------

@router.get("/persons", response={200: PersonPage, codes_4xx: ErrorOut}, summary="查询人员",
            description="按姓名前缀、身份证号前几位或拼音首字母查询管辖范围内的人员；身份证号和电话已脱敏。")
def list_persons(request, filters: Query[PersonFilter]):
    area = area_get(request.user, filters.area) if filters.area else None
    if filters.category and filters.category not in Category.values:
        raise DomainError(f"人员类别“{filters.category}”无效", field="类别")
    qs = selectors.person_search(request.user, filters.q, area=area, category=filters.category)
    count, rows = _page(qs, filters.page, filters.page_size)
    return PersonPage(count=count, page=filters.page, page_size=filters.page_size,
                      items=[PersonListItem.of(p) for p in rows])


@router.get("/persons/{person_id}", response={200: PersonDetail, codes_4xx: ErrorOut}, summary="人员详情（脱敏）")
def get_person(request, person_id: int):
    return _person_detail(request.user, person_id)


@router.post("/persons/{person_id}/full", response={200: PersonFullOut, codes_4xx: ErrorOut},
             summary="查看完整身份证号、电话和银行账号",
             description="返回未脱敏的信息；每次调用都记入审计日志。需具备查看完整信息的权限。")
def view_person_full(request, person_id: int, payload: FullViewIn | None = None):
    person = selectors.person_get(request.user, person_id)
    purpose = payload.purpose if payload else ""
    full = services.person_view_full(actor=request.user, person=person, purpose=purpose)
    return PersonFullOut(id=person.pk, name=person.name, id_number=full["id_number"], phone=full["phone"],
                         bank_name=full["bank_name"], bank_account=full["bank_account"])


@router.post("/persons", response={201: PersonDetail, codes_4xx: ErrorOut}, summary="登记人员",
             description="身份证号按 GB 11643 校验；一个身份证号只能登记一人。居住地须在您的管辖范围内。")
def create_person(request, payload: PersonCreateIn):
    data = payload.model_dump()
    hukou = area_by_code(data.pop("hukou_area_code"), field="户籍地")
    residence = area_by_code(data.pop("residence_area_code"), field="居住地")
    person = services.person_create(actor=request.user, hukou_area=hukou, residence_area=residence, **data)
    return Status(201, _person_detail(request.user, person.pk))


_TEXT_FIELDS = ("name", "address", "phone", "disability_category", "bank_name", "bank_account",
                "hukou_area_code", "residence_area_code")


@router.patch("/persons/{person_id}", response={200: PersonDetail, codes_4xx: ErrorOut}, summary="修改人员信息",
              description="只修改请求中出现的字段；身份证号不能在此修改。")
def update_person(request, person_id: int, payload: PersonUpdateIn):
    person = selectors.person_get(request.user, person_id)
    changes = payload.model_dump(exclude_unset=True)
    for key in _TEXT_FIELDS:
        if key in changes and changes[key] is None:
            changes[key] = ""
    for key, label in (("hukou_area_code", "户籍地"), ("residence_area_code", "居住地")):
        if key in changes:
            changes[key.removesuffix("_code")] = area_by_code(changes.pop(key), field=label)
    services.person_update(actor=request.user, person=person, **changes)
    return _person_detail(request.user, person.pk)


@router.post("/persons/{person_id}/categories", response={201: CategoryOut, codes_4xx: ErrorOut},
             summary="增加人员类别")
def add_category(request, person_id: int, payload: CategoryIn):
    person = selectors.person_get(request.user, person_id)
    pc = services.category_add(actor=request.user, person=person, **payload.model_dump())
    return Status(201, CategoryOut.of(pc))


@router.post("/persons/{person_id}/categories/{category_id}/end", response={200: CategoryOut, codes_4xx: ErrorOut},
             summary="终止人员类别")
def end_category(request, person_id: int, category_id: int, payload: CategoryEndIn):
    person = selectors.person_get(request.user, person_id)
    pc = selectors.person_categories(person).filter(pk=category_id).first()
    if pc is None:
        raise NotFound("人员类别记录不存在")
    pc.person = person
    pc = services.category_end(actor=request.user, person_category=pc, valid_to=payload.valid_to,
                               reason=payload.reason)
    return CategoryOut.of(pc)


# --- households ----------------------------------------------------------------------------

@router.get("/households", response={200: HouseholdPage, codes_4xx: ErrorOut}, summary="查询家庭",
            description="按家庭编号、户主姓名、户主身份证号前几位或户主拼音首字母查询管辖范围内的家庭。")
def list_households(request, filters: Query[HouseholdFilter]):
    qs = selectors.household_search(request.user, filters.q, include_dissolved=filters.include_dissolved)
    count, rows = _page(qs, filters.page, filters.page_size)
    return HouseholdPage(count=count, page=filters.page, page_size=filters.page_size,
                         items=[HouseholdListItem.of(h) for h in rows])


@router.get("/households/{household_id}", response={200: HouseholdDetail, codes_4xx: ErrorOut},
            summary="家庭详情及现有成员（脱敏）")
def get_household(request, household_id: int):
    return _household_detail(request.user, household_id)


@router.post("/households", response={201: HouseholdDetail, codes_4xx: ErrorOut}, summary="建立家庭（指定户主）")
def create_household(request, payload: HouseholdCreateIn):
    area = area_by_code(payload.area_code, field="所在村居")
    head = selectors.person_get(request.user, payload.head_id)
    h = services.household_create(actor=request.user, area=area, head=head, address=payload.address,
                                  start_date=payload.start_date)
    return Status(201, _household_detail(request.user, h.pk))


@router.post("/households/{household_id}/members", response={200: HouseholdDetail, codes_4xx: ErrorOut},
             summary="增加家庭成员", description="一人同一时间只能属于一个家庭；已在其他家庭的须先迁出。")
def add_member(request, household_id: int, payload: MemberAddIn):
    h = selectors.household_get(request.user, household_id)
    person = selectors.person_get(request.user, payload.person_id)
    services.household_add_member(actor=request.user, household=h, person=person, relation=payload.relation,
                                  start_date=payload.start_date)
    return _household_detail(request.user, h.pk)


@router.post("/households/{household_id}/members/{person_id}/remove",
             response={200: HouseholdDetail, codes_4xx: ErrorOut}, summary="移出家庭成员（户主除外）")
def remove_member(request, household_id: int, person_id: int, payload: MemberRemoveIn | None = None):
    payload = payload or MemberRemoveIn()
    h = selectors.household_get(request.user, household_id)
    person = selectors.person_get(request.user, person_id)
    services.household_remove_member(actor=request.user, household=h, person=person, end_date=payload.end_date,
                                     reason=payload.reason)
    return _household_detail(request.user, h.pk)


@router.post("/households/{household_id}/head", response={200: HouseholdDetail, codes_4xx: ErrorOut},
             summary="变更户主")
def change_head(request, household_id: int, payload: ChangeHeadIn):
    h = selectors.household_get(request.user, household_id)
    new_head = selectors.person_get(request.user, payload.new_head_id)
    services.household_change_head(actor=request.user, household=h, new_head=new_head,
                                   old_head_relation=payload.old_head_relation,
                                   relation_changes=payload.relation_changes)
    return _household_detail(request.user, h.pk)


@router.post("/households/{household_id}/split", response={201: HouseholdDetail, codes_4xx: ErrorOut},
             summary="分户", description="所选成员迁出组成新家庭，原户主留在原家庭；返回新家庭。")
def split_household(request, household_id: int, payload: SplitIn):
    h = selectors.household_get(request.user, household_id)
    members = [selectors.person_get(request.user, pk) for pk in dict.fromkeys(payload.member_ids)]
    new_head = next((p for p in members if p.pk == payload.new_head_id), None)
    if new_head is None:
        raise DomainError("新户主必须是分出的成员之一", field="新户主")
    area = area_by_code(payload.area_code, field="所在村居") if payload.area_code else None
    new = services.household_split(actor=request.user, household=h, members=members, new_head=new_head,
                                   address=payload.address, area=area, relations=payload.relations, on=payload.on)
    return Status(201, _household_detail(request.user, new.pk))


@router.post("/households/{household_id}/merge", response={200: HouseholdDetail, codes_4xx: ErrorOut},
             summary="并户", description="本家庭全部现有成员并入目标家庭，本家庭注销（历史保留）；返回目标家庭。")
def merge_household(request, household_id: int, payload: MergeIn):
    source = selectors.household_get(request.user, household_id)
    target = selectors.household_get(request.user, payload.target_id)
    services.household_merge(actor=request.user, source=source, target=target, relations=payload.relations,
                             on=payload.on)
    return _household_detail(request.user, target.pk)


# --- probable duplicates -------------------------------------------------------------------

@router.get("/duplicates", response={200: list[DuplicatePairOut], codes_4xx: ErrorOut}, summary="疑似重复人员",
            description="姓名（或拼音）与出生日期相同而身份证号不同的人员对，仅供人工审核，系统不会自动合并。")
def list_duplicates(request):
    return [DuplicatePairOut(a=PersonListItem.of(d["a"]), b=PersonListItem.of(d["b"]), reason=d["reason"])
            for d in selectors.duplicate_candidates(request.user)]


@router.post("/duplicates/review", response={200: DuplicateReviewOut, codes_4xx: ErrorOut},
             summary="审核疑似重复人员")
def review_duplicate(request, payload: DuplicateReviewIn):
    if payload.person_a_id == payload.person_b_id:
        raise DomainError("请选择两个不同的人员", field="人员乙")
    a = selectors.person_get(request.user, payload.person_a_id)
    b = selectors.person_get(request.user, payload.person_b_id)
    r = services.duplicate_review(actor=request.user, a=a, b=b, decision=payload.decision, note=payload.note)
    return DuplicateReviewOut(id=r.pk, person_a_id=r.person_a_id, person_b_id=r.person_b_id, decision=r.decision,
                              decision_label=r.get_decision_display(), note=r.note, reviewed_at=r.reviewed_at)
