"""Row locks under concurrent requests (PostgreSQL only: SQLite serialises every writer,
so it cannot show a race). One open application per contract; one first conclusion per
application, even when two submit at the same moment.

While acceptance has no migrations (its tables come from syncdb), run these with
``--nomigrations`` on PostgreSQL: ``DATABASE_URL=postgres://… pytest --nomigrations
tests/acceptance/applications/test_concurrency.py``."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from acceptance.models import AcceptanceApplication, AcceptanceReview
from acceptance.services import applications as application_services
from tests.concurrency import race

from ..conftest import apply, review_kwargs

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL row locks; SQLite serialises writers"),
]


def test_it_accepts_one_of_two_simultaneous_applications_for_a_contract(demo):
    outcomes = race(lambda: apply(demo), lambda: apply(demo))
    assert sum(isinstance(o, AcceptanceApplication) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert AcceptanceApplication.objects.count() == 1


def test_it_records_one_of_two_simultaneous_first_conclusions(demo):
    application = apply(demo)

    def conclude():
        return application_services.acceptance_review_record(
            **review_kwargs(demo, application, conclusion="not_passed", not_met=["培训师资库专家"]), expected_round=1
        )

    outcomes = race(conclude, conclude)
    assert sum(isinstance(o, AcceptanceReview) for o in outcomes) == 1
    assert AcceptanceReview.objects.filter(application=application).count() == 1
    application.refresh_from_db()
    assert application.status == AcceptanceApplication.Status.RECTIFYING
