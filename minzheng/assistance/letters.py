"""不予批准通知书 (refusal notice) as a PDF with an embedded CJK font.

The font is Debian's Noto Sans CJK SC (package fonts-noto-cjk). ReportLab embeds TrueType outlines only and
Noto CJK ships PostScript (CFF) outlines, so for each letter we subset the font to the characters used and
convert the subset's outlines to TrueType quadratics with fontTools (a few hundred glyphs: ~0.1 s), then let
ReportLab embed that subset. The text stays real text: it can be searched, copied and read by screen readers.
"""

import datetime as dt
import io
import textwrap
from pathlib import Path

from django.utils import timezone

from minzheng.core.errors import DomainError
from minzheng.core.idcard import mask

from .models import Application, ApplicationStatus
from .programmes.base import get_programme

NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
NOTO_SC_INDEX = 2  # the collection holds JP, KR, SC, TC, HK; SC is the simplified-Chinese face


def _truetype_subset(text: str) -> io.BytesIO:
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    if not NOTO_CJK.exists():
        raise DomainError("服务器缺少中文字体（Debian 软件包 fonts-noto-cjk），无法生成通知书", code="missing_font")
    font = TTFont(str(NOTO_CJK), fontNumber=NOTO_SC_INDEX, lazy=True)
    options = subset.Options()
    options.layout_features, options.hinting, options.desubroutinize, options.notdef_outline = [], False, True, True
    options.name_IDs = ["*"]
    sub = subset.Subsetter(options)
    sub.populate(text=text)
    sub.subset(font)

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"], font["loca"] = glyf, newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                 "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat, font["head"].glyphDataFormat = 0, 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    font.sfntVersion = "\x00\x01\x00\x00"
    out = io.BytesIO()
    font.save(out)
    out.seek(0)
    return out


def _wrap(text: str, width: int) -> list[str]:
    lines = []
    for para in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(para, width=width) or [""])
    return lines


def refusal_letter_text(app: Application) -> dict:
    """The wording of the notice, also used on screen."""
    if app.status != ApplicationStatus.REFUSED:
        raise DomainError(f"申请{app.number}未作出不予批准决定，不能生成不予批准通知书", code="not_refused")
    step = app.steps.filter(to_status=ApplicationStatus.REFUSED).order_by("-at").first()
    decided = timezone.localtime(step.at).date() if step else timezone.localdate()
    county = next((a for a in app.area.ancestors() if a.level == "county"), None)
    authority = f"{county.name if county else app.area.name}民政局"
    label = get_programme(app.programme).label
    applicant = app.applicant
    submitted = timezone.localtime(app.created_at).date()
    body = (f"{applicant.name}（身份证号{mask(applicant.id_number)}）：\n"
            f"你（户）于{_cn_date(submitted)}提出的{label}申请（申请编号{app.number}），经受理、家庭经济状况核对、"
            f"入户调查和审核，本机关决定不予批准。\n"
            f"不予批准的理由：{app.decision_reason}\n"
            f"如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起"
            f"行政诉讼。家庭情况发生变化的，可以重新提出申请。")
    return {"title": f"{label}不予批准通知书", "number": f"{app.number}-BY", "body": body,
            "authority": authority, "date": _cn_date(decided), "area": app.area.full_name()}


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def refusal_letter_pdf(app: Application) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    letter = refusal_letter_text(app)
    all_text = "".join(letter.values()) + "编号：0123456789-（）"
    font_name = f"NotoSC-{app.pk}"
    pdfmetrics.registerFont(TTFont(font_name, _truetype_subset(all_text)))
    buf = io.BytesIO()
    width, height = A4
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(letter["title"])
    c.setAuthor(letter["authority"])
    c.setFont(font_name, 18)
    c.drawCentredString(width / 2, height - 90, letter["title"])
    c.setFont(font_name, 10.5)
    c.drawRightString(width - 72, height - 115, f"编号：{letter['number']}")
    y = height - 150
    c.setFont(font_name, 12)
    for line in _wrap(letter["body"], 38):
        c.drawString(72, y, line)
        y -= 22
    y -= 30
    c.drawRightString(width - 72, y, letter["authority"])
    c.drawRightString(width - 72, y - 22, letter["date"])
    c.showPage()
    c.save()
    return buf.getvalue()
