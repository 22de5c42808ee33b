"""Shared helpers of the monthly-report tests (imported by test_*.py, the ``today``
fixture by conftest.py; holds no tests itself).

The demo county's 临猗新城涑水e镇 starts its implementation on 2026-07-01, so with "today"
pinned to 2026-11-23 its open months are July to November 2026 and the October report
was due on Thursday 2026-11-05 (县 report day 5).
"""
import datetime
from decimal import Decimal

from django.utils import timezone

from supervision.models import MonthlyReport
from supervision.services import reports as services

D = datetime.date
TODAY = D(2026, 11, 23)
OCTOBER = D(2026, 10, 1)
SEPTEMBER = D(2026, 9, 1)
NOVEMBER = D(2026, 11, 1)

# Smallest files of each kind that pass the content check.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def pin_today(monkeypatch, day=TODAY):
    """Make ``timezone.localdate()`` (no argument) return ``day`` everywhere, the live
    server's thread included."""
    real = timezone.localdate

    def fake(value=None, timezone=None):
        if value is None:
            return day
        return real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", fake)
    return day


def full_values(report, *, progress=70, month=Decimal("12"), cumulative=Decimal("120")):
    """Values for every line of ``report`` (progress never below the accepted one)."""
    tasks = {
        line.task_id: {"progress": max(progress, line.task.progress), "note": "按计划推进"}
        for line in report.task_lines.select_related("task")
    }
    indicators = {
        line.indicator_id: {"month_value": month, "cumulative_value": cumulative, "note": ""}
        for line in report.indicator_lines.all()
    }
    return {"task_values": tasks, "indicator_values": indicators}


def filled_report(etown, user, period=OCTOBER, *, today=TODAY, **values):
    report = services.monthly_report_create(etown=etown, period=period, by=user, today=today)
    services.monthly_report_update(
        report=report, by=user, work_summary="本月完成公共服务中心装修。", fund_use=Decimal("150000.00"),
        next_plan="下月开展电商培训。", **full_values(report, **values),
    )
    return MonthlyReport.objects.get(pk=report.pk)


def submitted_report(etown, user, period=OCTOBER, *, today=TODAY, **values):
    report = filled_report(etown, user, period, today=today, **values)
    return services.monthly_report_submit(report=report, by=user, today=today)
