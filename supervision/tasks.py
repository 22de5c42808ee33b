"""Celery tasks of supervision: they take ids and call a service (services.letters).

Found by Celery's autodiscovery (it looks for ``supervision.tasks``), so a worker
registers them."""
import logging

from celery import shared_task

log = logging.getLogger("supervision.letters")


@shared_task(name="supervision.render_letter_pdf")
def render_letter_pdf(letter_id, job_id=None):
    """Render and store an issued letter's PDF once (services.letters.letter_store_pdf),
    as background job ``job_id`` (etown.services.jobs.job_run: a job already done does
    nothing; a failure is recorded on the job and on the letter, and the sweep tries it
    again). A letter that has its PDF is never rendered twice."""
    from etown.services.jobs import job_run

    from .services.letters import letter_record_pdf_error, letter_store_pdf

    def work(job):
        try:
            return letter_store_pdf(letter_id=letter_id)
        except Exception as error:  # recorded for the office, then re-raised for the job
            log.exception("PDF of letter %s failed", letter_id)
            letter_record_pdf_error(letter_id=letter_id, error=f"{type(error).__name__}: {error}")
            raise

    return job_run(job_id, work)


@shared_task(name="supervision.build_monthly_workbook")
def build_monthly_workbook(user_id, month, county_id=None, include_pending=False, job_id=None):
    """The departments' monthly data workbook, built by a worker (it was built inside
    the request) and stored for its requester (services.reports.monthly_workbook_store)."""
    from etown.services.jobs import job_run

    from .services.reports import monthly_workbook_store

    return job_run(job_id, lambda job: monthly_workbook_store(
        user_id=user_id, month=month, county_id=county_id, include_pending=include_pending))


@shared_task(name="supervision.inspection_due_refresh")
def inspection_due_refresh():
    """Bring the stored inspection due states to the new day (issue 16; beat, 00:05).
    Idempotent: a second run the same day computes nothing; a missed run costs only that
    the day's first read computes them."""
    from .selectors.inspections import due_states_refresh

    return due_states_refresh()
