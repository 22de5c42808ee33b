"""Every write of the public column (专栏).

Publishing (000 §5(2); 004 §9(4); 004 annex 2 art. 4: the column publishes fund
allocation and use and construction progress) is explicit: an e-town's page, each of
its sections and each document appear only after office staff publish them.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..hub import hub
from ..models import PublicDocument, PublicProfile, StoredFile
from ..uploads import file_store
from .common import save_with_history


def section_choices():
    """Sections office staff can publish: etown's own, then every public panel the
    other apps registered (funds figures, acceptance and evaluation results …)."""
    return list(PublicProfile.OWN_SECTIONS) + [(p.key, p.title) for p in hub.public_panels]


@transaction.atomic
def profile_update(*, etown, by, is_published, sections, summary="", reason=""):
    """Publish or unpublish an e-town's page and choose its sections."""
    valid = {key for key, _ in section_choices()}
    unknown = [s for s in sections if s not in valid]
    if unknown:
        raise ValidationError({"sections": f"未知的栏目：{'、'.join(unknown)}。"})
    profile = PublicProfile.objects.select_for_update().filter(etown=etown).first() or PublicProfile(etown=etown)
    if is_published and not profile.is_published:
        profile.published_at = timezone.now()
    profile.is_published = is_published
    # Keep the order of the choices, so the history shows a stable list.
    profile.sections = [key for key, _ in section_choices() if key in set(sections)]
    profile.summary = summary
    default = "公开专栏" if is_published else "取消公开专栏"
    return save_with_history(profile, by=by, reason=reason or default)


@transaction.atomic
def document_create(*, county, kind, title, upload, by, etown=None, issued_on=None, publish=False):
    """Store a document for the column. Until published its file is readable only by
    the county's government staff."""
    if etown is not None and etown.county_id != county.pk:
        raise ValidationError({"etown": "只能选择本区县的项目。"})
    stored = file_store(
        upload=upload, county=county, etown=etown, by=by, access=StoredFile.Access.GOVERNMENT, purpose="专栏公开文件",
    )
    document = PublicDocument(county=county, etown=etown, kind=kind, title=title, issued_on=issued_on, file=stored,
                              created_by=by)
    save_with_history(document, by=by, reason="上传专栏文件")
    if publish:
        document = document_publish(document=document, by=by)
    return document


@transaction.atomic
def document_publish(*, document, by):
    document = PublicDocument.objects.select_for_update().get(pk=document.pk)
    if document.is_published:
        raise ValidationError("该文件已公开。")
    document.is_published = True
    document.published_at = timezone.now()
    StoredFile.objects.filter(pk=document.file_id).update(access=StoredFile.Access.PUBLIC)
    return save_with_history(document, by=by, reason="公开文件")


@transaction.atomic
def document_unpublish(*, document, by, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写取消公开的原因。"})
    document = PublicDocument.objects.select_for_update().get(pk=document.pk)
    if not document.is_published:
        raise ValidationError("该文件未公开。")
    document.is_published = False
    StoredFile.objects.filter(pk=document.file_id).update(access=StoredFile.Access.GOVERNMENT)
    return save_with_history(document, by=by, reason=f"取消公开：{reason}")
