"""The special-funds ledger (专账) and the asset register (资产台账) of an e-town."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from etown.permissions import get_child_for, get_etown_for
from etown.views.common import paginate, run_service

from .. import services
from ..forms.ledger import AssetForm, AssetInspectionForm, LedgerForm, ReverseForm
from ..models import Asset, LedgerEntry
from ..permissions import can_check_assets, can_record_ledger, can_see_contract, contract_scoped
from ..selectors.ledger import entry_flags, ledger_page
from ..selectors.policy import policy_for
from ..selectors.requests import own_contracts_q


def _own_contracts(form, user):
    """A contractor's staff record on their own company's contracts only (附件2 第十一条)."""
    orgs = contract_scoped(user)
    if orgs is not None and "contract" in form.fields:
        form.fields["contract"].queryset = form.fields["contract"].queryset.filter(contractor_id__in=orgs)
    return form


@login_required
def ledger(request, pk):
    """Newest first, 50 a page, keyset-paginated (a county ledger can hold a million
    rows; no COUNT)."""
    etown = get_etown_for(request.user, pk)
    threshold = policy_for(etown.county).ledger_contract_threshold
    rows, next_cursor = ledger_page(etown, cursor=request.GET.get("after", ""), user=request.user)
    return render(request, "funds/ledger.html", {
        "etown": etown,
        "rows": [(e, entry_flags(e, threshold)) for e in rows],
        "next_cursor": next_cursor,
        "is_first": not request.GET.get("after"),
        "threshold": threshold,
        "can_record": can_record_ledger(request.user, etown),
        "reverse_form": ReverseForm(),
    })


@login_required
def ledger_create(request, pk):
    etown = get_etown_for(request.user, pk, write=can_record_ledger)
    threshold = policy_for(etown.county).ledger_contract_threshold
    form = _own_contracts(LedgerForm(request.POST or None, request.FILES or None, etown=etown, threshold=threshold),
                          request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        entry = run_service(
            form, services.ledger_record, etown=etown, by=request.user, invoice_upload=data.pop("invoice"),
            payee_contract_upload=data.pop("payee_contract"), **data,
        )
        if entry:
            messages.success(request, "已登记支出。")
            if entry.invoice_reused:
                messages.warning(request, f"发票号码 {entry.invoice_number} 在本县专账中已登记过，已标记为疑点。")
            if entry.over_disbursed:
                messages.warning(request, "累计支出已超出已拨付到账的专项资金，已标记为疑点。")
            return redirect("funds:ledger", etown.pk)
    return render(request, "funds/form.html", {
        "form": form, "etown": etown, "title": "登记专账支出", "multipart": True,
        "help": "专项资金专账核算、专款专用（临猗资金办法第十五条、第十六条）。已登记的支出不能修改或删除，如有错误请冲销后重新登记。",
    })


@login_required
@require_POST
def ledger_reverse(request, pk):
    entry = get_child_for(request.user, LedgerEntry, pk, write=can_record_ledger)
    if not can_see_contract(request.user, entry.contract):  # another contractor's entry
        raise Http404("记录不存在")
    form = ReverseForm(request.POST)
    if form.is_valid() and run_service(form, services.ledger_reverse, entry=entry, by=request.user, **form.cleaned_data):
        messages.success(request, "已冲销。如需更正，请重新登记正确的支出。")
    else:
        messages.error(request, "冲销失败：" + "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("funds:ledger", entry.etown_id)


@login_required
def assets(request, pk):
    etown = get_etown_for(request.user, pk)
    qs = etown.assets.filter(own_contracts_q(request.user)).select_related("task", "photo", "contract").order_by(
        "-acquired_on", "-pk")
    state = request.GET.get("state", "")
    if state:
        qs = qs.filter(state=state)
    return render(request, "funds/assets.html", {
        "etown": etown,
        "page": paginate(request, qs),
        "state": state,
        "states": Asset._meta.get_field("state").choices,
        "can_record": can_record_ledger(request.user, etown),
        "can_check": can_check_assets(request.user, etown),
        "querystring": f"state={state}" if state else "",
    })


@login_required
def asset_create(request, pk):
    etown = get_etown_for(request.user, pk, write=can_record_ledger)
    form = _own_contracts(AssetForm(request.POST or None, request.FILES or None, etown=etown), request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if run_service(form, services.asset_create, etown=etown, by=request.user, photo_upload=data.pop("photo"), **data):
            messages.success(request, "已登记资产。")
            return redirect("funds:assets", etown.pk)
    return render(request, "funds/form.html", {
        "form": form, "etown": etown, "title": "登记资产", "multipart": True,
        "help": "专项资金支持建设的项目须建立规范详细的资产管理台账（临猗资金办法第八条）。",
    })


@login_required
def asset_inspect(request, pk):
    asset = get_child_for(request.user, Asset, pk, write=can_check_assets)
    form = AssetInspectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if run_service(form, services.asset_record_inspection, asset=asset, by=request.user,
                       photo_upload=data.pop("photo"), **data):
            messages.success(request, "已记录核查结果。")
            return redirect("funds:assets", asset.etown_id)
    return render(request, "funds/form.html", {
        "form": form, "etown": asset.etown, "title": f"资产核查 · {asset.name}", "multipart": True,
        "records": asset.inspections.select_related("recorded_by", "photo"),
        "help": "检查时核对资产是否在用、闲置或被挪用（临猗日常监督管理制度第1条第（五）项：避免设备闲置、挪用）。",
    })
