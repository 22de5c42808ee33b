"""Pages of inspections: county rules, e-town plans, the due list, inspections and their
findings. Each view fetches and authorises in one step (etown.permissions): 404 for
who may not see the e-town, 403 for who may see but not do."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from etown import workdays
from etown.models import County
from etown.permissions import get_child_for, get_etown_for, office_counties, visible_etowns, visible_etowns_q
from etown.views.common import generated_pdf_response, paginate, querystring_without_page, run_service

from ..forms.inspections import AttachForm, FindingForm, InspectionForm, PlanForm, PresetForm, RuleForm
from ..forms.rectification import FindingRectifyForm
from ..models import CountyInspectionRule, Inspection, InspectionCategory, InspectionFinding
from ..permissions import can_open_rectification, can_record_inspection, can_see_inspections, can_supervise
from ..selectors.inspections import (
    ACTIVE_PHASES,
    STATE_ORDER,
    due_rows,
    due_table,
    effective_plans,
    inspections_for,
    rows_from,
    rule_for_county,
)
from ..selectors.rectification import contractor_of
from ..services import inspections as services
from ..services.rectification import rectification_from_finding
from ..selectors.scope import scope_findings
from .rectification import warn_unresolved


@login_required
def inspection_due_list(request):
    """Planned inspections due and overdue across the user's e-towns, and recent ones."""
    if not can_see_inspections(request.user):
        raise PermissionDenied("仅政府部门人员和第三方机构可以查看检查计划。")
    today = timezone.localdate()
    state = request.GET.get("state", "")
    etowns = visible_etowns(request.user).select_related("county").filter(phase__in=ACTIVE_PHASES)
    # The stored due states (issue 16): brought to today, counted by state in one query
    # (which also gives the paginator its count), and one page read in SQL.
    table = due_table(etowns, today, states=[state] if state in STATE_ORDER else None)
    counts = table.counts()
    page = paginate(request, table)
    page.object_list = rows_from(page.object_list)
    recent = (
        Inspection.objects.filter(visible_etowns_q(request.user, "etown"))
        .select_related("etown", "agency")
        .order_by("-inspected_on", "-pk")[:10]
    )
    return render(request, "supervision/inspections/due_list.html", {
        "page": page, "counts": counts, "state": state, "recent": recent, "today": today,
        "querystring": querystring_without_page(request), "rule_counties": office_counties(request.user),
    })


@login_required
def inspection_rule_edit(request, county_pk):
    """A county's inspection frequencies (office of that county)."""
    counties = office_counties(request.user)
    county = get_object_or_404(County, pk=county_pk)
    if not counties.filter(pk=county.pk).exists():
        raise PermissionDenied("仅本区县领导小组办公室可以设置检查频次规则。")
    rule = rule_for_county(county)
    preset = PresetForm(request.POST if "preset" in request.POST else None)
    if request.method == "POST" and "preset" in request.POST:
        if preset.is_valid() and run_service(preset, services.inspection_rule_apply_preset, county=county,
                                             by=request.user, **preset.cleaned_data):
            messages.success(request, "已采用预设规则。")
            return redirect("inspection_rule_edit", county.pk)
    form = RuleForm(request.POST if "preset" not in request.POST else None, instance=rule if rule.pk else None,
                    initial={} if rule.pk else {})
    if request.method == "POST" and "preset" not in request.POST and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        if run_service(form, services.inspection_rule_save, county=county, by=request.user, reason=reason, **data):
            messages.success(request, "检查频次规则已保存。")
            return redirect("inspection_due_list")
    return render(request, "supervision/inspections/rule_form.html", {
        "form": form, "county": county, "rule": rule, "presets": CountyInspectionRule.PRESETS, "preset_form": preset,
    })


@login_required
def etown_inspections(request, pk):
    etown = get_etown_for(request.user, pk)
    today = timezone.localdate()
    return render(request, "supervision/inspections/etown_inspections.html", {
        "etown": etown,
        "rows": due_rows([etown], today),
        "plans": effective_plans([etown]),
        "page": paginate(request, inspections_for(etown)),
        "can_record": can_record_inspection(request.user, etown),
        "can_plan": can_supervise(request.user, etown),
        "today": today,
    })


@login_required
def inspection_plan_edit(request, pk):
    etown = get_etown_for(request.user, pk, write=can_supervise)
    plans = effective_plans([etown])
    form = PlanForm(request.POST or None, plans=plans)
    if request.method == "POST" and form.is_valid():
        for category, interval, starts_on in form.plan_values():
            services.inspection_plan_set(etown=etown, category=category, interval_months=interval, starts_on=starts_on,
                                         by=request.user)
        messages.success(request, "检查计划已保存。")
        return redirect("etown_inspections", etown.pk)
    return render(request, "supervision/inspections/plan_form.html", {"form": form, "etown": etown, "plans": plans})


