import datetime as dt

import pytest

from minzheng.socialorgs import services as socialorgs


def registered_org(*, window, reviewer, approver, legal_rep, area, name="江海区慈善会",
                   established=dt.date(2022, 3, 1)):
    """A foundation registered through the 社会组织 app's own services (registered two years back, so it may apply
    for 公开募捐资格)."""
    app = socialorgs.establish_apply(actor=window, area=area, name=name, form="foundation", legal_rep=legal_rep,
                                     capital="2000000", domicile="礼乐街道文化中心三楼", purpose="扶贫济困、扶老助残",
                                     supervisor="江海区民政局")
    app = socialorgs.application_review(actor=reviewer, application=app, approve=True, opinion="材料齐全")
    return socialorgs.application_approve(actor=approver, application=app, today=established)


@pytest.fixture
def ch(areas, people, make_person):
    """江海区慈善会 (legal representative 冯志明 of 英南村), recognised by 黄志强 with 公开募捐资格; 礼乐街道's
    李建华 keeps its desk; 麦嘉怡 is the second pair of eyes on its money."""
    from minzheng.charity import services

    feng = make_person("冯志明", area=areas["yingnan"])
    org = registered_org(window=people["lile_officer"], reviewer=people["jianghai_approver"],
                         approver=people["jianghai_checker"], legal_rep=feng, area=areas["lile"])
    charity = services.charity_recognise(actor=people["jianghai_approver"], org=org, public_fundraising=True)
    return {"charity": charity, "org": org, "desk": people["lile_officer"], "county": people["jianghai_approver"],
            "checker": people["jianghai_checker"], "village": people["village_worker"],
            "outsider": people["yunan_approver"], "feng": feng}
