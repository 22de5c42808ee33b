"""A lost race is a message, not a 403 (issue 13, “已由他人处理”): a second click on 印发
after the first (or a colleague's) succeeded goes back to the letter with the message,
writes no “denied” security event, and never issues the letter twice (one number, one
history row, items escalated once)."""
import pytest
from django.contrib.messages import get_messages

from etown.models import AuditEvent
from supervision.models import SupervisionLetter

from .test_views import issued

pytestmark = pytest.mark.django_db


def test_it_answers_a_second_issue_click_with_a_message(demo, client_for, django_capture_on_commit_callbacks):
    letter = issued(demo, django_capture_on_commit_callbacks)  # the first click (or a colleague) issued it
    number = letter.number
    item = letter.items.get()
    level = item.escalation_level
    client = client_for(demo.office)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/supervision/letters/{letter.pk}/issue/", {"confirm": "on"})
    assert response.status_code == 302 and response.url == letter.get_absolute_url()
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("已由他人处理" in m for m in shown), shown
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED).exists()
    letter.refresh_from_db()
    assert letter.status == SupervisionLetter.Status.ISSUED and letter.number == number
    assert letter.history.filter(history_change_reason__startswith="印发").count() == 1
    item.refresh_from_db()
    assert item.escalation_level == level
