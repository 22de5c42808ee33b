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
from etown.services import contract_lock_terms, save_with_history
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
from ..permissions import can_apply_for
from ..selectors import gates as gatekeeping
from ..selectors.policy import finance_departments, policy_for
from ..selectors.requests import stage_basis_taken
from ..workflow import (
    APPROVE,
    DISBURSE,
    EDIT,
    MATERIAL,
    MEETING,
    NOTICE,
    OBJECTION,
    OPTIONAL_STEPS,
    OVERRIDE,
    REQUEST_FLOW,
    RESUME,
    RETURN,
    SUBMIT,
    WITHDRAW,
    skipped_statuses,
)
from .gates import gates_record
from .common import (
    actor_label,
    add_step,
    bump,
    expect_version,
    lock_contract,
    move,
    require,
    require_reason,
    require_separate_duty,
    tell,
)

S = RequestStatus
FLOW = REQUEST_FLOW


def _today(today):
    return today or timezone.localdate()


def _locked(request, version=None):
    """Lock the contract, then the request; ``version``: the one the user's page was
    rendered from (refused as already handled when the request has changed since)."""
    lock_contract(request.contract_id)
    locked = (
        DisbursementRequest.objects.select_for_update(of=("self",))
        .select_related("etown__county", "contract__contractor", "notice")
        .get(pk=request.pk)
    )
    expect_version(locked, version)
    return locked


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
    gates_record(request, results, today=today)  # passed: no longer 拨付受阻 (saved by the step)
    return results


def _move(request, **kwargs):
    """Move along the chain; a step the county's policy does not have is skipped
    (funds.workflow.OPTIONAL_STEPS; issue 12), and the trail line says so."""
    policy = policy_for(request.etown.county)
    skipped = skipped_statuses(policy)
    landing = FLOW.landing(kwargs["to"], skipped, request)
    if landing != kwargs["to"]:
        passed, status = [], kwargs["to"]
        while status in skipped:
            passed.append(next(str(policy._meta.get_field(f).verbose_name) for f, st in OPTIONAL_STEPS.items() if st == status))
            status = FLOW.landing(status, {status}, request)
        basis = f"，依据{policy.chain_clause}" if policy.chain_clause else ""
        kwargs["note"] = (kwargs.get("note") or "") + f"（本县拨付程序无“{'、'.join(passed)}”环节{basis}）"
        kwargs["to"] = landing
    return move(request, step_model=RequestStep, **kwargs)


def _bump_saved(request):
    """A change beside the row (materials): raise its version all the same."""
    bump(request)
    DisbursementRequest.objects.filter(pk=request.pk).update(version=request.version)


def _check_fields(*, contract, kind, amount, purpose, tasks, stage_acceptance=None, request=None):
    errors = {}
    basis = _check_basis(contract=contract, kind=kind, stage_acceptance=stage_acceptance, request=request)
    if basis:
        errors["stage_acceptance"] = basis
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


def _check_basis(*, contract, kind, stage_acceptance, request=None):
    """A progress payment names a counted stage acceptance of its own contract that no
    other live request rests on (004 附件2 第十二条3); other kinds name none. A draft may
    be saved before it is chosen; that one is named at all, and still counts when the
    request moves, is the non-overridable check ``hub:acceptance_basis``
    (acceptance.selectors.conclusions), run at submission and at every step."""
    if kind != RequestKind.PROGRESS:
        return "只有进度款需要选择依据的阶段验收。" if stage_acceptance is not None else ""
    if stage_acceptance is None:
        return ""  # a draft may wait for it; the check refuses the submission without one
    if stage_acceptance.contract_id != contract.pk or stage_acceptance.kind != "stage":
        return "请选择本合同的阶段验收。"
    if not stage_acceptance.is_counted:
        return "所选阶段验收的结论尚未生效（须经领导小组审批、县政府审核并公示期满无异议）。"
    if stage_basis_taken(stage_acceptance, exclude=request):
        return "所选阶段验收已是另一笔进度款的拨付依据。"
    return ""


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
def disbursement_create(*, contract, kind, amount, purpose, tasks, by, materials=(), stage_acceptance=None):
    """A draft request of the contractor (``materials``: [(kind, upload)]); a progress
    payment names the counted stage acceptance it rests on (``stage_acceptance``)."""
    require(can_apply_for(by, contract))  # the contract's own company (附件2 第十一条: two on one e-town)
    tasks = _check_fields(contract=contract, kind=kind, amount=amount, purpose=purpose, tasks=tasks,
                          stage_acceptance=stage_acceptance)
    request = DisbursementRequest(
        etown=contract.etown, contract=contract, kind=kind, amount=amount, purpose=purpose.strip(), created_by=by,
        stage_acceptance=stage_acceptance,
    )
    save_with_history(request, by=by, reason="起草拨付申请")
    request.tasks.set(tasks)
    for material_kind, upload in materials:
        _store_material(request, material_kind, upload, by)
    add_step(request, step_model=RequestStep, action=StepAction.CREATE, by=by, role=Role.CONTRACTOR)
    return request


