"""manage.py generate_demo --area CODE --persons N --seed S [--villages-per-town K] [--csv PATH]"""

import datetime as dt
import time
import tracemalloc

from django.core.management.base import BaseCommand, CommandError

from minzheng.areas.models import Area
from minzheng.demo import population as demo


class Command(BaseCommand):
    help = "生成确定性的演示人口（同一区划、人数和随机种子，结果完全相同），写入数据库或导出为导入用CSV"

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="区划代码，如 441800（清远市）、445322100（都城镇）")
        parser.add_argument("--persons", type=int, required=True, help="人数")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认1）")
        parser.add_argument("--villages-per-town", type=int, default=5,
                            help="尚无村居的镇街各生成几个演示村居（默认5）")
        parser.add_argument("--csv", metavar="PATH",
                            help="不写数据库，改为输出导入用CSV（UTF-8带BOM）；无村居时使用镇街代码")
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None,
                            help="年龄计算基准日（默认当年1月1日）")
        parser.add_argument("--memory", action="store_true", help="同时报告Python内存峰值（较慢）")

    def handle(self, *args, area, persons, seed, villages_per_town, csv, as_of, memory, **opts):
        if memory:
            tracemalloc.start()
        started = time.monotonic()
        try:
            if csv:
                plan = self._csv_plan(area, persons, seed, as_of)
            else:
                plan = demo.plan_from_db(area_code=area, persons=persons, seed=seed, as_of=as_of,
                                         villages_per_town=villages_per_town)
        except demo.DemoError as e:
            raise CommandError(str(e))
        self.stdout.write(f"{plan.area_name}（{plan.area_code}）：{plan.persons:,} 人，种子 {plan.seed}，"
                          f"基准日 {plan.as_of}，{len(plan.places)} 个村居/镇街，校准辖区 {plan.calibration.name}")
        every = max(1, plan.chunk_count // 20)
        done_chunks = [0]

        def progress(done, total, seconds):
            done_chunks[0] += 1
            if done_chunks[0] % every == 0 or done >= total:
                self.stdout.write(f"  {done:,} / {total:,} 人，{done / seconds if seconds else 0:,.0f} 行/秒")

        if csv:
            result = demo.write_csv(plan, csv, progress=progress)
        else:
            result = demo.write_db(plan, progress=progress)
        if result.chunks_skipped and not result.chunks_written:
            self.stdout.write(self.style.WARNING("该区划以此种子生成的演示人口已存在，未重复写入"))
        elif result.chunks_skipped:
            self.stdout.write(f"  跳过已写入的 {result.chunks_skipped} 批，续写 {result.chunks_written} 批")
        labels = dict(demo.Category.choices)
        cats = "，".join(f"{labels[c]} {n:,}" for c, n in sorted(result.categories.items(), key=lambda x: -x[1]))
        self.stdout.write(f"人员 {result.persons:,}，家庭 {result.households:,}，成员关系 {result.memberships:,}")
        if cats:
            self.stdout.write(f"类别：{cats}")
        total = time.monotonic() - started
        msg = (f"完成：{result.persons:,} 人用时 {result.seconds:.1f} 秒（{result.rows_per_second:,.0f} 行/秒），"
               f"总用时 {total:.1f} 秒")
        if memory:
            _, peak = tracemalloc.get_traced_memory()
            msg += f"，Python内存峰值 {peak / 2**20:.0f} MB"
        self.stdout.write(self.style.SUCCESS(msg + (f"，已写入 {csv}" if csv else "")))

    def _csv_plan(self, area, persons, seed, as_of):
        from django.db import DatabaseError


        try:
            in_db = Area.objects.current().filter(code=area).exists()
        except DatabaseError:
            in_db = False
        if in_db:
            return demo.plan_from_db(area_code=area, persons=persons, seed=seed, as_of=as_of, create_villages=False)
        return demo.plan_from_reference_csv(area_code=area, persons=persons, seed=seed, as_of=as_of)
