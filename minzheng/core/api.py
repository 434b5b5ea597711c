"""Plumbing every app's REST router shares: the error body, an area reference and the role check."""

from ninja import Field, Schema

from minzheng.core.scope import require

__all__ = ["AreaRef", "ChallengeOut", "ErrorOut", "require"]


class ErrorOut(Schema):
    code: str = Field(description="错误代码（供程序判断）")
    message: str = Field(description="中文错误说明")
    field: str | None = Field(None, description="出错的字段（中文名）")


class ChallengeOut(Schema):
    """A public form's verification question (core.challenge): the 公示 objection, the marriage booking."""
    challenge_id: str = Field(description="验证题编号，与表单一并提交")
    question: str = Field(description="验证题（中文数字的加法）")
    expires_in: int = Field(description="有效期（秒）；每题只能作答一次")


class AreaRef(Schema):
    code: str = Field(description="区划代码")
    name: str = Field(description="区划名称")

    @staticmethod
    def of(area):
        return AreaRef(code=area.code, name=area.name) if area else None
