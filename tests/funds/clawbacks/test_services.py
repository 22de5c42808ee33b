"""Decisions that become funds records (issue 12).

- 安泽办法 002 第十八条: a 不合格 decision (减少支持资金、取消培育资格并收回已拨付资金)
  creates its reduction and clawback records in funds, in the same transaction, linked
  to the evaluation; a cancelled qualification ends the contract.
- 安泽办法 002 第九条 (未如期完工或整改不到位的，收回预付资金): a clawback proposal appears
  when a contract passes its term unfinished, when an item fails verification, and when a
  contract is terminated; the office confirms or dismisses it with a reason.
"""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from acceptance.models import Evaluation
from acceptance.services import evaluations as evaluation_services
from etown import services as etown_services
from etown.models import Contract, Notification
from funds.models import Clawback, ClawbackKind, ClawbackProposal, ProposalStatus, ProposalTrigger, RequestKind, RequestStatus
from funds.selectors.positions import contract_position
from funds.services import clawbacks, disbursement_disburse
from supervision.services import rectification as rectification_services

from ..helpers import AFTER_NOTICE, TODAY, advance, new_request, pdf

pytestmark = pytest.mark.django_db


def second_finance(demo):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("finance2", password="x", first_name="财政局二")
    organization = demo.finance.memberships.get(role="reviewer").organization
    etown_services.membership_grant(user=user, role="reviewer", county=demo.linyi, organization=organization,
                                    by=demo.system)
    return user


def pay(demo, amount):
    request = advance(demo, new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal(amount)), RequestStatus.IN_NOTICE)
    disbursement_disburse(request=request, disbursed_on=AFTER_NOTICE, amount=request.amount, voucher_number="GK1",
                          by=second_finance(demo), today=AFTER_NOTICE)


def unqualified(demo):
    return evaluation_services.evaluation_create(
        etown=demo.etown, by=demo.office, evaluator_kind=Evaluation.Evaluator.PROVINCE, evaluator_name="山西省商务厅",
        evaluated_on=AFTER_NOTICE, result=Evaluation.Result.UNQUALIFIED, today=AFTER_NOTICE,
    )


def decide(demo, evaluation, **amounts):
    args = dict(reduction_amount=Decimal("0"), clawback_amount=Decimal("0"), cancel_qualification=False)
    args.update(amounts)
    return evaluation_services.evaluation_record_decision(
        evaluation=evaluation, by=demo.office, decided_on=AFTER_NOTICE, decision_basis="领导小组2026年第5次会议纪要",
        today=AFTER_NOTICE, **args,
    )


def test_it_creates_the_clawback_of_an_unqualified_decision_as_one_linked_record(demo):
    pay(demo, "300000")
    evaluation = unqualified(demo)
    decide(demo, evaluation, reduction_amount=Decimal("500000"), clawback_amount=Decimal("200000.50"))
    clawback = Clawback.objects.get(evaluation=evaluation, kind=ClawbackKind.CLAWBACK)
    assert clawback.amount == Decimal("200000.50") and clawback.contract == demo.contract
    assert clawback.basis == "002-18" and clawback.decision_number == "领导小组2026年第5次会议纪要"
    reduction = Clawback.objects.get(evaluation=evaluation, kind=ClawbackKind.REDUCTION)
    assert reduction.amount == Decimal("500000")
    assert set(evaluation.funds_records.all()) == {clawback, reduction}  # linked both ways
    position = contract_position(Contract.objects.get(pk=demo.contract.pk))
    assert position.clawed_back == Decimal("200000.50") and position.reduced == Decimal("500000")


def test_it_refuses_a_clawback_beyond_what_was_paid_and_records_no_decision(demo):
    pay(demo, "100000")
    evaluation = unqualified(demo)
    with pytest.raises(ValidationError) as error:
        decide(demo, evaluation, reduction_amount=Decimal("1000"), clawback_amount=Decimal("100000.01"))
    assert "已拨付净额" in error.value.message_dict["clawback_amount"][0]
    evaluation.refresh_from_db()
    assert evaluation.decided_on is None and not Clawback.objects.exists()  # the reduction rolled back too


