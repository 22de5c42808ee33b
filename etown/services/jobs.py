"""Every write to background jobs (etown.models.jobs, issue 13).

- ``job_enqueue`` records the work in the caller's transaction and publishes its message
  after the commit (etown.jobs.publish: short timeouts, a failure leaves it queued).
- A task runs its work through ``job_run``: ``job_start`` (a job already done does
  nothing: tasks are idempotent, a message delivered twice after a killed worker is
  harmless), then ``job_finish`` or ``job_fail`` (tried again by the sweep up to
  ``MAX_ATTEMPTS``, then 失败 with its reason).
- ``job_retry`` is the user's retry button.
- ``jobs_sweep`` (every minute by beat, etown/celery.py) publishes again what is still
  queued, takes back work 生成中 past its time limit (its partial file removed), and
  deletes exports past their keeping time.
"""
import datetime
import logging
import tempfile
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .. import filestore
from ..jobs import publish
from ..models import Job, StoredFile
from ..models.jobs import KINDS, MAX_ATTEMPTS
from ..permissions import can_retry_job, require

log = logging.getLogger("etown.jobs")
S = Job.State
# A running job is taken back this long after its time limit (the worker's own hard
# limit fires first when the worker is alive).
GRACE = datetime.timedelta(seconds=60)
# A queued job whose message was sent this long ago and still has not started is sent
# again (a message lost with a broker that lost its data); a second delivery is harmless.
REPUBLISH_AFTER = datetime.timedelta(minutes=15)
# A job just created is published by its own request after the commit; the sweep leaves
# it alone this long.
FRESH = datetime.timedelta(seconds=30)


def _locked(qs):
    """select_for_update, skipping rows another sweep holds where the database can."""
    if connection.features.has_select_for_update_skip_locked:
        return qs.select_for_update(skip_locked=True)
    return qs.select_for_update()


