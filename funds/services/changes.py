"""Change and extension requests (临猗资金办法 004 附件2 第九条、第十条), on the same
approval machinery as disbursements.

- Extension (第十条): the contractor submits a written request with the reason and the
  new completion date to 县商务局 (the office), which reports it to the leading group;
  approved when the leading group agrees. The contract's term end then moves.
- Change (第九条): use of funds, scope or contract content; the office and the leading
  group review it and it is approved once the higher authority's consent (报请上级同意)
  is recorded by the office.

Who may act at which status, and where each step leads, is the table
``funds.workflow.CHANGE_FLOW``.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from etown.models import LIVE_CONTRACTS, Role
from etown.recipients import contractor_users, staff
from etown.services import contract_change_terms, etown_update, save_with_history
from etown.uploads import DOCUMENTS, file_store

from ..models import ChangeKind, ChangeRequest, ChangeStatus, ChangeStep, StepAction
from ..permissions import can_apply_for
from ..selectors.positions import contract_position
from ..workflow import APPROVE, CHANGE_FLOW, EDIT, HIGHER, RETURN, SUBMIT, WITHDRAW
from .common import add_step, bump, expect_version, move, require, require_reason, require_separate_duty, tell

C = ChangeStatus
FLOW = CHANGE_FLOW


def _locked(change, version=None):
    """Lock the request; ``version``: the one the user's page was rendered from."""
    locked = ChangeRequest.objects.select_for_update(of=("self",)).select_related("etown__county", "contract").get(pk=change.pk)
    expect_version(locked, version)
    return locked


def _expect(change, *statuses):
    if change.status not in statuses:
        raise ValidationError(f"该申请当前为“{change.get_status_display()}”，不能办理此操作（请刷新页面）。")


MONEY_TERMS = ("new_amount", "new_prepayment_ratio", "new_retention_ratio")


def paid_floor(contract):
    """The least contract amount a change may leave: what has been paid plus what was
    reduced (the cap ``amount − reductions`` never falls below the paid total)."""
    position = contract_position(contract)
    return position.disbursed + position.reduced


def _check_terms(*, contract, kind, terms, errors):
    """The new money terms of a change (第九条): sensible, and never below what was paid."""
    given = {name: value for name, value in terms.items() if value is not None}
    if kind != ChangeKind.CHANGE:
        for name in given:
            errors[name] = "延期申请只调整竣工时间；调整合同金额或比例请提出变更申请（第九条）。"
        return
    amount = given.get("new_amount")
    if amount is not None:
        floor = paid_floor(contract)
        if amount <= 0:
            errors["new_amount"] = "调整后合同金额须大于 0。"
        elif amount < floor:
            errors["new_amount"] = f"调整后合同金额不能低于已拨付（含核减）的 {floor:,.2f} 元。"
    for name in ("new_prepayment_ratio", "new_retention_ratio"):
        value = given.get(name)
        if value is not None and not (0 <= value <= 100):
            errors[name] = "比例须在 0–100 之间。"
    prepay = given.get("new_prepayment_ratio", contract.prepayment_ratio)
    retention = given.get("new_retention_ratio", contract.retention_ratio)
    if "new_prepayment_ratio" not in errors and "new_retention_ratio" not in errors and prepay + retention > 100:
        errors["new_retention_ratio"] = "预付比例与尾款比例之和不能超过 100%。"


