"""Stand-in views for the replay tests (core/idempotency.py), behind their own URLconf: a payment that writes its
audit entry and answers 201 with a Location, a payment whose first attempt writes and then crashes, and an export
that streams a file. Each counts how often it really ran."""

import itertools
import threading

from django.db import transaction
from django.http import JsonResponse, StreamingHttpResponse
from django.urls import path

from minzheng.core import audit

ran = {"pay": 0, "flaky": 0, "export": 0}
# The concurrency story holds the first payment open after its write until the test releases it.
gate = {"hold": False, "entered": threading.Event(), "release": threading.Event()}
_numbers = itertools.count(1)


def reset() -> None:
    for name in ran:
        ran[name] = 0
    gate["hold"] = False
    gate["entered"] = threading.Event()
    gate["release"] = threading.Event()


def _pay(request, action: str):
    number = next(_numbers)
    with transaction.atomic():  # the service's own transaction, as every service has
        audit.record(actor=request.user, action=action, object_type="payment", object_id=number,
                     after={"amount": request.POST.get("amount", "")})
    response = JsonResponse({"payment": number, "amount": request.POST.get("amount", "")}, status=201)
    response["Location"] = f"/payments/{number}/"
    return response


def pay(request):
    ran["pay"] += 1
    response = _pay(request, "payment.pay")
    if gate["hold"]:
        gate["entered"].set()
        gate["release"].wait(30)
    return response


def flaky_pay(request):
    ran["flaky"] += 1
    response = _pay(request, "payment.flaky")
    if ran["flaky"] == 1:
        raise RuntimeError("the first attempt crashes after its write")
    return response


def export(request):
    ran["export"] += 1
    with transaction.atomic():
        audit.record(actor=request.user, action="payment.export", object_type="payment", object_id=0)
    response = StreamingHttpResponse((f"{i},发放\n".encode() for i in range(3)), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="payments.csv"'
    return response


urlpatterns = [
    path("pay/", pay),
    path("flaky/", flaky_pay),
    path("export/", export),
]
