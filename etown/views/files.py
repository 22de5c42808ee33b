from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from ..audit import record, record_denied
from ..models import AuditEvent, Role, StoredFile
from ..permissions import authorize_etown, in_scope
from ..uploads import download_name, file_exists, file_open, file_path

INLINE_TYPES = ("image/jpeg", "image/png")


def can_download(user, stored):
    """The file's access level decides; an e-town file follows the e-town's rules."""
    if stored.access == StoredFile.Access.DISCIPLINE:
        return in_scope(user, stored.county_id, {Role.AUDITOR})
    if stored.access == StoredFile.Access.GOVERNMENT:
        return in_scope(user, stored.county_id)
    if stored.access == StoredFile.Access.PUBLIC:
        return True
    if stored.etown_id is None:
        return in_scope(user, stored.county_id)
    authorize_etown(user, stored.etown)  # raises 404 for outsiders
    return True


@login_required
def file_download(request, pk):
    try:
        stored = StoredFile.objects.select_related("etown__county").get(pk=pk)
    except StoredFile.DoesNotExist:
        raise Http404("文件不存在")
    if not can_download(request.user, stored):
        record_denied(request.user, f"file:{pk}", "无权下载", request=request)
        raise Http404("文件不存在")
    path = file_path(stored)
    if not file_exists(stored):  # local folder or object storage (issue 16)
        raise Http404("文件不存在")
    return attachment_response(request, stored, path, inline_images=True)


def attachment_response(request, stored, path, *, inline_images=False):
    """Serve a stored upload as a download under its safe name (issue 14): uploads are
    untrusted, so only a photo (JPEG/PNG, checked by content) is ever shown inline, a
    PDF never (it may carry script); the response is sandboxed; the download is recorded
    in the security log."""
    inline = inline_images and request.GET.get("inline") == "1" and stored.content_type in INLINE_TYPES
    response = FileResponse(
        file_open(stored), as_attachment=not inline, filename=download_name(stored), content_type=stored.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    record(AuditEvent.Kind.DOWNLOAD, user=request.user, request=request,
           detail=f"file:{stored.pk} {download_name(stored)}")
    return response


