"""Pages of mid-term evaluations (中期绩效评价, 002 第十七条、第十八条)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from etown.models import Role
from etown.services.notices import notices_for_source
from etown.permissions import get_child_for, get_etown_for, has_role, memberships, require
from etown.views.common import apply_service_errors, paginate, querystring_without_page, run_service
from supervision.selectors import rectification as rectification_selectors

from ..forms.evaluations import DecisionForm, EvaluationEditForm, EvaluationForm, EvaluationImportForm, EvaluationItemForm
from ..models import Evaluation
from ..permissions import (
    can_confirm_re_evaluation,
    can_decide_evaluation,
    can_edit_evaluation,
    can_record_decision,
    can_record_evaluation,
)
from ..selectors import evaluations as selectors
from ..services import evaluations as services


def _agency_org(user, etown):
    """The agency the user records for, when the user acts as an assigned agency rather
    than as office staff."""
    if has_role(user, Role.OFFICE):
        return None
    for m in memberships(user):
        if m.role == Role.AGENCY and m.organization and etown.agencies.filter(pk=m.organization_id).exists():
            return m.organization
    return None


def import_template_url():
    """supervision's Excel template for feedback lists, when it offers one."""
    for name in ("supervision:rectification_template", "rectification_template"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


@login_required
def evaluation_list(request):
    result = request.GET.get("result", "")
    result = result if result in Evaluation.Result.values else ""
    page = paginate(request, selectors.evaluations_for(request.user, result=result))
    return render(request, "acceptance/evaluation_list.html", {
        "page": page, "result": result, "results": Evaluation.Result.choices,
        "querystring": querystring_without_page(request),
    })


@login_required
def evaluation_create(request, pk):
    etown = get_etown_for(request.user, pk, write=can_record_evaluation)
    agency_org = _agency_org(request.user, etown)
    form = EvaluationForm(request.POST or None, request.FILES or None, etown=etown, agency_user_org=agency_org)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        evaluation = run_service(form, services.evaluation_create, etown=etown, by=request.user, **data)
        if evaluation:
            messages.success(request, f"已录入中期绩效评价：{evaluation.get_result_display()}。")
            return redirect(evaluation)
    return render(request, "acceptance/form.html", {
        "form": form, "title": "录入中期绩效评价", "etown": etown,
        "intro": "结果为合格的继续拨付；基本合格的须整改合格后拨付；不合格的暂停拨付，并视情况减少支持资金、取消培育资格并收回已拨付资金（安泽办法第十八条）。",
    })


@login_required
def evaluation_edit(request, pk):
    evaluation = get_child_for(request.user, Evaluation, pk, write=can_record_evaluation)
    require(can_edit_evaluation(request.user, evaluation))
    etown = evaluation.etown
    instance = Evaluation.objects.get(pk=pk)
    form = EvaluationEditForm(request.POST or None, request.FILES or None, instance=instance, etown=etown,
                              agency_user_org=_agency_org(request.user, etown))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        if run_service(form, services.evaluation_update, evaluation=evaluation, by=request.user,
                       reason=reason, **data):
            messages.success(request, "评价信息已保存。")
            return redirect(evaluation)
    return render(request, "acceptance/form.html", {
        "form": form, "title": f"修改中期绩效评价 · {etown.name}", "etown": etown, "back": evaluation.get_absolute_url(),
    })


@login_required
def evaluation_detail(request, pk):
    evaluation = get_child_for(request.user, Evaluation, pk, related=("report_file", "agency", "recorded_by", "decided_by"))
    etown = evaluation.etown
    passed, reason = selectors.evaluation_gate(etown)
    latest = selectors.latest_evaluation(etown)
    return render(request, "acceptance/evaluation_detail.html", {
        "evaluation": evaluation, "etown": etown,
        "items": rectification_selectors.items_for_source(evaluation),
        "gate": {"passed": passed, "reason": reason, "is_latest": latest is not None and latest.pk == evaluation.pk},
        "notices": notices_for_source(evaluation),
        "can_edit": can_record_evaluation(request.user, etown) and can_edit_evaluation(request.user, evaluation),
        "can_decide": can_record_decision(request.user, evaluation),
        "can_publish": can_decide_evaluation(request.user, etown),
        "governing": selectors.governing_evaluation(etown),
        "can_confirm_replacement": bool(
            evaluation.replaces_id and not evaluation.replacement_confirmed_at
            and can_confirm_re_evaluation(request.user, etown)
        ),
    })


@login_required
@require_POST
def evaluation_confirm_replacement(request, pk):
    """An office head confirms a re-evaluation (issue 11): it then governs the funds."""
    evaluation = get_child_for(request.user, Evaluation, pk)
    require(can_confirm_re_evaluation(request.user, evaluation.etown))
    try:
        services.evaluation_confirm_replacement(evaluation=evaluation, by=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "已确认复评结果，拨付以复评结果为准。")
    return redirect(evaluation)


@login_required
def evaluation_item_add(request, pk):
    evaluation = get_child_for(request.user, Evaluation, pk, write=can_record_evaluation)
    require(can_edit_evaluation(request.user, evaluation))
    form = EvaluationItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.evaluation_add_item, evaluation=evaluation, by=request.user,
                       **form.cleaned_data):
            messages.success(request, "已登记反馈问题，列入整改台账。")
            if "another" in request.POST:
                return redirect("acceptance:evaluation_item_add", evaluation.pk)
            return redirect(evaluation)
    return render(request, "acceptance/form.html", {
        "form": form, "title": "登记评价反馈问题", "etown": evaluation.etown, "back": evaluation.get_absolute_url(),
        "another": True,
    })


