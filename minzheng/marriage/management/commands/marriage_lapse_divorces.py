from django.core.management.base import BaseCommand

from minzheng.core.periods import local_date
from minzheng.marriage.services import divorce_lapse_overdue


class Command(BaseCommand):
    help = "离婚冷静期届满后30日内未申请发证的离婚申请视为撤回（每日运行，可重复运行）"

    def handle(self, *args, **options):
        n = divorce_lapse_overdue(today=local_date())
        self.stdout.write(f"视为撤回的离婚申请：{n}件")
