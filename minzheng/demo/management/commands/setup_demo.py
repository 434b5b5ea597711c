"""manage.py setup_demo: reference areas, demo villages, demo accounts, a small population, demo 大救助 work,
demo 大养老 work (assessments, visits, emergency calls), and the other domains' demos (大慈善 and 福彩 among them).

Idempotent."""

import time
import unicodedata

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.areas.models import Area
from minzheng.areas.services import load_reference_areas
from minzheng.core import audit
from minzheng.demo import population as demo
from minzheng.demo.assistance import AssistanceDemoError, seed_assistance_demo
from minzheng.demo.carefacility import seed_facility_demo
from minzheng.demo.charity import seed_charity_demo
from minzheng.demo.children import seed_children_demo
from minzheng.demo.eldercare import DemoError as EldercareDemoError
from minzheng.demo.eldercare import seed_eldercare_demo
from minzheng.demo.governance import seed_governance_demo
from minzheng.demo.homecare import seed_homecare_demo
from minzheng.demo.lowincome import seed_lowincome_demo
from minzheng.demo.monitoring import seed_monitoring_demo
from minzheng.demo.portal import seed_portal_demo
from minzheng.demo.social_affairs import seed_social_affairs_demo
from minzheng.demo.vagrancy import seed_vagrancy_demo
from minzheng.policy.rules import memoized
from minzheng.policy.services import load_policy_data

DEMO_PASSWORD = "Minzheng#2026"
DEMO_SEED = 2026
JURISDICTIONS = ["441800", "445322", "440704", "442000", "441900"]

# (username, display name, role, area codes). "440704005001" is the first demo village of 礼乐街道.
ACCOUNTS = [
    ("qy_city", "梁志坚", Role.CITY, ["441800"]),
    ("qy_yingde", "邓国华", Role.COUNTY, ["441881"]),
    ("yn_county", "梁文杰", Role.COUNTY, ["445322"]),
    ("yn_ducheng", "陈美玲", Role.TOWN, ["445322100"]),
    ("jh_county", "黄志强", Role.COUNTY, ["440704"]),
    ("jh_lile", "李建华", Role.TOWN, ["440704005"]),
    ("jh_village", "陈小玲", Role.VILLAGE, ["440704005001"]),
    ("zs_city", "何伟明", Role.CITY, ["442000"]),
    ("zs_xiaolan", "冯嘉欣", Role.TOWN, ["442000118"]),
    ("dg_city", "叶永康", Role.CITY, ["441900"]),
    ("dg_humen", "郑丽娟", Role.TOWN, ["441900121"]),
    # 大救助 demo staff (assistance/demo.py): a worker at each level in every jurisdiction. 中山 and 东莞 have no
    # county level, so the city bureau's 审核审批 officer holds the county role on the city.
    # Village accounts sit in each town's first demo village ("…001"), which exists whatever --villages-per-town.
    ("qy_qingtang", "罗丽萍", Role.TOWN, ["441881106"]),
    ("qy_village", "邓秀英", Role.VILLAGE, ["441881106001"]),
    ("yn_baozhu", "黄国强", Role.TOWN, ["445322106"]),
    ("yn_village", "李秀珍", Role.VILLAGE, ["445322106001"]),
    ("zs_approver", "刘志明", Role.COUNTY, ["442000"]),
    ("zs_village", "吴少芳", Role.VILLAGE, ["442000118001"]),
    ("dg_approver", "钟伟雄", Role.COUNTY, ["441900"]),
    ("dg_village", "陈淑仪", Role.VILLAGE, ["441900121001"]),
    # 大养老 demo (eldercare/demo.py): a capability assessor at each county's (or city's) 养老服务指导中心, the
    # second of the two assessors GB/T 42195 asks for; the town role gives the assessment right, the area the county.
    ("qy_assessor", "何慧琳", Role.TOWN, ["441881"]),
    ("yn_assessor", "黎志坚", Role.TOWN, ["445322"]),
    ("jh_assessor", "苏慧敏", Role.TOWN, ["440704"]),
    ("zs_assessor", "梁淑贞", Role.TOWN, ["442000"]),
    ("dg_assessor", "袁家明", Role.TOWN, ["441900"]),
    # the second assessor of each centre: the approver who decides on a result never assesses it himself
    ("qy_assessor2", "罗佩仪", Role.TOWN, ["441881"]),
    ("yn_assessor2", "邓国良", Role.TOWN, ["445322"]),
    ("jh_assessor2", "区敏仪", Role.TOWN, ["440704"]),
    ("zs_assessor2", "郑家豪", Role.TOWN, ["442000"]),
    ("dg_assessor2", "叶婉婷", Role.TOWN, ["441900"]),
    # 规划监测: figures reported by a plan's own bureau are approved by the level above it (monitoring/demo.py).
    ("jm_city", "周建国", Role.CITY, ["440700"]),
    ("yf_city", "苏志明", Role.CITY, ["445300"]),
    ("gd_province", "林晓东", Role.CITY, ["440000"]),
    ("auditor", "吴敏", Role.AUDITOR, JURISDICTIONS),
    ("provider", "何丽", Role.PROVIDER, ["440704"]),
    # 居家养老 / 时间银行 demo (homecare/demo.py): the provider's worker, a family member ordering for her mother on
    # the phone, and a second village worker (the time bank's first review must not be the reporter).
    ("jh_worker", "周志成", Role.PROVIDER, ["440704"]),
    ("jh_family", "王小红", Role.RESIDENT, []),
    ("jh_village2", "刘芳", Role.VILLAGE, ["440704005001"]),
    # 大社会治理 (demo/governance.py): the 社工 of 礼乐街道社工站.
    ("jh_socialworker", "苏晓晴", Role.TOWN, ["440704005"]),
    # 资金复核: money needs two people (payroll/services.py): a second county officer in each jurisdiction closes
    # blocking 资金监管 hits, approves lines adjusted above their entitlement and releases the roster.
    ("qy_checker", "朱振华", Role.COUNTY, ["441881"]),
    ("yn_checker", "冯志远", Role.COUNTY, ["445322"]),
    ("jh_checker", "麦嘉怡", Role.COUNTY, ["440704"]),
    ("zs_checker", "杨伟杰", Role.COUNTY, ["442000"]),
    ("dg_checker", "蔡惠玲", Role.COUNTY, ["441900"]),
    # 大儿童保障 (demo/children.py): staff of 江海区未成年人救助保护中心, the only ones who see a reporter.
    ("jh_centre", "周慧", Role.COUNTY, ["440704"]),
    ("admin", "系统管理员", Role.ADMIN, ["440000"]),
]


