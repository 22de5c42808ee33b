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
    from etown.views import common

    office = get_user_model().objects.get(username="office")
    for name, problem in (("临猗新城涑水e镇", "物流站点未建成"), ("临猗县电子商务进农村综合示范项目", "培训未开展")):
        rectification_create(etown=ETown.objects.get(name=name), source="inspection", problem=problem, measures="措施",
                             units=["临猗县商务局"], persons=["陈涛"], deadline=datetime.date.today(), by=office)
    monkeypatch.setattr(common, "OPTIONS_LIMIT", 2)  # the province sees four: “too many” for this test
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


def test_it_has_a_national_official_pick_a_province_then_a_county(page, e2e_demo):
    """Over the whole country the e-town list filters by 省份 first; its 区县 list then
    holds that province's counties only (issue 16)."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from etown import services
    from etown.models import Role, Scope

    system = get_user_model().objects.get(username="office")
    county = services.county_create(by=system, name="通城县", province="湖北省", city="咸宁市",
                                    office_name="通城县乡村e镇工作领导小组办公室")
    services.etown_create(county=county, by=system, name="通城县麦市镇乡村e镇", leading_industries="黄袍山油茶",
                          planned_investment=Decimal("100000000"))
    nation = get_user_model().objects.create_user("mofcom", password="demo12345", first_name="商务部")
    services.membership_grant(user=nation, role=Role.LEADER, county=None, scope=Scope.NATIONAL, by=system)
    login(page, "mofcom")
    page.goto(page.base_url + "/etowns/")
    table = page.get_by_test_id("etown-table")
    expect(table).to_contain_text("通城县麦市镇乡村e镇")
    expect(table).to_contain_text("临猗新城涑水e镇")
    expect(page.locator("#f-county option")).to_have_count(1)  # only 全部 until a province is chosen
    page.screenshot(path="/tmp/issue16_etowns_national.png", full_page=True)
    page.get_by_label("省份").select_option("湖北省")
    page.get_by_role("button", name="筛选").click()
    expect(table).to_contain_text("通城县麦市镇乡村e镇")
    expect(table).not_to_contain_text("临猗新城涑水e镇")
    page.get_by_label("省份").select_option("山西省")
    page.get_by_role("button", name="筛选").click()
    page.get_by_label("区县").select_option(label="临猗县")
    page.get_by_role("button", name="筛选").click()
    expect(table).to_contain_text("临猗新城涑水e镇")
    expect(table).not_to_contain_text("安泽县")
    expect(page.get_by_label("省份")).to_have_value("山西省")
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path="/tmp/issue16_etowns_national_phone.png", full_page=True)
