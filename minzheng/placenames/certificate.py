"""地名批准书 as a PDF with the project's CJK font (core.pdf)."""

from minzheng.core.errors import Conflict
from minzheng.core.pdf import cjk_pdf

from .models import NamingApplication
from .services import categories


def certificate_pdf(app: NamingApplication) -> bytes:
    if app.status != NamingApplication.Status.APPROVED or app.result is None:
        raise Conflict("该申请尚未批准，没有地名批准书", field="状态")
    place = app.result
    pdf = cjk_pdf(f"地名批准书 {app.certificate_number}", author=app.area.name)
    pdf.add_page()
    pdf.set_font("cjk", size=20)
    pdf.cell(0, 16, "地名批准书", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    pdf.cell(0, 8, f"编号：{app.certificate_number}", align="R", new_x="LMARGIN", new_y="NEXT")
    rows = [
        ("事项", app.get_kind_display()),
        ("标准名称", place.name),
        ("汉语拼音", place.pinyin),
        ("原名称", app.place.name if app.kind == NamingApplication.Kind.RENAME and app.place else "—"),
        ("地名类别", categories().get(place.category, place.category)),
        ("所在行政区", app.area.full_name()),
        ("位置", "；".join(f"东经{x:.5f}° 北纬{y:.5f}°" for x, y in place.coordinates[:4])),
        ("来历", place.origin or "—"),
        ("含义", place.meaning or "—"),
        ("申请单位", app.applicant),
        ("批准日期", app.decided_on.strftime("%Y年%m月%d日") if app.decided_on else "—"),
    ]
    for label, value in rows:
        pdf.set_font("cjk", size=11)
        pdf.cell(30, 9, label, border=1)
        pdf.multi_cell(0, 9, value, border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.multi_cell(0, 7, "依据《地名管理条例》（2022年）批准。批准后应按《地名备案公告管理办法（试行）》备案公告，"
                         "并在地名标志、公文、证照、地图等处使用标准地名。")
    return bytes(pdf.output())
