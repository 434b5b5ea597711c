"""Evaluation reports: 年度监测报告 (any year), 中期评估 (2023) and 总结评估 (2025), as Excel and as PDF with
Chinese fonts and charts, listing every indicator with baseline, target, actual, status and citation."""

import io
from dataclasses import dataclass

from django.utils import timezone

from minzheng.core.citations import readable
from minzheng.core.errors import DomainError
from minzheng.core.pdf import cjk_pdf
from minzheng.core.tabular import safe_row

from . import selectors, targets

KINDS = {"annual": "年度监测报告", "midterm": "中期评估报告", "final": "总结评估报告"}
FIXED_YEAR = {"midterm": 2023, "final": 2025}
STATUS_COLOURS = {targets.Status.ACHIEVED: (30, 123, 69), targets.Status.ON_TRACK: (29, 95, 168),
                  targets.Status.LAGGING: (179, 38, 30), targets.Status.NO_DATA: (150, 156, 163)}
COLUMNS = ("类别", "指标", "单位", "属性", "2020基期", "2023目标", "2025目标", "实际值", "进展", "出处")


@dataclass
class Report:
    title: str
    area_name: str
    year: int
    data_as_of: str
    rows: list
    counts: dict


def _fmt(v, ind) -> str:
    """As the plan prints that row (its own decimals), like the pages."""
    rounded = targets.as_printed(v, ind)
    return "" if rounded is None else format(rounded, "f")


def _target_text(text: str, unit: str) -> str:
    t = targets.parse(text)
    if t is None:
        return "—"
    return t.text(unit)


def _actual(v) -> str:
    if v.holds is not None and v.value is None:
        return "规则成立" if v.holds else "规则不成立"
    if v.indicator.cumulative and v.running_total is not None:
        return f"{_fmt(v.running_total, v.indicator)}（累计）"
    return _fmt(v.value, v.indicator) or "—"


def build(user, area, kind: str, year: int | None = None) -> Report:
    if kind not in KINDS:
        raise DomainError(f"报告类型“{kind}”不存在，应为：{'、'.join(KINDS.values())}", field="报告类型")
    year = FIXED_YEAR.get(kind, year)
    if year is None:
        raise DomainError("年度监测报告须指定年度", field="年度")
    rows = selectors.dashboard(user, area, year)
    as_of = selectors.data_as_of(year)
    return Report(title=f"{area.name}民政事业发展“十四五”规划{year}年{KINDS[kind]}" if kind == "annual"
                  else f"{area.name}民政事业发展“十四五”规划{KINDS[kind]}（{year}年）",
                  area_name=area.name, year=year, rows=rows, counts=selectors.status_counts(rows),
                  data_as_of=_beijing(as_of) if as_of else "尚未计算")


def _beijing(moment) -> str:
    """The bureau's clock, as the pages show it (the database keeps UTC)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M（北京时间）")


def table(report: Report) -> list[list[str]]:
    out = []
    for v in report.rows:
        i = v.indicator
        name = f"{i.name}（{i.sub_item}）" if i.sub_item else i.name
        if i.cumulative:
            name = f"〔{name}〕"
        out.append([i.category, name, i.unit, i.attribute or "—", _target_text(i.baseline_2020, ""),
                    _target_text(i.target_2023, ""), _target_text(i.target_2025, ""), _actual(v),
                    v.status or "—", readable(i.citation)])  # as the pages print it, never a path
    return out


def to_excel(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "指标监测"
    ws.append(safe_row([report.title]))
    ws["A1"].font = Font(size=14, bold=True)
    ws.append([f"数据截至：{report.data_as_of}"])
    ws.append(list(COLUMNS))
    for c in ws[3]:
        c.font = Font(bold=True)
    for row in table(report):
        ws.append(safe_row(row))
    for col, width in zip("ABCDEFGHIJ", (10, 40, 10, 8, 12, 16, 16, 14, 10, 40), strict=True):
        ws.column_dimensions[col].width = width
    for r in ws.iter_rows(min_row=4):
        r[1].alignment = Alignment(wrap_text=True)
    summary = wb.create_sheet("进展汇总")
    summary.append(["进展", "指标数"])
    for status, n in report.counts.items():
        summary.append(safe_row([status, n]))
    chart = BarChart()
    chart.title, chart.y_axis.title = "指标进展情况", "指标数"
    chart.add_data(Reference(summary, min_col=2, min_row=1, max_row=1 + len(report.counts)), titles_from_data=True)
    chart.set_categories(Reference(summary, min_col=1, min_row=2, max_row=1 + len(report.counts)))
    summary.add_chart(chart, "D2")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _bar_chart(pdf, counts: dict):
    """Horizontal bars of how many indicators are in each status."""
    total = max(sum(counts.values()), 1)
    x0, width = pdf.l_margin + 28, pdf.w - pdf.l_margin - pdf.r_margin - 50
    pdf.set_font("cjk", size=10)
    for status, n in counts.items():
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(26, 7, status)
        pdf.set_fill_color(*STATUS_COLOURS[status])
        pdf.rect(x0, y + 1, max(width * n / total, 0.5), 5, style="F")
        pdf.set_xy(x0 + width * n / total + 2, y)
        pdf.cell(20, 7, f"{n}项")
        pdf.ln(7)


def to_pdf(report: Report) -> bytes:
    from fpdf.fonts import FontFace

    pdf = cjk_pdf(report.title, author="智慧民政")
    pdf.add_page(orientation="L")
    pdf.set_font("cjk", size=15)
    pdf.multi_cell(0, 9, report.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    pdf.cell(0, 6, f"数据截至：{report.data_as_of}；共{len(report.rows)}项指标；进展按规划目标逐年折算判定",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _bar_chart(pdf, report.counts)
    pdf.ln(3)
    widths = (16, 70, 16, 13, 18, 28, 28, 22, 16, 50)
    pdf.set_font("cjk", size=8)
    pdf.set_fill_color(255, 255, 255)
    heading = FontFace(emphasis="", fill_color=(238, 242, 246))  # the CJK face has no bold variant
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.5, headings_style=heading) as t:
        t.row(COLUMNS)
        for values in table(report):
            row = t.row()
            for j, text in enumerate(values):
                row.cell(text, style=FontFace(color=STATUS_COLOURS[text]) if j == 8 and text in STATUS_COLOURS
                         else None)
    return bytes(pdf.output())
