"""The people of the monitoring stories: 中山市沙溪镇虎逊村 (the 大救助 cast of assistance/tests/test_end_to_end.py:
吴少芳 the village worker, 冯嘉欣 of 沙溪镇民政办, 刘志明 the city bureau's approver) and the 郭 family, recognised by
the town as a 低保边缘家庭 — so they are in the monitored population."""

import datetime as dt

from minzheng.assistance.tests.stories import make_family
from minzheng.core.periods import same_day_months_later
from minzheng.lowincome import rules, services
from minzheng.lowincome.runs import population_refresh

SINCE = dt.date(2015, 3, 1)


def guo_family(w, *, on: dt.date):
    """郭志强 and his wife 冯秀英 of 虎逊村, 低保边缘 since `on` minus a year; the monitored population refreshed."""
    home, (guo, feng) = make_family(w, "郭志强", village=w.huxun, actor=w.liu, birth=dt.date(1978, 5, 5), since=SINCE,
                                    head={"bank_name": "中山农商银行", "bank_account": "6228480077008002"},
                                    members=[("冯秀英", dt.date(1980, 12, 1), "F", "spouse")])
    services.registration_add(actor=w.feng, household=home, group="edge", since=same_day_months_later(on, -12),
                              basis="家庭人均收入低于低保标准1.5倍（入户调查）")
    rules.load_rules()
    population_refresh(on=on)
    return home, guo, feng


def feed_csv(path, rows, header="身份证号,姓名,个人自付金额(元),结算日期,医疗机构"):
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def jianghai_lowincome_objects(w) -> dict:
    """江海区's monitoring objects for the shared scope walk: 陈小玲 of 英南村 reported 陈大明's household from her
    phone (主动发现), and 礼乐街道's window sent 李秀英's request for 医疗救助 to the 医保局."""
    alert = services.discovery_report(actor=w.chen, person=w.dad,
                                      description="网格巡查发现陈大明腰伤不能打工，家中无收入")
    referral = services.referral_create(actor=w.li, person=w.mum, need="medical",
                                        request="住院费用自付部分较大，申请医疗救助")
    return {"li_alert": alert.pk, "li_referral": referral.pk,
            "li_secrets": ["腰伤不能打工", "住院费用自付部分较大"]}
