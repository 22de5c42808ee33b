"""Reads of rectification items, for this app's pages and for the apps above it.

Other apps call ``items_for_source``, ``open_items_for_source`` and ``blocking_items``
(acceptance shows the items of an evaluation; funds' disbursement gate asks for
blocking items through the hub check registered in hooks).
"""
from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Value, When
from django.utils import timezone

from etown.models import LIVE_CONTRACTS, Contract, Membership, Organization, Role
from etown.permissions import has_scope, memberships, visible_etowns

from ..models import UNIT_SEPARATOR, EscalationLevel, Rectification, overdue_q


# How government bodies' names end (县商务局, 工信局, 县人民政府, 发改委, 财政局, 县委办公室 …).
GOVERNMENT_SUFFIXES = ("局", "委", "委员会", "办公室", "政府", "人民政府", "厅", "部", "办")


# A name holding one of these is a business (XX公司项目部), whatever its ending.
BUSINESS_MARKS = ("公司", "企业", "合作社", "中心", "厂", "店")


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
        if kind is not None or not name.endswith(GOVERNMENT_SUFFIXES) or any(m in name for m in BUSINESS_MARKS):
            return False
    return True


def source_label(obj):
    """"app_label.model_name" of a source record (the form stored in source_type)."""
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def items_for_source(source_obj):
    """Every item opened from ``source_obj`` (an evaluation, a review, an inspection …)."""
    return Rectification.objects.filter(source_type=source_label(source_obj), source_id=source_obj.pk)


def open_items_for_source(source_obj):
    """The items of ``source_obj`` not yet closed (销号)."""
    return items_for_source(source_obj).exclude(status=Rectification.Status.CLOSED)


def blocking_items(etown, today=None):
    """Items that block a disbursement (004 annex 2 art. 12(3): a problem found by daily
    supervision, evaluation or acceptance that is not rectified in time, or whose
    rectification failed verification): overdue on ``today``, or sent back. An item owned by
    government departments only is not the contractor's and does not block its money."""
    today = today or timezone.localdate()
    return Rectification.objects.filter(etown=etown, government_only=False).filter(
        overdue_q(today) | Q(status=Rectification.Status.SENT_BACK)
    ).order_by("due_date", "pk")


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


def contractor_organizations(user):
    """The contractor companies a contract-scoped user works for, or an empty set for
    government roles and agencies (who see every item of the e-towns they may read)."""
    if not user.is_authenticated or has_scope(user):
        return set()
    return {m.organization_id for m in memberships(user) if m.role == Role.CONTRACTOR and m.organization_id}


def scope_items(qs, user):
    """Per-contract scoping (issue 11; 004 附件2 第十一条 allows two contractors on one
    e-town). An item belongs to the contractor named among its responsible units: an item
    whose units name another contractor of its e-town (a contract's company) and none of
    the user's own companies is that contractor's, and is left out for this user. Items
    naming no contractor (departments, generic units) are the e-town's and stay visible to
    both contractors. Two queries for a contractor, none for anyone else."""
    orgs = contractor_organizations(user)
    if not orgs:
        return qs
    others = (
        Contract.objects.filter(etown__in=visible_etowns(user)).exclude(contractor_id__in=orgs)
        .values_list("etown_id", "contractor__name").distinct()
    )
    other_q = Q(pk__in=[])
    for etown_id, name in others:
        other_q |= Q(etown_id=etown_id, units__contains=name)
    if not others:
        return qs
    own_q = Q(pk__in=[])
    for name in Organization.objects.filter(pk__in=orgs).values_list("name", flat=True):
        own_q |= Q(units__contains=name)
    return qs.exclude(other_q & ~own_q)


def scope_reports(qs, user):
    """Per-contract scoping of monthly reports (issue 11; 004 附件2 第十一条). A report
    belongs to the contractor company of the person who filed it (``created_by``'s
    contractor membership): a report filed by staff of another company holding a contract
    on its e-town, and not of the user's own company, is left out for this user. Reports
    filed by anyone else (the seed, the office) stay visible to the e-town's contractors.
    Subqueries only: no query of its own."""
    orgs = contractor_organizations(user)
    if not orgs:
        return qs
    filer = Membership.objects.filter(user=OuterRef("created_by"), role=Role.CONTRACTOR)
    theirs = filer.filter(organization__contracts__etown=OuterRef("etown")).exclude(organization_id__in=orgs)
    return qs.exclude(Exists(theirs) & ~Exists(filer.filter(organization_id__in=orgs)))


def can_see_report(user, report):
    return scope_reports(type(report).objects.filter(pk=report.pk), user).exists()


def can_see_item(user, item):
    return scope_items(Rectification.objects.filter(pk=item.pk), user).exists()


def ledger(user, *, today, etown=None, status="", source="", unit="", overdue="", level="", q="", etown_id=""):
    """The 整改台账: items of the e-towns the user may see, filtered; one query."""
    qs = scope_items(Rectification.objects.filter(etown__in=visible_etowns(user)), user).select_related("etown__county")
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
        qs = qs.filter(Q(problem__icontains=q) | Q(measures__icontains=q) | Q(ref=q))
    if overdue == "1":
        qs = qs.filter(overdue_q(today))
    elif overdue == "0":
        qs = qs.exclude(overdue_q(today))
    return with_overdue(qs, today).order_by("etown__county__name", "etown__name", "due_date", "pk")


def status_summary(etown, today):
    """Counts for the e-town page: by status, overdue and sent back (one query)."""
    S = Rectification.Status
    return Rectification.objects.filter(etown=etown).aggregate(
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


def repeatedly_overdue_contractors(county_ids, today, threshold=REPEAT_THRESHOLD):
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
    return [(r["etown__contracts__contractor__name"], r["etown__name"], r["etown_id"], r["n"]) for r in rows]
