"""Services for notices (公示) of the public column.

A notice runs for a number of statutory working days (5 for a disbursement after
acceptance, 004 annex 2 art. 12(3); 5 for the plan and fund rules, annex 2 art. 4).
Office staff publish notices, edit them before their period starts, and withdraw them
with a reason that stays visible on the column; the funds and acceptance flows create
theirs through ``notice_create``.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import workdays
from ..models import Notice


@transaction.atomic
def notice_create(*, county, title, body, start_date, by, etown=None, kind=Notice.Kind.GENERAL, workdays_count=5,
                  publish=True, source=None):
    """Create a notice whose period is ``workdays_count`` statutory working days counted
    from ``start_date`` (the start day counts when it is a working day)."""
    first, end = _period(start_date, workdays_count)
    if etown is not None and etown.county_id != county.pk:
        raise ValidationError({"etown": "只能选择本区县的项目。"})
    notice = Notice(
        county=county, etown=etown, kind=kind, title=title, body=body, start_date=first, end_date=end,
        workdays=workdays_count, created_by=by,
    )
    if source is not None:
        notice.source_type = f"{source._meta.app_label}.{source._meta.model_name}"
        notice.source_id = source.pk
    if publish:
        notice.is_published = True
        notice.published_at = timezone.now()
    notice.full_clean()
    notice._history_user = by
    notice._change_reason = "发布公示" if publish else "起草公示"
    notice.save()
    return notice


@transaction.atomic
def notice_withdraw(*, notice, reason, by):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写撤回原因。"})
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.withdrawn_at:
        raise ValidationError("该公示已撤回。")
    notice.withdrawn_at = timezone.now()
    notice.withdrawn_reason = reason
    notice._history_user = by
    notice._change_reason = f"撤回公示：{reason}"
    notice.save()
    return notice


def _period(start_date, workdays_count):
    if not workdays_count or workdays_count < 1:
        raise ValidationError({"workdays": "公示期至少 1 个工作日。"})
    first = workdays.next_workday(start_date)
    return first, workdays.add_workdays(first, workdays_count - 1)


@transaction.atomic
def notice_update(*, notice, by, reason="修改公示", title, body, start_date, workdays_count, etown=None, kind=None):
    """Edit a draft, or a published notice before its period starts. The period is
    recounted in working days from the (possibly new) start date."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    today = timezone.localdate()
    if not notice.can_be_edited(today):
        raise ValidationError("公示已开始或已撤回，不能再修改；如内容有误，请撤回并说明原因后重新发布。")
    first, end = _period(start_date, workdays_count)
    if notice.is_published and first < today:
        raise ValidationError({"start_date": "已发布的公示，开始日期不能早于今天。"})
    if etown is not None and etown.county_id != notice.county_id:
        raise ValidationError({"etown": "只能选择本区县的项目。"})
    notice.title, notice.body, notice.etown = title, body, etown
    if kind is not None:
        notice.kind = kind
    notice.start_date, notice.end_date, notice.workdays = first, end, workdays_count
    notice.full_clean()
    notice._history_user = by
    notice._change_reason = reason or "修改公示"
    notice.save()
    return notice


@transaction.atomic
def notice_publish(*, notice, by):
    """Publish a draft. Its period must not have started yet, or the public would get
    fewer working days than the notice announces."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.is_published:
        raise ValidationError("该公示已发布。")
    if notice.withdrawn_at:
        raise ValidationError("该公示已撤回。")
    if notice.start_date < timezone.localdate():
        raise ValidationError({"start_date": "公示开始日期已过，请先修改开始日期再发布。"})
    notice.is_published = True
    notice.published_at = timezone.now()
    notice._history_user = by
    notice._change_reason = "发布公示"
    notice.save()
    return notice


def notices_for_source(source):
    return Notice.objects.filter(source_type=f"{source._meta.app_label}.{source._meta.model_name}", source_id=source.pk)
