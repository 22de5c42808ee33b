"""The funds figures of the county and regional dashboards (issues 15 and 16): money per
county and e-town as one SQL aggregate that agrees with ``ContractPosition`` (the
Python definition), and blocked payments from the maintained gate flag."""
from decimal import Decimal

import pytest

from etown.models import Contract
from etown.services import contract_create, contract_terminate, etown_create
from funds import hooks, services
from funds.models import ClawbackBasis, ClawbackKind, DisbursementRequest, RequestKind, RequestStatus
from funds.selectors import dashboard, regional
from funds.selectors.positions import annotate_positions, position_of
from funds.services.gates import gates_refresh

from etown.hub import Check

from ..helpers import TODAY, advance, new_request, only_checks, passing_check

pytestmark = pytest.mark.django_db


def _failing_check():
    return Check(group="disbursement", key="test_fail", label="测试受阻条件",
                 func=lambda etown, **ctx: (False, "存在逾期整改事项"))


def _python_figures(contracts):
    """What ContractPosition says, summed in Python: the reference the SQL must equal."""
    figures = dict.fromkeys(("contract_amount", "net_disbursed", "gross_disbursed", "retention_held"), Decimal(0))
    for contract in annotate_positions(contracts):
        p = position_of(contract)
        figures["net_disbursed"] += p.net_disbursed
        figures["gross_disbursed"] += p.disbursed
        if contract.status != Contract.Status.TERMINATED:
            figures["contract_amount"] += p.ceiling
            figures["retention_held"] += p.retention_held
    return figures


def _clawback(demo, contract, kind, amount):
    services.clawback_record(contract=contract, kind=kind, amount=Decimal(amount), basis=ClawbackBasis.EVALUATION_FAILED,
                             reason="中期评价不合格", decision_number="临乡村e镇领〔2026〕5号", decided_on=TODAY,
                             by=demo.office, today=TODAY)


def test_it_computes_the_money_in_sql_as_contract_position_does(demo):
    # A prepayment paid, part clawed back, part of the ceiling reduced; a second e-town
    # whose contract was paid and then terminated (its payment counts net, its amount not).
    advance(demo, new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("1500000")), RequestStatus.DISBURSED)
    _clawback(demo, demo.contract, ClawbackKind.CLAWBACK, "600000")
    # Reduced to a ceiling of 1.7M: 0.2M remains, less than the 0.5M retention, so 0.2M held.
    _clawback(demo, demo.contract, ClawbackKind.REDUCTION, "3300000")
    other = etown_create(county=demo.linyi, by=demo.office, name="测试看板e镇", leading_industries="苹果",
                         planned_investment=Decimal("1000000"))
    ended = contract_create(etown=other, by=demo.office, contractor=demo.contract.contractor, number="T-1", title="合同",
                            amount=Decimal("300000"), signed_on="2026-01-01")
    contract_terminate(contract=ended, by=demo.office, basis="termination", reason="终止", decided_on=TODAY)

    county = Contract.objects.filter(etown__county=demo.linyi)
    expected = _python_figures(county)
    own = _python_figures(demo.etown.contracts.all())
    assert (own["net_disbursed"], own["retention_held"]) == (Decimal("900000"), Decimal("200000"))
    totals = dashboard.money_totals({demo.linyi.pk})
    assert {k: totals[k] for k in expected} == expected
    by_etown = dashboard.money_by("etown", [demo.etown.pk, other.pk])
    assert {k: by_etown[demo.etown.pk][k] for k in expected} == own
    assert by_etown[other.pk]["contract_amount"] == 0  # terminated: no longer to be paid
    by_county = dashboard.money_by("county", [demo.linyi.pk])[demo.linyi.pk]
    assert {k: by_county[k] for k in expected} == expected
    assert regional.paid_by("county", [demo.linyi.pk]) == {demo.linyi.pk: Decimal("900000")}
    assert regional.gross_paid_by("county", [demo.linyi.pk]) == {demo.linyi.pk: Decimal("1500000")}
    money = hooks.metric_money({demo.linyi.pk})
    assert (money["已拨付"], money["拨付总额"]) == (Decimal("90.00"), Decimal("150.00"))


@pytest.mark.parametrize("extra", [1, 20])
def test_it_aggregates_in_one_query_whatever_the_number_of_contracts(demo, django_assert_num_queries, extra):
    for i in range(extra):
        etown = etown_create(county=demo.linyi, by=demo.office, name=f"规模e镇{i}", leading_industries="苹果",
                             planned_investment=Decimal("1000000"))
        contract_create(etown=etown, by=demo.office, contractor=demo.contract.contractor, number=f"S-{i}", title="合同",
                        amount=Decimal("100000"), signed_on="2026-01-01")
    ids = list(demo.linyi.etowns.values_list("pk", flat=True))
    with django_assert_num_queries(1):
        dashboard.money_totals(None)
    with django_assert_num_queries(1):
        assert len(dashboard.money_by("etown", ids)) == len(ids)
    with django_assert_num_queries(1):
        dashboard.blocked_by("county", [demo.linyi.pk])


def test_it_flags_a_request_held_by_a_gate_and_clears_it_when_a_step_passes(demo, client_for):
    """拨付受阻 (issue 15): the daily sweep stores which gates hold a request in flight; a
    step that passes its gates clears it; the dashboards count it in one query."""
    with only_checks(passing_check()):
        request = advance(demo, new_request(demo), RequestStatus.SUBMITTED)
    request.refresh_from_db()
    assert (request.blocked_gates, request.gates_checked_on) == ("", TODAY)
    with only_checks(_failing_check()):
        assert gates_refresh(TODAY) == 0  # sends nothing
    request.refresh_from_db()
    assert request.blocked_gates == "测试受阻条件"
    assert dashboard.request_figures({demo.linyi.pk})["blocked"] == 1 and dashboard.request_figures({demo.anze_etown.county_id})["blocked"] == 0
    assert dashboard.blocked_by("etown", [demo.etown.pk]) == {demo.etown.pk: 1}
    page = client_for(demo.office).get("/county-dashboard/").content.decode()
    assert 'data-testid="metric-funds_blocked"' in page and 'data-testid="cell-blocked_payments"' in page

    with only_checks(passing_check()):
        services.disbursement_approve(request=request, by=demo.office, today=TODAY)
    request.refresh_from_db()
    assert request.blocked_gates == "" and dashboard.request_figures(None)["blocked"] == 0


def test_it_leaves_a_request_moved_meanwhile_to_its_step(demo, monkeypatch):
    """The sweep writes under the version it read: a request a step moved while the sweep
    evaluated it keeps what that step wrote."""
    from funds.services import gates as gate_service

    with only_checks(passing_check()):
        request = advance(demo, new_request(demo), RequestStatus.SUBMITTED)
    evaluate_many = gate_service.gatekeeping.evaluate_many

    def evaluate_while_a_step_moves_it(requests, **kwargs):
        for r in requests:
            DisbursementRequest.objects.filter(pk=r.pk).update(version=r.version + 1)
        return evaluate_many(requests, **kwargs)

    monkeypatch.setattr(gate_service.gatekeeping, "evaluate_many", evaluate_while_a_step_moves_it)
    with only_checks(_failing_check()):
        gates_refresh(TODAY)
    request.refresh_from_db()
    assert request.blocked_gates == ""
