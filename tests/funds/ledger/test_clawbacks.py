"""Clawbacks and reductions (安泽办法第九条、第十八条): never more than was paid back,
never a reduction below what was paid, and only by the office."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from funds import services
from funds.models import ClawbackBasis, ClawbackKind
from funds.selectors.positions import contract_position

from ..helpers import TODAY, paid


def clawback(demo, kind, amount, by=None):
    return services.clawback_record(
        contract=demo.contract, kind=kind, amount=Decimal(amount), basis=ClawbackBasis.EVALUATION_FAILED,
        reason="中期评价不合格", decision_number="临乡村e镇领〔2026〕5号", decided_on=TODAY, by=by or demo.office,
        today=TODAY,
    )


def test_it_never_claws_back_more_than_was_paid_nor_reduces_below_it(demo):
    with pytest.raises(ValidationError, match="追回金额不能超过已拨付净额 0.00 元"):
        clawback(demo, ClawbackKind.CLAWBACK, "1")
    paid(demo, "1000000")
    clawback(demo, ClawbackKind.CLAWBACK, "600000")
    with pytest.raises(ValidationError, match="400,000.00"):
        clawback(demo, ClawbackKind.CLAWBACK, "400000.01")
    with pytest.raises(ValidationError, match="核减金额不能超过尚可拨付的 4,000,000.00 元"):
        clawback(demo, ClawbackKind.REDUCTION, "4000000.01")
    clawback(demo, ClawbackKind.REDUCTION, "4000000")
    position = contract_position(demo.contract)
    assert (position.remaining, position.net_disbursed, position.payable_now) == (0, Decimal("400000"), 0)


def test_it_lets_only_the_office_record_a_clawback(demo):
    paid(demo, "1000000")
    for user in (demo.contractor, demo.finance, demo.leader, demo.auditor):
        with pytest.raises(PermissionDenied):
            clawback(demo, ClawbackKind.CLAWBACK, "1", by=user)
