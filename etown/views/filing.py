"""Pages of the plan filing (004 附件2 第四条): publish the notice, record the filing. The
e-town page shows the missing step through the panel etown.hooks registers."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from ..forms.filing import PlanFilingForm, PlanNoticeForm
from ..permissions import can_edit_etown, get_etown_for
from ..selectors.filing import filing_of, missing_step
from ..services import filing as services
from .common import run_service


@login_required
def plan_notice(request, pk):
    etown = get_etown_for(request.user, pk, write=can_edit_etown)
    today = timezone.localdate()
    form = PlanNoticeForm(request.POST or None, initial={"start_date": today})
    if request.method == "POST" and form.is_valid():
        filing = run_service(form, services.plan_notice_publish, etown=etown, by=request.user,
                             start_date=form.cleaned_data["start_date"])
        if filing:
            messages.success(request, f"已发布实施方案及资金管理办法公示，至 {filing.notice.end_date:%Y年%-m月%-d日}。")
            return redirect(etown.get_absolute_url() + "#plan-filing")
    return render(request, "etown/plan_filing_form.html", {
        "form": form, "title": f"{etown.name}：实施方案及资金管理办法公示", "etown": etown,
        "intro": "实施方案及项目资金管理办法经公示 5 个工作日后，报市商务局，并经省商务厅备案后组织实施（临猗资金办法第四条）。",
       
    })


@login_required
def plan_filing(request, pk):
    etown = get_etown_for(request.user, pk, write=can_edit_etown)
    today = timezone.localdate()
    form = PlanFilingForm(request.POST or None, request.FILES or None, initial={"filed_on": today})
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.plan_filing_record, etown=etown, by=request.user, **form.cleaned_data):
            messages.success(request, "已登记实施方案及资金管理办法备案。")
            return redirect(etown.get_absolute_url() + "#plan-filing")
    return render(request, "etown/plan_filing_form.html", {
        "form": form, "title": f"{etown.name}：登记市、省备案", "etown": etown,
        "intro": missing_step(filing_of(etown), today) or "已备案。",
    })
