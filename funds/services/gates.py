"""The maintained 拨付受阻 flag of a disbursement request (issue 15: blocked payments on
the county dashboard; issue 16: counted in one query).

The gates (``funds.selectors.gates``) read the contract's position, the materials and
the other apps' hub checks (overdue rectification 004 附件2 第十二条3, the evaluation
002 第十八条, acceptance …), so they cannot be evaluated in SQL. Instead each request
carries ``blocked_gates`` (the labels of the gates that held it) and
``gates_checked_on``: written by every step of the chain that passes its gates (cleared:
``gates_record``) and by the daily sweep ``gates_sweep`` over the requests in flight,
which also catches what time changes (an item that became overdue overnight). The sweep
skips what was checked today, so a rerun the same day is one query (issue 16); an
operator re-checks everything at once with ``manage.py recheck_gates``.

Between sweeps, a committed write to anything a gate reads re-checks the requests in
flight of the e-towns it concerns (``gates_refresh_later``, wired by ``connect`` to the
hub's ``check_input_written``): funds' own inputs (``OWN_INPUTS``) and
the models each hub check names in ``Check.watches``. So a sent-back or closed
rectification item, a recorded evaluation or a terminated contract shows on the
dashboards at once, whoever wrote it and by whatever path. ``QuerySet.update()`` and
``bulk_create()`` send no signals: the daily sweep still covers them."""
import logging
import threading

from django.db import transaction
from django.db.models import Case, CharField, Q, Value, When
from django.utils import timezone

from etown.hub import check_input_written, hub

from ..models import IN_FLIGHT, DisbursementRequest
from ..selectors import gates as gatekeeping

log = logging.getLogger(__name__)

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


def gates_refresh(today, calendar=None, *, etown_ids=None, county_ids=None, unchecked_only=False):
    """Evaluate the gates of every request in flight and store which block it.
    Set-based (issue 16: thousands of requests in flight in the country):
    ``evaluate_many`` reads them in a fixed number of queries; the unchanged ones get the
    day in one UPDATE and the changed ones their labels in one, per 5,000 requests. Writes
    only what changed, under the version read: the changed rows are locked (one query per
    5,000) and a request a step moved meanwhile (its version changed) is left to that
    step. Sends nothing: returns 0.

    ``etown_ids`` / ``county_ids``: only the requests of those e-towns, or of every e-town
    of those counties (``gates_refresh_later``, after a write). ``unchecked_only``: only
    the requests not yet checked on ``today`` (``gates_sweep``)."""
    requests = DisbursementRequest.objects.filter(status__in=IN_FLIGHT)
    if unchecked_only:
        requests = requests.exclude(gates_checked_on=today)  # NULL (never checked) included
    if etown_ids is not None or county_ids is not None:
        requests = requests.filter(Q(etown_id__in=list(etown_ids or ())) | Q(etown__county_id__in=list(county_ids or ())))
    requests = list(requests.select_related("etown", "contract"))
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


def gates_sweep(today, calendar=None):
    """The daily sweep ``funds_gates_refresh``: the requests in flight not yet checked
    today. What a gate reads changes in two ways. Writes re-check their e-towns' requests
    as they commit (below), and each step records what it evaluated (``gates_record``);
    time changes it by the day (an item due yesterday is overdue today). So a request
    checked today has nothing left for the sweep to find, and a rerun the same day (a
    retried task, a second ``run_reminders``) reads nothing and writes nothing: one
    query (issue 16). What neither covers, a write without signals (``update()``, a bulk
    import), waits for the next day's sweep, or ``manage.py recheck_gates`` at once."""
    return gates_refresh(today, calendar, unchecked_only=True)


# Re-checking after a write ------------------------------------------------------------

# What funds' own gates read (``selectors.gates.OWN_GATES``): the e-town's status, the
# contract (status, amount, ratios, final acceptance), the other requests of the contract
# (paid, ahead in the queue), its clawbacks and reductions, each request's materials and
# overrides. The hub checks add theirs (``Check.watches``).
OWN_INPUTS = frozenset({
    "etown.ETown", "etown.Contract", "funds.DisbursementRequest", "funds.Clawback", "funds.RequestMaterial",
    "funds.GateOverride",
})

_pending = threading.local()


def _pending_ids():
    if not hasattr(_pending, "ids"):
        _pending.ids = {"etowns": set(), "counties": set()}
    return _pending.ids


def gates_refresh_later(*, etown_ids=(), county_ids=()):
    """Re-check the requests in flight of these e-towns (or of every e-town of these
    counties) when the current transaction commits (at once outside one). Writes of one
    transaction are re-checked together, once; a rolled-back write re-checks nothing
    until the next commit (then it re-reads what is true, which is harmless)."""
    pending = _pending_ids()
    pending["etowns"].update(etown_ids)
    pending["counties"].update(county_ids)
    transaction.on_commit(_refresh_pending)


def _refresh_pending():
    pending = _pending_ids()
    if not (pending["etowns"] or pending["counties"]):
        return  # an earlier callback of the same commit did it
    etown_ids, county_ids = set(pending["etowns"]), set(pending["counties"])
    pending["etowns"].clear()
    pending["counties"].clear()
    try:
        gates_refresh(timezone.localdate(), etown_ids=etown_ids, county_ids=county_ids)
    except Exception:  # the write is committed; the flag waits for the daily sweep
        log.exception("re-checking the disbursement gates of e-towns %s, counties %s failed", etown_ids, county_ids)


def watched_models():
    """Labels of the models whose writes may change a gate's answer."""
    return OWN_INPUTS.union(*(check.watches for check in hub.checks_for(gatekeeping.HUB_GROUP)))


def _on_write(sender, instance, **kwargs):
    if sender._meta.label not in watched_models():  # a check no longer registered (tests)
        return
    if sender._meta.label == "etown.ETown":
        gates_refresh_later(etown_ids=[instance.pk])
    elif getattr(instance, "etown_id", None) is not None:
        gates_refresh_later(etown_ids=[instance.etown_id])
    elif getattr(instance, "request_id", None) is not None:  # a material or an override
        etown_id = DisbursementRequest.objects.filter(pk=instance.request_id).values_list("etown_id", flat=True).first()
        if etown_id is not None:
            gates_refresh_later(etown_ids=[etown_id])
    elif getattr(instance, "county_id", None) is not None:  # a county's rule or policy
        gates_refresh_later(county_ids=[instance.county_id])


def connect():
    """Re-check on every committed write of a watched model (called from
    FundsConfig.ready): funds' own inputs, and through the hub the models each check
    names (``Check.watches``), whichever app registers it and whenever."""
    hub.watch(*OWN_INPUTS)
    check_input_written.connect(_on_write, dispatch_uid="funds.gates.recheck")
