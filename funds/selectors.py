"""Read-side helpers for special funds: the money position of a contract, the funds
overview of an e-town, the ledger list with its flags, and the approval queue.

Every list is scoped to what the user may see and runs a fixed number of queries.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from guardian.shortcuts import get_objects_for_user

from etown.models import Contract, ETown, Organization, Role
from etown.permissions import county_scope, has_scope, memberships, visible_etowns
from etown.selectors import MONEY

from .models import (
    IN_FLIGHT,
    ChangeRequest,
    ChangeStatus,
    Clawback,
    ClawbackKind,
    DisbursementRequest,
    FundsPolicy,
    GateOverride,
    LedgerEntry,
    RequestKind,
    RequestStatus,
)

ZERO = Decimal("0")
CENT = Decimal("0.01")


# Policy -----------------------------------------------------------------------------


def policy_for(county):
    """The county's FundsPolicy, or an unsaved one with the defaults."""
    policy = FundsPolicy.objects.filter(county=county).select_related("finance_department").first()
    return policy or FundsPolicy(county=county)


def finance_departments(county_ids):
    """{county_id: organization_id} of each county's finance department: the one set in
    its FundsPolicy, else its department whose name contains “财政局” (two queries)."""
    result = {
        p["county_id"]: p["finance_department_id"]
        for p in FundsPolicy.objects.filter(county_id__in=county_ids, finance_department__isnull=False).values(
            "county_id", "finance_department_id"
        )
    }
    missing = set(county_ids) - set(result)
    if missing:
        for org in (
            Organization.objects.filter(county_id__in=missing, kind=Organization.Kind.DEPARTMENT, name__contains="财政局")
            .order_by("pk")
            .values("county_id", "pk")
        ):
            result.setdefault(org["county_id"], org["pk"])
    return result


# Money position ---------------------------------------------------------------------


@dataclass
class ContractPosition:
    """What has been paid and what may still be paid on one contract.

    - ceiling = amount − reductions (核减, 002 第十八条);
    - disbursed is gross (everything ever paid). Clawed-back money (追回, 002 第九条、
      第十八条) is not paid again: the ceiling on the net amount is lowered by it, so
      ``net ≤ amount − clawbacks − reductions``, i.e. ``disbursed ≤ ceiling``;
    - before final acceptance the retention (尾款, 004 附件2 第七条) stays unpaid:
      ``disbursed ≤ ceiling − retention``.
    """

    contract: Contract
    amount: Decimal
    retention: Decimal
    prepayment_limit: Decimal
    final_accepted: bool
    disbursed: Decimal = ZERO
    prepay_disbursed: Decimal = ZERO
    clawed_back: Decimal = ZERO
    reduced: Decimal = ZERO
    in_flight: Decimal = ZERO
    prepay_in_flight: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def ceiling(self):
        return self.amount - self.reduced

    @property
    def net_disbursed(self):
        return self.disbursed - self.clawed_back

    @property
    def remaining(self):
        """What can still be paid on the contract, retention included."""
        return max(self.ceiling - self.disbursed, ZERO)

    @property
    def retention_held(self):
        return min(self.retention, self.remaining)

    @property
    def payable_now(self):
        """What can be paid today: the remaining amount, less the retention until the
        final acceptance has passed."""
        return self.remaining if self.final_accepted else self.remaining - self.retention_held

    @property
    def available(self):
        """What a new request may still ask for, after the requests ahead of it."""
        return max(self.payable_now - self.in_flight, ZERO)

    @property
    def balance(self):
        """Special funds received and not yet spent (资金结余)."""
        return self.net_disbursed - self.spent


