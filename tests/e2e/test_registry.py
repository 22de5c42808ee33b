"""Browser tests of the registry: the office registers an e-town with a task and a target
and sees it on the dashboard; a contractor sees only its own e-town."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import login

pytestmark = pytest.mark.e2e


def test_it_lets_the_office_register_an_etown_with_a_task_and_a_target(page, e2e_demo):
    login(page, "office")
    expect(page.get_by_test_id("county-label")).to_have_text("临猗县")
    page.get_by_role("link", name="登记e镇项目").first.click()
    page.fill("#id_name", "临猗县北辛e镇")
    page.select_option("#id_kind", "etown")
    page.fill("#id_leading_industries", "苹果、鲜枣")
    page.fill("#id_planned_investment", "-1")
    page.click("main button[type=submit]")
    # Bad input: the reason beside the field, in Chinese, nothing saved.
    expect(page.get_by_test_id("error-planned_investment")).to_contain_text("确保该值大于或等于0")
    page.fill("#id_planned_investment", "80000000")
    page.click("main button[type=submit]")
    expect(page.get_by_test_id("etown-name")).to_have_text("临猗县北辛e镇")

    page.get_by_role("link", name="新增任务").click()
    page.select_option("#id_category", "logistics")
    page.fill("#id_title", "改造升级物流仓储配送中心")
    page.fill("#id_budget", "700000")
    page.click("main button[type=submit]")
    expect(page.get_by_test_id("task-table")).to_contain_text("改造升级物流仓储配送中心")

    page.get_by_role("link", name="新增目标").click()
    page.fill("#id_name", "年网络零售额")
    page.fill("#id_unit", "万元")
    page.fill("#id_target", "3000")
    page.select_option("#id_period", "yearly")
    page.click("main button[type=submit]")
    expect(page.get_by_test_id("indicator-table")).to_contain_text("≥ 3,000 万元")

    page.get_by_role("link", name="工作台").click()
    row = page.get_by_test_id("etown-table").locator("tr", has_text="临猗县北辛e镇")
    expect(row).to_contain_text("组织准备")
    expect(row).to_contain_text("0/1 项已达成")

    page.get_by_role("link", name="临猗县北辛e镇").click()
    page.get_by_role("link", name="变更记录").click()
    expect(page.get_by_test_id("history-table")).to_contain_text("新增建设任务")
    expect(page.get_by_test_id("history-table")).to_contain_text("王立新")


def test_it_shows_a_contractor_only_its_own_etown(page, e2e_demo):
    login(page, "contractor")
    table = page.get_by_test_id("etown-table")
    expect(table).to_contain_text("临猗新城涑水e镇")
    expect(table).not_to_contain_text("临猗县电子商务进农村综合示范项目")
    expect(page.get_by_role("link", name="登记e镇项目")).to_have_count(0)
    page.get_by_role("link", name="临猗新城涑水e镇").click()
    expect(page.get_by_role("link", name="修改项目信息")).to_have_count(0)
    own_url = page.url

    page.context.clear_cookies()
    login(page, "contractor2")
    response = page.goto(own_url)
    assert response.status == 404
    expect(page.get_by_test_id("error-404")).to_contain_text("页面不存在")


def test_it_is_usable_at_phone_width(phone_page, e2e_demo):
    login(phone_page, "contractor")
    expect(phone_page.get_by_test_id("etown-table")).to_contain_text("临猗新城涑水e镇")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page is {width}px wide at a 390px viewport"
    phone_page.get_by_role("button", name="展开导航").click()
    # Bootstrap's collapse animates ("collapsing") before it is "show": a click on the
    # menu mid-animation can miss it on a loaded machine (seen in a parallel run).
    expect(phone_page.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))
    phone_page.get_by_test_id("user-label").click()
    expect(phone_page.get_by_role("button", name="退出")).to_be_visible()
    assert re.search(r"/$", phone_page.url)
