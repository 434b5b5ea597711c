"""REST API (django-ninja). Each app contributes a router; errors are JSON with a code and a Chinese message."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import django_auth

from minzheng.core.errors import DomainError

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


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    details = [{"field": ".".join(str(x) for x in e.get("loc", [])[1:]), "message": e.get("msg", "")}
               for e in exc.errors]
    first = details[0]["field"] if details else ""
    return api.create_response(
        request, {"code": "invalid", "message": f"请求参数有误：{first or '请求体'}", "details": details}, status=422)


def _register_routers():
    from minzheng.registry.api import router as registry_router
    from minzheng.areas.api import router as areas_router
    from minzheng.registry.import_api import router as import_router

    api.add_router("/areas", areas_router)
    api.add_router("/imports", import_router)
    api.add_router("/", registry_router)


_register_routers()
