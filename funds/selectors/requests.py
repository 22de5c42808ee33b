"""The approval queue (what waits for the user's action) and the lists of disbursement
requests. Whose turn it is at each status comes from ``funds.workflow``."""
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from guardian.shortcuts import get_objects_for_user

from etown.models import ETown, Role
from etown.permissions import county_scope, has_scope, memberships, visible_etowns

from ..models import DisbursementRequest, GateOverride, RequestKind, RequestStatus
from ..permissions import finance_department_ids
from ..workflow import REQUEST_FLOW


def _county_q(province_wide, county_ids, prefix="etown__county_id"):
    return Q() if province_wide else Q(**{f"{prefix}__in": county_ids})


def queue_q(user, flow):
    """The requests of ``flow`` at a status where it is the user's turn: the office,
    finance bureau or leading group of their counties, the contractor of their e-towns."""
    q = Q(pk__in=[])
    if has_scope(user, {Role.OFFICE}):
        q |= _county_q(*county_scope(user, {Role.OFFICE})) & Q(status__in=flow.waiting_on(Role.OFFICE))
    finance = flow.waiting_on(Role.REVIEWER)
    finance_counties = set(finance_department_ids(user))
    if finance and finance_counties:
        q |= Q(etown__county_id__in=finance_counties, status__in=finance)
    if has_scope(user, {Role.LEADER}):
        q |= _county_q(*county_scope(user, {Role.LEADER})) & Q(status__in=flow.waiting_on(Role.LEADER))
    if _contractor_memberships(user):
        reportable = get_objects_for_user(
            user, "etown.report_etown", klass=ETown.objects.all(), accept_global_perms=False, with_superuser=False
        )
        q |= Q(etown__in=reportable.values("pk"), status__in=flow.waiting_on(Role.CONTRACTOR))
    return q


def _contractor_memberships(user):
    return [m for m in memberships(user) if m.role == Role.CONTRACTOR]


def request_queue(user):
    """Disbursement requests waiting for this user's action."""
    return (
        DisbursementRequest.objects.filter(queue_q(user, REQUEST_FLOW))
        .select_related("etown__county", "contract__contractor", "notice")
        .annotate(override_count=_override_count())
        .order_by("submitted_at", "pk")
    )


def _override_count():
    """How many gates of the request an office head let pass (shown in red in lists)."""
    inner = (
        GateOverride.objects.filter(request=OuterRef("pk")).order_by().values("request")
        .annotate(n=Count("pk")).values("n")[:1]
    )
    return Coalesce(Subquery(inner, output_field=IntegerField()), Value(0))


def visible_requests(user, *, status="", kind="", etown=None):
    qs = DisbursementRequest.objects.filter(etown__in=visible_etowns(user).values("pk"))
    if etown is not None:
        qs = qs.filter(etown=etown)
    if status in RequestStatus.values:
        qs = qs.filter(status=status)
    if kind in RequestKind.values:
        qs = qs.filter(kind=kind)
    return (
        qs.select_related("etown__county", "contract__contractor", "notice")
        .annotate(override_count=_override_count())
        .order_by("-pk")
    )
