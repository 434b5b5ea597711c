"""REST API (django-ninja). Each app contributes a router; errors are JSON with a code and a Chinese message."""

import logging

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from minzheng.core.errors import DomainError

logger = logging.getLogger("minzheng.api")

api = NinjaAPI(title="智慧民政 API", version="1", auth=django_auth, urls_namespace="api",
               description="行政区划、人员、家庭与导入任务。所有接口均按登录用户的管辖区域过滤。")


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"code": "not_found", "message": "记录不存在或不在您的管辖范围内"}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"code": "unauthenticated", "message": "请先登录"}, status=401)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    message = "请求体不是有效的JSON或格式有误" if exc.status_code == 400 else "请求无法处理"
    return api.create_response(request, {"code": "bad_request", "message": message}, status=exc.status_code)


@api.exception_handler(Exception)
def _server_error(request, exc: Exception):
    # ninja's default answers with the traceback when DEBUG is on; the client never gets one, the log does.
    if isinstance(exc, (PermissionDenied, SuspiciousOperation, BadRequest)):
        raise exc  # Django answers these itself (400/403, an oversized body included), not as server errors
    logger.error("API %s %s failed", request.method, request.path, exc_info=exc)
    body = {"code": "server_error", "message": "服务器内部错误，请稍后重试或联系系统管理员"}
    return api.create_response(request, body, status=500)


_PYDANTIC_ZH = {
    "missing": "必填项未填写",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "bool_type": "应为是/否",
    "bool_parsing": "应为是/否",
    "date_type": "日期格式应为YYYY-MM-DD",
    "date_parsing": "日期格式应为YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为YYYY-MM-DD",
    "list_type": "应为列表",
    "extra_forbidden": "不允许的字段",
    "string_too_long": "内容过长",
}


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    # loc is ("body", "payload", "valid_from"): keep the field path the client sent.
    details = [{"field": ".".join(str(x) for x in e.get("loc", [])[1:] if x != "payload"),
                "message": _PYDANTIC_ZH.get(e.get("type"), e.get("msg", ""))} for e in exc.errors]
    first = f"{details[0]['field'] or '请求体'} {details[0]['message']}" if details else "请求体"
    return api.create_response(request, {"code": "invalid", "message": f"请求参数有误：{first}", "details": details},
                               status=422)


def _register_routers():
    from minzheng.areas.api import router as areas_router
    from minzheng.registry.api import router as registry_router
    from minzheng.registry.import_api import router as import_router

    api.add_router("/areas", areas_router)
    api.add_router("/accounts", __import__("minzheng.web.account_api", fromlist=["router"]).router)
    api.add_router("/carefacility", __import__("minzheng.carefacility.api", fromlist=["router"]).router)
    api.add_router("/assistance", __import__("minzheng.assistance.api", fromlist=["router"]).router)
    api.add_router("/children", __import__("minzheng.children.api", fromlist=["router"]).router)
    api.add_router("/eldercare", __import__("minzheng.eldercare.api", fromlist=["router"]).router)
    api.add_router("/imports", import_router)
    api.add_router("/monitoring", __import__("minzheng.monitoring.api", fromlist=["router"]).router)
    api.add_router("/payroll", __import__("minzheng.payroll.api", fromlist=["router"]).router)
    api.add_router("/batch", __import__("minzheng.batch.api", fromlist=["router"]).router)
    api.add_router("/verification", __import__("minzheng.verification.api", fromlist=["router"]).router)
    api.add_router("/homecare", __import__("minzheng.homecare.api", fromlist=["router"]).router)
    api.add_router("/timebank", __import__("minzheng.timebank.api", fromlist=["router"]).router)
    api.add_router("/socialorgs", __import__("minzheng.socialorgs.api", fromlist=["router"]).router)
    api.add_router("/community", __import__("minzheng.community.api", fromlist=["router"]).router)
    api.add_router("/socialwork", __import__("minzheng.socialwork.api", fromlist=["router"]).router)
    api.add_router("/volunteers", __import__("minzheng.volunteers.api", fromlist=["router"]).router)
    api.add_router("/marriage", __import__("minzheng.marriage.api", fromlist=["router"]).router)
    api.add_router("/funeral", __import__("minzheng.funeral.api", fromlist=["router"]).router)
    api.add_router("/placenames", __import__("minzheng.placenames.api", fromlist=["router"]).router)
    api.add_router("/rehab", __import__("minzheng.rehab.api", fromlist=["router"]).router)
    api.add_router("/charity", __import__("minzheng.charity.api", fromlist=["router"]).router)
    api.add_router("/lottery", __import__("minzheng.lottery.api", fromlist=["router"]).router)
    api.add_router("/vagrancy", __import__("minzheng.vagrancy.api", fromlist=["router"]).router)
    api.add_router("/lowincome", __import__("minzheng.lowincome.api", fromlist=["router"]).router)
    api.add_router("/", registry_router)


_register_routers()
