"""The public door of 婚姻登记 booking (no login): every booking first passes a rate limit per address and the
challenge the project serves itself (core.challenge, as the 公示 objection form does), then the service books it.
The page and the public API both come through here, so neither can be used to skip the other's checks."""

import datetime as dt

from django.conf import settings

from minzheng.core.challenge import challenge_check, challenge_issue
from minzheng.core.throttle import throttle

from . import services
from .models import Appointment, Office

PURPOSE = "marriage.book"
TOO_MANY = "预约过于频繁，请稍后再试"


def public_challenge(request) -> dict:
    throttle(request, group="marriage.challenge", rate=settings.CHALLENGE_RATE_PER_IP, message=TOO_MANY)
    return challenge_issue(purpose=PURPOSE)


def public_book(request, office: Office, *, day: dt.date, kind: str, name_a: str, id_number_a: str, phone: str,
                name_b: str, id_number_b: str, challenge_id: str, challenge_answer: str,
                today: dt.date) -> Appointment:
    throttle(request, group="marriage.book", rate=getattr(settings, "MARRIAGE_BOOKING_RATE_PER_IP", "20/h"),
             message=TOO_MANY)
    challenge_check(purpose=PURPOSE, challenge_id=challenge_id, answer=challenge_answer)
    return services.appointment_book(office=office, day=day, kind=kind, name_a=name_a, id_number_a=id_number_a,
                                     name_b=name_b, id_number_b=id_number_b, phone=phone, today=today)
