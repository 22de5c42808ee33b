"""Files that cannot bite (issue 14 findings 5 and 9): a stored file keeps a name whose
extension matches the type detected from its content; downloads are attachments under
that name; untrusted uploads (a PDF may carry script) are never shown inline; every
download is recorded in the security log."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from etown import ratelimit
from etown.models import AuditEvent, PublicSubmission, StoredFile
from etown.uploads import file_store

pytestmark = pytest.mark.django_db
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _filename(response):
    return response["Content-Disposition"]


def test_it_downloads_an_anonymous_reports_cmd_attachment_as_pdf(demo, client_for, settings):
    settings.PUBLIC_FORM_MIN_SECONDS = 0
    r = Client(REMOTE_ADDR="203.0.113.9").post(reverse("public_submit", args=[demo.linyi.pk, "report"]), {
        "subject": "虚列培训人次", "content": "培训签到表造假。", "stamp": ratelimit.form_stamp(),
        "attachment": SimpleUploadedFile("证据材料.cmd", PDF_BYTES, content_type="application/octet-stream"),
    })
    assert r.status_code == 302
    report = PublicSubmission.objects.get()
    assert report.attachment.original_name == "证据材料.pdf"
    response = client_for(demo.auditor).get(reverse("submission_attachment", args=[report.pk]))
    disposition = _filename(response)
    assert disposition.startswith("attachment") and ".cmd" not in disposition and ".pdf" in disposition
    assert response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DOWNLOAD, user=demo.auditor,
                                     path=reverse("submission_attachment", args=[report.pk])).exists()


@pytest.mark.parametrize("name, content, expected", [
    ("page.html", PDF_BYTES, "page.pdf"), ("logo.svg", PNG_BYTES, "logo.png"), ("scan.PDF", PDF_BYTES, "scan.PDF"),
    ("no-extension", PDF_BYTES, "no-extension.pdf"),
])
def test_it_stores_names_with_the_detected_extension(demo, name, content, expected):
    stored = file_store(upload=SimpleUploadedFile(name, content), county=demo.linyi, etown=demo.etown, by=demo.office)
    assert stored.original_name == expected


def test_it_never_shows_an_uploaded_pdf_inline_and_corrects_old_names(demo, client_for):
    stored = file_store(upload=SimpleUploadedFile("a.pdf", PDF_BYTES), county=demo.linyi, etown=demo.etown, by=demo.office)
    StoredFile.objects.filter(pk=stored.pk).update(original_name="旧文件.html")  # stored before the fix
    response = client_for(demo.contractor).get(reverse("file_download", args=[stored.pk]) + "?inline=1")
    assert _filename(response).startswith("attachment") and ".html" not in _filename(response)
    assert "sandbox" in response["Content-Security-Policy"]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DOWNLOAD, user=demo.contractor).exists()
    photo = file_store(upload=SimpleUploadedFile("p.png", PNG_BYTES), county=demo.linyi, etown=demo.etown, by=demo.office)
    assert _filename(client_for(demo.contractor).get(reverse("file_download", args=[photo.pk]) + "?inline=1")).startswith("inline")
