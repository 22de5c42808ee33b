"""The disbursement chain's role rules, returns, the notice and its objections
(安泽办法 002 第十条、第十二条; 临猗资金办法 004 附件2 第三条、第六条、第十二条)."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from etown.models import Notice
from etown.services.notices import notices_for_source
from etown.signals import notice_objected
from funds import services
from funds.models import DisbursementRequest, RequestStatus

from ..helpers import AFTER_NOTICE, TODAY, advance, new_request

S = RequestStatus

# status → (the persona who acts, the others who may not)
STEP_ACTORS = {
    S.SUBMITTED: "office",
    S.OFFICE_APPROVED: "finance",
    S.DEPARTMENT_APPROVED: "leader",
}
EVERYONE = ("office", "finance", "leader", "contractor", "contractor2", "auditor", "agency")


def act(demo, request, who):
    """The step's own action, done by ``who``."""
    user = getattr(demo, who)
    status = DisbursementRequest.objects.get(pk=request.pk).status
    if status in STEP_ACTORS:
        return services.disbursement_approve(request=request, by=user, today=TODAY)
    if status == S.LEADER_APPROVED:
        return services.disbursement_record_meeting(request=request, meeting_date=TODAY, minutes_number="12号", by=user,
                                                     today=TODAY)
    if status == S.MEETING_PASSED:
        return services.disbursement_start_notice(request=request, by=user, today=TODAY)
    if status == S.IN_NOTICE:
        return services.disbursement_disburse(request=request, disbursed_on=AFTER_NOTICE, amount=request.amount,
                                              voucher_number="GK1", by=user, today=AFTER_NOTICE)
    raise AssertionError(status)


@pytest.mark.parametrize("status, actor", [
    (S.SUBMITTED, "office"), (S.OFFICE_APPROVED, "finance"), (S.DEPARTMENT_APPROVED, "leader"),
    (S.LEADER_APPROVED, "office"), (S.MEETING_PASSED, "office"), (S.IN_NOTICE, "treasury"),
])
def test_it_lets_only_the_right_role_act_at_each_step(demo, status, actor):
    request = advance(demo, new_request(demo), status)
    for other in EVERYONE:
        if other == actor:
            continue
        # The finance reviewer holds the paying role but reviewed this request: refused by
        # the separation of duties (issue 11), not by role.
        refused = ValidationError if (status, other) == (S.IN_NOTICE, "finance") else PermissionDenied
        with pytest.raises(refused):
            act(demo, request, other)
        assert DisbursementRequest.objects.get(pk=request.pk).status == status
    act(demo, request, actor)
    assert DisbursementRequest.objects.get(pk=request.pk).status != status


def test_it_lets_only_the_etowns_contractor_draft_and_submit(demo):
    with pytest.raises(PermissionDenied):
        new_request(demo, by=demo.contractor2)
    with pytest.raises(PermissionDenied):
        new_request(demo, by=demo.office)
    request = new_request(demo)
    for user in (demo.contractor2, demo.office, demo.auditor):
        with pytest.raises(PermissionDenied):
            services.disbursement_submit(request=request, by=user, today=TODAY)
    assert DisbursementRequest.objects.get(pk=request.pk).status == S.DRAFT


def test_it_takes_the_finance_department_from_the_county_policy(demo):
    """A reviewer of another department (乡村振兴局) may not act for the finance bureau."""
    from django.contrib.auth import get_user_model

    from etown import services as etown_services
    from etown.models import Organization

    rural = Organization.objects.get(name="临猗县农业农村局（乡村振兴局）")
    other = get_user_model().objects.create_user("rural", password="x")
    etown_services.membership_grant(user=other, role="reviewer", county=demo.linyi, organization=rural, by=demo.system)
    request = advance(demo, new_request(demo), S.OFFICE_APPROVED)
    with pytest.raises(PermissionDenied, match="财政局"):
        services.disbursement_approve(request=request, by=other, today=TODAY)
    # The office names 乡村振兴局 as the county's finance department instead.
    services.policy_update(county=demo.linyi, by=demo.office, reason="测试", finance_department=rural,
                           ledger_contract_threshold=Decimal("50000"), notice_workdays=5)
    User = get_user_model()
    services.disbursement_approve(request=request, by=User.objects.get(pk=other.pk), today=TODAY)
    second = advance(demo, new_request(demo, amount=Decimal("1")), S.OFFICE_APPROVED)
    with pytest.raises(PermissionDenied):
        services.disbursement_approve(request=second, by=User.objects.get(pk=demo.finance.pk), today=TODAY)


