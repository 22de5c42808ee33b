"""The departments' monthly data workbook (高平 000 §5(2): 按月将有关数据报送至发改、工信、
商务、科技部门), downloaded and read back with openpyxl."""
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from supervision.services import reports as services

from .support import NOVEMBER, OCTOBER, SEPTEMBER, D, full_values, submitted_report

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def october(demo, today):
    """临猗新城涑水e镇's October report accepted (online retail 2,600.5 万元 cumulative, 310.25
    this month; 12 new market entities; all tasks 80%); the other e-town's submitted, not
    reviewed."""
    report = services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=today)
    values = full_values(report, progress=80, month=Decimal("3"), cumulative=Decimal("30"))
    codes = {i.pk: i.code for i in demo.etown.indicators.all()}
    for pk, v in values["indicator_values"].items():
        if codes[pk] == "online_retail":
            v.update(month_value=Decimal("310.25"), cumulative_value=Decimal("2600.5"))
        if codes[pk] == "new_entities":
            v.update(month_value=Decimal("2"), cumulative_value=Decimal("12"))
    services.monthly_report_update(
        report=report, by=demo.contractor, work_summary="总结", fund_use=Decimal("150000.50"), **values,
    )
    services.monthly_report_submit(report=report, by=demo.contractor, today=D(2026, 11, 4))
    services.monthly_report_accept(report=report, by=demo.office)
    submitted_report(demo.other_etown, demo.contractor2, OCTOBER, month=Decimal("7"), cumulative=Decimal("70"))
    return report


