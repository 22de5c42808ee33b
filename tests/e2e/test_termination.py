"""Browser test of the end of the ladder (issue 12; 004 附件4 第二条): an item overdue after
the second order → the office is prompted to hold an interview, and drafts and issues the
请示 (its own 请 number, signed by the office head) → the leader approves it → the office
records that it went to the county government and the government's decision to terminate →
the contract is ended and the decision is public."""
import datetime

import pytest
from django.utils import timezone

from tests.e2e.conftest import login, logout

pytestmark = pytest.mark.e2e


def test_it_takes_a_proposal_to_terminate_from_the_office_to_the_county_governments_decision(page, e2e_demo, tmp_path):
    from etown.models import Contract, ETown, Notice
    from supervision.models import SupervisionLetter, Termination
    from supervision.services.letters import letter_draft, letter_issue, letter_update
    from supervision.services.rectification import rectification_create

    from django.contrib.auth import get_user_model

    office = get_user_model().objects.get(username="office")
    etown = ETown.objects.get(name="临猗新城涑水e镇")
    today = timezone.localdate()
    D = datetime.timedelta
    item = rectification_create(etown=etown, source="inspection", problem="物流仓储配送中心改造尚未开工", measures="倒排工期",
                                units=["临猗县涑水电子商务运营有限公司"], persons=["陈涛"], deadline=today - D(days=40),
                                by=office)
    for kind, issued, deadline in ((1, today - D(days=30), today - D(days=20)), (2, today - D(days=15), today - D(days=5))):
        draft = letter_draft(etown=etown, kind=kind, items=[item], by=office, today=issued)
        draft = letter_update(letter=draft, by=office, today=issued, deadline=deadline)
        letter_issue(letter=draft, by=office, today=issued)
    base = page.base_url

    # 1. The office sees the interview prompt and escalates to the 请示.
    login(page, "office")
    page.goto(f"{base}/supervision/rectifications/{item.pk}/")
    assert page.get_by_test_id("interview-prompt").is_visible()
    page.get_by_test_id("escalate").click()
    page.wait_for_url("**/letters/new/**")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/supervision/letters/*/")
    page.get_by_label("已预览并核对文书内容").check()
    page.get_by_test_id("letter-issue").click()
    page.wait_for_load_state()
    proposal = SupervisionLetter.objects.get(kind=3)
    assert proposal.number == f"临乡村e镇办请〔{today.year}〕1号"
    page.get_by_test_id("letter-termination").click()
    page.wait_for_url("**/supervision/terminations/*/")
    assert page.get_by_test_id("termination-status").inner_text() == "待领导小组审批"
    logout(page)

    # 2. The leader approves it.
    login(page, "leader")
    termination = Termination.objects.get()
    page.goto(f"{base}/supervision/terminations/{termination.pk}/")
    page.get_by_label("同意报请县人民政府").check()
    page.get_by_test_id("termination-leader-submit").click()
    page.wait_for_load_state()
    assert "待报县人民政府" in page.get_by_test_id("termination-status").inner_text()
    logout(page)

    # 3. The office records the sending and the county government's decision.
    login(page, "office")
    page.goto(f"{base}/supervision/terminations/{termination.pk}/")
    page.get_by_test_id("termination-send-submit").click()
    page.wait_for_load_state()
    page.get_by_label("终止项目建设合同").check()
    page.fill("#id_decided_on", today.isoformat())
    page.fill("#id_decision_number", "临政函〔2026〕8号")
    page.get_by_test_id("termination-decide-submit").click()
    page.wait_for_load_state()
    assert "已决定终止" in page.get_by_test_id("termination-status").inner_text()
    assert "临政函〔2026〕8号" in page.get_by_test_id("termination-decision").inner_text()
    page.screenshot(path=str(tmp_path / "termination.png"), full_page=True)
    assert Contract.objects.get(etown=etown).status == Contract.Status.TERMINATED
    assert Notice.objects.filter(etown=etown, title__contains="终止项目建设合同", is_published=True).exists()
