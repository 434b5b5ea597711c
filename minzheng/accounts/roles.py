"""Roles of DESIGN §2 and what each may do. Scope (which areas) is separate: see core.scope."""

from django.db import models


class Role(models.TextChoices):
    VILLAGE = "village", "村(居)工作人员"
    TOWN = "town", "镇街民政办/社工站"
    COUNTY = "county", "县区民政局"
    CITY = "city", "市民政局"
    PROVIDER = "provider", "服务机构"
    RESIDENT = "resident", "居民"
    AUDITOR = "auditor", "审计/纪检"
    ADMIN = "admin", "系统管理员"


class Cap:
    REGISTRY_VIEW = "registry.view"
    REGISTRY_EDIT = "registry.edit"
    REGISTRY_VIEW_FULL = "registry.view_full"  # unmasked 身份证号, phone, bank account
    HOUSEHOLD_MANAGE = "household.manage"
    REGISTRY_IMPORT = "registry.import"
    REGISTRY_EXPORT = "registry.export"  # the list as .xlsx, 身份证号/phone/account masked
    REGISTRY_EXPORT_FULL = "registry.export_full"  # the same unmasked, with a stated purpose (audited)
    DUPLICATE_REVIEW = "registry.duplicate_review"
    AUDIT_VIEW = "audit.view"
    POLICY_EDIT = "policy.edit"
    # 大救助 workflow, one capability per role level (assistance/services.py)
    ASSIST_VIEW = "assistance.view"
    ASSIST_APPLY = "assistance.apply"              # staff entry of an application (村居/镇街)
    ASSIST_APPLY_ONLINE = "assistance.apply_online"  # resident's own application (一证一书)
    ASSIST_OBJECTION = "assistance.objection"      # record an objection raised during 公示
    ASSIST_ACCEPT = "assistance.accept"            # 镇街: 受理, 核对, 入户调查, 初审, 先救助后说明
    ASSIST_REVIEW = "assistance.review"            # 县区: 审核, 抽查复核, 公示
    ASSIST_APPROVE = "assistance.approve"          # 县区: 审批 / 不予批准
    ASSIST_RELATIVE_FILING = "assistance.relative_filing"  # 近亲属备案
    ASSIST_PLAN = "assistance.plan"                # 县区/市: 低保调标测算 (what-if)
    PAYROLL_VIEW = "payroll.view"        # rosters, lines and totals
    PAYROLL_RUN = "payroll.run"          # generate, check, adjust, bank files
    # The checker's right (four-eyes on money): release a roster, approve a line adjusted above its entitlement,
    # close a blocking anomaly — never on one's own work (payroll/services.py).
    PAYROLL_APPROVE = "payroll.approve"
    ANOMALY_VIEW = "anomaly.view"        # 资金监管 anomaly list
    ANOMALY_HANDLE = "anomaly.handle"    # assign, dispose, close anomalies
    VERIFY_VIEW = "verification.view"      # 核对 reports and department records
    VERIFY_RUN = "verification.run"        # run 核对 for a household, record 刚性支出
    VERIFY_INTAKE = "verification.intake"  # take in department data (county level)
    # 大养老 elderly registry, assessments, visits and the emergency-call desk (eldercare/services.py)
    ELDER_VIEW = "eldercare.view"
    ELDER_EDIT = "eldercare.edit"      # 独居/空巢/留守/计生特殊家庭 categories
    ELDER_ASSESS = "eldercare.assess"  # 老年人能力评估: record, void
    # may be named one of the two assessors (GB/T 42195): the 社工站 / 养老服务指导中心 staff who assess, not the
    # county approver who decides on the result, nor the system administrator
    ELDER_ASSESSOR = "eldercare.assessor"
    ELDER_VISIT = "eldercare.visit"    # record visits, generate the month's visit plan
    ELDER_CALL = "eldercare.call"      # 一键呼叫/平安通 desk: intake, dispatch, arrival, closure
    MONITOR_VIEW = "monitoring.view"        # 规划监测: indicators, progress, dashboards, reports
    MONITOR_REPORT = "monitoring.report"    # enter a reported indicator value for one's area
    MONITOR_APPROVE = "monitoring.approve"  # approve (and so lock) values reported from areas below one's own
    MONITOR_RUN = "monitoring.run"          # rebuild the roll-up, reload the catalogue
    FACILITY_VIEW = "carefacility.view"          # 养老服务设施, beds, residents, ratings, inspections, 适老化改造
    FACILITY_MANAGE = "carefacility.manage"      # 备案 a facility, change its status, add/retire beds
    FACILITY_ADMIT = "carefacility.admit"        # GB 38600 risk assessment, admission, discharge
    FACILITY_RATE = "carefacility.rate"          # GB/T 37276 等级评定
    FACILITY_INSPECT = "carefacility.inspect"    # 双随机一公开: draw, inspect, findings, rectification
    RETROFIT_APPLY = "carefacility.retrofit_apply"    # 适老化改造 application for an elder's home
    RETROFIT_HANDLE = "carefacility.retrofit_handle"  # 适老化改造 assessment, works, acceptance
    # 居家养老服务 (homecare/) and 时间银行 (timebank/)
    HOMECARE_VIEW = "homecare.view"          # orders, canteens and the overview of one's areas
    HOMECARE_ORDER = "homecare.order"        # place/cancel: a resident for bound elders, staff in area
    HOMECARE_DISPATCH = "homecare.dispatch"  # 镇街: dispatch, bind family contacts, complaints, generated orders
    HOMECARE_MANAGE = "homecare.manage"      # 县区: providers, catalogue, 家庭养老床位 contracts, monthly settlement
    HOMECARE_SERVE = "homecare.serve"        # 服务机构: work list, service records, meals, own statements
    TIMEBANK_VIEW = "timebank.view"          # accounts, reports and ledger of one's areas
    TIMEBANK_REPORT = "timebank.report"      # report/donate: a volunteer for themselves, staff for others
    TIMEBANK_REVIEW1 = "timebank.review1"    # first review of reported hours (村居)
    TIMEBANK_REVIEW2 = "timebank.review2"    # second review, which credits the hours (镇街/县区)
    TIMEBANK_ALLOCATE = "timebank.allocate"  # pool hours to 孤寡/失独 elders (镇街/县区)
    # 大社会治理 (socialorgs/, socialwork/)
    SOCIALORG_VIEW = "socialorgs.view"          # organisations, applications, 年报, credit lists of one's areas
    SOCIALORG_APPLY = "socialorgs.apply"        # take in 登记申请 and 年报 (镇街/县区 windows)
    SOCIALORG_REGISTER = "socialorgs.register"  # 登记管理机关: review, approve, credit lists (县区)
    SOCIALWORK_VIEW = "socialwork.view"         # 社工站, service records and coverage of one's areas
    SOCIALWORK_RECORD = "socialwork.record"     # record a 社工's service to a target-group person (镇街 社工站)
    SOCIALWORK_MANAGE = "socialwork.manage"     # open stations, register 社工, record 督导 (县区)
    COMMUNITY_VIEW = "community.view"           # 村（居）bodies, elections, 村务公开, 社区工作者 of one's areas
    COMMUNITY_EDIT = "community.edit"           # record them (村居, 镇街, 县区)
    # 大儿童保障 (children/): the role gives the right; what a user sees also needs a child-welfare appointment,
    # and a protection case only its workers, the town's 儿童督导员 and the centre (children.selectors).
    CHILD_VIEW = "children.view"      # child registry, visit lists, reports and cases one may know
    CHILD_WORK = "children.work"      # visits, 强制报告, case records, guardianship steps
    CHILD_MANAGE = "children.manage"  # 县区/市: organisations, appointments, training, 收养登记
    # 社会事务 (marriage/, funeral/, placenames/): the registry office desk, the funeral desk, the naming officer
    MARRIAGE_VIEW = "marriage.view"          # appointments, registrations, statistics of one's offices
    MARRIAGE_REGISTER = "marriage.register"  # 结婚/离婚/补领 registration, divorce applications, office calendar
    FUNERAL_VIEW = "funeral.view"            # death records, cremations, plots, eco-burials
    FUNERAL_RECORD = "funeral.record"        # 死亡登记, 遗体接收, 火化, 墓穴/格位 sale, eco-burial preparation
    FUNERAL_APPROVE = "funeral.approve"      # the second pair of eyes on an eco-burial reward (never one's own)
    PLACENAME_VIEW = "placenames.view"       # gazetteer and naming applications
    PLACENAME_EDIT = "placenames.edit"       # applications, public comment, expert review, pinyin edits
    PLACENAME_APPROVE = "placenames.approve"  # 命名/更名 approval and its certificate
    REHAB_VIEW = "rehab.view"                # 精神障碍社区康复: centres and the people they serve
    REHAB_MANAGE = "rehab.manage"            # register a 康园中心, enrol a person, record services
    # 大慈善 (charity/) and 福彩 (lottery/)
    CHARITY_VIEW = "charity.view"        # charities, funds, ledger, wishes, referrals of one's areas
    CHARITY_WISH = "charity.wish"        # raise a 微心愿/微实事, record its claim, fulfilment; refer a household
    CHARITY_RECORD = "charity.record"    # the charity desk: donations, receipts, projects, spending prepared, reports
    CHARITY_APPROVE = "charity.approve"  # 县区: recognise charities, file plans and trusts, approve spending
    LOTTERY_VIEW = "lottery.view"        # 福彩 outlets, sales, 公益金
    LOTTERY_MANAGE = "lottery.manage"    # outlets, inspections, sales import, 公益金 allocations
    # 流浪乞讨人员救助 (vagrancy/): the county or city 救助管理站 works a stay; the receiving town confirms a return
    VAGRANCY_VIEW = "vagrancy.view"        # stays of one's stations, returns bound for one's areas
    VAGRANCY_WORK = "vagrancy.work"        # intake, identity, care, medical referral, 寻亲公告, arranging a return
    VAGRANCY_RECEIVE = "vagrancy.receive"  # confirm a 接送返回 arriving in one's areas
    # 账号管理: create accounts, set roles and areas, reset passwords, deactivate and unlock — only for accounts
    # whose areas all lie inside the administrator's own (a county admin inside the county: accounts/selectors.py).
    ACCOUNT_MANAGE = "accounts.manage"
    # 低收入人口动态监测 and 一门受理 (minzheng/lowincome)
    LOWINCOME_VIEW = "lowincome.view"        # alerts, monitored population, KPIs, referrals
    LOWINCOME_REPORT = "lowincome.report"    # 主动发现: report a household in difficulty (网格员/村居/社工)
    LOWINCOME_VERIFY = "lowincome.verify"    # 核实 an alert on a home visit
    LOWINCOME_DECIDE = "lowincome.decide"    # 镇街: 认定, refer to a programme, close; 一门受理 referrals
    LOWINCOME_FEED = "lowincome.feed"        # 县区: import department feeds, run the alert run


