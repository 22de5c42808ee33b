"""Office pages for notices (公示): publish, edit before the start, withdraw with a reason
that stays visible on the column, and record an objection received on paper.

Notices of the disbursement and acceptance flows (``source_type`` set) are listed here
too but managed by their flow: withdrawing one here would leave its request waiting.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..services import notices as notice_services
from ..audit import record_denied
from ..models import Notice, PublicSubmission, Role
from ..forms.common import ReasonForm
from ..forms.notices import NoticeForm, OfflineObjectionForm
from ..permissions import ALLOW, Verdict, county_scope, has_scope, in_scope
from ..services import submissions as public_services
from ..workdays import calendar_warning
from .column import office_county
from .common import apply_service_errors, paginate, querystring_without_page, run_service


def can_manage_notice(user, notice):
    if not in_scope(user, notice.county_id, {Role.OFFICE}):
        return Verdict(False, "仅领导小组办公室可以管理公示。")
    if not notice.is_manual:
        return Verdict(False, "该公示由资金拨付或验收流程生成，请在相应流程中处理。")
    return ALLOW


def can_record_objection(user, notice):
    if not in_scope(user, notice.county_id, {Role.OFFICE}):
        return Verdict(False, "仅领导小组办公室可以登记异议。")
    if not notice.is_running(timezone.localdate()):
        return Verdict(False, "该公示不在公示期内。")
    return ALLOW


def _notice_for(request, pk, write=None):
    """404 outside the notice's county (county-wide roles read it), 403 when ``write``
    refuses."""
    try:
        notice = Notice.objects.select_related("county", "etown", "created_by").get(pk=pk)
    except (Notice.DoesNotExist, ValueError):
        raise Http404("公示不存在")
    if not in_scope(request.user, notice.county_id):
        record_denied(request.user, f"notice:{pk}", "无权查看", request=request)
        raise Http404("公示不存在")
    if write is not None:
        verdict = write(request.user, notice)
        if not verdict:
            record_denied(request.user, f"notice:{pk}", verdict.reason, request=request)
            raise PermissionDenied(verdict.reason)
    return notice


@login_required
def notice_list(request):
    """Every notice of the user's counties, drafts included: 3 queries whatever the
    number (memberships, COUNT, page)."""
    if not has_scope(request.user):
        raise PermissionDenied("仅政府部门人员可以查看公示管理。")
    province_wide, county_ids = county_scope(request.user)
    qs = Notice.objects.select_related("county", "etown").order_by("-start_date", "-pk")
    if not province_wide:
        qs = qs.filter(county_id__in=county_ids)
    state = request.GET.get("state", "")
    today = timezone.localdate()
    if state == "draft":
        qs = qs.filter(is_published=False)
    elif state == "running":
        qs = qs.filter(is_published=True, withdrawn_at__isnull=True, start_date__lte=today, end_date__gte=today)
    elif state == "withdrawn":
        qs = qs.filter(withdrawn_at__isnull=False)
    page = paginate(request, qs)
    for n in page.object_list:
        n.state_key, n.state_label = n.state(today)
    office_province, office_ids = county_scope(request.user, {Role.OFFICE})
    return render(
        request,
        "etown/notices.html",
        {
            "page": page, "state": state, "querystring": querystring_without_page(request),
            "can_create": office_province or bool(office_ids),
        },
    )


@login_required
def notice_create(request):
    county, _ = office_county(request)
    form = NoticeForm(request.POST or None, county=county)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        notice = run_service(
            form, notice_services.notice_create, county=county, etown=data["etown"], kind=data["kind"],
            title=data["title"], body=data["body"], start_date=data["start_date"],
            workdays_count=data["workdays_count"], publish=data["publish"], by=request.user,
        )
        if notice:
            messages.success(request, "公示已发布。" if notice.is_published else "已保存为草稿（未公开）。")
            return redirect("notice_detail", notice.pk)
    return render(request, "etown/notices_form.html", {"form": form, "title": f"发布公示 · {county.name}"})


@login_required
def notice_detail(request, pk):
    notice = _notice_for(request, pk)
    today = timezone.localdate()
    manage = can_manage_notice(request.user, notice)
    objections = notice.objections.order_by("-created_at")
    return render(
        request,
        "etown/notices_detail.html",
        {
            "notice": notice,
            "state": notice.state(today),
            "can_manage": manage,
            "can_edit": manage and notice.can_be_edited(today),
            "can_publish": manage and not notice.is_published and not notice.withdrawn_at,
            "can_withdraw": manage and notice.is_published and not notice.withdrawn_at,
            "can_object": can_record_objection(request.user, notice),
            "withdraw_form": ReasonForm(),
            "objection_form": OfflineObjectionForm(),
            "objections": objections,
            "history": notice.history.select_related("history_user").order_by("-history_date", "-history_id")[:30],
            # Issue 15: a period running into a year without a holiday calendar says so.
            "calendar_warning": calendar_warning(notice.start_date, notice.end_date),
        },
    )


@login_required
def notice_edit(request, pk):
    notice = _notice_for(request, pk, write=can_manage_notice)
    if not notice.can_be_edited(timezone.localdate()):
        raise PermissionDenied("公示已开始或已撤回，不能再修改；如内容有误，请撤回并说明原因后重新发布。")
    initial = {
        "etown": notice.etown_id, "kind": notice.kind, "title": notice.title, "body": notice.body,
        "start_date": notice.start_date, "workdays_count": notice.workdays,
    }
    form = NoticeForm(request.POST or None, county=notice.county, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form, notice_services.notice_update, notice=notice, by=request.user, reason=data["reason"],
            title=data["title"], body=data["body"], start_date=data["start_date"],
            workdays_count=data["workdays_count"], etown=data["etown"], kind=data["kind"],
        ):
            messages.success(request, "公示已修改。")
            return redirect("notice_detail", notice.pk)
    return render(request, "etown/notices_form.html", {"form": form, "title": f"修改公示 · {notice.title}",
                                                        "notice": notice})


@login_required
@require_POST
def notice_publish(request, pk):
    notice = _notice_for(request, pk, write=can_manage_notice)
    try:
        notice_services.notice_publish(notice=notice, by=request.user)
        messages.success(request, "公示已发布。")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("notice_detail", notice.pk)


@login_required
@require_POST
def notice_withdraw(request, pk):
    notice = _notice_for(request, pk, write=can_manage_notice)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写撤回原因。")
        return redirect("notice_detail", notice.pk)
    try:
        notice_services.notice_withdraw(notice=notice, reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, "公示已撤回，撤回原因将在专栏中一并显示。")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("notice_detail", notice.pk)


@login_required
def notice_objection(request, pk):
    """An objection received on paper or by phone, recorded by the office: it has the
    same effect as one from the public window (``notice_objected``)."""
    notice = _notice_for(request, pk, write=can_record_objection)
    form = OfflineObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submission, code = public_services.submission_create(
                county=notice.county, kind=PublicSubmission.Kind.OPINION, subject=data["subject"],
                content=data["content"], etown=notice.etown, notice=notice, name=data["name"],
                contact=data["contact"], channel=PublicSubmission.Channel.OFFLINE, by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"已登记异议。查询码 {code} 仅显示这一次，请告知提出人，凭码查询答复。")
            return redirect("submission_detail", submission.pk)
    return render(request, "etown/notices_form.html", {"form": form, "title": f"登记异议 · {notice.title}",
                                                        "notice": notice})
