"""Domain errors: a code for machines and a Chinese message (naming the field) for people."""


class DomainError(Exception):
    status = 400
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, details=None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field
        self.details = details

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        if self.details is not None:
            body["details"] = self.details
        return body


class NotFound(DomainError):
    status = 404
    default_code = "not_found"

    def __init__(self, message: str = "记录不存在或不在您的管辖范围内", **kw):
        super().__init__(message, **kw)


class Forbidden(DomainError):
    status = 403
    default_code = "forbidden"

    def __init__(self, message: str = "您没有执行此操作的权限", **kw):
        super().__init__(message, **kw)


class Conflict(DomainError):
    status = 409
    default_code = "conflict"


class TooManyRequests(DomainError):
    status = 429
    default_code = "rate_limited"
