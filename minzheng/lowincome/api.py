"""低收入人口动态监测 and 一门受理 REST API, scoped by area: department feeds (file or push) and the alert run, the
alert lifecycle, 主动发现 reports, the town window's referrals to other departments, a person's record and the
KPIs per town. ID numbers are masked in every answer."""

import datetime as dt
import tempfile
from pathlib import Path

from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.responses import codes_4xx

from minzheng.accounts.roles import Cap
from minzheng.core.api import ErrorOut, require
from minzheng.core.inputs import BureauDate, RecordId
from minzheng.core.periods import local_date
from minzheng.registry.selectors import person_get

from . import rules, selectors, services
from .runs import alert_run, population_refresh

router = Router(tags=["低收入人口动态监测"])
ERR = {codes_4xx: ErrorOut}


class AlertOut(Schema):
    id: int
    source: str
    kind: str
    kind_label: str
    severity: str
    status: str
    status_label: str
    person: str
    id_number: str
    village: str
    raised_on: dt.date
    verify_due: dt.date
    verified_on: dt.date | None
    finding: str
    description: str
    closed_reason: str
    application_number: str | None
    citation: str

    @staticmethod
    def of(a) -> "AlertOut":
        return AlertOut(id=a.pk, source=a.get_source_display(), kind=a.kind, kind_label=rules.kind_label(a.kind),
                        severity=a.get_severity_display(), status=a.status, status_label=a.get_status_display(),
                        person=a.person.name, id_number=a.person.masked_id, village=a.area.name,
                        raised_on=a.raised_on, verify_due=a.verify_due, verified_on=a.verified_on, finding=a.finding,
                        description=a.description, closed_reason=a.closed_reason,
                        application_number=a.application.number if a.application else None,
                        citation=a.rule.citation if a.rule else "")


class LowIncomeBatchOut(Schema):
    id: int
    kind: str
    total_rows: int
    new_events: int
    repeated_events: int
    alerts_raised: int


class LowIncomePushIn(Schema):
    kind: str = Field(max_length=32, description="事件类型代码（见data/lowincome/kinds.csv）")
    records: list[dict] = Field(max_length=100_000, description="每条为一个对象，键为该类型文件的列名")


class VerifyIn(Schema):
    finding: str = Field(max_length=2000)
    verified_on: BureauDate | None = None


class LowIncomeOpinionIn(Schema):
    opinion: str = Field(max_length=2000)


class ReferIn(Schema):
    programme: str = Field(max_length=32)
    variant: str = Field("", max_length=32)
    requested_amount: str | None = Field(None, max_length=20)
    note: str = Field("", max_length=500)


class CloseIn(Schema):
    reason: str = Field(max_length=2000)


class DiscoveryIn(Schema):
    person_id: RecordId
    description: str = Field(max_length=2000)


class ReferralIn(Schema):
    person_id: RecordId
    need: str = Field(max_length=16, description="medical 医疗 / education 教育 / housing 住房 / employment 就业")
    request: str = Field(max_length=2000)


class ReferralActionIn(Schema):
    note: str = Field("", max_length=2000)
    on: BureauDate | None = None


class ReferralOut(Schema):
    id: int
    number: str
    need: str
    department: str
    person: str
    id_number: str
    village: str
    status: str
    status_label: str
    sent_on: dt.date
    accept_due: dt.date
    outcome_due: dt.date
    accepted_on: dt.date | None
    done_on: dt.date | None
    outcome: str

    @staticmethod
    def of(r) -> "ReferralOut":
        return ReferralOut(id=r.pk, number=r.number, need=rules.needs()[r.need].label, department=r.department,
                           person=r.person.name, id_number=r.person.masked_id, village=r.area.name, status=r.status,
                           status_label=r.get_status_display(), sent_on=r.sent_on, accept_due=r.accept_due,
                           outcome_due=r.outcome_due, accepted_on=r.accepted_on, done_on=r.done_on,
                           outcome=r.outcome)


class LowIncomeRecordOut(Schema):
    alerts: list[AlertOut]
    referrals: list[ReferralOut]


class KpiOut(Schema):
    town: str
    code: str
    alerts: int
    on_time_rate: str
    overdue_open: int
    assistance_share: str
    referrals: int
    referrals_open: int
    referrals_overdue: int


def _batch_out(b) -> LowIncomeBatchOut:
    return LowIncomeBatchOut(id=b.pk, kind=b.kind, total_rows=b.total_rows, new_events=b.new_events,
                    repeated_events=b.repeated_events, alerts_raised=b.alerts_raised)


@router.post("/feeds", response={201: LowIncomeBatchOut, **ERR}, summary="部门数据推送（全部正确才导入）并运行预警")
def feed_push(request, payload: LowIncomePushIn):
    return Status(201, _batch_out(services.feed_push(actor=request.user, kind=payload.kind,
                                                     records=payload.records)))


@router.post("/feeds/upload", response={201: LowIncomeBatchOut, **ERR},
             summary="上传部门数据文件（.csv/.xlsx）并运行预警")
def feed_upload(request, kind: Form[str], file: File[UploadedFile]):
    require(request.user, Cap.LOWINCOME_FEED)
    suffix = Path(file.name or "").suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        for chunk in file.chunks():
            tmp.write(chunk)
        tmp.flush()
        batch = services.feed_import(actor=request.user, kind=kind, path=Path(tmp.name),
                                     file_format=suffix.lstrip("."), original_name=file.name or "")
    return Status(201, _batch_out(batch))


