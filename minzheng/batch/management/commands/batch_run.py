"""manage.py batch_run --job supervision|verification|monitoring --period YYYY-MM [--engine embedded|spark]"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from minzheng.batch.models import Engine, Job
from minzheng.batch.services import job_run
from minzheng.core.errors import DomainError


def _month(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text + "-01" if len(text) == 7 else text).replace(day=1)
    except ValueError:
        raise CommandError(f"期间“{text}”格式应为 YYYY-MM")


class Command(BaseCommand):
    help = "运行全省批处理作业（核对、跨市资金监管、规划监测汇总），结果写回本库并记入审计日志"

    def add_arguments(self, parser):
        parser.add_argument("--job", required=True, choices=Job.values)
        parser.add_argument("--period", required=True, type=_month, help="月份 YYYY-MM（规划监测取其年度）")
        parser.add_argument("--engine", default=settings.MINZHENG_BATCH_ENGINE, choices=Engine.values)
        parser.add_argument("--master", default=None, help="Spark master，如 local[2] 或 spark://127.0.0.1:7077")

    def handle(self, *args, job, period, engine, master, **opts):
        try:
            run = job_run(actor=None, job=job, engine=engine, period=period, master=master)
        except DomainError as e:
            raise CommandError(e.message)
        self.stdout.write(f"{run.get_job_display()}（{run.get_engine_display()}）{period:%Y年%m月}："
                          f"结果 {run.rows:,} 行，新增 {run.new_rows:,} 行，用时 {run.seconds:.1f} 秒")
