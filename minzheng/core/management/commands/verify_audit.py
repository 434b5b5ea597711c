from django.core.management.base import BaseCommand, CommandError

from minzheng.core.audit import verify_chain, verify_checkpoints


class Command(BaseCommand):
    help = "校验审计日志哈希链与检查点，指出第一条被篡改的记录或被删除的最新记录"

    def handle(self, *args, **options):
        checked, broken, reason = verify_chain()
        if broken is not None:
            raise CommandError(
                f"审计日志校验失败：第一条异常记录 #{broken.seq}（id={broken.pk}，{broken.action} "
                f"{broken.object_type}:{broken.object_id}）：{reason}。此前 {checked} 条完好。"
            )
        points, problem = verify_checkpoints()
        if problem:
            raise CommandError(f"审计日志校验失败：{problem}。")
        self.stdout.write(self.style.SUCCESS(f"审计日志完好：共 {checked} 条，哈希链连续。"))
        if points:
            self.stdout.write(f"与 {points} 个检查点一致。")
        else:
            self.stdout.write(self.style.WARNING("尚无检查点：请定期运行 manage.py audit_checkpoint。"))
