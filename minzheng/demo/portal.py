"""居民掌上办 demo: one household head of 礼乐街道's first demo village gets the demo phone number, so the portal
can be tried at /portal/ with a one-time code (the console sender writes it to the server log)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.areas.models import Area
from minzheng.registry.models import Household, Person
from minzheng.registry.services import person_update

DEMO_PHONE = "13800138000"
VILLAGE = "440704005001"


def seed_portal_demo(today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    if Person.objects.filter(phone=DEMO_PHONE).exists():
        return f"演示手机号{DEMO_PHONE}已登记，跳过"
    village = Area.objects.current().filter(code=VILLAGE).first()
    town = User.objects.filter(username="jh_lile").first()
    if village is None or town is None:
        return "缺少演示村居或镇街账号，跳过居民掌上办演示数据"
    young, old = dt.date(today.year - 30, 1, 1), dt.date(today.year - 59, 1, 1)
    head_ids = Household.objects.filter(area=village, dissolved_on__isnull=True).values("head_id")
    person = (Person.objects.filter(pk__in=head_ids, death_date__isnull=True, birth_date__lt=young,
                                    birth_date__gt=old).order_by("id").first())
    if person is None:
        return "演示村居没有合适的户主，跳过居民掌上办演示数据"
    with transaction.atomic():
        person_update(actor=town, person=person, phone=DEMO_PHONE, today=today)
    return f"{person.name}（{village.name}）可用手机号{DEMO_PHONE}登录 /portal/，验证码显示在服务器日志中"