def _sum(model, expression, q=None, **filters):
    inner = (
        model.objects.filter(q or Q(), contract=OuterRef("pk"), **filters)
        .order_by()
        .values("contract")
        .annotate(v=Sum(expression))
        .values("v")[:1]
    )
    return Coalesce(Subquery(inner, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _ahead_filter(request):
    """In-flight requests ahead of ``request`` in its contract's queue (all of them when
    it is not in the queue itself)."""
    q = Q(status__in=IN_FLIGHT)
    if request is not None and request.pk:
        q &= ~Q(pk=request.pk)
        if request.status in IN_FLIGHT and request.submitted_at:
            q &= Q(submitted_at__lt=request.submitted_at) | Q(submitted_at=request.submitted_at, pk__lt=request.pk)
    return q


def annotate_positions(contracts, *, request=None):
    """Annotate a Contract queryset with the sums a ContractPosition needs (one query)."""
    ahead = _ahead_filter(request)
    disbursed = {"status": RequestStatus.DISBURSED}
    latest = LedgerEntry.objects.filter(contract=OuterRef("pk")).order_by("-id").values("cumulative_spent")[:1]
    return contracts.annotate(
        p_disbursed=_sum(DisbursementRequest, "disbursed_amount", **disbursed),
        p_prepay_disbursed=_sum(DisbursementRequest, "disbursed_amount", kind=RequestKind.PREPAYMENT, **disbursed),
        p_in_flight=_sum(DisbursementRequest, "amount", ahead),
        p_prepay_in_flight=_sum(DisbursementRequest, "amount", ahead, kind=RequestKind.PREPAYMENT),
        p_clawed_back=_sum(Clawback, "amount", kind=ClawbackKind.CLAWBACK),
        p_reduced=_sum(Clawback, "amount", kind=ClawbackKind.REDUCTION),
        p_spent=Coalesce(Subquery(latest, output_field=MONEY), Value(ZERO), output_field=MONEY),
    )


def position_of(contract):
    """A ContractPosition from a contract annotated by ``annotate_positions``."""
    return ContractPosition(
        contract=contract,
        amount=contract.amount,
        retention=contract.retention_amount,
        prepayment_limit=contract.prepayment_limit,
        final_accepted=contract.final_acceptance_passed_on is not None,
        disbursed=contract.p_disbursed,
        prepay_disbursed=contract.p_prepay_disbursed,
        clawed_back=contract.p_clawed_back,
        reduced=contract.p_reduced,
        in_flight=contract.p_in_flight,
        prepay_in_flight=contract.p_prepay_in_flight,
        spent=contract.p_spent,
    )


def contract_position(contract, *, request=None):
    """The position of one contract as the gates see it for ``request`` (one query)."""
    annotated = annotate_positions(Contract.objects.filter(pk=contract.pk), request=request).get()
    return position_of(annotated)


@dataclass
class EtownFunds:
    """The funds overview of an e-town: its contracts' positions and their totals."""

    positions: list
    totals: dict = field(default_factory=dict)

    def __post_init__(self):
        keys = ("amount", "reduced", "disbursed", "clawed_back", "net_disbursed", "retention_held", "remaining",
                "payable_now", "in_flight", "spent", "balance")
        self.totals = {k: sum((getattr(p, k) for p in self.positions), ZERO) for k in keys}


def etown_funds(etown):
    """One query for every contract of the e-town with its figures."""
    contracts = annotate_positions(etown.contracts.select_related("contractor").order_by("signed_on", "pk"))
    return EtownFunds(positions=[position_of(c) for c in contracts])


# Ledger -----------------------------------------------------------------------------

LIVE_ENTRY = Q(reverses__isnull=True, reversal__isnull=True)


def _duplicate_exists():
    return Exists(
        LedgerEntry.objects.filter(
            LIVE_ENTRY, county=OuterRef("county"), invoice_number=OuterRef("invoice_number"),
        ).exclude(pk=OuterRef("pk"))
    )


def ledger_entries(etown):
    """The e-town's ledger, newest first, with what the flags need (one query a page)."""
    return (
        LedgerEntry.objects.filter(etown=etown)
        .select_related("task", "reversal", "reverses", "invoice_file", "payee_contract", "recorded_by")
        .annotate(duplicate_invoice=_duplicate_exists())
        .order_by("-entry_date", "-id")
    )


def ledger_page(etown, *, cursor="", per_page=50):
    """Keyset pagination (no COUNT over a million rows): ``cursor`` is "date,id" of the
    last row of the previous page. Returns (rows, next_cursor)."""
    qs = ledger_entries(etown)
    if cursor:
        try:
            day, _, pk = cursor.partition(",")
            day, pk = datetime.date.fromisoformat(day), int(pk)
        except ValueError:
            day = None
        if day is not None:
            qs = qs.filter(Q(entry_date__lt=day) | Q(entry_date=day, id__lt=pk))
    rows = list(qs[: per_page + 1])
    next_cursor = ""
    if len(rows) > per_page:
        rows = rows[:per_page]
        last = rows[-1]
        next_cursor = f"{last.entry_date.isoformat()},{last.pk}"
    return rows, next_cursor


def entry_flags(entry, threshold):
    """The flags of one ledger entry (annotated by ``ledger_entries``), as labels."""
    if entry.is_reversal:
        return []
    if getattr(entry, "reversal", None) is not None:
        return []
    flags = []
    if entry.invoice_number and getattr(entry, "duplicate_invoice", False):
        flags.append("发票号重复")
    if entry.task_id is None:
        flags.append("未对应建设任务")
    if entry.over_disbursed:
        flags.append("支出超出已拨付")
    if entry.payee_contract_id is None and entry.amount > threshold:
        flags.append("大额支出未附合同")
    return flags


def ledger_flag_counts(etown, threshold):
    """Counts of live entries with each flag, in indexed queries that touch only the
    flagged rows (see the partial indexes on LedgerEntry). Reversed entries are left out
    through the few reversals (NOT IN a small hashed subquery) rather than a join on a
    million rows."""
    reversed_ids = LedgerEntry.objects.filter(etown=etown, reverses__isnull=False).values("reverses_id")
    live = LedgerEntry.objects.filter(etown=etown, county_id=etown.county_id, reverses__isnull=True).exclude(
        pk__in=reversed_ids
    )
    reused_numbers = LedgerEntry.objects.filter(
        LIVE_ENTRY, county_id=etown.county_id, invoice_reused=True
    ).values("invoice_number")
    return {
        "发票号重复": live.filter(invoice_number__in=reused_numbers).filter(_duplicate_exists()).count(),
        "未对应建设任务": live.filter(task__isnull=True).count(),
        "支出超出已拨付": live.filter(over_disbursed=True).count(),
        "大额支出未附合同": live.filter(payee_contract__isnull=True, amount__gt=threshold).count(),
    }


# Approval queue ---------------------------------------------------------------------

OFFICE_STEPS = (
    RequestStatus.SUBMITTED, RequestStatus.LEADER_APPROVED, RequestStatus.MEETING_PASSED, RequestStatus.OBJECTED,
)
FINANCE_STEPS = (RequestStatus.OFFICE_APPROVED, RequestStatus.IN_NOTICE)
LEADER_STEPS = (RequestStatus.DEPARTMENT_APPROVED,)
CONTRACTOR_STEPS = (RequestStatus.DRAFT, RequestStatus.RETURNED)

CHANGE_OFFICE_STEPS = (ChangeStatus.SUBMITTED, ChangeStatus.LEADER_APPROVED)
CHANGE_LEADER_STEPS = (ChangeStatus.OFFICE_APPROVED,)
CHANGE_CONTRACTOR_STEPS = (ChangeStatus.DRAFT, ChangeStatus.RETURNED)


def _county_q(province_wide, county_ids, prefix="etown__county_id"):
    return Q() if province_wide else Q(**{f"{prefix}__in": county_ids})


def _queue_q(user, office, finance, leader, contractor):
    from .permissions import finance_department_ids

    q = Q(pk__in=[])
    if has_scope(user, {Role.OFFICE}):
        q |= _county_q(*county_scope(user, {Role.OFFICE})) & Q(status__in=office)
    finance_counties = set(finance_department_ids(user))
    if finance and finance_counties:
        q |= Q(etown__county_id__in=finance_counties, status__in=finance)
    if has_scope(user, {Role.LEADER}):
        q |= _county_q(*county_scope(user, {Role.LEADER})) & Q(status__in=leader)
    if _contractor_memberships(user):
        reportable = get_objects_for_user(
            user, "etown.report_etown", klass=ETown.objects.all(), accept_global_perms=False, with_superuser=False
        )
        q |= Q(etown__in=reportable.values("pk"), status__in=contractor)
    return q


def _contractor_memberships(user):
    return [m for m in memberships(user) if m.role == Role.CONTRACTOR]


def request_queue(user):
    """Disbursement requests waiting for this user's action."""
    return (
        DisbursementRequest.objects.filter(_queue_q(user, OFFICE_STEPS, FINANCE_STEPS, LEADER_STEPS, CONTRACTOR_STEPS))
        .select_related("etown__county", "contract__contractor", "notice")
        .annotate(override_count=_override_count())
        .order_by("submitted_at", "pk")
    )


def change_queue(user):
    return (
        ChangeRequest.objects.filter(_queue_q(user, CHANGE_OFFICE_STEPS, (), CHANGE_LEADER_STEPS, CHANGE_CONTRACTOR_STEPS))
        .select_related("etown__county", "contract__contractor")
        .order_by("pk")
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


def visible_changes(user, *, etown=None):
    qs = ChangeRequest.objects.filter(etown__in=visible_etowns(user).values("pk"))
    if etown is not None:
        qs = qs.filter(etown=etown)
    return qs.select_related("etown__county", "contract__contractor").order_by("-pk")
