"""Browser tests of special funds on the demo county: a progress payment goes through the
whole chain, each role signing in in turn (安泽办法第十条、第十二条; 临猗资金办法第十二条),
and an improper request is stopped with its failing gate shown."""
import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import login

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The stage acceptance report is no upload (issue 11): the request names the counted stage
# acceptance it rests on.
MATERIALS = ["资金申请表", "合同", "发票", "建设进度"]


def counted_stage_acceptance(etown):
    """A stage acceptance passed by the review group, approved by the leading group,
    reviewed by the county government and noticed without objection (004 附件2 第十二条3),
    walked through the services (tests/e2e/test_acceptance.py walks it in the browser)."""
    from types import SimpleNamespace

    from django.contrib.auth import get_user_model

    from ..acceptance import conftest as acceptance

    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["office", "leader", "contractor"])}
    demo = SimpleNamespace(etown=etown, contract=etown.contracts.get(), linyi=etown.county, **users)
    application = acceptance.apply(demo, kind="stage", stage_name="电商公共服务中心改造完成")
    acceptance.pass_review(demo, application)
    return acceptance.count(demo, application)


def sign_in(page, username):
    page.context.clear_cookies()
    login(page, username)


def open_request(page, pk):
    page.goto(f"{page.base_url}/funds/requests/{pk}/")


def approve(page, pk, username, note):
    sign_in(page, username)
    open_request(page, pk)
    page.fill("#id_approve-note", note)
    page.get_by_test_id("act-approve").click()
    expect(page.locator(".alert-success")).to_contain_text("已审核通过")


def test_it_takes_a_progress_payment_from_the_request_to_the_disbursement(page, e2e_demo, monkeypatch):
    from etown.models import ETown
    from funds.models import DisbursementRequest

    etown = ETown.objects.get(name="临猗新城涑水e镇")
    accepted = counted_stage_acceptance(etown)

    # The contractor drafts the request from the e-town's funds page, naming the counted
    # stage acceptance it rests on.
    sign_in(page, "contractor")
    page.get_by_role("link", name="专项资金", exact=True).click()
    page.get_by_role("link", name="临猗新城涑水e镇").click()
    page.get_by_test_id("new-request").click()
    page.select_option("#id_kind", "progress")
    page.fill("#id_amount", "1200000")
    page.fill("#id_purpose", "电商公共服务中心改造完成第一阶段，申请进度款。")
    page.get_by_label("改造升级乡村e镇电子商务公共服务中心").check()
    page.select_option("#id_stage_acceptance", str(accepted.pk))
    page.get_by_test_id("save-request").click()
    expect(page.get_by_test_id("request-status")).to_have_text("草稿")
    expect(page.get_by_test_id("stage-acceptance")).to_contain_text("电商公共服务中心改造完成")
    expect(page.get_by_test_id("gate-hub:acceptance_basis")).to_contain_text("公示期满无异议")
    # Materials missing: the gate says which, and the request cannot be submitted yet.
    expect(page.get_by_test_id("gate-materials")).to_contain_text("缺少：资金申请表、合同、发票、建设进度。")
    expect(page.get_by_test_id("act-submit")).to_be_disabled()
    for label in MATERIALS:
        page.select_option("#id_material-kind", label=label)
        page.set_input_files("#id_material-file", files=[{"name": f"{label}.pdf", "mimeType": "application/pdf",
                                                          "buffer": PDF}])
        page.get_by_test_id("material-form").get_by_role("button", name="上传").click()
        expect(page.get_by_test_id("materials")).to_contain_text(f"{label}.pdf")
    expect(page.get_by_test_id("gate-materials")).to_contain_text("满足")
    page.get_by_test_id("act-submit").click()
    expect(page.get_by_test_id("request-status")).to_have_text("待办公室审核")
    pk = DisbursementRequest.objects.get().pk

    # Office, finance bureau and leading group approve in turn, each from their queue.
    sign_in(page, "office")
    page.get_by_role("link", name="专项资金", exact=True).click()
    expect(page.get_by_test_id("queue")).to_contain_text("进度款")
    approve(page, pk, "office", "材料齐全，同意上报领导小组。")
    approve(page, pk, "finance", "预算审核通过。")
    approve(page, pk, "leader", "同意提请县政府常务会议审议。")

    # The office records the executive meeting and publishes the notice.
    sign_in(page, "office")
    open_request(page, pk)
    page.fill("#id_meeting-minutes_number", "临政常纪〔2026〕21号")
    page.get_by_test_id("act-meeting").click()
    expect(page.get_by_test_id("request-status")).to_have_text("待公示")
    page.get_by_test_id("act-notice").click()
    expect(page.get_by_test_id("request-status")).to_have_text("公示中")
    request = DisbursementRequest.objects.select_related("notice").get()
    expect(page.get_by_test_id("notice")).to_contain_text(f"{request.notice.end_date.month}月{request.notice.end_date.day}日")

    # During the notice the finance bureau cannot pay yet (its treasury desk pays: not the
    # person who reviewed the request, 不相容岗位分离).
    sign_in(page, "treasury")
    open_request(page, pk)
    expect(page.get_by_test_id("disburse-wait")).to_contain_text("期满无异议后方可登记拨付")

    # The notice ends with no objection: the day after its end, the finance bureau pays.
    after = request.notice.end_date + datetime.timedelta(days=1)
    real_localdate = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda value=None, tz=None: after if value is None else real_localdate(value, tz))
    open_request(page, pk)
    page.fill("#id_disburse-voucher_number", "GK2026-1201-07")
    page.get_by_test_id("act-disburse").click()
    expect(page.get_by_test_id("request-status")).to_have_text("已拨付")
    expect(page.get_by_test_id("disbursed-line")).to_contain_text("拨付 1,200,000.00 元，凭证 GK2026-1201-07")
    trail = page.get_by_test_id("trail")
    for step in ("提交申请", "办公室审核通过", "财政局审核通过", "领导小组审批通过", "常务会议审议通过", "发布拨付公示", "拨付"):
        expect(trail).to_contain_text(step)
    expect(trail).to_contain_text("李晓芳（预算股股长） · 临猗县财政局")

    # The overview shows the payment; the approval form downloads as a PDF.
    page.goto(f"{page.base_url}/funds/etowns/{etown.pk}/")
    expect(page.get_by_test_id("fig-disbursed")).to_have_text("120.00")
    expect(page.get_by_test_id("funds-chart").locator("svg")).to_be_visible()
    open_request(page, pk)
    with page.expect_download() as download:
        page.get_by_test_id("approval-form").click()
    assert download.value.suggested_filename.endswith(".pdf")


