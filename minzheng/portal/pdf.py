"""家庭经济状况核对授权书 as a PDF (core/pdf.py's CJK fonts): the blank template to download, and the signed one
made from the signatures drawn on screen."""

import datetime as dt
import io

from minzheng.core.errors import DomainError
from minzheng.core.pdf import cjk_pdf
from minzheng.registry.models import Person

TITLE = "家庭经济状况核对授权书"
BODY = ("本人及共同生活的家庭成员自愿申请社会救助，同意并授权民政部门及其委托的核对机构，依据《社会救助暂行办法》"
        "第十一条和《最低生活保障审核确认办法》第十二条的规定，向公安、人力资源社会保障、税务、住房公积金、不动产"
        "登记、车辆管理、市场监督管理、银行等部门和机构查询、核对本人及家庭成员的户籍、收入和财产状况，"
        "核对结果仅用于社会救助审核确认。本人承诺所提供的信息真实、完整，如有虚假，愿承担相应责任。")


def _cn(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _head(pdf) -> None:
    pdf.add_page()
    pdf.set_margins(20, 20, 20)
    pdf.set_font("cjk", size=18)
    pdf.cell(0, 14, TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(0, 7, BODY, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def template_pdf(members: list[Person]) -> bytes:
    """The blank template, with the household's adult members listed for signing by hand."""
    pdf = cjk_pdf(TITLE)
    _head(pdf)
    pdf.set_font("cjk", size=11)
    rows = [p.name for p in members] + ["", ""]
    for name in rows:
        pdf.cell(50, 12, f"姓名：{name}", border=1)
        pdf.cell(0, 12, "签字（手印）：", border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.cell(0, 8, "日期：      年    月    日", align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def authorisation_pdf(*, applicant: Person, members: list[tuple[Person, bytes | None]], on: dt.date) -> bytes:
    """The 授权书 signed on screen: each member's signature image, or the applicant's declaration for them."""
    pdf = cjk_pdf(TITLE, author=applicant.name)
    _head(pdf)
    for person, png in members:
        pdf.set_font("cjk", size=11)
        pdf.cell(60, 24, f"{person.name}（{person.masked_id}）", border=1)
        if png is None:
            pdf.cell(0, 24, f"由申请人{applicant.name}代为声明授权", border=1, new_x="LMARGIN", new_y="NEXT")
        else:
            x, y = pdf.get_x(), pdf.get_y()
            pdf.cell(0, 24, "", border=1, new_x="LMARGIN", new_y="NEXT")
            try:
                pdf.image(io.BytesIO(png), x=x + 2, y=y + 1, h=22)
            except Exception:  # fpdf2/Pillow reject a damaged image with assorted errors
                raise DomainError(f"{person.name}的签名图片无法识别，请清除后重新签名", code="bad_file",
                                  field=f"{person.name}的签名") from None
    pdf.ln(6)
    pdf.cell(0, 8, f"签署日期：{_cn(on)}（居民掌上办在线签署）", align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
