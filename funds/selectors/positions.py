"""The money position of a contract (paid, in flight, clawed back, reduced, retention
held) and the funds overview of an e-town, each in one query of subqueries."""
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from etown.models import Contract
from etown.selectors import MONEY

from ..models import (
    IN_FLIGHT,
    Clawback,
    ClawbackKind,
    DisbursementRequest,
    LedgerEntry,
    RequestKind,
    RequestStatus,
)

ZERO = Decimal("0")
CENT = Decimal("0.01")
WAN = Decimal("10000")

# The one definition of 已拨付 (issue 15). Every page, export, PDF, panel, public column,
# open-data file and dashboard figure says 已拨付 for the NET amount:
#
#     已拨付净额 = 拨付总额 − 已追回
#
# - 拨付总额 (gross): every disbursement actually paid (status 已拨付, its paid amount);
# - 已追回: clawbacks (追回, 安泽办法 002 第九条、第十八条; 临猗资金办法第十六条) — the money
#   came back to the treasury; reductions (核减) lower the ceiling, not what was paid;
# - every contract of the e-town counts, a terminated one too: what was paid on it left the
#   treasury, and what came back is subtracted.
# The gross is shown beside it ("拨付总额 X，已追回 Y", ``disbursed_caption``). The ceiling
# rules keep working on the gross (clawed-back money is not paid again).
NET_DISBURSED_LABEL = "已拨付净额"
GROSS_DISBURSED_LABEL = "拨付总额"
CLAWED_BACK_LABEL = "已追回"


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
        """已拨付净额: the one figure every surface shows as 已拨付 (see NET_DISBURSED_LABEL)."""
        return self.disbursed - self.clawed_back

    @property
    def disbursed_caption(self):
        return disbursed_caption(self.disbursed, self.clawed_back)

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


