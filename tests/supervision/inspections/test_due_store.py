"""The stored due states (issue 16: “due states … kept as a maintained column updated by
the services and the daily sweep”): what the lists, the dashboards and the sweep read
must always be what the live computation (``DueTable``) gives for the day, whichever
path wrote the change (a service, the admin, the ORM, a bulk import), and bringing them
to a new day costs a fixed number of queries however many e-towns changed."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etown import services
from etown.models import ETown
from supervision.models import CountyInspectionRule, Inspection, InspectionDue, InspectionDueStamp, InspectionPlan
from supervision.selectors.inspection_due import refresh
from supervision.selectors.inspections import ACTIVE_PHASES, DueTable, due_table
from supervision.services.inspections import inspection_plan_set, inspection_rule_save

from ...concurrency import failed, race
from .support import D, inspect

DAY = D(2026, 11, 23)
KEYS = ("etown_id", "category", "interval", "state", "due_date", "last_date", "prev_start")


def _stored(etowns, day):
    return sorted(tuple(r[k] for k in KEYS) for r in due_table(etowns, day))


def _live(etowns, day):
    return sorted(tuple(r[k] for k in KEYS) for r in DueTable(etowns, day).rows())


def _state(etown, category, day=DAY):
    return {r["category"]: r["state"] for r in due_table(ETown.objects.filter(pk=etown.pk), day)}.get(category)


def test_it_stores_what_the_live_computation_gives_on_every_day(demo):
    inspect(demo, etown=demo.etown, category="funds", on=D(2026, 10, 9))
    inspect(demo, etown=demo.etown, category="construction", on=D(2026, 11, 2))
    inspection_plan_set(etown=demo.other_etown, category="training", interval_months=1, by=demo.office)
    etowns = ETown.objects.filter(phase__in=ACTIVE_PHASES)
    for day in (DAY, D(2026, 11, 30), D(2026, 12, 1), D(2027, 1, 5), D(2026, 6, 30)):
        assert _stored(etowns, day) == _live(etowns, day), day
        assert set(InspectionDueStamp.objects.values_list("computed_on", flat=True)) == {day}
    assert _stored(etowns, DAY)  # not vacuous: the demo has planned categories


def test_it_shows_an_inspection_recorded_through_the_service_at_once(demo):
    assert _state(demo.etown, "funds") == "overdue"
    inspect(demo, etown=demo.etown, category="funds", on=DAY)
    assert _state(demo.etown, "funds") == "done"


def test_it_follows_changes_written_around_the_services(demo):
    """The admin and imports save models directly: the stored states follow them too."""
    assert _state(demo.etown, "funds") == "overdue"
    inspection = Inspection.objects.create(etown=demo.etown, category="funds", inspected_on=DAY, recorded_by=demo.office)
    assert _state(demo.etown, "funds") == "done"
    inspection.delete()
    assert _state(demo.etown, "funds") == "overdue"

    InspectionPlan.objects.create(etown=demo.etown, category="funds", interval_months=0)  # not planned any more
    assert _state(demo.etown, "funds") is None
    InspectionPlan.objects.filter(etown=demo.etown, category="funds").get().delete()
    assert _state(demo.etown, "funds") == "overdue"

    rule = CountyInspectionRule.objects.get_or_create(county=demo.etown.county)[0]
    rule.funds_months = 0
    rule.save()
    assert _state(demo.etown, "funds") is None

    etown = ETown.objects.get(pk=demo.etown.pk)
    etown.implementation_start = DAY + datetime.timedelta(days=30)  # not started yet: nothing is due
    etown.save()
    assert _state(demo.etown, "construction") is None
    etowns = ETown.objects.filter(phase__in=ACTIVE_PHASES)
    assert _stored(etowns, DAY) == _live(etowns, DAY)


def test_it_follows_a_county_rule_changed_by_the_service(demo):
    etowns = ETown.objects.filter(county=demo.etown.county, phase__in=ACTIVE_PHASES)
    before = _stored(etowns, DAY)
    inspection_rule_save(county=demo.etown.county, by=demo.office, construction_months=0, operation_months=0,
                         training_months=0, funds_months=0)
    after = _stored(etowns, DAY)
    assert after == _live(etowns, DAY) and len(after) < len(before)


def test_it_computes_e_towns_created_in_bulk_without_signals(demo):
    etowns = ETown.objects.filter(phase__in=ACTIVE_PHASES)
    due_table(etowns, DAY)
    ETown.objects.bulk_create([ETown(county=demo.linyi, name="批量导入e镇", leading_industries="水果",
                                     planned_investment=1000, phase="implementation",
                                     implementation_start=D(2026, 1, 1))])
    new = ETown.objects.get(name="批量导入e镇")
    assert {r["etown_id"] for r in due_table(etowns, DAY)} >= {new.pk}
    assert _stored(etowns, DAY) == _live(etowns, DAY)


def _add(demo, n, tag):
    for i in range(n):
        services.etown_create(county=demo.linyi, by=demo.system, name=f"存量e镇{tag}-{i}", leading_industries="水果",
                              planned_investment=1000, phase="implementation", implementation_start=D(2026, 1, 1))


def _queries(call):
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def test_it_brings_any_number_of_e_towns_to_a_new_day_in_a_fixed_number_of_queries(demo):
    etowns = ETown.objects.filter(phase__in=ACTIVE_PHASES)
    _add(demo, 2, "a")
    few = _queries(lambda: due_table(etowns, DAY).counts())
    assert InspectionDue.objects.exists()
    _add(demo, 25, "b")
    many = _queries(lambda: due_table(etowns, DAY + datetime.timedelta(days=1)).counts())  # every e-town is stale
    assert few == many
    # Fresh: the stamps are today's (one query), the counts (one).
    assert _queries(lambda: due_table(etowns, DAY + datetime.timedelta(days=1)).counts()) == 2


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    dates=st.lists(st.tuples(st.sampled_from(["construction", "operation", "training", "funds"]),
                             st.dates(D(2025, 6, 1), D(2027, 3, 1))), max_size=8),
    day=st.dates(D(2025, 12, 1), D(2027, 3, 1)),
    interval=st.sampled_from([None, 0, 1, 3, 6, 12]),
)
def test_it_never_differs_from_the_live_computation(demo, dates, day, interval):
    Inspection.objects.filter(etown=demo.etown).delete()
    InspectionPlan.objects.filter(etown=demo.etown).delete()
    if interval is not None:
        InspectionPlan.objects.create(etown=demo.etown, category="operation", interval_months=interval)
    for category, on in dates:
        Inspection.objects.create(etown=demo.etown, category=category, inspected_on=on, recorded_by=demo.office)
    etowns = ETown.objects.filter(pk__in=[demo.etown.pk, demo.other_etown.pk])
    assert _stored(etowns, day) == _live(etowns, day)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once need PostgreSQL")
def test_it_computes_a_new_day_once_when_two_requests_ask_at_the_same_moment(demo):
    ids = list(ETown.objects.values_list("pk", flat=True))
    refresh(ids, DAY, DueTable)
    later = DAY + datetime.timedelta(days=1)
    outcomes = race(lambda: refresh(ids, later, DueTable), lambda: refresh(ids, later, DueTable))
    assert not any(failed(o) for o in outcomes), outcomes
    assert sorted(outcomes) == [0, len(ids)]  # one computed them, the other found them done
    etowns = ETown.objects.all()
    assert _stored(etowns, later) == _live(etowns, later)
    assert set(InspectionDueStamp.objects.values_list("computed_on", flat=True)) == {later}


def test_it_moves_every_etown_to_the_new_day_from_the_beat(demo):
    from etown.celery import app
    from supervision.tasks import inspection_due_refresh

    entry = app.conf.beat_schedule["inspection-due-refresh"]
    assert entry["task"] == inspection_due_refresh.name
    assert inspection_due_refresh() == ETown.objects.count()  # nothing was computed for today yet
    assert set(InspectionDueStamp.objects.values_list("computed_on", flat=True)) == {timezone.localdate()}
    assert inspection_due_refresh() == 0  # a second run the same day does nothing