@login_required
def inspection_create(request, pk):
    etown = get_etown_for(request.user, pk, write=can_record_inspection)
    initial = {"category": request.GET.get("category")} if request.GET.get("category") in InspectionCategory.values else {}
    form = InspectionForm(request.POST or None, request.FILES or None, etown=etown, initial=initial)
    if request.method == "POST" and form.is_valid():
        inspection = run_service(form, services.inspection_create, etown=etown, by=request.user, **form.service_kwargs())
        if inspection:
            messages.success(request, "检查记录已保存。可将发现的问题逐条转为整改事项。")
            return redirect(inspection)
    return render(request, "supervision/inspections/inspection_form.html", {"form": form, "etown": etown})


def _detail_context(request, inspection, **extra):
    findings = list(scope_findings(inspection.findings.all(), request.user).select_related("rectification"))
    can_rectify = can_open_rectification(request.user, inspection.etown)
    contract = contractor_of(inspection.etown) if can_rectify else None
    return {
        "default_units": contract.contractor.name if contract else "",
        "default_deadline": workdays.add_workdays(timezone.localdate(), 10),
        "inspection": inspection,
        "etown": inspection.etown,
        "findings": findings,
        "files": inspection.files.all(),
        "inspectors": inspection.inspectors.all(),
        "can_rectify": can_rectify,
        "can_record": can_record_inspection(request.user, inspection.etown),
        "rectify_form": extra.pop("rectify_form", None) or (FindingRectifyForm(prefix="rectify") if can_rectify else None),
        "rectify_for": extra.pop("rectify_for", None),
        "finding_form": extra.pop("finding_form", None) or FindingForm(),
        "attach_form": extra.pop("attach_form", None) or AttachForm(),
        **extra,
    }


@login_required
def inspection_detail(request, pk):
    inspection = get_child_for(request.user, Inspection, pk, related=("agency", "recorded_by"))
    return render(request, "supervision/inspections/inspection_detail.html", _detail_context(request, inspection))


@login_required
def inspection_pdf(request, pk):
    """The inspection record as a printable PDF (issue 15), for whoever may read it."""


    from etown.documents import render_pdf

    inspection = get_child_for(request.user, Inspection, pk, related=("agency", "recorded_by"))
    content = render_pdf("supervision/inspections/record_pdf.html", {
        "inspection": inspection, "etown": inspection.etown,
        "findings": scope_findings(inspection.findings.all(), request.user),
        "inspectors": inspection.inspectors.all(),
    })
    return generated_pdf_response(content, f"{inspection.etown.name}监督检查记录{inspection.inspected_on:%Y%m%d}.pdf")


@login_required
@require_POST
def inspection_add_finding(request, pk):
    inspection = get_child_for(request.user, Inspection, pk, write=can_record_inspection)
    form = FindingForm(request.POST)
    if form.is_valid() and run_service(form, services.inspection_add_finding, inspection=inspection,
                                       text=form.cleaned_data["text"], by=request.user):
        messages.success(request, "已补充发现的问题。")
        return redirect(inspection)
    return render(request, "supervision/inspections/inspection_detail.html",
                  _detail_context(request, inspection, finding_form=form), status=400)


@login_required
@require_POST
def inspection_attach(request, pk):
    inspection = get_child_for(request.user, Inspection, pk, write=can_record_inspection)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid() and run_service(form, services.inspection_attach, inspection=inspection,
                                       files=form.cleaned_data["files"], by=request.user):
        messages.success(request, "已上传。")
        return redirect(inspection)
    return render(request, "supervision/inspections/inspection_detail.html",
                  _detail_context(request, inspection, attach_form=form), status=400)


@login_required
@require_POST
def finding_rectify(request, pk):
    """One step: a finding becomes a rectification item (source: 日常监督检查)."""
    finding = get_object_or_404(InspectionFinding, pk=pk)
    inspection = get_child_for(request.user, Inspection, finding.inspection_id, write=can_open_rectification)
    form = FindingRectifyForm(request.POST, prefix="rectify")
    if form.is_valid():
        item = run_service(form, rectification_from_finding, finding=finding, by=request.user, **form.cleaned_data)
        if item:
            messages.success(request, "已转为整改事项，并通知承办企业。")
            warn_unresolved(request, item)
            return redirect(item)
    return render(request, "supervision/inspections/inspection_detail.html",
                  _detail_context(request, inspection, rectify_form=form, rectify_for=finding.pk), status=400)
