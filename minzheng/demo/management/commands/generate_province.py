"""manage.py generate_province --persons N [--feeds-as-of YYYY-MM-DD]"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from minzheng.areas.models import Area
from minzheng.demo.province import generate_feeds, generate_province


class Command(BaseCommand):
    help = ("生成全省演示数据：广东21个地级市（GB/T 2260代码）、指定人数的低保家庭，"
            "并植入跨市重复、死亡仍发放、互斥项目和一卡多人")

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, required=True, help="人数（每户2人）")
        parser.add_argument("--feeds-as-of", type=dt.date.fromisoformat, default=None,
                            help="同时生成该日的部门核对数据（人社工资、税务、养老金、银行存款、公安死亡）")

    def handle(self, *args, persons, feeds_as_of, **opts):
        if persons < 2:
            raise CommandError("人数至少为2")
        if not Area.objects.current().filter(code="440000").exists():
            raise CommandError("尚未载入行政区划：请先运行 manage.py setup_demo 或载入 data/areas")
        planted = generate_province(persons=persons)
        self.stdout.write(f"全省演示：{persons:,} 人；植入跨市重复 {len(planted.two_cities)} 人、死亡仍发放 "
                          f"{len(planted.deceased)} 人、互斥项目 {len(planted.excluded)} 人、一卡多人 "
                          f"{len(planted.shared_account)} 人")
        if feeds_as_of:
            from minzheng.accounts.models import User

            actor = User.objects.filter(is_superuser=True).order_by("pk").first() or User.objects.order_by("pk").first()
            if actor is None:
                raise CommandError("生成部门数据需要至少一个用户账号")
            rows = generate_feeds(actor=actor, as_of=feeds_as_of)
            self.stdout.write(f"部门核对数据：{rows:,} 行（截至 {feeds_as_of}）")