def _download(client, query):
    """Issue 13: the workbook is built by a worker (a background job published after the
    commit, run here at the end of the captured block); the user downloads it from 我的导出."""
    from django.test import TestCase

    from etown.models import Job

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.get(reverse("report_export") + query)
    assert response.status_code == 302 and response.url == reverse("job_list")
    job = Job.objects.filter(kind="report_workbook").latest("pk")
    assert job.state == "done", job.error
    response = client.get(reverse("file_download", args=[job.result_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


HEADER_ROW = 3  # under the title row and the issuing unit's row (issue 15)


def _rows(ws):
    """The header and the data rows as dicts, the 合计 row left out."""
    header = [c.value for c in ws[HEADER_ROW]]
    rows = [dict(zip(header, [c.value for c in row])) for row in ws.iter_rows(min_row=HEADER_ROW + 1)]
    return header, [r for r in rows if r.get("序号") != "合计"]


def test_it_writes_one_row_per_etown_with_chinese_headers_and_number_formats(demo, client_for, october):
    wb = _download(client_for(demo.finance), "?month=2026-10")

    assert wb.sheetnames == ["各镇月度数据", "建设任务进度", "说明"]
    ws = wb["各镇月度数据"]
    header, rows = _rows(ws)
    assert header[:10] == [
        "序号", "区县", "e镇项目", "项目类型", "承办企业", "月报状态", "报送日期", "是否逾期",
        "本月专项资金使用（元）", "累计专项资金使用（元）",
    ]
    # The departments' figures first (004 §9(4): 市场主体、产值、网络零售额), aligned by code.
    assert header[10:16] == [
        "新增市场主体（个）\n本月", "新增市场主体（个）\n累计", "年总产值（万元）\n本月", "年总产值（万元）\n累计",
        "年网络零售额（万元）\n本月", "年网络零售额（万元）\n累计",
    ]
    assert [r["e镇项目"] for r in rows] == ["临猗县电子商务进农村综合示范项目", "临猗新城涑水e镇"]  # 临猗县 only
    accepted, pending = rows[1], rows[0]
    assert accepted["月报状态"] == "已审核" and accepted["是否逾期"] == "否"
    assert accepted["报送日期"].date() == D(2026, 11, 4)
    assert accepted["本月专项资金使用（元）"] == 150000.5
    assert (accepted["年网络零售额（万元）\n本月"], accepted["年网络零售额（万元）\n累计"]) == (310.25, 2600.5)
    assert accepted["新增市场主体（个）\n累计"] == 12
    # Not reviewed yet: listed, but its figures are left out unless asked for.
    assert pending["月报状态"] == "待审核（数据未列入）" and pending["是否逾期"] == "是"
    assert pending["年网络零售额（万元）\n累计"] is None
    # Formats, frozen header and widths that fit.
    letter = {c.value: c.column_letter for c in ws[HEADER_ROW]}
    assert ws[letter["年网络零售额（万元）\n累计"] + "5"].number_format == "#,##0.00"
    assert ws[letter["新增市场主体（个）\n累计"] + "5"].number_format == "#,##0"
    assert ws[letter["报送日期"] + "5"].number_format == "yyyy-mm-dd"
    assert ws.freeze_panes == "D4"
    assert ws.column_dimensions["C"].width >= 30 and ws.column_dimensions["I"].width >= len("本月专项资金使用（元）") * 2
    assert ws["A3"].font.b


def test_it_lists_task_progress_on_its_own_sheet(demo, client_for, october):
    wb = _download(client_for(demo.office), "?month=2026-10")

    header, rows = _rows(wb["建设任务进度"])
    assert header == ["序号", "区县", "e镇项目", "任务类别", "建设内容", "预算（元）", "计划完成日期", "本月进度（%）", "进展说明", "月报状态"]
    assert len(rows) == 13 + 3
    ours = [r for r in rows if r["e镇项目"] == "临猗新城涑水e镇"]
    assert {r["本月进度（%）"] for r in ours} == {80}
    assert ours[0]["任务类别"] == "主导产业" and ours[0]["预算（元）"] == 600000
    assert {r["本月进度（%）"] for r in rows if r["e镇项目"] != "临猗新城涑水e镇"} == {None}


def test_it_includes_pending_reports_when_asked_and_says_so(demo, client_for, october):
    wb = _download(client_for(demo.office), "?month=2026-10&include_pending=on")

    _, rows = _rows(wb["各镇月度数据"])
    pending = next(r for r in rows if r["e镇项目"] == "临猗县电子商务进农村综合示范项目")
    assert pending["月报状态"] == "待审核（数据已列入）"
    assert pending["年网络零售额（万元）\n累计"] == 70
    notes = dict(r[:2] for r in wb["说明"].iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert notes["报表月份"] == "2026年10月" and "待审核月报的数据已一并列入" in notes["数据口径"]


def test_it_writes_the_same_workbook_from_the_command_line(demo, october, tmp_path):
    out = tmp_path / "october.xlsx"

    call_command("export_monthly_reports", "--month", "2026-10", "--user", "office", "--out", str(out))

    _, rows = _rows(load_workbook(out)["各镇月度数据"])
    assert [r["月报状态"] for r in rows] == ["待审核（数据未列入）", "已审核"]


def test_it_refuses_the_export_to_a_contractor_and_explains_a_bad_month(demo, client_for, today):
    assert client_for(demo.contractor).get(reverse("report_export") + "?month=2026-10").status_code == 403
    assert client_for(demo.agency).get(reverse("report_export")).status_code == 403

    response = client_for(demo.office).get(reverse("report_export") + "?month=2026-13")

    assert response.status_code == 200
    assert "月份格式应为 年-月，如 2026-10。" in response.content.decode()


def test_it_lays_the_workbook_out_for_print_with_titles_borders_and_totals(demo, october, tmp_path):
    """Issue 15: a title row with the issuing unit and the month, bordered rows, a 合计 row,
    landscape A4 fit to width with the header repeated; LibreOffice printed the old
    workbook on 26 portrait pages."""
    from supervision.exports.reports import write_monthly_workbook
    from tests.spreadsheets import formula_cells, print_workbook

    out = tmp_path / "october.xlsx"
    write_monthly_workbook(out, user=demo.office, month=OCTOBER, today=D(2026, 11, 23))
    wb = load_workbook(out)
    ws = wb["各镇月度数据"]
    assert ws["A1"].value == "乡村e镇月度数据报表（2026年10月）"
    assert "临猗县" in ws["A2"].value and "2026年10月" in ws["A2"].value
    assert ws["C4"].border.left.style == "thin"
    last = [c.value for c in ws[ws.max_row]]
    assert last[0] == "合计" and last[8] == 150000.5  # the accepted report's fund use; the pending one not counted
    for sheet in wb.worksheets:
        assert sheet.print_title_rows == "$1:$3" and sheet.page_setup.fitToWidth == 1
    assert ws.page_setup.orientation == "landscape"
    content = out.read_bytes()
    assert formula_cells(content) == []
    pages, text = print_workbook(content, tmp_path)
    assert pages <= 6, pages
    assert "乡村e镇月度数据报表" in text and "临猗新城涑水e镇" in text


def test_it_judges_lateness_by_the_due_date(demo, today, tmp_path):
    """Issue 15: on 2026-11-23 the November report is not due (县 report day 5 → 2026-12-07):
    an e-town that has not filed it is 否（未到期）, not 是; October's missing report is 是."""
    from supervision.exports.reports import write_monthly_workbook

    submitted_report(demo.etown, demo.contractor, NOVEMBER)  # filed early: not late
    out = tmp_path / "november.xlsx"
    write_monthly_workbook(out, user=demo.office, month=NOVEMBER, today=today)
    _, rows = _rows(load_workbook(out)["各镇月度数据"])
    late = {r["e镇项目"]: r["是否逾期"] for r in rows}
    assert late == {"临猗新城涑水e镇": "否", "临猗县电子商务进农村综合示范项目": "否（未到期）"}
    write_monthly_workbook(out, user=demo.office, month=OCTOBER, today=today)
    _, rows = _rows(load_workbook(out)["各镇月度数据"])
    assert {r["e镇项目"]: r["是否逾期"] for r in rows}["临猗县电子商务进农村综合示范项目"] == "是"


def test_it_defaults_to_the_last_month_that_has_data(demo, client_for, today):
    """Issue 15: the export form opened on a month with no report at all."""
    submitted_report(demo.etown, demo.contractor, SEPTEMBER)
    response = client_for(demo.office).get(reverse("report_export"))
    assert response.context["form"].initial["month"] == "2026-09"
