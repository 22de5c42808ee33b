"""Celery tasks of supervision: they take ids and call a service (services.letters).

Found by Celery's autodiscovery (it looks for ``supervision.tasks``), so a worker
registers them."""
import logging

from celery import shared_task

log = logging.getLogger("supervision.letters")


@shared_task(name="supervision.render_letter_pdf")
def render_letter_pdf(letter_id):
    """Render and store an issued letter's PDF once (services.letters.letter_store_pdf).
    A failure is recorded on the letter, where the office sees it and can queue the
    rendering again; a letter that has its PDF is never rendered twice."""
    from .services.letters import letter_record_pdf_error, letter_store_pdf

    try:
        stored = letter_store_pdf(letter_id=letter_id)
    except Exception as error:  # recorded for the office, then re-raised for the worker's log
        log.exception("PDF of letter %s failed", letter_id)
        letter_record_pdf_error(letter_id=letter_id, error=f"{type(error).__name__}: {error}")
        raise
    return stored.pk if stored else None
