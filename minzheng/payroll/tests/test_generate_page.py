"""Issue 16: 黄志强 (江海区) generates June's 低保 roster from the payroll page — no API needed; 梁文杰 (郁南县) cannot
aim the button at 江海区, and a month typed wrong is refused with a Chinese message and writes nothing."""

from minzheng.payroll.models import Roster

from .conftest import JUNE


def test_huang_generates_a_new_months_roster_from_the_page(client, people, wang_family):
    client.force_login(people["jianghai_approver"])
    page = client.get("/payroll/").content.decode()
    assert "生成发放名单" in page and "低保金" in page

    r = client.post("/payroll/rosters/new/", {"month": "2024-06", "programme": "dibao", "area": "440704"},
                    follow=True)
    roster = Roster.objects.get(month=JUNE, programme="dibao")
    assert r.redirect_chain[-1][0] == f"/payroll/rosters/{roster.pk}/"
    text = r.content.decode()
    assert "江海区2024年06月低保金发放名单" in text and "共2笔" in text and "dibao" not in text


def test_another_county_and_a_bad_month_write_nothing(client, people, wang_family):
    client.force_login(people["yunan_approver"])
    r = client.post("/payroll/rosters/new/", {"month": "2024-06", "programme": "dibao", "area": "440704"},
                    follow=True)
    assert "发放区域不在您的管辖范围内" in r.content.decode()
    client.force_login(people["jianghai_approver"])
    r = client.post("/payroll/rosters/new/", {"month": "六月", "programme": "dibao", "area": "440704"}, follow=True)
    assert "发放月份格式不正确" in r.content.decode()
    assert not Roster.objects.exists()