@transaction.atomic
def disbursement_update(*, request, kind, amount, purpose, tasks, by, reason="修改申请", stage_acceptance=None):
    require(FLOW.only(EDIT).may(by, request.etown))
    require(can_apply_for(by, request.contract))
    request = _locked(request)
    _expect(request, *FLOW.statuses(EDIT))
    tasks = _check_fields(contract=request.contract, kind=kind, amount=amount, purpose=purpose, tasks=tasks,
                          stage_acceptance=stage_acceptance, request=request)
    request.kind, request.amount, request.purpose = kind, amount, purpose.strip()
    request.stage_acceptance = stage_acceptance
    bump(request)
    save_with_history(request, by=by, reason=reason)
    request.tasks.set(tasks)
    return request


@transaction.atomic
def disbursement_add_material(*, request, kind, by, upload=None, uploads=()):
    """One file (``upload``) or several of one category at once (``uploads``, issue 15):
    all are stored in this transaction, so one refused file stores none. Returns the
    material, or the list of them when ``uploads`` is given."""
    require(FLOW.only(MATERIAL).may(by, request.etown))
    require(can_apply_for(by, request.contract))
    request = _locked(request)
    _expect(request, *FLOW.statuses(MATERIAL))
    _bump_saved(request)
    if upload is not None:
        return _store_material(request, kind, upload, by)
    if not uploads:
        raise ValidationError({"file": "请选择文件。"})
    return [_store_material(request, kind, u, by) for u in uploads]


@transaction.atomic
def disbursement_remove_material(*, material, by):
    request = material.request
    require(FLOW.only(MATERIAL).may(by, request.etown))
    require(can_apply_for(by, request.contract))
    request = _locked(request)
    _expect(request, *FLOW.statuses(MATERIAL))
    _bump_saved(request)
    material.delete()  # the StoredFile stays: an uploaded file is never destroyed


# The chain --------------------------------------------------------------------------


@transaction.atomic
def disbursement_submit(*, request, by, today=None, version=None):
    today = _today(today)
    submit = FLOW.only(SUBMIT)
    require(submit.may(by, request.etown))
    require(can_apply_for(by, request.contract))
    request = _locked(request, version)
    _expect(request, *FLOW.statuses(SUBMIT))
    resubmission = request.status == S.RETURNED
    # Under the contract's lock: two drafts naming the same stage acceptance cannot both go in.
    if request.stage_acceptance_id and stage_basis_taken(request.stage_acceptance, exclude=request):
        raise ValidationError({"stage_acceptance": "所选阶段验收已是另一笔进度款的拨付依据，请修改申请。"})
    request.submitted_at = timezone.now()  # its place in the contract's queue
    results = _gated(request, today=today)
    # From the first submitted request on, the contract's money terms change only through
    # an approved change or extension (004 附件2 第九条、第十条; issue 11).
    contract_lock_terms(contract=request.contract, by=by)
    step = _move(request, to=submit.to, action=submit.record, by=by, role=submit.role,
                 note="退回后重新提交" if resubmission else "", gates=results)
    tell(staff(county_id=request.etown.county_id, role=Role.OFFICE),
         title=f"资金拨付申请待审核：{request.etown.name}", obj=request,
         body=f"{request.get_kind_display()} {request.amount:,.2f} 元")
    return step