def test_it_stops_an_improper_request_and_shows_the_failing_gate(page, e2e_demo):
    """A retention (尾款) request before the final acceptance: blocked, with the reason,
    and not even an office head can let it through."""
    sign_in(page, "contractor")
    page.goto(page.base_url + "/funds/")
    page.get_by_role("link", name="临猗新城涑水e镇").click()
    page.get_by_test_id("new-request").click()
    page.select_option("#id_kind", "retention")
    page.fill("#id_amount", "500000")
    page.fill("#id_purpose", "申请拨付尾款。")
    page.get_by_label("改造升级乡村e镇电子商务公共服务中心").check()
    page.get_by_test_id("save-request").click()
    blocked = page.get_by_test_id("blocked")
    expect(blocked).to_contain_text("尾款待终验合格后拨付")
    expect(blocked).to_contain_text("项目终验尚未通过，尾款不得拨付。")
    expect(page.get_by_test_id("gate-retention")).to_contain_text("不满足")
    expect(page.get_by_test_id("gate-retention")).to_contain_text("资金安全硬性条件，不能例外放行")
    expect(page.get_by_test_id("act-submit")).to_be_disabled()
    url = page.url

    # The office head sees the same reason and only the overridable gate (materials)
    # offered for an override; the retention gate is not.
    sign_in(page, "office")
    page.goto(url)
    expect(page.get_by_test_id("gate-retention")).to_contain_text("项目终验尚未通过")
    expect(page.get_by_test_id("override-form-materials")).to_be_visible()
    expect(page.get_by_test_id("override-form-retention")).to_have_count(0)
    page.get_by_test_id("override-form-materials").get_by_label(re.compile("放行")).fill("原件已在办公室核验")
    page.get_by_test_id("override-form-materials").get_by_role("button").click()
    expect(page.get_by_test_id("override-materials")).to_contain_text("原件已在办公室核验")
    expect(page.get_by_test_id("override-mark")).to_be_visible()
    expect(page.get_by_test_id("blocked")).to_contain_text("项目终验尚未通过，尾款不得拨付。")


def test_it_shows_the_request_page_at_phone_width(phone_page, e2e_demo):
    from funds.models import DisbursementRequest

    login(phone_page, "contractor")
    phone_page.goto(phone_page.base_url + "/funds/")
    phone_page.get_by_role("link", name="临猗新城涑水e镇").click()
    phone_page.get_by_test_id("new-request").click()
    phone_page.select_option("#id_kind", "prepayment")
    phone_page.fill("#id_amount", "100000")
    phone_page.fill("#id_purpose", "预付款")
    phone_page.get_by_label("改造升级乡村e镇电子商务公共服务中心").check()
    phone_page.get_by_test_id("save-request").click()
    assert DisbursementRequest.objects.count() == 1
    gates = phone_page.get_by_test_id("gates")
    expect(gates).to_be_visible()
    # The table stacks: no horizontal scrolling of the page.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
