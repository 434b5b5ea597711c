import pytest

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create


@pytest.fixture
def so(areas, people, make_person):
    """礼乐街道's window 李建华 takes in applications; 江海区's registrar officers 黄志强 (审查) and 麦嘉怡 (核准);
    the founders' chosen legal representative 冯志明 of 英南村."""
    return {
        "window": people["lile_officer"], "reviewer": people["jianghai_approver"],
        "approver": people["jianghai_checker"], "outsider": people["yunan_approver"],
        "feng": make_person("冯志明", area=areas["yingnan"]),
        "city": user_create(actor=None, username="jmcity", password="Minzheng#2026", display_name="江门市民政局",
                            role=Role.CITY, areas=[areas["jiangmen"]]),
    }


def register(so, areas, *, name="江海区义工联合会", form="social_group", code="", today=None):
    from minzheng.socialorgs import services

    app = services.establish_apply(actor=so["window"], area=areas["yingnan"], name=name, form=form,
                                   legal_rep=so["feng"], capital="30000", domicile="礼乐街道英南村文化楼二层",
                                   purpose="组织志愿服务、开展社区互助", supervisor="江海区民政局")
    app = services.application_review(actor=so["reviewer"], application=app, approve=True, opinion="材料齐全，符合条件")
    return services.application_approve(actor=so["approver"], application=app, credit_code=code, today=today)
