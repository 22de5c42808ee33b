"""Fixtures of the public column: the demo county with its column seeded
(etown.demo.public): 临猗新城涑水e镇 published, the demonstration project, a draft
document and a draft notice not."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from etown import ratelimit
from etown.demo import public as public_demo


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


def last_workday():
    """Today, or the last working day before it: a notice starting then is running today
    whatever day of the week the tests run."""
    from datetime import timedelta

    from django.utils import timezone

    from etown.workdays import is_workday

    day = timezone.localdate()
    while not is_workday(day):
        day -= timedelta(days=1)
    return day


def running_notice(county, by, **fields):
    from etown.services import notices

    fields.setdefault("title", "进度款拨付公示")
    fields.setdefault("body", "拟拨付进度款。")
    return notices.notice_create(county=county, start_date=last_workday(), by=by, **fields)
