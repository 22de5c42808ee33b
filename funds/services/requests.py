"""The disbursement chain (安泽办法 002 第十条、第十二条; 临猗资金办法 004 附件2 第十二条).

Who may act at which status, and where each step leads, is the table
``funds.workflow.REQUEST_FLOW``: every service here reads its step there.

Each step locks the contract row, then the request row, re-evaluates every gate
(``funds.selectors.gates``) and refuses to move while one fails without an office head's
override; the gates are stored on the trail line of the step.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from etown.models import LIVE_CONTRACTS, Notice, Role, StoredFile
from etown.services.notices import notice_create, notice_withdraw
from etown.recipients import contractor_users, staff
from etown.services import save_with_history
from etown.uploads import DOCUMENTS, file_store

from ..models import (
    DisbursementRequest,
    GateOverride,
    MaterialKind,
    Objection,
    RequestKind,
    RequestMaterial,
    RequestStatus,
    RequestStep,
    StepAction,
)
from ..permissions import can_apply
from ..selectors import gates as gatekeeping
from ..selectors.policy import finance_departments, policy_for
from ..workflow import (
    APPROVE,
    DISBURSE,
    EDIT,
    MATERIAL,
    MEETING,
    NOTICE,
    OBJECTION,
    OVERRIDE,
    REQUEST_FLOW,
    RESUME,
    RETURN,
    SUBMIT,
    WITHDRAW,
)
from .common import actor_label, add_step, lock_contract, move, require, require_reason, tell

S = RequestStatus
FLOW = REQUEST_FLOW


def _today(today):
    return today or timezone.localdate()


def _locked(request):
    lock_contract(request.contract_id)
    return (
        DisbursementRequest.objects.select_for_update(of=("self",))
        .select_related("etown__county", "contract__contractor", "notice")
        .get(pk=request.pk)
    )


def _expect(request, *statuses):
    if request.status not in statuses:
        raise ValidationError(
            f"该申请当前为“{request.get_status_display()}”，不能办理此操作（可能已被他人处理，请刷新页面）。"
        )


def _gated(request, *, today, amount=None):
    """Evaluate the gates; refuse with every failing one named."""
    results = gatekeeping.evaluate(request, today=today, amount=amount)
    if gatekeeping.blocking(results):
        raise ValidationError(gatekeeping.blocking_message(results))
    return results


def _move(request, **kwargs):
    return move(request, step_model=RequestStep, **kwargs)


def _check_fields(*, contract, kind, amount, purpose, tasks):
    errors = {}
    if kind not in RequestKind.values:
        errors["kind"] = "请选择拨付类型。"
    if amount is None or amount <= 0:
        errors["amount"] = "申请金额须大于 0。"
    if not (purpose or "").strip():
        errors["purpose"] = "请说明资金用途。"
    tasks = list(tasks or [])
    if not tasks:
        errors["tasks"] = "请选择本次申请对应的建设任务。"
    elif any(t.etown_id != contract.etown_id for t in tasks):
        errors["tasks"] = "只能选择本项目的建设任务。"
    if contract.status not in LIVE_CONTRACTS:
        errors["contract"] = "合同已终止，不能申请拨付。"
    if errors:
        raise ValidationError(errors)
    return tasks


def _store_material(request, kind, upload, by):
    if kind not in MaterialKind.values:
        raise ValidationError({"kind": "请选择材料类别。"})
    stored = file_store(
        upload=upload, county=request.etown.county, etown=request.etown, by=by, access=StoredFile.Access.ETOWN,
        purpose=f"拨付申请材料：{MaterialKind(kind).label}", allowed=DOCUMENTS,
    )
    return RequestMaterial.objects.create(request=request, kind=kind, file=stored, uploaded_by=by)


# Drafting ---------------------------------------------------------------------------


@transaction.atomic
def disbursement_create(*, contract, kind, amount, purpose, tasks, by, materials=()):
    """A draft request of the contractor (``materials``: [(kind, upload)])."""
    require(can_apply(by, contract.etown))
    tasks = _check_fields(contract=contract, kind=kind, amount=amount, purpose=purpose, tasks=tasks)
    request = DisbursementRequest(
        etown=contract.etown, contract=contract, kind=kind, amount=amount, purpose=purpose.strip(), created_by=by
    )
    save_with_history(request, by=by, reason="起草拨付申请")
    request.tasks.set(tasks)
    for material_kind, upload in materials:
        _store_material(request, material_kind, upload, by)
    add_step(request, step_model=RequestStep, action=StepAction.CREATE, by=by, role=Role.CONTRACTOR)
    return request


@transaction.atomic
def disbursement_update(*, request, kind, amount, purpose, tasks, by, reason="修改申请"):
    require(FLOW.only(EDIT).may(by, request.etown))
    request = _locked(request)
    _expect(request, *FLOW.statuses(EDIT))
    tasks = _check_fields(contract=request.contract, kind=kind, amount=amount, purpose=purpose, tasks=tasks)
    request.kind, request.amount, request.purpose = kind, amount, purpose.strip()
    save_with_history(request, by=by, reason=reason)
    request.tasks.set(tasks)
    return request


@transaction.atomic
def disbursement_add_material(*, request, kind, upload, by):
    require(FLOW.only(MATERIAL).may(by, request.etown))
    request = _locked(request)
    _expect(request, *FLOW.statuses(MATERIAL))
    return _store_material(request, kind, upload, by)


@transaction.atomic
def disbursement_remove_material(*, material, by):
    request = material.request
    require(FLOW.only(MATERIAL).may(by, request.etown))
    request = _locked(request)
    _expect(request, *FLOW.statuses(MATERIAL))
    material.delete()  # the StoredFile stays: an uploaded file is never destroyed


# The chain --------------------------------------------------------------------------


@transaction.atomic
def disbursement_submit(*, request, by, today=None):
    today = _today(today)
    submit = FLOW.only(SUBMIT)
    require(submit.may(by, request.etown))
    request = _locked(request)
    _expect(request, *FLOW.statuses(SUBMIT))
    resubmission = request.status == S.RETURNED
    request.submitted_at = timezone.now()  # its place in the contract's queue
    results = _gated(request, today=today)
    step = _move(request, to=submit.to, action=submit.record, by=by, role=submit.role,
                 note="退回后重新提交" if resubmission else "", gates=results)
    tell(staff(county_id=request.etown.county_id, role=Role.OFFICE),
         title=f"资金拨付申请待审核：{request.etown.name}", obj=request,
         body=f"{request.get_kind_display()} {request.amount:,.2f} 元")
    return step


@transaction.atomic
def disbursement_approve(*, request, by, note="", today=None):
    """Approve the request at its current review step (office, finance bureau or
    leading group, by status)."""
    today = _today(today)
    seen = request.status  # what the approver saw: a stale second click must not approve the next step
    request = _locked(request)
    _expect(request, *(status for status in FLOW.statuses(APPROVE) if status == seen))
    (approve,) = FLOW.at(request.status, APPROVE)
    require(approve.may(by, request.etown))
    results = _gated(request, today=today)
    step = _move(request, to=approve.to, action=approve.record, by=by, role=approve.role, note=(note or "").strip(),
                 gates=results)
    _tell_next(request)
    return step


@transaction.atomic
def disbursement_record_meeting(*, request, meeting_date, minutes_number, by, note="", today=None):
    """The county executive meeting (县政府常务会议) passed the disbursement (002 第十条、
    第十二条). A meeting that did not pass it is recorded as a return."""
    today = _today(today)
    meeting = FLOW.only(MEETING)
    require(meeting.may(by, request.etown))
    request = _locked(request)
    _expect(request, *FLOW.statuses(MEETING))
    errors = {}
    if meeting_date is None:
        errors["meeting_date"] = "请填写常务会议日期。"
    elif meeting_date > today:
        errors["meeting_date"] = "会议日期不能晚于今天。"
    if not (minutes_number or "").strip():
        errors["minutes_number"] = "请填写会议纪要编号。"
    if errors:
        raise ValidationError(errors)
    results = _gated(request, today=today)
    request.meeting_date, request.meeting_minutes = meeting_date, minutes_number.strip()
    text = f"{meeting_date:%Y年%-m月%-d日} 常务会议审议通过，纪要 {request.meeting_minutes}" + (f"；{note}" if note else "")
    return _move(request, to=meeting.to, action=meeting.record, by=by, role=meeting.role, note=text, gates=results)


def _publish_notice(request, *, by, start_date):
    policy = policy_for(request.etown.county)
    contract = request.contract
    body = (
        f"根据项目建设合同和专项资金管理办法，{request.etown.name}项目承办企业{contract.contractor.name}"
        f"申请拨付专项资金{request.get_kind_display()} {request.amount:,.2f} 元，"
        f"用于：{request.purpose}。该申请已经领导小组办公室、县财政局审核，领导小组审批，"
        f"并经县政府常务会议审议通过（纪要 {request.meeting_minutes}）。"
        f"现予公示，公示期 {policy.notice_workdays} 个工作日。如有异议，请在公示期内通过意见窗口或举报窗口反映。"
    )
    return notice_create(
        county=request.etown.county, etown=request.etown, kind=Notice.Kind.DISBURSEMENT,
        title=f"{request.etown.name}专项资金拨付公示（{request.get_kind_display()}）", body=body,
        start_date=start_date, by=by, workdays_count=policy.notice_workdays, source=request,
    )


@transaction.atomic
def disbursement_start_notice(*, request, by, start_date=None, today=None):
    """Publish the notice in the public column: at least 5 working days (004 附件2
    第十二条第3项), counted on the statutory calendar."""
    today = _today(today)
    notice = FLOW.only(NOTICE)
    require(notice.may(by, request.etown))
    request = _locked(request)
    _expect(request, *FLOW.statuses(NOTICE))
    start_date = start_date or today
    if start_date < today:
        raise ValidationError({"start_date": "公示开始日期不能早于今天。"})
    results = _gated(request, today=today)
    request.notice = _publish_notice(request, by=by, start_date=start_date)
    text = f"公示 {request.notice.start_date:%Y年%-m月%-d日} 至 {request.notice.end_date:%Y年%-m月%-d日}（{request.notice.workdays} 个工作日）"
    return _move(request, to=notice.to, action=notice.record, by=by, role=notice.role, note=text, gates=results)


@transaction.atomic
def disbursement_record_objection(*, request, text, by=None, submission=None, notice=None):
    """An objection to the notice stops the request (004 附件2 第十二条第3项: 公示无异议后，
    方可拨付). From the public window (``submission``, or no user at all) or recorded by
    office staff (``by`` without a submission). ``notice``: the notice objected to
    (default: the request's current one); an objection to an earlier notice, or one
    arriving after the request has moved on, is kept on the trail for the office."""
    objected = FLOW.only(OBJECTION)
    if submission is None and by is not None:
        require(objected.may(by, request.etown))
    text = require_reason(text, "text", "请填写异议内容。")
    request = _locked(request)
    notice = notice or request.notice
    if notice is None:
        raise ValidationError("该申请尚未公示，无公示异议可登记。")
    objection = Objection.objects.create(
        request=request, notice=notice, text=text, submission_id=getattr(submission, "pk", None),
        recorded_by=by if submission is None else None,
    )
    actor = by if submission is None else None
    role = objected.role if actor is not None else None
    if request.status in FLOW.statuses(OBJECTION) and notice.pk == request.notice_id:
        _move(request, to=objected.to, action=objected.record, by=actor, role=role, note=text)
    else:
        add_step(request, step_model=RequestStep, action=objected.record, by=actor, role=role, note=text)
    tell(staff(county_id=request.etown.county_id, role=Role.OFFICE),
         title=f"拨付公示收到异议：{request.etown.name}", obj=request, body=text[:200])
    return objection


@transaction.atomic
def disbursement_resume_notice(*, request, resolution, by, start_date=None, today=None):
    """The office found the objection unfounded: record how it was dealt with and
    publish a new full notice period (the old notice is withdrawn)."""
    today = _today(today)
    resume = FLOW.only(RESUME)
    require(resume.may(by, request.etown))
    resolution = require_reason(resolution, "resolution", "请填写异议核查处理结果。")
    request = _locked(request)
    _expect(request, *FLOW.statuses(RESUME))
    start_date = start_date or today
    if start_date < today:
        raise ValidationError({"start_date": "公示开始日期不能早于今天。"})
    results = _gated(request, today=today)
    now = timezone.now()
    request.objections.filter(resolved_at__isnull=True).update(resolution=resolution, resolved_by=by, resolved_at=now)
    if request.notice and not request.notice.withdrawn_at:
        notice_withdraw(notice=request.notice, reason=f"异议已核查处理，重新公示：{resolution}"[:300], by=by)
    request.notice = _publish_notice(request, by=by, start_date=start_date)
    text = f"异议处理结果：{resolution}。重新公示至 {request.notice.end_date:%Y年%-m月%-d日}"
    return _move(request, to=resume.to, action=resume.record, by=by, role=resume.role, note=text, gates=results)


@transaction.atomic
def disbursement_disburse(*, request, disbursed_on, amount, voucher_number, by, voucher_upload=None, today=None):
    """The finance bureau pays (004 附件2 第三条、第六条; 002 第十二条), only after the
    notice has ended with no objection, and only within the gates for the amount paid."""
    today = _today(today)
    disburse = FLOW.only(DISBURSE)
    require(disburse.may(by, request.etown))
    request = _locked(request)
    _expect(request, *FLOW.statuses(DISBURSE))
    notice = request.notice
    if notice is None or notice.withdrawn_at:
        raise ValidationError("该申请没有有效的拨付公示。")
    if today <= notice.end_date:
        raise ValidationError(f"公示期至 {notice.end_date:%Y年%-m月%-d日} 结束，期满无异议后方可拨付。")
    if request.objections.filter(notice=notice, resolved_at__isnull=True).exists():
        raise ValidationError("公示期间收到的异议尚未处理，不能拨付。")
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = "拨付金额须大于 0。"
    elif amount > request.amount:
        errors["amount"] = f"拨付金额不能超过审批金额 {request.amount:,.2f} 元。"
    if disbursed_on is None:
        errors["disbursed_on"] = "请填写拨付日期。"
    elif disbursed_on > today:
        errors["disbursed_on"] = "拨付日期不能晚于今天。"
    elif disbursed_on <= notice.end_date:
        errors["disbursed_on"] = "拨付日期须在公示期满之后。"
    if not (voucher_number or "").strip():
        errors["voucher_number"] = "请填写支付凭证号。"
    if errors:
        raise ValidationError(errors)
    results = _gated(request, today=today, amount=amount)
    if voucher_upload is not None:
        request.voucher_file = file_store(
            upload=voucher_upload, county=request.etown.county, etown=request.etown, by=by, purpose="拨付支付凭证",
        )
    request.disbursed_on, request.disbursed_amount, request.voucher_number = disbursed_on, amount, voucher_number.strip()
    text = f"{disbursed_on:%Y年%-m月%-d日} 拨付 {amount:,.2f} 元，凭证 {request.voucher_number}"
    step = _move(request, to=disburse.to, action=disburse.record, by=by, role=disburse.role, note=text, gates=results)
    tell(contractor_users(contract=request.contract), title=f"专项资金已拨付：{request.etown.name}", obj=request, body=text)
    return step


@transaction.atomic
def disbursement_return(*, request, reason, by):
    """Return the request to the contractor with a reason, at any in-flight step."""
    reason = require_reason(reason, message="请填写退回原因。")
    seen = request.status
    request = _locked(request)
    _expect(request, *(status for status in FLOW.statuses(RETURN) if status == seen))
    returners = FLOW.at(request.status, RETURN)
    returner = next((step for step in returners if step.may(by, request.etown)), None)
    if returner is None:
        require(returners[0].may(by, request.etown))  # refuses with the reason of whoever acts at this step
    if request.status in (S.IN_NOTICE, S.OBJECTED) and request.notice and not request.notice.withdrawn_at:
        notice_withdraw(notice=request.notice, reason=f"申请被退回：{reason}"[:300], by=by)
    step = _move(request, to=returner.to, action=returner.record, by=by, role=returner.role, note=reason)
    tell(contractor_users(contract=request.contract), title=f"资金拨付申请被退回：{request.etown.name}", obj=request, body=reason)
    return step


@transaction.atomic
def disbursement_withdraw(*, request, reason, by):
    """The contractor withdraws a request the office has not acted on yet."""
    withdraw = FLOW.only(WITHDRAW)
    require(withdraw.may(by, request.etown))
    reason = require_reason(reason, message="请填写撤回原因。")
    request = _locked(request)
    _expect(request, *FLOW.statuses(WITHDRAW))
    return _move(request, to=withdraw.to, action=withdraw.record, by=by, role=withdraw.role, note=reason)


@transaction.atomic
def gate_override_record(*, request, gate_key, reason, by, today=None):
    """An office head lets the request pass one failing gate, with a reason. The money
    gates (contract amount, prepayment ratio, retention) cannot be overridden."""
    today = _today(today)
    override_step = FLOW.only(OVERRIDE)
    require(override_step.may(by, request.etown))
    reason = require_reason(reason, message="请填写例外放行的理由。")
    request = _locked(request)
    _expect(request, *FLOW.statuses(OVERRIDE))
    results = {r.key: r for r in gatekeeping.evaluate(request, today=today)}
    gate = results.get(gate_key)
    if gate is None:
        raise ValidationError({"gate_key": "没有这项拨付条件。"})
    if not gate.overridable:
        raise ValidationError({"gate_key": f"“{gate.label}”是资金安全的硬性条件，不能例外放行。"})
    if gate.passed:
        raise ValidationError({"gate_key": f"“{gate.label}”目前已满足，无需放行。"})
    if gate.override is not None:
        raise ValidationError({"gate_key": f"“{gate.label}”已记录过例外放行。"})
    override = GateOverride.objects.create(
        request=request, gate_key=gate.key, gate_label=gate.label, reason=reason, by=by,
        by_label=actor_label(by, override_step.role, request.etown.county_id),
    )
    add_step(request, step_model=RequestStep, action=override_step.record, by=by, role=override_step.role,
             note=f"例外放行“{gate.label}”（{gate.reason}）：{reason}")
    save_with_history(request, by=by, reason=f"负责人例外放行“{gate.label}”：{reason}")
    return override


def _tell_next(request):
    county_id = request.etown.county_id
    if request.status == S.OFFICE_APPROVED:
        org = finance_departments({county_id}).get(county_id)
        users = staff(county_id=county_id, role=Role.REVIEWER, organization_id=org) if org else []
    elif request.status == S.DEPARTMENT_APPROVED:
        users = staff(county_id=county_id, role=Role.LEADER)
    else:
        users = staff(county_id=county_id, role=Role.OFFICE)
    tell(users, title=f"资金拨付申请待办理：{request.etown.name}（{request.get_status_display()}）", obj=request,
         body=f"{request.get_kind_display()} {request.amount:,.2f} 元")
