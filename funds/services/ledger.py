"""Writes to the special-funds ledger (专账), the asset register (资产台账), clawbacks and
reductions, and the county's funds settings.

专账: 临猗资金办法 004 附件2 第十五条、第十六条 (专账核算、专款专用); 000 §4(9) lists
what an inspector checks in it (合同、支付凭证、资产统计表、票据).
"""
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from etown.models import County, Organization
from etown.services import save_with_history
from etown.uploads import DOCUMENTS, IMAGES, PDF, file_store

from ..models import Asset, AssetInspection, AssetState, Clawback, ClawbackBasis, ClawbackKind, FundsPolicy, LedgerEntry
from ..permissions import (
    can_change_chain,
    can_check_assets,
    can_edit_policy,
    can_office_act,
    can_record_ledger,
    can_see_contract,
    contract_scoped,
)
from ..selectors.ledger import LIVE_ENTRY
from ..selectors.positions import contract_position
from .common import lock_contract, require, require_reason

INVOICE_FILES = (PDF, *IMAGES)


def normalize_invoice(number):
    """Invoice numbers compare without spaces, dashes or case: "No. 0123-45" and
    "NO012345" are one invoice."""
    text = re.sub(r"[\s\-－—_.。·]", "", number or "").upper()
    return text.removeprefix("NO")


def _latest(contract_id):
    return LedgerEntry.objects.filter(contract_id=contract_id).order_by("-id").values_list("cumulative_spent", flat=True).first()