_STAFF_READ = {Cap.REGISTRY_VIEW, Cap.REGISTRY_EXPORT}
_PAYROLL = {Cap.PAYROLL_VIEW, Cap.PAYROLL_RUN, Cap.PAYROLL_APPROVE, Cap.ANOMALY_VIEW, Cap.ANOMALY_HANDLE}
_PAYROLL_READ = {Cap.PAYROLL_VIEW, Cap.ANOMALY_VIEW}
CAPABILITIES: dict[str, frozenset[str]] = {
    Role.VILLAGE: frozenset(_STAFF_READ | {Cap.REGISTRY_EDIT}),
    # Bulk lists of full numbers only for the levels that work cases (受理、入户调查、审核确认、发放); the city
    # and auditors look at one full record at a time (each view audited).
    Role.TOWN: frozenset(_STAFF_READ | {Cap.REGISTRY_EDIT, Cap.REGISTRY_VIEW_FULL, Cap.HOUSEHOLD_MANAGE,
                                        Cap.REGISTRY_IMPORT, Cap.REGISTRY_EXPORT_FULL}),
    Role.COUNTY: frozenset(_STAFF_READ | {Cap.REGISTRY_EDIT, Cap.REGISTRY_VIEW_FULL, Cap.HOUSEHOLD_MANAGE,
                                          Cap.REGISTRY_IMPORT, Cap.DUPLICATE_REVIEW, Cap.REGISTRY_EXPORT_FULL}
                           | _PAYROLL),
    Role.CITY: frozenset(_STAFF_READ | {Cap.REGISTRY_VIEW_FULL, Cap.DUPLICATE_REVIEW, Cap.AUDIT_VIEW,
                                        Cap.POLICY_EDIT} | _PAYROLL_READ),
    Role.AUDITOR: frozenset(_STAFF_READ | {Cap.REGISTRY_VIEW_FULL, Cap.AUDIT_VIEW} | _PAYROLL_READ),
    Role.PROVIDER: frozenset(),
    Role.RESIDENT: frozenset(),
    Role.ADMIN: frozenset(_STAFF_READ | {Cap.REGISTRY_EDIT, Cap.REGISTRY_VIEW_FULL, Cap.HOUSEHOLD_MANAGE,
                                         Cap.REGISTRY_IMPORT, Cap.DUPLICATE_REVIEW, Cap.AUDIT_VIEW, Cap.POLICY_EDIT}
                          | _PAYROLL),
}

