"""Demo monthly reports (DEBUG only): accepted reports for the months before the newest
due one, so the e-town page has a trend to show and the newest month is left for a
contractor and the office to do in the browser."""
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from etown.models import ETown, Membership, Role
from etown.notifications import notification_mark_read
from etown.workdays import WorkCalendar
from supervision.models import MonthlyReport
from supervision.models.reports import add_months, months_between
from supervision.selectors.reports import RATE_UNITS, latest_due_month, reporting_etowns
from supervision.services import reports as services


class Command(BaseCommand):
    help = "载入演示月报（仅限 DEBUG 模式）：为各演示项目生成已审核的历史月报，最近一个到期月份留待演示填报。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo_reports 只能在 DEBUG 模式下运行。")
        with transaction.atomic():
            n = seed_reports()
        self.stdout.write(self.style.SUCCESS(f"演示月报已就绪（本次新建 {n} 份）"))


def _figure(indicator, period, months_done, months_total):
    """A plausible cumulative figure on the way to the target (year to date for a yearly
    target): some ahead of schedule, some behind, whole numbers for counts."""
    from supervision.exports.reports import COUNT_UNITS

    target = indicator.target
    if indicator.unit.strip() in RATE_UNITS:
        return (target * Decimal("0.8")).quantize(Decimal("0.01"))
    if indicator.period == indicator.Period.YEARLY:
        share = Decimal(period.month) / 12
    else:
        share = Decimal(months_done) / Decimal(max(months_total, 1))
    pace = Decimal("1.15") if indicator.position % 3 else Decimal("0.85")
    value = target * share * pace
    if indicator.unit.strip() in COUNT_UNITS:
        return value.quantize(Decimal("1"), rounding="ROUND_FLOOR")
    return value.quantize(Decimal("0.01"))


def seed_reports(today=None):
    today = today or timezone.localdate()
    calendar = WorkCalendar()
    created = 0
    for etown in reporting_etowns(ETown.objects.all()).select_related("county").order_by("pk"):
        contractor = Membership.objects.filter(
            role=Role.CONTRACTOR, organization__contracts__etown=etown, user__is_active=True,
        ).select_related("user").first()
        office = Membership.objects.filter(role=Role.OFFICE, county=etown.county, user__is_active=True).select_related("user").first()
        if contractor is None or office is None:
            continue
        last = add_months(latest_due_month(etown.county.report_due_day, today, calendar=calendar), -1)
        months = months_between(etown.reporting_start, last)
        for done, period in enumerate(months, start=1):
            if MonthlyReport.objects.filter(etown=etown, period=period).exists():
                continue
            report = services.monthly_report_create(etown=etown, period=period, by=contractor.user, today=today)
            total = len(months_between(etown.reporting_start, etown.planned_end or last))
            services.monthly_report_update(
                report=report, by=contractor.user, reason="演示数据",
                work_summary=f"{period.year}年{period.month}月：按计划推进各项建设任务，开展电商培训和产品推介。",
                fund_use=Decimal("120000.00") + Decimal(done * 10000),
                next_plan="继续推进公共服务中心和物流配送中心建设。",
                task_values={
                    line.task_id: {"progress": min(100, line.task.progress + 2), "note": "按计划推进"}
                    for line in report.task_lines.select_related("task")
                },
                indicator_values={
                    line.indicator_id: {"cumulative_value": _figure(line.indicator, period, done, total)}
                    for line in report.indicator_lines.select_related("indicator")
                },
            )
            on_time = report.due_date - datetime.timedelta(days=1)
            services.monthly_report_submit(report=report, by=contractor.user, today=on_time)
            services.monthly_report_accept(report=report, by=office.user, note="演示数据：审核通过")
            created += 1
        # The seeded history is not news: leave the demo users' notification lists clean.
        for user in (contractor.user, office.user):
            notification_mark_read(user=user)
    return created
