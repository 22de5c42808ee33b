"""Pages of the monthly reports. Each view fetches and authorises in one step
(``get_etown_for`` / ``get_child_for``: 404 for a user who may not see the e-town, 403
for a role that may not act) and writes only through ``services.reports``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from etown.permissions import get_child_for, get_etown_for, require
from etown.views.common import apply_service_errors, generated_pdf_response, paginate, querystring_without_page, run_service
from etown.workdays import WorkCalendar, fallback_message

from ..forms.reports import AcceptForm, ExportForm, ReportCreateForm, ReportForm, ReturnForm
from ..models import MonthlyReport
from ..permissions import (
    can_edit_report,
    can_export_monthly_data,
    can_file_reports,
    can_review_report,
    can_review_reports,
    can_see_review_queue,
    is_contractor,
)
from ..selectors.reports import (
    contractor_months,
    decorate_overdue,
    default_overdue_month,
    figure_changes,
    filtered_reports,
    latest_month_with_data,
    overdue_etowns,
    parse_month,
    previous_accepted,
    reports_for,
    visible_counties,
    waiting_reports,
)
from ..selectors.scope import can_see_report
from ..services import reports as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABS = {"waiting": "待审核", "overdue": "逾期未报", "all": "全部月报"}




def _calendar_note(calendar, dates):
    dates = [d for d in dates if d]
    if not dates:
        return None
    years = calendar.unknown_years(min(dates), max(dates))
    return fallback_message(years) if years else None


# Contractor ------------------------------------------------------------------------


def _report(request, pk, **kwargs):
    """The report, or 404 when the user may not see its e-town or it is another
    contractor's (per-contract scoping, issue 11)."""
    kwargs["related"] = (*kwargs.get("related", ()), "contract__contractor")
    report = get_child_for(request.user, MonthlyReport, pk, **kwargs)
    if not can_see_report(request.user, report):
        raise Http404("记录不存在")
    return report


@login_required
def report_mine(request):
    """The contractor's months: what is due when, and the state of each report."""
    if not is_contractor(request.user):
        raise PermissionDenied("“月度报告”供承办企业填报；办公室请使用“月报审核”。")
    today = timezone.localdate()
    calendar = WorkCalendar()
    rows = contractor_months(request.user, today=today, calendar=calendar)
    etowns = list({row.etown.pk: row.etown for row in rows}.values())
    selected = request.GET.get("etown", "")
    if selected.isdigit():
        rows = [row for row in rows if row.etown.pk == int(selected)]
    page = paginate(request, rows)
    return render(request, "supervision/reports/mine.html", {
        "page": page,
        "etowns": etowns,
        "selected": selected,
        "today": today,
        "querystring": querystring_without_page(request),
        "calendar_note": _calendar_note(calendar, [row.due for row in page]),
    })


@login_required
def report_create(request, pk):
    etown = get_etown_for(request.user, pk, write=can_file_reports)
    data = request.POST if request.method == "POST" else None
    form = ReportCreateForm(data, etown=etown, initial={"month": request.GET.get("month", "")})
    if data is not None and form.is_valid():
        report = run_service(
            form, services.monthly_report_create, etown=etown, period=form.cleaned_data["month"], by=request.user,
        )
        if report:
            messages.success(request, f"已创建{report.period_label}月报草稿，请填写后报送。")
            return redirect("report_edit", report.pk)
    return render(request, "supervision/reports/create.html", {"form": form, "etown": etown})


