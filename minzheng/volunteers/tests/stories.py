"""江海区's 志愿服务 objects for the every-endpoint scope test: two 英南村 activities organised by 陈小玲; 林志强 (the
time bank's volunteer) has confirmed hours on one and a certificate, and waits for confirmation on the other."""

import datetime as dt

from minzheng.core.periods import local_date
from minzheng.timebank.models import Volunteer
from minzheng.volunteers import services


def jianghai_volunteering(w) -> dict:
    lin = Volunteer.objects.get(person__name="林志强")
    day = local_date() - dt.timedelta(days=1)
    done = services.activity_create(actor=w.chen, area=w.yingnan, title="河道清洁", held_on=day, content="清理垃圾")
    open_ = services.activity_create(actor=w.chen, area=w.yingnan, title="敬老探访", held_on=day, content="探访")
    services.hours_confirm(actor=w.chen, signup=services.signup(actor=w.chen, activity=done, volunteer=lin), hours=2)
    pending = services.signup(actor=w.chen, activity=open_, volunteer=lin)
    cert = services.certificate_issue(actor=w.li, volunteer=lin, issuer="礼乐街道志愿服务站")
    return {"activity": open_.pk, "signup": pending.pk, "volunteer": lin.pk, "certificate": cert.pk}


def jianghai_disclosure(w) -> dict:
    """An unpublished 村务公开 item of 英南村 (community app)."""
    from minzheng.community import services as community

    d = community.disclosure_create(actor=w.chen, area=w.yingnan, category="finance", title="2025年第一季度财务收支",
                                    content="收入12万元，支出9万元")
    return {"disclosure": d.pk}
