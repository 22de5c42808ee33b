"""Celery tasks of funds: they take ids and call a service. Imported by funds.hooks at
start-up, so a worker registers them."""
from celery import shared_task


@shared_task(name="funds.export_etown")
def export_etown(etown_id, what, user_id, job_id=None):
    """Build the e-town's ledger or asset workbook, store it, tell the user where it is,
    as background job ``job_id`` (etown.services.jobs.job_run; the user follows it on
    我的导出). Returns the StoredFile's id."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from etown.models import ETown
    from etown.notifications import notify
    from etown.services.jobs import job_run

    from .exports.ledger import WRITERS, export_create

    def work(job):
        user = get_user_model().objects.get(pk=user_id)
        etown = ETown.objects.select_related("county").get(pk=etown_id)
        stored = export_create(etown=etown, what=what, by=user)
        notify(users=[user], title=f"导出完成：{etown.name}{WRITERS[what][1]}",
               url=reverse("file_download", args=[stored.pk]), kind="funds_export", email=False)
        return stored

    return job_run(job_id, work)
