"""A small challenge the project serves itself before an anonymous write (no outside CAPTCHA service): a sum written
in Chinese numerals, answered once within ten minutes. Kept in the shared "throttle" cache."""

import secrets

from django.core.cache import caches

from .errors import DomainError

TTL_SECONDS = 600
NUMERALS = "零一二三四五六七八九"


def _cache():
    return caches["throttle"]


def challenge_issue(*, purpose: str) -> dict:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    challenge_id = secrets.token_urlsafe(16)
    _cache().set(f"challenge:{challenge_id}", {"purpose": purpose, "answer": str(a + b)}, TTL_SECONDS)
    return {"challenge_id": challenge_id, "question": f"{NUMERALS[a]}加{NUMERALS[b]}等于几？（请填写阿拉伯数字）",
            "expires_in": TTL_SECONDS}


def challenge_check(*, purpose: str, challenge_id: str, answer: str) -> None:
    """One answer per challenge: it is used up whether right or wrong, so it can't be guessed at."""
    key = f"challenge:{(challenge_id or '').strip()[:64]}"
    stored = _cache().get(key)
    if stored is None or not _cache().delete(key) or stored["purpose"] != purpose:
        raise DomainError("验证题已失效，请刷新页面（或重新获取验证题）后再提交", code="challenge_expired",
                          field="验证答案")
    if (answer or "").strip() != stored["answer"]:
        raise DomainError("验证答案不正确，请重新获取验证题后再提交", code="challenge_failed", field="验证答案")
