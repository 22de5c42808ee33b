"""The project dossier (004 附件2 第十八条): one ZIP of every document of the e-town with a
catalogue workbook (档案目录) that matches it, built by a Celery task (eager in tests),
for office staff and auditors only."""
import datetime
import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from acceptance.exports.dossier import CATALOGUE_HEADER, CATALOGUE_NAME
from acceptance.models import DossierExport
from acceptance.services import applications as application_services
from acceptance.services import evaluations as evaluation_services
from acceptance.services.dossier import dossier_request
from etown.hub import DossierItem, hub
from etown.models import Notification, StoredFile
from etown.uploads import file_path, file_store

from ..conftest import TODAY, apply, pdf, review_kwargs

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(demo, django_capture_on_commit_callbacks):
    """An evaluation report, an application's materials, a review with its PDF, a file of
    some other app no source claims, and a 举报 attachment (never in the dossier)."""
    evaluation_services.evaluation_create(
        etown=demo.etown, by=demo.office, evaluator_kind="province", evaluator_name="山西省商务厅",
        evaluated_on=datetime.date(2026, 11, 2), result="qualified", report=pdf("中期绩效评价报告.pdf"), today=TODAY,
    )
    application = apply(demo)
    with django_capture_on_commit_callbacks(execute=True):
        application_services.acceptance_review_record(**review_kwargs(demo, application))
    file_store(upload=pdf("月报附件.pdf"), county=demo.linyi, etown=demo.etown, by=demo.contractor, purpose="月报附件")
    file_store(upload=pdf("举报材料.pdf"), county=demo.linyi, etown=demo.etown, by=demo.office,
               access=StoredFile.Access.DISCIPLINE, purpose="举报附件")
    file_store(upload=pdf("别的项目.pdf"), county=demo.linyi, etown=demo.other_etown, by=demo.contractor2)


def build(demo, user, capture):
    with capture(execute=True):
        export = dossier_request(etown=demo.etown, by=user)
    export.refresh_from_db()
    return export


def read_catalogue(archive):
    ws = load_workbook(io.BytesIO(archive.read(CATALOGUE_NAME)), read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if list(r[: len(CATALOGUE_HEADER)]) == CATALOGUE_HEADER)
    return [dict(zip(CATALOGUE_HEADER, r)) for r in rows[header_at + 1:]]


def test_it_contains_every_file_and_the_catalogue_matches(demo, documents, django_capture_on_commit_callbacks):
    export = build(demo, demo.auditor, django_capture_on_commit_callbacks)
    assert export.status == DossierExport.Status.READY
    with zipfile.ZipFile(file_path(export)) as archive:
        names = set(archive.namelist()) - {CATALOGUE_NAME}
        catalogue = read_catalogue(archive)
        # The catalogue lists exactly the files of the ZIP, with their true size and hash.
        assert {row["档案文件"] for row in catalogue} == names
        assert [row["序号"] for row in catalogue] == list(range(1, len(catalogue) + 1))
        for row in catalogue:
            data = archive.read(row["档案文件"])
            assert row["大小（字节）"] == len(data)
            assert row["SHA-256"] == hashlib.sha256(data).hexdigest()
            assert row["类别"] and row["来源"] and row["文件名称"]
        hashes = {hashlib.sha256(archive.read(n)).hexdigest() for n in names}

    # Every stored file of the e-town is in it, except the 举报 attachment; nothing of another e-town.
    expected = StoredFile.objects.filter(etown=demo.etown).exclude(access=StoredFile.Access.DISCIPLINE)
    # report, materials (7 for a final one: 记账凭证、发票、合同 too, issue 11), acceptance report, 月报附件
    assert expected.count() == 1 + 7 + 1 + 1
    assert {f.sha256 for f in expected} <= hashes
    titles = {row["文件名称"] for row in catalogue}
    assert "举报附件" not in titles and "别的项目.pdf" not in {row["档案文件"].split("-", 1)[-1] for row in catalogue}
    categories = {row["类别"] for row in catalogue}
    assert {"评价", "验收", "项目登记", "其他附件"} <= categories
    assert export.file_count == len(catalogue)
    note = Notification.objects.get(user=demo.auditor, kind="dossier_ready")
    assert note.url == reverse("acceptance:dossier_page", args=[demo.etown.pk])


def test_it_includes_what_other_apps_register(demo, documents, django_capture_on_commit_callbacks):
    stored = file_store(upload=pdf("督办函.pdf"), county=demo.linyi, etown=demo.etown, by=demo.office, purpose="督办函")

    def letters(etown):
        return [
            DossierItem(category="督办函", title="关于限期整改的督办函", date=TODAY, source="办公室",
                        filename="督办函.pdf", stored_file=stored),
            DossierItem(category="资金", title="资金使用台账", date=TODAY, source="系统生成", filename="台账.xlsx",
                        content=lambda: b"ledger-bytes"),
        ]

    hub.register_dossier_source("test_letters", letters)
    try:
        export = build(demo, demo.office, django_capture_on_commit_callbacks)
    finally:
        del hub.dossier_sources["test_letters"]
    with zipfile.ZipFile(file_path(export)) as archive:
        catalogue = read_catalogue(archive)
        by_title = {row["文件名称"]: row for row in catalogue}
        assert by_title["关于限期整改的督办函"]["类别"] == "督办函"
        assert archive.read(by_title["资金使用台账"]["档案文件"]) == b"ledger-bytes"
        # claimed by its source, so not repeated under 其他附件
        assert sum(1 for row in catalogue if row["SHA-256"] == stored.sha256) == 1


