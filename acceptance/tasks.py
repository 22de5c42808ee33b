"""Celery tasks of the acceptance app: they take ids and call a service, each as a
background job (etown.services.jobs.job_run: a job already done does nothing, a failure
is recorded on the job and tried again by the sweep)."""
from celery import shared_task


@shared_task
def render_review_report(review_id, job_id=None):
    from etown.services.jobs import job_run

    from .models import AcceptanceReview
    from .services.applications import review_generate_report

    def work(job):
        review = AcceptanceReview.objects.select_related("recorded_by").get(pk=review_id)
        return review_generate_report(review=review, by=review.recorded_by).report_file

    job_run(job_id, work)
    return review_id


@shared_task
def build_dossier(export_id, job_id=None):
    from etown.services.jobs import job_run, scratch_path

    from .models import DossierExport
    from .services.dossier import dossier_build

    def work(job):
        export = dossier_build(export=DossierExport.objects.get(pk=export_id),
                               partial=scratch_path(job) if job is not None else None)
        if export.status == DossierExport.Status.FAILED:
            raise RuntimeError(export.error or "档案生成失败")

    job_run(job_id, work)
    return export_id
