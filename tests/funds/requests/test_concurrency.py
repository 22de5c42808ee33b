"""The contract's invariants under concurrent requests (PostgreSQL): two approvals or
two disbursements of one request at the same moment produce one, and two requests
submitted at once cannot together exceed the contract. Each thread has its own
connection; a delay after the contract's row lock makes the threads overlap, so
without the lock both would read the same state and both would pass."""
import time
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from funds import services
from funds.models import DisbursementRequest, RequestStatus
from funds.services import common, requests as request_services

from ..helpers import AFTER_NOTICE, TODAY, advance, new_request
from tests.concurrency import failed, race

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (select_for_update) need PostgreSQL; SQLite serialises writes"
)


@pytest.fixture
def slow_lock(monkeypatch):
    original = common.lock_contract

    def lock_then_wait(contract_id):
        contract = original(contract_id)
        time.sleep(0.3)  # hold the lock while the other thread arrives
        return contract

    monkeypatch.setattr(request_services, "lock_contract", lock_then_wait)


def fresh(username):
    return get_user_model().objects.get(username=username)  # one per thread: no shared caches


def test_it_approves_once_when_two_offices_approve_at_the_same_moment(transactional_db, demo, slow_lock):
    request = advance(demo, new_request(demo), RequestStatus.SUBMITTED)
    results = race(*[
        lambda: services.disbursement_approve(request=DisbursementRequest.objects.get(pk=request.pk),
                                              by=fresh("office"), today=TODAY)
        for _ in range(2)
    ])
    assert sorted(not failed(r) for r in results) == [False, True]
    assert "不能办理此操作" in str(next(r for r in results if failed(r)))
    request.refresh_from_db()
    assert request.status == RequestStatus.OFFICE_APPROVED
    assert request.steps.filter(action="office_approve").count() == 1


def test_it_disburses_once_when_paid_twice_at_the_same_moment(transactional_db, demo, slow_lock):
    request = advance(demo, new_request(demo), RequestStatus.IN_NOTICE)

    def pay():
        services.disbursement_disburse(request=DisbursementRequest.objects.get(pk=request.pk), disbursed_on=AFTER_NOTICE,
                                       amount=request.amount, voucher_number="GK1", by=fresh("treasury"), today=AFTER_NOTICE)

    results = race(pay, pay)
    assert sorted(not failed(r) for r in results) == [False, True]
    request.refresh_from_db()
    assert request.status == RequestStatus.DISBURSED
    assert request.steps.filter(action="disburse").count() == 1
    assert request.history.filter(status=RequestStatus.DISBURSED).count() == 1


def test_it_lets_only_one_of_two_requests_that_together_exceed_the_contract_in(transactional_db, demo, slow_lock):
    # 3,000,000 + 3,000,000 > 4,500,000 (the contract less its retention).
    first, second = new_request(demo, amount=Decimal("3000000")), new_request(demo, amount=Decimal("3000000"))
    results = race(*[
        lambda r=r: services.disbursement_submit(request=DisbursementRequest.objects.get(pk=r.pk), by=fresh("contractor"),
                                                 today=TODAY)
        for r in (first, second)
    ])
    assert sorted(not failed(r) for r in results) == [False, True]
    assert "尾款" in str(next(r for r in results if failed(r)))
    assert DisbursementRequest.objects.filter(status=RequestStatus.SUBMITTED).count() == 1