_ASSIST_READ = {Cap.ASSIST_VIEW}
_ASSIST_VILLAGE = _ASSIST_READ | {Cap.ASSIST_APPLY, Cap.ASSIST_OBJECTION}
_ASSIST_TOWN = _ASSIST_VILLAGE | {Cap.ASSIST_ACCEPT, Cap.ASSIST_RELATIVE_FILING}
_ASSIST_COUNTY = _ASSIST_TOWN | {Cap.ASSIST_REVIEW, Cap.ASSIST_APPROVE}
CAPABILITIES[Role.VILLAGE] |= _ASSIST_VILLAGE
CAPABILITIES[Role.TOWN] |= _ASSIST_TOWN
CAPABILITIES[Role.COUNTY] |= _ASSIST_COUNTY
CAPABILITIES[Role.CITY] |= _ASSIST_READ | {Cap.ASSIST_PLAN}
CAPABILITIES[Role.COUNTY] |= {Cap.ASSIST_PLAN}
CAPABILITIES[Role.ADMIN] |= {Cap.ASSIST_PLAN}
CAPABILITIES[Role.AUDITOR] |= _ASSIST_READ
CAPABILITIES[Role.ADMIN] |= _ASSIST_COUNTY
CAPABILITIES[Role.RESIDENT] |= {Cap.ASSIST_APPLY_ONLINE}

