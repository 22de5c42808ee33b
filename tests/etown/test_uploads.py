"""Uploads are checked by content, size and name, stored outside the web root under
server-generated names, and served only through the permission-checked view."""
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from etown.models import StoredFile
from etown.uploads import DOCUMENTS, IMAGES, check_upload, file_path, file_store

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03" + b"\x00" * 200


def office_zip(kind):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml" if kind == "xlsx" else "word/document.xml", "<x/>")
    return buf.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_it_accepts_each_allowed_type_by_content():
    assert check_upload(upload("a.pdf", PDF_BYTES)).key == "pdf"
    assert check_upload(upload("a.png", PNG_BYTES)).key == "png"
    assert check_upload(upload("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32)).key == "jpeg"
    assert check_upload(upload("a.xlsx", office_zip("xlsx"))).key == "xlsx"
    assert check_upload(upload("a.docx", office_zip("docx"))).key == "docx"


def test_it_refuses_a_renamed_executable():
    with pytest.raises(ValidationError, match="文件类型不符"):
        check_upload(upload("发票.pdf", EXE_BYTES))


def test_it_refuses_a_plain_zip_named_xlsx():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("payload.exe", EXE_BYTES)
    with pytest.raises(ValidationError, match="文件类型不符"):
        check_upload(upload("表.xlsx", buf.getvalue()))


def test_it_refuses_a_type_outside_the_fields_list():
    with pytest.raises(ValidationError, match="只接受 JPEG 图片、PNG 图片"):
        check_upload(upload("a.pdf", PDF_BYTES), allowed=IMAGES)


def test_it_refuses_an_oversize_file(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="文件过大"):
        check_upload(upload("a.pdf", PDF_BYTES + b"0" * 2000))


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "a/b.pdf", "..\\x.pdf", "c:evil.pdf"])
def test_it_refuses_a_path_in_the_file_name(name):
    # Django's upload handlers already cut most paths; the check refuses whatever still
    # carries one (defence in depth), so set the raw name past Django's own clean-up.
    f = upload("x.pdf", PDF_BYTES)
    f._name = name
    with pytest.raises(ValidationError, match="文件名不能包含路径"):
        check_upload(f)


def test_it_never_stores_under_the_uploaded_name(demo, settings):
    stored = file_store(upload=upload("../../etc/cron.d/x.pdf", PDF_BYTES), county=demo.linyi, etown=demo.etown, by=None)
    assert "/" not in stored.original_name and ".." not in stored.path
    assert file_path(stored).resolve().is_relative_to(settings.MEDIA_ROOT)


def test_it_refuses_an_empty_file():
    with pytest.raises(ValidationError, match="文件为空"):
        check_upload(upload("a.pdf", b""))


def test_it_stores_under_a_generated_name_outside_the_web_root(demo, settings):
    stored = file_store(upload=upload("进度表.pdf", PDF_BYTES), county=demo.linyi, etown=demo.etown, by=demo.contractor)
    path = file_path(stored)
    assert path.read_bytes() == PDF_BYTES
    assert "进度表" not in stored.path and stored.path.endswith(".pdf")
    assert str(path).startswith(str(settings.MEDIA_ROOT))
    assert not str(path).startswith(str(settings.STATIC_ROOT))
    assert stored.original_name == "进度表.pdf" and stored.size == len(PDF_BYTES) and len(stored.sha256) == 64


def test_it_serves_a_file_only_to_those_who_may_read_its_etown(demo, client_for):
    stored = file_store(upload=upload("进度表.pdf", PDF_BYTES), county=demo.linyi, etown=demo.etown, by=demo.contractor)
    url = reverse("file_download", args=[stored.pk])
    for user in (demo.contractor, demo.office, demo.auditor, demo.agency):
        r = client_for(user).get(url)
        assert r.status_code == 200
        assert b"".join(r.streaming_content) == PDF_BYTES
        assert r["Content-Disposition"].startswith("attachment")
        assert r["X-Content-Type-Options"] == "nosniff"
        assert r["Content-Type"] == "application/pdf"
    assert client_for(demo.contractor2).get(url).status_code == 404


def test_it_keeps_confidential_files_to_the_discipline_roles(demo, client_for):
    stored = file_store(
        upload=upload("举报材料.pdf", PDF_BYTES), county=demo.linyi, etown=demo.etown, by=None,
        access=StoredFile.Access.DISCIPLINE,
    )
    url = reverse("file_download", args=[stored.pk])
    assert client_for(demo.auditor).get(url).status_code == 200
    for user in (demo.office, demo.contractor, demo.finance):
        assert client_for(user).get(url).status_code == 404


def test_it_accepts_every_document_type_listed():
    assert {t.key for t in DOCUMENTS} == {"pdf", "jpeg", "png", "xlsx", "docx"}


def test_it_keeps_government_files_from_contractors_and_agencies(demo, client_for):
    stored = file_store(
        upload=upload("约谈记录.pdf", PDF_BYTES), county=demo.linyi, etown=demo.etown, by=demo.office,
        access=StoredFile.Access.GOVERNMENT,
    )
    url = reverse("file_download", args=[stored.pk])
    for user in (demo.office, demo.finance, demo.leader, demo.auditor):
        assert client_for(user).get(url).status_code == 200
    for user in (demo.contractor, demo.agency, demo.contractor2):
        assert client_for(user).get(url).status_code == 404


def test_it_answers_404_for_a_missing_file(demo, client_for):
    assert client_for(demo.office).get(reverse("file_download", args=[999999])).status_code == 404


def test_it_tells_the_browser_what_a_file_input_accepts():
    """Issue 15: file inputs had no ``accept``; the phone's picker offered every file."""
    from django import forms as djforms

    from etown.forms.submissions import PublicAttachmentField
    from etown.uploads import DOCUMENTS, IMAGES, MultiUploadField, UploadField, accept_attr

    class F(djforms.Form):
        photo = UploadField(allowed=IMAGES)
        papers = MultiUploadField(allowed=DOCUMENTS)
        evidence = PublicAttachmentField()

    html = str(F())
    assert 'accept=".jpg,.jpeg,.png,image/jpeg,image/png"' in html
    assert f'accept="{accept_attr(DOCUMENTS)}"' in html and ".docx" in accept_attr(DOCUMENTS)
    assert html.count(f'accept="{accept_attr(DOCUMENTS)}"') == 2  # the public window's attachment too