def test_it_records_each_step_with_actor_reason_and_history(demo):
    request = advance(demo, new_request(demo), S.DISBURSED)
    steps = list(request.steps.all())
    assert [s.action for s in steps] == [
        "create", "submit", "office_approve", "department_approve", "leader_approve", "meeting", "notice", "disburse",
    ]
    assert [s.actor.username for s in steps] == [
        "contractor", "contractor", "office", "finance", "leader", "office", "office", "treasury",
    ]  # the finance bureau's review and its payment by different people (不相容岗位分离)
    assert steps[3].actor_label == "李晓芳（预算股股长） · 临猗县财政局 · 部门审核人员"
    assert steps[-1].note == f"2026年12月1日 拨付 1,000,000.00 元，凭证 GK{request.pk:04d}"
    history = list(request.history.order_by("history_date", "history_id"))
    assert [h.status for h in history] == [
        "draft", "submitted", "office_approved", "department_approved", "leader_approved", "meeting_passed", "in_notice",
        "disbursed",
    ]
    assert history[-1].history_user == demo.treasury
    assert history[-1].history_change_reason.startswith("拨付：2026年12月1日")


@pytest.mark.parametrize("status, returner", [
    (S.SUBMITTED, "office"), (S.OFFICE_APPROVED, "finance"), (S.DEPARTMENT_APPROVED, "leader"),
    (S.LEADER_APPROVED, "office"), (S.MEETING_PASSED, "office"), (S.IN_NOTICE, "office"), (S.IN_NOTICE, "finance"),
])
def test_it_returns_at_any_step_with_a_reason_and_resubmits(demo, status, returner):
    request = advance(demo, new_request(demo), status)
    with pytest.raises(ValidationError, match="请填写退回原因"):
        services.disbursement_return(request=request, reason="", by=getattr(demo, returner))
    with pytest.raises(PermissionDenied):
        services.disbursement_return(request=request, reason="x", by=demo.contractor)
    services.disbursement_return(request=request, reason="发票与合同金额不符", by=getattr(demo, returner))
    request.refresh_from_db()
    assert request.status == S.RETURNED
    assert request.steps.last().note == "发票与合同金额不符"
    if status == S.IN_NOTICE:
        assert request.notice.withdrawn_at is not None  # the public notice is withdrawn
    # The contractor corrects and resubmits: the chain starts again at the office.
    services.disbursement_update(request=request, kind=request.kind, amount=Decimal("900000"), purpose="更正后",
                                 tasks=list(request.tasks.all()), by=demo.contractor)
    advance(demo, request, S.DISBURSED)
    assert request.disbursed_amount == Decimal("900000")


def test_it_cannot_edit_a_submitted_request(demo):
    request = advance(demo, new_request(demo), S.SUBMITTED)
    with pytest.raises(ValidationError, match="不能办理此操作"):
        services.disbursement_update(request=request, kind=request.kind, amount=Decimal("1"), purpose="x",
                                     tasks=list(request.tasks.all()), by=demo.contractor)


