"""Publishing a job's Celery message (issue 13): after the commit, with short broker
timeouts, never waiting for a result.

A request never waits on the broker: ``publish`` sends with ``retry=False`` and the
broker's short connection timeouts (settings: ``CELERY_BROKER_CONNECTION_TIMEOUT``,
``CELERY_BROKER_TRANSPORT_OPTIONS``), asks for no result (no result backend is read in a
request: the page reads the Job row), and on any failure leaves the job 排队中 with the
reason in ``publish_error``: the page says so, and the periodic sweep
(etown.services.jobs.jobs_sweep) publishes it again when the broker is back.
"""
import logging

from django.utils import timezone

log = logging.getLogger("etown.jobs")


def _celery():
    from .celery import app

    return app


def send(job):
    """Send the job's message (or, in embedded/eager mode, run it here). Raises on a
    broker failure; ``publish`` is the caller that never raises."""
    app = _celery()
    spec = job.spec
    kwargs = {"job_id": job.pk}
    if app.conf.task_always_eager:
        app.loader.import_default_modules()
        app.tasks[spec.task].apply(args=list(job.args), kwargs=kwargs)
        return
    app.send_task(
        spec.task, args=list(job.args), kwargs=kwargs, retry=False, ignore_result=True,
        time_limit=spec.time_limit, soft_time_limit=max(spec.time_limit - 30, 10),
    )


def publish(job_id):
    """Publish job ``job_id``; True when the broker took it. Never raises: a broker that
    is down leaves the job queued with the reason, for the sweep to send again."""
    from .models import Job

    job = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).first()
    if job is None:
        return False
    now = timezone.now()
    try:
        send(job)
    except Exception as error:  # noqa: BLE001 - any broker failure: keep the job, say why
        log.warning("job %s not published: %s", job_id, error)
        Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
            published_at=now, publish_error=f"{type(error).__name__}: {error}"[:300]
        )
        return False
    Job.objects.filter(pk=job_id).update(published_at=now, publish_error="")
    return True
