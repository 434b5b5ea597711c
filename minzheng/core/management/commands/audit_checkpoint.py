from django.core.management.base import BaseCommand, CommandError

from minzheng.core.audit import checkpoint_write


class Command(BaseCommand):
    help = "把审计日志哈希链的最新一条写入库外的检查点文件（定期运行，如每 10 分钟）"

    def handle(self, *args, **options):
        try:
            point = checkpoint_write()
        except RuntimeError as e:
            raise CommandError(f"未写入检查点：{e}") from e
        if point is None:
            self.stdout.write("审计日志为空，无需写检查点。")
        else:
            self.stdout.write(self.style.SUCCESS(f"已写入检查点：第 {point['seq']} 条。"))
