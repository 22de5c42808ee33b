"""A contract ended by a decision (issue 12: 终止合同 004 附件4 第二条; 取消承办资格 000
第一条（三）; 取消培育资格 002 第十八条) holds every payment on it: a new request is
refused, and a request already in flight cannot take another step or be paid (the gate
``contract_active`` is not overridable)."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from etown import services as etown_services
from funds import services
from funds.models import GateOverride, RequestKind, RequestStatus

from ..helpers import AFTER_NOTICE, TODAY, advance, new_request

pytestmark = pytest.mark.django_db


def second_finance(demo):
    """Another reviewer of the finance bureau (one person never takes two steps)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("finance2", password="x", first_name="财政局二")
    organization = demo.finance.memberships.get(role="reviewer").organization
    etown_services.membership_grant(user=user, role="reviewer", county=demo.linyi, organization=organization,
                                    by=demo.system)
    return user


def terminate(demo):
    etown_services.contract_terminate(contract=demo.contract, by=demo.office, basis="termination", reason="限期内仍未整改完毕",
                                      decided_on=TODAY, document_number="临政函〔2026〕8号")


def test_it_refuses_a_new_request_on_a_terminated_contract(demo):
    terminate(demo)
    demo.contractor.refresh_from_db()
    with pytest.raises(PermissionDenied):  # the contractor is read-only for the e-town now
        new_request(demo, kind=RequestKind.PREPAYMENT)


def test_it_cannot_disburse_a_request_in_flight_when_its_contract_is_terminated(demo):
    request = advance(demo, new_request(demo, kind=RequestKind.PREPAYMENT, amount="100000"), RequestStatus.IN_NOTICE)
    terminate(demo)
    with pytest.raises(ValidationError, match="合同已终止"):
        services.disbursement_disburse(request=request, disbursed_on=AFTER_NOTICE, amount=request.amount,
                                       voucher_number="GK1", by=second_finance(demo), today=AFTER_NOTICE)
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_NOTICE
    # and no office head can let the gate pass
    with pytest.raises(ValidationError):
        services.gate_override_record(request=request, gate_key="contract_active", reason="急需", by=demo.office,
                                      today=TODAY)
    assert not GateOverride.objects.filter(request=request).exists()


def test_it_cannot_approve_a_request_in_flight_when_its_contract_is_terminated(demo):
    request = advance(demo, new_request(demo, kind=RequestKind.PREPAYMENT, amount="100000"), RequestStatus.SUBMITTED)
    terminate(demo)
    with pytest.raises(ValidationError, match="合同已终止"):
        services.disbursement_approve(request=request, by=demo.office, today=TODAY)
