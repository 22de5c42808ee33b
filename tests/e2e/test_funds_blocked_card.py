"""Browser test: the county dashboard's 拨付受阻 card follows a verification that failed
at once, with no sweep (004 附件2 第十二条3: 整改后仍不合格的，专项资金不予拨付). The
live server commits for real, so this is the re-check as it runs in production: after
the office's send-back commits."""
import datetime
import re

import pytest
from playwright.sync_api import expect

from .conftest import login, submitted_prepayment

pytestmark = pytest.mark.e2e


def _request_in_flight_and_an_item_with_evidence():
    """A prepayment submitted by the contractor, and an item (not yet due) on which the
    contractor has sent evidence that awaits the office's verification."""
    from supervision.services.rectification import rectification_create, rectification_submit_evidence

    request, users = submitted_prepayment("100000")
    etown = request.etown
    item = rectification_create(etown=etown, source="inspection", problem="冷库保温层未按设计施工", measures="返工",
                                units=["临猗县涑水电子商务运营有限公司"], persons=["陈涛"],
                                deadline=datetime.date.today() + datetime.timedelta(days=10), by=users["office"])
    rectification_submit_evidence(item=item, text="已返工完成", by=users["contractor"])
    return request, item


def _held(page):
    page.goto(f"{page.base_url}/county-dashboard/")
    text = page.get_by_test_id("metric-funds_blocked").inner_text()
    return int(re.search(r"(\d+)\s*$", text.strip()).group(1))


def test_it_counts_a_payment_held_as_soon_as_the_office_sends_evidence_back(page, e2e_demo):
    request, item = _request_in_flight_and_an_item_with_evidence()
    login(page, "office")
    before = _held(page)

    page.goto(f"{page.base_url}/supervision/rectifications/{item.pk}/")
    form = page.get_by_test_id("send-back-form")
    form.get_by_label("退回原因").fill("照片看不出保温层厚度，请补充检测报告。")
    form.get_by_role("button", name="核验未通过，退回").click()
    expect(page.locator("body")).to_contain_text("照片看不出保温层厚度")

    assert _held(page) == before + 1
    page.screenshot(path="/tmp/blocked_card.png", full_page=True)
    request.refresh_from_db()
    assert request.blocked_gates == "无逾期或被退回的整改事项"
