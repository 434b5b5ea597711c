"""申请撤销监护人资格: the application the centre files with the court, and the list of supporting documents drawn
from the case's own records (report, 核查, 应急处置, assessments, 监护干预), as a PDF with a CJK font."""

from __future__ import annotations

import datetime as dt

from minzheng.core.errors import DomainError
from minzheng.core.idcard import mask
from minzheng.core.pdf import cjk_pdf

from . import rules
from .models import CaseEvent, EventKind, Guardian


def _cn(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def revocation_text(event: CaseEvent) -> dict:
    if event.kind != EventKind.REVOCATION:
        raise DomainError("该记录不是撤销监护人资格申请", code="not_revocation")
    case = event.case
    child = case.child
    guardian = Guardian.objects.select_related("person").get(pk=event.details["guardian"])
    centre = next((a for a in case.area.ancestors().reverse() if a.level in ("county", "city")), case.area)
    applicant = f"{centre.name}未成年人救助保护中心"
    respondent = guardian.person
    docs = []
    for r in case.reports.order_by("id"):
        docs.append(f"强制报告登记（{r.number}，{_cn(r.received_on)}，{rules.report_sources().get(r.source, '')}报告）")
    labels = dict(EventKind.choices)
    for e in case.events.order_by("happened_on", "id"):
        if e.kind in (EventKind.VERIFY, EventKind.EMERGENCY, EventKind.INTERVENTION, EventKind.FOLLOW_UP):
            docs.append(f"{labels[e.kind]}记录（{_cn(e.happened_on)}）：{e.note[:60]}")
    for a in case.assessments.order_by("assessed_on"):
        form = rules.form_by_key(a.form_key)
        docs.append(f"{form.title}（第{form.version}版，{_cn(a.assessed_on)}）：{form.level_label(a.risk_level)}，"
                    f"总分{a.score}")
    body = [
        f"申请人：{applicant}",
        f"被申请人：{respondent.name}（身份证号{mask(respondent.id_number)}），系被监护人的{guardian.relation}"
        if respondent else f"被申请人：{guardian.who}",
        f"被监护人：{child.name}（身份证号{mask(child.id_number)}），{_cn(child.birth_date)}出生，"
        f"住{child.residence_area.full_name()}",
        "申请事项：依法撤销被申请人的监护人资格，并依法为被监护人指定监护人。",
        f"事实和理由：{event.note}",
        "依据：《中华人民共和国民法典》第三十六条，《中华人民共和国未成年人保护法》第一百零八条。",
        f"此致\n{event.details.get('court', '')}",
    ]
    return {"title": "撤销监护人资格申请书", "number": f"{case.number}-CX", "body": body, "documents": docs,
            "applicant": applicant, "date": _cn(event.happened_on)}


def revocation_pdf(event: CaseEvent) -> bytes:
    letter = revocation_text(event)
    pdf = cjk_pdf(letter["title"], author=letter["applicant"])
    pdf.add_page()
    pdf.set_margins(25, 25, 25)
    pdf.set_font("cjk", size=18)
    pdf.cell(0, 14, letter["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10.5)
    pdf.cell(0, 8, f"编号：{letter['number']}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=12)
    for para in letter["body"]:
        pdf.multi_cell(0, 8, para, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.cell(0, 8, letter["applicant"], align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, letter["date"], align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.set_font("cjk", size=14)
    pdf.cell(0, 12, "证据材料清单", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    for n, doc in enumerate(letter["documents"], 1):
        pdf.multi_cell(0, 7, f"{n}. {doc}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
