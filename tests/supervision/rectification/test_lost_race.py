"""A lost race is a message, not a 403 (issue 13, “已由他人处理”): closing (销号) an item a
colleague closed a moment before — or a double submit of 核验通过 — goes back to the item
with the message, writes no “denied” security event, and closes it once."""
import pytest
from django.contrib.messages import get_messages

from etown.models import AuditEvent
from supervision.models import Rectification
from supervision.services.rectification import rectification_close, rectification_submit_evidence

from .test_views import make_item

pytestmark = pytest.mark.django_db


def test_it_answers_a_close_after_a_colleagues_with_a_message(demo, client_for):
    item = make_item(demo)
    rectification_submit_evidence(item=item, text="已完成", by=demo.contractor)
    rectification_close(item=item, note="核验到位", by=demo.office)  # the colleague, a moment before
    page = item.get_absolute_url()

    response = client_for(demo.office).post(f"/supervision/rectifications/{item.pk}/close/", {"note": "我也核验了"},
                                            HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 302 and response.url.endswith(page)
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("已由他人处理" in m for m in shown), shown
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED).exists()
    item.refresh_from_db()
    assert item.status == Rectification.Status.CLOSED and item.review_note == "核验到位"
    assert item.history.filter(status="closed").count() == 1


def test_it_closes_a_double_submitted_item_once(demo, client_for):
    item = make_item(demo)
    rectification_submit_evidence(item=item, text="已完成", by=demo.contractor)
    client = client_for(demo.office)
    first = client.post(f"/supervision/rectifications/{item.pk}/close/", {"note": "核验到位"})
    second = client.post(f"/supervision/rectifications/{item.pk}/close/", {"note": "核验到位"})
    assert first.status_code == 302 and second.status_code == 302
    assert item.history.filter(status="closed").count() == 1
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED).exists()
