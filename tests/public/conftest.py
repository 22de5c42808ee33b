"""Fixtures of the public column: the demo county with its column seeded
(etown.public.demo): 临猗新城涑水e镇 published, the demonstration project, a draft
document and a draft notice not."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from etown.public import demo as public_demo
from etown.public import ratelimit


@pytest.fixture
def column(demo, settings):
    """The demo namespace, with the column seeded and the form time trap off (tests
    post at machine speed; the trap has its own tests)."""
    settings.PUBLIC_FORM_MIN_SECONDS = 0
    public_demo.seed_public()
    return demo


@pytest.fixture
def stamp():
    return ratelimit.form_stamp()


def pdf_upload(name="证据.pdf", text="evidence"):
    return SimpleUploadedFile(name, public_demo.tiny_pdf(text), content_type="application/pdf")
