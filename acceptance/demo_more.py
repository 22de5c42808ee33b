"""More of the acceptance app in the living demo county (issue 15), after the counted stage
acceptance of acceptance/demo.py:

- The province's mid-term evaluation of 临猗新城涑水e镇 (安泽办法 002 第十七条、第十八条),
  合格 with a feedback list of 17 problems. DESIGN.md: a real county's list has 17
  problems with deadlines within days of each other; the problems below follow the
  tasks and targets of 临猗 004 §3 and §5 (industry chain, leading firms, finance outlet,
  cross-border training, brand, small brands and online products, business leaders and
  influencers, expert pool, service centre, logistics platform, warehouse, investment,
  statistics, research institute, promotion, funds accounts, archives), each with its
  measures, responsible units and persons. Two belong to government departments only.
  They are at different stages: three closed (销号), three awaiting verification, three
  in progress, the rest open. The result is published (结果公示, now over).
- 临猗县电子商务进农村综合示范项目: the city's own evaluation (基本合格; it does not
  govern the funds), and a stage acceptance whose group passed the work, waiting
  for the leading group's approval (004 附件3 第八条（二）).
- 临猗新城涑水e镇: the final acceptance application, received and waiting for the
  acceptance group's conclusion within 15 working days (004 附件2 第十七条).

Through the services, as the people who act; a second run changes nothing.
"""
import datetime

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from etown.models import ETown, Organization
from etown.workdays import WorkCalendar
from supervision.models import Rectification
from supervision.services import rectification as rectification_services

from .demo import _judged
from .models import AcceptanceApplication, ApplicationMaterial, Evaluation, ReviewMethod
from .services import applications as application_services
from .services import evaluations as evaluation_services

FLAGSHIP = "临猗新城涑水e镇"
TROUBLED = "临猗县电子商务进农村综合示范项目"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
COMPANY, BUREAU, FINANCE, FARM = "承办企业", "临猗县商务局", "临猗县财政局", "临猗县农业农村局（乡村振兴局）"

# (problem, measures, units, persons)
FEEDBACK = [
    ("主导产业上下游产业链供应链尚未形成，生鲜水果加工环节薄弱", "梳理生鲜水果产业链，引进果品分选、包装加工企业各 1 家",
     [COMPANY, FARM], ["陈涛", "县农业农村局分管负责人"]),
    ("引进培育电商龙头企业 3 家，未达到不少于 5 家的目标", "建立招引台账，年底前新引进龙头企业 2 家并签订入驻协议",
     [COMPANY, BUREAU], ["陈涛", "王立新"]),
    ("金融服务网点尚未引进", "与县农商银行对接，在公共服务中心设立金融服务网点", [COMPANY], ["陈涛"]),
    ("跨境电商培训（孵化）基地未建成，培训仅 86 人次", "完成基地装修，制定培训计划，年内培训不少于 200 人次",
     [COMPANY], ["陈涛"]),
    ("“猗顿农品”区域公用品牌授权使用管理不规范", "制定品牌授权管理办法，清理未授权使用主体", [COMPANY, BUREAU],
     ["陈涛", "王立新"]),
    ("“小而美”品牌仅 2 个、网货产品 3 款，进度滞后", "开发网货产品 2 款、培育品牌 3 个，建立开发台账", [COMPANY], ["陈涛"]),
    ("商业带头人和本地网红孵化无台账，成效无法核实", "建立孵化对象台账，留存培训、带货数据佐证", [COMPANY], ["陈涛"]),
    ("培训师资库专家不足 5 人，未签订聘用协议", "补充聘请专家，签订聘用协议并公示师资库名单", [COMPANY], ["陈涛"]),
    ("电商公共服务中心功能分区不清晰，二层部分区域闲置", "重新规划功能分区，闲置区域改作直播和培训用房", [COMPANY], ["陈涛"]),
    ("寄递物流公共服务平台未接入县级快递企业数据", "完成 5 家快递企业数据接入，实现统仓共配数据共享", [COMPANY], ["陈涛"]),
    ("物流仓储配送中心改造面积与方案不符（实测 430 平方米）", "按方案扩建至 500 平方米以上，或按程序报批变更",
     [COMPANY], ["陈涛"]),
    ("招商引资意向项目 2 个未签约落地", "逐项跟进，明确签约时间表", [COMPANY, BUREAU], ["陈涛", "王立新"]),
    ("电商统计监测制度未建立，网络零售额统计口径不一", "制定电商统计监测制度，统一统计口径，按月报送",
     [BUREAU], ["王立新"]),
    ("电商研发机构引进未落实", "与省内高校对接，设立电商研发工作站", [COMPANY], ["陈涛"]),
    ("四至范围综合管理不到位，宣传标识缺失", "在四至范围主要路口设置 e 镇标识，完善宣传展示", [COMPANY], ["陈涛"]),
    ("专项资金专账核算不规范，部分支出凭证附件不全", "规范专账核算，补齐发票、合同等原始凭证", [COMPANY, FINANCE],
     ["陈涛", "李晓芳"]),
    ("项目档案未按建设任务分类归档，过程资料不完整", "按 13 类建设任务建立档案目录，补齐过程资料", [BUREAU],
     ["王立新"]),
]


