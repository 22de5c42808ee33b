"""Refusals and returns on the conclusion chain (issue 12) and the per-exception approval
(issue 11).

- 004 附件3 第八条（二）：对通过验收的项目，作出通过验收意见并报县政府审核；对未通过验收的项目，
  提出整改意见及整改期限；对项目整改完成情况进行审核，并出具结论.
- 附件2 第十七条：验收合格出具验收报告和审计报告; 第十二条3：整改后仍不合格的，专项资金不予拨付.

The leading group approves each exception row on its own and may return the opinion to
the review group with a reason (the group revises and resubmits). The county government
may not agree (date, number, reason): the project has not passed — rectification with a
deadline and a re-review whose passed opinion walks the whole chain again. A returned or
refused opinion never counts."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from acceptance.models import AcceptanceApplication, ChecklistItem, ConclusionReturn, ResultStage
from acceptance.selectors.conclusions import standing
from acceptance.services import applications as application_services
from acceptance.services import conclusions
from etown.models import Notice, Notification
from supervision.selectors import rectification as rectification_selectors
from supervision.services import rectification as rectification_services

from ..conftest import NOTICE_OVER, TODAY, count, pass_review, pdf, review_kwargs

pytestmark = pytest.mark.django_db
E = ChecklistItem.ExceptionStatus


def refresh(*objs):
    for obj in objs:
        obj.refresh_from_db()


def exceptions(application):
    return list(application.reviews.get(conclusion="passed").checklist.filter(judgement="exception"))


def with_audit(demo, application):
    conclusions.acceptance_record_audit_report(application=application, upload=pdf("审计报告.pdf"), issuer="事务所",
                                               by=demo.office)


# Per-exception approval (issue 11) -------------------------------------------------------


def test_it_records_each_exception_as_pending_and_refuses_the_conclusion_until_each_is_approved(demo, application):
    pass_review(demo, application)
    with_audit(demo, application)
    rows = exceptions(application)
    assert rows and {r.exception_status for r in rows} == {E.PENDING}
    with pytest.raises(ValidationError, match=f"尚有 {len(rows)} 项例外未经领导小组批准"):
        conclusions.acceptance_leader_approve(application=application, by=demo.leader, today=TODAY)
    for row in rows[:-1]:
        conclusions.checklist_exception_decide(item=row, by=demo.leader, approve=True, note="同意", today=TODAY)
    with pytest.raises(ValidationError, match="尚有 1 项例外未经领导小组批准"):
        conclusions.acceptance_leader_approve(application=application, by=demo.leader, today=TODAY)
    refresh(application)
    assert application.result_stage == ResultStage.LEADER and application.leader_approved_on is None
    conclusions.checklist_exception_decide(item=rows[-1], by=demo.leader, approve=True, note="", today=TODAY)
    conclusions.acceptance_leader_approve(application=application, by=demo.leader, today=TODAY)
    refresh(application, rows[0])
    assert application.result_stage == ResultStage.GOVERNMENT
    assert rows[0].exception_status == E.APPROVED and rows[0].exception_decided_by == demo.leader
    assert "领导小组批准例外项" in application.history.filter(history_change_reason__contains="例外项").first().history_change_reason


def test_it_keeps_a_refused_exception_blocking_and_asks_a_reason(demo, application):
    pass_review(demo, application)
    with_audit(demo, application)
    row = exceptions(application)[0]
    with pytest.raises(ValidationError) as error:
        conclusions.checklist_exception_decide(item=row, by=demo.leader, approve=False, note=" ", today=TODAY)
    assert "note" in error.value.message_dict
    conclusions.checklist_exception_decide(item=row, by=demo.leader, approve=False, note="进度差距过大，不宜例外",
                                           today=TODAY)
    for other in exceptions(application)[1:]:
        conclusions.checklist_exception_decide(item=other, by=demo.leader, approve=True, today=TODAY)
    with pytest.raises(ValidationError, match="不予批准"):
        conclusions.acceptance_leader_approve(application=application, by=demo.leader, today=TODAY)
    with pytest.raises(ValidationError, match="已审批"):
        conclusions.checklist_exception_decide(item=row, by=demo.leader, approve=True, today=TODAY)


def test_it_refuses_the_exception_decision_to_other_roles(demo, application):
    pass_review(demo, application)
    row = exceptions(application)[0]
    for user in (demo.office, demo.contractor, demo.finance, demo.agency):
        with pytest.raises(PermissionDenied):
            conclusions.checklist_exception_decide(item=row, by=user, approve=True, today=TODAY)
    refresh(row)
    assert row.exception_status == E.PENDING


# The leading group returns; the review group revises and resubmits ------------------------


def test_it_returns_the_conclusion_to_the_review_group_which_resubmits_it(demo, application):
    review = pass_review(demo, application)
    with_audit(demo, application)
    row = exceptions(application)[0]
    conclusions.checklist_exception_decide(item=row, by=demo.leader, approve=False, note="须说明替代措施", today=TODAY)
    with pytest.raises(ValidationError) as error:
        conclusions.acceptance_leader_return(application=application, by=demo.leader, reason=" ", today=TODAY)
    assert "reason" in error.value.message_dict
    conclusions.acceptance_leader_return(application=application, by=demo.leader, reason="例外项理由不充分，请补充说明",
                                         today=TODAY)
    refresh(application)
    assert application.result_stage == ResultStage.RETURNED and not application.is_counted
    assert standing(application)[0] is False
    returned = ConclusionReturn.objects.get()
    assert returned.body == ConclusionReturn.Body.LEADER and returned.review == review
    assert Notification.objects.filter(user=demo.office, title__contains="被领导小组退回").exists()
    # Not the leading group's step any more; not the contractor's ever.
    with pytest.raises(ValidationError, match="待领导小组审批"):
        conclusions.acceptance_leader_approve(application=application, by=demo.leader, today=TODAY)
    with pytest.raises(PermissionDenied):
        conclusions.acceptance_conclusion_resubmit(application=application, by=demo.contractor, opinion="x", note="x")
    with pytest.raises(ValidationError) as error:
        conclusions.acceptance_conclusion_resubmit(application=application, by=demo.office, opinion="", note="")
    assert set(error.value.message_dict) == {"opinion", "note"}

    conclusions.acceptance_conclusion_resubmit(application=application, by=demo.office,
                                               opinion="项目建设内容基本完成；例外项已采取替代措施（见说明）。",
                                               note="补充例外项的替代措施说明")
    refresh(application, review, row, returned)
    assert application.result_stage == ResultStage.LEADER
    assert review.opinion.startswith("项目建设内容基本完成；例外项") and review.report_file is None
    assert row.exception_status == E.PENDING  # the refused exception waits for a new decision
    assert returned.resubmitted_on is not None and returned.resubmit_note == "补充例外项的替代措施说明"
    assert review.history.first().history_change_reason.startswith("按领导小组意见修改验收意见")
    assert Notification.objects.filter(user=demo.leader, title__contains="重新报送").exists()
    count(demo, application, until="counted")  # then the chain goes on as before
    assert application.is_counted


# The county government does not agree ----------------------------------------------------


def refuse(demo, application, **changes):
    kwargs = dict(application=application, by=demo.office, reviewed_on=TODAY, document_number="临政审〔2026〕30号",
                  reason="物流仓储配送中心尚未投入运营，不同意通过验收", rectification_deadline=TODAY + datetime.timedelta(days=30),
                  units="临猗县涑水电子商务运营有限公司", persons="陈涛", today=TODAY)
    kwargs.update(changes)
    return conclusions.acceptance_government_refuse(**kwargs)


@pytest.mark.parametrize("changes, field", [
    ({"document_number": " "}, "document_number"),
    ({"reason": ""}, "reason"),
    ({"reviewed_on": TODAY + datetime.timedelta(days=1)}, "reviewed_on"),
    ({"rectification_deadline": None}, "rectification_deadline"),
    ({"rectification_deadline": TODAY}, "rectification_deadline"),
    ({"units": ""}, "units"),
])
def test_it_refuses_a_bad_government_refusal_and_changes_nothing(demo, application, changes, field):
    pass_review(demo, application)
    count(demo, application, until="leader")
    with pytest.raises(ValidationError) as error:
        refuse(demo, application, **changes)
    assert field in error.value.message_dict
    refresh(application)
    assert application.result_stage == ResultStage.GOVERNMENT and not ConclusionReturn.objects.exists()


def test_it_sends_a_refused_conclusion_to_rectification_and_its_re_review_through_the_whole_chain(demo, application):
    review = pass_review(demo, application)
    count(demo, application, until="leader")
    for user in (demo.leader, demo.contractor):
        with pytest.raises(PermissionDenied):
            refuse(demo, application, by=user)
    refuse(demo, application)
    refresh(application, demo.contract)
    assert application.status == AcceptanceApplication.Status.RECTIFYING and application.result_stage == ""
    assert application.leader_approved_on is None and application.government_document == ""
    assert not application.is_counted and demo.contract.final_acceptance_passed_on is None
    assert not Notice.objects.filter(kind=Notice.Kind.ACCEPTANCE).exists()  # nothing published
    refusal = ConclusionReturn.objects.get()
    assert (refusal.body, refusal.document_number) == (ConclusionReturn.Body.GOVERNMENT, "临政审〔2026〕30号")
    items = list(rectification_selectors.items_for_source(review))
    assert len(items) == 1 and "县政府审核不同意" in items[0].problem
    with pytest.raises(ValidationError, match="待县政府审核"):
        conclusions.acceptance_record_government_review(application=application, by=demo.office, reviewed_on=TODAY,
                                                        document_number="x", today=TODAY)

    later = datetime.date(2026, 12, 21)
    # The re-review cannot pass while the item is open.
    with pytest.raises(ValidationError, match="未销号"):
        application_services.acceptance_review_record(**review_kwargs(demo, application, reviewed_on=later,
                                                                      previous=review))
    rectification_services.rectification_submit_evidence(item=items[0], text="已投入运营", by=demo.contractor,
                                                         files=[pdf()], today=later)
    rectification_services.rectification_close(item=items[0], note="核验通过", by=demo.office, today=later)
    again = application_services.acceptance_review_record(**review_kwargs(demo, application, reviewed_on=later,
                                                                          previous=review))
    refresh(application)
    assert again.round == 2 and application.result_stage == ResultStage.LEADER
    count(demo, application, today=later, confirmed_on=datetime.date(2026, 12, 28))
    assert application.is_counted and application.result_notice.source_id == again.pk


def test_it_ends_the_application_when_the_re_review_after_a_refusal_fails(demo, application):
    review = pass_review(demo, application)
    count(demo, application, until="leader")
    refuse(demo, application)
    later = datetime.date(2026, 12, 21)
    application_services.acceptance_review_record(**review_kwargs(demo, application, reviewed_on=later, previous=review,
                                                                  conclusion="not_passed", not_met=["培训师资库专家"]))
    refresh(application)
    assert application.status == AcceptanceApplication.Status.FAILED  # 整改后仍不合格的，专项资金不予拨付
    assert not standing(application)[0]


def test_it_shows_nothing_counted_until_the_notice_ends_after_a_resubmission(demo, application):
    """A returned opinion never counts, whatever the dates."""
    pass_review(demo, application)
    with_audit(demo, application)
    conclusions.acceptance_leader_return(application=application, by=demo.leader, reason="请补充", today=TODAY)
    with pytest.raises(ValidationError):
        conclusions.acceptance_confirm_result(application=application, by=demo.office, today=NOTICE_OVER)
    refresh(application, demo.contract)
    assert demo.contract.final_acceptance_passed_on is None


def test_it_shows_each_exception_in_red_with_its_approval_status_on_the_page_and_in_the_report(
        demo, application, client_for):
    from django.template.loader import render_to_string

    from acceptance.exports.applications import review_report_context

    review = pass_review(demo, application)
    row, *others = exceptions(application)
    conclusions.checklist_exception_decide(item=row, by=demo.leader, approve=False, note="须说明替代措施", today=TODAY)
    page = client_for(demo.leader).get(application.get_absolute_url()).content.decode()
    assert 'data-testid="chain-exceptions"' in page and "text-override" in page
    assert "领导小组不予批准" in page and "须说明替代措施" in page
    assert page.count('data-testid="exception-form"') == len(others)  # one form per undecided exception
    html = render_to_string("acceptance/pdf/acceptance_report.html", review_report_context(review))
    assert 'class="exception"' in html and "领导小组不予批准：须说明替代措施" in html and "待领导小组批准" in html


def test_it_refuses_the_return_and_exception_pages_to_the_wrong_role(demo, application, client_for, anze_office):
    from django.urls import reverse

    pass_review(demo, application)
    row = exceptions(application)[0]
    back = reverse("acceptance:conclusion_leader_return", args=[application.pk])
    decide = reverse("acceptance:conclusion_exception", args=[application.pk, row.pk])
    resubmit = reverse("acceptance:conclusion_resubmit", args=[application.pk])
    refuse_url = reverse("acceptance:conclusion_government_refuse", args=[application.pk])
    assert client_for(demo.office).post(back, {"return-reason": "x"}).status_code == 403
    assert client_for(demo.office).post(decide, {f"exc-{row.pk}-decision": "approve"}).status_code == 403
    assert client_for(demo.contractor).post(resubmit, {}).status_code == 403
    assert client_for(demo.leader).post(refuse_url, {}).status_code == 403
    assert client_for(anze_office).post(refuse_url, {}).status_code == 404
    assert client_for(demo.contractor2).post(back, {}).status_code == 404
    # Bad input: a Chinese message, nothing changed.
    response = client_for(demo.leader).post(back, {"return-reason": ""}, follow=True)
    assert "请填写退回理由" in response.content.decode()
    response = client_for(demo.leader).post(decide, {f"exc-{row.pk}-decision": "refuse"}, follow=True)
    assert "不予批准的，请填写领导小组意见" in response.content.decode()
    refresh(application, row)
    assert application.result_stage == ResultStage.LEADER and row.exception_status == E.PENDING
    assert not ConclusionReturn.objects.exists()


def test_it_records_a_government_refusal_over_http(demo, application, client_for):
    from django.urls import reverse

    pass_review(demo, application)
    count(demo, application, until="leader")
    page = client_for(demo.office).get(application.get_absolute_url()).content.decode()
    assert 'data-testid="government-refuse-form"' in page
    response = client_for(demo.office).post(reverse("acceptance:conclusion_government_refuse", args=[application.pk]), {
        "refuse-reviewed_on": datetime.date.today().isoformat(), "refuse-document_number": "临政审〔2026〕30号",
        "refuse-reason": "物流中心尚未运营", "refuse-rectification_deadline": "2030-01-31",
        "refuse-units": "承办企业", "refuse-persons": "陈涛"}, follow=True)
    body = response.content.decode()
    assert "已登记县政府审核不同意" in body and "县政府审核不同意" in body and 'data-testid="chain-returns"' in body
    refresh(application)
    assert application.status == AcceptanceApplication.Status.RECTIFYING