# 核对: towns run it for the applications they accept, counties also take in department data.
_VERIFY_READ = {Cap.VERIFY_VIEW}
CAPABILITIES[Role.TOWN] |= _VERIFY_READ | {Cap.VERIFY_RUN}
CAPABILITIES[Role.COUNTY] |= _VERIFY_READ | {Cap.VERIFY_RUN, Cap.VERIFY_INTAKE}
CAPABILITIES[Role.CITY] |= _VERIFY_READ
CAPABILITIES[Role.AUDITOR] |= _VERIFY_READ
CAPABILITIES[Role.ADMIN] |= _VERIFY_READ | {Cap.VERIFY_RUN, Cap.VERIFY_INTAKE}

# 大养老: villages keep the categories and visit; towns and counties also assess and run the call desk.
_ELDER_VILLAGE = {Cap.ELDER_VIEW, Cap.ELDER_EDIT, Cap.ELDER_VISIT}
_ELDER_TOWN = _ELDER_VILLAGE | {Cap.ELDER_ASSESS, Cap.ELDER_CALL}
CAPABILITIES[Role.VILLAGE] |= _ELDER_VILLAGE
CAPABILITIES[Role.TOWN] |= _ELDER_TOWN | {Cap.ELDER_ASSESSOR}
CAPABILITIES[Role.COUNTY] |= _ELDER_TOWN
CAPABILITIES[Role.CITY] |= {Cap.ELDER_VIEW}
CAPABILITIES[Role.AUDITOR] |= {Cap.ELDER_VIEW}
CAPABILITIES[Role.ADMIN] |= _ELDER_TOWN
# 规划监测: towns report figures, counties and the city approve those from below them and rebuild the roll-up.
_MONITOR_READ = {Cap.MONITOR_VIEW}
CAPABILITIES[Role.TOWN] |= _MONITOR_READ | {Cap.MONITOR_REPORT}
CAPABILITIES[Role.COUNTY] |= _MONITOR_READ | {Cap.MONITOR_REPORT, Cap.MONITOR_APPROVE, Cap.MONITOR_RUN}
CAPABILITIES[Role.CITY] |= _MONITOR_READ | {Cap.MONITOR_REPORT, Cap.MONITOR_APPROVE, Cap.MONITOR_RUN}
CAPABILITIES[Role.AUDITOR] |= _MONITOR_READ
CAPABILITIES[Role.ADMIN] |= _MONITOR_READ | {Cap.MONITOR_RUN}
# 居家养老 and 时间银行: villages enter and do first reviews, towns dispatch and give the second review, counties run
# settlement; providers see only their own provider's work (homecare.selectors); residents act for bound elders.
_HC_STAFF = {Cap.HOMECARE_VIEW, Cap.HOMECARE_ORDER, Cap.TIMEBANK_VIEW, Cap.TIMEBANK_REPORT}
CAPABILITIES[Role.VILLAGE] |= _HC_STAFF | {Cap.TIMEBANK_REVIEW1}
CAPABILITIES[Role.TOWN] |= _HC_STAFF | {Cap.HOMECARE_DISPATCH, Cap.TIMEBANK_REVIEW2, Cap.TIMEBANK_ALLOCATE}
CAPABILITIES[Role.COUNTY] |= _HC_STAFF | {Cap.HOMECARE_DISPATCH, Cap.HOMECARE_MANAGE, Cap.TIMEBANK_REVIEW2,
                                          Cap.TIMEBANK_ALLOCATE}
