"""The 不合格 decision names the contract it acts on (issue 12): an e-town may have two
contracts (004 附件2 第十一条), and 002 第十八条's reduction and clawback are records of one
contract in funds. The form offers the live contracts of that e-town only; the service
refuses any other."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from acceptance.models import Evaluation
from acceptance.services import evaluations as evaluation_services
from funds.models import Clawback, ClawbackKind

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def unqualified(demo):
    return evaluation_services.evaluation_create(
        etown=demo.etown, by=demo.office, evaluator_kind="province", evaluator_name="山西省商务厅",
        evaluated_on=datetime.date(2026, 11, 2), result="unqualified",
    )


def url(evaluation):
    return reverse("acceptance:evaluation_decision", args=[evaluation.pk])


def data(**extra):
    values = {"decided_on": TODAY.isoformat(), "reduction_amount": "100000", "clawback_amount": "0",
              "decision_basis": "领导小组2026年第5次会议纪要"}
    values.update(extra)
    return values


def test_it_offers_only_the_live_contracts_of_the_etown(demo, client_for, unqualified, second_contract):
    page = client_for(demo.office).get(url(unqualified)).content.decode()
    assert 'name="contract"' in page
    assert f'value="{demo.contract.pk}"' in page and f'value="{second_contract.pk}"' in page
    other = demo.other_etown.contracts.get()
    assert f'value="{other.pk}"' not in page


def test_it_asks_which_contract_when_there_are_two_and_changes_nothing(demo, client_for, unqualified, second_contract):
    response = client_for(demo.office).post(url(unqualified), data())
    assert response.status_code == 200
    assert "本项目有多份履行中的合同，请选择处理决定针对的合同。" in response.content.decode()
    unqualified.refresh_from_db()
    assert unqualified.decided_on is None and not Clawback.objects.exists()


def test_it_refuses_another_etowns_contract_and_changes_nothing(demo, client_for, unqualified, second_contract):
    other = demo.other_etown.contracts.get()
    response = client_for(demo.office).post(url(unqualified), data(contract=other.pk))
    assert response.status_code == 200 and "不是本项目履行中的合同" in response.content.decode()
    unqualified.refresh_from_db()
    assert unqualified.decided_on is None and not Clawback.objects.exists()


def test_it_records_the_reduction_on_the_chosen_contract(demo, client_for, unqualified, second_contract):
    response = client_for(demo.office).post(url(unqualified), data(contract=second_contract.pk))
    assert response.status_code == 302
    unqualified.refresh_from_db()
    assert unqualified.decided_on == TODAY
    reduction = Clawback.objects.get(evaluation=unqualified, kind=ClawbackKind.REDUCTION)
    assert reduction.contract == second_contract and reduction.amount == Decimal("100000")


def test_it_refuses_in_the_service_a_contract_that_is_not_live_or_not_of_the_etown(demo, unqualified, second_contract):
    other = demo.other_etown.contracts.get()
    with pytest.raises(ValidationError) as error:
        evaluation_services.evaluation_record_decision(
            evaluation=unqualified, by=demo.office, decided_on=TODAY, decision_basis="纪要",
            reduction_amount=Decimal("100"), contract=other,
        )
    assert "contract" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        evaluation_services.evaluation_record_decision(
            evaluation=unqualified, by=demo.office, decided_on=TODAY, decision_basis="纪要",
            reduction_amount=Decimal("100"),
        )
    assert "请选择处理决定针对的合同" in error.value.message_dict["contract"][0]
    assert Evaluation.objects.get(pk=unqualified.pk).decided_on is None
