"""Pages of the plan filings (004 附件2 第四条): publish the notice of one document (the
implementation plan or the fund rules), record its filing. The e-town page shows what is
missing for each through the panel etown.hooks registers."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from ..forms.filing import PlanFilingForm, PlanNoticeForm
from ..models import PlanFiling
from ..permissions import can_edit_etown, get_etown_for
from ..selectors.filing import filing_of, missing_step
from ..services import filing as services
from .common import run_service


def _kind(kind):
    if kind not in PlanFiling.Kind.values:
        raise Http404("没有这种备案文件。")
    return kind, PlanFiling.Kind(kind).label


@login_required
def plan_notice(request, pk, kind):
    etown = get_etown_for(request.user, pk, write=can_edit_etown)
    kind, label = _kind(kind)
    today = timezone.localdate()
    form = PlanNoticeForm(request.POST or None, initial={"start_date": today})
    if request.method == "POST" and form.is_valid():
        filing = run_service(form, services.plan_notice_publish, etown=etown, kind=kind, by=request.user,
                             start_date=form.cleaned_data["start_date"])
        if filing:
            messages.success(request, f"已发布{label}公示，至 {filing.notice.end_date:%Y年%-m月%-d日}。")
            return redirect(etown.get_absolute_url() + "#plan-filing")
    return render(request, "etown/plan_filing_form.html", {
        "form": form, "title": f"{etown.name}：{label}公示", "etown": etown,
        "intro": f"{label}经公示 5 个工作日后，报市商务局，并经省商务厅备案后组织实施（临猗资金办法第四条）。",
    })


@login_required
def plan_filing(request, pk, kind):
    etown = get_etown_for(request.user, pk, write=can_edit_etown)
    kind, label = _kind(kind)
    today = timezone.localdate()
    form = PlanFilingForm(request.POST or None, request.FILES or None, initial={"filed_on": today})
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.plan_filing_record, etown=etown, kind=kind, by=request.user, **form.cleaned_data):
            messages.success(request, f"已登记{label}备案。")
            return redirect(etown.get_absolute_url() + "#plan-filing")
    return render(request, "etown/plan_filing_form.html", {
        "form": form, "title": f"{etown.name}：登记{label}市、省备案", "etown": etown,
        "intro": missing_step(filing_of(etown, kind), today, kind) or f"{label}已备案。",
    })
