"""Browser tests of the public column (002 art. 16: 意见窗口和举报窗口; 004 §9(4)):

- a citizen, on a phone, reads the column, files an opinion, keeps the tracking code,
  and later reads the office's reply with it;
- a citizen reports wrongdoing; the auditor reads it with the reporter's name, the office
  does not see it at all.
"""
import re

import pytest
from playwright.sync_api import expect

from .conftest import login, logout

pytestmark = pytest.mark.e2e


@pytest.fixture
def column(e2e_demo, settings):
    from etown.demo import public as demo

    settings.PUBLIC_FORM_MIN_SECONDS = 0  # the time trap has its own tests
    demo.seed_public()
    return True


def fits_the_phone(page):
    """Nothing wider than the 390 px screen (no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_it_lets_a_citizen_file_an_opinion_from_a_phone_and_read_the_reply(phone_page, page, column):
    from etown.models import County, PublicSubmission

    county = County.objects.get(name="临猗县")
    phone = phone_page

    # The column, signed out, at phone width: the published e-town and its progress.
    phone.goto(phone.base_url + "/public/")
    expect(phone).to_have_url(re.compile(rf"/public/county/{county.pk}/$"))
    expect(phone.get_by_test_id("opinion-window")).to_be_visible()
    assert "临猗县电子商务进农村综合示范项目" not in phone.content()  # not published
    assert fits_the_phone(phone)
    phone.get_by_role("link", name=re.compile("临猗新城涑水e镇")).first.click()
    expect(phone.get_by_test_id("public-etown-name")).to_have_text("临猗新城涑水e镇")
    expect(phone.get_by_test_id("public-task-list")).to_contain_text("完善物流配送体系，发展共同配送")
    expect(phone.get_by_test_id("public-indicator-list")).to_contain_text("已达成")
    assert fits_the_phone(phone)

    # The opinion window: a first attempt without content is refused in Chinese.
    phone.get_by_role("link", name="对本项目提意见").click()
    phone.select_option("#id_etown", label="临猗新城涑水e镇")
    phone.fill("#id_subject", "希望公布培训报名方式")
    phone.click("form[data-testid=submission-form] button[type=submit]")
    expect(phone.get_by_test_id("error-content")).to_contain_text("请填写内容")
    assert PublicSubmission.objects.count() == 0
    phone.fill("#id_content", "电商培训很受欢迎，但村里不知道怎么报名，希望在专栏公布报名方式。")
    phone.click("form[data-testid=submission-form] button[type=submit]")
    code = phone.get_by_test_id("tracking-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{4}(-[2-9A-Z]{4}){3}", code)
    assert fits_the_phone(phone)

    # Checking at once: received, waiting.
    phone.get_by_role("link", name="查询办理进度").click()
    phone.fill("#id_code", code.lower())
    phone.click("form[data-testid=track-form] button[type=submit]")
    expect(phone.get_by_test_id("track-status")).to_have_text("待受理")

    # The office answers and publishes the answer (desktop browser).
    login(page, "office")
    page.get_by_role("link", name="意见与举报").first.click()
    page.get_by_role("link", name="希望公布培训报名方式").click()
    expect(page.get_by_test_id("sender")).to_contain_text("匿名")
    page.fill("#id_reply", "报名方式：到临猗县电商公共服务中心现场报名，或拨打服务中心电话。每月10日前公布下月课程。")
    page.check("#id_publish")
    page.fill("#id_public_question", "如何报名参加电商培训？")
    page.click("form[data-testid=reply-form] button[type=submit]")
    expect(page.get_by_test_id("submission-status")).to_have_text("已答复")

    # The citizen checks again with the code and reads the answer.
    phone.goto(phone.base_url + "/public/track/")
    phone.fill("#id_code", code)
    phone.click("form[data-testid=track-form] button[type=submit]")
    expect(phone.get_by_test_id("track-status")).to_have_text("已答复")
    expect(phone.get_by_test_id("track-reply")).to_contain_text("到临猗县电商公共服务中心现场报名")
    # And the answer is on the column, with the question as the office worded it.
    phone.goto(phone.base_url + f"/public/county/{county.pk}/")
    expect(phone.locator("[data-testid^=reply-]")).to_contain_text("如何报名参加电商培训？")
    assert "村里不知道怎么报名" not in phone.content()


def test_it_brings_a_report_to_the_auditor_only(phone_page, page, column):
    from etown.models import County, PublicSubmission

    county = County.objects.get(name="临猗县")
    phone = phone_page
    phone.goto(phone.base_url + f"/public/county/{county.pk}/")
    phone.get_by_test_id("report-window").click()
    expect(phone.get_by_test_id("report-intro")).to_contain_text("仅办理人员可见")
    phone.fill("#id_subject", "培训签到造假")
    phone.fill("#id_content", "某次培训实到二十人，签到表写了一百人。")
    phone.fill("#id_name", "匿名群众甲")
    phone.fill("#id_contact", "13912345678")
    phone.click("form[data-testid=submission-form] button[type=submit]")
    expect(phone.get_by_test_id("tracking-code")).to_be_visible()
    report = PublicSubmission.objects.get()

    # The office does not see it, not even in its list.
    login(page, "office")
    page.goto(page.base_url + "/column/submissions/")
    expect(page.get_by_test_id("submission-table")).not_to_contain_text("培训签到造假")
    response = page.goto(page.base_url + f"/column/submissions/{report.pk}/")
    assert response.status == 404
    logout(page)

    # The auditor does, with the reporter's contact.
    login(page, "auditor")
    page.get_by_role("link", name="意见与举报").first.click()
    page.get_by_role("link", name="培训签到造假").click()
    expect(page.get_by_test_id("submission-content")).to_contain_text("签到表写了一百人")
    expect(page.get_by_test_id("sender")).to_contain_text("13912345678")
