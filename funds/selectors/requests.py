"""The approval queue (what waits for the user's action) and the lists of disbursement
requests. Whose turn it is at each status comes from ``funds.workflow``."""
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from guardian.shortcuts import get_objects_for_user

from etown.models import ETown, Role
from etown.permissions import county_scope, has_scope, memberships, visible_etowns, visible_etowns_q

from acceptance.selectors.conclusions import counted_stage_acceptances, payment_basis_gate, payment_basis_gates

from ..models import IN_FLIGHT, DisbursementRequest, GateOverride, RequestKind, RequestStatus
from ..permissions import contract_scoped, finance_department_ids
from ..workflow import REQUEST_FLOW
from .policy import policies_for


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
        q |= Q(etown__in=reportable.values("pk"), status__in=flow.waiting_on(Role.CONTRACTOR),
               contract__contractor_id__in=contract_scoped(user) or ())
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


def own_contracts_q(user, prefix="contract__"):
    """A contractor's staff see their own company's contracts only (004 附件2 第十一条:
    two contractors on one e-town); everyone else every contract they may read."""
    orgs = contract_scoped(user)
    return Q() if orgs is None else Q(**{f"{prefix}contractor_id__in": orgs})


def visible_requests(user, *, status="", kind="", etown=None):
    qs = DisbursementRequest.objects.filter(own_contracts_q(user), visible_etowns_q(user, "etown"))
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


# The stage acceptance a progress payment rests on (004 附件2 第十二条3) ------------------


def _holding():
    """A request holds its stage acceptance from submission until it is withdrawn or
    returned; a paid one holds it for good."""
    return (*IN_FLIGHT, RequestStatus.DISBURSED)


def stage_basis_taken(stage_acceptance, *, exclude=None):
    """Whether another submitted or paid request rests on this stage acceptance."""
    qs = DisbursementRequest.objects.filter(stage_acceptance=stage_acceptance, status__in=_holding())
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return qs.exists()


def available_stage_acceptances(contract_ids, *, request=None):
    """The counted stage acceptances of these contracts that no other submitted or paid
    request rests on: the request form's choices (plus the request's own)."""
    taken = DisbursementRequest.objects.filter(stage_acceptance__isnull=False, status__in=_holding())
    if request is not None and request.pk:
        taken = taken.exclude(pk=request.pk)
    return counted_stage_acceptances(contract_ids).exclude(pk__in=taken.values("stage_acceptance_id"))


def acceptance_basis(etown, *, request=None, **context):
    """The disbursement check that money follows acceptance (registered by funds.hooks on
    the hub, not overridable): 004 附件2 第十二条3 — a progress payment rests on a counted
    stage acceptance, the retention on the counted final one (第七条), either held while an
    objection to its result notice is unresolved; the prepayment follows the contract.
    Whether a county's progress payments need a stage acceptance is its chain policy
    (``FundsPolicy.stage_acceptance``, e.g. 安泽 002 asks for none); the retention always
    needs the final acceptance. The acceptance side is read from acceptance's selector."""
    if request is None:
        return payment_basis_gate(etown, request=request, **context)
    return _acceptance_basis([(etown, request)])[0]


def acceptance_basis_many(requests, **context):
    """The batch form of ``acceptance_basis`` (issue 16: the disbursement sweep), for
    saved requests: {request.pk: (passed, reason)} in at most four queries."""
    return dict(zip((r.pk for r in requests), _acceptance_basis([(r.etown, r) for r in requests])))


def _acceptance_basis(pairs):
    """[(passed, reason)] for each (e-town, request): the county policies in one query,
    then acceptance's ``payment_basis_gates`` for the requests that need a basis."""
    policies = policies_for(etown.county_id for etown, request in pairs if request.kind == RequestKind.PROGRESS)
    results, rest = [None] * len(pairs), []
    for i, (etown, request) in enumerate(pairs):
        if request.kind == RequestKind.PROGRESS:
            policy = policies[etown.county_id]
            if not policy.stage_acceptance and not request.stage_acceptance_id:
                clause = policy.chain_clause or "本县拨付程序"
                results[i] = True, f"本县拨付程序不以阶段验收为进度款前提（{clause}）。"
                continue
        rest.append(i)
    for i, result in zip(rest, payment_basis_gates([pairs[i][1] for i in rest])):
        results[i] = result
    return results
