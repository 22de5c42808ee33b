from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import services
from ..forms import (
    AgencyForm,
    ContractEditForm,
    ContractForm,
    ETownEditForm,
    ETownForm,
    IndicatorEditForm,
    IndicatorForm,
    OrganizationForm,
    TaskEditForm,
    TaskForm,
)
from ..hub import hub
from ..models import Contract, County, ETown, Indicator, Organization, Task
from ..permissions import (
    can_edit_etown,
    can_manage_registry,
    county_scope,
    has_scope,
    get_child_for,
    get_etown_for,
    office_counties,
)
from ..selectors import etown_summaries, phase_counts
from .common import paginate, querystring_without_page, run_service


def _filters(request):
    return {
        "q": request.GET.get("q", "").strip(),
        "province": request.GET.get("province", "").strip()[:20],
        "county": request.GET.get("county", "") if request.GET.get("county", "").isdigit() else "",
        "phase": request.GET.get("phase", "") if request.GET.get("phase") in ETown.Phase.values else "",
        "kind": request.GET.get("kind", "") if request.GET.get("kind") in ETown.Kind.values else "",
    }


def _area_options(user, filters):
    """(provinces, counties) of the list's filters. Over the whole country the 省份 filter
    comes first and the 区县 filter lists the chosen province's counties only: every county
    of the country in one list is neither usable nor cheap (300 options were a third of
    the national page's time, issue 16). Options are (value, label, selected)."""
    nationwide, county_ids = county_scope(user)
    provinces = None
    if nationwide:
        names = County.objects.order_by("province").values_list("province", flat=True).distinct()
        provinces = [(name, name, name == filters["province"]) for name in names]
        counties = County.objects.filter(province=filters["province"]) if filters["province"] else County.objects.none()
    else:
        counties = County.objects.filter(pk__in=county_ids)
    counties = [
        (str(pk), name, str(pk) == filters["county"])
        for pk, name in counties.order_by("name").values_list("pk", "name")
    ]
    return provinces, counties


@login_required
def dashboard(request):
    page = paginate(request, etown_summaries(request.user), per_page=10)
    return render(
        request,
        "etown/dashboard.html",
        {
            "page": page,
            "phases": phase_counts(request.user),
            "cards": hub.render_panels(hub.dashboard_cards, request, None),
            "can_create": office_counties(request.user).exists(),
        },
    )


@login_required
def etown_list(request):
    filters = _filters(request)
    page = paginate(request, etown_summaries(request.user, **filters))
    provinces, counties = _area_options(request.user, filters)
    return render(
        request,
        "etown/etown_list.html",
        {
            "page": page,
            "filters": filters,
            "provinces": provinces,
            "counties": counties,
            "phases": ETown.Phase.choices,
            "kinds": ETown.Kind.choices,
            "querystring": querystring_without_page(request),
            "can_create": office_counties(request.user).exists(),
            # The directory is for government staff (organization_list): no link that answers 403.
            "can_see_organizations": has_scope(request.user),
        },
    )


@login_required
def etown_detail(request, pk):
    etown = get_etown_for(request.user, pk)
    return render(
        request,
        "etown/etown_detail.html",
        {
            "etown": etown,
            "contracts": etown.contracts.select_related("contractor"),
            "tasks": etown.tasks.all(),
            "indicators": etown.indicators.all(),
            "agencies": etown.agencies.all(),
            "can_edit": can_edit_etown(request.user, etown),
            "panels": hub.render_panels(hub.panels, request, etown),
        },
    )


@login_required
def etown_create(request):
    counties = office_counties(request.user)
    if not counties.exists():
        raise PermissionDenied(can_manage_registry(request.user, None).reason)
    form = ETownForm(request.POST or None, counties=counties)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        etown = run_service(form, services.etown_create, by=request.user, **data)
        if etown:
            messages.success(request, f"已登记项目“{etown.name}”。")
            return redirect(etown)
    return render(request, "etown/form.html", {"form": form, "title": "登记e镇项目", "cancel_url": "etown_list"})


@login_required
def etown_edit(request, pk):
    etown = get_etown_for(request.user, pk, write=can_edit_etown)
    form = ETownEditForm(request.POST or None, instance=etown, counties=County.objects.filter(pk=etown.county_id))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        data.pop("county")
        fresh = ETown.objects.get(pk=etown.pk)  # the form mutated ``etown`` in place
        if run_service(form, services.etown_update, etown=fresh, by=request.user, reason=reason, **data):
            messages.success(request, "项目信息已保存。")
            return redirect(etown)
    return render(request, "etown/form.html", {"form": form, "title": f"修改项目信息 · {etown.name}", "etown": etown})


