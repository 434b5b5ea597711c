"""Shared personas and places for the test stories."""

import datetime as dt

import pytest


def pytest_addoption(parser):
    parser.addoption("--clock", metavar="ISO", default=None,
                     help="run the session with the clock moved to this moment (ISO 8601; no offset = Asia/Shanghai), "
                          "e.g. --clock=2028-02-29 or --clock=2027-03-01T07:30+08:00")


def clock_moment(text: str) -> dt.datetime:
    """The moment `--clock` names; a date alone means 09:00 in Beijing, a time without offset is Beijing time."""
    from zoneinfo import ZoneInfo

    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise pytest.UsageError(f"--clock={text}: not an ISO 8601 date or date-time") from None
    if len(text) == 10:
        moment = moment.replace(hour=9)
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Asia/Shanghai"))


def pytest_configure(config):
    text = config.getoption("--clock")
    if text:
        import time_machine

        # tick=True: time goes on from there, so durations and ordering by timestamp still work.
        config._clock_travel = time_machine.travel(clock_moment(text), tick=True)
        config._clock_travel.start()


def pytest_unconfigure(config):
    travel = getattr(config, "_clock_travel", None)
    if travel is not None:
        travel.stop()


def pytest_report_header(config):
    text = config.getoption("--clock")
    return f"clock moved to {clock_moment(text).isoformat()}" if text else None


@pytest.fixture
def areas(db):
    """A small real slice of the tree: 江门市江海区 (礼乐/外海) and 云浮市郁南县 (都城镇), with demo villages."""
    from minzheng.areas.models import CodeSource, Level
    from minzheng.areas.services import area_create

    d = dt.date(2020, 1, 1)

    def mk(code, name, level, parent, src=CodeSource.STATS):
        return area_create(actor=None, code=code, name=name, level=level, parent=parent, code_source=src,
                           valid_from=d, audited=False)

    gd = mk("440000", "广东省", Level.PROVINCE, None, CodeSource.GB2260)
    jm = mk("440700", "江门市", Level.CITY, gd, CodeSource.GB2260)
    jh = mk("440704", "江海区", Level.COUNTY, jm, CodeSource.GB2260)
    lile = mk("440704003", "礼乐街道", Level.TOWN, jh)
    waihai = mk("440704002", "外海街道", Level.TOWN, jh)
    yingnan = mk("440704003001", "英南村", Level.VILLAGE, lile, CodeSource.GENERATED)
    xiangdong = mk("440704003002", "向东村", Level.VILLAGE, lile, CodeSource.GENERATED)
    waihai_v = mk("440704002001", "外海社区", Level.VILLAGE, waihai, CodeSource.GENERATED)
    yf = mk("445300", "云浮市", Level.CITY, gd, CodeSource.GB2260)
    yunan = mk("445322", "郁南县", Level.COUNTY, yf, CodeSource.GB2260)
    ducheng = mk("445322100", "都城镇", Level.TOWN, yunan)
    ducheng_v = mk("445322100001", "都城社区", Level.VILLAGE, ducheng, CodeSource.GENERATED)
    return {
        "gd": gd, "jiangmen": jm, "jianghai": jh, "lile": lile, "waihai": waihai, "yingnan": yingnan,
        "xiangdong": xiangdong, "waihai_village": waihai_v, "yunfu": yf, "yunan": yunan, "ducheng": ducheng,
        "ducheng_village": ducheng_v,
    }


@pytest.fixture
def people(areas):
    """Named staff: 英南村 worker 陈小玲, 礼乐街道 officer 李建华, 江海区 approver 黄志强 and his colleague 麦嘉怡 (the
    second pair of eyes on money), 郁南县 approver 梁文杰, 江海区 auditor 吴敏, and a care provider 何丽 with no
    registry rights."""
    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create

    def mk(username, name, role, *a):
        return user_create(actor=None, username=username, password="Minzheng#2026", display_name=name, role=role,
                           areas=list(a))

    return {
        "village_worker": mk("chenxl", "陈小玲", Role.VILLAGE, areas["yingnan"]),
        "lile_officer": mk("lijh", "李建华", Role.TOWN, areas["lile"]),
        "waihai_officer": mk("zhaoyl", "赵玉兰", Role.TOWN, areas["waihai"]),
        "jianghai_approver": mk("huangzq", "黄志强", Role.COUNTY, areas["jianghai"]),
        "jianghai_checker": mk("maijy", "麦嘉怡", Role.COUNTY, areas["jianghai"]),
        "yunan_approver": mk("liangwj", "梁文杰", Role.COUNTY, areas["yunan"]),
        "auditor": mk("wumin", "吴敏", Role.AUDITOR, areas["jianghai"]),
        "provider": mk("heli", "何丽", Role.PROVIDER, areas["jianghai"]),
    }


@pytest.fixture
def make_person(areas, people):
    """Register a person through the real service, as 江海区's approver unless told otherwise."""
    from minzheng.core.idcard import make_id_number
    from minzheng.registry.services import person_create

    counter = iter(range(1, 999))

    def mk(name, *, area=None, birth=dt.date(1950, 3, 8), sex="M", actor=None, **kw):
        seq = next(counter) * 2 + (1 if sex == "M" else 0)
        area = area or areas["yingnan"]
        region = "445322" if area.path.startswith(areas["yunan"].path) else "440704"
        actor = actor or (people["yunan_approver"] if region == "445322" else people["jianghai_approver"])
        return person_create(actor=actor, id_number=make_id_number(region, birth, seq % 1000), name=name,
                             hukou_area=area, residence_area=area, **kw)

    return mk
