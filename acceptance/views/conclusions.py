"""Pages of the conclusion chain (004 附件3 第八条（二）; 附件2 第十二条3、第十七条): the
buttons and forms on the application page, each for the role whose step it is, and the
posts that call acceptance.services.conclusions."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from etown.permissions import can_read_citizen_text, get_child_for
from etown.views.common import run_service

from ..forms.conclusions import (
    AuditReportForm,
    ExceptionDecisionForm,
    GovernmentRefuseForm,
    GovernmentReviewForm,
    LeaderApproveForm,
    LeaderReturnForm,
    ObjectionForm,
    ResolveForm,
    ResubmitForm,
)
from ..models import AcceptanceApplication, ChecklistItem, ConclusionReturn, ResultObjection, ResultStage
from ..permissions import can_approve_conclusion, can_carry_conclusion, can_review_acceptance
from ..selectors.conclusions import passed_review
from ..services import conclusions as services

A = AcceptanceApplication


def _get(user, pk, write):
    return get_child_for(user, A, pk, write=write, related=("contract__contractor", "result_notice"))


def chain_context(user, application, today):
    """What the application page shows of the chain, and the forms of the step the
    user may take now (None when it is not theirs)."""
    passed = application.status == A.Status.PASSED
    stage = application.result_stage
    leader = passed and stage == ResultStage.LEADER and bool(can_approve_conclusion(user, application.etown))
    office = bool(can_carry_conclusion(user, application.etown))
    notice = application.result_notice
    objections = list(ResultObjection.objects.filter(application=application).select_related("resolved_by"))
    unresolved = [o for o in objections if not o.is_resolved]
    notice_over = notice is not None and today > notice.end_date
    returns = list(ConclusionReturn.objects.filter(application=application).select_related("recorded_by"))
    exceptions, review = [], None
    if passed:
        review = passed_review(application)
        if review is not None:
            exceptions = list(review.checklist.filter(judgement=ChecklistItem.Judgement.EXCEPTION)
                              .select_related("exception_decided_by"))
    pending = [i for i in exceptions if i.exception_status == ChecklistItem.ExceptionStatus.PENDING]
    group = passed and stage == ResultStage.RETURNED and bool(can_review_acceptance(user, application.etown))
    return {
        "chain_visible": passed,
        "chain_returns": returns,
        "chain_exceptions": exceptions,
        "chain_exceptions_unapproved": [i for i in exceptions
                                        if i.exception_status != ChecklistItem.ExceptionStatus.APPROVED],
        "exception_forms": {i.pk: ExceptionDecisionForm(prefix=f"exc-{i.pk}") for i in pending} if leader else {},
        "leader_return_form": LeaderReturnForm(prefix="return") if leader else None,
        "resubmit_form": (ResubmitForm(prefix="resubmit", initial={"opinion": review.opinion}) if group and review else None),
        "government_refuse_form": (GovernmentRefuseForm(prefix="refuse", initial={"reviewed_on": today})
                                   if office and passed and stage == ResultStage.GOVERNMENT else None),
        "chain_stage": stage,
        "chain_objections": objections,
        "chain_objection_text_visible": bool(can_read_citizen_text(user, application.etown.county_id)),
        "chain_unresolved": unresolved,
        "chain_notice_over": notice_over,
        "leader_form": LeaderApproveForm(prefix="leader") if leader else None,
        "audit_needed": application.kind == A.Kind.FINAL and not application.audit_report_id,
        "audit_form": (AuditReportForm(prefix="audit") if office and application.kind == A.Kind.FINAL and passed
                       and stage in (ResultStage.LEADER, ResultStage.GOVERNMENT) else None),
        "government_form": (GovernmentReviewForm(prefix="gov", initial={"reviewed_on": today, "notice_start": today})
                            if office and passed and stage == ResultStage.GOVERNMENT else None),
        "objection_form": ObjectionForm(prefix="objection") if office and passed and stage in (ResultStage.NOTICE, ResultStage.COUNTED) else None,
        "resolve_forms": {o.pk: ResolveForm(prefix=f"resolve-{o.pk}") for o in unresolved} if office else {},
        "can_confirm": office and passed and stage == ResultStage.NOTICE and notice_over and not unresolved,
    }


def _back(request, application, message, ok):
    (messages.success if ok else messages.error)(request, message)
    return redirect(application)


def _errors(form):
    return "；".join(e for errors in form.errors.values() for e in errors)


@login_required
@require_POST
def conclusion_leader_approve(request, pk):
    application = _get(request.user, pk, can_approve_conclusion)
    form = LeaderApproveForm(request.POST, prefix="leader")
    if form.is_valid() and run_service(form, services.acceptance_leader_approve, application=application,
                                       by=request.user, note=form.cleaned_data["note"]):
        return _back(request, application, "已审批通过验收结论，待办公室登记县政府审核结果。", True)
    return _back(request, application, _errors(form), False)


@login_required
@require_POST
def conclusion_leader_return(request, pk):
    application = _get(request.user, pk, can_approve_conclusion)
    form = LeaderReturnForm(request.POST, prefix="return")
    if form.is_valid() and run_service(form, services.acceptance_leader_return, application=application,
                                       by=request.user, reason=form.cleaned_data["reason"]):
        return _back(request, application, "已退回验收小组修改。", True)
    return _back(request, application, _errors(form), False)


@login_required
@require_POST
def conclusion_exception(request, pk, item_pk):
    application = _get(request.user, pk, can_approve_conclusion)
    item = get_object_or_404(ChecklistItem.objects.select_related("review__application"), pk=item_pk,
                             review__application=application)
    form = ExceptionDecisionForm(request.POST, prefix=f"exc-{item.pk}")
    if form.is_valid() and run_service(form, services.checklist_exception_decide, item=item, by=request.user,
                                       approve=form.cleaned_data["decision"] == "approve",
                                       note=form.cleaned_data["note"]):
        return _back(request, application, f"已审批例外项：{item.label}。", True)
    return _back(request, application, _errors(form), False)


@login_required
@require_POST
def conclusion_resubmit(request, pk):
    application = _get(request.user, pk, can_review_acceptance)
    form = ResubmitForm(request.POST, prefix="resubmit")
    if form.is_valid() and run_service(form, services.acceptance_conclusion_resubmit, application=application,
                                       by=request.user, opinion=form.cleaned_data["opinion"],
                                       note=form.cleaned_data["note"]):
        return _back(request, application, "已修改验收意见并重新报送领导小组审批。", True)
    return _back(request, application, _errors(form), False)


@login_required
@require_POST
def conclusion_government_refuse(request, pk):
    application = _get(request.user, pk, can_carry_conclusion)
    form = GovernmentRefuseForm(request.POST, prefix="refuse")
    if form.is_valid() and run_service(form, services.acceptance_government_refuse, application=application,
                                       by=request.user, **form.cleaned_data):
        return _back(request, application, "已登记县政府审核不同意，验收转入整改，整改完成后由验收小组复核。", True)
    return _back(request, application, _errors(form), False)


@login_required
@require_POST
def conclusion_government(request, pk):
    application = _get(request.user, pk, can_carry_conclusion)
    form = GovernmentReviewForm(request.POST, prefix="gov")
    if form.is_valid():
        data = form.cleaned_data
        done = run_service(form, services.acceptance_record_government_review, application=application,
                           by=request.user, reviewed_on=data["reviewed_on"], document_number=data["document_number"],
                           notice_start=data.get("notice_start"))
        if done:
            notice = done.result_notice
            return _back(request, application, f"已登记县政府审核，验收结果公示至 {notice.end_date:%Y年%-m月%-d日}。", True)
    return _back(request, application, _errors(form), False)


@login_required
@require_POST
def conclusion_confirm(request, pk):
    application = _get(request.user, pk, can_carry_conclusion)
    try:
        services.acceptance_confirm_result(application=application, by=request.user)
    except ValidationError as error:
        return _back(request, application, "；".join(error.messages), False)
    return _back(request, application, "验收结论已生效。", True)


@login_required
@require_POST
def conclusion_objection(request, pk):
    application = _get(request.user, pk, can_carry_conclusion)
    form = ObjectionForm(request.POST, prefix="objection")
    if form.is_valid() and run_service(form, services.acceptance_record_objection, application=application,
                                       text=form.cleaned_data["text"], by=request.user):
        return _back(request, application, "已登记异议；处理完毕前，验收结论不生效，依据该验收的拨付暂停。", True)
    return _back(request, application, _errors(form), False)


@login_required
@require_POST
def objection_resolve(request, pk, objection_pk):
    application = _get(request.user, pk, can_carry_conclusion)
    objection = get_object_or_404(ResultObjection, pk=objection_pk, application=application)
    form = ResolveForm(request.POST, prefix=f"resolve-{objection.pk}")
    if form.is_valid() and run_service(form, services.acceptance_resolve_objection, objection=objection,
                                       by=request.user, **form.cleaned_data):
        if form.cleaned_data["founded"]:
            return _back(request, application, "异议成立：验收结论不生效（已生效的已撤销），转入整改，复核通过后重新公示。", True)
        return _back(request, application, "已登记异议处理结果（异议不成立）。", True)
    return _back(request, application, _errors(form), False)


@login_required
def audit_report(request, pk):
    application = _get(request.user, pk, can_carry_conclusion)
    form = AuditReportForm(request.POST or None, request.FILES or None, prefix="audit")
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.acceptance_record_audit_report, application=application,
                       upload=form.cleaned_data["file"], issuer=form.cleaned_data["issuer"], by=request.user):
            return _back(request, application, "已上传审计报告。", True)
    return render(request, "acceptance/form.html", {
        "form": form, "title": "上传终期验收审计报告", "etown": application.etown,
        "back": application.get_absolute_url(),
        "intro": "验收合格出具验收报告和审计报告（临猗资金办法第十七条）；领导小组审批终期验收结论前须上传。",
    })
