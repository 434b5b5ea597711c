"""Template helpers: capability checks and the user's areas for the page header."""

from django import template

from minzheng.areas.selectors import top_areas
from minzheng.core.idcard import mask
from minzheng.web.widgets import area_picker_attrs, as_html_attrs, person_chosen_attrs, person_picker_attrs

register = template.Library()


@register.filter
def can(user, capability: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.can(capability)


@register.simple_tag
def user_areas(user) -> str:
    if not getattr(user, "is_authenticated", False):
        return ""
    return "、".join(a.name for a in top_areas(user))


@register.filter
def masked(id_number: str) -> str:
    return mask(id_number)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for k, v in changes.items():
        params[k] = v
    return params.urlencode()


ACTION_NAMES = {
    "person.create": "登记人员",
    "person.update": "修改人员信息",
    "person.view_full": "查看完整信息",
    "person.export": "导出名单",
    "person.category_add": "添加人员类别",
    "person.category_end": "终止人员类别",
    "person.duplicate_review": "审核疑似重复",
    "household.create": "新建家庭",
    "household.add_member": "添加家庭成员",
    "household.remove_member": "移除家庭成员",
    "household.change_head": "变更户主",
    "household.split": "分户",
    "household.merge_out": "并户（迁出）",
    "household.merge_in": "并户（迁入）",
    "user.create": "创建用户",
    "user.lockout": "账号锁定",
    "area.create": "新增行政区划",
    "facility.register": "养老服务设施备案",
    "facility.status": "机构状态变更",
    "facility.capacity": "核定床位变更",
    "bed.add": "登记床位",
    "bed.status": "床位状态变更",
    "facility.risk_assess": "服务安全风险评估",
    "facility.admit": "办理入住",
    "facility.discharge": "办理退住",
    "facility.star_evaluate": "养老机构等级评定",
    "inspection.draw": "双随机抽取",
    "inspection.record": "录入检查结果",
    "inspection.rectify": "确认整改完成",
    "inspection.close": "检查办结",
    "retrofit.apply": "适老化改造申请",
    "retrofit.assess": "适老化改造评估",
    "retrofit.reject": "不予改造",
    "retrofit.start": "适老化改造开工",
    "retrofit.accept": "适老化改造验收",
    # 大儿童保障 (children/services.py)
    "children.org_create": "登记儿童保护机构",
    "children.appointment_create": "儿童工作人员任职",
    "children.appointment_end": "儿童工作人员离任",
    "children.training_record": "登记儿童工作人员培训",
    "children.file_save": "登记儿童档案",
    "children.guardian_add": "登记监护人",
    "children.guardian_end": "终止监护关系",
    "children.visit_record": "登记儿童走访",
    "children.report_file": "接收强制报告",
    "children.case_open": "儿童保护个案立案",
    "children.case_assign": "指派个案社工",
    "children.case_verify": "个案核查",
    "children.case_emergency": "应急处置",
    "children.case_assess": "风险评估",
    "children.case_plan": "制定帮扶计划",
    "children.referral_create": "个案转介",
    "children.referral_respond": "登记转介答复",
    "children.referral_done": "转介办结",
    "children.case_follow_up": "个案跟进回访",
    "children.case_intervention": "监护干预",
    "children.case_revocation": "申请撤销监护人资格",
    "children.case_close": "个案结案",
    "children.case_reopen": "个案重新开启",
    "children.state_care_intake": "国家监护接收",
    "children.placement_change": "变更安置方式",
    "children.state_care_exit": "离开国家监护",
    "children.adoption_register": "收养登记",
    "children.adoption_dissolve": "解除收养关系",
    "children.export": "导出儿童名单",
}


@register.filter
def action_label(action: str) -> str:
    return ACTION_NAMES.get(action, action)


@register.filter
def kv(value) -> str:
    """A compact one-line rendering of an audit before/after dict."""
    if not value:
        return ""
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items())
    return str(value)


@register.filter
def cite(value) -> str:
    """A citation as a document reference (core.citations): never a file path or an internal id on a page."""
    from minzheng.core.citations import readable

    return readable(value)


@register.simple_tag
def area_picker(depth: str = "village", least: str = "city", public: bool = False, multi: bool = False) -> str:
    """Attributes turning an area-code `<input>` into the cascading 市 → 县区 → 镇街 → 村居 picker (web/pickers.js)."""
    return as_html_attrs(area_picker_attrs(depth=depth, least=least, public=public, multi=multi))


@register.simple_tag
def person_picker(purpose: str = "", chosen=None) -> str:
    """Attributes turning a 身份证号 `<input>` into the person search-as-you-type (web/pickers.js); `chosen`: the
    person already chosen, when the form comes back with an error."""
    return as_html_attrs(person_picker_attrs(purpose=purpose) | person_chosen_attrs(chosen))
