"""Put every 特殊困难老年人 on the month's visit list, for every city in the area tree (default: this month).
Idempotent — run it on the 1st of each month (cron); a rerun adds only elders who became due since."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from minzheng.areas.models import Area, Level
from minzheng.eldercare.services import visit_plan_month


class Command(BaseCommand):
    help = "生成特殊困难老年人月探访计划（可重复运行，不会重复列入）"

    def add_arguments(self, parser):
        parser.add_argument("--month", help="月份，格式YYYY-MM，默认本月")

    def handle(self, *args, month=None, **options):
        try:
            day = dt.date.fromisoformat(f"{month}-01") if month else timezone.localdate().replace(day=1)
        except ValueError:
            raise CommandError(f"月份“{month}”格式应为YYYY-MM") from None
        total = 0
        for city in Area.objects.current(day).filter(level=Level.CITY).order_by("code"):
            added = visit_plan_month(actor=None, area=city, month=day)
            total += added
            if added:
                self.stdout.write(f"{city.name}：新增{added}人")
        self.stdout.write(f"{day:%Y年%m月}探访计划：共新增{total}人")
