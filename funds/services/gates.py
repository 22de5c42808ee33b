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


def gates_refresh(today, calendar=None):
    """The daily sweep: evaluate the gates of every request in flight and store which
    block it. Writes only what changed (a request moved by a step meanwhile, whose
    version changed, is left to that step). Sends nothing: returns 0."""
    requests = list(
        DisbursementRequest.objects.filter(status__in=IN_FLIGHT)
        .select_related("etown__county", "contract").prefetch_related("overrides")
    )
    unchanged = []
    for request in requests:
        labels = blocked_labels(gatekeeping.evaluate(request, today=today))
        if labels == request.blocked_gates:
            unchanged.append(request.pk)
            continue
        with transaction.atomic():
            DisbursementRequest.objects.filter(pk=request.pk, version=request.version).update(
                blocked_gates=labels, gates_checked_on=today,
            )
    if unchanged:
        DisbursementRequest.objects.filter(pk__in=unchanged).update(gates_checked_on=today)
    return 0
