r"""Benchmark: a PDF with the embedded Chinese face (core.pdf.cjk_pdf) against the naive way, fpdf2's add_font of
the Noto CJK collection for every document. No database is needed.

    .venv/bin/python bench/pdf_bench.py --rounds 5

Two documents, the shapes of the slow ones (issue 16 point 9): a one-page letter (不予批准通知书) and a landscape
table of 36 rows × 10 columns (年度监测报告). Each is built --rounds times both ways, alternating; the median of each
side and the ratio are printed. The first cached document pays for reading the face once per process: it is printed
apart ("first"). Nothing here asserts a time: the figures go in bench/README.md.
"""

import argparse
import statistics
import time

from common import setup_django

LETTER = ("你（户）于2026年3月2日提出的最低生活保障申请（申请编号DB-440704-2026-000123），经受理、家庭经济状况核对、"
          "入户调查和审核，本机关决定不予批准。不予批准的理由：家庭人均月收入高于当地最低生活保障标准。") * 4
ROW = ("基本社会服务", "特困人员基本生活供养标准（城镇）", "元/月", "约束性", "1,452", "不低于当地低保标准1.3倍",
       "不低于当地低保标准1.6倍", "1,628（累计）", "已达标", "《江门市江海区民政事业发展“十四五”规划》第200行")


def naive_pdf():
    from fpdf import FPDF

    from minzheng.core.pdf import NOTO_CJK, NOTO_SC_INDEX

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font("cjk", "", NOTO_CJK, collection_font_number=NOTO_SC_INDEX)
    pdf.set_font("cjk", size=10)
    return pdf


def cached_pdf():
    from minzheng.core.pdf import cjk_pdf

    return cjk_pdf("基准测试")


def letter(make) -> bytes:
    pdf = make()
    pdf.add_page()
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(0, 8, LETTER)
    return bytes(pdf.output())


def table(make) -> bytes:
    from fpdf.fonts import FontFace

    pdf = make()
    pdf.add_page(orientation="L")
    pdf.set_font("cjk", size=8)
    with pdf.table(col_widths=(16, 70, 16, 13, 18, 28, 28, 22, 16, 50), line_height=4.5,
                   headings_style=FontFace(emphasis="")) as t:
        for i in range(36):
            t.row(ROW[:1] + (f"{ROW[1]}{i}",) + ROW[2:])
    return bytes(pdf.output())


def timed(fn, make) -> float:
    t = time.perf_counter()
    fn(make)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    setup_django()
    for name, fn in (("letter", letter), ("table", table)):
        first = timed(fn, cached_pdf) if name == "letter" else None
        ours, naive = [], []
        for _ in range(args.rounds):
            naive.append(timed(fn, naive_pdf))
            ours.append(timed(fn, cached_pdf))
        o, n = statistics.median(ours), statistics.median(naive)
        extra = f", first cached document {first:.3f} s" if first is not None else ""
        print(f"{name}: cjk_pdf {o:.3f} s, naive add_font {n:.3f} s, ratio {o / n:.2f}×{extra}")


if __name__ == "__main__":
    main()
