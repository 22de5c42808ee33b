"""The termination workflow's page and the 取消承办资格 form (issue 12): government
staff of the county only (a contractor gets 404)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from etown.models import LIVE_CONTRACTS
from etown.permissions import get_child_for, get_etown_for, in_scope
from etown.views.common import run_service

from .. import permissions as perms
from ..forms.termination import DisqualificationForm, GovernmentDecisionForm, LeaderDecisionForm, SendForm
from ..models import Termination
from ..selectors.termination import disqualification_warnings
from ..services import termination as services


def _termination(request, pk):
    termination = get_child_for(request.user, Termination, pk, related=("contract__contractor", "proposal", "county"))
    if not in_scope(request.user, termination.etown.county_id):  # government staff only
        raise Http404("记录不存在")
    return termination


def _page(request, termination, **forms):
    user, etown = request.user, termination.etown
    S = Termination.Status
    context = {
        "termination": termination, "etown": etown,
        "can_lead": termination.status == S.PENDING_LEADER and perms.can_lead_termination(user, etown),
        "can_send": termination.status == S.LEADER_APPROVED and perms.can_supervise(user, etown),
        "can_decide": termination.status == S.WITH_GOVERNMENT and perms.can_supervise(user, etown),
        "leader_form": forms.get("leader_form") or LeaderDecisionForm(),
        "send_form": forms.get("send_form") or SendForm(),
        "decision_form": forms.get("decision_form") or GovernmentDecisionForm(),
    }
    return render(request, "supervision/termination/detail.html", context)


@login_required
def termination_detail(request, pk):
    return _page(request, _termination(request, pk))


@login_required
@require_POST
def termination_leader(request, pk):
    termination = _termination(request, pk)
    form = LeaderDecisionForm(request.POST)
    if form.is_valid() and run_service(form, services.termination_leader_decide, termination=termination,
                                       by=request.user, **form.cleaned_data):
        messages.success(request, "审批意见已记录。")
        return redirect(termination.get_absolute_url())
    return _page(request, termination, leader_form=form)


@login_required
@require_POST
def termination_send(request, pk):
    termination = _termination(request, pk)
    form = SendForm(request.POST)
    if form.is_valid() and run_service(form, services.termination_send, termination=termination, by=request.user,
                                       **form.cleaned_data):
        messages.success(request, "已登记报送县人民政府。")
        return redirect(termination.get_absolute_url())
    return _page(request, termination, send_form=form)


@login_required
@require_POST
def termination_decide(request, pk):
    termination = _termination(request, pk)
    form = GovernmentDecisionForm(request.POST, request.FILES)
    if form.is_valid() and run_service(form, services.termination_record_decision, termination=termination,
                                       by=request.user, **form.cleaned_data):
        messages.success(request, "县人民政府的决定已登记。")
        return redirect(termination.get_absolute_url())
    return _page(request, termination, decision_form=form)


@login_required
def disqualification_create(request, pk):
    etown = get_etown_for(request.user, pk, write=perms.can_supervise)
    contracts = etown.contracts.filter(status__in=LIVE_CONTRACTS).select_related("contractor")
    form = DisqualificationForm(request.POST or None, request.FILES or None, contracts=contracts)
    if request.method == "POST" and form.is_valid():
        termination = run_service(form, services.disqualification_record, by=request.user, **form.cleaned_data)
        if termination:
            messages.success(request, "取消承办资格的决定已登记，合同已终止。")
            return redirect(termination.get_absolute_url())
    warnings = [w for w in disqualification_warnings([etown.county_id], timezone.localdate()) if w[0].etown_id == etown.pk]
    return render(request, "supervision/termination/disqualification_form.html",
                  {"form": form, "etown": etown, "warnings": warnings})
