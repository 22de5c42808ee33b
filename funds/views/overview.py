"""The funds home (approval queue and the e-towns' figures), the funds overview of one
e-town, clawbacks and the county's funds settings."""
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from etown.models import Contract, County
from etown.permissions import county_scope, get_etown_for, visible_etowns
from etown.views.common import paginate, run_service

from .. import services
from ..services import clawbacks
from ..forms.ledger import ClawbackForm, ProposalConfirmForm, ProposalDismissForm
from ..forms.policy import ChainForm, PolicyForm
from ..models import AssetState, Clawback, ClawbackProposal, ChangeRequest, RequestStatus
from ..permissions import can_apply, can_change_chain, can_edit_policy, can_office_act, can_record_ledger
from ..selectors.changes import change_queue
from ..selectors.ledger import ledger_flag_counts
from ..selectors.policy import policy_for
from ..selectors.positions import ZERO, annotate_positions, etown_funds, position_of
from ..selectors.requests import request_queue, visible_requests


@login_required
def home(request):
    """专项资金: what waits for me, then every e-town I may see with its figures."""
    etowns = paginate(request, visible_etowns(request.user).select_related("county").order_by("county__name", "name"))
    figures = defaultdict(lambda: defaultdict(lambda: ZERO))
    contracts = annotate_positions(Contract.objects.filter(etown__in=[e.pk for e in etowns]))
    for contract in contracts:
        p = position_of(contract)
        row = figures[contract.etown_id]
        for key in ("amount", "disbursed", "clawed_back", "net_disbursed", "retention_held", "remaining", "in_flight"):
            row[key] += getattr(p, key)
    rows = [(e, figures[e.pk]) for e in etowns]
    province_wide, office_counties = county_scope(request.user, {"office"})
    policy_counties = County.objects.all() if province_wide else County.objects.filter(pk__in=office_counties)
    return render(request, "funds/home.html", {
        "queue": request_queue(request.user)[:100],
        "changes": change_queue(request.user)[:50],
        "page": etowns,
        "rows": rows,
        "policy_counties": policy_counties,
    })


def chart_data(funds, disbursed_requests):
    t = funds.totals
    composition = [
        ("合同金额", t["amount"]), ("核减", t["reduced"]), ("已拨付净额", t["net_disbursed"]), ("已追回", t["clawed_back"]),
        ("台账支出", t["spent"]), ("尾款留存", t["retention_held"]), ("在途申请", t["in_flight"]),
    ]
    # A step line from the first contract's signing (0) to today.
    signed = [p.contract.signed_on for p in funds.positions]
    cumulative, timeline = ZERO, ([[min(signed).isoformat(), 0.0]] if signed else [])
    for r in disbursed_requests:
        cumulative += r.disbursed_amount
        timeline.append([r.disbursed_on.isoformat(), float(cumulative / 10000)])
    if timeline:
        timeline.append([timezone.localdate().isoformat(), float(cumulative / 10000)])
    return {
        "composition": {"labels": [k for k, _ in composition], "values": [float(v / 10000) for _, v in composition]},
        "timeline": timeline,
        "ceiling": float((t["amount"] - t["reduced"]) / 10000),
    }


@login_required
def etown_overview(request, pk):
    etown = get_etown_for(request.user, pk)
    funds = etown_funds(etown)
    policy = policy_for(etown.county)
    disbursed = list(
        visible_requests(request.user, etown=etown, status=RequestStatus.DISBURSED).order_by("disbursed_on", "pk")
    )
    assets = dict(etown.assets.order_by().values_list("state").annotate(n=Count("pk")))
    return render(request, "funds/etown_overview.html", {
        "etown": etown,
        "funds": funds,
        "t": funds.totals,
        "flags": ledger_flag_counts(etown, policy.ledger_contract_threshold),
        "policy": policy,
        "requests": visible_requests(request.user, etown=etown)[:10],
        "changes": ChangeRequest.objects.filter(etown=etown).select_related("contract").order_by("-pk")[:10],
        "clawbacks": Clawback.objects.filter(etown=etown).select_related("contract", "recorded_by", "evaluation"),
        # Issue 12: clawback proposals (002 第九条) for the office to confirm or dismiss.
        "proposals": ClawbackProposal.objects.filter(etown=etown).select_related("contract", "clawback", "decided_by"),
        "assets": [(label, assets.get(value, 0), value) for value, label in AssetState.choices],
        "chart": chart_data(funds, disbursed),
        "can_apply": can_apply(request.user, etown),
        "can_ledger": can_record_ledger(request.user, etown),
        "can_office": can_office_act(request.user, etown),
    })