def test_it_refuses_bad_input_in_chinese_and_changes_nothing(demo):
    with pytest.raises(ValidationError) as error:
        services.disbursement_create(contract=demo.contract, kind="prepayment", amount=Decimal("0"), purpose=" ",
                                     tasks=[], by=demo.contractor)
    assert error.value.message_dict == {
        "amount": ["申请金额须大于 0。"], "purpose": ["请说明资金用途。"], "tasks": ["请选择本次申请对应的建设任务。"],
    }
    with pytest.raises(ValidationError, match="只能选择本项目的建设任务"):
        services.disbursement_create(contract=demo.contract, kind="progress", amount=Decimal("1"), purpose="x",
                                     tasks=list(demo.other_etown.tasks.all()[:1]), by=demo.contractor)
    assert not DisbursementRequest.objects.exists()


# The notice ----------------------------------------------------------------------------


def test_it_publishes_a_notice_of_five_working_days(demo):
    request = advance(demo, new_request(demo), S.IN_NOTICE)
    notice = request.notice
    assert list(notices_for_source(request)) == [notice]
    assert (notice.kind, notice.start_date, notice.end_date, notice.workdays) == (
        Notice.Kind.DISBURSEMENT, TODAY, datetime.date(2026, 11, 27), 5,
    )
    assert notice.is_published and demo.contractor.first_name not in notice.body


def test_it_counts_the_notice_in_statutory_working_days(demo):
    """Asked to start on 2026-09-25 (中秋节), the notice starts on the next working day and
    skips the National Day holiday (10-1 … 10-7): 9-28, 9-29, 9-30, 10-8, 10-9."""
    start = datetime.date(2026, 9, 25)
    request = advance(demo, new_request(demo), S.MEETING_PASSED, today=start)
    services.disbursement_start_notice(request=request, by=demo.office, start_date=start, today=start)
    request.refresh_from_db()
    assert (request.notice.start_date, request.notice.end_date) == (datetime.date(2026, 9, 28), datetime.date(2026, 10, 9))


def test_it_refuses_to_disburse_before_the_notice_has_ended(demo):
    request = advance(demo, new_request(demo), S.IN_NOTICE)
    end = request.notice.end_date
    with pytest.raises(ValidationError, match="期满无异议后方可拨付"):
        services.disbursement_disburse(request=request, disbursed_on=end, amount=request.amount, voucher_number="GK1",
                                       by=demo.treasury, today=end)
    day_after = end + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.disbursement_disburse(request=request, disbursed_on=end, amount=request.amount + 1,
                                       voucher_number=" ", by=demo.treasury, today=day_after)
    assert error.value.message_dict == {
        "amount": ["拨付金额不能超过审批金额 1,000,000.00 元。"], "disbursed_on": ["拨付日期须在公示期满之后。"],
        "voucher_number": ["请填写支付凭证号。"],
    }
    request.refresh_from_db()
    assert request.status == S.IN_NOTICE and request.disbursed_amount is None


def test_it_stops_the_request_on_an_objection_from_the_public_window(demo):
    request = advance(demo, new_request(demo), S.IN_NOTICE)

    class Submission:
        pk = 42

    notice_objected.send(sender=None, notice=request.notice, text="该企业物流中心尚未建成", by=None, submission=Submission())
    request.refresh_from_db()
    assert request.status == S.OBJECTED
    objection = request.objections.get()
    assert (objection.submission_id, objection.recorded_by, objection.text) == (42, None, "该企业物流中心尚未建成")
    assert request.steps.last().actor_label == "社会公众"
    with pytest.raises(ValidationError, match="公示有异议"):
        services.disbursement_disburse(request=request, disbursed_on=AFTER_NOTICE, amount=request.amount,
                                       voucher_number="GK1", by=demo.treasury, today=AFTER_NOTICE)
    # The office checks it, finds it unfounded and publishes a new full notice.
    with pytest.raises(ValidationError, match="异议核查处理结果"):
        services.disbursement_resume_notice(request=request, resolution="", by=demo.office, today=TODAY)
    services.disbursement_resume_notice(request=request, resolution="经现场核查，物流中心已建成投用，异议不成立。",
                                        by=demo.office, start_date=datetime.date(2026, 11, 30), today=TODAY)
    request.refresh_from_db()
    objection.refresh_from_db()
    assert request.status == S.IN_NOTICE and objection.resolved_by == demo.office
    assert request.notice.start_date == datetime.date(2026, 11, 30)
    assert Notice.objects.filter(source_id=request.pk, withdrawn_at__isnull=False).count() == 1
    paid = datetime.date(2026, 12, 7)
    services.disbursement_disburse(request=request, disbursed_on=paid, amount=request.amount, voucher_number="GK1",
                                   by=demo.treasury, today=paid)


