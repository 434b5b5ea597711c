"""Roles of DESIGN §2 and what each may do. Scope (which areas) is separate: see core.scope."""

from django.db import models


class Role(models.TextChoices):
    VILLAGE = "village", "村(居)工作人员"
    TOWN = "town", "镇街民政办/社工站"
    COUNTY = "county", "县区民政局"
    CITY = "city", "市民政局"
    PROVIDER = "provider", "服务机构"
    RESIDENT = "resident", "居民"
    AUDITOR = "auditor", "审计/纪检"
    ADMIN = "admin", "系统管理员"


class Cap:
    REGISTRY_VIEW = "registry.view"
    REGISTRY_EDIT = "registry.edit"
    REGISTRY_VIEW_FULL = "registry.view_full"  # unmasked 身份证号, phone, bank account
    HOUSEHOLD_MANAGE = "household.manage"
    REGISTRY_IMPORT = "registry.import"
    REGISTRY_EXPORT = "registry.export"
    DUPLICATE_REVIEW = "registry.duplicate_review"
    AUDIT_VIEW = "audit.view"
    POLICY_EDIT = "policy.edit"


_STAFF_READ = {Cap.REGISTRY_VIEW, Cap.REGISTRY_EXPORT}
CAPABILITIES: dict[str, frozenset[str]] = {
    Role.VILLAGE: frozenset(_STAFF_READ | {Cap.REGISTRY_EDIT}),
    Role.TOWN: frozenset(_STAFF_READ | {Cap.REGISTRY_EDIT, Cap.REGISTRY_VIEW_FULL, Cap.HOUSEHOLD_MANAGE,
                                        Cap.REGISTRY_IMPORT}),
    Role.COUNTY: frozenset(_STAFF_READ | {Cap.REGISTRY_EDIT, Cap.REGISTRY_VIEW_FULL, Cap.HOUSEHOLD_MANAGE,
                                          Cap.REGISTRY_IMPORT, Cap.DUPLICATE_REVIEW}),
    Role.CITY: frozenset(_STAFF_READ | {Cap.REGISTRY_VIEW_FULL, Cap.DUPLICATE_REVIEW, Cap.AUDIT_VIEW,
                                        Cap.POLICY_EDIT}),
    Role.AUDITOR: frozenset(_STAFF_READ | {Cap.REGISTRY_VIEW_FULL, Cap.AUDIT_VIEW}),
    Role.PROVIDER: frozenset(),
    Role.RESIDENT: frozenset(),
    Role.ADMIN: frozenset(_STAFF_READ | {Cap.REGISTRY_EDIT, Cap.REGISTRY_VIEW_FULL, Cap.HOUSEHOLD_MANAGE,
                                         Cap.REGISTRY_IMPORT, Cap.DUPLICATE_REVIEW, Cap.AUDIT_VIEW, Cap.POLICY_EDIT}),
}

ACTION_LABELS = {
    Cap.REGISTRY_VIEW: "查看人员信息",
    Cap.REGISTRY_EDIT: "登记或修改人员信息",
    Cap.REGISTRY_VIEW_FULL: "查看完整身份证号、电话和银行账号",
    Cap.HOUSEHOLD_MANAGE: "办理家庭成员变更",
    Cap.REGISTRY_IMPORT: "批量导入",
    Cap.REGISTRY_EXPORT: "导出名单",
    Cap.DUPLICATE_REVIEW: "审核疑似重复人员",
    Cap.AUDIT_VIEW: "查看审计日志",
    Cap.POLICY_EDIT: "维护政策参数",
}