@router.post("/runs", response={200: dict, **ERR}, summary="刷新监测人口并对全部部门事件重新运行预警（不会重复）")
def run(request):
    require(request.user, Cap.LOWINCOME_FEED)
    groups = population_refresh()
    return {"monitored": sum(groups.values()), "new_alerts": alert_run(user=request.user)}


@router.get("/alerts", response={200: list[AlertOut], **ERR}, summary="监测预警（本辖区）")
def alerts(request, status: str = ""):
    require(request.user, Cap.LOWINCOME_VIEW)
    qs = selectors.alerts_for(request.user)
    if status:
        qs = qs.filter(status=status[:12])
    return [AlertOut.of(a) for a in qs[:500]]


@router.get("/alerts/{alert_id}", response={200: AlertOut, **ERR}, summary="一条预警")
def alert(request, alert_id: RecordId):
    return AlertOut.of(selectors.alert_get(request.user, alert_id))


@router.post("/alerts/{alert_id}/verify", response={200: AlertOut, **ERR}, summary="村居核实")
def verify(request, alert_id: RecordId, payload: VerifyIn):
    a = services.alert_verify(actor=request.user, alert=selectors.alert_get(request.user, alert_id),
                              finding=payload.finding, verified_on=payload.verified_on)
    return AlertOut.of(a)


@router.post("/alerts/{alert_id}/recognise", response={200: AlertOut, **ERR}, summary="镇街认定存在困难")
def recognise(request, alert_id: RecordId, payload: LowIncomeOpinionIn):
    a = services.alert_recognise(actor=request.user, alert=selectors.alert_get(request.user, alert_id),
                                 opinion=payload.opinion)
    return AlertOut.of(a)


@router.post("/alerts/{alert_id}/refer", response={200: AlertOut, **ERR}, summary="转介救助项目（预填救助申请）")
def refer(request, alert_id: RecordId, payload: ReferIn):
    a = services.alert_refer(actor=request.user, alert=selectors.alert_get(request.user, alert_id),
                             programme=payload.programme, variant=payload.variant,
                             requested_amount=payload.requested_amount, note=payload.note)
    return AlertOut.of(selectors.alert_get(request.user, a.pk))


@router.post("/alerts/{alert_id}/close", response={200: AlertOut, **ERR}, summary="关闭预警（须填写原因）")
def close(request, alert_id: RecordId, payload: CloseIn):
    a = services.alert_close(actor=request.user, alert=selectors.alert_get(request.user, alert_id),
                             reason=payload.reason)
    return AlertOut.of(a)


@router.post("/discoveries", response={201: AlertOut, **ERR}, summary="主动发现：报告困难家庭")
def discovery(request, payload: DiscoveryIn):
    require(request.user, Cap.LOWINCOME_REPORT)
    a = services.discovery_report(actor=request.user, person=person_get(request.user, payload.person_id),
                                  description=payload.description)
    return Status(201, AlertOut.of(a))


@router.get("/referrals", response={200: list[ReferralOut], **ERR}, summary="一门受理转办（本辖区）")
def referrals(request):
    require(request.user, Cap.LOWINCOME_VIEW)
    return [ReferralOut.of(r) for r in selectors.referrals_for(request.user)[:500]]


@router.post("/referrals", response={201: ReferralOut, **ERR}, summary="一门受理：转相关部门办理")
def referral_create(request, payload: ReferralIn):
    require(request.user, Cap.LOWINCOME_DECIDE)
    r = services.referral_create(actor=request.user, person=person_get(request.user, payload.person_id),
                                 need=payload.need, request=payload.request)
    return Status(201, ReferralOut.of(r))


@router.post("/referrals/{referral_id}/{action}", response={200: ReferralOut, **ERR},
             summary="登记部门受理（accept）、办结（done）或退回（return）")
def referral_update(request, referral_id: RecordId, action: str, payload: ReferralActionIn):
    r = services.referral_update(actor=request.user, referral=selectors.referral_get(request.user, referral_id),
                                 action=action, note=payload.note, on=payload.on)
    return ReferralOut.of(r)


@router.get("/people/{person_id}/record", response={200: LowIncomeRecordOut, **ERR},
            summary="一人一档：某人的监测预警与协同办理")
def person_record(request, person_id: RecordId):
    require(request.user, Cap.LOWINCOME_VIEW)
    person = person_get(request.user, person_id)
    return LowIncomeRecordOut(alerts=[AlertOut.of(a) for a in selectors.person_alerts(request.user, person.pk)[:200]],
                     referrals=[ReferralOut.of(r) for r in selectors.person_referrals(request.user, person.pk)[:200]])


@router.get("/kpis", response={200: list[KpiOut], **ERR}, summary="各镇街监测指标：预警数、按时核实率、转入救助占比")
def kpis(request, since: BureauDate, until: BureauDate):
    require(request.user, Cap.LOWINCOME_VIEW)
    rows = selectors.kpis(request.user, since=since, until=until, today=local_date())
    return [KpiOut(town=k.town, code=k.code, alerts=k.alerts, on_time_rate=k.on_time_rate,
                   overdue_open=k.overdue_open, assistance_share=k.assistance_share, referrals=k.referrals,
                   referrals_open=k.referrals_open, referrals_overdue=k.referrals_overdue) for k in rows]