def _check(*, contract, kind, title, content, reason, new_term_end, today, terms=None):
    errors = {}
    _check_terms(contract=contract, kind=kind, terms=terms or {}, errors=errors)
    if kind not in ChangeKind.values:
        errors["kind"] = "请选择申请类型。"
    for field, value, message in (("title", title, "请填写事项。"), ("content", content, "请填写内容。"),
                                  ("reason", reason, "请说明原因。")):
        if not (value or "").strip():
            errors[field] = message
    if kind == ChangeKind.EXTENSION:
        if new_term_end is None:
            errors["new_term_end"] = "延期申请须写明项目竣工的具体时间（临猗资金办法第十条）。"
        elif new_term_end <= today:
            errors["new_term_end"] = "申请竣工日期须晚于今天。"
        elif contract.term_end and new_term_end <= contract.term_end:
            errors["new_term_end"] = f"申请竣工日期须晚于合同原定的 {contract.term_end:%Y年%-m月%-d日}。"
    if contract.status not in LIVE_CONTRACTS:
        errors["contract"] = "合同已终止。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def change_create(*, contract, kind, title, content, reason, by, new_term_end=None, application_upload=None, today=None,
                  new_amount=None, new_prepayment_ratio=None, new_retention_ratio=None):
    """A draft change or extension. A change (第九条) may ask for new money terms
    (``new_amount``, ``new_prepayment_ratio``, ``new_retention_ratio``): they reach the
    contract only when the higher authority's consent is recorded."""
    require(can_apply_for(by, contract))  # the contract's own company (附件2 第十一条)
    today = today or timezone.localdate()
    terms = {"new_amount": new_amount, "new_prepayment_ratio": new_prepayment_ratio,
             "new_retention_ratio": new_retention_ratio}
    _check(contract=contract, kind=kind, title=title, content=content, reason=reason, new_term_end=new_term_end, today=today,
           terms=terms)
    change = ChangeRequest(
        etown=contract.etown, contract=contract, kind=kind, title=title.strip(), content=content.strip(),
        reason=reason.strip(), new_term_end=new_term_end if kind == ChangeKind.EXTENSION else None, created_by=by,
        **(terms if kind == ChangeKind.CHANGE else {}),
    )
    if application_upload is not None:
        change.application_file = file_store(
            upload=application_upload, county=contract.etown.county, etown=contract.etown, by=by,
            purpose="变更延期书面申请", allowed=DOCUMENTS,
        )
    save_with_history(change, by=by, reason=f"起草{change.get_kind_display()}")
    add_step(change, step_model=ChangeStep, action=StepAction.CREATE, by=by, role=Role.CONTRACTOR)
    return change


@transaction.atomic
def change_update(*, change, title, content, reason, by, new_term_end=None, today=None, new_amount=None,
                  new_prepayment_ratio=None, new_retention_ratio=None):
    """The contractor corrects a draft or returned request before (re)submitting."""
    require(FLOW.only(EDIT).may(by, change.etown))
    require(can_apply_for(by, change.contract))
    today = today or timezone.localdate()
    change = _locked(change)
    _expect(change, *FLOW.statuses(EDIT))
    terms = {"new_amount": new_amount, "new_prepayment_ratio": new_prepayment_ratio,
             "new_retention_ratio": new_retention_ratio}
    _check(contract=change.contract, kind=change.kind, title=title, content=content, reason=reason,
           new_term_end=new_term_end, today=today, terms=terms)
    change.title, change.content, change.reason = title.strip(), content.strip(), reason.strip()
    change.new_term_end = new_term_end if change.kind == ChangeKind.EXTENSION else None
    if change.kind == ChangeKind.CHANGE:
        for name, value in terms.items():
            setattr(change, name, value)
    bump(change)
    return save_with_history(change, by=by, reason="修改申请")


@transaction.atomic
def change_submit(*, change, by, today=None, version=None):
    submit = FLOW.only(SUBMIT)
    require(submit.may(by, change.etown))
    require(can_apply_for(by, change.contract))
    today = today or timezone.localdate()
    change = _locked(change, version)
    _expect(change, *FLOW.statuses(SUBMIT))
    _check(contract=change.contract, kind=change.kind, title=change.title, content=change.content,
           reason=change.reason, new_term_end=change.new_term_end, today=today,
           terms={name: getattr(change, name) for name in MONEY_TERMS})
    step = move(change, step_model=ChangeStep, to=submit.to, action=submit.record, by=by, role=submit.role)
    tell(staff(county_id=change.etown.county_id, role=Role.OFFICE),
         title=f"{change.get_kind_display()}待审核：{change.etown.name}", obj=change, body=change.title)
    return step


@transaction.atomic
def change_approve(*, change, by, note="", version=None):
    """The office's review, then the leading group's approval. An approved extension
    moves the contract's term end (through etown's contract service, with history).
    ``version``: the one the approver's page showed (a stale second click must not
    approve the next step); one person never takes two of its steps (不相容岗位分离)."""
    seen = change.status
    change = _locked(change, version)
    _expect(change, *(status for status in FLOW.statuses(APPROVE) if status == seen or version is not None))
    (approve,) = FLOW.at(change.status, APPROVE)
    require(approve.may(by, change.etown))
    require_separate_duty(change, action=approve.record, by=by)
    target = approve.next_status(change)
    step = move(change, step_model=ChangeStep, to=target, action=approve.record, by=by, role=approve.role,
                note=(note or "").strip())
    if target == C.OFFICE_APPROVED:
        tell(staff(county_id=change.etown.county_id, role=Role.LEADER),
             title=f"{change.get_kind_display()}待审批：{change.etown.name}", obj=change, body=change.title)
    elif target == C.LEADER_APPROVED:
        tell(staff(county_id=change.etown.county_id, role=Role.OFFICE),
             title=f"变更申请待报上级同意：{change.etown.name}", obj=change, body=change.title)
    else:
        _apply_extension(change, by=by)
    return step


