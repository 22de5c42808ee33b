"""Dossier ZIPs are not kept forever (issue 13 gap; issue 14 "every export click stores a
new file forever"): the jobs sweep deletes a dossier's file past its keeping time (the
DOSSIER kind's ``keep_days`` in etown/models/jobs.py, 7 days like the funds exports),
marks the export 已过期, and its page says so and still offers a new export."""
import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from acceptance.models import DossierExport
from acceptance.services.dossier import dossier_request
from etown.models.jobs import DOSSIER, KINDS
from etown.services.jobs import jobs_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def export(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = dossier_request(etown=demo.etown, by=demo.office)
    export.refresh_from_db()
    assert export.status == DossierExport.Status.READY
    return export


def test_it_keeps_dossiers_seven_days():
    assert KINDS[DOSSIER].keep_days == 7


def test_it_deletes_the_zip_past_its_keeping_time_and_says_so(demo, export, client_for,
                                                               django_capture_on_commit_callbacks):
    file = Path(settings.MEDIA_ROOT) / export.path
    assert file.exists()
    with django_capture_on_commit_callbacks(execute=True):
        result = jobs_sweep(now=export.finished_at + datetime.timedelta(days=6))
    export.refresh_from_db()
    assert export.status == DossierExport.Status.READY and file.exists()

    with django_capture_on_commit_callbacks(execute=True):
        result = jobs_sweep(now=export.finished_at + datetime.timedelta(days=7, minutes=1))
    assert result["expired"] >= 1
    export.refresh_from_db()
    assert export.status == DossierExport.Status.EXPIRED
    assert export.path == ""
    assert not file.exists()

    client = client_for(demo.office)
    assert client.get(reverse("acceptance:dossier_download", args=[export.pk])).status_code == 404
    page = client.get(reverse("acceptance:dossier_page", args=[demo.etown.pk])).content.decode()
    assert "已过期" in page and "请重新生成" in page
    assert 'data-testid="dossier-request"' in page
    assert 'data-testid="dossier-download"' not in page

    # a second sweep finds nothing more to do
    with django_capture_on_commit_callbacks(execute=True):
        jobs_sweep(now=export.finished_at + datetime.timedelta(days=8))
    export.refresh_from_db()
    assert export.status == DossierExport.Status.EXPIRED
