"""Reads of background jobs (issue 13): a user's own jobs (我的导出), and the latest job
of a record (a letter's PDF, a review's report, a dossier export)."""
from ..models import Job


def jobs_of(user):
    return Job.objects.filter(requested_by=user).select_related("result").order_by("-created_at", "-pk")


def latest_job(kind, target_id):
    return Job.objects.filter(kind=kind, target_id=target_id).order_by("-pk").first()


def latest_jobs(kind, target_ids):
    """{target_id: its latest job} for many records in one query."""
    found = {}
    for job in Job.objects.filter(kind=kind, target_id__in=list(target_ids)).order_by("pk"):
        found[job.target_id] = job
    return found