def _pdf(name):
    return SimpleUploadedFile(name, PDF + b"%" + name.encode(), content_type="application/pdf")


def _workday_back(calendar, day):
    while not calendar.is_workday(day):
        day -= datetime.timedelta(days=1)
    return day


def seed_acceptance_more(system=None, today=None):
    names = ["office", "leader", "contractor", "contractor2"]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    etowns = {e.name: e for e in ETown.objects.filter(name__in=[FLAGSHIP, TROUBLED]).select_related("county")}
    if len(users) < len(names) or len(etowns) < 2:
        return False
    today = today or timezone.localdate()
    calendar = WorkCalendar()
    created = False
    if not Evaluation.objects.filter(etown=etowns[FLAGSHIP]).exists():
        _evaluation(etowns[FLAGSHIP], users, today, calendar)
        created = True
    if not Evaluation.objects.filter(etown=etowns[TROUBLED]).exists():
        _city_evaluation(etowns[TROUBLED], users, today, calendar)
        created = True
    if not AcceptanceApplication.objects.filter(etown=etowns[TROUBLED]).exists():
        _stage_awaiting_leader(etowns[TROUBLED], users, today, calendar)
        created = True
    if not AcceptanceApplication.objects.filter(etown=etowns[FLAGSHIP], kind=AcceptanceApplication.Kind.FINAL).exists():
        _final_received(etowns[FLAGSHIP], users, today, calendar)
        created = True
    return created


def _evaluation(etown, users, today, calendar):
    office, contractor = users["office"], users["contractor"]
    company = etown.contracts.get().contractor.name
    evaluated = _workday_back(calendar, today - datetime.timedelta(days=45))
    evaluation = evaluation_services.evaluation_create(
        etown=etown, by=office, evaluator_kind=Evaluation.Evaluator.PROVINCE, evaluated_on=evaluated,
        evaluator_name="山西省商务厅、山西省财政厅、山西省乡村振兴局", result=Evaluation.Result.QUALIFIED,
        score="84.5", today=today, report=_pdf("中期绩效评价报告.pdf"),
        summary="项目总体按实施方案推进，公共服务中心、物流配送中心主体建成；市场主体培育、品牌建设、"
                "人才孵化等指标进度滞后，评价组反馈问题 17 项，须限期整改。",
    )
    evaluation_services.evaluation_publish(evaluation=evaluation, by=office,
                                           today=calendar.add_workdays(evaluated, 3))
    first_deadline = calendar.add_workdays(today, 10)
    items = []
    for position, (problem, measures, units, persons) in enumerate(FEEDBACK):
        units = [company if unit == COMPANY else unit for unit in units]
        items.append(evaluation_services.evaluation_add_item(
            evaluation=evaluation, by=office, problem=problem, measures=measures, units=units, persons=persons,
            deadline=first_deadline + datetime.timedelta(days=position % 6),
        ))
    for_contractor = [i for i in items if not i.government_only]
    submitted_on = _workday_back(calendar, today - datetime.timedelta(days=9))
    for item in for_contractor[:6]:
        rectification_services.rectification_submit_evidence(
            item=item, by=contractor, today=submitted_on, files=[_pdf("整改佐证.pdf")],
            text=f"已按整改措施落实：{item.measures}。附相关佐证材料。",
        )
    for item in for_contractor[:3]:
        rectification_services.rectification_close(
            item=Rectification.objects.get(pk=item.pk), by=office, note="经核验，整改到位，予以销号。",
            today=_workday_back(calendar, today - datetime.timedelta(days=4)),
        )
    for item in for_contractor[6:9]:
        rectification_services.rectification_start(item=item, by=contractor)


