"""Clawback proposals and evaluation records on the pages (issue 12): both pages show the
link; the office confirms or dismisses a proposal; others may not."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from etown import services as etown_services
from funds.models import ClawbackProposal, ProposalStatus

from .test_services import decide, pay, unqualified

pytestmark = pytest.mark.django_db


def test_it_links_an_evaluations_clawback_both_ways(demo, client_for):
    pay(demo, "300000")
    evaluation = unqualified(demo)
    decide(demo, evaluation, clawback_amount=Decimal("1000"))
    funds_page = client_for(demo.office).get(reverse("funds:etown", args=[demo.etown.pk])).content.decode()
    assert 'data-testid="clawback-evaluation"' in funds_page and evaluation.get_absolute_url() in funds_page
    evaluation_page = client_for(demo.office).get(evaluation.get_absolute_url()).content.decode()
    assert 'data-testid="evaluation-funds-records"' in evaluation_page and "追回已拨资金" in evaluation_page


def test_it_lets_the_office_confirm_or_dismiss_a_proposal(demo, client_for):
    pay(demo, "300000")
    etown_services.contract_terminate(contract=demo.contract, by=demo.office, basis="termination", reason="逾期未整改",
                                      decided_on=datetime.date(2026, 12, 1), document_number="临政函〔2026〕8号")
    proposal = ClawbackProposal.objects.get()
    page = client_for(demo.office).get(reverse("funds:etown", args=[demo.etown.pk])).content.decode()
    assert 'data-testid="proposals"' in page and 'data-testid="proposal-confirm"' in page
    dismiss = reverse("funds:proposal_act", args=[proposal.pk, "dismiss"])
    assert client_for(demo.finance).post(dismiss, {"reason": "x"}).status_code == 403
    assert client_for(demo.contractor2).post(dismiss, {"reason": "x"}).status_code == 404
    client_for(demo.office).post(dismiss, {"reason": ""})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
    client_for(demo.office).post(dismiss, {"reason": "已由审计部门另案处理"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISMISSED and proposal.dismiss_reason == "已由审计部门另案处理"
