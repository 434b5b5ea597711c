"""The 登记证书 as a PDF with a real CJK font."""

from minzheng.core.money import amount
from minzheng.core.pdf import cjk_pdf

from .models import SocialOrg

TITLES = {"social_group": "社会团体法人登记证书", "service_org": "民办非企业单位（社会服务机构）登记证书",
          "foundation": "基金会法人登记证书", "community": "社区社会组织备案证明"}


def certificate_pdf(org: SocialOrg) -> bytes:
    title = TITLES[org.form]
    pdf = cjk_pdf(title, author=f"{org.registrar.name}民政局")
    pdf.add_page()
    pdf.set_font("cjk", size=20)
    pdf.cell(0, 18, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=12)
    rows = [
        ("统一社会信用代码", org.credit_code or "（备案，不赋码）"),
        ("名称", org.name),
        ("住所", org.domicile),
        ("法定代表人", org.legal_rep.name),
        ("业务范围", org.purpose),
        ("业务主管单位", org.supervisor or "无"),
        ("注册资金", f"{amount(org.capital_fen) / 100:.2f}元"),
        ("成立日期", f"{org.established_on:%Y年%m月%d日}"),
        ("登记管理机关", f"{org.registrar.name}民政局"),
    ]
    for label, value in rows:
        pdf.cell(40, 10, label)
        pdf.multi_cell(0, 10, value, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
