"""志愿服务记录证明 as a PDF (real CJK font) carrying its verification code."""

from minzheng.core.pdf import cjk_pdf

from .models import Certificate


def certificate_pdf(c: Certificate) -> bytes:
    pdf = cjk_pdf("志愿服务记录证明", author=c.issuer)
    pdf.add_page()
    pdf.set_font("cjk", size=20)
    pdf.cell(0, 18, "志愿服务记录证明", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=12)
    person = c.volunteer.person
    pdf.multi_cell(0, 9, f"兹证明{person.name}（身份证号{person.masked_id}）在本单位参加志愿服务，"
                         f"经活动组织人确认的服务时长累计{c.total_hours}小时，记录如下：",
                   new_x="LMARGIN", new_y="NEXT")
    for r in c.activities:
        pdf.cell(0, 8, f"{r['date']}  {r['title']}  {r['hours']}小时", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.cell(0, 9, f"出具单位：{c.issuer}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 9, f"出具日期：{c.issued_on:%Y年%m月%d日}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 9, f"验证码：{c.code}（可在本平台“志愿服务记录证明查验”页面输入验证码核验）", new_x="LMARGIN",
             new_y="NEXT")
    return bytes(pdf.output())
