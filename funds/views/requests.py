"""Pages of the disbursement chain: the approval queue, the list, the request form and
the request page with its gates, actions and approval trail. Which buttons a user sees
is ``funds.workflow.REQUEST_FLOW.actions``; the services decide."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from etown.permissions import can_read_citizen_text, get_child_for, get_etown_for, require
from etown.signals import notice_objected
from etown.views.common import apply_service_errors, paginate, querystring_without_page, run_service

from .. import services
from ..forms.common import NoteForm, ReasonForm
from ..forms.requests import (
    DisburseForm,
    MaterialForm,
    MeetingForm,
    NoticeForm,
    ObjectionForm,
    OverrideForm,
    RequestForm,
    ResumeForm,
)
from ..models import DisbursementRequest, MaterialKind, RequestKind, RequestMaterial, RequestStatus
from ..permissions import can_apply, can_see_contract, contract_scoped
from ..selectors import gates
from ..selectors.duties import duty_refusal
from ..selectors.outlook import contract_outlooks, notice_outlook
from ..selectors.policy import policy_for
from ..selectors.positions import contract_position
from ..selectors.requests import visible_requests
from ..workflow import DISBURSE, EDIT, MEETING, NOTICE, OBJECTION, REQUEST_FLOW, RESUME
from . import audit_refusals

S = RequestStatus


def _get(user, pk, write=None):
    """Fetch and authorise (404 outside the e-town, 403 for a wrong role); another
    contractor's contract on the same e-town is a 404 too (004 附件2 第十一条)."""
    dr = get_child_for(user, DisbursementRequest, pk, write=write,
                       related=("contract__contractor", "notice", "created_by", "voucher_file", "stage_acceptance"))
    if not can_see_contract(user, dr.contract):
        raise Http404("记录不存在")
    return dr


def _own_contracts(form, user):
    """The request form offers a contractor its own company's contracts only."""
    orgs = contract_scoped(user)
    if orgs is not None:
        form.fields["contract"].queryset = form.fields["contract"].queryset.filter(contractor_id__in=orgs)
        if "stage_acceptance" in form.fields:
            form.fields["stage_acceptance"].queryset = form.fields["stage_acceptance"].queryset.filter(
                contract__contractor_id__in=orgs)
    return form


def _outlook(form, etown, dr=None):
    """尚可拨付 on each contract the form offers, with its parts, and when the payment
    notice would end if it started today (issue 15)."""
    contracts = form.fields["contract"].queryset
    if dr is not None:
        contracts = contracts.filter(pk=dr.contract_id)
    notice = dr.notice if dr is not None and dr.notice_id else None
    return {
        "outlooks": contract_outlooks(contracts, request=dr),
        "notice_outlook": None if notice else notice_outlook(policy_for(etown.county), timezone.localdate()),
        "notice": notice,
    }


@login_required
def request_list(request):
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    return render(request, "funds/request_list.html", {
        "page": paginate(request, visible_requests(request.user, status=status, kind=kind)),
        "status": status, "kind": kind, "statuses": S.choices, "kinds": RequestKind.choices,
        "querystring": querystring_without_page(request),
    })


