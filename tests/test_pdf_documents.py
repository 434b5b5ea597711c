"""The PDFs a family holds (issue 16 points 9 and 11): 黄志强's 不予批准通知书 never starts a line with closing
punctuation such as "）"; 王阿姨, applying online, downloads the blank 授权书 she must sign; and PDFs built one after
another by the same server process (the Chinese face is read once) each carry their own text."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from minzheng.assistance import services
from minzheng.assistance.letters import refusal_letter_pdf
from minzheng.assistance.tests.stories import submit_dibao, walk_to, world_fixture  # noqa: F401
from minzheng.core.pdf import break_lines, cjk_pdf, pdf_text

CLOSING = "）〕］】》」』”’。，、；：！？…"


def lines_of(data: bytes) -> list[str]:
    out = []
    for page in PdfReader(io.BytesIO(data)).pages:
        out += [ln.strip() for ln in page.extract_text().replace("\x00", "").splitlines() if ln.strip()]
    return out


def test_break_lines_keeps_closing_punctuation_with_the_word_before():
    pdf = cjk_pdf("测试")
    pdf.add_page()
    pdf.set_font("cjk", size=12)
    text = "你（户）于2026年3月2日提出的最低生活保障申请（申请编号DB-440704-2026-000123），经受理、家庭经济状况核对。"
    for width in range(60, 160, 3):  # every width from a narrow column (the code still fits) to the whole page
        lines = break_lines(pdf, text, width)
        assert "".join(lines) == text
        assert not any(ln[0] in CLOSING for ln in lines[1:]), (width, lines)
        assert all(pdf.get_string_width(ln) <= width for ln in lines)
        pairs = zip(lines, lines[1:], strict=False)
        assert not any(re.search(r"\d$", a) and re.match(r"\d", b) for a, b in pairs), lines  # no number cut


@pytest.mark.django_db
def test_the_refusal_letter_never_starts_a_line_with_closing_punctuation(world):
    w = world
    app = walk_to(w, submit_dibao(w), "reviewing")
    services.application_refuse(actor=w.huang, application=app, reason="家庭人均月收入高于当地低保标准（见核对报告）。")
    app.refresh_from_db()
    starts = []
    # the reason's length moves every later character along the line: some length puts "）" or "。" at a line start
    for extra in range(0, 36, 2):
        app.decision_reason = ("家庭人均月收入" + "高" * extra
                               + "于当地低保标准（见核对报告），家庭有机动车一辆（小型轿车）。")
        lines = lines_of(refusal_letter_pdf(app))
        starts += [ln for ln in lines if ln[0] in CLOSING]
        assert app.decision_reason in "".join(lines)
    assert starts == []


@pytest.mark.django_db
def test_the_village_worker_downloads_the_authorisation_form_for_a_family_to_sign(client, world):
    w = world
    client.force_login(w.chen)
    page = client.get(reverse("assistance:new")).content.decode()
    url = reverse("assistance:authorisation_form")
    assert f'href="{url}"' in page and "空白授权书" in page
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert "attachment" in r["Content-Disposition"]
    text = pdf_text(r.content)
    assert "家庭经济状况核对授权书" in text and "签名" in text and "身份证号" in text
    assert "授权" in text and "民政部门" in text
    client.logout()
    assert client.get(url).status_code in (302, 403)  # signed-in users only, like the form it belongs to


def test_documents_built_one_after_another_each_carry_their_own_text():
    texts = ["第一份：最低生活保障（城镇）", "第二份：特困人员救助供养", "第三份：临时救助（急难型）"]
    for t in texts:
        pdf = cjk_pdf(t)
        pdf.add_page()
        pdf.cell(0, 8, t)
        assert pdf_text(bytes(pdf.output())) == t
