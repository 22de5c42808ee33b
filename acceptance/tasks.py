"""Celery tasks of the acceptance app: they take ids and call a service."""
from celery import shared_task


@shared_task
def render_review_report(review_id):
    from .models import AcceptanceReview
    from .services.applications import review_generate_report

    review = AcceptanceReview.objects.select_related("recorded_by").get(pk=review_id)
    review_generate_report(review=review, by=review.recorded_by)
    return review_id


@shared_task
def build_dossier(export_id):
    from .models import DossierExport
    from .services.dossier import dossier_build

    dossier_build(export=DossierExport.objects.get(pk=export_id))
    return export_id
