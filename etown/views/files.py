from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from ..audit import record, record_denied
from ..hub import hub
from ..models import AuditEvent, Job, Membership, Role, StoredFile
from ..permissions import authorize_etown, in_scope, memberships
from ..uploads import download_name, file_exists, file_open, file_path, thumbnail_name, thumbnail_open

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
        return in_scope(user, stored.county_id) or _requested(user, stored)
    authorize_etown(user, stored.etown)  # raises 404 for outsiders
    return contract_scoped_download(user, stored)


def _requested(user, stored):
    """The result of a background job the user asked for (我的导出)."""
    return Job.objects.filter(result=stored, requested_by=user).exists()


def contract_scoped_download(user, stored):
    """Per-contract scoping (issue 11; 004 附件2 第十一条 allows two contractors on one
    e-town): the apps' file guards (``hub.register_file_guard``) refuse a file attached to
    another contractor's record; a job's output (我的导出, a generated document) is its
    requester's, or the county staff's, unless a guard says it belongs to a record the
    user may see (e.g. the PDF of a letter addressed to the user's company)."""
    verdicts = [guard(user, stored) for guard in hub.file_guards]
    if False in verdicts:
        return False
    if True in verdicts or in_scope(user, stored.county_id):
        return True
    companies = {m.organization_id for m in memberships(user) if m.role == Role.CONTRACTOR and m.organization_id}
    if not companies:  # an agency: not narrowed by contract
        return True
    job = Job.objects.filter(result=stored).only("requested_by_id").first()
    if job is None or job.requested_by_id == user.pk:
        return True
    # A colleague's export of the same company is the company's (its own contracts).
    return Membership.objects.filter(
        user_id=job.requested_by_id, role=Role.CONTRACTOR, organization_id__in=companies,
    ).exists()


@login_required
def file_download(request, pk):
    try:
        stored = StoredFile.objects.select_related("etown__county").get(pk=pk)
    except StoredFile.DoesNotExist:
        raise Http404("文件不存在")
    if not can_download(request.user, stored):
        record_denied(request.user, f"file:{pk}", "无权下载", request=request)
        raise Http404("文件不存在")
    if request.GET.get("thumb") == "1":
        return thumbnail_response(request, stored)
    path = file_path(stored)
    if not file_exists(stored):  # local folder or object storage (issue 16)
        raise Http404("文件不存在")
    return attachment_response(request, stored, path, inline_images=True)


def thumbnail_response(request, stored):
    """A photo's thumbnail (issue 15), after the same check as the original: shown inline
    (a JPEG Pillow wrote, never the uploaded bytes), under a safe name, sandboxed."""
    if not file_exists(stored):
        raise Http404("文件不存在")
    handle = thumbnail_open(stored)
    if handle is None:
        raise Http404("该文件没有缩略图")
    response = FileResponse(handle, as_attachment=False, filename=thumbnail_name(stored), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = "private, max-age=3600"
    return response


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


