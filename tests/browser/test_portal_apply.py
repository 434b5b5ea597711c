"""Browser story of 居民掌上办 on a phone (390×844): 黄大海 of 英南村 logs in with the code the console sender
delivered, applies for 低保 for his household — he and his wife 陈美玲 sign the 核对 授权书 with a finger on the
screen — uploads a hospital receipt, and sees the application's steps. Nothing is wider than the screen.
Debian's Chromium through Playwright."""

import re

from minzheng.assistance.tests.stories import JPEG, world_fixture  # noqa: F401
from minzheng.portal.tests.stories import HUANG_PHONE, huang_family, last_code


def _sign(page, canvas, dx):
    page.locator(canvas).scroll_into_view_if_needed()
    box = page.locator(canvas).bounding_box()
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 8):
        page.mouse.move(x + i * dx, y + (12 if i % 2 else -12))
    page.mouse.up()


def test_huang_dahai_applies_for_dibao_on_his_phone(live_server, browser, world, tmp_path):
    from playwright.sync_api import expect

    from minzheng.assistance.models import Application, Attachment
    from minzheng.portal.models import Signature

    w = world
    _household, head, wife, _child = huang_family(w)
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, device_scale_factor=2).new_page()
    phone.set_default_timeout(30_000)
    fits = "document.documentElement.scrollWidth <= window.innerWidth"

    phone.goto(f"{live_server.url}/portal/")
    expect(phone.locator("h1")).to_have_text("居民掌上办")
    phone.get_by_label("手机号码").fill(HUANG_PHONE)
    phone.get_by_role("button", name="获取验证码").tap()
    expect(phone.locator("#sent")).to_be_visible()
    phone.get_by_label("验证码").fill(last_code(HUANG_PHONE))
    phone.get_by_role("button", name="登录", exact=True).tap()
    expect(phone.get_by_text("黄大海，您好")).to_be_visible()
    assert phone.evaluate(fits)

    phone.get_by_role("link", name="申请社会救助").tap()
    phone.get_by_label("救助项目").select_option(label="最低生活保障")
    phone.get_by_label("困难情况说明").fill("黄大海腰伤不能工作，家中仅陈美玲打零工")
    # submitting before 陈美玲 signs: a clear error naming her, and nothing is written
    _sign(phone, f"#canvas-{head.pk}", 30)
    phone.get_by_role("button", name="提交申请").tap()
    expect(phone.get_by_role("alert")).to_have_text("陈美玲尚未签字：请陈美玲本人签名，或勾选由申请人代为声明")
    assert not Application.objects.exists()
    _sign(phone, f"#canvas-{head.pk}", 30)
    _sign(phone, f"#canvas-{wife.pk}", 25)
    assert phone.evaluate(fits)
    phone.get_by_role("button", name="提交申请").tap()
    expect(phone.get_by_text(re.compile(r"申请已提交，编号SQ\d+"))).to_be_visible()
    expect(phone.locator("#app-status")).to_have_text("已申请")
    expect(phone.locator("#steps li").first).to_contain_text("受理")
    assert phone.evaluate(fits)

    receipt = tmp_path / "住院收据.jpg"
    receipt.write_bytes(JPEG)
    phone.get_by_label("补充证明材料（图片或PDF，不超过10MB）").set_input_files(str(receipt))
    phone.get_by_role("button", name="上传").tap()
    expect(phone.get_by_text("已上传“住院收据.jpg”")).to_be_visible()

    app = Application.objects.get()
    assert (app.channel, app.applicant, app.household_id) == ("online", head, _household.pk)
    assert app.attachments.filter(kind=Attachment.Kind.AUTHORISATION).count() == 1
    assert app.attachments.filter(kind=Attachment.Kind.OTHER, original_name="住院收据.jpg").exists()
    sigs = {s.person_id: s for s in Signature.objects.filter(application=app)}
    assert set(sigs) == {head.pk, wife.pk} and all(s.image.read(4) == b"\x89PNG" for s in sigs.values())