@login_required
def evaluation_import(request, pk):
    evaluation = get_child_for(request.user, Evaluation, pk, write=can_record_evaluation)
    require(can_edit_evaluation(request.user, evaluation))
    form = EvaluationImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.evaluation_import_items(
                evaluation=evaluation, fileobj=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            count = len(result) if hasattr(result, "__len__") else result
            messages.success(request, f"已导入 {count} 项反馈问题，列入整改台账。")
            return redirect(evaluation)
    return render(request, "acceptance/form.html", {
        "form": form, "title": "导入评价反馈问题清单", "etown": evaluation.etown, "back": evaluation.get_absolute_url(),
        "template_url": import_template_url(),
    })


@login_required
def evaluation_decision(request, pk):
    evaluation = get_child_for(request.user, Evaluation, pk, write=can_decide_evaluation)
    require(can_record_decision(request.user, evaluation))
    initial = {}
    if evaluation.has_decision:
        initial = {f: getattr(evaluation, f) for f in
                   ("decided_on", "reduction_amount", "cancel_qualification", "clawback_amount", "decision_basis")}
    form = DecisionForm(request.POST or None, initial=initial, etown=evaluation.etown)
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.evaluation_record_decision, evaluation=evaluation, by=request.user,
                       **form.cleaned_data):
            messages.success(request, "已录入处理决定。")
            return redirect(evaluation)
    return render(request, "acceptance/form.html", {
        "form": form, "title": "录入不合格处理决定", "etown": evaluation.etown, "back": evaluation.get_absolute_url(),
        "intro": "中期绩效评价结果为不合格的，视情况采取减少支持资金、取消培育资格并收回已拨付资金等措施（安泽办法第十八条）。",
    })


@login_required
@require_POST
def evaluation_publish(request, pk):
    evaluation = get_child_for(request.user, Evaluation, pk, write=can_decide_evaluation)
    try:
        services.evaluation_publish(evaluation=evaluation, by=request.user)
    except ValidationError as error:
        messages.info(request, "；".join(error.messages))
    else:
        messages.success(request, "已在专栏发布评价结果公示。")
    return redirect(evaluation)


