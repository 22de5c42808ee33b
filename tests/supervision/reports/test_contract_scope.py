"""Per-contract scoping of monthly reports (issue 11). 004 附件2 第十一条 allows two
contractors on one e-town. A report belongs to the contractor company of the person who
filed it (``created_by``'s contractor membership): a report filed by another contractor
of the e-town is hidden from (404, absent from lists) and refused to the other
contractor's staff; the office sees and reviews all."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from supervision.services import reports as services

from .support import OCTOBER, TODAY, filled_report

pytestmark = pytest.mark.django_db


def test_it_hides_another_contractors_report(demo, second_contract, client_for):
    report = filled_report(demo.etown, demo.contractor, OCTOBER)
    other = client_for(demo.contractor2)
    for url in (f"/supervision/reports/{report.pk}/", f"/supervision/reports/{report.pk}/edit/",
                f"/supervision/reports/{report.pk}/pdf/"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/supervision/reports/{report.pk}/submit/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.monthly_report_submit(report=report, by=demo.contractor2, today=TODAY)
    report.refresh_from_db()
    assert report.status == "draft"
    mine = other.get("/supervision/reports/mine/").content.decode()
    assert f"/supervision/reports/{report.pk}/" not in mine
    assert client_for(demo.contractor).get(f"/supervision/reports/{report.pk}/").status_code == 200
    assert client_for(demo.office).get(f"/supervision/reports/{report.pk}/").status_code == 200
    # The shared e-town page stays visible to both.
    assert other.get(f"/etowns/{demo.etown.pk}/").status_code == 200


# One report per contractor per month (issue 11, 004 附件2 第十一条) ------------------------


def test_it_lets_each_contractor_file_its_own_october_report(demo, second_contract, client_for):
    from supervision.models import MonthlyReport

    first = filled_report(demo.etown, demo.contractor, OCTOBER)
    second = filled_report(demo.etown, demo.contractor2, OCTOBER)
    assert first.pk != second.pk
    assert (first.contract, second.contract) == (demo.contract, second_contract)
    # A second report of the same contract and month is refused.
    with pytest.raises(ValidationError):
        services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor2, today=TODAY)
    # Each sees only its own, over HTTP and in its months list; the other's is 404.
    mine, theirs = client_for(demo.contractor), client_for(demo.contractor2)
    assert mine.get(f"/supervision/reports/{first.pk}/").status_code == 200
    assert mine.get(f"/supervision/reports/{second.pk}/").status_code == 404
    assert theirs.get(f"/supervision/reports/{second.pk}/").status_code == 200
    assert theirs.get(f"/supervision/reports/{first.pk}/").status_code == 404
    assert theirs.post(f"/supervision/reports/{first.pk}/withdraw/").status_code == 404
    page = theirs.get("/supervision/reports/mine/").content.decode()
    assert f"/supervision/reports/{second.pk}/" in page and f"/supervision/reports/{first.pk}/" not in page
    # The office sees and reviews both.
    office = client_for(demo.office)
    assert office.get(f"/supervision/reports/{first.pk}/").status_code == 200
    assert office.get(f"/supervision/reports/{second.pk}/").status_code == 200
    services.monthly_report_submit(report=first, by=demo.contractor, today=TODAY)
    services.monthly_report_submit(report=second, by=demo.contractor2, today=TODAY)
    queue = office.get("/supervision/reports/").content.decode()
    assert f"/supervision/reports/{first.pk}/" in queue and f"/supervision/reports/{second.pk}/" in queue
    assert MonthlyReport.objects.filter(etown=demo.etown, period=OCTOBER).count() == 2


def test_it_refuses_the_other_contractors_report_in_every_service(demo, second_contract):
    report = filled_report(demo.etown, demo.contractor, OCTOBER)
    with pytest.raises(PermissionDenied):
        services.monthly_report_update(report=report, by=demo.contractor2, work_summary="改写")
    services.monthly_report_submit(report=report, by=demo.contractor, today=TODAY)
    with pytest.raises(PermissionDenied):
        services.monthly_report_withdraw(report=report, by=demo.contractor2)
    report.refresh_from_db()
    assert report.status == "submitted" and report.work_summary != "改写"


def test_it_refuses_a_report_on_a_contract_of_another_company(demo, second_contract):
    with pytest.raises(PermissionDenied):
        services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=TODAY,
                                       contract=second_contract)


def test_it_reminds_each_contractor_of_its_own_late_report(demo, second_contract):
    from etown.models import Notification
    from etown.workdays import WorkCalendar
    from supervision.services.reports import sweep_monthly_reports

    # The first contractor filed October in time; the second did not.
    report = filled_report(demo.etown, demo.contractor, OCTOBER)
    services.monthly_report_submit(report=report, by=demo.contractor, today=datetime.date(2026, 11, 4))
    sweep_monthly_reports(datetime.date(2026, 11, 25), WorkCalendar())
    overdue = "临猗新城涑水e镇2026年10月月报已逾期未报送"
    assert Notification.objects.filter(user=demo.contractor2, title=overdue).exists()
    assert not Notification.objects.filter(user=demo.contractor, title=overdue).exists()


def test_it_lists_each_contractors_report_in_the_departments_workbook(demo, second_contract, tmp_path):
    from openpyxl import load_workbook

    from supervision.exports.reports import write_monthly_workbook

    first = filled_report(demo.etown, demo.contractor, OCTOBER)
    services.monthly_report_submit(report=first, by=demo.contractor, today=datetime.date(2026, 11, 4))
    services.monthly_report_accept(report=first, by=demo.office)
    path = tmp_path / "m.xlsx"
    write_monthly_workbook(path, user=demo.office, month=OCTOBER, county=demo.etown.county, today=TODAY)
    ws = load_workbook(path)["各镇月度数据"]
    header = [c.value for c in ws[3]]
    rows = [dict(zip(header, [c.value for c in r])) for r in ws.iter_rows(min_row=4)]
    ours = {r["承办企业"]: r["月报状态"] for r in rows if r.get("e镇项目") == demo.etown.name}
    assert ours == {demo.contract.contractor.name: "已审核", second_contract.contractor.name: "未报送"}


def test_it_backfills_the_contract_of_existing_reports_from_the_filer(demo, second_contract):
    import importlib

    from django.apps import apps

    from supervision.models import MonthlyReport

    first = filled_report(demo.etown, demo.contractor, OCTOBER)
    second = filled_report(demo.etown, demo.contractor2, OCTOBER)
    other = filled_report(demo.other_etown, demo.contractor2, OCTOBER)
    # (two reports of one e-town and month cannot both lack a contract: one per month then)
    MonthlyReport.objects.filter(pk__in=[second.pk, other.pk]).update(contract=None)
    migration = importlib.import_module("supervision.migrations.0005_issue11_report_contract")
    migration.backfill_contract(apps, None)
    second.refresh_from_db(), other.refresh_from_db()
    # The filer's company decides on the shared e-town (not the e-town's first contract).
    assert first.contract == demo.contract and second.contract == second_contract
    assert other.contract is not None and other.contract.etown == demo.other_etown


# The indicator chart, per contract (issue 11; 004 附件2 第十一条) ---------------------------


def _chart(client, etown):
    page = client.get(etown.get_absolute_url())
    return next(p for p in page.context["panels"] if p["panel"].key == "indicator_tracking")["context"]["chart"], page


def _retail(chart):
    return [s for s in chart["series"] if s["name"] == "年网络零售额"]


def test_it_charts_each_contractors_own_accepted_figures(demo, second_contract, client_for, today):
    from django.urls import reverse

    from .support import submitted_report

    for user, cumulative in ((demo.contractor, Decimal("2600")), (demo.contractor2, Decimal("400"))):
        report = submitted_report(demo.etown, user, cumulative=cumulative)
        client_for(demo.office).post(reverse("report_accept", args=[report.pk]), {"note": "核对无误"})
    # Each contractor charts its own contract's cumulative figures, never the other's.
    mine, _ = _chart(client_for(demo.contractor), demo.etown)
    theirs, page = _chart(client_for(demo.contractor2), demo.etown)
    assert [s["values"] for s in _retail(mine)] == [[2600.0]]
    assert [s["values"] for s in _retail(theirs)] == [[400.0]]
    assert "2600" not in page.content.decode().split('id="indicator-chart-data"')[1].split("</script>")[0]
    # The office sees one series per contract, each labelled with its contract.
    office, page = _chart(client_for(demo.office), demo.etown)
    retail = {s["contract"]: s["values"] for s in _retail(office)}
    assert retail == {f"{demo.contract.number} {demo.contract.contractor.name}": [2600.0],
                      "LY-EZ-2026-02 临猗县供销电商服务有限公司": [400.0]}
    assert "临猗县供销电商服务有限公司" in page.content.decode()


def test_it_counts_an_etown_late_while_one_of_its_contractors_owes_the_month(demo, second_contract, today):
    """The dashboards' 逾期未报月报 column and figure agree, per contract (issue 11): the
    e-town is late while one of its two contractors has not filed October's report."""
    from supervision.selectors import regional
    from supervision.selectors.reports import count_overdue

    report = filled_report(demo.etown, demo.contractor, OCTOBER)
    services.monthly_report_submit(report=report, by=demo.contractor, today=TODAY)
    assert regional.late_reports_by("etown", [demo.etown.pk], today=TODAY).get(demo.etown.pk) == 1
    by_county = regional.late_reports_by("county", [demo.linyi.pk], today=TODAY)
    assert by_county[demo.linyi.pk] == count_overdue({demo.linyi.pk}, today=TODAY)
    second = filled_report(demo.etown, demo.contractor2, OCTOBER)
    services.monthly_report_submit(report=second, by=demo.contractor2, today=TODAY)
    assert not regional.late_reports_by("etown", [demo.etown.pk], today=TODAY).get(demo.etown.pk)
    by_county = regional.late_reports_by("county", [demo.linyi.pk], today=TODAY)
    assert by_county.get(demo.linyi.pk, 0) == count_overdue({demo.linyi.pk}, today=TODAY)
