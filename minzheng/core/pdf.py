"""PDF documents with a real Chinese font (Debian's fonts-noto-cjk), embedded and subset by fpdf2,
so the text renders everywhere and can be searched and extracted."""

import copy
import threading
from pathlib import Path

from django.conf import settings

from .errors import DomainError

NOTO_CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
NOTO_SC_INDEX = 2  # the collection holds JP, KR, SC, TC, HK; SC is the simplified-Chinese face

# Reading the 65,000-glyph face's metrics (cmap, widths, glyph ids) cost 0.25–0.6 s per document; it is the same
# for every document, so it is read once per process. Each document still gets its own fontTools font object,
# because fpdf2 subsets that object in place when it writes the file (bench/README.md, "PDF").
_FACES: dict[tuple[str, int], object] = {}
_FACES_LOCK = threading.Lock()


def _face(path: str, index: int):
    """The parsed face, read once: a TTFFont that is never written itself, only copied."""
    key = (path, index)
    with _FACES_LOCK:
        if key not in _FACES:
            from fpdf import FPDF

            scratch = FPDF()
            scratch.add_font("cjk", "", path, collection_font_number=index)
            _FACES[key] = scratch.fonts["cjk"]
        return _FACES[key]


def _add_cjk_font(pdf, path: str, index: int) -> None:
    """pdf.add_font("cjk", …) from the cached face: the metrics are shared (read-only), the fontTools font
    and the subset map are the document's own."""
    from fontTools import ttLib
    from fpdf.fonts import SubsetMap

    font = copy.copy(_face(path, index))
    font.ttfont = ttLib.TTFont(path, recalcTimestamp=False, fontNumber=index, lazy=True)
    font.i = len(pdf.fonts) + 1
    font.biggest_size_pt = 0
    font.missing_glyphs = []
    font._hbfont = None
    font.subset = SubsetMap(font)
    pdf.fonts["cjk"] = font
    if font.is_cff and font.is_cid_keyed:  # as add_font does: CID-keyed CFF needs PDF 1.6
        pdf._set_min_pdf_version("1.6")


def cjk_pdf(title: str, *, author: str = ""):
    from fpdf import FPDF

    path = getattr(settings, "PDF_CJK_FONT", NOTO_CJK)
    if not Path(path).exists():
        raise DomainError(f"服务器未安装中文字体（{path}），无法生成PDF，请安装 fonts-noto-cjk", code="no_font")
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    _add_cjk_font(pdf, path, getattr(settings, "PDF_CJK_FONT_INDEX", NOTO_SC_INDEX))
    pdf.set_font("cjk", size=10)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(title)
    if author:
        pdf.set_author(author)
    return pdf


def break_lines(pdf, text: str, width: float | None = None) -> list[str]:
    """`text` cut into lines no wider than `width` (mm; default the space between the margins) at the places the
    Unicode line-breaking rule (UAX #14, uniseg) allows: never before closing punctuation （）。，、；：！？”》…）
    nor after an opening one, never inside a number or a code. fpdf2's own wrapping breaks between any two Chinese
    characters, so a line could start with "）". A unit wider than a whole line (a long code) is cut by character."""
    from uniseg.linebreak import line_break_units

    width = width if width is not None else pdf.w - pdf.l_margin - pdf.r_margin - 2 * pdf.c_margin
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for unit in line_break_units(para):
            if pdf.get_string_width(line + unit.rstrip()) <= width:
                line += unit
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = ""
            while pdf.get_string_width(unit.rstrip()) > width:  # no break allowed inside: cut where it must
                cut = next((i for i in range(len(unit) - 1, 0, -1) if pdf.get_string_width(unit[:i]) <= width), 1)
                lines.append(unit[:cut])
                unit = unit[cut:]
            line = unit
        lines.append(line.rstrip())
    return lines


def paragraph(pdf, height: float, text: str, *, align: str = "L") -> None:
    """multi_cell for Chinese text: the lines of break_lines, one cell each, back at the left margin after."""
    for line in break_lines(pdf, text, pdf.w - pdf.r_margin - pdf.get_x() - 2 * pdf.c_margin):
        pdf.cell(0, height, line, align=align, new_x="LMARGIN", new_y="NEXT")


def pdf_text(data: bytes) -> str:
    """The text of a PDF without whitespace (for checks). pypdf reads fpdf2's CID ToUnicode map as UTF-16
    code units and yields a NUL before each character (poppler's pdftotext reads it cleanly), so drop them."""
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    return "".join("".join(p.extract_text().replace("\x00", "").split()) for p in pages)
