"""Benchmark: the donations ledger of one charity at a million donations (PostgreSQL).

    psql -h 127.0.0.1 -p 55432 -U postgres -c 'CREATE DATABASE minzheng_bench_charity'
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/minzheng_bench_charity \
        nice -n 10 .venv/bin/python bench/charity_bench.py --donations 1000000

Set-up: 东莞市, one foundation recognised as 慈善组织 with four funds (非定向 + three 专项). Timed:
1. ledger write throughput: `services.donation_receive` (transfer, two entries, locked balance update, audit row),
   one transaction each, for --writes gifts → donations per second;
2. the rest of the N donations loaded set-based (not timed), spread over this year and last year;
3. the charity's fund balances (`selectors.fund_balances`) and this year's annual-report totals
   (`selectors.annual_totals`) against hand-written SQL doing the same (sum of entries per fund; sums of transfers
   by kind in the year) → median of 5 runs each, and the ratio.
"""

import argparse
import statistics
import time

from common import fresh_database, setup_django

CITY = "441900"


def timed(fn, runs=5):
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--donations", type=int, default=10000)
    parser.add_argument("--writes", type=int, default=1000)
    args = parser.parse_args()
    setup_django()
    import datetime as dt

    from django.db import connection

    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create
    from minzheng.areas.models import Area, Level
    from minzheng.charity import selectors, services
    from minzheng.charity.models import Account
    from minzheng.core.idcard import make_id_number
    from minzheng.core.periods import local_date
    from minzheng.registry.services import person_create
    from minzheng.socialorgs import services as socialorgs

    city, admin = fresh_database(CITY, role=Role.COUNTY, villages_per_town=1)
    town = Area.objects.current().within(city).filter(level=Level.TOWN).order_by("code").first()
    village = Area.objects.current().within(town).filter(level=Level.VILLAGE).first()
    desk = user_create(actor=None, username="desk", password="Bench#2026bench", display_name="慈善窗口",
                       role=Role.COUNTY, areas=[city])
    rep = person_create(actor=desk, id_number=make_id_number("441900", dt.date(1970, 1, 1), 11), name="冯志明",
                        hukou_area=village, residence_area=village)
    app = socialorgs.establish_apply(actor=desk, area=town, name="东莞慈善会", form="foundation", legal_rep=rep,
                                     capital="2000000", domicile="东莞", purpose="慈善")
    app = socialorgs.application_review(actor=admin, application=app, approve=True, opinion="同意")
    checker = user_create(actor=None, username="chk", password="Bench#2026bench", display_name="核准",
                          role=Role.COUNTY, areas=[city])
    org = socialorgs.application_approve(actor=checker, application=app, today=dt.date(2020, 1, 1))
    charity = services.charity_recognise(actor=desk, org=org, public_fundraising=True)
    funds = [charity.funds.get()] + [services.fund_create(actor=desk, charity=charity, name=f"专项基金{i}",
                                                          kind="special", purpose="专项") for i in range(3)]
    today = local_date()

    t = time.perf_counter()
    for i in range(args.writes):
        services.donation_receive(actor=desk, fund=funds[i % 4], donor_name=f"捐赠人{i}", amount="100.00",
                                  received_on=today)
    write_s = time.perf_counter() - t

    rest = max(args.donations - args.writes, 0)
    accounts = {f.pk: Account.objects.get(fund=f).pk for f in funds}
    source = Account.objects.get(charity=charity, kind="source").pk
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM charity_transfer")
        base = cur.fetchone()[0]
        cur.execute("CREATE TEMP TABLE g AS SELECT i, %s + i AS tid, (ARRAY[%s,%s,%s,%s])[1 + i %% 4] AS fund, "
                    "(ARRAY[%s,%s,%s,%s])[1 + i %% 4] AS acc, (1 + i %% 997)::numeric(16,2) AS amount, "
                    "%s::date - (i %% 700) AS on_ FROM generate_series(1, %s) i",
                    [base, *accounts.keys(), *accounts.values(), today, rest])
        cur.execute('INSERT INTO charity_transfer (id, charity_id, kind, amount, "on", memo, created_by_id) '
                    "SELECT tid, %s, 'donation', amount, on_, '', %s FROM g",
                    [charity.pk, desk.pk])
        cur.execute("INSERT INTO charity_entry (transfer_id, account_id, amount) SELECT tid, %s, -amount FROM g "
                    "UNION ALL SELECT tid, acc, amount FROM g", [source])
        cur.execute("INSERT INTO charity_donation (charity_id, fund_id, donor_name, kind, amount, goods, received_on, "
                    "transfer_id, recorded_by_id) SELECT %s, fund, '捐赠人' || i, 'money', amount, '', on_, tid, %s "
                    "FROM g", [charity.pk, desk.pk])
        cur.execute("SELECT setval(pg_get_serial_sequence('charity_transfer', 'id'), (SELECT MAX(id) FROM "
                    "charity_transfer))")
        cur.execute("UPDATE charity_account a SET balance = s.b FROM (SELECT account_id, SUM(amount) b FROM "
                    "charity_entry GROUP BY account_id) s WHERE s.account_id = a.id")
        cur.execute("ANALYZE")
    load_s = time.perf_counter() - t

    def raw_balances():
        with connection.cursor() as cur:
            cur.execute("SELECT a.fund_id, SUM(e.amount) FROM charity_entry e JOIN charity_account a ON a.id = "
                        "e.account_id WHERE a.charity_id = %s AND a.kind = 'fund' GROUP BY a.fund_id", [charity.pk])
            return cur.fetchall()

    def raw_totals():
        with connection.cursor() as cur:
            cur.execute('SELECT kind, SUM(amount) FROM charity_transfer WHERE charity_id = %s AND "on" >= %s '
                        'AND "on" < %s GROUP BY kind', [charity.pk, dt.date(today.year, 1, 1),
                                                      dt.date(today.year + 1, 1, 1)])
            return cur.fetchall()

    cached = {b["fund_id"]: b["balance"] for b in selectors.fund_balances(charity)}
    assert {r[0]: r[1] for r in raw_balances()} == cached  # the cached balances equal the entries' sums
    bal, bal_raw = timed(lambda: selectors.fund_balances(charity)), timed(raw_balances)
    tot, tot_raw = timed(lambda: selectors.annual_totals(charity, today.year)), timed(raw_totals)
    print(f"donations: {args.donations:,} ({args.writes:,} through the service, {rest:,} loaded in {load_s:.1f} s)")
    print(f"ledger writes: {args.writes / write_s:.0f} donations/s (one transaction, two entries, audit row each)")
    print(f"fund balances: {bal * 1000:.1f} ms vs raw SQL over entries {bal_raw * 1000:.1f} ms "
          f"(ratio {bal / bal_raw:.2f})")
    print(f"annual totals: {tot * 1000:.1f} ms vs raw SQL {tot_raw * 1000:.1f} ms (ratio {tot / tot_raw:.2f})")


if __name__ == "__main__":
    main()
