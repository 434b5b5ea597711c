"""The monitoring's main story, walked through the real services of every app it touches:

中山市医保局's June 2024 feed of inpatient bills arrives; 冯秀英 of the monitored 郭 family paid 38,000 元 out of
pocket after 医保 — above the 5,000 元 threshold of data/lowincome/rules.csv (assumed) — so the alert run raises a
high alert for 虎逊村, due for 核实 in 5 working days (the 端午 holiday on 10 June pushes it to the 11th). The
village worker 吴少芳 visits; 沙溪镇 recognises the difficulty and refers the household to 支出型临时救助: the
application arrives pre-filled. It then goes the whole 大救助 way — 受理, 核对 (人社 wage data, the hospital bills as
刚性支出), 入户调查, 审核, 公示, 审批 — and the city's July roster pays 2 × 1,100 元 per person (中山市 低保 1,100
元/人·月, seeds/003_347e8344be296080.txt:7; 镇街临时救助“不低于2个月低保标准”, line 8). The town's KPIs count it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from minzheng.assistance import services as assistance
from minzheng.assistance.facts import build_facts
from minzheng.assistance.tests.stories import authorisation, photo
from minzheng.assistance.tests.test_end_to_end import paid, pay
from minzheng.lowincome import selectors, services
from minzheng.lowincome.models import Alert, AlertStatus, Event
from minzheng.lowincome.runs import alert_run
from minzheng.verification.assess import urban_rural
from minzheng.verification.services import department_batch_push, household_income_summary, rigid_expense_record

from .stories import feed_csv, guo_family

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

FEED_DAY = dt.date(2024, 6, 3)      # a Monday
VISITED = dt.date(2024, 6, 5)
REFERRED, ACCEPTED, CHECKED = dt.date(2024, 6, 6), dt.date(2024, 6, 7), dt.date(2024, 6, 11)
SENT_UP, REVIEWED = dt.date(2024, 6, 12), dt.date(2024, 6, 13)
JULY = dt.date(2024, 7, 1)


def test_a_hospital_bill_becomes_an_alert_a_visit_a_prefilled_temporary_assistance_and_a_paid_roster(cast, tmp_path):
    w, s = cast, cast.zhongshan_staff
    home, guo, feng = guo_family(w, on=FEED_DAY)
    lonely = guo  # a second bill, under the threshold, for the same family
    feed = feed_csv(tmp_path / "医保住院结算202406.csv", [
        f"{feng.id_number},冯秀英,38000.00,2024-05-28,中山市人民医院",
        f"{lonely.id_number},郭志强,1200.00,2024-05-20,沙溪镇卫生院",
    ])
    batch = services.feed_import(actor=w.liu, kind="hospital_bill", path=feed, today=FEED_DAY)
    assert (batch.total_rows, batch.new_events, batch.alerts_raised) == (2, 2, 1)
    alert = Alert.objects.get()
    assert (alert.person, alert.household, alert.area, alert.severity) == (feng, home, w.huxun, "high")
    assert alert.verify_due == dt.date(2024, 6, 11)  # 5 working days; 10 June is 端午
    assert alert.rule.assumed and "国办发〔2023〕39号" in alert.rule.citation

    # the same feed again, and the run again: nothing new
    again = services.feed_import(actor=w.liu, kind="hospital_bill", path=feed, today=FEED_DAY)
    assert (again.new_events, again.repeated_events, again.alerts_raised) == (0, 2, 0)
    assert alert_run(user=w.liu, on=FEED_DAY) == 0
    assert (Event.objects.count(), Alert.objects.count()) == (2, 1)

    # 核实 by the village, 认定 and 转介 by the town
    services.alert_verify(actor=w.wusf, alert=alert, verified_on=VISITED,
                          finding="入户核实：冯秀英5月因急性胰腺炎住院，医保报销后自付3.8万元，家庭已借债")
    services.alert_recognise(actor=w.feng, alert=alert, opinion="因病致困属实，建议申请支出型临时救助",
                             today=REFERRED)
    services.alert_refer(actor=w.feng, alert=alert, programme="temporary", variant="expenditure",
                         note="请同时告知医疗救助政策", authorisation=authorisation(), today=REFERRED)
    alert.refresh_from_db()
    app = alert.application
    assert alert.status == AlertStatus.REFERRED
    assert (app.programme, app.variant, app.applicant, app.household, app.status) == (
        "temporary", "expenditure", feng, home, "submitted")
    note = app.steps.get().note
    assert "38000.00元" in note and "家庭已借债" in note

    # the 大救助 way, as 沙溪镇 and the city bureau do it
    department_batch_push(actor=w.liu, source="hrss_wage", as_of=dt.date(2024, 5, 31), provider="中山市人社局",
                          period="2024年5月", records=[{"身份证号": guo.id_number, "姓名": "郭志强",
                                                         "工作单位": "五金制品厂", "月应发工资(元)": "2400"}])
    rigid_expense_record(actor=w.feng, household=home, person=feng, category="medical", amount="1800",
                         period="monthly", valid_from=dt.date(2024, 5, 1), valid_to=dt.date(2024, 12, 31),
                         evidence="住院医疗费用票据（医保结算后自付部分，分摊至年底）")
    assistance.application_accept(actor=w.feng, application=app, note="监测预警转介，材料齐全", today=ACCEPTED)
    assistance.application_start_verification(actor=w.feng, application=app, today=CHECKED)
    visit = timezone.localdate()
    assistance.investigation_record(actor=w.feng, application=app, visit_date=visit, today=visit,
                                    visitors="冯嘉欣、吴少芳", findings="与预警核实情况一致，家庭刚性支出大",
                                    conclusion="eligible", photos=[photo()])
    review = assistance.application_submit_review(actor=w.feng, application=app, opinion="同意上报", today=SENT_UP)
    if review.revisit_required:
        assistance.investigation_record(actor=w.liu, application=app, visit_date=visit, today=visit,
                                        visitors="刘志明、冯嘉欣", findings="市局抽查，情况属实", conclusion="eligible")
    publicity = assistance.application_review(actor=w.liu, application=app, opinion="审核通过",
                                              full_review=review.full_review_required, today=REVIEWED)
    approved_on = publicity.end_date + dt.timedelta(days=1)
    assistance.application_close_publicity(actor=w.liu, application=app, today=approved_on)
    found = household_income_summary(home, CHECKED)
    facts = build_facts(user=w.liu, household=home, on=approved_on, urban_rural=urban_rural(home.area),
                        incomes=found.member_incomes, assets=found.assets, rigid_expenses=found.rigid_expenses,
                        variant="expenditure")
    case = assistance.application_approve(actor=w.liu, application=app, facts=facts, today=approved_on,
                                          opinion="公示无异议，予以批准")
    assert case.start_month == JULY

    pay(s, "temporary", JULY)
    assert paid(case) == {"郭志强": Decimal("2200.00"), "冯秀英": Decimal("2200.00")}

    # the town's figures: one alert, verified on time, ended in assistance
    town = selectors.kpis(w.feng, since=FEED_DAY, until=FEED_DAY, today=approved_on)
    assert [(k.town, k.alerts, k.on_time_rate, k.assistance_share) for k in town] == [("沙溪镇", 1, "100.0%",
                                                                                       "100.0%")]