CAPABILITIES[Role.CITY] |= {Cap.HOMECARE_VIEW, Cap.TIMEBANK_VIEW}
CAPABILITIES[Role.AUDITOR] |= {Cap.HOMECARE_VIEW, Cap.TIMEBANK_VIEW}
CAPABILITIES[Role.ADMIN] |= _HC_STAFF | {Cap.HOMECARE_DISPATCH, Cap.HOMECARE_MANAGE, Cap.TIMEBANK_REVIEW1,
                                         Cap.TIMEBANK_REVIEW2, Cap.TIMEBANK_ALLOCATE}
CAPABILITIES[Role.PROVIDER] |= {Cap.HOMECARE_SERVE}
CAPABILITIES[Role.RESIDENT] |= {Cap.HOMECARE_ORDER, Cap.TIMEBANK_REPORT}

# 养老服务设施: villages see and apply for 适老化改造; towns file their centres and stations and admit; counties
# supervise (rating, 双随机 inspections); the city rates and inspects too.
_FACILITY_READ = {Cap.FACILITY_VIEW}
CAPABILITIES[Role.VILLAGE] |= _FACILITY_READ | {Cap.RETROFIT_APPLY}
CAPABILITIES[Role.TOWN] |= _FACILITY_READ | {Cap.RETROFIT_APPLY, Cap.RETROFIT_HANDLE, Cap.FACILITY_MANAGE,
                                             Cap.FACILITY_ADMIT}
CAPABILITIES[Role.COUNTY] |= _FACILITY_READ | {Cap.RETROFIT_APPLY, Cap.RETROFIT_HANDLE, Cap.FACILITY_MANAGE,
                                               Cap.FACILITY_ADMIT, Cap.FACILITY_RATE, Cap.FACILITY_INSPECT}
CAPABILITIES[Role.CITY] |= _FACILITY_READ | {Cap.FACILITY_RATE, Cap.FACILITY_INSPECT}
CAPABILITIES[Role.AUDITOR] |= _FACILITY_READ
CAPABILITIES[Role.ADMIN] |= _FACILITY_READ | {Cap.FACILITY_MANAGE}

# 大儿童保障: every staff level works on children; counties and the city keep the network and 收养登记.
_CHILD = {Cap.CHILD_VIEW, Cap.CHILD_WORK}
CAPABILITIES[Role.VILLAGE] |= _CHILD
CAPABILITIES[Role.TOWN] |= _CHILD
CAPABILITIES[Role.COUNTY] |= _CHILD | {Cap.CHILD_MANAGE}
CAPABILITIES[Role.CITY] |= _CHILD | {Cap.CHILD_MANAGE}
CAPABILITIES[Role.ADMIN] |= _CHILD | {Cap.CHILD_MANAGE}
# 社会事务: the county's registry office, funeral desk and naming officer; towns record deaths reported by villages
# and hospitals; the city approves names too and reads everything.
_SA_READ = {Cap.MARRIAGE_VIEW, Cap.FUNERAL_VIEW, Cap.PLACENAME_VIEW}
_SA_COUNTY = _SA_READ | {Cap.MARRIAGE_REGISTER, Cap.FUNERAL_RECORD, Cap.FUNERAL_APPROVE, Cap.PLACENAME_EDIT,
                         Cap.PLACENAME_APPROVE}