def test_it_records_a_failure_and_tells_the_requester(demo, django_capture_on_commit_callbacks):
    def broken(etown):
        raise RuntimeError("source down")

    hub.register_dossier_source("test_broken", broken)
    try:
        export = build(demo, demo.office, django_capture_on_commit_callbacks)
    finally:
        del hub.dossier_sources["test_broken"]
    assert export.status == DossierExport.Status.FAILED and "source down" in export.error
    assert Notification.objects.filter(user=demo.office, kind="dossier_failed").exists()


# Pages -------------------------------------------------------------------------------


def test_it_lets_an_auditor_request_and_download_the_dossier(demo, client_for, django_capture_on_commit_callbacks):
    client = client_for(demo.auditor)
    page_url = reverse("acceptance:dossier_page", args=[demo.etown.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(page_url).status_code == 302
    export = DossierExport.objects.get()
    assert export.status == DossierExport.Status.READY
    assert reverse("acceptance:dossier_download", args=[export.pk]) in client.get(page_url).content.decode()
    response = client.get(reverse("acceptance:dossier_download", args=[export.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["X-Content-Type-Options"] == "nosniff"
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert CATALOGUE_NAME in archive.namelist()


@pytest.mark.parametrize("who, status", [("contractor", 403), ("finance", 403), ("agency", 403), ("contractor2", 404)])
def test_it_refuses_the_dossier_to_others(demo, client_for, django_capture_on_commit_callbacks, who, status):
    export = build(demo, demo.office, django_capture_on_commit_callbacks)
    client = client_for(getattr(demo, who))
    assert client.get(reverse("acceptance:dossier_page", args=[demo.etown.pk])).status_code == status
    assert client.post(reverse("acceptance:dossier_page", args=[demo.etown.pk])).status_code == status
    assert client.get(reverse("acceptance:dossier_download", args=[export.pk])).status_code == status
    assert DossierExport.objects.count() == 1


def test_it_refuses_the_dossier_to_another_county(anze_office, demo, client_for, django_capture_on_commit_callbacks):
    export = build(demo, demo.office, django_capture_on_commit_callbacks)
    assert client_for(anze_office).get(reverse("acceptance:dossier_download", args=[export.pk])).status_code == 404


def test_it_refuses_a_second_request_while_one_is_building(demo):
    dossier_request(etown=demo.etown, by=demo.office)  # on_commit never runs here: it stays pending
    with pytest.raises(ValidationError, match="正在生成"):
        dossier_request(etown=demo.etown, by=demo.office)


@pytest.mark.parametrize("who", ["contractor", "finance", "agency"])
def test_it_refuses_a_request_from_a_role_that_may_not_export(demo, who):
    # Refused as the page refuses (403), whoever calls the service.
    with pytest.raises(PermissionDenied):
        dossier_request(etown=demo.etown, by=getattr(demo, who))
    assert not DossierExport.objects.exists()


def test_it_leaves_citizens_opinion_attachments_out(demo, documents, django_capture_on_commit_callbacks):
    """Issue 14 finding 9: the dossier goes to the city and the province; what a citizen
    attached to an opinion stays with the county's handlers."""
    from etown.demo import public as public_demo
    from etown.services import submissions as submission_services

    public_demo.seed_public()  # the e-town published on the column, so its window is open
    submission, _code = submission_services.submission_create(
        county=demo.linyi, kind="opinion", subject="关于培训", content="建议增加培训。", etown=demo.etown,
        name="李四", contact="13800000000", upload=pdf("李四身份证.pdf"),
    )
    export = build(demo, demo.office, django_capture_on_commit_callbacks)
    with zipfile.ZipFile(file_path(export)) as archive:
        names = archive.namelist()
        hashes = {hashlib.sha256(archive.read(n)).hexdigest() for n in names}
        catalogue = read_catalogue(archive)
    assert submission.attachment.sha256 not in hashes
    assert not any("李四" in str(row) or "意见附件" in str(row) for row in catalogue)


def test_it_records_who_downloaded_the_dossier_from_where(demo, django_capture_on_commit_callbacks):
    """Issue 14 finding 8: a dossier download is in the security log."""
    from django.test import Client

    from etown.models import AuditEvent

    client = Client(REMOTE_ADDR="203.0.113.30")
    client.force_login(demo.auditor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("acceptance:dossier_page", args=[demo.etown.pk]))
    export = DossierExport.objects.get()
    url = reverse("acceptance:dossier_download", args=[export.pk])
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.DOWNLOAD, user=demo.auditor)
    assert (event.path, event.ip_address) == (url, "203.0.113.30") and f"dossier:{export.pk}" in event.detail
