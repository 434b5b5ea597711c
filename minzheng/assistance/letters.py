"""不予批准通知书 (refusal notice) as a PDF with an embedded Chinese font (see core/pdf.py)."""

import datetime as dt

from django.utils import timezone

from minzheng.core.errors import DomainError
from minzheng.core.idcard import mask
from minzheng.core.pdf import cjk_pdf, paragraph

from .models import Application, ApplicationStatus
from .programmes.base import get_programme


def refusal_letter_text(app: Application) -> dict:
    """The wording of the notice, also used on screen."""
    if app.status != ApplicationStatus.REFUSED:
        raise DomainError(f"申请{app.number}未作出不予批准决定，不能生成不予批准通知书", code="not_refused")
    step = app.steps.filter(to_status=ApplicationStatus.REFUSED).order_by("-at").first()
    decided = timezone.localtime(step.at).date() if step else timezone.localdate()
    # The county-level bureau decides; 中山 and 东莞 have no county level, so their city bureau does.
    levels = {a.level: a for a in app.area.ancestors()}
    authority = f"{(levels.get('county') or levels.get('city') or app.area).name}民政局"
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
    letter = refusal_letter_text(app)
    pdf = cjk_pdf(letter["title"], author=letter["authority"])
    pdf.set_margins(25, 25, 25)
    pdf.add_page()
    pdf.set_font("cjk", size=18)
    pdf.cell(0, 14, letter["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10.5)
    pdf.cell(0, 8, f"编号：{letter['number']}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("cjk", size=12)
    for para in letter["body"].splitlines():
        paragraph(pdf, 8, para)  # UAX #14 breaks: no line starts with "）" or "。"
    pdf.ln(12)
    pdf.cell(0, 8, letter["authority"], align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, letter["date"], align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


# 家庭经济状况核对授权书: the "书" of 一证一书 (《东莞市民政事业发展“十四五”规划》第435行, data/plans/seeds/004_…:435),
# the one paper a family signs so that 核对 may query the departments. Blank, for every member to sign.
AUTHORISATION_TITLE = "家庭经济状况核对授权书"
AUTHORISATION_BODY = (
    "本人及共同生活的家庭成员申请社会救助，自愿授权民政部门及其委托的家庭经济状况核对机构，向公安、人力资源社会保障、"
    "住房城乡建设、自然资源、市场监管、税务、医疗保障、住房公积金管理、银行、证券、保险等部门和机构查询、核对本人及"
    "下列家庭成员的户籍、收入、财产和支出等信息。查询、核对的结果仅用于社会救助的审核确认和动态管理，民政部门依法"
    "保护个人信息，不作他用。",
    "本人承诺所提供的家庭成员、收入和财产情况真实、完整。如有隐瞒、虚报或者伪造，愿意承担相应的法律责任；已经取得的"
    "救助款物依法退还。",
    "申请家庭全体成员（未成年人及无民事行为能力人由其监护人代签）签名或者按手印：",
)
AUTHORISATION_COLUMNS = ("姓名", "与申请人关系", "身份证号", "签名（按手印）", "日期")
AUTHORISATION_ROWS = 6  # a household of up to six; a larger one attaches a second sheet


def authorisation_form_pdf() -> bytes:
    """The blank 授权书 a resident downloads, prints, has every member sign and uploads with the application."""
    from fpdf.fonts import FontFace

    pdf = cjk_pdf(AUTHORISATION_TITLE, author="智慧民政")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("cjk", size=18)
    pdf.cell(0, 14, AUTHORISATION_TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", size=11.5)
    pdf.cell(0, 8, "申请人：____________　身份证号：____________________　申请项目：____________",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for para in AUTHORISATION_BODY:
        paragraph(pdf, 7.5, "　　" + para)
        pdf.ln(1.5)
    pdf.set_font("cjk", size=10.5)
    heading = FontFace(emphasis="", fill_color=(238, 242, 246))  # the CJK face has no bold variant
    with pdf.table(col_widths=(24, 26, 52, 40, 28), text_align="CENTER", line_height=10,
                   headings_style=heading) as t:
        t.row(AUTHORISATION_COLUMNS)
        for _ in range(AUTHORISATION_ROWS):
            t.row([""] * len(AUTHORISATION_COLUMNS))
    pdf.ln(10)
    pdf.set_font("cjk", size=11.5)
    pdf.cell(0, 8, "申请人（签名）：______________　　　　年　　月　　日", align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
