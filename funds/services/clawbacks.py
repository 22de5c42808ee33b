"""Decisions that become funds records (issue 12).

- A 不合格 evaluation's decision (安泽办法 002 第十八条: 减少支持资金、取消培育资格并收回已拨
  付资金) creates its reduction and clawback ``Clawback`` rows, linked to the evaluation,
  in the transaction that records the decision (acceptance sends ``evaluation_decided``;
  acceptance never imports funds).
- A clawback proposal (追回建议, 002 第九条: 未如期完工或整改不到位的，收回预付资金)
  appears when a contract passes its term unfinished (the daily sweep), when a
  rectification item fails verification (``rectification_sent_back``) and when a
  contract is ended by a decision (``contract_terminated``); the office confirms it (a
  ``Clawback`` through ``clawback_record``) or dismisses it with a reason.
"""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from etown.models import Contract
from etown.notifications import notify
from etown.recipients import office_users
from etown.services import save_with_history

from ..models import Clawback, ClawbackBasis, ClawbackKind, ClawbackProposal, ProposalStatus, ProposalTrigger
from ..permissions import can_office_act
from ..selectors.positions import contract_position
from .common import require, require_reason
from .ledger import clawback_record

P = ProposalStatus


# The evaluation's decision ------------------------------------------------------------


@transaction.atomic
def clawbacks_from_evaluation(*, evaluation, contract, by):
    """The reduction and the clawback a 不合格 decision names, as ``Clawback`` rows of
    ``contract`` linked to ``evaluation``. Called inside the decision's transaction (a
    refusal here undoes the decision); a decision is carried out once."""
    if Clawback.objects.filter(evaluation=evaluation).exists():
        raise ValidationError("该评价的处理决定已生成资金记录，不能重复生成。")
    records = []
    common = dict(
        contract=contract, basis=ClawbackBasis.EVALUATION_FAILED, decided_on=evaluation.decided_on, by=by,
        decision_number=evaluation.decision_basis[:80], evaluation=evaluation,
        today=max(evaluation.decided_on, timezone.localdate()),
    )
    for field, kind in (("reduction_amount", ClawbackKind.REDUCTION), ("clawback_amount", ClawbackKind.CLAWBACK)):
        amount = getattr(evaluation, field)
        if not amount:
            continue
        try:
            records.append(clawback_record(
                kind=kind, amount=amount, reason=f"中期绩效评价不合格处理决定：{evaluation.decision_text()}", **common
            ))
        except ValidationError as error:  # put the funds refusal beside the decision's own field
            raise ValidationError({field: error.messages}) from error
    return records


# Proposals ----------------------------------------------------------------------------


@transaction.atomic
def clawback_propose(*, contract, trigger, reason, key, rectification=None, termination=None):
    """Propose a clawback for the office to confirm, once per ``key``. Nothing is proposed
    when nothing was paid on the contract. Returns the proposal, or None."""
    if ClawbackProposal.objects.filter(key=key).exists():
        return None
    position = contract_position(contract)
    if position.net_disbursed <= 0:
        return None
    proposal = ClawbackProposal(
        etown_id=contract.etown_id, contract=contract, trigger=trigger, reason=reason, key=key,
        suggested_amount=position.net_disbursed, rectification=rectification, termination=termination,
    )
    try:
        with transaction.atomic():
            save_with_history(proposal, by=None, reason=f"系统提出追回建议：{proposal.get_trigger_display()}")
    except IntegrityError:  # the same occasion proposed at the same moment elsewhere
        return None
    notify(
        users=office_users(contract.etown.county_id), kind="clawback_proposal", url=proposal.get_absolute_url(),
        title=f"追回建议待确认：{contract.etown.name}（{proposal.get_trigger_display()}）",
        body=f"{reason}。已拨付净额 {position.net_disbursed:,.2f} 元，请确认追回金额或说明不予追回的理由（安泽办法第九条）。",
    )
    return proposal


