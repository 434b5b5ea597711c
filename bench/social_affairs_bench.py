"""Benchmark (PostgreSQL): a 东莞-sized gazetteer searched by name, pinyin and initials, and a burst of concurrent
plot sales that must never sell one plot twice.

    psql -h 127.0.0.1 -p 55432 -U postgres -c 'CREATE DATABASE minzheng_bench_social'
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/minzheng_bench_social \
        .venv/bin/python bench/social_affairs_bench.py --names 100000 --searches 300 --sales 10000 --plots 2000 \
        --threads 8

Gazetteer (set-up not timed): N standard names in 东莞's towns (东莞 has about 73,000: seed_004 §5.9), each with its
GB/T 16159 romanisation and search keys from placenames.romanize, bulk-inserted. Timed: placenames.selectors.
place_search as the API calls it (scoped to the city, first 20 rows), for queries by Chinese prefix, toneless
pinyin prefix and initials; p50/p95/max per kind are printed (the issue asks p95 < 50 ms).

Plot burst: P plots in one public-interest ash facility; S sale attempts spread over T threads, each attempt a
funeral.services.plot_change(action="sell") on a plot chosen at random (so most plots are asked for several times
at once). Printed: attempts/s, sales and refusals, and the double sales found afterwards (must be 0: at most one
reserved-or-sold row per plot, which the database's partial unique index also guarantees).
"""

import argparse
import datetime as dt
import random
import statistics
import threading
import time

from common import fresh_database, setup_django

CITY = "441900"  # 东莞市
SPECIFIC = ("东南西北新旧上下大小长安永和平康宁泰兴隆福寿吉祥瑞华荣昌盛文武德仁义礼乐"
            "松柏竹梅兰桂莲荷金银玉石山水江河湖海")
GENERIC = ["路", "街", "大道", "巷", "桥", "花园", "新村", "小区", "广场", "公园"]
CATEGORY = {"路": "25", "街": "25", "大道": "25", "巷": "25", "桥": "25", "花园": "24", "新村": "24", "小区": "24",
            "广场": "27", "公园": "27"}


def _pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def gazetteer(n: int, searches: int, user) -> None:
    from django.db import connection

    from minzheng.areas.models import Area, Level
    from minzheng.placenames import selectors
    from minzheng.placenames.models import PlaceName
    from minzheng.placenames.romanize import romanize, search_keys

    towns = list(Area.objects.current().within(Area.objects.get(code=CITY)).filter(level=Level.TOWN))
    rng = random.Random(2026)
    seen, rows, t0 = set(), [], time.monotonic()
    while len(rows) < n:
        specific = "".join(rng.choice(SPECIFIC) for _ in range(rng.choice((2, 2, 3))))
        generic = rng.choice(GENERIC)
        town = rng.choice(towns)
        name = specific + generic
        key = (name, CATEGORY[generic], town.pk)
        if key in seen:
            continue
        seen.add(key)
        search, initials = search_keys(name)
        rows.append(PlaceName(name=name, category=CATEGORY[generic], area=town,
                              pinyin=romanize(name, CATEGORY[generic]), pinyin_search=search, initials=initials,
                              coordinates=[[113.75, 23.02]]))
    built = time.monotonic() - t0
    t0 = time.monotonic()
    for i in range(0, len(rows), 5000):
        PlaceName.objects.bulk_create(rows[i:i + 5000])
    with connection.cursor() as cur:
        cur.execute("ANALYZE placenames_placename")
    print(f"地名库：{n:,}条，生成拼音 {built:.1f} 秒，写入 {time.monotonic() - t0:.1f} 秒")

    sample = rng.sample(rows, searches)
    kinds = {
        "汉字前缀": [r.name[:2] for r in sample],
        "拼音前缀": [r.pinyin_search[:6] for r in sample],
        "首字母": [r.initials[:3] for r in sample],
    }
    for kind, queries in kinds.items():
        times, found = [], 0
        for q in queries:
            t = time.perf_counter()
            found += len(list(selectors.place_search(user, q)[:20]))
            times.append((time.perf_counter() - t) * 1000)
        print(f"检索（{kind}）{len(queries)}次：p50 {statistics.median(times):.1f} ms，p95 {_pct(times, 95):.1f} ms，"
              f"最长 {max(times):.1f} ms，平均每次返回 {found / len(queries):.1f} 条")


def burst(sales: int, plots: int, threads: int, user) -> None:
    from django.db import connection
    from django.db.models import Count

    from minzheng.accounts.models import User
    from minzheng.areas.models import Area, Level
    from minzheng.core.errors import Conflict
    from minzheng.funeral import services
    from minzheng.funeral.models import Facility, Plot, PlotSale

    town = Area.objects.current().within(Area.objects.get(code=CITY)).filter(level=Level.TOWN).order_by("code")[0]
    facility = Facility.objects.create(name="基准公益性骨灰堂", kind=Facility.Kind.ASH_FACILITY, area=town)
    services.plots_create(actor=user, facility=facility, kind=Plot.Kind.NICHE,
                          numbers=[f"{n:05d}" for n in range(1, plots + 1)])
    ids = list(Plot.objects.filter(facility=facility).values_list("pk", flat=True))
    connection.close()
    counts = {"sold": 0, "taken": 0}
    lock = threading.Lock()
    start = threading.Barrier(threads)
    day = dt.date(2026, 4, 5)

    def worker(k: int) -> None:
        from django.db import connection as conn

        actor = User.objects.get(pk=user.pk)
        rng = random.Random(k)
        mine = sales // threads + (1 if k < sales % threads else 0)
        sold = taken = 0
        start.wait()
        for i in range(mine):
            plot = Plot(pk=rng.choice(ids), facility=facility)
            try:
                services.plot_change(actor=actor, plot=plot, action="sell", holder_name=f"家属{k}-{i}", on=day)
                sold += 1
            except Conflict:
                taken += 1
        with lock:
            counts["sold"] += sold
            counts["taken"] += taken
        conn.close()

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    t0 = time.monotonic()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - t0
    doubles = (PlotSale.objects.filter(plot__facility=facility, status__in=["reserved", "sold"]).values("plot")
               .annotate(n=Count("id")).filter(n__gt=1).count())
    live = PlotSale.objects.filter(plot__facility=facility, status="sold").count()
    print(f"墓穴（格位）并发销售：{threads}个线程共{sales:,}次售出请求、{plots:,}个格位，用时 {elapsed:.1f} 秒，"
          f"{sales / elapsed:.0f} 次/秒；售出 {counts['sold']:,}，拒绝（已售出） {counts['taken']:,}；"
          f"有效销售记录 {live:,}，重复销售 {doubles}")
    assert counts["sold"] == live and doubles == 0, "出现重复销售"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--sales", type=int, default=10_000)
    parser.add_argument("--plots", type=int, default=2_000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("本基准测试需要 PostgreSQL（设置 DATABASE_URL）")
    from minzheng.accounts.roles import Role

    _, user = fresh_database(CITY, role=Role.COUNTY, villages_per_town=1)
    gazetteer(args.names, args.searches, user)
    burst(args.sales, args.plots, args.threads, user)


if __name__ == "__main__":
    main()
