"""Browser test: an auditor traces a change across the county (004 §9(4): 县纪委、审计局
等部门全程跟踪督查). The office edits a task's budget with a reason; the auditor finds
that change in the county-wide trail by user and kind of record, sees old and new value
and the reason, and follows it to the e-town's change log."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import login, logout

pytestmark = pytest.mark.e2e


def test_it_lets_an_auditor_trace_a_change(page, e2e_demo):
    from etown.models import ETown

    etown = ETown.objects.get(name="临猗新城涑水e镇")
    task = etown.tasks.get(category="logistics")

    # The office changes the budget of a task, giving a reason.
    login(page, "office")
    page.goto(page.base_url + f"/tasks/{task.pk}/edit/")
    page.fill("#id_budget", "750000")
    page.fill("#id_reason", "领导小组会议调整物流仓储配送中心预算")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(rf"/etowns/{etown.pk}/"))
    logout(page)

    # The auditor opens the trail and narrows it to the office's edits of tasks.
    login(page, "auditor")
    page.get_by_role("link", name="变更追溯").click()
    expect(page.get_by_test_id("trail-table")).to_be_visible()
    page.select_option("#id_user", label="王立新（office）")
    page.select_option("#id_label", "建设任务")
    page.click("form[data-testid=trail-filter] button[type=submit]")
    row = page.get_by_test_id("trail-table").locator("tbody tr").first
    expect(row).to_contain_text("完善物流配送体系，发展共同配送")
    expect(row).to_contain_text("王立新")
    expect(row.locator("del")).to_have_text("700000.00")
    expect(row.locator("ins")).to_have_text("750000.00")
    expect(row).to_contain_text("预算（元）")
    expect(row).to_contain_text("领导小组会议调整物流仓储配送中心预算")
    # Only the office's task edits are listed.
    for text in page.get_by_test_id("trail-table").locator("tbody tr td:nth-child(2)").all_inner_texts():
        assert "王立新" in text

    # From the change to the e-town's own change log.
    row.get_by_role("link", name="项目变更记录").click()
    expect(page).to_have_url(re.compile(rf"/etowns/{etown.pk}/history/"))
    expect(page.get_by_test_id("history-table")).to_contain_text("领导小组会议调整物流仓储配送中心预算")
    # Read-only: the auditor has no edit link on the e-town.
    page.goto(page.base_url + f"/tasks/{task.pk}/edit/")
    expect(page.locator("body")).to_contain_text("仅领导小组办公室")


def test_it_lets_a_national_auditor_search_the_trail_by_name(page, e2e_demo, monkeypatch):
    """Over a wide scope the 操作人 and 项目 filters are search boxes (issue 16)."""
    from django.contrib.auth import get_user_model

    from etown import services
    from etown.models import ETown, Role, Scope
    from etown.views import common

    office = get_user_model().objects.get(username="office")
    anze = ETown.objects.exclude(county__name="临猗县").first()
    services.task_record_progress(task=anze.tasks.first(), progress=97, by=office, reason="安泽年度核查更新进度")
    auditor = get_user_model().objects.create_user("mof_audit", password="demo12345", first_name="部审计")
    services.membership_grant(user=auditor, role=Role.AUDITOR, county=None, scope=Scope.NATIONAL, by=office)
    monkeypatch.setattr(common, "OPTIONS_LIMIT", 2)  # the demo's e-towns: "too many" here
    login(page, "mof_audit")
    page.goto(page.base_url + "/audit/changes/")
    form = page.get_by_test_id("trail-filter")
    expect(form.locator("#id_etown")).to_have_count(0)
    form.locator("#id_etown_q").fill(anze.name[:2])
    form.locator("#id_user_q").fill("王立")
    form.get_by_role("button", name="筛选").click()
    table = page.get_by_test_id("trail-table")
    expect(table).to_contain_text("安泽年度核查更新进度")
    expect(page.locator("main")).to_contain_text("全国各类记录的每一次新增")
    for text in table.locator("tbody tr td:nth-child(2)").all_inner_texts():
        assert "王立新" in text
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path="/tmp/issue16_trail_search_phone.png", full_page=True)