@login_required
def report_edit(request, pk):
    report = _report(request, pk, write=can_file_reports)
    require(can_edit_report(request.user, report))
    form = ReportForm(request.POST or None, request.FILES or None, report=report)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, services.monthly_report_update, report=report, by=request.user, **form.service_kwargs())
        if saved and request.POST.get("action") != "submit":
            messages.success(request, "月报草稿已保存。")
            return redirect("report_edit", report.pk)
        if saved:
            try:
                services.monthly_report_submit(report=saved, by=request.user)
            except ValidationError as error:
                # The draft is saved; show what is still missing beside its fields.
                data = request.POST.copy()
                data.pop("remove_attachments", None)
                form = ReportForm(data, report=MonthlyReport.objects.get(pk=report.pk))
                form.is_valid()
                apply_service_errors(form, error)
                messages.warning(request, "草稿已保存，但尚不能报送：请补全下面标出的内容。")
            else:
                messages.success(request, f"{saved.period_label}月报已报送，等待办公室审核。")
                return redirect(saved)
    return render(request, "supervision/reports/edit.html", {
        "form": form, "report": report, "etown": report.etown,
    })


@login_required
@require_POST
def report_submit(request, pk):
    report = _report(request, pk, write=can_file_reports)
    require(can_edit_report(request.user, report))
    try:
        services.monthly_report_submit(report=report, by=request.user)
    except ValidationError as error:
        messages.error(request, "尚不能报送：" + "；".join(dict.fromkeys(error.messages)))
        return redirect("report_edit", report.pk)
    messages.success(request, f"{report.period_label}月报已报送，等待办公室审核。")
    return redirect(report)


# Everyone who may read the e-town ----------------------------------------------------


def _detail_context(request, report, **extra):
    history = list(report.history.select_related("history_user").order_by("history_date", "history_id"))
    previous = previous_accepted(report)
    task_lines = list(report.task_lines.select_related("task"))
    indicator_lines = list(report.indicator_lines.select_related("indicator"))
    for line in task_lines:
        line.previous = previous["tasks"].get(line.task_id)
    for line in indicator_lines:
        line.previous = previous["indicators"].get(line.indicator_id)
    return {
        "report": report,
        "etown": report.etown,
        "previous_report": previous["report"],
        "task_lines": task_lines,
        "indicator_lines": indicator_lines,
        "figure_changes": figure_changes(report, task_lines, indicator_lines),
        "attachments": report.attachments.all(),
        "history": [h for h in history if h.history_change_reason],
        "can_edit": can_edit_report(request.user, report),
        "can_review": can_review_report(request.user, report),
        "can_withdraw": report.status in MonthlyReport.WAITING and bool(can_file_reports(request.user, report.etown)),
        "return_form": extra.pop("return_form", None) or ReturnForm(),
        "accept_form": AcceptForm(),
        **extra,
    }


@login_required
def report_detail(request, pk):
    report = _report(request, pk, related=("submitted_by", "reviewed_by"))
    return render(request, "supervision/reports/detail.html", _detail_context(request, report))


@login_required
@require_POST
def report_withdraw(request, pk):
    """The contractor takes back a report the office has not reviewed yet (issue 15)."""
    report = _report(request, pk, write=can_file_reports)
    try:
        services.monthly_report_withdraw(report=report, by=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "月报已撤回，可修改后重新报送。")
    return redirect(report)


@login_required
def report_pdf(request, pk):
    """The report as a printable PDF (issue 15), for whoever may read it."""

    from etown.documents import render_pdf

    report = _report(request, pk)
    contract = report.contract or report.etown.contracts.select_related("contractor").order_by("signed_on", "pk").first()
    content = render_pdf("supervision/reports/report_pdf.html", {
        "report": report, "etown": report.etown, "printed": timezone.localdate(),
        "contractor": contract.contractor.name if contract else "",
        "task_lines": report.task_lines.select_related("task").order_by("task__position", "task_id"),
        "indicator_lines": report.indicator_lines.select_related("indicator").order_by("indicator__position", "indicator_id"),
    })
    return generated_pdf_response(content, f"{report.etown.name}{report.period_label}月度报告.pdf")


# Office -----------------------------------------------------------------------------


@login_required
@require_POST
def report_accept(request, pk):
    report = _report(request, pk, write=can_review_reports)
    require(can_review_report(request.user, report))
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            services.monthly_report_accept(report=report, by=request.user, note=form.cleaned_data["note"])
        except (ValidationError, PermissionDenied) as error:  # a colleague returned or accepted it just now
            messages.error(request, "；".join(error.messages) if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, f"{report.etown.name}{report.period_label}月报已审核通过，指标与进度已更新。")
    return redirect(report)


