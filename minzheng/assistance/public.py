"""The public door of 公示: anyone may object without logging in, so every objection first passes a rate limit (per
address and per notice) and a challenge the project serves itself; the objection then waits for staff review
(services.objection_decide) instead of taking the household off 公示 by itself."""

from django.conf import settings

from minzheng.core.challenge import challenge_check, challenge_issue
from minzheng.core.throttle import throttle

from . import services
from .models import Objection, Publicity

OBJECTION_RECEIVED = "异议已收到，所在镇（街道）民政部门将核实处理；核实期间公示照常进行"
TOO_MANY = "提交过于频繁，请稍后再试；如情况紧急，请直接向所在镇（街道）民政办反映"
NOTICE_FULL = "该公示收到的网上异议较多，已暂停网上受理；请直接向所在镇（街道）民政办反映"


def _purpose(notice_id: int) -> str:
    return f"objection:{notice_id}"


def public_challenge(request, notice_id: int) -> dict:
    throttle(request, group="gongshi.challenge", rate=settings.CHALLENGE_RATE_PER_IP, message=TOO_MANY)
    return challenge_issue(purpose=_purpose(notice_id))


def public_objection_file(request, publicity: Publicity, *, reason: str, objector_name: str, contact: str,
                          challenge_id: str, challenge_answer: str) -> Objection:
    throttle(request, group="gongshi.objection", rate=settings.OBJECTION_RATE_PER_IP, message=TOO_MANY)
    throttle(request, group="gongshi.objection.notice", rate=settings.OBJECTION_RATE_PER_NOTICE,
             key=f"notice:{publicity.pk}", message=NOTICE_FULL)
    challenge_check(purpose=_purpose(publicity.pk), challenge_id=challenge_id, answer=challenge_answer)
    return services.objection_file(actor=None, publicity=publicity, reason=reason, objector_name=objector_name,
                                   contact=contact)
