"""Browser test of an absolute prohibition (issue 11): a request in the chain is blocked
by an overdue rectification item (004 附件2 第十二条3: 整改后仍不合格的，专项资金不予拨付).
The office head sees the failing check marked as not overridable, no override form is
offered for it, the next step is refused, and an override posted by hand is refused too."""
import datetime
import re

import pytest
from playwright.sync_api import expect

from .conftest import login, submitted_prepayment

pytestmark = pytest.mark.e2e


def _prepayment_at_the_meeting_step():
    """A prepayment driven through the services to 待常务会议 (each step by its own person),
    then an item of the project falls overdue."""
    from funds import services
    from supervision.services.rectification import rectification_create

    request, users = submitted_prepayment("1000000")
    etown = request.etown
    for who in ("office", "finance", "leader"):
        request.refresh_from_db()
        services.disbursement_approve(request=request, by=users[who])
    today = datetime.date.today()
    rectification_create(etown=etown, source="inspection", problem="专项资金专账凭证不全，未按期整改", measures="补齐凭证",
                         units=["临猗县涑水电子商务运营有限公司"], persons=["陈涛"],
                         deadline=today - datetime.timedelta(days=3), by=users["office"])
    return request


def test_it_refuses_the_office_head_an_override_of_overdue_rectification(page, e2e_demo):
    request = _prepayment_at_the_meeting_step()
    login(page, "office")  # 王立新, 领导小组办公室主任 (an office head)
    page.goto(f"{page.base_url}/funds/requests/{request.pk}/")
    expect(page.get_by_test_id("request-status")).to_have_text("待常务会议审议")
    gate = page.get_by_test_id("gate-hub:rectification")
    expect(gate).to_contain_text("专项资金专账凭证不全")
    expect(gate).to_contain_text("不能例外放行")
    expect(page.get_by_test_id("override-form-hub:rectification")).to_have_count(0)

    # The next step is refused with the check named.
    form = page.get_by_test_id("meeting-form")
    form.locator("input[name='meeting-minutes_number']").fill("〔2026〕12号")
    form.get_by_test_id("act-meeting").click()
    expect(page.locator("body")).to_contain_text("以下拨付条件未满足")
    expect(page.locator("body")).to_contain_text("无逾期或被退回的整改事项")
    page.screenshot(path="/tmp/issue11_blocked.png", full_page=True)

    # An override posted by hand (no form is offered) is refused by the service.
    token = page.locator("input[name='csrfmiddlewaretoken']").first.get_attribute("value")
    response = page.request.post(
        f"{page.base_url}/funds/requests/{request.pk}/override/",
        form={"csrfmiddlewaretoken": token, "override-gate_key": "hub:rectification",
              "override-reason": "县长批示先行拨付"},
        headers={"Referer": f"{page.base_url}/funds/requests/{request.pk}/"},
    )
    assert response.status == 400 and "任何人不能例外放行" in response.text()
    page.goto(f"{page.base_url}/funds/requests/{request.pk}/")
    expect(page.get_by_test_id("request-status")).to_have_text("待常务会议审议")
    expect(page.get_by_test_id("override-mark")).to_have_count(0)
    assert not re.search("例外放行 [0-9]+ 项", page.content())
