"""The daily drafting of 督办函 in bounded work (issue 16: "each reminder sweep reads what
is due with a few set-based queries and records what it sends with one bulk insert that
skips what was sent before"). The sweep drafts a letter for every e-town with overdue
items (004 annex 4 §2: 行文要求整改) in a number of queries that does not grow with the
e-towns, keeps the database's one open auto-drafted letter per e-town and kind
(letter_one_open_auto_draft_per_addressee, conflicts skipped), tells the offices through remind_many,
and a rerun with nothing new is nearly free."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from etown import services
from etown.models import Notification, Organization, Reminder
from etown.notifications import run_sweeps
from supervision.models import SupervisionLetter
from supervision.services.letters import letter_draft
from supervision.services.rectification import rectification_create

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
D = datetime.timedelta
SWEEP = ["supervision_letters_draft"]


def _etowns(demo, n, tag):
    contractor = Organization.objects.get(name="临猗县涑水电子商务运营有限公司")
    made = []
    for i in range(n):
        etown = services.etown_create(
            county=demo.linyi, by=demo.system, name=f"督办e镇{tag}-{i}", leading_industries="水果",
            planned_investment=Decimal("1000000"), phase="implementation", implementation_start=datetime.date(2026, 1, 1),
        )
        services.contract_create(etown=etown, by=demo.office, contractor=contractor, number=f"DB-{tag}-{i}", title="合同",
                                 amount=Decimal("100000"), signed_on=datetime.date(2026, 1, 1))
        for problem, days in (("进度滞后", 3), ("服务站未运营", 1)):
            rectification_create(etown=etown, source="inspection", problem=problem, measures="倒排工期",
                                 units=["承办企业"], persons=["陈涛"], deadline=TODAY - D(days=days), by=demo.office)
        made.append(etown)
    return made


def _sweep():
    with CaptureQueriesContext(connection) as queries:
        sent = run_sweeps(TODAY, names=SWEEP)["supervision_letters_draft"]
    return sent, len(queries)


def _forget_drafts():
    SupervisionLetter.objects.filter(auto_drafted=True, status="draft").delete()
    Reminder.objects.all().delete()
    Notification.objects.all().delete()


def test_it_drafts_in_a_number_of_queries_that_does_not_grow_with_the_etowns(demo):
    _etowns(demo, 3, "a")
    first, first_queries = _sweep()
    assert first >= 3
    _forget_drafts()
    _etowns(demo, 27, "b")
    second, second_queries = _sweep()
    assert second == first + 27
    assert second_queries == first_queries, (first_queries, second_queries)
    assert second_queries < 30
    # Every e-town got exactly one draft with both its items, and the office was told once.
    drafts = SupervisionLetter.objects.filter(auto_drafted=True, status="draft", etown__name__startswith="督办e镇")
    assert drafts.count() == 30
    assert {d.items.count() for d in drafts} == {2}
    assert Notification.objects.filter(user=demo.office, kind="letter_draft").count() == second
    draft = drafts.select_related("etown").first()
    assert draft.addressee == "临猗县涑水电子商务运营有限公司" and draft.title.startswith("关于督促")
    assert draft.history.get().history_change_reason == "系统为逾期事项起草"


def test_it_costs_almost_nothing_on_a_rerun_with_nothing_new(demo):
    _etowns(demo, 5, "c")
    sent, _ = _sweep()
    notifications = Notification.objects.count()
    again, queries = _sweep()
    assert sent and again == 0
    assert Notification.objects.count() == notifications
    assert queries <= 4, queries


def test_it_extends_the_open_draft_and_skips_an_etown_without_a_contractor(demo):
    (etown,) = _etowns(demo, 1, "d")
    items = list(etown.rectifications.order_by("pk"))
    manual = letter_draft(etown=etown, kind=1, items=items[:1], by=demo.office, today=TODAY)
    lonely = services.etown_create(
        county=demo.linyi, by=demo.system, name="督办e镇无承办企业", leading_industries="水果",
        planned_investment=Decimal("1000000"), phase="implementation", implementation_start=datetime.date(2026, 1, 1),
    )
    rectification_create(etown=lonely, source="inspection", problem="无人承办", measures="招标", units=["承办企业"],
                         persons=["陈涛"], deadline=TODAY - D(days=2), by=demo.office)
    run_sweeps(TODAY, names=SWEEP)
    manual.refresh_from_db()
    assert set(manual.items.all()) == set(items)  # the office's own draft took the newly overdue item
    assert SupervisionLetter.objects.filter(etown=etown).count() == 1
    assert manual.history.first().history_change_reason == "系统补充逾期事项 1 项"
    assert not SupervisionLetter.objects.filter(etown=lonely).exists()  # nobody to address: left to the office
