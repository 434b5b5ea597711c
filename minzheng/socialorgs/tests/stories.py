"""江海区's 社会组织 objects for the every-endpoint scope test (made through the app's own services)."""

import datetime as dt

from minzheng.accounts.models import User
from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.core.idcard import make_id_number
from minzheng.registry import services as registry
from minzheng.socialorgs import services


def jianghai_socialorg_objects(w) -> dict:
    """礼乐街道 (李建华) takes in two applications; 黄志强 reviews and a second county officer approves one: 江海区义工
    联合会 (legal representative 冯志明 of 英南村) is registered and on the 活动异常名录; the other waits for review."""
    lin = User.objects.filter(username="linhy").first() or user_create(
        actor=None, username="linhy", password="Minzheng#2026", display_name="林海燕", role=Role.COUNTY,
        areas=[w.jianghai])
    feng = registry.person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(1970, 1, 5), 815),
                                  name="冯志明", hukou_area=w.yingnan, residence_area=w.yingnan)
    app = services.establish_apply(actor=w.li, area=w.yingnan, name="江海区义工联合会", form="social_group",
                                   legal_rep=feng, capital="30000", domicile="英南村文化楼二层", purpose="志愿服务")
    app = services.application_review(actor=w.huang, application=app, approve=True, opinion="材料齐全")
    org = services.application_approve(actor=lin, application=app)
    listing = services.credit_list(actor=w.huang, org=org, ground="unreachable")
    pending = services.establish_apply(actor=w.li, area=w.yingnan, name="英南村老年人协会", form="social_group",
                                       legal_rep=feng, capital="0", domicile="英南村", purpose="老年人互助")
    # 黄志强 draws 江海区's organisations for a 双随机 check (he and 林海燕 inspect)
    draw = services.check_draw(actor=w.huang, area=w.jianghai, sample_size=1, inspectors=[w.huang, lin], seed=1)
    return {"org": org.pk, "org_app": pending.pk, "org_listing": listing.pk, "org_draw": draw.pk,
            "org_check": draw.checks.get().pk,
            "org_secrets": ["冯志明", feng.id_number, "英南村文化楼二层"]}
