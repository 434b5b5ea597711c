"""One-time code senders. settings.PORTAL_CODE_SENDER names the class; a production deployment plugs in its SMS
gateway here. The console sender (demo, tests) writes the code to the server log and keeps the last messages in
memory — it never sends a real SMS."""

import logging
from collections import deque

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("minzheng.portal")


class CodeSender:
    def send(self, phone: str, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleSender(CodeSender):
    outbox: deque[tuple[str, str]] = deque(maxlen=100)

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))
        log.warning("【掌上办验证码】%s：%s", phone, text)


def sender() -> CodeSender:
    return import_string(getattr(settings, "PORTAL_CODE_SENDER", "minzheng.portal.senders.ConsoleSender"))()
