from django.core.management.base import BaseCommand, CommandError

from minzheng.core.errors import DomainError
from minzheng.policy.services import load_policy_data


class Command(BaseCommand):
    help = "载入 data/policy/ 中的政策标准、派生公式和调标校验规则（可重复运行）"

    def handle(self, *args, **options):
        try:
            counts = load_policy_data()
        except DomainError as e:
            raise CommandError(e.message) from None
        self.stdout.write(f"政策参数：新增标准 {counts['standards']} 条，公式 {counts['formulas']} 条，"
                          f"校验规则 {counts['checks']} 条")