CAPABILITIES[Role.TOWN] |= {Cap.FUNERAL_VIEW, Cap.FUNERAL_RECORD, Cap.PLACENAME_VIEW, Cap.REHAB_VIEW,
                            Cap.REHAB_MANAGE}
CAPABILITIES[Role.COUNTY] |= {Cap.REHAB_VIEW, Cap.REHAB_MANAGE}
CAPABILITIES[Role.CITY] |= {Cap.REHAB_VIEW}
CAPABILITIES[Role.AUDITOR] |= {Cap.REHAB_VIEW}
CAPABILITIES[Role.COUNTY] |= _SA_COUNTY
CAPABILITIES[Role.CITY] |= _SA_READ | {Cap.PLACENAME_APPROVE}
CAPABILITIES[Role.AUDITOR] |= _SA_READ
CAPABILITIES[Role.ADMIN] |= _SA_COUNTY

# 流浪乞讨人员救助: stations belong to counties and cities; towns receive the returned and confirm it.
_VAGRANCY = {Cap.VAGRANCY_VIEW, Cap.VAGRANCY_WORK, Cap.VAGRANCY_RECEIVE}
CAPABILITIES[Role.TOWN] |= {Cap.VAGRANCY_VIEW, Cap.VAGRANCY_RECEIVE}
CAPABILITIES[Role.COUNTY] |= _VAGRANCY
CAPABILITIES[Role.CITY] |= _VAGRANCY
CAPABILITIES[Role.AUDITOR] |= {Cap.VAGRANCY_VIEW}
CAPABILITIES[Role.ADMIN] |= {Cap.VAGRANCY_VIEW, Cap.VAGRANCY_WORK}