def test_it_records_a_decision_once(demo):
    pay(demo, "100000")
    evaluation = unqualified(demo)
    decide(demo, evaluation, clawback_amount=Decimal("1000"))
    with pytest.raises(ValidationError, match="不能重复录入"):
        decide(demo, evaluation, clawback_amount=Decimal("1000"))
    assert Clawback.objects.filter(evaluation=evaluation).count() == 1


def test_it_ends_the_contract_when_the_qualification_is_cancelled(demo):
    pay(demo, "100000")
    evaluation = unqualified(demo)
    decide(demo, evaluation, cancel_qualification=True, clawback_amount=Decimal("100000"))
    assert Contract.objects.get(pk=demo.contract.pk).status == Contract.Status.TERMINATED
    # the decision names its own clawback: no second proposal for the same money
    assert not ClawbackProposal.objects.exists()
    with pytest.raises(PermissionDenied):  # the contractor is read-only for it now
        new_request(demo, kind=RequestKind.PROGRESS, by=type(demo.contractor).objects.get(pk=demo.contractor.pk))


def test_it_proposes_the_clawback_when_a_contract_is_terminated_and_the_office_confirms_it(demo):
    pay(demo, "300000")
    etown_services.contract_terminate(contract=demo.contract, by=demo.office, basis="termination", reason="逾期未整改",
                                      decided_on=AFTER_NOTICE, document_number="临政函〔2026〕8号")
    proposal = ClawbackProposal.objects.get()
    assert proposal.trigger == ProposalTrigger.TERMINATION and proposal.suggested_amount == Decimal("300000")
    assert Notification.objects.filter(user=demo.office, title__contains="追回建议待确认").exists()
    with pytest.raises(PermissionDenied):
        clawbacks.clawback_proposal_confirm(proposal=proposal, amount=Decimal("300000"), decision_number="x",
                                            decided_on=AFTER_NOTICE, by=demo.finance, today=AFTER_NOTICE)
    clawbacks.clawback_proposal_confirm(proposal=proposal, amount=Decimal("300000"), decision_number="临政函〔2026〕8号",
                                        decided_on=AFTER_NOTICE, by=demo.office, today=AFTER_NOTICE)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED and proposal.clawback.amount == Decimal("300000")
    with pytest.raises(ValidationError, match="已处理"):
        clawbacks.clawback_proposal_dismiss(proposal=proposal, reason="x", by=demo.office)


def test_it_proposes_once_when_a_contract_passes_its_term_unfinished(demo):
    pay(demo, "100000")
    Contract.objects.filter(pk=demo.contract.pk).update(term_end=AFTER_NOTICE - datetime.timedelta(days=1))
    assert clawbacks.sweep_term_passed(AFTER_NOTICE) == 1
    assert clawbacks.sweep_term_passed(AFTER_NOTICE) == 0  # a second run adds nothing
    proposal = ClawbackProposal.objects.get()
    assert proposal.trigger == ProposalTrigger.TERM_PASSED
    with pytest.raises(ValidationError) as error:
        clawbacks.clawback_proposal_dismiss(proposal=proposal, reason="  ", by=demo.office)
    assert "理由" in str(error.value)
    clawbacks.clawback_proposal_dismiss(proposal=proposal, reason="县政府已批准延期", by=demo.office)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISMISSED and proposal.dismiss_reason == "县政府已批准延期"


def test_it_proposes_a_clawback_when_an_item_fails_verification(demo):
    pay(demo, "100000")
    item = rectification_services.rectification_create(
        etown=demo.etown, source="inspection", problem="配送中心未投入运营", measures="投入运营", units=["承办企业"],
        persons=["陈涛"], deadline=AFTER_NOTICE + datetime.timedelta(days=10), by=demo.office)
    rectification_services.rectification_submit_evidence(item=item, text="已整改", by=demo.contractor, files=[pdf()],
                                                         today=AFTER_NOTICE)
    rectification_services.rectification_send_back(item=item, reason="现场核查仍未运营", by=demo.office)
    proposal = ClawbackProposal.objects.get()
    assert proposal.trigger == ProposalTrigger.VERIFICATION_FAILED and proposal.rectification == item
    assert "现场核查仍未运营" in proposal.reason


def test_it_proposes_nothing_when_nothing_was_paid(demo):
    Contract.objects.filter(pk=demo.contract.pk).update(term_end=TODAY - datetime.timedelta(days=1))
    assert clawbacks.sweep_term_passed(TODAY) == 0
