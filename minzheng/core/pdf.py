"""PDF documents with a real Chinese font (Debian's fonts-noto-cjk), embedded and subset by fpdf2,
so the text renders everywhere and can be searched and extracted."""

from pathlib import Path

from django.conf import settings

from .errors import DomainError

NOTO_CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
NOTO_SC_INDEX = 2  # the collection holds JP, KR, SC, TC, HK; SC is the simplified-Chinese face


def cjk_pdf(title: str, *, author: str = ""):
    from fpdf import FPDF

    path = getattr(settings, "PDF_CJK_FONT", NOTO_CJK)
    if not Path(path).exists():
        raise DomainError(f"服务器未安装中文字体（{path}），无法生成PDF，请安装 fonts-noto-cjk", code="no_font")
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font("cjk", "", path, collection_font_number=getattr(settings, "PDF_CJK_FONT_INDEX", NOTO_SC_INDEX))
    pdf.set_font("cjk", size=10)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(title)
    if author:
        pdf.set_author(author)
    return pdf


def pdf_text(data: bytes) -> str:
    """The text of a PDF without whitespace (for checks). pypdf reads fpdf2's CID ToUnicode map as UTF-16
    code units and yields a NUL before each character (poppler's pdftotext reads it cleanly), so drop them."""
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    return "".join("".join(p.extract_text().replace("\x00", "").split()) for p in pages)
