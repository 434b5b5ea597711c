"""Browser story (issue 16 point 8): 李建华 of 礼乐街道 checks his import — the job's status label is readable (its own
background, not white on nothing) and the counts carry no bullets sitting on the figures; 黄志强 of 江海区 opens the
养老服务设施 list on a 1,400 px screen: it says how many there are, and every column fits in the card."""

import csv
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from minzheng.assistance.tests.stories import world_fixture  # noqa: F401
from minzheng.carefacility.tests.stories import home
from minzheng.core.idcard import make_id_number
from minzheng.registry import importing

CONTRAST = """el => {
  const rgb = s => s.match(/\\d+(\\.\\d+)?/g).slice(0, 4).map(Number);
  const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const st = getComputedStyle(el), bg = rgb(st.backgroundColor), fg = rgb(st.color);
  if (bg.length === 4 && bg[3] === 0) return 0;  // transparent: white text on the white card
  const a = lum(fg), b = lum(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def _login(page, url, username):
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Minzheng#2026")
    page.get_by_role("button", name="登录").click()


def _roster(w) -> bytes:
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(importing.COLUMNS)
    for seq, name in ((401, "邓伯"), (403, "邓婆")):
        values = {"身份证号": make_id_number("440704", dt.date(1950, 3, 1), seq), "姓名": name,
                  "户籍地区划代码": w.yingnan.code, "居住地区划代码": w.yingnan.code}
        out.writerow([values.get(h, "") for h in importing.COLUMNS])
    out.writerow(["123", "错号", w.yingnan.code, w.yingnan.code] + [""] * (len(importing.COLUMNS) - 4))
    return buf.getvalue().encode("utf-8-sig")


def test_the_import_status_is_readable_and_its_counts_carry_no_bullets(live_server, browser_page, world):
    w = world
    job = importing.import_create(actor=w.li, upload=SimpleUploadedFile("英南村名册.csv", _roster(w)))
    importing.import_validate(job)
    page = browser_page
    _login(page, live_server.url, "lijh")
    page.goto(f"{live_server.url}/imports/{job.pk}/")
    badge = page.locator("#import-job .status")
    assert badge.inner_text() == "校验完成，待确认"
    assert badge.evaluate(CONTRAST) >= 4.5
    counts = page.locator("#import-job ul.stats li")
    assert counts.count() >= 3
    assert counts.first.evaluate("el => getComputedStyle(el).listStyleType") == "none"


def test_the_facility_list_counts_and_fits_at_1400px(live_server, browser, world):
    w = world
    for name in ("江门市江海区礼乐街道英南村颐康长者照护之家（社区嵌入式）", "礼乐颐养院"):
        home(w, name=name)
    page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 900})
    page.set_default_timeout(10_000)
    _login(page, live_server.url, "huangzq")
    page.goto(f"{live_server.url}/facilities/")
    assert "共 2 条" in page.locator("main, body").first.inner_text()
    wrap = page.locator("section.table-wrap").first
    scroll, client = wrap.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert scroll <= client + 1, f"表格宽 {scroll}px，卡片 {client}px：右侧的列被截去"