@transaction.atomic
def disbursement_approve(*, request, by, note="", today=None, version=None):
    """Approve the request at its current review step (office, finance bureau or
    leading group, by status). ``version``: the one the approver's page showed (a stale
    second click must not approve the next step); without it (a task, a command), the
    status of the ``request`` passed in stands for what the caller saw."""
    today = _today(today)
    seen = request.status
    request = _locked(request, version)
    _expect(request, *(status for status in FLOW.statuses(APPROVE) if status == seen or version is not None))
    (approve,) = FLOW.at(request.status, APPROVE)
    require(approve.may(by, request.etown))
    require_separate_duty(request, action=approve.record, by=by)
    results = _gated(request, today=today)
    step = _move(request, to=approve.to, action=approve.record, by=by, role=approve.role, note=(note or "").strip(),
                 gates=results)
    _tell_next(request)
    return step


@transaction.atomic
def disbursement_record_meeting(*, request, meeting_date, minutes_number, by, note="", today=None, version=None):
    """The county executive meeting (县政府常务会议) passed the disbursement (002 第十条、
    第十二条). A meeting that did not pass it is recorded as a return."""
    today = _today(today)
    meeting = FLOW.only(MEETING)
    require(meeting.may(by, request.etown))
    request = _locked(request, version)
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


def _chain_text(policy, request):
    """The steps the request went through, in the notice's words (the county's chain)."""
    reviewed = "领导小组办公室、县财政局审核" if policy.department_review else "领导小组办公室审核"
    parts = [reviewed]
    if policy.leader_approval:
        parts.append("领导小组审批")
    text = "，".join(parts)
    if policy.executive_meeting:
        text += f"，并经县政府常务会议审议通过（纪要 {request.meeting_minutes}）"
    return text


def _publish_notice(request, *, by, start_date):
    policy = policy_for(request.etown.county)
    contract = request.contract
    body = (
        f"根据项目建设合同和专项资金管理办法，{request.etown.name}项目承办企业{contract.contractor.name}"
        f"申请拨付专项资金{request.get_kind_display()} {request.amount:,.2f} 元，"
        f"用于：{request.purpose}。该申请已经{_chain_text(policy, request)}。"
        f"现予公示，公示期 {policy.notice_workdays} 个工作日。如有异议，请在公示期内通过意见窗口或举报窗口反映。"
    )
    return notice_create(
        county=request.etown.county, etown=request.etown, kind=Notice.Kind.DISBURSEMENT,
        title=f"{request.etown.name}专项资金拨付公示（{request.get_kind_display()}）", body=body,
        start_date=start_date, by=by, workdays_count=policy.notice_workdays, source=request,
    )


@transaction.atomic
def disbursement_start_notice(*, request, by, start_date=None, today=None, version=None):
    """Publish the notice in the public column: at least 5 working days (004 附件2
    第十二条第3项), counted on the statutory calendar."""
    today = _today(today)
    notice = FLOW.only(NOTICE)
    require(notice.may(by, request.etown))
    request = _locked(request, version)
    _expect(request, *FLOW.statuses(NOTICE))
    start_date = start_date or today
    if start_date < today:
        raise ValidationError({"start_date": "公示开始日期不能早于今天。"})
    results = _gated(request, today=today)
    request.notice = _publish_notice(request, by=by, start_date=start_date)
    text = f"公示 {request.notice.start_date:%Y年%-m月%-d日} 至 {request.notice.end_date:%Y年%-m月%-d日}（{request.notice.workdays} 个工作日）"
    return _move(request, to=notice.to, action=notice.record, by=by, role=notice.role, note=text, gates=results)


OBJECTION_NOTE = "收到公示异议，申请暂停，待办公室核查处理"


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
    # The step and the history row (which the contractor and the agency read) say that an
    # objection came, never what it says (issue 14: the text stays on ``Objection``).
    note = OBJECTION_NOTE
    if request.status in FLOW.statuses(OBJECTION) and notice.pk == request.notice_id:
        _move(request, to=objected.to, action=objected.record, by=actor, role=role, note=note)
    else:
        add_step(request, step_model=RequestStep, action=objected.record, by=actor, role=role, note=note)
    tell(staff(county_id=request.etown.county_id, role=Role.OFFICE),
         title=f"拨付公示收到异议：{request.etown.name}", obj=request, body=text[:200])
    return objection


