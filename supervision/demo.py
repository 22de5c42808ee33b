"""Supervision's part of the living demo county (issue 15), run by ``manage.py seed_demo``
through the seeder supervision.hooks registers (after the accepted monthly reports).

What it walks through the services, with dates counted back from today so the demo
stays live whenever it is seeded:

- 临猗县电子商务进农村综合示范项目 (contractor2): a construction inspection with three
  problems → rectification items → a 督办函 that went unanswered (one item answered and
  sent back at verification: funds proposes a clawback) → the items overdue → a second
  order (再次限期整改, the ladder's second rung, 004 附件4 第二条) with a deadline still
  running, and the 约谈 of the project's responsible person it prompts (高平 000 第八条).
- 临猗新城涑水e镇 (contractor): an inspection by the supervising agency with two problems,
  one closed after verification, one under a first 督办函 that the contractor signed for
  and answered (awaiting verification). Nothing overdue or sent back, so the demo progress
  payment stays payable; its quarterly funds inspection is left undone (the sweep run
  here reminds the office and the agency), while the second project's was done.
- Monthly reports in every state: the latest due month submitted (涑水) and resubmitted
  after a return (示范); this month a draft (涑水) and a report returned because the month
  had not ended (示范).

Letters' PDFs are rendered here, synchronously, through the same job the worker runs
(``supervision.tasks.render_letter_pdf`` with the letter's job), so they exist for
``make run`` without a worker. A second run changes nothing.
"""
import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from etown.models import ETown, Job
from etown.models.jobs import LETTER_PDF
from etown.workdays import WorkCalendar

from .management.commands.seed_demo_reports import _figure
from .models import Inspection, InspectionCategory, InspectionMethod, Judgement, MonthlyReport, SupervisionLetter
from .models.reports import first_of_month, months_between
from .selectors.reports import latest_due_month, reporting_start_of
from .services import inspections as inspection_services
from .services import letters as letter_services
from .services import rectification as rectification_services
from .services import reports as report_services
from .services.reminders import sweep_inspections_due

FLAGSHIP = "临猗新城涑水e镇"
TROUBLED = "临猗县电子商务进农村综合示范项目"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
K = SupervisionLetter.Kind


def _pdf(name):
    return SimpleUploadedFile(name, PDF + b"%" + name.encode(), content_type="application/pdf")


def workday_back(calendar, day):
    """``day`` when it is a working day, else the working day before it."""
    while not calendar.is_workday(day):
        day -= datetime.timedelta(days=1)
    return day


def days_ago(calendar, today, n):
    return workday_back(calendar, today - datetime.timedelta(days=n))


def render_pdf(letter):
    """The letter's PDF job, run here (it is the job's own task; a job done is done)."""
    from .tasks import render_letter_pdf

    job = Job.objects.filter(kind=LETTER_PDF, target_id=letter.pk).order_by("-pk").first()
    render_letter_pdf(letter.pk, job_id=job.pk if job else None)


def _issue(etown, kind, items, by, day, **fields):
    letter = letter_services.letter_draft(etown=etown, kind=kind, items=items, by=by, today=day, **fields)
    letter = letter_services.letter_issue(letter=letter, by=by, today=day)
    render_pdf(letter)
    return letter


def seed_supervision(system=None, today=None):
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["office", "agency", "contractor", "contractor2"])}
    etowns = {e.name: e for e in ETown.objects.filter(name__in=[FLAGSHIP, TROUBLED]).select_related("county")}
    if len(users) < 4 or len(etowns) < 2:
        return False
    today = today or timezone.localdate()
    calendar = WorkCalendar()
    created = False
    if not Inspection.objects.filter(etown__in=etowns.values()).exists():
        _troubled(etowns[TROUBLED], users, today, calendar)
        _flagship(etowns[FLAGSHIP], users, today, calendar)
        # Today's run of the daily inspection sweep: the office and the agency are reminded
        # of the checks due and missed (000 §6; 004 附件4 第四条).
        sweep_inspections_due(today, calendar)
        created = True
    created = _reports(etowns, users, today, calendar) or created
    return created