def _lock(proposal):
    proposal = ClawbackProposal.objects.select_for_update().select_related("contract__etown").get(pk=proposal.pk)
    if proposal.status != P.PROPOSED:
        raise ValidationError("该追回建议已处理。")
    return proposal


@transaction.atomic
def clawback_proposal_confirm(*, proposal, amount, decision_number, decided_on, by, today=None):
    """The office confirms: a ``Clawback`` (追回) of ``amount``, linked to the proposal."""
    require(can_office_act(by, proposal.contract.etown))
    proposal = _lock(proposal)
    record = clawback_record(
        contract=proposal.contract, kind=ClawbackKind.CLAWBACK, amount=amount, basis=proposal.basis,
        reason=f"{proposal.get_trigger_display()}：{proposal.reason}", decision_number=decision_number,
        decided_on=decided_on, by=by, today=today,
    )
    proposal.status = P.CONFIRMED
    proposal.clawback = record
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    save_with_history(proposal, by=by, reason=f"确认追回 {amount:,.2f} 元（{decision_number}）")
    return proposal


@transaction.atomic
def clawback_proposal_dismiss(*, proposal, reason, by):
    require(can_office_act(by, proposal.contract.etown))
    reason = require_reason(reason, message="请填写不予追回的理由。")
    proposal = _lock(proposal)
    proposal.status = P.DISMISSED
    proposal.dismiss_reason = reason
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    return save_with_history(proposal, by=by, reason=f"不予追回：{reason}")


# What proposes ------------------------------------------------------------------------


def sweep_term_passed(today, calendar=None):
    """Live contracts past their term (``term_end``) without a passed final acceptance:
    未如期完工 (002 第九条). One proposal per contract, whenever the sweep runs."""
    n = 0
    contracts = (
        Contract.objects.filter(status=Contract.Status.ACTIVE, term_end__lt=today, final_acceptance_passed_on__isnull=True)
        .exclude(clawback_proposals__trigger=ProposalTrigger.TERM_PASSED)
        .select_related("etown")
    )
    for contract in contracts:
        if clawback_propose(
            contract=contract, trigger=ProposalTrigger.TERM_PASSED, key=f"term:{contract.pk}",
            reason=f"合同履约期已于 {contract.term_end:%Y-%m-%d} 届满，项目未通过终验",
        ):
            n += 1
    return n


def on_rectification_sent_back(sender, item, reason, **kwargs):
    """整改不到位 (002 第九条): a failed verification proposes a clawback on the e-town's
    live contracts, once per item and contract."""
    for contract in Contract.objects.filter(etown_id=item.etown_id, status=Contract.Status.ACTIVE):
        clawback_propose(
            contract=contract, trigger=ProposalTrigger.VERIFICATION_FAILED, rectification=item,
            key=f"rect:{item.pk}:{contract.pk}", reason=f"整改事项“{item.problem[:40]}”核验未通过：{reason}",
        )


TERMINATION_TRIGGERS = {"termination": ProposalTrigger.TERMINATION, "disqualification": ProposalTrigger.DISQUALIFICATION}


def on_contract_terminated(sender, contract, basis, reason, document_number, source=None, **kwargs):
    """A termination or a 取消承办资格 proposes the clawback of what was paid. A 取消培育资格
    (002 第十八条) carries its own clawback amount in the evaluation's decision."""
    trigger = TERMINATION_TRIGGERS.get(basis)
    if trigger is None:
        return
    clawback_propose(
        contract=contract, trigger=trigger, key=f"end:{contract.pk}",
        termination=source if source is not None and source._meta.label == "supervision.Termination" else None,
        reason=f"{ProposalTrigger(trigger).label}（{document_number}）：{reason}",
    )


def on_evaluation_decided(sender, evaluation, contract, by, **kwargs):
    clawbacks_from_evaluation(evaluation=evaluation, contract=contract, by=by)
