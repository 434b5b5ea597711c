"""The 核对报告 as PDF, with a real Chinese font embedded (core/pdf.py)."""

from django.utils import timezone

from minzheng.core.pdf import cjk_pdf, paragraph
from minzheng.registry.models import Relation

from .models import VerificationReport


def report_pdf(report: VerificationReport) -> bytes:
    pdf = cjk_pdf("家庭经济状况核对报告")
    pdf.set_font("cjk", size=9)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 10, "家庭经济状况核对报告", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    h = report.household
    head = [
        ("报告编号", report.number), ("核对基准日", report.on.isoformat()),
        ("家庭编号", h.number), ("所在地", report.area.full_name()),
        ("核对人", str(report.created_by)),
        ("核对时间", timezone.localtime(report.created_at).strftime("%Y-%m-%d %H:%M")),
    ]
    if report.application_id:
        head.append(("救助申请", report.application.number))
    with pdf.table(col_widths=(25, 65, 25, 65), first_row_as_headings=False, line_height=6) as table:
        for i in range(0, len(head), 2):
            row = table.row()
            for label, value in head[i:i + 2]:
                row.cell(label)
                row.cell(value)
    _section(pdf, "一、家庭成员")
    with pdf.table(col_widths=(30, 45, 25, 25, 55), line_height=5, headings_style=_heading_style()) as table:
        _row(table, ["姓名", "身份证号", "与户主关系", "月收入(元)", "说明"])
        for m in report.members:
            _row(table, [m["name"], m["id_masked"], _relation(m["relation"]),
                         m["monthly_income"] or "—", m["note"] or ("计入家庭人口" if m["counted"] else "")])
    _section(pdf, "二、部门数据及其对核对结果的作用")
    with pdf.table(col_widths=(18, 30, 32, 28, 22, 50), line_height=5, headings_style=_heading_style()) as table:
        _row(table, ["成员", "数据来源", "项目", "数额", "作用", "说明"])
        for ln in report.lines:
            _row(table, [ln["person"], ln["source_name"], " ".join(x for x in (ln["item"], ln["detail"]) if x),
                         ln["figure"], ln["effect_label"], ln["reason"]])
        if not report.lines:
            _row(table, ["—", "未查到部门数据", "", "", "", ""])
    _section(pdf, "三、财产核对")
    with pdf.table(col_widths=(25, 105, 50), line_height=5, headings_style=_heading_style()) as table:
        _row(table, ["类别", "情况", "判断"])
        for a in report.assets.values():
            _row(table, [a["label"], a["text"], "超过限额" if a["exceeds"] else "未超过限额"])
    _section(pdf, "四、结论")
    summary = [
        ("计算人口", f"{report.member_count}人"), ("家庭月收入", f"{report.household_income}元"),
        ("刚性支出扣减", f"{report.rigid_deduction}元"), ("人均月收入", f"{report.per_capita_income}元"),
        ("低保标准", f"{report.standard}元/人·月"), ("家庭货币财产", f"{report.money_assets}元"),
    ]
    with pdf.table(col_widths=(30, 60, 30, 60), first_row_as_headings=False, line_height=6) as table:
        for i in range(0, len(summary), 2):
            row = table.row()
            for label, value in summary[i:i + 2]:
                row.cell(label)
                row.cell(value)
    pdf.ln(2)
    paragraph(pdf, 6, f"结论：{report.get_conclusion_display()}")
    paragraph(pdf, 5, report.conclusion_text)
    pdf.ln(1)
    paragraph(pdf, 5, f"低保标准依据：{report.standard_explanation}")
    if report.warnings:
        paragraph(pdf, 5, "提示：" + "；".join(report.warnings))
    if report.batches:
        used = "；".join(f"{b['source']}（{b['department']}，截至{b['as_of']}）" for b in report.batches)
        paragraph(pdf, 5, f"所用数据批次：{used}")
    paragraph(pdf, 5, f"规则版本：{report.rule_version}")
    return bytes(pdf.output())


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(emphasis="", fill_color=(235, 239, 244))  # one regular face: no bold CJK font needed


def _section(pdf, title: str) -> None:
    pdf.ln(3)
    pdf.set_font("cjk", size=11)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=8)


def _row(table, values) -> None:
    row = table.row()
    for v in values:
        row.cell(str(v if v is not None else ""))


def _relation(code: str) -> str:

    try:
        return Relation(code).label
    except ValueError:
        return code
