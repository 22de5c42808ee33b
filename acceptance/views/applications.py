"""Pages of acceptance applications and reviews (004 附件3; 附件2 第十七条)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from etown.models.jobs import REVIEW_REPORT
from etown.selectors.jobs import latest_jobs
from etown.services.notices import notices_for_source
from etown.permissions import get_child_for, get_etown_for, require
from etown.views.common import paginate, querystring_without_page, run_service
from etown.workdays import WorkCalendar, calendar_warning
from supervision.selectors import rectification as rectification_selectors

from ..forms.applications import ApplicationForm, ChecklistForm, FilingForm, ReviewForm
from ..models import AcceptanceApplication, ApplicationMaterial
from ..models.application import ACCEPTANCE_WORKDAYS
from ..permissions import (
    can_apply_acceptance,
    can_file_acceptance,
    can_record_filing,
    can_record_review,
    can_review_acceptance,
)
from ..selectors import applications as selectors
from ..services import applications as services
from .conclusions import chain_context


def _filters(request):
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    return {
        "status": status if status in AcceptanceApplication.Status.values else "",
        "kind": kind if kind in AcceptanceApplication.Kind.values else "",
        "overdue": request.GET.get("overdue") == "1",
    }


@login_required
def application_list(request):
    filters = _filters(request)
    today = timezone.localdate()
    page = paginate(request, selectors.applications_for(request.user, today=today, **filters))
    for a in page:
        a.overdue = a.is_overdue(today)
    return render(request, "acceptance/application_list.html", {
        "page": page, "filters": filters, "statuses": AcceptanceApplication.Status.choices,
        "kinds": AcceptanceApplication.Kind.choices, "querystring": querystring_without_page(request),
    })


@login_required
def application_create(request, pk):
    etown = get_etown_for(request.user, pk, write=can_apply_acceptance)
    form = ApplicationForm(request.POST or None, request.FILES or None, etown=etown)
    today = timezone.localdate()
    calendar = WorkCalendar()
    due = services.acceptance_due_date(today, calendar=calendar)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        application = run_service(
            form, services.acceptance_apply, etown=etown, contract=data["contract"], kind=data["kind"],
            stage_name=data["stage_name"], summary=data["summary"], materials=form.materials(), by=request.user,
        )
        if application:
            messages.success(request, f"验收申请已提交，办公室须在 {application.due_on:%Y年%-m月%-d日} 前作出验收结论。")
            return redirect(application)
    return render(request, "acceptance/application_form.html", {
        "form": form, "etown": etown, "due": due, "workdays": ACCEPTANCE_WORKDAYS,
        "calendar_warning": calendar_warning(today, due, calendar=calendar),
    })


def _review_blocks(application):
    """Each review with its checklist and the rectification items it opened."""
    blocks = []
    for review in selectors.reviews_of(application):
        # Round 1's demands, and those a refused or revoked conclusion opened on a passed
        # review of any round (issue 12).
        items = list(rectification_selectors.items_for_source(review))
        open_ids = {i.pk for i in rectification_selectors.open_items_for_source(review)} if items else set()
        blocks.append({
            "review": review, "items": items, "open_ids": open_ids, "notices": list(notices_for_source(review)),
        })
    return blocks


@login_required
def application_detail(request, pk):
    application = get_child_for(
        request.user, AcceptanceApplication, pk,
        related=("contract__contractor", "submitted_by", "result_notice", "leader_approved_by", "audit_report",
                 "filing_file"),
    )
    today = timezone.localdate()
    calendar = WorkCalendar()
    materials = {label: [] for label in ApplicationMaterial.Category.labels}  # in the order of 附件3 第四条
    for m in ApplicationMaterial.objects.filter(application=application).select_related("file"):
        materials[m.get_category_display()].append(m)
    materials = {label: files for label, files in materials.items() if files}
    blocks = _review_blocks(application)
    report_jobs = latest_jobs(REVIEW_REPORT, [b["review"].pk for b in blocks])  # issue 13: state and retry
    for b in blocks:
        b["review"].report_job = report_jobs.get(b["review"].pk)
    open_items = sum(len(b["open_ids"]) for b in blocks)
    return render(request, "acceptance/application_detail.html", {
        **chain_context(request.user, application, today),
        "application": application, "etown": application.etown, "materials": materials, "blocks": blocks,
        "overdue": application.is_overdue(today),
        "workdays_left": calendar.workdays_between(today, application.due_on) if application.due_on >= today else 0,
        "workdays_late": calendar.workdays_between(application.due_on, today) if application.due_on < today else 0,
        "calendar_warning": calendar_warning(application.received_on, application.due_on, calendar=calendar),
        "can_review": can_record_review(request.user, application),
        "can_review_role": can_review_acceptance(request.user, application.etown),
        "can_file": can_record_filing(request.user, application),
        "open_items": open_items,
        "filing_form": FilingForm(initial={"filed_on": today}) if can_record_filing(request.user, application) else None,
    })


@login_required
def review_create(request, pk):
    application = get_child_for(
        request.user, AcceptanceApplication, pk, write=can_review_acceptance,
        related=("contract__contractor", "submitted_by"),
    )
    verdict = can_record_review(request.user, application)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect(application)
    previous = selectors.reviews_of(application).last()
    rectification_round = previous is not None
    rows = selectors.build_rows(application.etown, previous_review=previous)
    round_no = previous.round + 1 if previous is not None else 1
    form = ReviewForm(request.POST or None, application=application, round_no=round_no,
                      initial={"reviewed_on": timezone.localdate()})
    checklist = ChecklistForm(request.POST or None, rows=rows)
    open_before = sum(len(rectification_selectors.open_items_for_source(r)) for r in selectors.reviews_of(application))
    if request.method == "POST" and form.is_valid() and checklist.is_valid():
        data = form.cleaned_data
        review = run_service(
            form, services.acceptance_review_record, application=application, by=request.user,
            reviewed_on=data["reviewed_on"], methods=data["methods"], lead_unit=data["lead_unit"],
            member_units=data["member_units"], agency=data["agency"], observer=data["observer"],
            member_names=data["member_names"], opinion=data["opinion"], conclusion=data["conclusion"],
            checklist=checklist.filled_rows(), rectification_deadline=data.get("rectification_deadline"),
            extra_problems=form.extra_problem_lines() if not rectification_round else (),
            units=data.get("units", ""), persons=data.get("persons", ""), expected_round=data.get("round"),
        )
        if review:
            messages.success(request, f"已录入{review}结论：{review.get_conclusion_display()}。验收报告正在生成。")
            return redirect(application)
    return render(request, "acceptance/review_form.html", {
        "form": form, "checklist": checklist, "application": application, "etown": application.etown,
        "rectification_round": rectification_round, "previous": previous, "open_before": open_before,
    })


@login_required
def application_filing(request, pk):
    application = get_child_for(request.user, AcceptanceApplication, pk, write=can_file_acceptance)
    require(can_record_filing(request.user, application))
    form = FilingForm(request.POST or None, request.FILES or None, initial={"filed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.acceptance_record_filing, application=application, by=request.user,
                       **form.cleaned_data):
            messages.success(request, "已登记报备。")
            return redirect(application)
    return render(request, "acceptance/form.html", {
        "form": form, "title": "登记验收报备", "etown": application.etown, "back": application.get_absolute_url(),
        "intro": "验收合格出具验收报告和审计报告，并报运城市商务局和山西省商务厅备案（临猗资金办法第十七条）：登记报备日期、文号和报备文件。",
    })