@transaction.atomic
def job_enqueue(*, kind, by=None, target_id=0, args=(), county=None, etown=None, title=""):
    """Record a job and publish it after the commit. A job for the same record that is
    still queued or running is returned instead of a second one (a double click)."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind}")
    if target_id:
        open_job = Job.objects.select_for_update().filter(
            kind=kind, target_id=target_id, state__in=[S.QUEUED, S.RUNNING]
        ).first()
        if open_job is not None:
            return open_job
    job = Job.objects.create(
        kind=kind, target_id=target_id, args=list(args), county=county, etown=etown, title=title[:200],
        requested_by=by if by is not None and by.is_authenticated else None,
    )
    transaction.on_commit(partial(publish, job.pk))
    return job


def _scratch_folder():
    """This node's scratch folder: MEDIA_ROOT/jobs with the local storage; with object
    storage (issue 16) the node's temporary folder, as the finished file is uploaded and
    MEDIA_ROOT is not shared."""
    if filestore.is_local():
        return Path(settings.MEDIA_ROOT) / "jobs"
    return Path(tempfile.gettempdir()) / "etown-jobs"


def scratch_path(job):
    """Where a job writes a partial file (e.g. the dossier's ZIP) before storing it: one
    per attempt, removed by ``job_fail`` and by the sweep when a worker died."""
    folder = _scratch_folder()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{job.pk}-{job.attempts}.part"


def _remove_scratch(job_id):
    folder = _scratch_folder()
    for part in folder.glob(f"{job_id}-*.part"):
        part.unlink(missing_ok=True)


@transaction.atomic
def job_start(*, job_id):
    """Mark the job 生成中 and count the attempt; None when there is nothing to do (done,
    expired, failed and not retried, or unknown)."""
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.state not in (S.QUEUED, S.RUNNING):
        return None
    job.state = S.RUNNING
    job.attempts += 1
    job.started_at = timezone.now()
    job.save(update_fields=["state", "attempts", "started_at"])
    return job


@transaction.atomic
def job_finish(*, job_id, result=None):
    job = Job.objects.select_for_update().get(pk=job_id)
    if job.state == S.DONE:
        return job
    now = timezone.now()
    job.state = S.DONE
    job.finished_at = now
    job.error = job.publish_error = ""
    if result is not None:
        job.result = result
        if job.spec.keep_days:
            job.expires_at = now + datetime.timedelta(days=job.spec.keep_days)
    job.save()
    return job


@transaction.atomic
def job_fail(*, job_id, error):
    """A failed attempt: queued again for the sweep while attempts remain, else 失败."""
    job = Job.objects.select_for_update().get(pk=job_id)
    _remove_scratch(job.pk)
    if job.state == S.DONE:
        return job
    job.error = str(error)[:500]
    if job.attempts >= MAX_ATTEMPTS:
        job.state = S.FAILED
        job.finished_at = timezone.now()
    else:
        job.state = S.QUEUED
        job.published_at = None  # the sweep sends it again
    job.save()
    return job


def job_run(job_id, work):
    """Run ``work(job)`` as job ``job_id``; what it returns, a StoredFile, is the job's
    result. ``job_id`` None (a message queued before jobs existed): just run the work."""
    if job_id is None:
        return work(None)
    job = job_start(job_id=job_id)
    if job is None:
        return None
    try:
        result = work(job)
    except Exception as error:  # noqa: BLE001 - recorded on the job for the user; traceback to the log
        log.exception("job %s (%s) failed", job_id, job.kind)
        job_fail(job_id=job_id, error=f"{type(error).__name__}: {error}")
        return None
    job_finish(job_id=job_id, result=result if isinstance(result, StoredFile) else None)
    return result.pk if isinstance(result, StoredFile) else result


@transaction.atomic
def job_retry(*, job, by):
    """The user's retry: a failed job (or one still queued) is queued again with fresh
    attempts. A job already running or done is left alone (a double click)."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    require(can_retry_job(by, job))
    if job.state not in (S.FAILED, S.QUEUED):
        raise ValidationError("该任务正在生成或已完成，无需重试。")
    job.state = S.QUEUED
    job.attempts = 0
    job.error = job.publish_error = ""
    job.finished_at = None
    job.save()
    transaction.on_commit(partial(publish, job.pk))
    return job


# The sweep ----------------------------------------------------------------------------------


def _take_back_stale(now):
    """Jobs 生成中 past their time limit: their worker died or hung. Partial files are
    removed; the job is queued again, or 失败 after MAX_ATTEMPTS."""
    requeued = []
    for key, spec in KINDS.items():
        limit = now - datetime.timedelta(seconds=spec.time_limit) - GRACE
        with transaction.atomic():
            for job in _locked(Job.objects.filter(kind=key, state=S.RUNNING, started_at__lt=limit)):
                _remove_scratch(job.pk)
                if job.attempts >= MAX_ATTEMPTS:
                    job.state = S.FAILED
                    job.finished_at = now
                    job.error = f"执行超时或执行进程中断，已尝试 {job.attempts} 次"
                else:
                    job.state = S.QUEUED
                    job.error = "上次执行超时或执行进程中断，已自动重新排队"
                    requeued.append(job.pk)
                job.save(update_fields=["state", "finished_at", "error"])
    return requeued


def _expire(now):
    """Exports past their keeping time: the file and its row are deleted."""
    count = 0
    with transaction.atomic():
        for job in _locked(Job.objects.filter(state=S.DONE, expires_at__lt=now)):
            stored = job.result
            job.state = S.EXPIRED
            job.result = None
            job.save(update_fields=["state", "result"])
            if stored is not None:
                relative = stored.path
                stored.delete()
                transaction.on_commit(partial(_delete_stored_bytes, relative))
            count += 1
    return count


def _delete_stored_bytes(relative):
    """Delete an expired export's bytes wherever files are kept (MEDIA_ROOT or S3)."""
    filestore.delete(relative)


# Apps whose results are not Job.result files (the acceptance dossier keeps its ZIP at
# DossierExport.path) register how to expire them here, from their hooks.register():
# ``func(now) -> int`` deletes what is past its keeping time and returns how many.
EXPIRERS = {}


def register_expirer(name, func):
    EXPIRERS[name] = func


def jobs_sweep(now=None):
    """Publish what is queued, take back what is stale, delete expired exports. Safe to
    run twice at once (rows are locked, a second message for a job is harmless)."""
    now = now or timezone.now()
    requeued = _take_back_stale(now)
    due = Job.objects.filter(state=S.QUEUED).filter(
        Q(published_at__isnull=True, created_at__lt=now - FRESH)
        | Q(publish_error__gt="")
        | Q(published_at__lt=now - REPUBLISH_AFTER)
    ).values_list("pk", flat=True)
    to_publish = sorted(set(requeued) | set(due))
    published = sum(1 for pk in to_publish if publish(pk))
    expired = _expire(now) + sum(func(now) for func in EXPIRERS.values())
    return {"published": published, "waiting": len(to_publish) - published, "expired": expired}
