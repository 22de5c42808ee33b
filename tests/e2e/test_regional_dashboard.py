"""Browser tests of the wide scopes (issue 16): the province's 商务厅 official signs in,
sees exactly their province's counties on the regional dashboard, drills down to a county
and opens an e-town; and finds a project by name in the province's rectification ledger."""
import datetime

import pytest
from playwright.sync_api import expect

from .conftest import login

pytestmark = pytest.mark.e2e


def test_it_takes_a_province_official_from_the_province_to_an_etown(page, e2e_demo):
    login(page, "province")
    expect(page.get_by_test_id("county-label")).to_have_text("山西省")
    page.get_by_role("link", name="区域看板").first.click()
    table = page.get_by_test_id("region-table")
    expect(table).to_contain_text("临猗县")
    expect(table).to_contain_text("安泽县")
    expect(table).to_contain_text("合同金额")
    page.screenshot(path="/tmp/issue16_region_province.png", full_page=True)
    table.get_by_role("link", name="临猗县").click()
    expect(page.get_by_test_id("region-crumbs")).to_contain_text("临猗县")
    expect(table).to_contain_text("临猗新城涑水e镇")
    page.screenshot(path="/tmp/issue16_region_county.png", full_page=True)
    table.get_by_role("link", name="临猗新城涑水e镇").click()
    expect(page.get_by_test_id("etown-name")).to_have_text("临猗新城涑水e镇")
    # Read-only: the province does not edit a county's e-town.
    expect(page.get_by_role("link", name="编辑")).to_have_count(0)


def test_it_finds_a_project_by_name_in_the_provinces_ledger(page, e2e_demo, monkeypatch):
    """Over a wide scope the ledger offers no list of every e-town (issue 16); the
    province official types a project's name in the keyword box instead."""
    from django.contrib.auth import get_user_model

    from etown.models import ETown
    from supervision.services.rectification import rectification_create
    from supervision.views import rectification as views

    office = get_user_model().objects.get(username="office")
    for name, problem in (("临猗新城涑水e镇", "物流站点未建成"), ("临猗县电子商务进农村综合示范项目", "培训未开展")):
        rectification_create(etown=ETown.objects.get(name=name), source="inspection", problem=problem, measures="措施",
                             units=["临猗县商务局"], persons=["陈涛"], deadline=datetime.date.today(), by=office)
    monkeypatch.setattr(views, "ETOWN_OPTIONS", 2)  # the province sees four: “too many” for this test
    login(page, "province")
    page.goto(page.base_url + "/supervision/rectifications/")
    filters = page.get_by_test_id("ledger-filters")
    expect(filters.locator("#f-etown")).to_have_count(0)
    expect(page.get_by_test_id("ledger-table")).to_contain_text("培训未开展")
    filters.get_by_label("关键词").fill("涑水")
    filters.get_by_role("button", name="筛选").click()
    table = page.get_by_test_id("ledger-table")
    expect(table).to_contain_text("物流站点未建成")
    expect(table).not_to_contain_text("培训未开展")
    page.screenshot(path="/tmp/issue16_ledger_search.png", full_page=True)
