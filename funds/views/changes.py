"""Change and extension requests: the form, the page with its trail and actions (the
ones ``funds.workflow.CHANGE_FLOW`` gives the user)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from etown.permissions import get_child_for, get_etown_for
from etown.views.common import apply_service_errors, run_service

from .. import services
from ..forms.changes import ChangeForm, HigherApprovalForm
from ..forms.common import NoteForm, ReasonForm
from ..models import ChangeKind, ChangeRequest
from ..permissions import can_apply, can_see_contract, contract_scoped
from ..selectors.duties import duty_refusal
from ..workflow import CHANGE_FLOW, HIGHER
from . import audit_refusals


def _get(user, pk, write=None):
    change = get_child_for(user, ChangeRequest, pk, write=write, related=("contract",))
    if not can_see_contract(user, change.contract):  # another contractor's contract (附件2 第十一条)
        raise Http404("记录不存在")
    return change


@login_required
def change_create(request, pk):
    etown = get_etown_for(request.user, pk, write=can_apply)
    form = ChangeForm(request.POST or None, request.FILES or None, etown=etown)
    orgs = contract_scoped(request.user)
    if orgs is not None:
        form.fields["contract"].queryset = form.fields["contract"].queryset.filter(contractor_id__in=orgs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        change = run_service(form, services.change_create, by=request.user, application_upload=data.pop("application"), **data)
        if change:
            messages.success(request, "已保存为草稿，核对后请提交。")
            return redirect(change)
    return render(request, "funds/form.html", {
        "form": form, "etown": etown, "title": "变更或延期申请", "multipart": True,
        "help": "临猗资金办法第九条：不得随意调整资金用途、实施范围或变更合同内容，确需调整的须报请上级同意；"
                "第十条：不能按期完成的，须提交书面延期申请，说明原因并明确竣工时间，经领导小组同意后方可延期。",
    })


def _actions(user, change):
    """The forms of the actions this user may take now (None for a bare button)."""
    initial = {HIGHER: {"approved_on": timezone.localdate()}}
    acts = {}
    for action in CHANGE_FLOW.actions(user, change):
        if any(duty_refusal(change, user, step.record) for step in CHANGE_FLOW.at(change.status, action)):
            continue  # 不相容岗位分离: the service would refuse it; the page says why
        if action in DONE:
            form_class = FORMS.get(action)
            acts[action] = form_class(initial=initial.get(action)) if form_class else None
    return acts


def _render(request, change, bound=None, status=200):
    acts = _actions(request.user, change)
    acts.update(bound or {})
    return render(request, "funds/change_detail.html", {
        "change": change, "etown": change.etown, "acts": acts, "steps": change.steps.select_related("actor"),
        "is_extension": change.kind == ChangeKind.EXTENSION,
        "separated": sorted({r for r in (duty_refusal(change, request.user, s.record)
                                         for s in CHANGE_FLOW.table.get(change.status, ())
                                         if s.may(request.user, change.etown)) if r}),
    }, status=status)


@login_required
def change_detail(request, pk):
    return _render(request, _get(request.user, pk))


FORMS = {"approve": NoteForm, "higher": HigherApprovalForm, "return": ReasonForm, "withdraw": ReasonForm}
DONE = {"submit": "申请已提交。", "approve": "已审核通过。", "higher": "已记录上级同意，申请已批准。",
        "return": "申请已退回。", "withdraw": "申请已撤回。"}


@login_required
@require_POST
@audit_refusals
def change_act(request, pk, action):
    if action not in DONE:
        raise Http404("没有这个操作")
    change = _get(request.user, pk)
    form = FORMS[action](request.POST, request.FILES) if action in FORMS else None
    if form is not None and not form.is_valid():
        return _render(request, change, {action: form}, status=400)
    data = form.cleaned_data if form else {}
    v = {"version": request.POST.get("version")}  # the version the page was rendered from
    try:
        if action == "submit":
            services.change_submit(change=change, by=request.user, **v)
        elif action == "approve":
            services.change_approve(change=change, by=request.user, note=data["note"], **v)
        elif action == "higher":
            services.change_record_higher_approval(change=change, by=request.user, **data, **v)
        elif action == "return":
            services.change_return(change=change, by=request.user, reason=data["reason"], **v)
        else:
            services.change_withdraw(change=change, by=request.user, reason=data["reason"], **v)
    except ValidationError as error:
        if form is None:
            messages.error(request, "；".join(error.messages))
            return redirect(change)
        apply_service_errors(form, error)
        return _render(request, change, {action: form}, status=400)
    messages.success(request, DONE[action])
    return redirect(change)
