"""A month's report cycle in the browser (临猗 004 annex 4 §1(2)): the contractor fills in
and submits October's report with an attachment, the office returns it with a reason, the
contractor corrects and resubmits, the office accepts, and the e-town page's indicator
chart shows the accepted figure."""
import re

import pytest
from playwright.sync_api import expect

from tests.supervision.reports.support import PDF_BYTES, pin_today

from .conftest import login

pytestmark = pytest.mark.e2e


def _logout(page):
    page.context.clear_cookies()


def _open_from_nav(page, label):
    page.goto(page.base_url + "/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=label).click()


def test_it_runs_a_month_from_submission_to_the_chart(page, e2e_demo, monkeypatch):
    pin_today(monkeypatch)  # 23 November 2026: October's report is due (5 November)

    # The contractor opens October's report from "月度报告" and fills it in.
    login(page, "contractor")
    _open_from_nav(page, "月度报告")
    page.locator("tr[data-month='2026-10']").get_by_role("button", name="填报").click()
    page.wait_for_url(re.compile(r"/supervision/reports/\d+/edit/$"))
    page.get_by_label("本月工作总结").fill("完成公共服务中心装修，开展电商培训两期。")
    page.get_by_label("本月专项资金使用（元）").fill("150000")
    for field in page.locator("input[name$='_cumulative_value']").all():
        field.fill("100")
    page.get_by_label("年网络零售额 本月值（万元）").fill("310")
    page.get_by_label("年网络零售额 累计值（万元）").fill("1234.5")
    page.set_input_files("input[name='attachments']", files=[
        {"name": "培训签到表.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
    ])
    page.get_by_test_id("submit-report").click()
    page.wait_for_url(re.compile(r"/supervision/reports/\d+/$"))
    expect(page.get_by_test_id("report-status")).to_contain_text("已报送")
    expect(page.get_by_test_id("attachments")).to_contain_text("培训签到表.pdf")
    report_url = page.url
    _logout(page)

    # The office finds it in the queue and returns it with a reason.
    login(page, "office")
    _open_from_nav(page, "月报审核")
    row = page.get_by_test_id("queue-table").locator("tr", has_text="临猗新城涑水e镇")
    assert "逾期报送" in row.inner_text()
    row.get_by_role("link", name="审核").click()
    page.get_by_label("退回原因").fill("网络零售额与平台后台数据不符，请核实后重报。")
    page.get_by_test_id("return-report").click()
    expect(page.get_by_test_id("report-status")).to_contain_text("已退回")
    _logout(page)

    # The contractor sees why, corrects the figure and resubmits.
    login(page, "contractor")
    _open_from_nav(page, "月度报告")
    row = page.locator("tr[data-month='2026-10']")
    assert "网络零售额与平台后台数据不符" in row.inner_text()
    row.get_by_role("link", name="修改后重新报送").click()
    assert "网络零售额与平台后台数据不符" in page.get_by_test_id("return-reason").inner_text()
    page.get_by_label("年网络零售额 累计值（万元）").fill("1300")
    page.get_by_test_id("submit-report").click()
    page.wait_for_url(report_url)
    expect(page.get_by_test_id("report-status")).to_contain_text("已重新报送")
    _logout(page)

    # The office accepts; the e-town page charts the accepted figure.
    login(page, "office")
    page.goto(report_url)
    page.get_by_label("审核意见").fill("数据已核实。")
    page.get_by_test_id("accept-report").click()
    expect(page.get_by_test_id("report-status")).to_contain_text("已通过")
    history = page.get_by_test_id("report-history").inner_text()
    assert "退回：网络零售额与平台后台数据不符，请核实后重报。" in history and "审核通过：数据已核实。" in history

    page.get_by_role("link", name="临猗新城涑水e镇").first.click()
    tracking = page.get_by_test_id("indicator-tracking")
    assert "1,300 万元" in tracking.locator("tr", has_text="年网络零售额").first.inner_text()
    chart = page.get_by_test_id("indicator-chart")
    expect(chart).to_have_attribute("data-series", re.compile(".+"))  # the chart script has run
    page.get_by_test_id("indicator-chart-select").select_option(label="年网络零售额（万元）")
    expect(chart).to_have_attribute("data-values", "[1300]")
    # ECharts drew the line with the figure as its label (SVG renderer).
    expect(chart.locator("svg text", has_text=re.compile(r"^1300$"))).to_have_count(1)


def test_it_keeps_the_month_list_within_a_phone_screen(phone_page, e2e_demo, monkeypatch):
    pin_today(monkeypatch)
    login(phone_page, "contractor")

    phone_page.goto(phone_page.base_url + "/supervision/reports/mine/")

    assert phone_page.get_by_test_id("my-reports").is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
