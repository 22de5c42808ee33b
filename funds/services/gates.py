"""The maintained 拨付受阻 flag of a disbursement request (issue 15: blocked payments on
the county dashboard; issue 16: counted in one query).

The gates (``funds.selectors.gates``) read the contract's position, the materials and
the other apps' hub checks (overdue rectification 004 附件2 第十二条3, the evaluation
002 第十八条, acceptance …), so they cannot be evaluated in SQL. Instead each request
carries ``blocked_gates`` (the labels of the gates that held it) and
``gates_checked_on``: written by every step of the chain that passes its gates (cleared:
``gates_record``) and by the daily sweep ``gates_refresh`` over the requests in flight,
which also catches what time changes (an item that became overdue overnight)."""
from django.db import transaction
from django.db.models import Case, CharField, Value, When

from ..models import IN_FLIGHT, DisbursementRequest
from ..selectors import gates as gatekeeping

SEPARATOR = "、"


def blocked_labels(results):
    """The text stored for a list of GateResult: the blocking gates' labels."""
    return SEPARATOR.join(r.label for r in gatekeeping.blocking(results))[:500]


def gates_record(request, results, *, today):
    """Set the flag on ``request`` from the gates just evaluated; the caller saves it
    (every service step saves the request it moves)."""
    request.blocked_gates = blocked_labels(results)
    request.gates_checked_on = today


# Changed requests written per UPDATE: a CASE of this many rows stays far below every
# backend's limit on parameters (SQLite 32,766) whatever the number in flight.
WRITE_CHUNK = 500


def gates_refresh(today, calendar=None):
    """The daily sweep: evaluate the gates of every request in flight and store which
    block it. Set-based (issue 16: thousands of requests in flight in the country):
    ``evaluate_many`` reads them in a fixed number of queries, the unchanged ones get the
    day in one UPDATE, the changed ones their labels in one UPDATE per 500. Writes only
    what changed, under the version read (a request moved by a step meanwhile, whose
    version changed, is left to that step). Sends nothing: returns 0."""
    requests = list(DisbursementRequest.objects.filter(status__in=IN_FLIGHT).select_related("etown", "contract"))
    results = gatekeeping.evaluate_many(requests, today=today)
    unchanged, changed = [], []
    for request in requests:
        labels = blocked_labels(results[request.pk])
        if labels == request.blocked_gates:
            unchanged.append(request.pk)
        else:
            changed.append((request.pk, request.version, labels))
    with transaction.atomic():
        for start in range(0, len(changed), WRITE_CHUNK):
            chunk = changed[start:start + WRITE_CHUNK]
            read_version = Case(*[When(pk=pk, then=Value(version)) for pk, version, _ in chunk])
            DisbursementRequest.objects.filter(pk__in=[pk for pk, _, _ in chunk], version=read_version).update(
                blocked_gates=Case(*[When(pk=pk, then=Value(labels)) for pk, _, labels in chunk],
                                   output_field=CharField()),
                gates_checked_on=today,
            )
        if unchanged:  # a rerun the same day writes nothing
            DisbursementRequest.objects.filter(pk__in=unchanged).exclude(gates_checked_on=today).update(
                gates_checked_on=today)
    return 0
