"""Due states kept in the database (issue 16: “due states computed in the database, or kept
as a maintained column updated by the services and the daily sweep, so counts are one
query and the due list paginates in SQL”).

``selectors.inspections.DueTable`` works the state of every e-town × planned category out
of the periods of a day (000 §6, 001 §3, 004 附件4 第四条). Over a whole country that is
thousands of rows of period arithmetic with three index probes each, and a list page
needed it three times (counts, count, page). Here its result is stored:

- ``InspectionDue``: one row per e-town × category, as DueTable computed it;
- ``InspectionDueStamp``: the day an e-town's rows were computed for.

Reads go through ``stored_due(etowns, today)``: one query finds the e-towns of the scope
without a stamp for ``today`` (new, changed, or computed on another day), and only those
are computed again (one DELETE, one INSERT … SELECT from DueTable's statement, one upsert
of stamps), under a lock so that two requests at midnight do not both do it. A write
that changes what the rows depend on deletes the stamps of the e-towns concerned in its
own transaction (``invalidate``, wired to the models' signals by ``connect``, so the
services, the admin and every save count), so a committed change is never read stale,
and the daily sweep's read brings every e-town to the new day. Signals do not see
``QuerySet.update()`` or ``bulk_create()`` of inspections, plans or rules: no code
writes them so, and one that did would call ``invalidate`` itself.
"""
from django.db import connections, router, transaction
from django.db.models import Count, F, QuerySet

from etown.models import ETown

from ..models import InspectionDue, InspectionDueStamp

_COLUMNS = ["etown_id", "name", "category", "interval", "state", "state_order", "due_date", "last_date", "prev_start"]
_STORED = ["etown_id", "category", "interval", "state", "state_order", "due_date", "last_date", "prev_start"]
_LOCK = 7_160_001  # pg_advisory_xact_lock key of the refresh (issue 16)
STATES = ("overdue", "due_soon", "due", "done")


def _ids(etowns):
    if isinstance(etowns, QuerySet):
        return etowns.order_by().values("pk")
    return [e.pk for e in etowns]


def stale_ids(etowns, today):
    """Ids of ``etowns`` whose rows were not computed for ``today``: one query."""
    base = etowns if isinstance(etowns, QuerySet) else ETown.objects.filter(pk__in=_ids(etowns))
    fresh = InspectionDueStamp.objects.filter(computed_on=today).values("etown_id")
    return list(base.order_by().exclude(pk__in=fresh).values_list("pk", flat=True).distinct())


def refresh(ids, today, compute):
    """Compute the rows of the e-towns ``ids`` for ``today`` again with ``compute`` (the
    live computation, ``selectors.inspections.DueTable``). Set-based: a lock, the stale
    check again under it (another request may have just done it), a DELETE, an
    INSERT … SELECT and an upsert of the stamps, whatever the number of e-towns."""
    db = router.db_for_write(InspectionDue)
    with transaction.atomic(using=db):
        connection = connections[db]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        ids = stale_ids(ETown.objects.using(db).filter(pk__in=list(ids)), today)
        if not ids:
            return 0
        InspectionDue.objects.using(db).filter(etown_id__in=ids).delete()
        table = compute(ETown.objects.using(db).filter(pk__in=ids), today)
        columns = ", ".join(_STORED)  # the model's columns are DueTable's names
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {connection.ops.quote_name(InspectionDue._meta.db_table)} ({columns}) "
                f"SELECT {', '.join(_STORED)} FROM ({table.sql}) due WHERE TRUE "
                "ON CONFLICT (etown_id, category) DO NOTHING",
                table.params,
            )
        InspectionDueStamp.objects.using(db).bulk_create(
            [InspectionDueStamp(etown_id=pk, computed_on=today) for pk in ids],
            update_conflicts=True, unique_fields=["etown"], update_fields=["computed_on"], batch_size=2000,
        )
        return len(ids)


