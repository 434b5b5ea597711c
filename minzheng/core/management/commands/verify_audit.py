from django.core.management.base import BaseCommand, CommandError

from minzheng.core.audit import verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链，指出第一条被篡改的记录"

    def handle(self, *args, **options):
        checked, broken, reason = verify_chain()
        if broken is not None:
            raise CommandError(
                f"审计日志校验失败：第一条异常记录 #{broken.seq}（id={broken.pk}，{broken.action} "
                f"{broken.object_type}:{broken.object_id}）：{reason}。此前 {checked} 条完好。"
            )
        self.stdout.write(self.style.SUCCESS(f"审计日志完好：共 {checked} 条，哈希链连续。"))