def _troubled(etown, users, today, calendar):
    office, contractor = users["office"], users["contractor2"]
    company = etown.contracts.get().contractor.name
    inspected = days_ago(calendar, today, 70)
    inspection = inspection_services.inspection_create(
        etown=etown, category=InspectionCategory.CONSTRUCTION, inspected_on=inspected,
        methods=[InspectionMethod.SITE_VISIT, InspectionMethod.DOCUMENTS], by=office, today=inspected,
        summary="实地查看县级共同配送中心和 6 个村级服务站点，查阅培训台账。",
        construction_result=Judgement.PROBLEM, construction_remarks="站点升级和分拣设备配置滞后于合同进度。",
        operation_result=Judgement.PASS, funds_result=Judgement.NOT_CHECKED,
        findings=[
            "村级电商服务站点升级进度滞后，计划升级的 30 个站点仅完成 12 个",
            "县级共同配送中心分拣设备未按合同配置，现场仅安装 1 条分拣线",
            "农村电商培训台账不完整，部分场次无签到表和现场照片",
        ],
        files=[_pdf("检查记录表.pdf")],
    )
    items = [
        rectification_services.rectification_from_finding(
            finding=finding, measures=measures, units=[company], persons=["刘洋"],
            deadline=inspected + datetime.timedelta(days=20), by=office,
        )
        for finding, measures in zip(inspection.findings.order_by("position"), [
            "倒排工期，增派施工队伍，完成剩余 18 个站点的升级改造",
            "按合同清单采购安装第二条分拣线并完成调试",
            "补齐培训签到表、照片和课件，建立培训台账",
        ])
    ]
    first_day = days_ago(calendar, today, 48)
    first = _issue(etown, K.FIRST, items, office, first_day)
    letter_services.letter_acknowledge(letter=first, by=contractor)
    letter_services.letter_answer(
        letter=first, item=items[2], by=contractor, today=first_day + datetime.timedelta(days=5),
        text="已补充 9 月以来 6 场培训的签到表和照片，整理形成培训台账。", files=[_pdf("培训台账.pdf")],
    )
    # Verification fails: funds proposes a clawback (002 第九条 整改不到位).
    rectification_services.rectification_send_back(
        item=items[2], by=office, reason="签到表人数与照片、课件记录不符，3 场培训无法核实，请如实补充佐证。",
    )
    second_day = days_ago(calendar, today, 12)
    second = _issue(etown, K.SECOND, items, office, second_day, deadline=calendar.add_workdays(today, 8))
    letter_services.letter_acknowledge(letter=second, by=contractor)
    letter_services.interview_create(
        etown=etown, held_on=days_ago(calendar, today, 8), interviewee="刘洋", interviewee_title="项目负责人",
        interviewers="王立新（县乡村e镇办主任）", location="县商务局三楼会议室", by=office, items=items,
        reason=f"{second.number}所列问题逾期未整改到位（高平方案第八条）",
        summary="指出站点升级、分拣设备和培训台账三项问题逾期未改；承办企业承诺在再次限期内全部整改到位，"
                "逾期仍未完成的，按实施方案附件4第二条报请县政府终止合同。",
        today=today,
    )
    funds_day = days_ago(calendar, today, 3)
    inspection_services.inspection_create(
        etown=etown, category=InspectionCategory.FUNDS, inspected_on=funds_day, by=office, today=funds_day,
        methods=[InspectionMethod.DOCUMENTS], summary="查阅专项资金专账、记账凭证和发票，核对预付款使用。",
        funds_result=Judgement.PASS, construction_result=Judgement.NOT_CHECKED,
    )


