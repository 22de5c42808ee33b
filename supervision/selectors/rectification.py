"""Reads of rectification items, for this app's pages and for the apps above it.

Other apps call ``items_for_source``, ``open_items_for_source`` and ``blocking_items``
(acceptance shows the items of an evaluation; funds' disbursement gate asks for
blocking items through the hub check registered in hooks).
"""
from django.db.models import BooleanField, Case, Count, F, OuterRef, Q, Value, When
from django.utils import timezone

from etown.models import LIVE_CONTRACTS, Contract, Organization
from etown.permissions import has_scope, visible_etowns_q

from ..models import UNIT_SEPARATOR, EscalationLevel, Rectification, overdue_q
from .scope import looks_governmental, scope_items, scope_items_to_company


def _split(units):
    return [u.strip() for u in (units or "").replace("，", UNIT_SEPARATOR).replace(",", UNIT_SEPARATOR).split(UNIT_SEPARATOR)
            if u.strip()]


def government_only(units, county):
    """Whether every unit in ``units`` (the 、-joined text of an item) is a government
    department: an organisation of the county registered as 政府部门, or a name ending the
    way government bodies' names end. A registered contractor or agency, or any other
    name, makes the item the contractor's (mixed items stay as they are)."""
    names = _split(units)
    if not names:
        return False
    kinds = dict(
        Organization.objects.filter(name__in=names).filter(Q(county=county) | Q(county__isnull=True))
        .values_list("name", "kind")
    )
    for name in names:
        kind = kinds.get(name)
        if kind == Organization.Kind.DEPARTMENT:
            continue
        if kind is not None or not looks_governmental(name):
            return False
    return True


def source_label(obj):
    """"app_label.model_name" of a source record (the form stored in source_type)."""
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


# An item not yet closed (销号): what holds an evaluation's funds (002 第十八条).
OPEN = ~Q(status=Rectification.Status.CLOSED)


def items_for_source(source_obj):
    """Every item opened from ``source_obj`` (an evaluation, a review, an inspection …)."""
    return Rectification.objects.filter(source_type=source_label(source_obj), source_id=source_obj.pk)


def open_items_for_source(source_obj):
    """The items of ``source_obj`` not yet closed (销号)."""
    return items_for_source(source_obj).filter(OPEN)


def item_counts_for_sources(source_objs):
    """{(source label, source pk): (items, open items)} of many sources in one query
    (issue 16: the disbursement sweep), what ``items_for_source`` and
    ``open_items_for_source`` count for each; a source with no item is absent."""
    by_label = {}
    for obj in source_objs:
        by_label.setdefault(source_label(obj), set()).add(obj.pk)
    if not by_label:
        return {}
    q = Q()
    for label, pks in by_label.items():
        q |= Q(source_type=label, source_id__in=pks)
    rows = (
        Rectification.objects.filter(q).order_by().values("source_type", "source_id")
        .annotate(total=Count("pk"), still_open=Count("pk", filter=OPEN))
    )
    return {(r["source_type"], r["source_id"]): (r["total"], r["still_open"]) for r in rows}


def _blocking_q(today):
    return Q(government_only=False) & (overdue_q(today) | Q(status=Rectification.Status.SENT_BACK))


def blocking_items(etown, today=None, *, contract=None):
    """Items that block a disbursement (004 annex 2 art. 12(3): a problem found by daily
    supervision, evaluation or acceptance that is not rectified in time, or whose
    rectification failed verification): overdue on ``today``, or sent back. An item owned by
    government departments only is not the contractor's and does not block its money.
    For one ``contract``'s request (issue 11; 附件2 第十一条: two contractors on one
    e-town) only the items of its contractor and those naming no contractor of the
    e-town count: an item of the other contractor does not hold this one's money."""
    today = today or timezone.localdate()
    qs = Rectification.objects.filter(etown=etown).filter(_blocking_q(today))
    if contract is not None:
        qs = scope_items_to_company(qs, contract.contractor_id)
    return qs.order_by("due_date", "pk")


def blocking_items_by_contract(contract_ids, today):
    """{contract id: [item]}: for each contract, what ``blocking_items(contract.etown,
    today, contract=contract)`` lists, in the same order, for many contracts in one query
    (issue 16: the disbursement sweep). Each item is read once per contract of its
    e-town, and scoped to that contract's contractor by the same rule."""
    result = {pk: [] for pk in contract_ids}
    if not result:
        return result
    qs = (
        Rectification.objects.filter(_blocking_q(today))
        .annotate(for_contract=F("etown__contracts__pk"), for_contractor=F("etown__contracts__contractor_id"))
        .filter(for_contract__in=result)
    )
    # Only what the check's reason reads (status, deadline, submission, the problem's
    # words): the sweep reads thousands of items.
    qs = qs.only("pk", "etown_id", "status", "due_date", "submitted_on", "problem")
    for item in scope_items_to_company(qs, OuterRef("for_contractor")).order_by("due_date", "pk"):
        result[item.for_contract].append(item)
    return result


