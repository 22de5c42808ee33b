"""Writes of the project dossier (项目档案, 004 附件2 第十八条; 002 第八条): request one,
and build it.

The ZIP is built by a Celery task to a temporary file and then moved into place (an
.xlsx and a .zip are both written at close, so a big dossier is never streamed from
memory); the requester is notified when it is ready. What goes in is
acceptance.selectors.dossier.collect; how it is written, acceptance.exports.dossier.
"""
import logging
import tempfile
import uuid
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from etown import filestore
from etown.notifications import notify
from etown.permissions import require

from ..exports.dossier import write_dossier
from ..models import DossierExport
from ..permissions import can_export_dossier
from ..selectors.dossier import collect

log = logging.getLogger("acceptance.dossier")


@transaction.atomic
def dossier_request(*, etown, by, contract=None):
    """Queue a dossier build; the task runs after the commit (the row must exist).
    ``contract``: a dossier for that contract's acceptance only (issue 11/15)."""
    from etown.models import Job
    from etown.models.jobs import DOSSIER
    from etown.services.jobs import job_enqueue

    require(can_export_dossier(by, etown))
    if contract is not None and contract.etown_id != etown.pk:
        raise ValidationError("请选择本项目的合同。")
    # Only an export whose job is still queued or running blocks a new request: one the
    # sweep gave up on (失败) does not block its user for good (issue 13).
    open_jobs = Job.objects.filter(kind=DOSSIER, target_id=OuterRef("pk"), state__in=[Job.State.QUEUED, Job.State.RUNNING])
    running = DossierExport.objects.filter(
        etown=etown, requested_by=by, status__in=[DossierExport.Status.PENDING, DossierExport.Status.RUNNING]
    ).filter(Exists(open_jobs)).exists()
    if running:
        raise ValidationError("您申请的档案正在生成，完成后会通知您，请勿重复提交。")
    export = DossierExport.objects.create(etown=etown, requested_by=by, contract=contract)
    scope = f"（{contract.number}）" if contract is not None else ""
    job_enqueue(kind=DOSSIER, target_id=export.pk, args=[export.pk], by=by, county=etown.county, etown=etown,
                title=f"{etown.name}项目档案{scope}")
    return export


def dossier_build(*, export, partial=None):
    """Build the ZIP of a requested export. Not one transaction: the build may take
    minutes and must not hold row locks; the status moves in short transactions.
    ``partial`` is where the ZIP is written before it is moved into place (the job's
    scratch file, which the jobs sweep removes when a worker dies mid-build)."""
    with transaction.atomic():
        export = DossierExport.objects.select_for_update(of=("self",)).select_related("etown__county", "requested_by", "contract").get(pk=export.pk)
        if export.status == DossierExport.Status.READY:
            return export
        export.status = DossierExport.Status.RUNNING
        export.save(update_fields=["status"])
    etown = export.etown
    now = timezone.now()
    relative = Path("dossiers") / f"{now:%Y}" / f"{uuid.uuid4().hex}.zip"
    # Written to a local scratch file, then streamed into the storage every node shares
    # (MEDIA_ROOT, or S3 when configured: etown.filestore, issue 16).
    partial = Path(partial) if partial else Path(tempfile.gettempdir()) / f"dossier-{uuid.uuid4().hex}.part"
    try:
        rows = write_dossier(etown, collect(etown, contract=export.contract), partial, generated_by=export.requested_by,
                             contract=export.contract)
        size = partial.stat().st_size
        stored_name = filestore.store_path(relative, partial)
        partial.unlink(missing_ok=True)
    except Exception as error:  # record the failure for the user, keep the traceback in the log
        log.exception("dossier %s failed", export.pk)
        partial.unlink(missing_ok=True)
        with transaction.atomic():
            DossierExport.objects.filter(pk=export.pk).update(
                status=DossierExport.Status.FAILED, finished_at=timezone.now(), error=str(error)[:1000]
            )
            notify(
                users=[export.requested_by], title=f"{etown.name}项目档案生成失败",
                body="请稍后重试；如仍失败，请联系系统管理员。", url=_page_url(etown), kind="dossier_failed",
            )
        export.refresh_from_db()
        return export
    with transaction.atomic():
        export.status = DossierExport.Status.READY
        export.finished_at = timezone.now()
        export.path = stored_name
        export.size = size
        export.file_count = len(rows)
        export.save(update_fields=["status", "finished_at", "path", "size", "file_count"])
        notify(
            users=[export.requested_by], title=f"{etown.name}项目档案已生成，可以下载",
            body=f"共 {len(rows)} 个文件，附档案目录。", url=_page_url(etown), kind="dossier_ready",
        )
    return export


def dossier_expire(now):
    """Delete the ZIPs of dossiers past their keeping time (KINDS[DOSSIER].keep_days, 7
    days like the funds exports; issue 13/14: an export click must not store a file
    forever) and mark them 已过期删除; the page then offers a new export. Registered with
    the jobs sweep (etown.services.jobs.register_expirer); rows are locked, so two sweeps
    at once expire each dossier once."""
    import datetime

    from etown.models.jobs import DOSSIER, KINDS
    from etown.services.jobs import _locked

    keep_days = KINDS[DOSSIER].keep_days
    if not keep_days:
        return 0
    cutoff = now - datetime.timedelta(days=keep_days)
    count = 0
    with transaction.atomic():
        for export in _locked(DossierExport.objects.filter(status=DossierExport.Status.READY, finished_at__lt=cutoff)):
            relative = export.path
            export.status = DossierExport.Status.EXPIRED
            export.path = ""
            export.save(update_fields=["status", "path"])
            if relative:
                transaction.on_commit(lambda relative=relative: filestore.delete(relative))
            count += 1
    return count


def _page_url(etown):
    return reverse("acceptance:dossier_page", args=[etown.pk])
