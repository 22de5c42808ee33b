"""The funds figures of the county and regional dashboards (issues 15 and 16), each a
single set-based SQL aggregate whatever the number of contracts: money per county or
e-town (contract amount, 已拨付 net with the gross beside it, retention held) and the
blocked payments.

The figures are ``ContractPosition``'s (``positions``), computed by the database:
- 合同金额 = amount − reductions (核减), of live contracts (a terminated one is no longer
  to be paid);
- 已拨付 = the one definition of ``positions.annotate_net_disbursed`` (gross − clawed
  back, every contract, a terminated one too), 拨付总额 beside it;
- 尾款留存 = min(retention, max(ceiling − gross, 0)) of live contracts (临猗资金办法第七条).
"""
from decimal import Decimal

from django.db.models import Case, Count, ExpressionWrapper, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest, Least, Round

from etown.models import Contract
from etown.selectors import MONEY

from ..models import IN_FLIGHT, Clawback, ClawbackKind, DisbursementRequest
from .positions import annotate_net_disbursed

ZERO = Decimal("0")
LIVE = ~Q(status=Contract.Status.TERMINATED)


def _reduced():
    inner = (
        Clawback.objects.filter(contract=OuterRef("pk"), kind=ClawbackKind.REDUCTION)
        .order_by().values("contract").annotate(v=Sum("amount")).values("v")[:1]
    )
    return Coalesce(Subquery(inner, output_field=MONEY), Value(ZERO), output_field=MONEY)


def annotate_money(contracts):
    """Each contract with ``m_ceiling``, ``m_held`` and the net/gross of
    ``annotate_net_disbursed``, as SQL expressions (no row is read in Python)."""
    qs = annotate_net_disbursed(contracts.order_by()).annotate(m_reduced=_reduced())
    qs = qs.annotate(
        m_ceiling=ExpressionWrapper(F("amount") - F("m_reduced"), output_field=MONEY),
        m_retention=Round(F("amount") * F("retention_ratio") / Value(Decimal(100)), 2, output_field=MONEY),
    )
    return qs.annotate(
        m_held=Least(F("m_retention"), Greatest(F("m_ceiling") - F("gross_disbursed"), Value(ZERO), output_field=MONEY),
                     output_field=MONEY),
    )


def _sums():
    def total(expression):
        return Coalesce(Sum(expression), Value(ZERO), output_field=MONEY)

    def live(name):
        # CASE, not Sum(filter=): Django's aggregate over annotations drops a column then.
        return Case(When(LIVE, then=F(name)), default=Value(ZERO), output_field=MONEY)

    return {
        "contract_amount": total(live("m_ceiling")),
        "gross_disbursed": total("gross_disbursed"),
        "clawed_back": total("clawed_back_total"),
        "retention_held": total(live("m_held")),
    }


def _with_net(row):
    """已拨付 = 拨付总额 − 已追回 (``positions``' one definition), from the row's two sums."""
    figures = {f: row[f] for f in ("contract_amount", "gross_disbursed", "clawed_back", "retention_held")}
    figures["net_disbursed"] = figures["gross_disbursed"] - figures["clawed_back"]
    return figures


def _contracts(county_ids):
    qs = Contract.objects.all()
    return qs if county_ids is None else qs.filter(etown__county_id__in=list(county_ids))


def money_totals(county_ids):
    """{figure: Decimal yuan} over the counties (None: every county): one query."""
    # A constant "group" (Django adds no GROUP BY for it): one plain aggregate over the
    # contracts, without the wrapping subquery aggregate() builds over annotations.
    (row,) = (
        annotate_money(_contracts(county_ids)).annotate(_all=Value(1, output_field=IntegerField()))
        .values("_all").annotate(**_sums()).order_by()
    )
    return _with_net(row)


def _key(level):
    return "etown__county_id" if level == "county" else "etown_id"


def money_by(level, ids):
    """{county or e-town id: {figure: Decimal yuan}} for one page of ids: one grouped query."""
    key = _key(level)
    rows = (
        annotate_money(Contract.objects.filter(**{f"{key}__in": list(ids)}))
        .values(key).annotate(**_sums()).order_by()
    )
    return {row[key]: _with_net(row) for row in rows}


# Blocked payments ----------------------------------------------------------------------


# Held by a failing gate at its last check (the maintained flag, funds.services.gates).
BLOCKED = ~Q(blocked_gates="")


def blocked_requests():
    """Requests in flight held by a failing gate at their last check."""
    return DisbursementRequest.objects.filter(status__in=IN_FLIGHT).filter(BLOCKED)


def request_figures(county_ids):
    """{in_flight, blocked} requests over the counties (None: all): one aggregate (the
    dashboard's two figures of requests, issue 16)."""
    qs = DisbursementRequest.objects.filter(status__in=IN_FLIGHT)
    if county_ids is not None:
        qs = qs.filter(etown__county_id__in=list(county_ids))
    return qs.aggregate(in_flight=Count("pk"), blocked=Count("pk", filter=BLOCKED))


def blocked_by(level, ids):
    """{county or e-town id: blocked requests}: one grouped query."""
    key = _key(level)
    return dict(
        blocked_requests().filter(**{f"{key}__in": list(ids)}).order_by().values_list(key).annotate(n=Count("pk"))
    )
