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


# Changed requests written per UPDATE: two parameters each (the CASE and the WHERE) stay
# far below every backend's limit (SQLite 32,766) whatever the number in flight.
WRITE_CHUNK = 5000


def gates_refresh(today, calendar=None):
    """The daily sweep: evaluate the gates of every request in flight and store which
    block it. Set-based (issue 16: thousands of requests in flight in the country):
    ``evaluate_many`` reads them in a fixed number of queries; the unchanged ones get the
    day in one UPDATE and the changed ones their labels in one, per 5,000 requests. Writes
    only what changed, under the version read: the changed rows are locked (one query per
    5,000) and a request a step moved meanwhile (its version changed) is left to that
    step. Sends nothing: returns 0."""
    requests = list(DisbursementRequest.objects.filter(status__in=IN_FLIGHT).select_related("etown", "contract"))
    results = gatekeeping.evaluate_many(requests, today=today)
    unchanged, changed = [], {}
    for request in requests:
        labels = blocked_labels(results[request.pk])
        if labels == request.blocked_gates:
            if request.gates_checked_on != today:  # a rerun the same day writes nothing
                unchanged.append(request.pk)
        else:
            changed[request.pk] = (request.version, labels)
    if not (changed or unchanged):
        return 0  # a rerun the same day: nothing to write
    with transaction.atomic():
        current, ids = [], sorted(changed)
        for start in range(0, len(ids), WRITE_CHUNK):  # locked in id order, a chunk at a time
            locked = (DisbursementRequest.objects.select_for_update()
                      .filter(pk__in=ids[start:start + WRITE_CHUNK]).order_by("pk").values_list("pk", "version"))
            current += [pk for pk, version in locked if version == changed[pk][0]]
        for start in range(0, len(current), WRITE_CHUNK):
            # The labels by a CASE of one branch per distinct set of labels (a handful),
            # each naming its requests: not a branch per request, whose thousands of WHENs
            # were seconds of Python building the statement (issue 16).
            by_labels = {}
            for pk in current[start:start + WRITE_CHUNK]:
                by_labels.setdefault(changed[pk][1], []).append(pk)
            chunk = [pk for pks in by_labels.values() for pk in pks]
            DisbursementRequest.objects.filter(pk__in=chunk).update(
                blocked_gates=Case(*[When(pk__in=pks, then=Value(labels)) for labels, pks in by_labels.items()],
                                   output_field=CharField()),
                gates_checked_on=today,
            )
        for start in range(0, len(unchanged), WRITE_CHUNK):
            DisbursementRequest.objects.filter(pk__in=unchanged[start:start + WRITE_CHUNK]).exclude(
                gates_checked_on=today).update(gates_checked_on=today)
    return 0