def ensure_fresh(etowns, today, compute):
    """Bring the rows of ``etowns`` to ``today``: one query when they are (the usual case).
    Returns how many e-towns were computed again."""
    stale = stale_ids(etowns, today)
    return refresh(stale, today, compute) if stale else 0


def invalidate(etown_ids=None, *, county_ids=None):
    """Forget the rows of these e-towns (or of every e-town of these counties): the next
    read computes them again. Called inside the writing transaction."""
    stamps = InspectionDueStamp.objects.all()
    if county_ids is not None:
        stamps.filter(etown__county_id__in=list(county_ids)).delete()
    if etown_ids is not None:
        stamps.filter(etown_id__in=list(etown_ids)).delete()


class StoredDue:
    """The due list of ``etowns`` on ``today`` (overdue first) read from ``InspectionDue``:
    ``count()``, ``counts()``, ``counts_by()`` and a slice are one query each, on indexed
    rows, so a page costs the same for 5 or 5,000 e-towns."""

    def __init__(self, etowns, today, compute, states=None):
        self.today = today
        self.states = list(states or [])
        ensure_fresh(etowns, today, compute)
        self._all = InspectionDue.objects.filter(etown__in=_ids(etowns))
        self._qs = self._all.filter(state__in=self.states) if self.states else self._all
        self._counts = None

    def narrowed(self, narrow):
        """The same list with ``narrow(queryset)`` applied to its rows (a sweep leaves out
        what it reminded of before)."""
        self._qs, self._counts = narrow(self._qs), None
        return self

    def count(self):
        """Rows in the chosen states: from ``counts()`` when it was read (a list page reads
        both: one query, not two)."""
        if self._counts is not None:
            return sum(n for state, n in self._counts.items() if not self.states or state in self.states)
        return self._qs.count()

    def __len__(self):
        return self.count()

    def rows(self, offset=0, limit=None):
        qs = self._qs.order_by("state_order", "due_date", "etown__name", "category").values(
            *_STORED, name=F("etown__name"))
        qs = qs[offset:offset + limit] if limit is not None else qs[offset:]
        return [{c: row[c] for c in _COLUMNS} for row in qs]

    def __getitem__(self, key):
        if isinstance(key, slice):
            start = key.start or 0
            return self.rows(start, None if key.stop is None else key.stop - start)
        return self.rows(key, 1)[0]

    def __iter__(self):
        return iter(self.rows())

    def counts(self):
        """{state: rows} over every state (the list's filter aside): one query."""
        if self._counts is None:
            self._counts = dict.fromkeys(STATES, 0)
            for state, n in self._all.order_by().values_list("state").annotate(n=Count("pk")):
                self._counts[state] = n
        return dict(self._counts)

    def counts_by(self, state, level="etown"):
        """{e-town id (level "etown") or county id (level "county"): rows in ``state``}: one query."""
        key = "etown__county_id" if level == "county" else "etown_id"
        return dict(self._all.filter(state=state).order_by().values_list(key).annotate(n=Count("pk")))



def connect():
    """Forget the stored states whenever what they depend on is written, by any path (a
    service, the admin, an import): an inspection or a plan of an e-town, a county's
    rule, the e-town itself (its start, its county). Called from SupervisionConfig.ready."""
    from django.db.models.signals import post_delete, post_save

    from ..models import CountyInspectionRule, Inspection, InspectionPlan

    def by_etown(sender, instance, **kwargs):
        invalidate([instance.etown_id])

    def by_county(sender, instance, **kwargs):
        invalidate(county_ids=[instance.county_id])

    def by_self(sender, instance, **kwargs):
        invalidate([instance.pk])

    for model, receiver in ((Inspection, by_etown), (InspectionPlan, by_etown), (CountyInspectionRule, by_county)):
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, weak=False, dispatch_uid=f"inspection_due:{model.__name__}:{signal}")
    post_save.connect(by_self, sender=ETown, weak=False, dispatch_uid="inspection_due:ETown")