@login_required
def request_create(request, pk):
    etown = get_etown_for(request.user, pk, write=can_apply)
    form = _own_contracts(RequestForm(request.POST or None, etown=etown), request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = run_service(form, services.disbursement_create, contract=data["contract"], kind=data["kind"],
                              amount=data["amount"], purpose=data["purpose"], tasks=data["tasks"], by=request.user,
                              stage_acceptance=data.get("stage_acceptance"))
        if created:
            messages.success(request, "申请已保存为草稿。请上传申请材料，核对拨付条件后提交。")
            return redirect(created)
    return render(request, "funds/request_form.html", {"form": form, "etown": etown, "title": "新建资金拨付申请",
                                                       **_outlook(form, etown)})


@login_required
def request_edit(request, pk):
    dr = _get(request.user, pk, write=can_apply)
    if not REQUEST_FLOW.at(dr.status, EDIT):
        messages.error(request, "该申请已提交，不能修改。")  # a wrong state is a message, not a 403
        return redirect(dr)
    initial = {"contract": dr.contract, "kind": dr.kind, "amount": dr.amount, "purpose": dr.purpose,
               "tasks": list(dr.tasks.all()), "stage_acceptance": dr.stage_acceptance_id}
    form = _own_contracts(RequestForm(request.POST or None, etown=dr.etown, initial=initial, request=dr), request.user)
    form.fields["contract"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(form, services.disbursement_update, request=dr, kind=data["kind"], amount=data["amount"],
                       purpose=data["purpose"], tasks=data["tasks"], by=request.user,
                       stage_acceptance=data.get("stage_acceptance")):
            messages.success(request, "申请已保存。")
            return redirect(dr)
    return render(request, "funds/request_form.html", {"form": form, "etown": dr.etown, "title": f"修改申请 {dr.code}", "dr": dr,
                                                       **_outlook(form, dr.etown, dr)})


def _actions(user, dr, today, material_kind=None):
    """The forms of the actions this user may take on the request now (None for a bare
    button), keyed by action: the ones the workflow gives that this page posts."""
    initial = {
        MEETING: {"meeting_date": today}, NOTICE: {"start_date": today}, RESUME: {"start_date": today},
        DISBURSE: {"amount": dr.amount, "disbursed_on": today},
        "material": {"kind": material_kind} if material_kind in MaterialKind.values else None,
    }
    acts = {}
    for action in REQUEST_FLOW.actions(user, dr):
        if any(duty_refusal(dr, user, step.record) for step in REQUEST_FLOW.at(dr.status, action) if step.to):
            continue  # 不相容岗位分离: the service would refuse it; the page says why (``separated``)
        if action in DONE:
            form_class = ACTION_FORMS.get(action)
            acts[action] = form_class(prefix=action, initial=initial.get(action)) if form_class else None
    return acts


def _separated(user, dr):
    """Why the user, who holds the role of the step now due, may not take it: they took
    another step of judgement on this request (不相容岗位分离)."""
    steps = [s for s in REQUEST_FLOW.table.get(dr.status, ()) if s.to and s.may(user, dr.etown)]
    return sorted({r for r in (duty_refusal(dr, user, s.record) for s in steps) if r})


def _render_detail(request, dr, *, bound=None, status=200):
    today = timezone.localdate()
    position = contract_position(dr.contract, request=dr)
    overrides = list(dr.overrides.all())
    results = gates.for_display(dr, today=today, position=position, overrides=overrides)
    acts = _actions(request.user, dr, today, request.GET.get("material_kind"))
    if bound:
        acts.update(bound)
    notice = dr.notice
    return render(request, "funds/request_detail.html", {
        "dr": dr,
        "etown": dr.etown,
        "gates": results,
        "blocked": gates.blocking(results) if dr.status not in gates.FINISHED else [],
        "gates_recorded": dr.status in gates.FINISHED,
        "overridable": [g for g in results if g.blocking and g.overridable],
        "position": position,
        "tasks": dr.tasks.all(),
        "materials": dr.materials.select_related("file"),
        "steps": dr.steps.select_related("actor"),
        "overrides": overrides,
        "objections": dr.objections.select_related("recorded_by", "resolved_by"),
        "objection_text_visible": can_read_citizen_text(request.user, dr.etown.county_id),
        "acts": acts,
        "notice_over": notice is not None and today > notice.end_date,
        "required": gates.REQUIRED_MATERIALS[dr.kind],
        "separated": _separated(request.user, dr),
    }, status=status)


@login_required
def request_detail(request, pk):
    return _render_detail(request, _get(request.user, pk))


ACTION_FORMS = {
    "approve": NoteForm, "meeting": MeetingForm, "notice": NoticeForm, "objection": ObjectionForm,
    "resume": ResumeForm, "disburse": DisburseForm, "return": ReasonForm, "withdraw": ReasonForm,
    "override": OverrideForm, "material": MaterialForm,
}

DONE = {
    "submit": "申请已提交，等待领导小组办公室审核。", "approve": "已审核通过。", "meeting": "已记录常务会议审议结果。",
    "notice": "拨付公示已发布。", "objection": "已登记异议，申请暂停。", "resume": "已记录异议处理结果并重新公示。",
    "disburse": "已登记拨付。", "return": "申请已退回承办企业。", "withdraw": "申请已撤回。", "override": "已记录例外放行。",
    "material": "材料已上传。",
}


def _objection_via_signal(*, request, text, by):
    """Office staff record an objection the same way the public window does: through
    the notice_objected signal, whose receiver (funds.hooks) calls the service."""
    require(REQUEST_FLOW.only(OBJECTION).may(by, request.etown))
    if request.notice is None:
        raise ValidationError("该申请尚未公示。")
    notice_objected.send(sender=DisbursementRequest, notice=request.notice, text=text, by=by, submission=None)


def _call(action, dr, data, files, user, version=None):
    """``version``: the request's version the page was rendered from (its hidden field):
    the service refuses a step posted from a page that is out of date."""
    today = timezone.localdate()
    v = {"version": version}
    if action == "submit":
        return services.disbursement_submit(request=dr, by=user, today=today, **v)
    if action == "approve":
        return services.disbursement_approve(request=dr, by=user, note=data["note"], today=today, **v)
    if action == "meeting":
        return services.disbursement_record_meeting(request=dr, meeting_date=data["meeting_date"],
                                                    minutes_number=data["minutes_number"], note=data["note"],
                                                    by=user, today=today, **v)
    if action == "notice":
        return services.disbursement_start_notice(request=dr, start_date=data["start_date"], by=user, today=today, **v)
    if action == "objection":
        return _objection_via_signal(request=dr, text=data["text"], by=user)
    if action == "resume":
        return services.disbursement_resume_notice(request=dr, resolution=data["resolution"],
                                                   start_date=data["start_date"], by=user, today=today, **v)
    if action == "disburse":
        return services.disbursement_disburse(request=dr, disbursed_on=data["disbursed_on"], amount=data["amount"],
                                              voucher_number=data["voucher_number"], voucher_upload=data.get("voucher"),
                                              by=user, today=today, **v)
    if action == "return":
        return services.disbursement_return(request=dr, reason=data["reason"], by=user, **v)
    if action == "withdraw":
        return services.disbursement_withdraw(request=dr, reason=data["reason"], by=user, **v)
    if action == "override":
        return services.gate_override_record(request=dr, gate_key=data["gate_key"], reason=data["reason"], by=user,
                                             today=today, **v)
    if action == "material":
        return services.disbursement_add_material(request=dr, kind=data["kind"], uploads=data["file"], by=user)
    raise Http404("没有这个操作")


@login_required
@require_POST
@audit_refusals
def request_act(request, pk, action):
    """Every step of the chain posts here; the service decides and refuses in Chinese
    (a refused role gets 403, bad input the form again with the message)."""
    if action not in DONE:
        raise Http404("没有这个操作")
    dr = _get(request.user, pk)
    form_class = ACTION_FORMS.get(action)
    form = form_class(request.POST, request.FILES, prefix=action) if form_class else None
    if form is not None and not form.is_valid():
        return _render_detail(request, dr, bound={action: form}, status=400)
    try:
        _call(action, dr, form.cleaned_data if form else {}, request.FILES, request.user, request.POST.get("version"))
    except ValidationError as error:
        if form is None:
            messages.error(request, "；".join(error.messages))
            return redirect(dr)
        apply_service_errors(form, error)
        return _render_detail(request, dr, bound={action: form}, status=400)
    messages.success(request, DONE[action])
    if action == "material":  # the next file is usually of the same category (issue 15)
        return redirect(f"{dr.get_absolute_url()}?material_kind={form.cleaned_data['kind']}#materials")
    return redirect(dr)


@login_required
@require_POST
def material_remove(request, pk, material_pk):
    dr = _get(request.user, pk, write=can_apply)
    try:
        material = dr.materials.get(pk=material_pk)
    except RequestMaterial.DoesNotExist:
        raise Http404("材料不存在")
    try:
        services.disbursement_remove_material(material=material, by=request.user)
        messages.success(request, "已移除该材料。")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect(dr)
