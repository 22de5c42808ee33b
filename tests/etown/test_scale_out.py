"""Beyond one machine (issue 16): uploads in S3-compatible object storage when configured
(tested against moto's S3 server on 127.0.0.1), and heavy read pages from a replica with
writes and read-after-write on the primary."""
import socket

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


def test_it_marks_a_session_that_wrote(demo, client):
    client.force_login(demo.office)
    client.post(reverse("notification_read"))
    assert db_router.WROTE_AT in client.session
