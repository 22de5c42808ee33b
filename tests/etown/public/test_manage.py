"""Office pages behind the column: publish an e-town's page and choose its sections,
upload documents and publish them (000 §5(2); 004 annex 2 art. 4)."""
import pytest
from django.test import Client
from django.urls import reverse

from etown.models import PublicDocument, PublicProfile, StoredFile

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


def test_it_lets_the_office_publish_an_etown_page(column, client_for):
    client = client_for(column.office)
    url = reverse("column_etown", args=[column.other_etown.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"is_published": "on", "sections": ["progress"], "summary": "县乡村三级物流体系。",
                                 "reason": "资料已齐备"})
    assert response.status_code == 302
    profile = PublicProfile.objects.get(etown=column.other_etown)
    assert profile.is_published and profile.sections == ["progress"] and profile.published_at
    assert profile.history.first().history_change_reason == "资料已齐备"
    page = Client().get(reverse("public_etown", args=[column.other_etown.pk])).content.decode()
    assert "县乡村三级物流体系。" in page and "县乡村三级物流共同配送体系" in page


def test_it_shows_the_column_state_of_every_etown(column, client_for):
    page = client_for(column.office).get(reverse("column_manage")).content.decode()
    assert column.etown.name in page and column.other_etown.name in page
    assert "已公开" in page and "未公开" in page


@pytest.mark.parametrize("who", ["finance", "leader", "auditor"])
def test_it_refuses_read_only_roles(column, client_for, who):
    client = client_for(getattr(column, who))
    assert client.get(reverse("column_manage")).status_code == 403
    url = reverse("column_etown", args=[column.other_etown.pk])
    assert client.post(url, {"is_published": "on"}).status_code == 403
    assert not PublicProfile.objects.get(etown=column.other_etown).is_published


@pytest.mark.parametrize("who, status", [("contractor", 403), ("contractor2", 404), ("agency", 403)])
def test_it_refuses_contractors_and_agencies(column, client_for, who, status):
    client = client_for(getattr(column, who))
    # contractor and agency see 临猗新城涑水e镇 (403: may read, not write); contractor2 does not (404).
    response = client.post(reverse("column_etown", args=[column.etown.pk]), {"is_published": ""})
    assert response.status_code == status
    assert PublicProfile.objects.get(etown=column.etown).is_published


def test_it_refuses_another_countys_office(column, client_for, anze_office):
    response = client_for(anze_office).post(reverse("column_etown", args=[column.etown.pk]), {"is_published": ""})
    assert response.status_code == 404


def test_it_uploads_a_document_as_a_draft_and_publishes_it(column, client_for):
    client = client_for(column.office)
    url = reverse("column_document_create") + f"?etown={column.etown.pk}"
    response = client.post(url, {"kind": "fund_rules", "title": "专项资金管理办法（2026年修订）",
                                 "issued_on": "2026-05-10", "upload": pdf_upload("办法.pdf")})
    assert response.status_code == 302
    document = PublicDocument.objects.get(title="专项资金管理办法（2026年修订）")
    assert not document.is_published and document.file.access == StoredFile.Access.GOVERNMENT
    assert Client().get(reverse("public_file", args=[document.pk])).status_code == 404
    # Government staff may read the draft through the signed-in download; a contractor not.
    assert client_for(column.finance).get(reverse("file_download", args=[document.file_id])).status_code == 200
    assert client_for(column.contractor).get(reverse("file_download", args=[document.file_id])).status_code == 404

    assert client.post(reverse("column_document_publish", args=[document.pk])).status_code == 302
    document.refresh_from_db()
    assert document.is_published and document.file.access == StoredFile.Access.PUBLIC
    assert Client().get(reverse("public_file", args=[document.pk])).status_code == 200


def test_it_uploads_a_county_wide_document(column, client_for):
    client = client_for(column.office)
    client.post(reverse("column_document_create"), {"kind": "supervision_rules", "title": "日常监督管理制度",
                                                    "upload": pdf_upload(), "publish": "on"})
    document = PublicDocument.objects.get(title="日常监督管理制度")
    assert document.etown is None and document.is_published
    assert "日常监督管理制度" in Client().get(reverse("public_county", args=[column.linyi.pk])).content.decode()
    assert "日常监督管理制度" in Client().get(reverse("public_etown", args=[column.etown.pk])).content.decode()


def test_it_refuses_a_document_that_is_not_what_it_claims(column, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("方案.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = client_for(column.office).post(reverse("column_document_create"),
                                              {"kind": "plan", "title": "方案", "upload": fake})
    assert "文件类型不符" in response.content.decode()
    assert not PublicDocument.objects.filter(title="方案").exists()


def test_it_asks_why_a_document_is_unpublished(column, client_for):
    document = PublicDocument.objects.get(is_published=True)
    client = client_for(column.office)
    client.post(reverse("column_document_unpublish", args=[document.pk]), {"reason": ""})
    document.refresh_from_db()
    assert document.is_published
    client.post(reverse("column_document_unpublish", args=[document.pk]), {"reason": "已废止"})
    document.refresh_from_db()
    assert not document.is_published
    assert document.history.first().history_change_reason == "取消公开：已废止"


@pytest.mark.parametrize("who, status", [("auditor", 403), ("contractor", 403), ("contractor2", 404)])
def test_it_refuses_document_changes_to_others(column, client_for, who, status):
    document = PublicDocument.objects.get(is_published=True)
    client = client_for(getattr(column, who))
    assert client.post(reverse("column_document_unpublish", args=[document.pk]), {"reason": "x"}).status_code == status
    document.refresh_from_db()
    assert document.is_published
