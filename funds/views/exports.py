"""Downloads: the ledger and asset workbooks (built by a task, stored, then served by
the permission-checked download view) and the approval form PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from etown.models import Job
from etown.models.jobs import FUNDS_EXPORT
from etown.permissions import get_etown_for
from etown.services.jobs import job_enqueue
from etown.views.common import generated_pdf_response

from ..exports.approval_form import approval_form_pdf
from ..exports.ledger import WRITERS
from .requests import _get


@login_required
@require_POST
def export(request, pk, what):
    etown = get_etown_for(request.user, pk)
    # A background job (issue 13): recorded, published after the commit with short
    # timeouts; the user follows it on 我的导出, where a broker outage says so.
    job = job_enqueue(kind=FUNDS_EXPORT, by=request.user, args=[etown.pk, what, request.user.pk], county=etown.county,
                      etown=etown, title=f"{etown.name}{WRITERS[what][1]}")
    job.refresh_from_db()
    if job.state == Job.State.DONE and job.result_id:  # embedded mode: built already
        return redirect("file_download", job.result_id)
    if job.publish_error:
        messages.warning(request, "任务队列暂不可用：导出已记录为排队中，系统恢复后将自动生成，无需重复操作。")
    else:
        messages.info(request, "导出文件正在生成，完成后可在“我的导出”下载，也会在“通知”中提供下载链接。")
    return redirect("job_list")


@login_required
def approval_form(request, pk):
    dr = _get(request.user, pk)
    return generated_pdf_response(approval_form_pdf(dr), f"拨付审批表-{dr.code}.pdf", inline=False)