class Command(BaseCommand):
    help = "初始化演示环境：行政区划、演示村居、演示账号和五个辖区的小规模演示人口（可重复执行，不会重复写入）"

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=600, help="每个辖区的演示人数（默认600）")
        parser.add_argument("--villages-per-town", type=int, default=3, help="每个镇街的演示村居数（默认3）")
        parser.add_argument("--quiet-table", action="store_true", help="不打印账号表")

    def handle(self, *args, persons, villages_per_town, quiet_table, **opts):
        t0 = time.monotonic()
        created = load_reference_areas()
        self.stdout.write(f"行政区划：新增 {created} 条")
        policy = load_policy_data()
        self.stdout.write(f"政策参数：新增标准 {policy['standards']} 条，公式 {policy['formulas']} 条，"
                          f"校验规则 {policy['checks']} 条")
        villages = 0
        for code in JURISDICTIONS:
            try:
                plan = demo.plan_from_db(area_code=code, persons=persons, seed=DEMO_SEED,
                                         villages_per_town=villages_per_town)
            except demo.DemoError as e:
                raise CommandError(str(e))
            villages += plan.villages_created
            result = demo.write_db(plan)
            state = f"新增 {result.persons} 人、{result.households} 户" if result.chunks_written else "已存在，跳过"
            self.stdout.write(f"演示人口 {plan.area_name}：{state}")
        self.stdout.write(f"演示村居：新增 {villages} 个")
        # The policy data is loaded above and no step below changes it: each standard is resolved once.
        with memoized():
            self._seed_records()
        self.stdout.write(self.style.SUCCESS(f"演示环境就绪，用时 {time.monotonic() - t0:.1f} 秒"))
        if not quiet_table:
            self.stdout.write(account_table())

    def _seed_records(self):
        made = ensure_accounts()
        self.stdout.write(f"演示账号：新增 {made} 个")
        try:
            for r in seed_assistance_demo():
                self.stdout.write(f"大救助演示 {r.summary()}")
        except AssistanceDemoError as e:
            raise CommandError(str(e))
        try:
            for r in seed_eldercare_demo():
                self.stdout.write(f"大养老演示 {r.summary()}")
        except EldercareDemoError as e:
            raise CommandError(str(e))
        f = seed_facility_demo()
        self.stdout.write(f"养老服务设施演示：新增机构 {f['facilities']} 家、床位 {f['beds']} 张、"
                          f"入住 {f['admitted']} 人")
        c = seed_children_demo()
        self.stdout.write(f"儿童保障演示：新增机构 {c['orgs']} 家、儿童工作岗位 {c['posts']} 个、"
                          f"保护个案 {c['cases']} 件")
        # before the monitoring roll-up, so the 接送返回率 of this year counts the demo stations
        v = seed_vagrancy_demo()
        self.stdout.write(f"流浪乞讨救助演示：新增救助记录 {v['stays']} 条、接送返回确认 {v['returns']} 次")
        # before the monitoring roll-up too, so this year's 社区康园中心 and funeral figures count the demo's
        s = seed_social_affairs_demo()
        self.stdout.write(f"社会事务演示：新增婚姻登记处 {s['offices']} 个、殡葬设施 {s['facilities']} 个、"
                          f"标准地名 {s['names']} 条、社区康园中心 {s['centres']} 个（服务对象 {s['enrolled']} 人）、"
                          f"死亡登记 {s['deaths']} 条")
        # before the monitoring roll-up as well: its 慈善信托、慈善超市、示范社区、福彩 figures count the demo's
        ch = seed_charity_demo()
        self.stdout.write(f"大慈善和福彩演示：新增慈善组织 {ch['charities']} 家、捐赠 {ch['donations']} 笔、"
                          f"慈善信托 {ch['trusts']} 个、微心愿和微实事 {ch['wishes']} 个、"
                          f"救助衔接转介 {ch['referrals']} 件、"
                          f"福彩销售场所 {ch['outlets']} 个、公益金安排 {ch['allocations']} 项")
        for note in ch["skipped"]:
            self.stdout.write(f"大慈善和福彩演示：{note}")
        m = seed_monitoring_demo()
        self.stdout.write(f"规划监测演示：填报 {m['reported']} 条（审定 {m['approved']} 条），重算 {m['years']} 个年度")
        self.stdout.write(f"居家养老演示：{seed_homecare_demo()}")
        self.stdout.write(f"居民掌上办演示：{seed_portal_demo()}")
        self.stdout.write(f"社会治理演示：{seed_governance_demo()}")
        li = seed_lowincome_demo()
        self.stdout.write(f"低收入人口动态监测演示：预警 {li['alerts']} 条、协同转办 {li['referrals']} 件")


