"""The project dossier page: request a build, see its state, download the ZIP
(004 附件2 第十八条). Office staff and auditors of the county only."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from etown import filestore
from etown.audit import record
from etown.models import AuditEvent
from etown.models.jobs import DOSSIER
from etown.permissions import get_etown_for
from etown.selectors.jobs import latest_jobs

from ..models import DossierExport
from ..permissions import can_export_dossier
from ..services.dossier import dossier_request


@login_required
def dossier_page(request, pk):
    etown = get_etown_for(request.user, pk, write=can_export_dossier)
    contracts = etown.contracts.select_related("contractor").order_by("signed_on", "pk")
    if request.method == "POST":
        contract = None
        if request.POST.get("contract"):
            contract = contracts.filter(pk=request.POST["contract"]).first() if request.POST["contract"].isdigit() else None
            if contract is None:
                raise Http404("合同不存在")
        try:
            dossier_request(etown=etown, by=request.user, contract=contract)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "已开始生成项目档案，完成后将通过站内通知告知您。")
        return redirect("acceptance:dossier_page", etown.pk)
    exports = list(DossierExport.objects.filter(etown=etown).select_related("requested_by", "contract").order_by("-requested_at", "-pk")[:20])
    jobs = latest_jobs(DOSSIER, [x.pk for x in exports])
    for x in exports:  # the background job's state and retry (issue 13)
        x.job = jobs.get(x.pk)
    return render(request, "acceptance/dossier.html", {"etown": etown, "exports": exports, "contracts": contracts})


@login_required
def dossier_download(request, pk):
    try:
        export = DossierExport.objects.get(pk=pk)
    except DossierExport.DoesNotExist:
        raise Http404("档案不存在")
    get_etown_for(request.user, export.etown_id, write=can_export_dossier)
    if export.status != DossierExport.Status.READY:
        raise Http404("档案尚未生成")
    if not filestore.exists(export.path):  # MEDIA_ROOT or object storage (issue 16)
        raise Http404("档案文件不存在")
    response = FileResponse(filestore.open_file(export.path), as_attachment=True, filename=export.filename, content_type="application/zip")
    response["X-Content-Type-Options"] = "nosniff"
    record(AuditEvent.Kind.DOWNLOAD, user=request.user, request=request, detail=f"dossier:{export.pk} {export.filename}")
    return response
