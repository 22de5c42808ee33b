"""Registrations of the monthly reports (nav, panels, sweeps).

Imported by ``SupervisionConfig.ready``: etown renders what is registered here without
importing supervision (DESIGN.md, architecture).
"""
from django.utils import timezone

from etown.history import register_history_source
from etown.hub import DossierItem, Metric, NavItem, Panel, hub
from etown.notifications import register_sweep

from .permissions_reports import can_file_reports, can_see_review_queue, is_contractor


def _tracking_context(request, etown):
    from .selectors_reports import indicator_chart_data, track_indicator

    indicators = list(etown.indicators.all())
    if not indicators:
        return None
    return {
        "tracks": [track_indicator(i, etown) for i in indicators],
        "chart": indicator_chart_data(etown, indicators),
    }


def _reports_context(request, etown):
    from .models import MonthlyReport
    from .selectors_reports import late_expression, open_months

    today = timezone.localdate()
    reports = list(
        MonthlyReport.objects.filter(etown=etown).annotate(late=late_expression(today)).order_by("-period")[:12]
    )
    can_file = can_file_reports(request.user, etown)
    missing = []
    if can_file:
        taken = set(MonthlyReport.objects.filter(etown=etown).values_list("period", flat=True))
        missing = [m for m in reversed(open_months(etown, today)) if m not in taken][:6]
    return {"reports": reports, "can_file": can_file, "missing_months": missing}


def _dashboard_context(request, _):
    from .selectors_reports import contractor_months, queue_counts

    user = request.user
    if can_see_review_queue(user):
        return {"mode": "office", "counts": queue_counts(user)}
    if is_contractor(user):
        rows = [r for r in contractor_months(user) if r.report is None or r.report.status != "accepted"]
        rows.sort(key=lambda r: r.due)
        return {"mode": "contractor", "rows": rows[:6]}
    return None


def _dossier(etown):
    from .exports_reports import single_report_workbook
    from .models import MonthlyReport

    items = []
    reports = MonthlyReport.objects.filter(etown=etown, status=MonthlyReport.Status.ACCEPTED).prefetch_related(
        "attachments"
    ).order_by("period")
    for report in reports:
        items.append(DossierItem(
            category="月报", title=f"{report.period_label}月度报告", date=report.reviewed_at and timezone.localdate(report.reviewed_at),
            source="承办企业", filename=f"{etown.name}_{report.period:%Y-%m}_月度报告.xlsx",
            content=lambda report=report: single_report_workbook(report),
        ))
        for f in report.attachments.all():
            items.append(DossierItem(
                category="月报", title=f"{report.period_label}月报附件：{f.original_name}",
                date=timezone.localdate(f.uploaded_at), source="承办企业", filename=f.original_name, stored_file=f,
            ))
    return items


def _metric_waiting(county_ids):
    from .selectors_reports import count_waiting

    return count_waiting(county_ids)


def _metric_overdue(county_ids):
    from .selectors_reports import count_overdue

    return count_overdue(county_ids)


def _report_history(etown):
    from .models import MonthlyReport

    return MonthlyReport.history.filter(etown_id=etown.pk)


def _sweep(today, calendar):
    from .services_reports import sweep_monthly_reports

    return sweep_monthly_reports(today, calendar)


hub.register_nav(NavItem("月报审核", "report_queue", order=30, visible=lambda u: bool(can_see_review_queue(u))))
hub.register_nav(NavItem("月度报告", "report_mine", order=31, visible=is_contractor))
hub.register_panel(Panel("indicator_tracking", "指标跟踪", "supervision/reports/_panel_tracking.html", _tracking_context, order=20))
hub.register_panel(Panel("monthly_reports", "月度报告", "supervision/reports/_panel_reports.html", _reports_context, order=21))
hub.register_dashboard_card(Panel("monthly_reports", "月度报告", "supervision/reports/_dashboard_card.html", _dashboard_context, order=20))
hub.register_metric(Metric("reports_waiting", "待审核月报", _metric_waiting, group="月度报告", order=20, url_name="report_queue"))
hub.register_metric(Metric("reports_overdue", "逾期未报月报", _metric_overdue, group="月度报告", order=21, url_name="report_queue", tone="danger"))
hub.register_dossier_source("monthly_reports", _dossier)
register_history_source("月度报告", _report_history, describe=lambda row: f"{row.period.year}年{row.period.month}月月报", shared=True)
register_sweep("monthly_reports", _sweep)


def _seed_demo_reports(system):
    from .management.commands.seed_demo_reports import seed_reports

    return seed_reports()


hub.register_demo_seeder("monthly-reports", _seed_demo_reports, order=30)