def ensure_accounts() -> int:
    made = 0
    existing = set(User.objects.filter(username__in=[a[0] for a in ACCOUNTS]).values_list("username", flat=True))
    # One hash for all demo accounts (they share one password): with production settings each hash costs ~1 s.
    demo_hash = make_password(DEMO_PASSWORD)
    for username, name, role, codes in ACCOUNTS:
        if username in existing:
            continue
        areas = list(Area.objects.current().filter(code__in=codes).order_by("code"))
        missing = set(codes) - {a.code for a in areas}
        if missing:
            raise CommandError(f"演示账号{username}的管辖区域不存在：{'、'.join(sorted(missing))}")
        with transaction.atomic():
            user = user_create(actor=None, username=username, password=None, display_name=name, role=role,
                               areas=areas)
            User.objects.filter(pk=user.pk).update(password=demo_hash)
            if role == Role.ADMIN:  # back-office (Django admin) access for the demo administrator
                User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
                audit.record(actor=None, action="user.grant_admin", object_type="user", object_id=user.pk,
                             object_repr=username, before={"is_staff": False, "is_superuser": False},
                             after={"is_staff": True, "is_superuser": True})
        made += 1
    return made


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def account_table() -> str:
    codes = {c for a in ACCOUNTS for c in a[3]}
    names = {a.code: (f"{a.parent.name}{a.name}" if a.level == "village" else a.name)
             for a in Area.objects.current().filter(code__in=codes).select_related("parent")}
    rows = [("用户名", "密码", "角色", "姓名", "管辖区域")]
    for username, name, role, codes in ACCOUNTS:
        rows.append((username, DEMO_PASSWORD, Role(role).label, name, "、".join(names.get(c, c) for c in codes)))
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = ["", f"演示账号（统一密码 {DEMO_PASSWORD}）："]
    for i, r in enumerate(rows):
        lines.append("  " + "  ".join(_pad(c, w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1])
        if i == 0:
            lines.append("  " + "  ".join("-" * w for w in widths) + "  " + "-" * 8)
    return "\n".join(lines)
