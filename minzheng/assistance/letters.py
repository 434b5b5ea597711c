"""不予批准通知书 (refusal notice) as a PDF with an embedded Chinese font (see core/pdf.py)."""

import datetime as dt

from django.utils import timezone

from minzheng.core.errors import DomainError
from minzheng.core.idcard import mask
from minzheng.core.pdf import cjk_pdf

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
    pdf.add_page()
    pdf.set_margins(25, 25, 25)
    pdf.set_font("cjk", size=18)
    pdf.cell(0, 14, letter["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10.5)
    pdf.cell(0, 8, f"编号：{letter['number']}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("cjk", size=12)
    for para in letter["body"].splitlines():
        pdf.multi_cell(0, 8, para, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.cell(0, 8, letter["authority"], align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, letter["date"], align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
