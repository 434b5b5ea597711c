"""账号管理 REST API: the administration pages' operations for an administrator's own areas (a county admin inside
the county only). Every write goes through accounts/services.py and is audited; an account outside one's areas is
answered exactly like an absent one (404)."""

from typing import Annotated

from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from minzheng.accounts import selectors
from minzheng.accounts import services as accounts
from minzheng.accounts.roles import Cap
from minzheng.core.api import AreaRef, ErrorOut, require
from minzheng.core.inputs import Offset, RecordId

router = Router(tags=["账号管理"])
ERR = {codes_4xx: ErrorOut}
AreaCode = Annotated[str, Field(min_length=2, max_length=12, pattern=r"^\d+$")]
Password = Annotated[str, Field(min_length=1, max_length=128, description="密码（复杂度与有效期见等保2.0要求）")]


class UserAccountOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    is_active: bool
    must_change_password: bool = Field(description="下次登录须修改密码")
    locked: bool = Field(description="是否因多次密码错误被锁定")
    areas: list[AreaRef]

    @staticmethod
    def of(user) -> "UserAccountOut":
        return UserAccountOut(id=user.pk, username=user.username, display_name=user.display_name, role=user.role,
                          role_label=user.role_label, is_active=user.is_active,
                          must_change_password=user.must_change_password, locked=selectors.locked_out(user),
                          areas=[AreaRef.of(a.area) for a in user.area_assignments.all()])


class UserAccountIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    display_name: str = Field(min_length=1, max_length=64)
    role: str = Field(max_length=16, description="village/town/county/city/provider/resident/auditor/admin")
    areas: list[AreaCode] = Field(min_length=1, max_length=50, description="管辖区域的区划代码")
    password: Password


class UserRoleIn(Schema):
    role: str = Field(max_length=16)


class UserAreasIn(Schema):
    areas: list[AreaCode] = Field(min_length=1, max_length=50)


class UserPasswordIn(Schema):
    password: Password


class UserDeactivateIn(Schema):
    reason: str = Field(min_length=1, max_length=200, description="停用原因")


class UserUnlockOut(Schema):
    cleared: int = Field(description="解除的锁定记录数")


@router.get("/users", response={200: list[UserAccountOut], **ERR}, summary="本辖区的账号")
def list_users(request, offset: Offset = 0):
    require(request.user, Cap.ACCOUNT_MANAGE)
    return [UserAccountOut.of(u) for u in selectors.managed_users(request.user)[offset:offset + 100]]


@router.post("/users", response={201: UserAccountOut, **ERR}, summary="新建账号（须在本人管辖区域内）")
def create_user(request, payload: UserAccountIn):
    user = accounts.account_create(actor=request.user, username=payload.username, display_name=payload.display_name,
                                   role=payload.role, area_codes=payload.areas, password=payload.password)
    return Status(201, UserAccountOut.of(selectors.managed_user(request.user, user.pk)))


@router.get("/users/{user_id}", response={200: UserAccountOut, **ERR}, summary="账号详情")
def get_user(request, user_id: RecordId):
    return UserAccountOut.of(selectors.managed_user(request.user, user_id))


def _act(request, user_id: int, fn, **kw) -> UserAccountOut:
    target = selectors.managed_user(request.user, user_id)
    fn(actor=request.user, user=target, **kw)
    return UserAccountOut.of(selectors.managed_user(request.user, user_id))


@router.post("/users/{user_id}/role", response={200: UserAccountOut, **ERR}, summary="修改角色")
def set_role(request, user_id: RecordId, payload: UserRoleIn):
    return _act(request, user_id, accounts.account_set_role, role=payload.role)


@router.post("/users/{user_id}/areas", response={200: UserAccountOut, **ERR}, summary="修改管辖区域")
def set_areas(request, user_id: RecordId, payload: UserAreasIn):
    return _act(request, user_id, accounts.account_set_areas, area_codes=payload.areas)


@router.post("/users/{user_id}/reset-password", response={200: UserAccountOut, **ERR},
             summary="重置密码（用户下次登录须修改）")
def reset_password(request, user_id: RecordId, payload: UserPasswordIn):
    return _act(request, user_id, accounts.account_reset_password, password=payload.password)


@router.post("/users/{user_id}/deactivate", response={200: UserAccountOut, **ERR}, summary="停用账号")
def deactivate(request, user_id: RecordId, payload: UserDeactivateIn):
    return _act(request, user_id, accounts.account_deactivate, reason=payload.reason)


@router.post("/users/{user_id}/reactivate", response={200: UserAccountOut, **ERR}, summary="启用账号")
def reactivate(request, user_id: RecordId):
    return _act(request, user_id, accounts.account_reactivate)


@router.post("/users/{user_id}/unlock", response={200: UserUnlockOut, **ERR}, summary="解除登录锁定")
def unlock(request, user_id: RecordId):
    target = selectors.managed_user(request.user, user_id)
    return UserUnlockOut(cleared=accounts.account_unlock(actor=request.user, user=target))