def with_overdue(qs, today):
    """Annotate ``overdue`` (bool) computed on ``today``."""
    return qs.annotate(
        overdue=Case(When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField())
    )


LEDGER_FILTERS = ("status", "source", "unit", "overdue", "etown", "level", "q")


def sees_termination(user):
    """The proposal to terminate a contract (rung 3 of 004 附件4 第二条) is a request to the
    county government: government roles see it; the contractor and agency do not."""
    return has_scope(user)


def hide_termination(items, user):
    """Show rung 3 as rung 2 to those who may not see the proposal (in memory only)."""
    if not sees_termination(user):
        for item in items:
            if item.escalation_level > EscalationLevel.SECOND:
                item.escalation_level = EscalationLevel.SECOND
    return items


def ledger(user, *, today, etown=None, status="", source="", unit="", overdue="", level="", q="", etown_id=""):
    """The 整改台账: items of the e-towns the user may see, filtered; one query."""
    qs = scope_items(Rectification.objects.filter(visible_etowns_q(user, "etown")), user).select_related("etown__county")
    if etown is not None:
        qs = qs.filter(etown=etown)
    elif etown_id:
        qs = qs.filter(etown_id=etown_id)
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    if unit:
        qs = qs.filter(Q(units__icontains=unit) | Q(persons__icontains=unit))
    if level != "":
        wanted = int(level)
        if not sees_termination(user) and wanted >= EscalationLevel.SECOND:
            # Outside government the proposal to terminate is not shown: it reads as level 2.
            qs = qs.filter(escalation_level__gte=EscalationLevel.SECOND) if wanted == EscalationLevel.SECOND else qs.none()
        else:
            qs = qs.filter(escalation_level=wanted)
    if q:
        qs = qs.filter(Q(problem__icontains=q) | Q(measures__icontains=q) | Q(ref=q) | Q(etown__name__icontains=q))
    if overdue == "1":
        qs = qs.filter(overdue_q(today))
    elif overdue == "0":
        qs = qs.exclude(overdue_q(today))
    return with_overdue(qs, today).order_by("etown__county__name", "etown__name", "due_date", "pk")


def status_summary(etown, today, user=None):
    """Counts for the e-town page: by status, overdue and sent back (one query); of the
    user's own contract's items for a contractor (issue 11, ``scope_items``)."""
    S = Rectification.Status
    qs = Rectification.objects.filter(etown=etown)
    if user is not None:
        qs = scope_items(qs, user)
    return qs.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(status=S.CLOSED)),
        closed=Count("pk", filter=Q(status=S.CLOSED)),
        submitted=Count("pk", filter=Q(status=S.SUBMITTED)),
        sent_back=Count("pk", filter=Q(status=S.SENT_BACK)),
        overdue=Count("pk", filter=overdue_q(today)),
        escalated=Count("pk", filter=Q(escalation_level__gte=EscalationLevel.FIRST) & ~Q(status=S.CLOSED)),
    )


# Who to tell -------------------------------------------------------------------------------



def contractor_of(etown):
    """The e-town's contractor (the first live contract's), or None."""
    contract = (
        Contract.objects.filter(etown=etown, status__in=LIVE_CONTRACTS).select_related("contractor").order_by("signed_on", "pk").first()
    )
    return contract


# The county dashboard ----------------------------------------------------------------------

REPEAT_THRESHOLD = 2


def repeatedly_overdue_contractors(county_ids, today, threshold=REPEAT_THRESHOLD, limit=None):
    """Contractors with at least ``threshold`` items not rectified in time, overdue now
    or escalated at least once (000 §1(三), 001 §1(四): 多次存在问题且未及时整改).
    [(contractor name, e-town name, e-town id, count)], one query, most first."""
    late = overdue_q(today) | Q(escalation_level__gte=EscalationLevel.FIRST)
    qs = Rectification.objects.filter(late, etown__contracts__status__in=LIVE_CONTRACTS)
    if county_ids is not None:
        qs = qs.filter(etown__county_id__in=county_ids)
    rows = (
        qs.values("etown__contracts__contractor__name", "etown__name", "etown_id")
        .annotate(n=Count("pk", distinct=True))
        .filter(n__gte=threshold)
        .order_by("-n", "etown__name")
    )
    if limit is not None:
        rows = rows[:limit]  # the worst ``limit``, in SQL (issue 16: a dashboard chart)
    return [(r["etown__contracts__contractor__name"], r["etown__name"], r["etown_id"], r["n"]) for r in rows]
