"""A lost race is a message, not a 403 (issue 13): a click on 审核通过 landing after a
colleague's review (or a double submit) goes back to the report with “已由他人处理”,
writes no “denied” security event and never performs a second step."""
import pytest
from django.urls import reverse

from etown.models import AuditEvent
from supervision.services import reports as services

from .support import submitted_report

pytestmark = pytest.mark.django_db


def test_it_answers_a_review_after_a_colleagues_with_a_message(demo, client_for):
    report = submitted_report(demo.etown, demo.contractor)
    client = client_for(demo.office)
    page = reverse("report_detail", args=[report.pk])
    services.monthly_report_return(report=report, by=demo.office, reason="数据有误")  # the colleague, a moment before

    response = client.post(reverse("report_accept", args=[report.pk]), HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 302 and response.url.endswith(page)
    shown = client.get(page).content.decode()
    assert "已由他人处理" in shown
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED).exists()
    report.refresh_from_db()
    assert report.status == "returned"


def test_it_performs_a_double_submitted_review_once(demo, client_for):
    report = submitted_report(demo.etown, demo.contractor)
    client = client_for(demo.office)
    first = client.post(reverse("report_accept", args=[report.pk]))
    second = client.post(reverse("report_accept", args=[report.pk]))
    assert first.status_code == 302 and second.status_code == 302
    assert report.history.filter(status="accepted").count() == 1
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED).exists()
