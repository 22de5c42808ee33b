"""Downloads: the ledger and asset workbooks (built by a task, stored, then served by
the permission-checked download view) and the approval form PDF."""
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from etown.permissions import get_etown_for

from ..exports.approval_form import approval_form_pdf
from ..tasks import export_etown
from .requests import _get


@login_required
@require_POST
def export(request, pk, what):
    etown = get_etown_for(request.user, pk)
    back = "funds:ledger" if what == "ledger" else "funds:assets"
    result = export_etown.delay(etown.pk, what, request.user.pk)
    if result.ready():  # eager mode (no broker): the file is there already
        return redirect("file_download", result.get())
    messages.info(request, "导出文件正在生成，完成后将在“通知”中提供下载链接。")
    return redirect(back, etown.pk)


@login_required
def approval_form(request, pk):
    dr = _get(request.user, pk)
    response = HttpResponse(approval_form_pdf(dr), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'拨付审批表-{dr.code}.pdf')}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
