"""The project dossier (项目档案, 004 附件2 第十八条; 002 第八条): one ZIP of every document
of an e-town with a catalogue workbook (档案目录), for auditors and for filing with the
city and the province.

Documents come from every app through ``etown.hub.hub.dossier_sources`` (this app
registers its own in hooks.py), and every other stored file of the e-town that no
source claimed is added under 其他附件, so nothing uploaded is left out. 举报 attachments
(access 仅纪检审计) are not part of the dossier: they belong to the discipline bodies.

The ZIP is built by a Celery task to a temporary file and then moved into place (an
.xlsx and a .zip are both written at close, so a big dossier is never streamed from
memory); the requester is notified when it is ready.
"""
import hashlib
import logging
import os
import re
import shutil
import tempfile
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from etown.hub import DossierItem, hub
from etown.models import StoredFile
from etown.notifications import notify
from etown.uploads import file_path

from .models import DossierExport

log = logging.getLogger("acceptance.dossier")

CATALOGUE_NAME = "档案目录.xlsx"
CATALOGUE_HEADER = ["序号", "类别", "文件名称", "档案文件", "日期", "来源", "大小（字节）", "SHA-256"]
# Folders in the order a filing clerk reads them; unknown categories follow, by name.
CATEGORY_ORDER = ["项目登记", "合同", "月报", "检查", "整改", "督办函", "资金", "资产", "评价", "验收", "公示", "其他附件"]
OTHER = "其他附件"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _safe(name):
    name = _UNSAFE.sub("_", name).strip(" .") or "文件"
    return name[-120:]


def collect(etown):
    """Every DossierItem of the e-town: the registered sources, then the stored files no
    source claimed. A failing source fails the dossier (an incomplete dossier must not
    look complete)."""
    items = []
    for key in sorted(hub.dossier_sources):
        items.extend(hub.dossier_sources[key](etown))
    claimed = {i.stored_file.pk for i in items if i.stored_file is not None}
    rest = (
        StoredFile.objects.filter(etown=etown)
        .exclude(pk__in=claimed)
        .exclude(access=StoredFile.Access.DISCIPLINE)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )
    for f in rest:
        who = (f.uploaded_by.get_full_name() or f.uploaded_by.username) if f.uploaded_by else "系统"
        items.append(
            DossierItem(
                category=OTHER, title=f.purpose or f.original_name, date=timezone.localdate(f.uploaded_at),
                source=f"上传人：{who}", filename=f.original_name, stored_file=f,
            )
        )
    return items


def _ordered(items):
    rank = {c: n for n, c in enumerate(CATEGORY_ORDER)}
    categories = sorted({i.category for i in items}, key=lambda c: (rank.get(c, len(rank)), c))
    return categories, sorted(items, key=lambda i: (categories.index(i.category), str(i.date or ""), i.title))


def write_dossier(etown, items, target, *, generated_by=None):
    """Write the ZIP to ``target`` (a path); returns the catalogue rows written."""
    categories, items = _ordered(items)
    rows = []
    used = set()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        counters = {}
        for item in items:
            folder = f"{categories.index(item.category) + 1:02d}-{_safe(item.category)}"
            counters[folder] = counters.get(folder, 0) + 1
            arcname = f"{folder}/{counters[folder]:03d}-{_safe(item.filename)}"
            while arcname in used:  # two files of the same name in one folder
                arcname = arcname.replace("/", f"/{uuid.uuid4().hex[:4]}-", 1)
            used.add(arcname)
            digest = hashlib.sha256()
            if item.stored_file is not None:
                source_path = file_path(item.stored_file)
                with open(source_path, "rb") as src, archive.open(arcname, "w", force_zip64=True) as dst:
                    for chunk in iter(lambda: src.read(1 << 20), b""):
                        digest.update(chunk)
                        dst.write(chunk)
                size = item.stored_file.size
            else:
                data = item.content()
                digest.update(data)
                archive.writestr(arcname, data)
                size = len(data)
            rows.append([len(rows) + 1, item.category, item.title, arcname, item.date, item.source, size, digest.hexdigest()])
        with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as tmp:
            catalogue_path = tmp.name
        try:
            _write_catalogue(catalogue_path, etown, rows, generated_by)
            archive.write(catalogue_path, CATALOGUE_NAME)
        finally:
            os.unlink(catalogue_path)
    return rows


def _write_catalogue(path, etown, rows, generated_by):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("档案目录")
    ws.column_dimensions["C"].width = 40
    ws.column_dimensions["D"].width = 50
    ws.column_dimensions["F"].width = 24
    title = WriteOnlyCell(ws, value=f"{etown.name}项目档案目录")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    who = (generated_by.get_full_name() or generated_by.username) if generated_by else "系统"
    ws.append([f"区县：{etown.county.name}　生成时间：{timezone.localtime():%Y-%m-%d %H:%M}　生成人：{who}　共 {len(rows)} 个文件"])
    header = []
    for text in CATALOGUE_HEADER:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for row in rows:
        cells = list(row)
        if cells[4] is not None:
            date_cell = WriteOnlyCell(ws, value=cells[4])
            date_cell.number_format = "yyyy-mm-dd"
            cells[4] = date_cell
        ws.append(cells)
    wb.save(path)


# Services -----------------------------------------------------------------------------


@transaction.atomic
def dossier_request(*, etown, by):
    """Queue a dossier build; the task runs after the commit (the row must exist)."""
    running = DossierExport.objects.filter(
        etown=etown, requested_by=by, status__in=[DossierExport.Status.PENDING, DossierExport.Status.RUNNING]
    ).exists()
    if running:
        raise ValidationError("您申请的档案正在生成，完成后会通知您，请勿重复提交。")
    export = DossierExport.objects.create(etown=etown, requested_by=by)
    transaction.on_commit(lambda: _queue(export.pk))
    return export


def _queue(export_id):
    from .tasks import build_dossier

    build_dossier.delay(export_id)


def dossier_build(*, export):
    """Build the ZIP of a requested export. Not one transaction: the build may take
    minutes and must not hold row locks; the status moves in short transactions."""
    with transaction.atomic():
        export = DossierExport.objects.select_for_update().select_related("etown__county", "requested_by").get(pk=export.pk)
        if export.status == DossierExport.Status.READY:
            return export
        export.status = DossierExport.Status.RUNNING
        export.save(update_fields=["status"])
    etown = export.etown
    now = timezone.now()
    relative = Path("dossiers") / f"{now:%Y}" / f"{uuid.uuid4().hex}.zip"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    try:
        rows = write_dossier(etown, collect(etown), partial, generated_by=export.requested_by)
        shutil.move(partial, target)
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
        export.path = str(relative)
        export.size = target.stat().st_size
        export.file_count = len(rows)
        export.save(update_fields=["status", "finished_at", "path", "size", "file_count"])
        notify(
            users=[export.requested_by], title=f"{etown.name}项目档案已生成，可以下载",
            body=f"共 {len(rows)} 个文件，附档案目录。", url=_page_url(etown), kind="dossier_ready",
        )
    return export


def _page_url(etown):
    return reverse("acceptance:dossier_page", args=[etown.pk])


def export_path(export):
    return Path(settings.MEDIA_ROOT) / export.path