def test_it_lets_only_office_staff_record_an_objection(demo):
    request = advance(demo, new_request(demo), S.IN_NOTICE)
    for user in (demo.contractor, demo.finance, demo.auditor):
        with pytest.raises(PermissionDenied):
            notice_objected.send(sender=None, notice=request.notice, text="异议", by=user, submission=None)
    notice_objected.send(sender=None, notice=request.notice, text="电话反映：设备未到货", by=demo.office, submission=None)
    request.refresh_from_db()
    assert request.status == S.OBJECTED and request.objections.get().recorded_by == demo.office


def test_it_ignores_objections_to_other_notices(demo):
    from etown.services.notices import notice_create

    other = notice_create(county=demo.linyi, title="验收结果公示", body="…", start_date=TODAY, by=demo.office)
    notice_objected.send(sender=None, notice=other, text="异议", by=None, submission=None)
    request = advance(demo, new_request(demo), S.IN_NOTICE)
    assert request.status == S.IN_NOTICE


def test_it_keeps_a_late_objection_on_the_trail_without_undoing_the_payment(demo):
    request = advance(demo, new_request(demo), S.DISBURSED)
    notice_objected.send(sender=None, notice=request.notice, text="迟到的异议", by=None, submission=None)
    request.refresh_from_db()
    assert request.status == S.DISBURSED
    # The step (which the contractor reads) says an objection came, never its text (issue
    # 14); the text is kept on the objection for the office.
    assert request.steps.last().action == "objection" and request.steps.last().note == services.OBJECTION_NOTE
    assert request.objections.get().text == "迟到的异议"


def test_it_lets_the_contractor_withdraw_before_the_office_acts(demo):
    request = advance(demo, new_request(demo), S.SUBMITTED)
    services.disbursement_withdraw(request=request, reason="金额有误", by=demo.contractor)
    assert DisbursementRequest.objects.get(pk=request.pk).status == S.WITHDRAWN
    later = advance(demo, new_request(demo), S.OFFICE_APPROVED)
    with pytest.raises(ValidationError):
        services.disbursement_withdraw(request=later, reason="x", by=demo.contractor)


def test_it_notifies_whoever_acts_next(demo):
    from etown.models import Notification

    request = advance(demo, new_request(demo), S.OFFICE_APPROVED)
    note = Notification.objects.filter(user=demo.finance).latest("pk")
    assert note.title == "资金拨付申请待办理：临猗新城涑水e镇（待财政局审核）"
    assert note.url == f"/funds/requests/{request.pk}/"


def test_it_refuses_a_stale_second_approval_instead_of_approving_the_next_step(demo):
    """A double click (or two tabs) must not carry the request one step further."""
    from etown import services as etown_services

    # A user who is both office staff and a finance reviewer would otherwise approve twice.
    etown_services.membership_grant(user=demo.office, role="reviewer", county=demo.linyi, by=demo.system,
                                    organization=demo.finance.memberships.get().organization)
    demo.office._etown_memberships = None
    request = advance(demo, new_request(demo), S.SUBMITTED)
    stale = DisbursementRequest.objects.get(pk=request.pk)
    services.disbursement_approve(request=request, by=demo.office, today=TODAY)
    with pytest.raises(ValidationError, match="可能已被他人处理"):
        services.disbursement_approve(request=stale, by=demo.office, today=TODAY)
    assert DisbursementRequest.objects.get(pk=request.pk).status == S.OFFICE_APPROVED