ACTION_LABELS = {
    Cap.REGISTRY_VIEW: "查看人员信息",
    Cap.REGISTRY_EDIT: "登记或修改人员信息",
    Cap.REGISTRY_VIEW_FULL: "查看完整身份证号、电话和银行账号",
    Cap.HOUSEHOLD_MANAGE: "办理家庭成员变更",
    Cap.REGISTRY_IMPORT: "批量导入",
    Cap.REGISTRY_EXPORT: "导出名单",
    Cap.REGISTRY_EXPORT_FULL: "导出含完整身份证号、电话和银行账号的名单",
    Cap.DUPLICATE_REVIEW: "审核疑似重复人员",
    Cap.AUDIT_VIEW: "查看审计日志",
    Cap.POLICY_EDIT: "维护政策参数",
    Cap.PAYROLL_VIEW: "查看发放名单",
    Cap.PAYROLL_RUN: "生成、校验、调整发放名单和办理银行代发",
    Cap.PAYROLL_APPROVE: "复核发布发放名单、审批超额调整和办结阻止发布的疑点",
    Cap.ANOMALY_VIEW: "查看资金监管疑点",
    Cap.ANOMALY_HANDLE: "处置资金监管疑点",
    Cap.VERIFY_VIEW: "查看核对报告和部门数据",
    Cap.VERIFY_RUN: "开展家庭经济状况核对",
    Cap.VERIFY_INTAKE: "导入部门核对数据",
    Cap.ASSIST_VIEW: "查看救助申请",
    Cap.ASSIST_APPLY: "代为提交救助申请",
    Cap.ASSIST_APPLY_ONLINE: "在线提交救助申请",
    Cap.ASSIST_OBJECTION: "登记公示异议",
    Cap.ASSIST_ACCEPT: "办理受理、核对、入户调查和初审",
    Cap.ASSIST_REVIEW: "审核救助申请",
    Cap.ASSIST_APPROVE: "审批救助申请",
    Cap.ASSIST_RELATIVE_FILING: "办理近亲属备案",
    Cap.ASSIST_PLAN: "开展低保调标测算",
    Cap.ELDER_VIEW: "查看老年人信息",
    Cap.ELDER_EDIT: "登记老年人类别",
    Cap.ELDER_ASSESS: "开展老年人能力评估",
    Cap.ELDER_ASSESSOR: "担任老年人能力评估员",
    Cap.ELDER_VISIT: "登记探访和生成探访计划",
    Cap.ELDER_CALL: "办理紧急呼叫",
    Cap.MONITOR_VIEW: "查看规划监测指标",
    Cap.MONITOR_REPORT: "填报规划监测指标",
    Cap.MONITOR_APPROVE: "审定规划监测指标填报值",
    Cap.MONITOR_RUN: "重算规划监测指标",
    Cap.FACILITY_VIEW: "查看养老服务设施",
    Cap.FACILITY_MANAGE: "办理养老服务设施备案和床位登记",
    Cap.FACILITY_ADMIT: "办理入住评估、入住和退住",
    Cap.FACILITY_RATE: "开展养老机构等级评定",
    Cap.FACILITY_INSPECT: "开展双随机抽查和整改督办",
    Cap.RETROFIT_APPLY: "提交适老化改造申请",
    Cap.RETROFIT_HANDLE: "办理适老化改造评估、施工和验收",
    Cap.HOMECARE_VIEW: "查看居家养老服务订单",
    Cap.HOMECARE_ORDER: "下单或取消居家养老服务",
    Cap.HOMECARE_DISPATCH: "派单和处理居家养老服务投诉",
    Cap.HOMECARE_MANAGE: "管理服务机构、服务目录和月度结算",
    Cap.HOMECARE_SERVE: "办理服务机构的派工和服务记录",
    Cap.TIMEBANK_VIEW: "查看时间银行账户",
    Cap.TIMEBANK_REPORT: "申报或捐赠志愿服务时长",
    Cap.TIMEBANK_REVIEW1: "初审志愿服务时长",
    Cap.TIMEBANK_REVIEW2: "复审志愿服务时长",
    Cap.TIMEBANK_ALLOCATE: "从公益时间池划拨时长",
    Cap.SOCIALORG_VIEW: "查看社会组织登记和信用信息",
    Cap.SOCIALORG_APPLY: "受理社会组织登记申请和年度报告",
    Cap.SOCIALORG_REGISTER: "审查核准社会组织登记和管理信用名录",
    Cap.SOCIALWORK_VIEW: "查看社工站服务记录",
    Cap.SOCIALWORK_RECORD: "登记社工服务记录",
    Cap.SOCIALWORK_MANAGE: "设立社工站、登记驻站社工和督导记录",
    Cap.COMMUNITY_VIEW: "查看村（居）自治和社区工作者信息",
    Cap.COMMUNITY_EDIT: "登记村（居）选举、村务公开和社区工作者",
    Cap.CHILD_VIEW: "查看儿童信息",
    Cap.CHILD_WORK: "办理儿童走访、强制报告和个案",
    Cap.CHILD_MANAGE: "管理儿童保护机构、工作人员和收养登记",
    Cap.MARRIAGE_VIEW: "查看婚姻登记信息",
    Cap.MARRIAGE_REGISTER: "办理婚姻登记",
    Cap.FUNERAL_VIEW: "查看殡葬服务信息",
    Cap.FUNERAL_RECORD: "办理死亡登记、火化和墓穴（格位）业务",
    Cap.FUNERAL_APPROVE: "审核节地生态安葬奖补",
    Cap.PLACENAME_VIEW: "查看地名信息",
    Cap.PLACENAME_EDIT: "办理地名命名更名申请",
    Cap.PLACENAME_APPROVE: "批准地名命名更名",
    Cap.REHAB_VIEW: "查看精神障碍社区康复服务",
    Cap.REHAB_MANAGE: "办理精神障碍社区康复服务",
    Cap.CHARITY_VIEW: "查看慈善组织、募捐和捐赠信息",
    Cap.CHARITY_WISH: "发布微心愿、登记认领和办理救助衔接转介",
    Cap.CHARITY_RECORD: "登记捐赠、开具票据和申报慈善支出",
    Cap.CHARITY_APPROVE: "认定慈善组织、备案募捐方案和慈善信托、审批慈善支出",
    Cap.LOTTERY_VIEW: "查看福利彩票销售场所和公益金",
    Cap.LOTTERY_MANAGE: "管理福利彩票销售场所、销量导入和公益金",
    Cap.VAGRANCY_VIEW: "查看流浪乞讨人员救助记录",
    Cap.VAGRANCY_WORK: "办理流浪乞讨人员救助",
    Cap.VAGRANCY_RECEIVE: "确认接送返回",
    Cap.ACCOUNT_MANAGE: "管理用户账号",
    Cap.LOWINCOME_VIEW: "查看低收入人口监测预警和协同办理",
    Cap.LOWINCOME_REPORT: "报告主动发现的困难家庭",
    Cap.LOWINCOME_VERIFY: "核实监测预警",
    Cap.LOWINCOME_DECIDE: "认定、转介或关闭监测预警和办理协同转办",
    Cap.LOWINCOME_FEED: "导入部门数据和运行监测预警",
}
# 大社会治理: towns take in applications and run the 社工站; the county is the 登记管理机关.
_SO_READ = {Cap.SOCIALORG_VIEW, Cap.SOCIALWORK_VIEW}
CAPABILITIES[Role.VILLAGE] |= {Cap.SOCIALWORK_VIEW}
CAPABILITIES[Role.TOWN] |= _SO_READ | {Cap.SOCIALORG_APPLY, Cap.SOCIALWORK_RECORD}
CAPABILITIES[Role.COUNTY] |= _SO_READ | {Cap.SOCIALORG_APPLY, Cap.SOCIALORG_REGISTER, Cap.SOCIALWORK_RECORD,
                                         Cap.SOCIALWORK_MANAGE}