def _flagship(etown, users, today, calendar):
    office, agency, contractor = users["office"], users["agency"], users["contractor"]
    company = etown.contracts.get().contractor.name
    inspected = days_ago(calendar, today, 20)
    inspection = inspection_services.inspection_create(
        etown=etown, category=InspectionCategory.CONSTRUCTION, inspected_on=inspected,
        methods=[InspectionMethod.SITE_VISIT, InspectionMethod.REPORT], by=agency, today=inspected,
        summary="查看电商公共服务中心改造和物流仓储配送中心建设现场，听取承办企业进度汇报。",
        construction_result=Judgement.PROBLEM, construction_remarks="现场管理存在安全隐患，冷库运行记录不全。",
        operation_result=Judgement.PASS,
        findings=["电商公共服务中心直播间消防通道被货物占用", "物流仓储配送中心冷库温控记录不全"],
        files=[_pdf("检查照片.pdf")],
    )
    findings = list(inspection.findings.order_by("position"))
    done = rectification_services.rectification_from_finding(
        finding=findings[0], measures="清理消防通道，设置禁止堆放标识", units=[company], persons=["陈涛"],
        deadline=inspected + datetime.timedelta(days=7), by=office,
    )
    rectification_services.rectification_submit_evidence(
        item=done, by=contractor, text="货物已移入仓储区，通道已清空并张贴标识。", files=[_pdf("整改照片.pdf")],
        today=inspected + datetime.timedelta(days=3),
    )
    rectification_services.rectification_close(item=done, by=office, note="现场复查，通道畅通，整改到位。",
                                                today=inspected + datetime.timedelta(days=5))
    open_item = rectification_services.rectification_from_finding(
        finding=findings[1], measures="建立冷库温控日志，加装温度自动记录仪", units=[company], persons=["陈涛"],
        deadline=inspected + datetime.timedelta(days=10), by=office,
    )
    letter_day = days_ago(calendar, today, 5)
    letter = _issue(etown, K.FIRST, [open_item], office, letter_day, deadline=calendar.add_workdays(today, 10))
    letter_services.letter_acknowledge(letter=letter, by=contractor)
    letter_services.letter_answer(
        letter=letter, item=open_item, by=contractor, today=today, files=[_pdf("温控日志.pdf")],
        text="已加装温度自动记录仪，补建 10 月以来的温控日志。",
    )


# Monthly reports ------------------------------------------------------------------------------


def _fill(report, by, etown, start, summary):
    done = len(months_between(start, report.period))
    total = len(months_between(start, first_of_month(etown.planned_end or report.period)))
    report_services.monthly_report_update(
        report=report, by=by, reason="演示数据", work_summary=summary, fund_use=Decimal("150000.00"),
        next_plan="继续推进站点升级、物流体系和培训工作。",
        task_values={
            line.task_id: {"progress": min(100, line.task.progress + 4), "note": "按计划推进"}
            for line in report.task_lines.select_related("task")
        },
        indicator_values={
            line.indicator_id: {"cumulative_value": _figure(line.indicator, report.period, done, total)}
            for line in report.indicator_lines.select_related("indicator")
        },
    )


def _reports(etowns, users, today, calendar):
    office = users["office"]
    flagship, troubled = etowns[FLAGSHIP], etowns[TROUBLED]
    latest = latest_due_month(flagship.county.report_due_day, today, calendar=calendar)
    this_month = first_of_month(today)
    created = False
    plan = [
        (flagship, users["contractor"], latest, "submitted"),
        (flagship, users["contractor"], this_month, "draft"),
        (troubled, users["contractor2"], latest, "resubmitted"),
        (troubled, users["contractor2"], this_month, "returned"),
    ]
    for etown, contractor, period, state in plan:
        start = reporting_start_of(etown)
        if start is None or period < start or this_month == latest:
            continue
        if MonthlyReport.objects.filter(etown=etown, period=period).exists():
            continue
        created = True
        report = report_services.monthly_report_create(etown=etown, period=period, by=contractor, today=today)
        label = f"{period.year}年{period.month}月"
        if state == "draft":
            report_services.monthly_report_update(report=report, by=contractor, reason="演示数据：草稿",
                                                  work_summary=f"{label}（填报中）：公共服务中心运营、物流中心设备调试。")
            continue
        _fill(report, contractor, etown, start, f"{label}：按计划推进各项建设任务，开展电商培训和产品推介。")
        on_time = min(today, report.due_date - datetime.timedelta(days=1))
        report_services.monthly_report_submit(report=report, by=contractor, today=on_time)
        if state == "submitted":
            continue
        reason = (
            "本月尚未结束，请于月末后按全月实际数据填报。" if period == this_month
            else "培训人次与培训台账不符，请核实后更正并说明口径。"
        )
        report_services.monthly_report_return(report=report, by=office, reason=reason)
        if state == "resubmitted":
            report_services.monthly_report_update(report=report, by=contractor, reason="按退回意见更正",
                                                  work_summary=f"{label}：按退回意见核实培训人次（以签到表为准）。")
            report_services.monthly_report_submit(report=report, by=contractor, today=today)
    return created
