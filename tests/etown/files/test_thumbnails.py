"""Issue 15: photo evidence shows as thumbnails. A thumbnail is made server-side with
Pillow when a photo is stored, kept beside it, and served by the same permission-checked
download view as the original (an outsider gets 404 for it too), under a safe name;
clicking it opens the original."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from etown.uploads import THUMBNAIL_SIZE, file_store, thumbnail_exists

pytestmark = pytest.mark.django_db


def photo(name="现场照片.png", size=(1600, 1200), fmt="PNG"):
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def test_it_makes_a_small_thumbnail_when_a_photo_is_stored(demo):
    stored = file_store(upload=photo(), county=demo.linyi, etown=demo.etown, by=demo.agency)
    assert thumbnail_exists(stored)


def test_it_serves_the_thumbnail_through_the_permission_checked_view(demo, client_for):
    stored = file_store(upload=photo("检查照片.jpg", fmt="JPEG"), county=demo.linyi, etown=demo.etown, by=demo.agency)
    url = reverse("file_download", args=[stored.pk]) + "?thumb=1"
    response = client_for(demo.office).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline") and "%E7%BC%A9%E7%95%A5%E5%9B%BE.jpg" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.format == "JPEG" and max(image.size) <= max(THUMBNAIL_SIZE) and image.size[0] > image.size[1]
    assert client_for(demo.contractor2).get(url).status_code == 404
    assert client_for(demo.contractor2).get(reverse("file_download", args=[stored.pk])).status_code == 404


def test_it_has_no_thumbnail_for_a_document(demo, client_for):
    pdf = SimpleUploadedFile("方案.pdf", b"%PDF-1.4\n%%EOF\n")
    stored = file_store(upload=pdf, county=demo.linyi, etown=demo.etown, by=demo.office)
    assert not thumbnail_exists(stored)
    assert client_for(demo.office).get(reverse("file_download", args=[stored.pk]) + "?thumb=1").status_code == 404


def test_it_makes_a_missing_thumbnail_on_first_view(demo, client_for):
    """Photos stored before thumbnails existed get one when first shown."""
    from etown.uploads import thumbnail_path

    stored = file_store(upload=photo(), county=demo.linyi, etown=demo.etown, by=demo.agency)
    thumbnail_path(stored).unlink()
    assert not thumbnail_exists(stored)
    response = client_for(demo.office).get(reverse("file_download", args=[stored.pk]) + "?thumb=1")
    assert response.status_code == 200 and thumbnail_exists(stored)


def test_it_shows_rectification_evidence_photos_as_thumbnails(demo, client_for):
    import datetime

    from supervision.services.rectification import rectification_create, rectification_submit_evidence

    item = rectification_create(etown=demo.etown, source="inspection", problem="门头破损", measures="更换", units="承办企业",
                                persons="", deadline=datetime.date(2099, 1, 8), by=demo.office)
    rectification_submit_evidence(item=item, by=demo.contractor, text="已更换门头", files=[photo("整改后.png"),
                         SimpleUploadedFile("说明.pdf", b"%PDF-1.4\n%%EOF\n")])
    page = client_for(demo.office).get(item.get_absolute_url()).content.decode()
    stored = item.responses.get().files.get(content_type="image/png")
    assert f'src="/files/{stored.pk}/?thumb=1"' in page
    assert f'href="/files/{stored.pk}/?inline=1"' in page and 'alt="整改后.png"' in page
