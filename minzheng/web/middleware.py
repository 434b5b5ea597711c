"""Malformed requests are refused before any view runs, in Chinese, never as a 500.

Three kinds of input break a request before a form or a schema can judge it: a multipart body without its
boundary (Django cannot split it), a body above DATA_UPLOAD_MAX_MEMORY_SIZE (413, not a crash), and a NUL character
in a query parameter or a submitted value (PostgreSQL refuses it in any text, even in a search). The API answers in
its usual shape {"code", "message", "field"}; pages answer with a Chinese error page. File contents are not
inspected: an uploaded workbook legitimately holds NUL bytes.
"""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

NUL = "\x00"
MSG_BOUNDARY = "上传表单的格式有误（缺少分隔符），请在页面上重新选择文件提交"
MSG_NUL = "{field}含有不可见的空字符，请删除后重试"


def _too_large() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    size = f"{limit / 1024 / 1024:g} MB" if limit >= 1024 * 1024 else f"{limit} 字节"
    return f"提交的内容过大（表单和数据最多{size}）"


def _nul_path(value, path: str = "") -> str | None:
    """Where a NUL sits in a decoded JSON value: "members.0.relation" (the API's field notation), or None."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        key = str(key)
        here = f"{path}.{key}" if path else key
        if NUL in key:
            return here
        found = _nul_path(item, here)
        if found is not None:
            return found
    return None


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            problem = self._problem(request)
        except RequestDataTooBig:
            problem = (413, "too_large", _too_large(), None)
        except MultiPartParserError:
            problem = (400, "bad_request", MSG_BOUNDARY, None)
        if problem:
            return self._answer(request, *problem)
        return self.get_response(request)

    def process_exception(self, request, exc):
        # A view that reads request.POST/FILES/body itself (uploads) meets the same errors.
        if isinstance(exc, RequestDataTooBig):
            return self._answer(request, 413, "too_large", _too_large(), None)
        if isinstance(exc, MultiPartParserError):
            return self._answer(request, 400, "bad_request", MSG_BOUNDARY, None)
        return None

    def _problem(self, request):
        content_type = request.META.get("CONTENT_TYPE", "")
        is_multipart = content_type.lower().startswith("multipart/")
        if is_multipart and "boundary=" not in content_type.lower():
            return 400, "bad_request", MSG_BOUNDARY, None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        # Multipart uploads are limited per field by Django while parsing (files are streamed to disk).
        if not is_multipart and limit is not None and length > limit:
            return 413, "too_large", _too_large(), None
        if NUL in request.path:  # a path parameter (an area code, a kind) reaches the database as text too
            return 400, "bad_request", MSG_NUL.format(field="网址"), None
        for key, values in request.GET.lists():
            if NUL in key or any(NUL in v for v in values):
                return 400, "bad_request", MSG_NUL.format(field=key.replace(NUL, "")), key.replace(NUL, "")
        if request.method in ("GET", "HEAD", "OPTIONS") or not length:
            return None
        if content_type.startswith("application/json"):
            body = request.body
            if b"\\u0000" in body or b"\x00" in body:
                try:
                    data = json.loads(body)
                except ValueError:
                    return 400, "bad_request", MSG_NUL.format(field="请求体"), None
                where = _nul_path(data)
                if where is not None:
                    return 400, "bad_request", MSG_NUL.format(field=where or "请求体"), where or None
        elif is_multipart or content_type.startswith("application/x-www-form-urlencoded"):
            for key, values in request.POST.lists():
                if NUL in key or any(NUL in v for v in values):
                    return 400, "bad_request", MSG_NUL.format(field=key.replace(NUL, "")), key.replace(NUL, "")
        return None

    def _answer(self, request, status: int, code: str, message: str, field: str | None):
        if request.path.startswith("/api/"):
            body = {"code": code, "message": message}
            if field:
                body["field"] = field
            return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
        html = render_to_string("web/bad_input.html", {"message": message}, request=request)
        return HttpResponse(html, status=status)


class PasswordExpiryMiddleware:
    """GB/T 22239-2019 8.1.4.1 a): a password past PASSWORD_MAX_AGE_DAYS, or set by an administrator, must be
    changed before anything else. Pages redirect to the change form; the API answers 403 in Chinese."""

    ALLOWED = ("/account/password/", "/logout/", "/healthz/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from minzheng.accounts.passwords import password_expired

        user = getattr(request, "user", None)
        if user is not None and not request.path.startswith(self.ALLOWED) and password_expired(user):
            message = "您的密码已过期或由管理员设置，请先修改密码"
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "password_expired", "message": message}, status=403,
                                    json_dumps_params={"ensure_ascii": False})
            from django.shortcuts import redirect

            return redirect("web:password_change")
        return self.get_response(request)
