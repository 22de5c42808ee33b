from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from ..models import Role, StoredFile
from ..permissions import authorize_etown, in_scope
from ..uploads import file_path
from ..audit import record_denied


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
        record_denied(request.user, f"file:{pk}", "无权下载")
        raise Http404("文件不存在")
    path = file_path(stored)
    if not path.exists():
        raise Http404("文件不存在")
    inline = request.GET.get("inline") == "1" and stored.content_type in ("image/jpeg", "image/png", "application/pdf")
    response = FileResponse(
        open(path, "rb"), as_attachment=not inline, filename=stored.original_name, content_type=stored.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


