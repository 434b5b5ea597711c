"""江海区's 大慈善 and 福彩 objects for the every-endpoint scope test (made through the apps' own services)."""

import datetime as dt

from minzheng.accounts.models import User
from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.charity import services
from minzheng.charity.tests.conftest import registered_org
from minzheng.core.periods import local_date
from minzheng.lottery import services as lottery


def jianghai_charity_objects(w) -> dict:
    """礼乐慈善基金会 (legal representative 李秀英), recognised by 黄志强: a gift from 江门新华电器 awaiting its
    receipt, a spending prepared by 李建华 awaiting approval, 陈大明's open 微心愿, and 英南村's 福彩 outlet."""
    mai = User.objects.filter(username="maijy").first() or user_create(
        actor=None, username="maijy", password="Minzheng#2026", display_name="麦嘉怡", role=Role.COUNTY,
        areas=[w.jianghai])
    org = registered_org(window=w.li, reviewer=w.huang, approver=mai, legal_rep=w.mum, area=w.lile,
                         name="礼乐慈善基金会", established=dt.date(2022, 3, 1))
    charity = services.charity_recognise(actor=w.huang, org=org, public_fundraising=True)
    fund = charity.funds.get()
    today = local_date()
    gift = services.donation_receive(actor=w.li, fund=fund, donor_name="江门新华电器有限公司", amount="3000",
                                     received_on=today)
    project = services.project_create(actor=w.li, fund=fund, name="英南济困", purpose="济困", area=w.yingnan)
    spend = services.expenditure_prepare(actor=w.li, fund=fund, project=project, amount="100", spent_on=today,
                                         evidence="慰问签收表")
    wish = services.wish_raise(actor=w.chen, kind="wish", title="一台轮椅", need="行动不便", budget="800",
                               area=w.yingnan, person=w.dad)
    outlet = lottery.outlet_register(actor=w.huang, area=w.yingnan, licence="44070400199", name="英南福彩站",
                                     owner="陈志坚", address="英南村市场1号", opened_on=dt.date(2020, 5, 1))
    trust = services.trust_file(actor=w.huang, area=w.jianghai, name="礼乐助学慈善信托", trustee="粤财信托",
                                supervisor="礼乐律师事务所", assets="500000", purpose="资助困难学生", signed_on=today)
    space = services.space_open(actor=w.li, area=w.yingnan, name="英南慈善超市", kind="supermarket",
                                address="英南村文化楼一楼")
    site = services.demo_site_designate(actor=w.huang, kind="community", area=w.yingnan, name="英南村慈善示范社区")
    return {"charity": charity.pk, "fund": fund.pk, "donation": gift.pk, "expenditure": spend.pk, "wish": wish.pk,
            "outlet": outlet.pk, "trust": trust.pk, "space": space.pk, "demo_site": site.pk,
            "charity_project": project.pk,
            "charity_secrets": ["礼乐慈善基金会", "江门新华电器有限公司", "陈志坚", "礼乐助学慈善信托", "英南慈善超市",
                                "英南村慈善示范社区"]}


def jianghai_referral(w, *, charity_id: int, household) -> int:
    """The 周 family of 向东村, refused 低保, referred by 黄志强 to 礼乐慈善基金会 with its consent today."""
    from minzheng.charity.models import Charity

    return services.referral_create(actor=w.huang, household=household, charity=Charity.objects.get(pk=charity_id),
                                    ground="refused", consent_on=local_date()).pk
