"""The daily sweep ``funds_gates_refresh`` in bounded work (issue 16): it re-evaluates the
gates of every request in flight set-based (``gates.evaluate_many``), so its query count
does not grow with the requests, and it still writes the 拨付受阻 flag correctly under the
version guard (a request a step moved meanwhile is left to that step)."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from etown.hub import hub
from funds.models import DisbursementRequest, RequestKind, RequestStatus
from funds.services.gates import gates_refresh
from supervision.services.rectification import rectification_create

from ..helpers import TODAY, new_request, only_checks

pytestmark = pytest.mark.django_db

# The checks the other apps registered (the funds tests' autouse fixture empties the hub).
REGISTERED = list(hub.checks_for("disbursement"))
IN_FLIGHT_STEPS = [RequestStatus.SUBMITTED, RequestStatus.OFFICE_APPROVED, RequestStatus.DEPARTMENT_APPROVED]


def put_in_flight(request, status=RequestStatus.SUBMITTED):
    """Move a draft into the queue without its step's gates (the sweep's input)."""
    DisbursementRequest.objects.filter(pk=request.pk).update(status=status, submitted_at=timezone.now())
    request.refresh_from_db()
    return request


def in_flight(demo, second_contract, n):
    """``n`` requests in flight over three contracts of two counties (two contractors on
    one e-town; a request of 安泽 written directly, with no materials), in the same few
    shapes whatever ``n``, so that only their number differs."""
    anze = demo.anze_etown.contracts.get()
    made = []
    for i in range(n):
        kind = (RequestKind.PREPAYMENT, RequestKind.PROGRESS)[i % 2]
        status = IN_FLIGHT_STEPS[i % len(IN_FLIGHT_STEPS)]
        if i % 3 == 2:
            request = DisbursementRequest.objects.create(etown=anze.etown, contract=anze, kind=kind,
                                                         amount=Decimal("10000"), purpose="进度款", created_by=demo.system)
        elif i % 3 == 1:
            request = new_request(demo, kind=kind, amount=Decimal("10000"), contract=second_contract, by=demo.contractor2)
        else:
            request = new_request(demo, kind=kind, amount=Decimal("10000"))
        made.append(put_in_flight(request, status))
    return made


def sweep_queries(today=TODAY):
    """Queries of one sweep, after marking every request's flag stale (so that every
    request is written, whatever the number)."""
    with CaptureQueriesContext(connection) as queries:
        assert gates_refresh(today) == 0
    return len(queries)


def stale():
    DisbursementRequest.objects.update(blocked_gates="过期标记", gates_checked_on=None)


def overdue_item(demo, units, problem):
    return rectification_create(etown=demo.etown, source="inspection", problem=problem, measures="整改", units=units,
                                persons=[], deadline=TODAY - datetime.timedelta(days=2), by=demo.office)


def test_it_runs_the_same_number_of_queries_for_2_and_for_10_requests(demo, second_contract):
    """Issue 16: the sweep's query count does not grow with the requests in flight: 14
    here for 2 as for 10 (it was 23 and 102 evaluated one by one). The requests; their
    positions (one query: all are queued); materials; overrides; the hub checks' batch
    forms (rectification 1, funds inspection 1 as no county asks for one, evaluation 2,
    acceptance 1, acceptance basis 1: no progress payment names a stage acceptance); in a
    savepoint (2), the changed ones locked with their versions and their one UPDATE
    (whatever the number of distinct labels: one CASE branch each). A rerun the same day
    that finds nothing changed writes nothing: 10."""
    with only_checks(*REGISTERED):
        overdue_item(demo, ["承办企业"], "专账凭证不全")
        in_flight(demo, second_contract, 2)
        stale()
        few = sweep_queries()
        few_rerun = sweep_queries()  # nothing changed, checked today: nothing is written
        in_flight(demo, second_contract, 8)
        stale()
        many = sweep_queries()
        many_rerun = sweep_queries()
    assert DisbursementRequest.objects.filter(status__in=IN_FLIGHT_STEPS).count() == 10
    assert not DisbursementRequest.objects.filter(gates_checked_on=None).exists()
    assert (few, few_rerun) == (many, many_rerun) == (14, 10)


def test_it_flags_each_request_and_leaves_one_moved_meanwhile_to_its_step(demo, second_contract, monkeypatch):
    """The flag is per request (issue 11: the other contractor's overdue item does not
    hold this one's money); a request a step moved while the sweep evaluated it (its
    version changed) keeps what that step wrote; the rest get the day checked."""
    from funds.services import gates as gate_service

    with only_checks(*REGISTERED):
        overdue_item(demo, [second_contract.contractor.name], "物流站点逾期未建成")
        clear = put_in_flight(new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("10000")))
        held = put_in_flight(new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("10000"),
                                         contract=second_contract, by=demo.contractor2))
        moved = put_in_flight(new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("20000"),
                                          contract=second_contract, by=demo.contractor2))
        DisbursementRequest.objects.filter(pk=clear.pk).update(blocked_gates="拨付依据的验收结论已生效")  # stale
        evaluate_many = gate_service.gatekeeping.evaluate_many

        def evaluate_while_a_step_moves_one(requests, **kwargs):
            DisbursementRequest.objects.filter(pk=moved.pk).update(version=moved.version + 1)
            return evaluate_many(requests, **kwargs)

        monkeypatch.setattr(gate_service.gatekeeping, "evaluate_many", evaluate_while_a_step_moves_one)
        gates_refresh(TODAY)
    for request in (clear, held, moved):
        request.refresh_from_db()
    assert (clear.blocked_gates, clear.gates_checked_on) == ("", TODAY)
    assert (held.blocked_gates, held.gates_checked_on) == ("无逾期或被退回的整改事项", TODAY)
    assert (moved.blocked_gates, moved.gates_checked_on) == ("", None)  # left to its step


def test_it_dates_an_unchanged_flag_once_a_day_and_a_rerun_writes_nothing(demo, second_contract):
    """A request whose gates hold it as they did yesterday keeps its labels and gets
    today's date; a second run the same day writes nothing (issue 16: a rerun is nearly
    free), and the next day dates it again."""
    with only_checks(*REGISTERED):
        overdue_item(demo, ["承办企业"], "专账凭证不全")
        requests = in_flight(demo, second_contract, 3)
        gates_refresh(TODAY - datetime.timedelta(days=1))
        before = {r.pk: r.blocked_gates for r in DisbursementRequest.objects.filter(pk__in=[r.pk for r in requests])}
        assert len(set(before.values())) == 3  # three different sets of labels, each its CASE branch

        gates_refresh(TODAY)
        with CaptureQueriesContext(connection) as rerun:
            gates_refresh(TODAY)
        gates_refresh(TODAY + datetime.timedelta(days=1))
    assert not [q["sql"] for q in rerun.captured_queries if q["sql"].startswith(("UPDATE", "SAVEPOINT"))]
    after = DisbursementRequest.objects.filter(pk__in=before)
    assert {r.pk: r.blocked_gates for r in after} == before
    assert {r.gates_checked_on for r in after} == {TODAY + datetime.timedelta(days=1)}


def test_it_writes_in_chunks_what_one_statement_would(demo, second_contract, monkeypatch):
    """Over 5,000 changed requests (a parameter limit), the lock and the writes go a chunk
    at a time: with chunks of two, each request still gets its own labels, and the
    unchanged ones their date."""
    from funds.services import gates as gate_service

    with only_checks(*REGISTERED):
        overdue_item(demo, ["承办企业"], "专账凭证不全")
        requests = in_flight(demo, second_contract, 5)
        gates_refresh(TODAY)
        whole = {r.pk: r.blocked_gates for r in DisbursementRequest.objects.filter(pk__in=[r.pk for r in requests])}
        stale()
        DisbursementRequest.objects.filter(pk=requests[0].pk).update(blocked_gates=whole[requests[0].pk])  # unchanged
        monkeypatch.setattr(gate_service, "WRITE_CHUNK", 2)
        gates_refresh(TODAY)
    after = DisbursementRequest.objects.filter(pk__in=whole)
    assert {r.pk: r.blocked_gates for r in after} == whole and len(set(whole.values())) > 1
    assert {r.gates_checked_on for r in after} == {TODAY}


def test_the_daily_sweep_skips_what_was_checked_today_so_a_rerun_is_one_query(demo, second_contract):
    """Issue 16 (a rerun with nothing to send is nearly free): the registered sweep
    re-checks only the requests in flight not yet checked today. A rerun the same day (a
    retried task, a second ``run_reminders``) reads what is left, finds nothing and
    writes nothing: one query, whatever the number in flight. Writes during the day
    re-check their e-towns' requests as they commit (test_gates_current.py), and what
    time changes changes by the day, so a request checked today has nothing left for the
    sweep to find."""
    from etown.notifications import SWEEPS

    sweep = SWEEPS["funds_gates_refresh"]
    with only_checks(*REGISTERED):
        overdue_item(demo, ["承办企业"], "专账凭证不全")
        requests = in_flight(demo, second_contract, 4)
        stale()
        sweep(TODAY)
        flagged = {r.pk: r.blocked_gates for r in DisbursementRequest.objects.filter(pk__in=[r.pk for r in requests])}
        with CaptureQueriesContext(connection) as rerun:
            assert sweep(TODAY) == 0
        in_flight(demo, second_contract, 4)
        with CaptureQueriesContext(connection) as rerun_of_more:
            sweep(TODAY)  # the four new ones: never checked
        with CaptureQueriesContext(connection) as rerun_again:
            sweep(TODAY)
    assert all(flagged.values()) and "过期标记" not in flagged.values()
    assert len(rerun) == len(rerun_again) == 1, [q["sql"] for q in rerun.captured_queries]
    assert len(rerun_of_more) > 1
    assert not DisbursementRequest.objects.filter(status__in=IN_FLIGHT_STEPS).exclude(gates_checked_on=TODAY).exists()


def test_the_daily_sweep_re_checks_the_next_day_what_it_skipped_today(demo, second_contract):
    """The skip is by day: the next day's sweep re-reads every request in flight, and so
    corrects a flag that a write without signals (``QuerySet.update()``) left wrong."""
    from etown.notifications import SWEEPS

    sweep = SWEEPS["funds_gates_refresh"]
    with only_checks(*REGISTERED):
        overdue_item(demo, ["承办企业"], "专账凭证不全")
        requests = in_flight(demo, second_contract, 3)
        sweep(TODAY)
        right = {r.pk: r.blocked_gates for r in DisbursementRequest.objects.filter(pk__in=[r.pk for r in requests])}
        DisbursementRequest.objects.filter(pk__in=right).update(blocked_gates="过期标记")  # checked today, now wrong
        sweep(TODAY)
        same_day = set(DisbursementRequest.objects.filter(pk__in=right).values_list("blocked_gates", flat=True))
        sweep(TODAY + datetime.timedelta(days=1))
    assert same_day == {"过期标记"}
    after = DisbursementRequest.objects.filter(pk__in=right)
    assert {r.pk: r.blocked_gates for r in after} == right
    assert {r.gates_checked_on for r in after} == {TODAY + datetime.timedelta(days=1)}


def test_recheck_gates_command_re_checks_every_request_in_flight_at_once(demo, second_contract):
    """After a bulk import or a data fix by ``update()`` (no signals), an operator need not
    wait for tomorrow: ``manage.py recheck_gates`` re-checks every request in flight,
    those checked today included, and says how many it read."""
    from io import StringIO

    from django.core.management import call_command

    from etown.notifications import SWEEPS

    with only_checks(*REGISTERED):
        overdue_item(demo, ["承办企业"], "专账凭证不全")
        requests = in_flight(demo, second_contract, 3)
        SWEEPS["funds_gates_refresh"](TODAY)
        right = {r.pk: r.blocked_gates for r in DisbursementRequest.objects.filter(pk__in=[r.pk for r in requests])}
        DisbursementRequest.objects.filter(pk__in=right).update(blocked_gates="过期标记")
        out = StringIO()
        call_command("recheck_gates", "--date", TODAY.isoformat(), stdout=out)
    assert {r.pk: r.blocked_gates for r in DisbursementRequest.objects.filter(pk__in=right)} == right
    held = sum(1 for labels in right.values() if labels)
    assert held, right  # the overdue item holds at least one of them
    assert out.getvalue().strip() == f"已重新核验 3 件在途申请，其中 {held} 件拨付受阻。"
