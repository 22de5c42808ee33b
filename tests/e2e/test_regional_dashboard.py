"""Browser test of the regional dashboard (issue 16): the province's 商务厅 official signs
in, sees exactly their province's counties, drills down to a county and opens an e-town."""
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
