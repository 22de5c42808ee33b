"""Services for notices (公示) of the public column."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import workdays
from .models import Notice


@transaction.atomic
def notice_create(*, county, title, body, start_date, by, etown=None, kind=Notice.Kind.GENERAL, workdays_count=5,
                  publish=True, source=None):
    """Create a notice whose period is ``workdays_count`` statutory working days counted
    from ``start_date`` (the start day counts when it is a working day)."""
    if workdays_count < 1:
        raise ValidationError({"workdays": "公示期至少 1 个工作日。"})
    first = workdays.next_workday(start_date)
    end = workdays.add_workdays(first, workdays_count - 1)
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


def notices_for_source(source):
    return Notice.objects.filter(source_type=f"{source._meta.app_label}.{source._meta.model_name}", source_id=source.pk)
