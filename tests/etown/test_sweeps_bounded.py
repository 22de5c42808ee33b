"""Reminder sweeps in bounded work (issue 16: 84,740 queries over 1,500 e-towns before):
every registered sweep reads what is due with set-based queries and records what it
sends in one batch that skips what was sent before, so its query count does not grow
with the e-towns, and a rerun with nothing new sends nothing."""
import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from etown import services
from etown.models import Notification, Organization, Reminder
from etown.notifications import Due, remind_many, remind_once, run_sweeps
from supervision.services.rectification import rectification_create

DAY = datetime.date(2026, 11, 23)  # October reports overdue, inspections of the quarter due


def _etowns(demo, n, tag):
    contractor = Organization.objects.get(name="临猗县涑水电子商务运营有限公司")
    for i in range(n):
        etown = services.etown_create(
            county=demo.linyi, by=demo.system, name=f"规模e镇{tag}-{i}", leading_industries="水果",
            planned_investment=Decimal("1000000"), phase="implementation", implementation_start=datetime.date(2026, 1, 1),
        )
        services.contract_create(etown=etown, by=demo.office, contractor=contractor, number=f"GM-{tag}-{i}", title="合同",
                                 amount=Decimal("100000"), signed_on=datetime.date(2026, 1, 1))
        rectification_create(
            etown=etown, source="inspection", problem="进度滞后", measures="倒排工期", units=["承办企业"], persons=["陈涛"],
            deadline=DAY - datetime.timedelta(days=3), by=demo.office,
        )


def _sweep():
    with CaptureQueriesContext(connection) as queries:
        sent = run_sweeps(DAY, names={"inspections_due", "rectification_deadlines", "monthly_reports"})
    return sent, len(queries)


def test_it_sweeps_in_a_number_of_queries_that_does_not_grow_with_the_etowns(demo):
    _etowns(demo, 3, "a")
    first, first_queries = _sweep()
    assert all(first.values()), first  # each sweep had something to send
    Reminder.objects.all().delete()
    Notification.objects.all().delete()
    _etowns(demo, 12, "b")
    second, second_queries = _sweep()
    assert sum(second.values()) > sum(first.values())
    assert second_queries == first_queries, (first_queries, second_queries)
    assert second_queries < 60


def test_it_sends_nothing_on_a_rerun_and_the_rerun_is_nearly_free(demo):
    _etowns(demo, 5, "c")
    sent, _ = _sweep()
    notifications = Notification.objects.count()
    again, queries = _sweep()
    assert sum(sent.values()) and not any(again.values())
    assert Notification.objects.count() == notifications
    assert queries < 40


def test_it_sends_only_what_its_own_batch_inserted(demo):
    """A key a concurrent sweep inserted first is not sent again."""
    due = Due.of(demo.etown, kind="test", due_date=DAY, users=[demo.office], title="提醒")
    Reminder.objects.create(item_type=due.item_type, item_id=due.item_id, kind="test", due_date=DAY)
    other = Due.of(demo.other_etown, kind="test", due_date=DAY, users=[demo.office, demo.leader], title="提醒")
    assert remind_many([due, other, other]) == 1
    assert Notification.objects.filter(title="提醒").count() == 2
    assert Reminder.objects.get(item_id=demo.other_etown.pk, kind="test").recipients == 2
    # remind_once keeps its interface (helper 13's auto-draft notification uses it).
    assert remind_once(item=demo.anze_etown, kind="test", due_date=DAY, users=[demo.office], title="提醒") is True
    assert remind_once(item=demo.anze_etown, kind="test", due_date=DAY, users=[demo.office], title="提醒") is False
