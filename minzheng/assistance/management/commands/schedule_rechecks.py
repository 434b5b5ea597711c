"""Open the 复核 tasks due by a date (default today): one per active case whose next 复核 date has come and that
has no open task. Idempotent — run it daily (cron); a rerun, or a rerun after a crash, adds nothing twice."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from minzheng.assistance.rechecks import recheck_schedule


class Command(BaseCommand):
    help = "生成到期的复核任务（可重复运行，不会重复生成）"

    def add_arguments(self, parser):
        parser.add_argument("--on", help="生成应复核日期不晚于该日的任务，格式YYYY-MM-DD，默认今天")

    def handle(self, *args, on=None, **options):
        try:
            day = dt.date.fromisoformat(on) if on else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期“{on}”格式应为YYYY-MM-DD") from None
        created = recheck_schedule(on=day)
        self.stdout.write(f"{day.isoformat()}：新生成复核任务{created}个")