@login_required
def clawback_create(request, pk):
    etown = get_etown_for(request.user, pk, write=can_office_act)
    form = ClawbackForm(request.POST or None, etown=etown)
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.clawback_record, by=request.user, **form.cleaned_data):
            messages.success(request, "已登记。尚可拨付的金额已相应减少。")
            return redirect("funds:etown", etown.pk)
    return render(request, "funds/form.html", {
        "form": form, "etown": etown, "title": "登记追回或核减",
        "help": "安泽办法第九条：未能如期完工或整改不到位的，追回前期预付资金；第十八条：中期绩效评价不合格的，"
                "视情况减少支持资金、取消培育资格并收回已拨付资金。追回的资金不再拨付，核减降低可拨付上限。",
    })


@login_required
def policy_edit(request, county_pk):
    county = get_object_or_404(County, pk=county_pk)
    verdict = can_edit_policy(request.user, county.pk)
    if not verdict:
        province_wide, counties = county_scope(request.user)
        if not province_wide and county.pk not in counties:
            raise Http404("区县不存在")  # another county's staff or a contractor learns nothing
        raise PermissionDenied(verdict.reason)
    policy = policy_for(county)
    form = PolicyForm(request.POST or None, county=county, initial={
        "finance_department": policy.finance_department, "ledger_contract_threshold": policy.ledger_contract_threshold,
        "notice_workdays": policy.notice_workdays,
    })
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.policy_update, county=county, by=request.user, **form.cleaned_data):
            messages.success(request, "专项资金设置已保存。")
            return redirect("funds:home")
    return render(request, "funds/form.html", {"form": form, "title": f"专项资金设置 · {county.name}"})


@login_required
def policy_chain_edit(request, county_pk):
    """The county's disbursement chain (issue 12): office heads change it, with a reason
    and a confirmation; everyone else of the county reads it here."""
    county = get_object_or_404(County, pk=county_pk)
    province_wide, counties = county_scope(request.user)
    if not province_wide and county.pk not in counties:
        raise Http404("区县不存在")
    policy = policy_for(county)
    verdict = can_change_chain(request.user, county.pk)
    if request.method == "POST" and not verdict:
        raise PermissionDenied(verdict.reason)
    initial = {f: getattr(policy, f) for f in policy.CHAIN_FIELDS}
    initial["chain_clause"] = policy.chain_clause
    form = ChainForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.policy_chain_update, county=county, by=request.user, **form.cleaned_data):
            messages.success(request, "拨付程序已修改，并记入变更历史。")
            return redirect("funds:chain", county.pk)
    history = policy.history.select_related("history_user").order_by("-history_date")[:20] if policy.pk else ()
    return render(request, "funds/chain.html", {
        "form": form, "county": county, "policy": policy, "can_change": bool(verdict), "history": history,
        "title": f"拨付程序 · {county.name}",
    })


@login_required
@require_POST
def proposal_act(request, pk, action):
    """Confirm (a clawback of the amount given) or dismiss (with a reason) a clawback
    proposal: the county's office."""
    if action not in ("confirm", "dismiss"):
        raise Http404("操作不存在")
    proposal = get_object_or_404(ClawbackProposal.objects.select_related("contract__etown"), pk=pk)
    etown = get_etown_for(request.user, proposal.etown_id, write=can_office_act)
    form = ProposalConfirmForm(request.POST) if action == "confirm" else ProposalDismissForm(request.POST)
    if form.is_valid():
        service = clawbacks.clawback_proposal_confirm if action == "confirm" else clawbacks.clawback_proposal_dismiss
        if run_service(form, service, proposal=proposal, by=request.user, **form.cleaned_data):
            messages.success(request, "追回建议已处理。")
            return redirect(proposal.get_absolute_url())
    for field, errors in form.errors.items():
        messages.error(request, "；".join(errors))
    return redirect(reverse("funds:etown", args=[etown.pk]) + f"#proposal-{proposal.pk}")
