"""江海区's 志愿服务 objects for the every-endpoint scope test: two 英南村 activities organised by 陈小玲; 林志强 (the
time bank's volunteer) has confirmed hours on one and a certificate, and waits for confirmation on the other."""

import datetime as dt

from minzheng.core.periods import local_date
from minzheng.socialorgs import services as socialorgs
from minzheng.socialorgs.models import SocialOrg
from minzheng.timebank.models import Volunteer
from minzheng.volunteers import services


def volunteer_org(*, window, reviewer, approver, area, legal_rep, name="江海区礼乐义工联合会"):
    """A 社会团体 registered through 受理 (window) → 审查 (reviewer) → 核准 (approver), then identified by the
    registrar (reviewer) as a 志愿服务组织."""
    app = socialorgs.establish_apply(actor=window, area=area, name=name, form="social_group", legal_rep=legal_rep,
                                     capital="30000", domicile=f"{area.name}文化楼", purpose="组织志愿服务")
    app = socialorgs.application_review(actor=reviewer, application=app, approve=True, opinion="材料齐全")
    org = socialorgs.application_approve(actor=approver, application=app)
    return services.volunteer_org_register(actor=reviewer, org=org, service_fields="扶老助残、社区服务")


def jianghai_volunteering(w) -> dict:
    """江海区义工联合会 (registered in the socialorgs objects) is identified as a 志愿服务组织 and opens both."""
    lin = Volunteer.objects.get(person__name="林志强")
    org = SocialOrg.objects.get(name="江海区义工联合会")
    vorg = services.volunteer_org_register(actor=w.huang, org=org, service_fields="环境保护、敬老助老")
    day = local_date() - dt.timedelta(days=1)
    done = services.activity_create(actor=w.chen, area=w.yingnan, title="河道清洁", held_on=day, content="清理垃圾",
                                    org=org)
    open_ = services.activity_create(actor=w.chen, area=w.yingnan, title="敬老探访", held_on=day, content="探访",
                                     org=org)
    services.hours_confirm(actor=w.chen, signup=services.signup(actor=w.chen, activity=done, volunteer=lin), hours=2)
    pending = services.signup(actor=w.chen, activity=open_, volunteer=lin)
    cert = services.certificate_issue(actor=w.li, volunteer=lin, issuer="礼乐街道志愿服务站")
    return {"activity": open_.pk, "signup": pending.pk, "volunteer": lin.pk, "certificate": cert.pk,
            "vol_org": vorg.pk}


def jianghai_disclosure(w) -> dict:
    """An unpublished 村务公开 item of 英南村 (community app)."""
    from minzheng.community import services as community

    d = community.disclosure_create(actor=w.chen, area=w.yingnan, category="finance", title="2025年第一季度财务收支",
                                    content="收入12万元，支出9万元")
    return {"disclosure": d.pk}
