"""Two people acting on the same report at once: the row lock lets exactly one through.
Runs on PostgreSQL only (SQLite has no row locks: it serialises whole-database writes)."""
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from etown.permissions import AlreadyHandled
from supervision.services import reports as services
from supervision.models import MonthlyReport

from .support import OCTOBER, TODAY, submitted_report
from tests.concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks (SELECT … FOR UPDATE) need PostgreSQL"),
]


@pytest.fixture
def slow_saves(monkeypatch):
    """Hold each save a moment inside the transaction, so the two calls overlap."""
    real = services.save_with_history

    def slow(obj, **kwargs):
        time.sleep(0.3)
        return real(obj, **kwargs)

    monkeypatch.setattr(services, "save_with_history", slow)


def test_it_lets_one_of_accept_and_return_win(demo, slow_saves):
    report = submitted_report(demo.etown, demo.contractor, OCTOBER)

    results = race(
        lambda: services.monthly_report_accept(report=report, by=demo.office),
        lambda: services.monthly_report_return(report=report, by=demo.office, reason="数据有误"),
    )

    errors = [r for r in results if isinstance(r, Exception)]
    # Issue 13: the loser lost a race: AlreadyHandled (a message), not a 403.
    assert len(errors) == 1 and isinstance(errors[0], AlreadyHandled), results
    assert "已由他人处理" in str(errors[0]) and "不在待审核状态" in str(errors[0])
    report.refresh_from_db()
    assert report.status in ("accepted", "returned")
    assert report.history.filter(status__in=["accepted", "returned"]).count() == 1


def test_it_makes_one_report_of_two_simultaneous_creations(demo, slow_saves):
    results = race(*[
        lambda: services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=TODAY)
    ] * 2)

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), results
    assert errors[0].message_dict["period"] == ["2026年10月的月报已存在。"]
    assert MonthlyReport.objects.filter(etown=demo.etown, period=OCTOBER).count() == 1