@login_required
@require_POST
def report_return(request, pk):
    report = _report(request, pk, write=can_review_reports)
    require(can_review_report(request.user, report))
    form = ReturnForm(request.POST)
    if form.is_valid() and run_service(
        form, services.monthly_report_return, report=report, by=request.user, reason=form.cleaned_data["reason"],
    ):
        messages.success(request, f"已退回{report.etown.name}{report.period_label}月报，并通知承办企业。")
        return redirect(report)
    return render(
        request, "supervision/reports/detail.html", _detail_context(request, report, return_form=form), status=400,
    )


@login_required
def report_queue(request):
    """The office's review queue: reports waiting, e-towns overdue for a month (no report
    or a draft never sent), and every report with filters."""
    require(can_see_review_queue(request.user))
    user = request.user
    today = timezone.localdate()
    calendar = WorkCalendar()
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "waiting"
    month = parse_month(request.GET.get("month", ""))
    context = {
        "tab": tab, "tabs": TABS, "today": today,
        "querystring": querystring_without_page(request),
        "statuses": MonthlyReport.Status.choices,
        "filters": {
            "status": request.GET.get("status", "") if request.GET.get("status") in MonthlyReport.Status.values else "",
            "late": request.GET.get("late") == "1",
            "q": request.GET.get("q", "").strip()[:50],
        },
    }
    if tab == "waiting":
        page = paginate(request, waiting_reports(user, today=today))
    elif tab == "overdue":
        counties = list(visible_counties(user))
        month = month or default_overdue_month(counties, today, calendar=calendar)
        qs, due_by_county = overdue_etowns(user, month, today=today, calendar=calendar, counties=counties)
        page = paginate(request, qs)
        decorate_overdue(page.object_list, month, due_by_county, today, calendar=calendar)
        context["calendar_note"] = _calendar_note(calendar, list(due_by_county.values()))
    else:
        filters = context["filters"]
        page = paginate(request, filtered_reports(
            user, today=today, month=month, status=filters["status"], late=filters["late"], q=filters["q"],
        ))
    context["page"] = page
    context["month"] = month
    context["waiting_count"] = waiting_reports(user, today=today).count() if tab != "waiting" else page.paginator.count
    return render(request, "supervision/reports/queue.html", context)


@login_required
def report_export(request):
    """The departments' monthly data workbook (.xlsx)."""
    require(can_export_monthly_data(request.user))
    counties = visible_counties(request.user)
    calendar = WorkCalendar()
    default_month = latest_month_with_data(request.user) or default_overdue_month(
        list(counties), timezone.localdate(), calendar=calendar
    )
    bound = "month" in request.GET
    form = ExportForm(request.GET if bound else None, counties=counties, initial={"month": f"{default_month:%Y-%m}"})
    if bound and form.is_valid():
        month, county = form.cleaned_data["month"], form.cleaned_data["county"]
        # Built by a worker (issue 13), not inside the request; followed on 我的导出.
        job = services.monthly_workbook_queue(
            month=month, county=county, include_pending=form.cleaned_data["include_pending"], by=request.user,
        )
        job.refresh_from_db()
        if job.state == job.State.DONE and job.result_id:  # embedded mode: built already
            return redirect("file_download", job.result_id)
        if job.publish_error:
            messages.warning(request, "任务队列暂不可用：报表已记录为排队中，系统恢复后将自动生成，无需重复操作。")
        else:
            messages.info(request, "报表正在生成，完成后可在“我的导出”下载。")
        return redirect("job_list")
    recent = reports_for(request.user).values("period").order_by("-period").distinct()[:12]
    return render(request, "supervision/reports/export.html", {
        "form": form, "recent_months": [r["period"] for r in recent],
    })
