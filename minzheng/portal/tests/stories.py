"""The people of the portal stories, on top of the 大救助 world (assistance/tests/stories.py): 黄大海 of 英南村
(礼乐街道, 江海区) and his wife 陈美玲 are registered with their phone numbers; he logs in to the portal with a
one-time code sent by the console sender."""

import datetime as dt
import io

from django.test import Client

from minzheng.assistance.tests.stories import make_family
from minzheng.portal import services
from minzheng.portal.senders import ConsoleSender

HUANG_PHONE = "13912345678"
MEI_PHONE = "13912345679"


def signature_png(seed: int = 0) -> bytes:
    """A signature as the phone's canvas sends it: a real PNG with a few strokes."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    d.line([(20, 80), (80 + seed, 30), (140, 90), (260, 40)], fill=(0, 0, 0, 255), width=4)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def data_url(png: bytes) -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(png).decode()


def huang_family(w, *, village=None, name="黄大海", phone=HUANG_PHONE, wife_phone=MEI_PHONE):
    household, (head, wife, child) = make_family(
        w, name, village=village, birth=dt.date(1978, 3, 9), head={"phone": phone},
        members=[("陈美玲", dt.date(1981, 7, 2), "F", "spouse", {"phone": wife_phone}),
                 ("黄小宇", dt.date(2014, 5, 1), "M", "child")])
    return household, head, wife, child


def last_code(phone: str) -> str:
    code = next(text for to, text in reversed(ConsoleSender.outbox) if to == phone)
    return "".join(ch for ch in code.split("验证码为")[1] if ch.isdigit())[:6]


def portal_login(phone: str) -> Client:
    """The resident asks for a code on the login page and types the one the console sender delivered."""
    c = Client()
    r = c.post("/portal/login/", {"phone": phone, "step": "send"})
    assert r.status_code == 200, r.content.decode()
    r = c.post("/portal/login/", {"phone": phone, "step": "verify", "code": last_code(phone)})
    assert r.status_code == 302, r.content.decode()
    return c


def jianghai_portal_objects(w) -> dict:
    """For the shared scope walk: 黄大海's own 低保 application made on the portal, and a 公示 of 礼乐街道."""
    from minzheng.assistance.tests.stories import submit_dibao, walk_to

    household, head, wife, _child = huang_family(w, name="黄海涛", phone="13912340001", wife_phone="13912340002")
    services.code_request(phone="13912340001")
    user = services.code_verify(phone="13912340001", code=last_code("13912340001"))
    app = services.portal_apply(actor=user, programme="dibao",
                                signatures={head.pk: data_url(signature_png()), wife.pk: data_url(signature_png(9))})
    hh2, (zhang, *_) = make_family(w, "张国栋", village=w.yingnan)
    shown = walk_to(w, submit_dibao(w, applicant=zhang, household=hh2, actor=w.li), "publicizing")
    return {"pt_app": app.pk, "pt_pub": shown.publicities.get().pk, "pt_secrets": ["黄海涛", head.id_number]}