def _sum(model, expression, q=None, *, contract=OuterRef("pk"), **filters):
    """The sum of ``expression`` over ``model``'s rows of the outer contract (``contract``:
    the outer row's reference to it, its ``pk`` or a request's ``contract_id``)."""
    inner = (
        model.objects.filter(q or Q(), contract=contract, **filters)
        .order_by()
        .values("contract")
        .annotate(v=Sum(expression))
        .values("v")[:1]
    )
    return Coalesce(Subquery(inner, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _gross_disbursed(contract=OuterRef("pk")):
    """拨付总额 of the outer contract, as an SQL expression."""
    return _sum(DisbursementRequest, "disbursed_amount", contract=contract, status=RequestStatus.DISBURSED)


def _clawed_back(contract=OuterRef("pk")):
    """已追回 of the outer contract, as an SQL expression."""
    return _sum(Clawback, "amount", contract=contract, kind=ClawbackKind.CLAWBACK)


def annotate_net_disbursed(contracts):
    """The SQL form of the one definition: each contract annotated with
    ``gross_disbursed`` (拨付总额), ``clawed_back_total`` (已追回) and ``net_disbursed``
    (已拨付净额 = gross − clawed back). Aggregate it (``Sum("net_disbursed")``, grouped by
    county or e-town with ``.values(...)``) for dashboard figures in one query."""
    return contracts.annotate(gross_disbursed=_gross_disbursed(), clawed_back_total=_clawed_back()).annotate(
        net_disbursed=ExpressionWrapper(F("gross_disbursed") - F("clawed_back_total"), output_field=MONEY),
    )


@dataclass(frozen=True)
class Disbursed:
    """已拨付 of a set of contracts: the net figure, and the gross and clawback beside it."""

    gross: Decimal = ZERO
    clawed_back: Decimal = ZERO

    @property
    def net(self):
        return self.gross - self.clawed_back

    @property
    def caption(self):
        return disbursed_caption(self.gross, self.clawed_back)


def disbursed_totals(contracts):
    """已拨付 (net, with gross and clawed back) summed over a Contract queryset, one query."""
    sums = annotate_net_disbursed(contracts.order_by()).aggregate(
        gross=Coalesce(Sum("gross_disbursed"), Value(ZERO), output_field=MONEY),
        clawed_back=Coalesce(Sum("clawed_back_total"), Value(ZERO), output_field=MONEY),
    )
    return Disbursed(gross=sums["gross"], clawed_back=sums["clawed_back"])


def disbursed_caption(gross, clawed_back):
    """What is shown beside the net figure: "拨付总额 150.00 万元，已追回 60.00 万元"."""
    text = f"{GROSS_DISBURSED_LABEL} {gross / WAN:,.2f} 万元"
    return text + (f"，{CLAWED_BACK_LABEL} {clawed_back / WAN:,.2f} 万元" if clawed_back else "")


def _ahead_q(pk=None, submitted_at=None, *, queued=False):
    """In-flight requests ahead of request ``pk`` in its contract's queue (first come,
    first served: earlier ``submitted_at``, then lower pk): all of them but itself when it
    is not ``queued`` (not in flight or never submitted), all of them for a new request.
    ``pk`` and ``submitted_at`` are values, or ``OuterRef``s for many requests at once."""
    q = Q(status__in=IN_FLIGHT)
    if pk is not None:
        q &= ~Q(pk=pk)
        if queued:
            q &= Q(submitted_at__lt=submitted_at) | Q(submitted_at=submitted_at, pk__lt=pk)
    return q


def _queued(request):
    return request.status in IN_FLIGHT and bool(request.submitted_at)


def _ahead_filter(request):
    """In-flight requests ahead of ``request`` in its contract's queue (all of them when
    it is not in the queue itself)."""
    if request is None or not request.pk:
        return _ahead_q()
    return _ahead_q(request.pk, request.submitted_at, queued=_queued(request))


def _position_sums(ahead, contract=OuterRef("pk")):
    """The annotations a ContractPosition needs, for the outer row's ``contract``."""
    disbursed = {"status": RequestStatus.DISBURSED}
    latest = LedgerEntry.objects.filter(contract=contract).order_by("-id").values("cumulative_spent")[:1]
    return dict(
        p_disbursed=_gross_disbursed(contract),
        p_prepay_disbursed=_sum(DisbursementRequest, "disbursed_amount", contract=contract, kind=RequestKind.PREPAYMENT,
                                **disbursed),
        p_in_flight=_sum(DisbursementRequest, "amount", ahead, contract=contract),
        p_prepay_in_flight=_sum(DisbursementRequest, "amount", ahead, contract=contract, kind=RequestKind.PREPAYMENT),
        p_clawed_back=_clawed_back(contract),
        p_reduced=_sum(Clawback, "amount", contract=contract, kind=ClawbackKind.REDUCTION),
        p_spent=Coalesce(Subquery(latest, output_field=MONEY), Value(ZERO), output_field=MONEY),
    )


def annotate_positions(contracts, *, request=None):
    """Annotate a Contract queryset with the sums a ContractPosition needs (one query)."""
    return contracts.annotate(**_position_sums(_ahead_filter(request)))


def position_of(contract, sums=None):
    """A ContractPosition from a contract annotated by ``annotate_positions`` (or from
    ``sums``, a request annotated by ``request_positions``, for the contract)."""
    sums = contract if sums is None else sums
    return ContractPosition(
        contract=contract,
        amount=contract.amount,
        retention=contract.retention_amount,
        prepayment_limit=contract.prepayment_limit,
        final_accepted=contract.final_acceptance_passed_on is not None,
        disbursed=sums.p_disbursed,
        prepay_disbursed=sums.p_prepay_disbursed,
        clawed_back=sums.p_clawed_back,
        reduced=sums.p_reduced,
        in_flight=sums.p_in_flight,
        prepay_in_flight=sums.p_prepay_in_flight,
        spent=sums.p_spent,
    )


def request_positions(requests):
    """{request.pk: ContractPosition} of saved requests, each what
    ``contract_position(request.contract, request=request)`` returns (the contract as
    read with the request, the requests ahead of it in its queue), in at most two
    queries whatever their number (issue 16: the daily gates sweep): one for the
    requests in the queue, one for those outside it. The queue is the requests' as
    stored. The sums come back as plain rows: the sweep reads thousands of requests, and
    building a model object per row cost more than the database's work."""
    positions = {}
    by_pk = {r.pk: r for r in requests}
    for queued in (True, False):
        pks = [r.pk for r in requests if _queued(r) == queued]
        if not pks:
            continue
        ahead = _ahead_q(OuterRef("pk"), OuterRef("submitted_at"), queued=queued)
        sums = _position_sums(ahead, contract=OuterRef("contract_id"))
        rows = DisbursementRequest.objects.filter(pk__in=pks).order_by().annotate(**sums).values("pk", *sums)
        positions.update({row["pk"]: position_of(by_pk[row["pk"]].contract, SimpleNamespace(**row)) for row in rows})
    return positions


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
        self.totals["disbursed_caption"] = disbursed_caption(self.totals["disbursed"], self.totals["clawed_back"])


def etown_funds(etown):
    """One query for every contract of the e-town with its figures."""
    contracts = annotate_positions(etown.contracts.select_related("contractor").order_by("signed_on", "pk"))
    return EtownFunds(positions=[position_of(c) for c in contracts])
