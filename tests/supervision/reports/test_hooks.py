"""What the monthly reports plug into etown's pages (supervision.hooks): navigation per role,
the county dashboard's figures, the e-town change log and the e-town dossier."""
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from etown.history import changes_for_etown
from etown.hub import hub
from supervision.services import reports as services

from .support import OCTOBER, PDF_BYTES, submitted_report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona, labels", [
    ("office", ["月报审核"]),
    ("finance", ["月报审核"]),
    ("leader", ["月报审核"]),
    ("auditor", ["月报审核"]),
    ("contractor", ["月度报告"]),
    ("agency", []),
])
def test_it_shows_each_role_its_own_entry_in_the_navigation(demo, persona, labels):
    shown = [n.label for n in hub.nav_for(getattr(demo, persona)) if n.label in ("月报审核", "月度报告")]

    assert shown == labels


def test_it_counts_waiting_and_overdue_reports_for_the_county_dashboard(demo, today):
    submitted_report(demo.etown, demo.contractor, OCTOBER)
    metrics = {m.key: m for m in hub.metrics}

    linyi = {demo.linyi.pk}
    assert metrics["reports_waiting"].func(linyi) == 1
    # October is the newest month due on 23 November: the other 临猗 e-town has not reported it.
    assert metrics["reports_overdue"].func(linyi) == 1
    assert metrics["reports_overdue"].func(None) == 3  # plus 安泽 and 高平, province-wide
    assert metrics["reports_waiting"].func({demo.anze_etown.county_id}) == 0


def test_it_puts_the_report_transitions_in_the_etown_change_log(demo, client_for, today):
    report = submitted_report(demo.etown, demo.contractor, OCTOBER)
    services.monthly_report_return(report=report, by=demo.office, reason="请补充照片。")

    changes = [c for c in changes_for_etown(demo.etown) if c.label == "月度报告"]

    assert [c.reason for c in changes][:2] == ["退回：请补充照片。", "报送月报"]
    assert changes[0].user == demo.office
    page = client_for(demo.auditor).get(reverse("etown_history", args=[demo.etown.pk])).content.decode()
    assert "退回：请补充照片。" in page
    # The auditors' county-wide trail reads the same registration.
    trail = client_for(demo.auditor).get(reverse("change_trail")).content.decode()
    assert "2026年10月月报" in trail and "退回：请补充照片。" in trail


def test_it_files_accepted_reports_and_their_attachments_in_the_dossier(demo, today):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = submitted_report(demo.etown, demo.contractor, OCTOBER)
    services.monthly_report_return(report=report, by=demo.office, reason="缺签到表")
    services.monthly_report_update(
        report=report, by=demo.contractor, add_files=[SimpleUploadedFile("签到表.pdf", PDF_BYTES, "application/pdf")],
    )
    services.monthly_report_submit(report=report, by=demo.contractor)
    services.monthly_report_accept(report=report, by=demo.office)

    items = hub.dossier_sources["monthly_reports"](demo.etown)

    assert [(i.category, i.title) for i in items] == [
        ("月报", "2026年10月月度报告"), ("月报", "2026年10月月报附件：签到表.pdf"),
    ]
    assert items[1].stored_file.original_name == "签到表.pdf"
    sheet = load_workbook(io.BytesIO(items[0].content()))["月度报告"]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["报告月份"] == "2026年10月" and values["状态"] == "已通过"


def _accepted_months(demo, months):
    """Accepted reports of 临猗新城涑水e镇 for ``months`` (first days), oldest first."""
    for period in months:
        report = submitted_report(demo.etown, demo.contractor, period)
        services.monthly_report_accept(report=report, by=demo.office)


@pytest.mark.parametrize("months", [1, 5])
def test_it_builds_the_etown_panels_in_a_fixed_number_of_queries(demo, today, months, django_assert_num_queries):
    import datetime
    from types import SimpleNamespace

    _accepted_months(demo, [datetime.date(2026, 7 + k, 1) for k in range(months)])
    panels = {p.key: p for p in hub.panels}
    request = SimpleNamespace(user=demo.contractor)
    etown = type(demo.etown).objects.select_related("county").get(pk=demo.etown.pk)

    # Tracking: the targets, the accepted cumulative values by month (one query for the chart).
    with django_assert_num_queries(2):
        tracking = panels["indicator_tracking"].context(request, etown)
    # Reports: guardian's check that the contractor may file (its user and group
    # permissions, two queries), the last 12 reports, the months already taken, the
    # e-town's reporting start.
    with django_assert_num_queries(5):
        reports = panels["monthly_reports"].context(request, etown)

    assert len(tracking["chart"]["months"]) == months
    assert len(reports["reports"]) == months
