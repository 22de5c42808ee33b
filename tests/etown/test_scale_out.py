"""Beyond one machine (issue 16): uploads in S3-compatible object storage when configured
(tested against moto's S3 server on 127.0.0.1), and heavy read pages from a replica with
writes and read-after-write on the primary."""
import socket
import urllib.request

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from etown import db_router
from etown.models import StoredFile
from etown.uploads import file_path, file_store

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def s3(settings):
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # moto keeps its buckets in the process, not in the server: start every test empty.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).close()
    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}
    client = boto3.client("s3", endpoint_url=endpoint, **credentials)
    client.create_bucket(Bucket="etown-uploads")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "etown-uploads", "endpoint_url": endpoint, "region_name": "us-east-1",
                    "access_key": "test", "secret_key": "test", "location": "uploads", "default_acl": None,
                    "file_overwrite": False},
    }}
    yield client
    server.stop()


def test_it_stores_and_serves_an_upload_through_object_storage(demo, s3, client_for):
    upload = SimpleUploadedFile("验收材料.pdf", PDF + b"%s3", content_type="application/pdf")
    stored = file_store(upload=upload, county=demo.linyi, etown=demo.etown, by=demo.office,
                        access=StoredFile.Access.ETOWN, purpose="测试")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="etown-uploads")["Contents"]]
    assert keys == [f"uploads/{stored.path}"]
    assert not file_path(stored).exists()  # nothing on this node's disk
    response = client_for(demo.office).get(reverse("file_download", args=[stored.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF + b"%s3"
    # Another county's office still learns nothing.
    assert client_for(demo.contractor2).get(reverse("file_download", args=[stored.pk])).status_code == 404


class _Request:
    def __init__(self, method, session=None):
        self.method = method
        self.session = session


class _Session(dict):
    session_key = "k"


def test_it_reads_heavy_pages_from_the_replica_until_the_request_writes(settings, monkeypatch):
    monkeypatch.setitem(settings.DATABASES, "replica", {**settings.DATABASES["default"]})
    router = db_router.ReplicaRouter()
    seen = []

    def view(request):
        seen.append(router.db_for_read(StoredFile))
        assert router.db_for_write(StoredFile) == "default"
        seen.append(router.db_for_read(StoredFile))  # read-after-write: the primary
        return "ok"

    wrapped = db_router.replica_reads(view)
    assert wrapped(_Request("GET", _Session())) == "ok"
    assert seen == ["replica", None]
    seen.clear()
    wrapped(_Request("POST", _Session()))
    assert seen == [None, None]  # a form post never reads the replica
    seen.clear()
    import time

    wrapped(_Request("GET", _Session({db_router.WROTE_AT: time.time()})))
    assert seen == [None, None]  # the person just changed something: read their own write
    assert router.db_for_read(StoredFile) is None  # outside a wrapped view: the primary
    assert router.allow_migrate("replica", "etown") is False and router.allow_migrate("default", "etown")


def test_it_reads_the_dashboards_open_data_and_the_change_trail_from_the_replica():
    """The heavy read pages (dashboards, open data, the auditor's trail over 800,000
    history rows) and no others: a page that writes would only switch back."""
    from django.urls import get_resolver, resolve

    heavy = {"county_dashboard", "regional_dashboard", "change_trail", "public_county_json", "public_county_csv",
             "public_etown_json", "public_etown_csv"}
    for name in heavy:
        args = [1] if name.startswith("public_") else []
        assert getattr(resolve(reverse(name, args=args)).func, "reads_replica", False), name
    def names(resolver):
        for p in resolver.url_patterns:
            if hasattr(p, "url_patterns"):
                yield from names(p)
            elif getattr(p.callback, "reads_replica", False):
                yield p.name

    assert set(names(get_resolver())) == heavy


def test_it_marks_a_session_that_wrote(demo, client):
    client.force_login(demo.office)
    client.post(reverse("notification_read"))
    assert db_router.WROTE_AT in client.session


# Issue 16, "only uploads go to S3": job outputs, dossiers and backups go through the same
# storage (STORAGES["default"], and STORAGES["backups"] for backups), so any web or worker
# node serves what another one wrote. ---------------------------------------------------------


def _keys(client, prefix=""):
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket="etown-uploads", Prefix=prefix).get("Contents", []))


def test_it_keeps_a_job_output_in_object_storage_and_expires_it_there(
    demo, s3, client_for, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from etown.models import Job
    from etown.models.jobs import FUNDS_EXPORT
    from etown.services.jobs import jobs_sweep

    client = client_for(demo.office)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("funds:ledger_export", args=[demo.etown.pk]))
    job = Job.objects.get(kind=FUNDS_EXPORT)
    assert job.state == Job.State.DONE, job.error
    stored = job.result
    assert f"uploads/{stored.path}" in _keys(s3) and not file_path(stored).exists()
    response = client.get(reverse("file_download", args=[stored.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    assert client_for(demo.contractor2).get(reverse("file_download", args=[stored.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        jobs_sweep(now=timezone.now() + datetime.timedelta(days=8))
    assert f"uploads/{stored.path}" not in _keys(s3)


def test_it_builds_a_dossier_into_object_storage_serves_and_expires_it(
    demo, s3, client_for, django_capture_on_commit_callbacks, settings
):
    import datetime
    import io
    import zipfile
    from pathlib import Path

    from acceptance.models import DossierExport
    from acceptance.services.dossier import dossier_request
    from etown.services.jobs import jobs_sweep

    # An upload that lives only in object storage goes into the ZIP.
    upload = SimpleUploadedFile("验收材料.pdf", PDF + b"%dossier", content_type="application/pdf")
    file_store(upload=upload, county=demo.linyi, etown=demo.etown, by=demo.office, access=StoredFile.Access.ETOWN,
               purpose="测试")
    with django_capture_on_commit_callbacks(execute=True):
        export = dossier_request(etown=demo.etown, by=demo.office)
    export.refresh_from_db()
    assert export.status == DossierExport.Status.READY, export.error
    assert f"uploads/{export.path}" in _keys(s3, "uploads/dossiers/")
    assert not (Path(settings.MEDIA_ROOT) / export.path).exists()  # nothing on this node's disk
    response = client_for(demo.office).get(reverse("acceptance:dossier_download", args=[export.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert any(archive.read(n) == PDF + b"%dossier" for n in archive.namelist())
    assert client_for(demo.contractor).get(reverse("acceptance:dossier_download", args=[export.pk])).status_code in (403, 404)
    with django_capture_on_commit_callbacks(execute=True):
        jobs_sweep(now=export.finished_at + datetime.timedelta(days=7, minutes=1))
    assert _keys(s3, "uploads/dossiers/") == []


@pytest.mark.django_db(transaction=True)
def test_it_backs_up_to_object_storage_and_restores_from_it(demo, s3, settings, tmp_path):
    from django.core.management import call_command

    from etown.models import ETown
    from etown.uploads import file_open

    settings.STORAGES = {**settings.STORAGES, "backups": {
        **settings.STORAGES["default"], "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "location": "backups"},
    }}
    upload = SimpleUploadedFile("验收材料.pdf", PDF + b"%backup", content_type="application/pdf")
    stored = file_store(upload=upload, county=demo.linyi, etown=demo.etown, by=demo.office,
                        access=StoredFile.Access.ETOWN, purpose="测试")
    etowns = ETown.objects.count()
    call_command("backup", "etown-test.tar.gz", "--storage", stdout=open("/dev/null", "w"))
    assert _keys(s3, "backups/") == ["backups/etown-test.tar.gz", "backups/etown-test.tar.gz.sha256"]
    assert not (tmp_path / "etown-test.tar.gz").exists()

    call_command("flush", "--noinput", verbosity=0)
    s3.delete_object(Bucket="etown-uploads", Key=f"uploads/{stored.path}")  # the bucket lost it too
    call_command("restore", "etown-test.tar.gz", "--storage", stdout=open("/dev/null", "w"))
    assert ETown.objects.count() == etowns
    with file_open(StoredFile.objects.get(pk=stored.pk)) as handle:
        assert handle.read() == PDF + b"%backup"


@pytest.mark.django_db(transaction=True)
def test_it_uploads_the_daily_backup_to_the_bucket_and_prunes_only_old_backups(s3, settings):
    """The beat's daily backup (etown.tasks.daily_backup) with object storage: today's
    archive and its checksum go to the bucket, backups older than BACKUP_KEEP_DAYS are
    deleted there, and nothing else in the bucket is touched."""
    import datetime

    from etown.tasks import daily_backup

    settings.STORAGES = {**settings.STORAGES, "backups": {
        **settings.STORAGES["default"], "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "location": "backups"},
    }}
    settings.BACKUP_KEEP_DAYS = 14
    today = datetime.date.today()
    old = f"etown-{today - datetime.timedelta(days=15):%Y-%m-%d}.tar.gz"
    kept = f"etown-{today - datetime.timedelta(days=13):%Y-%m-%d}.tar.gz"
    for key in (old, f"{old}.sha256", kept, f"{kept}.sha256", "etown-notes.txt"):
        s3.put_object(Bucket="etown-uploads", Key=f"backups/{key}", Body=b"x")

    name = daily_backup()

    assert name == f"etown-{today:%Y-%m-%d}.tar.gz"
    assert _keys(s3, "backups/") == sorted(
        f"backups/{key}" for key in (name, f"{name}.sha256", kept, f"{kept}.sha256", "etown-notes.txt")
    )
    digest = s3.get_object(Bucket="etown-uploads", Key=f"backups/{name}.sha256")["Body"].read().decode()
    archive = s3.get_object(Bucket="etown-uploads", Key=f"backups/{name}")["Body"].read()
    import hashlib

    assert hashlib.sha256(archive).hexdigest() in digest
