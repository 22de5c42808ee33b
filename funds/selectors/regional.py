"""Money per county and per e-town for the regional dashboard (issue 16: 省商务厅 and
市商务局 see their counties' special funds side by side) and the county dashboard's e-town
table (issue 15). Each function answers one page of the table with one grouped SQL
query, whatever its size (``dashboard.money_by``: no row is summed in Python)."""
from .dashboard import money_by


def _figure(level, ids, figure):
    return {target: figures[figure] for target, figures in money_by(level, ids).items()}


def contract_amount_by(level, ids):
    """合同金额 (the ceiling after reductions) of the live contracts."""
    return _figure(level, ids, "contract_amount")


def paid_by(level, ids):
    """已拨付: the one definition (net of what was clawed back, every contract, a terminated
    one too; ``positions.annotate_net_disbursed``)."""
    return _figure(level, ids, "net_disbursed")


def gross_paid_by(level, ids):
    """拨付总额 (gross), shown beside 已拨付."""
    return _figure(level, ids, "gross_disbursed")


def held_by(level, ids):
    """尾款留存: the retention still held back until final acceptance."""
    return _figure(level, ids, "retention_held")
