"""Money per county and per e-town for the regional dashboard (issue 16: 省商务厅 and
市商务局 see their counties' special funds side by side). Each function answers one page
of the table with one query, whatever its size."""
from decimal import Decimal

from etown.models import Contract

from .positions import annotate_positions, position_of

ZERO = Decimal("0")


def _positions(level, ids):
    key = "etown__county_id" if level == "county" else "etown_id"
    contracts = Contract.objects.filter(**{f"{key}__in": list(ids)}).exclude(status=Contract.Status.TERMINATED)
    rows = {}
    for contract in annotate_positions(contracts.select_related("etown")):
        target = contract.etown.county_id if level == "county" else contract.etown_id
        rows.setdefault(target, []).append(position_of(contract))
    return rows


def _sum(level, ids, figure):
    return {target: sum((figure(p) for p in positions), ZERO) for target, positions in _positions(level, ids).items()}


def contract_amount_by(level, ids):
    """合同金额 (the ceiling after reductions) of the live contracts."""
    return _sum(level, ids, lambda p: p.ceiling)


def paid_by(level, ids):
    """已拨付 (net of what was clawed back)."""
    return _sum(level, ids, lambda p: p.net_disbursed)


def held_by(level, ids):
    """尾款留存: the retention still held back until final acceptance."""
    return _sum(level, ids, lambda p: p.retention_held)