def _apply_extension(change, *, by):
    """The contract's term end moves, and so does the project's planned completion (计划完成,
    issue 15) when the new date is later: a project ends with its last contract, so an
    extension never brings it forward. Both through etown's services, with history."""
    reason = f"延期申请 {change.code} 经领导小组同意（临猗资金办法第十条）"
    contract_change_terms(contract=change.contract, by=by, reason=reason, term_end=change.new_term_end)
    etown = change.etown
    if etown.planned_end is None or etown.planned_end < change.new_term_end:
        etown_update(etown=etown, by=by, reason=f"{reason}，计划完成日期延至 {change.new_term_end:%Y年%-m月%-d日}",
                     planned_end=change.new_term_end)
    tell(contractor_users(contract=change.contract), title=f"延期申请已批准：{change.etown.name}", obj=change,
         body=f"竣工时间延至 {change.new_term_end:%Y年%-m月%-d日}")


@transaction.atomic
def change_record_higher_approval(*, change, number, approved_on, by, note="", today=None, version=None, document=None):
    """The higher authority agreed to the change (第九条: 报请上级同意方可调整): its
    approval number and the document (an upload, required) are recorded, and the new
    contract terms the change asks for are written to the contract, with history and
    never below what has been paid."""
    higher = FLOW.only(HIGHER)
    require(higher.may(by, change.etown))
    today = today or timezone.localdate()
    change = _locked(change, version)
    _expect(change, *FLOW.statuses(HIGHER))
    errors = {}
    if not (number or "").strip():
        errors["number"] = "请填写上级批复文号。"
    if approved_on is None or approved_on > today:
        errors["approved_on"] = "同意日期不能为空，也不能晚于今天。"
    if document is None:
        errors["document"] = "请上传上级同意的批复文件。"
    if errors:
        raise ValidationError(errors)
    change.higher_approval_number, change.higher_approval_date = number.strip(), approved_on
    change.higher_approval_file = file_store(
        upload=document, county=change.etown.county, etown=change.etown, by=by, purpose="变更申请上级同意文件",
        allowed=DOCUMENTS,
    )
    terms = change.new_terms()
    if terms:
        contract_change_terms(
            contract=change.contract, by=by, floor=paid_floor(change.contract),
            reason=f"变更申请 {change.code} 经上级同意（{change.higher_approval_number}，临猗资金办法第九条）", **terms,
        )
    text = f"上级于 {approved_on:%Y年%-m月%-d日} 同意（{change.higher_approval_number}）" + (f"；{note}" if note else "")
    step = move(change, step_model=ChangeStep, to=higher.to, action=higher.record, by=by, role=higher.role, note=text)
    tell(contractor_users(contract=change.contract), title=f"变更申请已批准：{change.etown.name}", obj=change, body=change.title)
    return step


@transaction.atomic
def change_return(*, change, reason, by, version=None):
    reason = require_reason(reason, message="请填写退回原因。")
    seen = change.status
    change = _locked(change, version)
    _expect(change, *(status for status in FLOW.statuses(RETURN) if status == seen or version is not None))
    (returner,) = FLOW.at(change.status, RETURN)
    require(returner.may(by, change.etown))
    step = move(change, step_model=ChangeStep, to=returner.to, action=returner.record, by=by, role=returner.role,
                note=reason)
    tell(contractor_users(contract=change.contract), title=f"{change.get_kind_display()}被退回：{change.etown.name}", obj=change,
         body=reason)
    return step


@transaction.atomic
def change_withdraw(*, change, reason, by, version=None):
    withdraw = FLOW.only(WITHDRAW)
    require(withdraw.may(by, change.etown))
    require(can_apply_for(by, change.contract))
    reason = require_reason(reason, message="请填写撤回原因。")
    change = _locked(change, version)
    _expect(change, *FLOW.statuses(WITHDRAW))
    return move(change, step_model=ChangeStep, to=withdraw.to, action=withdraw.record, by=by, role=withdraw.role,
                note=reason)
