"""The daily drafting sweep is idempotent under concurrency (issue 13: two sweeps at once
made duplicate draft letters in 5 of 5 trials): at most one open auto-drafted letter per
e-town and kind, enforced by the database, and its notification goes out once through
remind_once. Two concurrent sweeps on PostgreSQL; sequential ones on SQLite."""
import datetime
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from etown.models import Notification, Reminder
from etown.notifications import run_sweeps
from supervision.models import SupervisionLetter
from supervision.services import letters as letter_services
from supervision.services.rectification import rectification_create
from tests.concurrency import failed, race

TODAY = timezone.localdate()
D = datetime.timedelta
SWEEP = ["supervision_letters_draft"]


def overdue_items(demo):
    return [
        rectification_create(etown=demo.etown, source="inspection", problem=problem, measures="倒排工期",
                             units=["临猗县涑水电子商务运营有限公司"], persons=["陈涛"], deadline=TODAY - D(days=days),
                             by=demo.office)
        for problem, days in (("物流仓储配送中心改造进度滞后", 3), ("公共服务中心未按期运营", 1))
    ]


def open_auto_drafts(demo):
    return SupervisionLetter.objects.filter(etown=demo.etown, auto_drafted=True, status="draft")


@pytest.mark.django_db
def test_it_keeps_one_open_auto_draft_per_etown_and_kind_in_the_database(demo):
    items = overdue_items(demo)
    run_sweeps(TODAY, names=SWEEP)
    draft = open_auto_drafts(demo).get()
    with pytest.raises(IntegrityError), transaction.atomic():
        # Per e-town, kind and addressee since issue 11 (two contractors on one e-town).
        SupervisionLetter.objects.create(county=demo.linyi, etown=demo.etown, kind=draft.kind, auto_drafted=True,
                                         addressee_org=draft.addressee_org, title="重复草稿")
    assert set(draft.items.all()) == set(items)


@pytest.mark.django_db
def test_it_drafts_and_notifies_once_when_the_sweep_runs_twice(demo):
    overdue_items(demo)
    assert run_sweeps(TODAY, names=SWEEP) == {"supervision_letters_draft": 1}
    assert run_sweeps(TODAY, names=SWEEP) == {"supervision_letters_draft": 0}
    draft = open_auto_drafts(demo).get()
    assert Reminder.objects.filter(item_type="supervision.supervisionletter", item_id=draft.pk).count() == 1
    assert Notification.objects.filter(user=demo.office, kind="letter_draft").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two sweeps at once need PostgreSQL's concurrency")
def test_it_drafts_one_letter_when_two_sweeps_run_at_once(demo, monkeypatch):
    overdue_items(demo)
    real = letter_services._insert_drafts  # the sweep's one INSERT of new drafts (issue 16)

    def slow(letters):  # hold the insert a moment inside the transaction, so both sweeps overlap
        time.sleep(0.3)
        return real(letters)

    monkeypatch.setattr(letter_services, "_insert_drafts", slow)
    outcomes = race(lambda: run_sweeps(TODAY, names=SWEEP), lambda: run_sweeps(TODAY, names=SWEEP))
    assert not any(failed(o) for o in outcomes), outcomes
    assert sorted(o["supervision_letters_draft"] for o in outcomes) == [0, 1]
    draft = open_auto_drafts(demo).get()
    assert draft.items.count() == 2
    assert Notification.objects.filter(user=demo.office, kind="letter_draft").count() == 1