def _child_form(request, owner, form, service, success, **service_kwargs):
    """The common POST path of the contract, task and indicator forms."""
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        reason = data.pop("reason", None)
        if reason is not None:
            service_kwargs["reason"] = reason
        if run_service(form, service, by=request.user, **service_kwargs, **data):
            messages.success(request, success)
            return redirect(owner)
    return None


@login_required
def contract_create(request, pk):
    etown = get_etown_for(request.user, pk, write=can_edit_etown)
    form = ContractForm(request.POST or None, etown=etown)
    done = _child_form(request, etown, form, services.contract_create, "已登记合同。", etown=etown)
    return done or render(request, "etown/form.html", {"form": form, "title": "登记项目建设合同", "etown": etown})


@login_required
def contract_edit(request, pk):
    contract = get_child_for(request.user, Contract, pk, write=can_edit_etown)
    etown = contract.etown
    form = ContractEditForm(request.POST or None, instance=Contract.objects.get(pk=pk), etown=etown)
    done = _child_form(request, etown, form, services.contract_update, "合同已保存。", contract=contract)
    return done or render(request, "etown/form.html", {"form": form, "title": f"修改合同 · {contract}", "etown": etown})


@login_required
def task_create(request, pk):
    etown = get_etown_for(request.user, pk, write=can_edit_etown)
    form = TaskForm(request.POST or None)
    done = _child_form(request, etown, form, services.task_create, "已新增建设任务。", etown=etown)
    return done or render(request, "etown/form.html", {"form": form, "title": "新增建设任务", "etown": etown})


@login_required
def task_edit(request, pk):
    task = get_child_for(request.user, Task, pk, write=can_edit_etown)
    form = TaskEditForm(request.POST or None, instance=Task.objects.get(pk=pk))
    done = _child_form(request, task.etown, form, services.task_update, "建设任务已保存。", task=task)
    return done or render(request, "etown/form.html", {"form": form, "title": f"修改建设任务 · {task}", "etown": task.etown})


@login_required
def indicator_create(request, pk):
    etown = get_etown_for(request.user, pk, write=can_edit_etown)
    form = IndicatorForm(request.POST or None, etown=etown)
    done = _child_form(request, etown, form, services.indicator_create, "已新增绩效目标。", etown=etown)
    return done or render(request, "etown/form.html", {"form": form, "title": "新增绩效目标", "etown": etown})


@login_required
def indicator_edit(request, pk):
    indicator = get_child_for(request.user, Indicator, pk, write=can_edit_etown)
    etown = indicator.etown
    form = IndicatorEditForm(request.POST or None, instance=Indicator.objects.get(pk=pk), etown=etown)
    done = _child_form(request, etown, form, services.indicator_update, "绩效目标已保存。", indicator=indicator)
    return done or render(
        request, "etown/form.html", {"form": form, "title": f"修改绩效目标 · {indicator.name}", "etown": etown}
    )


@login_required
def agency_assign(request, pk):
    etown = get_etown_for(request.user, pk, write=can_edit_etown)
    form = AgencyForm(request.POST or None, etown=etown)
    if request.method == "POST" and form.is_valid():
        agency = form.cleaned_data["agency"]
        if run_service(form, services.etown_assign_agency, etown=etown, agency=agency, by=request.user):
            messages.success(request, f"已委托“{agency.name}”。")
            return redirect(etown)
    return render(request, "etown/form.html", {"form": form, "title": "委托第三方机构", "etown": etown})


@login_required
@require_POST
def agency_remove(request, pk, org_pk):
    etown = get_etown_for(request.user, pk, write=can_edit_etown)
    agency = get_object_or_404(etown.agencies, pk=org_pk)
    services.etown_unassign_agency(etown=etown, agency=agency, by=request.user)
    messages.success(request, f"已解除对“{agency.name}”的委托。")
    return redirect(etown)


@login_required
def organization_list(request):
    counties = office_counties(request.user)
    if not has_scope(request.user):
        raise PermissionDenied("仅政府部门人员可以查看单位名录。")
    province_wide, county_ids = county_scope(request.user)
    qs = Organization.objects.select_related("county").order_by("county__name", "kind", "name")
    if not province_wide:
        qs = qs.filter(county_id__in=county_ids) | qs.filter(county__isnull=True)
    form = OrganizationForm(request.POST or None, counties=counties) if counties.exists() else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("仅领导小组办公室可以登记单位。")
        if form.is_valid():
            org = run_service(form, services.organization_create, by=request.user, **form.cleaned_data)
            if org:
                messages.success(request, f"已登记单位“{org.name}”。")
                return redirect("organization_list")
    return render(request, "etown/organization_list.html", {"page": paginate(request, qs), "form": form})
