"""The departments' monthly data workbook (高平 000 §5(2): 按月将有关数据报送至发改、工信、
商务、科技部门), downloaded and read back with openpyxl."""
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from supervision.services import reports as services

from .support import OCTOBER, D, full_values, submitted_report

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
    response = client.get(reverse("report_export") + query)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _rows(ws):
    header = [c.value for c in ws[1]]
    return header, [dict(zip(header, [c.value for c in row])) for row in ws.iter_rows(min_row=2)]


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
    letter = {c.value: c.column_letter for c in ws[1]}
    assert ws[letter["年网络零售额（万元）\n累计"] + "3"].number_format == "#,##0.00"
    assert ws[letter["新增市场主体（个）\n累计"] + "3"].number_format == "#,##0"
    assert ws[letter["报送日期"] + "3"].number_format == "yyyy-mm-dd"
    assert ws.freeze_panes == "D2"
    assert ws.column_dimensions["C"].width >= 30 and ws.column_dimensions["I"].width >= len("本月专项资金使用（元）") * 2
    assert ws["A1"].font.b


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
    notes = dict(r[:2] for r in wb["说明"].iter_rows(min_row=2, values_only=True))
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