def _append(*, contract, by, amount, **fields):
    """Append one entry with the contract's running figures. The caller holds the
    contract's row lock, so the running total cannot interleave."""
    previous = _latest(contract.pk)
    cumulative = (previous or 0) + amount
    disbursed = contract_position(contract).net_disbursed
    invoice = fields.get("invoice_number", "")
    reused = bool(invoice) and fields.get("reverses") is None and LedgerEntry.objects.filter(
        LIVE_ENTRY, county_id=contract.etown.county_id, invoice_number=invoice
    ).exists()
    entry = LedgerEntry(
        county_id=contract.etown.county_id, etown_id=contract.etown_id, contract=contract, amount=amount,
        cumulative_spent=cumulative, disbursed_to_date=disbursed, over_disbursed=amount > 0 and cumulative > disbursed,
        invoice_reused=reused, recorded_by=by, **fields,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def ledger_record(*, etown, contract, entry_date, payee, summary, amount, voucher_number, by, task=None,
                  invoice_number="", invoice_upload=None, payee_contract_upload=None, today=None):
    """The contractor records one payment out of the special funds, on its own
    company's contract (004 附件2 第十一条: two contractors may share an e-town)."""
    require(can_record_ledger(by, etown))
    if contract.etown_id == etown.pk:  # another e-town's contract is refused below as bad input
        require(can_see_contract(by, contract))
    today = today or timezone.localdate()
    errors = {}
    if contract.etown_id != etown.pk:
        errors["contract"] = "只能选择本项目的合同。"
    if task is not None and task.etown_id != etown.pk:
        errors["task"] = "只能选择本项目的建设任务。"
    if amount is None or amount <= 0:
        errors["amount"] = "金额须大于 0；更正已登记的支出请使用“冲销”。"
    if entry_date is None:
        errors["entry_date"] = "请填写支付日期。"
    elif entry_date > today:
        errors["entry_date"] = "支付日期不能晚于今天。"
    if not (payee or "").strip():
        errors["payee"] = "请填写收款单位。"
    if not (voucher_number or "").strip():
        errors["voucher_number"] = "请填写记账凭证号。"
    invoice = normalize_invoice(invoice_number)
    if invoice_number and not invoice:
        errors["invoice_number"] = "发票号码无效。"
    if errors:
        raise ValidationError(errors)
    # The county row serialises entries that carry an invoice number, so two contractors
    # recording the same invoice at once both see each other (invoice_reused).
    if invoice:
        County.objects.select_for_update().get(pk=etown.county_id)
    contract = lock_contract(contract.pk)
    files = {}
    if invoice_upload is not None:
        files["invoice_file"] = file_store(
            upload=invoice_upload, county=etown.county, etown=etown, by=by, purpose="专账发票", allowed=INVOICE_FILES,
        )
    if payee_contract_upload is not None:
        files["payee_contract"] = file_store(
            upload=payee_contract_upload, county=etown.county, etown=etown, by=by, purpose="专账支出合同",
            allowed=DOCUMENTS,
        )
    return _append(
        contract=contract, by=by, amount=amount, entry_date=entry_date, payee=payee.strip(), summary=summary.strip(),
        task=task, voucher_number=voucher_number.strip(), invoice_number=invoice, **files,
    )


@transaction.atomic
def ledger_reverse(*, entry, reason, by, voucher_number="", today=None):
    """Correct an entry by a reversing entry (红字冲销) with the reason; the original
    stays. A corrected payment is then recorded as a new entry."""
    require(can_record_ledger(by, entry.etown))
    require(can_see_contract(by, entry.contract))
    reason = require_reason(reason, message="请填写冲销原因。")
    today = today or timezone.localdate()
    lock_contract(entry.contract_id)
    entry = LedgerEntry.objects.select_related("contract__etown", "etown__county").get(pk=entry.pk)
    if entry.is_reversal:
        raise ValidationError("冲销记录本身不能再冲销。")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError("该支出已冲销过。")
    return _append(
        contract=entry.contract, by=by, amount=-entry.amount, entry_date=today, payee=entry.payee,
        summary=f"冲销：{entry.summary}"[:200], task=entry.task, voucher_number=(voucher_number or f"冲{entry.voucher_number}")[:60],
        invoice_number=entry.invoice_number, reverses=entry, reversal_reason=reason[:300],
    )


# Assets -----------------------------------------------------------------------------


@transaction.atomic
def asset_create(*, etown, by, name, value, acquired_on, location, ownership, specification="", quantity=1,
                 contract=None, task=None, ledger_entry=None, photo_upload=None):
    require(can_record_ledger(by, etown))
    orgs = contract_scoped(by)
    if contract is None and orgs is not None:
        # A contractor's asset belongs to its own contract: the one it holds on the e-town.
        own = list(etown.contracts.filter(contractor_id__in=orgs).exclude(status="terminated")[:2])
        if len(own) != 1:
            raise ValidationError({"contract": "请选择本企业承担的合同。"})
        contract = own[0]
    if contract is not None:
        require(can_see_contract(by, contract))
    errors = {}
    for field, obj in (("contract", contract), ("task", task), ("ledger_entry", ledger_entry)):
        if obj is not None and obj.etown_id != etown.pk:
            errors[field] = "只能选择本项目的记录。"
    if errors:
        raise ValidationError(errors)
    asset = Asset(
        etown=etown, contract=contract, task=task, ledger_entry=ledger_entry, name=name, specification=specification,
        quantity=quantity, value=value, acquired_on=acquired_on, location=location, ownership=ownership, created_by=by,
    )
    if photo_upload is not None:
        asset.photo = file_store(upload=photo_upload, county=etown.county, etown=etown, by=by, purpose="资产照片",
                                 allowed=IMAGES)
    return save_with_history(asset, by=by, reason="登记资产")


@transaction.atomic
def asset_record_inspection(*, asset, inspected_on, state, by, note="", photo_upload=None, today=None):
    """The state of an asset found at an inspection (office or assigned agency). The
    asset's state follows the most recent inspection."""
    require(can_check_assets(by, asset.etown))
    today = today or timezone.localdate()
    if state not in AssetState.values:
        raise ValidationError({"state": "请选择核查状态。"})
    if inspected_on is None or inspected_on > today:
        raise ValidationError({"inspected_on": "核查日期不能为空，也不能晚于今天。"})
    if state in (AssetState.IDLE, AssetState.MOVED) and not (note or "").strip():
        raise ValidationError({"note": "资产闲置或挪用的，请写明核查情况。"})
    asset = Asset.objects.select_for_update().select_related("etown__county").get(pk=asset.pk)
    photo = None
    if photo_upload is not None:
        photo = file_store(upload=photo_upload, county=asset.etown.county, etown=asset.etown, by=by,
                           purpose="资产核查照片", allowed=IMAGES)
    record = AssetInspection.objects.create(
        asset=asset, inspected_on=inspected_on, state=state, note=(note or "").strip(), photo=photo, recorded_by=by,
    )
    if asset.state_checked_on is None or inspected_on >= asset.state_checked_on:
        asset.state, asset.state_checked_on = state, inspected_on
        save_with_history(asset, by=by, reason=f"{inspected_on:%Y-%m-%d} 核查：{AssetState(state).label}" + (f"，{note}" if note else ""))
    return record


# Clawbacks and reductions -----------------------------------------------------------


@transaction.atomic
def clawback_record(*, contract, kind, amount, basis, reason, decision_number, decided_on, by, today=None,
                    evaluation=None):
    """Record a clawback (追回, 安泽办法第九条、第十八条; 临猗资金办法第十六条) or a reduction
    (核减, 安泽办法第十八条). Under the contract's lock: nothing is clawed back beyond
    what was paid, nor reduced below what was paid."""
    require(can_office_act(by, contract.etown))
    today = today or timezone.localdate()
    errors = {}
    if kind not in ClawbackKind.values:
        errors["kind"] = "请选择类型。"
    if basis not in ClawbackBasis.values:
        errors["basis"] = "请选择依据。"
    if not (reason or "").strip():
        errors["reason"] = "请填写事由。"
    if not (decision_number or "").strip():
        errors["decision_number"] = "请填写决定文号。"
    if decided_on is None or decided_on > today:
        errors["decided_on"] = "决定日期不能为空，也不能晚于今天。"
    if amount is None or amount <= 0:
        errors["amount"] = "金额须大于 0。"
    if errors:
        raise ValidationError(errors)
    contract = lock_contract(contract.pk)
    position = contract_position(contract)
    if kind == ClawbackKind.CLAWBACK and amount > position.net_disbursed:
        raise ValidationError({"amount": f"追回金额不能超过已拨付净额 {position.net_disbursed:,.2f} 元。"})
    if kind == ClawbackKind.REDUCTION and amount > position.remaining:
        raise ValidationError({"amount": f"核减金额不能超过尚可拨付的 {position.remaining:,.2f} 元。"})
    record = Clawback(
        etown_id=contract.etown_id, contract=contract, kind=kind, amount=amount, basis=basis, reason=reason.strip(),
        decision_number=decision_number.strip(), decided_on=decided_on, recorded_by=by, evaluation=evaluation,
    )
    return save_with_history(record, by=by, reason=f"登记{record.get_kind_display()}：{reason.strip()}")


# Settings ---------------------------------------------------------------------------


@transaction.atomic
def policy_update(*, county, by, reason, finance_department, ledger_contract_threshold, notice_workdays):
    require(can_edit_policy(by, county.pk))
    reason = require_reason(reason, message="请填写修改原因。")
    if finance_department is not None and (
        finance_department.county_id != county.pk or finance_department.kind != Organization.Kind.DEPARTMENT
    ):
        raise ValidationError({"finance_department": "请选择本县的政府部门。"})
    policy = FundsPolicy.objects.select_for_update().filter(county=county).first() or FundsPolicy(county=county)
    policy.finance_department = finance_department
    policy.ledger_contract_threshold = ledger_contract_threshold
    policy.notice_workdays = notice_workdays
    return save_with_history(policy, by=by, reason=reason)


@transaction.atomic
def policy_chain_update(*, county, by, reason, confirmed, chain_clause, department_review, leader_approval,
                        executive_meeting, payment_notice, stage_acceptance):
    """Change which steps the county's disbursement chain has (issue 12), citing the
    county's own document: by an office head, with a reason and an explicit
    confirmation, recorded in the policy's history. Requests already in flight follow
    the new chain from their next step."""
    require(can_change_chain(by, county.pk))
    reason = require_reason(reason, message="请填写修改原因。")
    if not (chain_clause or "").strip():
        raise ValidationError({"chain_clause": "请写明本县规定拨付程序的文件及条款。"})
    if not confirmed:
        raise ValidationError({"confirmed": "修改拨付程序会改变所有在途和今后的拨付申请的审批环节，请确认后再保存。"})
    policy = FundsPolicy.objects.select_for_update().filter(county=county).first() or FundsPolicy(county=county)
    before = dict(policy.chain_labels())
    policy.department_review, policy.leader_approval = bool(department_review), bool(leader_approval)
    policy.executive_meeting, policy.payment_notice = bool(executive_meeting), bool(payment_notice)
    policy.stage_acceptance, policy.chain_clause = bool(stage_acceptance), chain_clause.strip()
    changed = [f"{'增加' if on else '取消'}“{label}”" for label, on in policy.chain_labels() if before[label] != on]
    summary = "；".join(changed) or "环节不变"
    return save_with_history(policy, by=by, reason=f"修改拨付程序（{summary}；依据{policy.chain_clause}）：{reason}")