@transaction.atomic
def disbursement_resume_notice(*, request, resolution, by, start_date=None, today=None, version=None):
    """The office found the objection unfounded: record how it was dealt with and
    publish a new full notice period (the old notice is withdrawn)."""
    today = _today(today)
    resume = FLOW.only(RESUME)
    require(resume.may(by, request.etown))
    resolution = require_reason(resolution, "resolution", "请填写异议核查处理结果。")
    request = _locked(request, version)
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
def disbursement_disburse(*, request, disbursed_on, amount, voucher_number, by, voucher_upload=None, today=None,
                          version=None):
    """The finance bureau pays (004 附件2 第三条、第六条; 002 第十二条), only after the
    notice has ended with no objection, and only within the gates for the amount paid."""
    today = _today(today)
    disburse = FLOW.only(DISBURSE)
    require(disburse.may(by, request.etown))
    request = _locked(request, version)
    _expect(request, *FLOW.statuses(DISBURSE))
    require_separate_duty(request, action=disburse.record, by=by)  # before the voucher is stored
    notice = request.notice
    # A county whose chain has no notice before paying (安泽办法第十二条; issue 12) pays
    # after the executive meeting; a notice that was published still binds.
    if policy_for(request.etown.county).payment_notice or notice is not None:
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
    elif notice is not None and disbursed_on <= notice.end_date:
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
def disbursement_return(*, request, reason, by, version=None):
    """Return the request to the contractor with a reason, at any in-flight step."""
    reason = require_reason(reason, message="请填写退回原因。")
    seen = request.status
    request = _locked(request, version)
    _expect(request, *(status for status in FLOW.statuses(RETURN) if status == seen or version is not None))
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
def disbursement_withdraw(*, request, reason, by, version=None):
    """The contractor withdraws a request the office has not acted on yet."""
    withdraw = FLOW.only(WITHDRAW)
    require(withdraw.may(by, request.etown))
    require(can_apply_for(by, request.contract))
    reason = require_reason(reason, message="请填写撤回原因。")
    request = _locked(request, version)
    _expect(request, *FLOW.statuses(WITHDRAW))
    return _move(request, to=withdraw.to, action=withdraw.record, by=by, role=withdraw.role, note=reason)


@transaction.atomic
def gate_override_record(*, request, gate_key, reason, by, today=None, version=None):
    """An office head lets the request pass one failing gate, with a reason. Only a gate
    registered as overridable may be (``funds.selectors.gates``: the materials); the
    money gates and the absolute prohibitions of the documents (rectification 004 附件2
    第十二条3, acceptance, evaluation 002 第十八条) are refused here whoever asks, whatever
    path (page, admin, command) calls this."""
    today = _today(today)
    override_step = FLOW.only(OVERRIDE)
    require(override_step.may(by, request.etown))
    reason = require_reason(reason, message="请填写例外放行的理由。")
    request = _locked(request, version)
    _expect(request, *FLOW.statuses(OVERRIDE))
    results = {r.key: r for r in gatekeeping.evaluate(request, today=today)}
    gate = results.get(gate_key)
    if gate is None:
        raise ValidationError({"gate_key": "没有这项拨付条件。"})
    if gate.passed:
        raise ValidationError({"gate_key": f"“{gate.label}”目前已满足，无需放行。"})
    if not gate.overridable:
        kind = "资金安全的硬性条件" if gate.clause else "文件规定的禁止性条件"  # own gates carry their clause
        raise ValidationError({"gate_key": f"“{gate.label}”是{kind}，任何人不能例外放行。"})
    if gate.override is not None:
        raise ValidationError({"gate_key": f"“{gate.label}”已记录过例外放行。"})
    override = GateOverride.objects.create(
        request=request, gate_key=gate.key, gate_label=gate.label, reason=reason, by=by,
        by_label=actor_label(by, override_step.role, request.etown.county_id),
    )
    add_step(request, step_model=RequestStep, action=override_step.record, by=by, role=override_step.role,
             note=f"例外放行“{gate.label}”（{gate.reason}）：{reason}")
    gate.override = override
    gates_record(request, list(results.values()), today=today)  # what still blocks, the overridden gate aside
    bump(request)
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