CAPABILITIES[Role.CITY] |= _SO_READ
CAPABILITIES[Role.AUDITOR] |= _SO_READ
CAPABILITIES[Role.ADMIN] |= _SO_READ | {Cap.SOCIALORG_APPLY, Cap.SOCIALORG_REGISTER}
_CM = {Cap.COMMUNITY_VIEW, Cap.COMMUNITY_EDIT}
for _role in (Role.VILLAGE, Role.TOWN, Role.COUNTY, Role.ADMIN):
    CAPABILITIES[_role] |= _CM
CAPABILITIES[Role.CITY] |= {Cap.COMMUNITY_VIEW}
CAPABILITIES[Role.AUDITOR] |= {Cap.COMMUNITY_VIEW}
# 大慈善: villages raise wishes and refer households; towns also keep the charity desk; the county (登记管理机关)
# recognises charities, files plans and trusts and approves spending; 福彩 is run by the county and the city.
_CH_VILLAGE = {Cap.CHARITY_VIEW, Cap.CHARITY_WISH}
CAPABILITIES[Role.VILLAGE] |= _CH_VILLAGE
CAPABILITIES[Role.TOWN] |= _CH_VILLAGE | {Cap.CHARITY_RECORD, Cap.LOTTERY_VIEW}
CAPABILITIES[Role.COUNTY] |= _CH_VILLAGE | {Cap.CHARITY_RECORD, Cap.CHARITY_APPROVE, Cap.LOTTERY_VIEW,
                                            Cap.LOTTERY_MANAGE}
CAPABILITIES[Role.CITY] |= {Cap.CHARITY_VIEW, Cap.CHARITY_APPROVE, Cap.LOTTERY_VIEW, Cap.LOTTERY_MANAGE}
CAPABILITIES[Role.AUDITOR] |= {Cap.CHARITY_VIEW, Cap.LOTTERY_VIEW}
CAPABILITIES[Role.ADMIN] |= _CH_VILLAGE | {Cap.CHARITY_RECORD, Cap.CHARITY_APPROVE, Cap.LOTTERY_VIEW,
                                           Cap.LOTTERY_MANAGE}
CAPABILITIES[Role.ADMIN] |= {Cap.ACCOUNT_MANAGE}
# 低收入人口动态监测: villages (网格员) report and verify, towns (and their 社工站) decide and run the window's
# referrals, the county imports other departments' feeds; the city and auditors read.
_LI_VILLAGE = {Cap.LOWINCOME_VIEW, Cap.LOWINCOME_REPORT, Cap.LOWINCOME_VERIFY}
CAPABILITIES[Role.VILLAGE] |= _LI_VILLAGE
CAPABILITIES[Role.TOWN] |= _LI_VILLAGE | {Cap.LOWINCOME_DECIDE}
CAPABILITIES[Role.COUNTY] |= _LI_VILLAGE | {Cap.LOWINCOME_DECIDE, Cap.LOWINCOME_FEED}
CAPABILITIES[Role.CITY] |= {Cap.LOWINCOME_VIEW}
CAPABILITIES[Role.AUDITOR] |= {Cap.LOWINCOME_VIEW}
CAPABILITIES[Role.ADMIN] |= _LI_VILLAGE | {Cap.LOWINCOME_DECIDE, Cap.LOWINCOME_FEED}