def _city_evaluation(etown, users, today, calendar):
    """The city's own evaluation of the demonstration project: recorded, but only the
    province's result governs the funds (002 第十八条; acceptance.selectors.evaluations)."""
    evaluated = _workday_back(calendar, today - datetime.timedelta(days=30))
    evaluation_services.evaluation_create(
        etown=etown, by=users["office"], evaluator_kind=Evaluation.Evaluator.CITY, evaluated_on=evaluated,
        evaluator_name="运城市商务局", result=Evaluation.Result.BASIC, score="71", today=today,
        summary="县乡村三级物流体系建设进度滞后，村级站点升级和培训台账问题突出，须加快整改。",
    )


def _stage_awaiting_leader(etown, users, today, calendar):
    contract = etown.contracts.get()
    applied = _workday_back(calendar, today - datetime.timedelta(days=24))
    materials = {c: [_pdf(f"{ApplicationMaterial.Category(c).label}.pdf")] for c in ApplicationMaterial.REQUIRED}
    application = application_services.acceptance_apply(
        etown=etown, contract=contract, kind=AcceptanceApplication.Kind.STAGE, materials=materials,
        stage_name="县级共同配送中心建成投用（第一阶段）", by=users["contractor2"], today=applied,
        summary="县级共同配送中心主体建成，第一条分拣线投入运行，统仓共配覆盖 4 家快递企业。",
    )
    departments = Organization.objects.filter(county=etown.county, kind=Organization.Kind.DEPARTMENT)
    reviewed = _workday_back(calendar, today - datetime.timedelta(days=6))
    application_services.acceptance_review_record(
        application=application, by=users["office"], reviewed_on=reviewed,
        methods=[ReviewMethod.SITE, ReviewMethod.MATERIALS],
        lead_unit=departments.get(name=BUREAU), member_units=[departments.get(name=FINANCE)],
        observer=departments.filter(name="临猗县审计局").first(),
        member_names="王立新 县商务局 主任\n李晓芳 县财政局 股长",
        opinion="县级共同配送中心已按第一阶段计划建成并投入运行，资料基本齐全，同意通过阶段验收，报领导小组审批。",
        conclusion="passed", checklist=_judged(etown), today=reviewed,
    )


def _final_received(etown, users, today, calendar):
    if AcceptanceApplication.objects.filter(etown=etown, status__in=AcceptanceApplication.OPEN_STATUSES).exists():
        return
    contract = etown.contracts.get()
    applied = _workday_back(calendar, today - datetime.timedelta(days=2))
    materials = {c: [_pdf(f"{ApplicationMaterial.Category(c).label}.pdf")] for c in ApplicationMaterial.REQUIRED_FINAL}
    application_services.acceptance_apply(
        etown=etown, contract=contract, kind=AcceptanceApplication.Kind.FINAL, materials=materials,
        by=users["contractor"], today=applied,
        summary="十三项建设任务主体内容已完成，公共服务中心、物流仓储配送中心投入运营，申请终期验收。",
    )
