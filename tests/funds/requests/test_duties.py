"""Separation of duties (不相容岗位分离) and the stale-click guard on the disbursement chain
(issue 11). The finance bureau reviews and pays (004 附件2 第三条、第六条), the office
reviews and the leading group approves (002 第十条): one person never takes two of these
steps on one request, whatever roles they hold; the finance review and the payment are
by different people. A step posted from a page rendered before the request changed is
refused as already handled, not taken on the request as it now stands."""
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from etown import services as etown_services
from funds import services
from funds.models import DisbursementRequest, RequestStatus

from ..helpers import AFTER_NOTICE, TODAY, advance, new_request

S = RequestStatus


def grant(demo, user, role, like):
    """Give ``user`` the role ``like`` holds in the demo county (same organisation)."""
    membership = like.memberships.get()
    etown_services.membership_grant(user=user, role=role, county=demo.linyi, organization=membership.organization,
                                    by=demo.system)
    user._etown_memberships = None
    user._funds_finance = None
    return user


def test_it_refuses_the_office_reviewer_the_finance_review_of_the_same_request(demo):
    grant(demo, demo.office, "reviewer", demo.finance)  # one person, two roles
    request = advance(demo, new_request(demo, kind="prepayment", amount=Decimal("100000")), S.SUBMITTED)
    services.disbursement_approve(request=request, by=demo.office, today=TODAY)
    request.refresh_from_db()
    with pytest.raises(ValidationError, match="不相容岗位分离.*办公室审核通过.*财政局审核通过"):
        services.disbursement_approve(request=request, by=demo.office, today=TODAY)
    request.refresh_from_db()
    assert request.status == S.OFFICE_APPROVED
    services.disbursement_approve(request=request, by=demo.finance, today=TODAY)  # someone else may
    request.refresh_from_db()
    assert request.status == S.DEPARTMENT_APPROVED


def test_it_refuses_the_finance_reviewer_the_payment_of_the_same_request(demo):
    request = advance(demo, new_request(demo, kind="prepayment", amount=Decimal("100000")), S.IN_NOTICE)  # demo.finance reviewed it
    with pytest.raises(ValidationError, match="不相容岗位分离"):
        services.disbursement_disburse(request=request, disbursed_on=AFTER_NOTICE, amount=request.amount,
                                       voucher_number="GK1", by=demo.finance, today=AFTER_NOTICE)
    request.refresh_from_db()
    assert request.status == S.IN_NOTICE and request.disbursed_amount is None
    services.disbursement_disburse(request=request, disbursed_on=AFTER_NOTICE, amount=request.amount,
                                   voucher_number="GK1", by=demo.treasury, today=AFTER_NOTICE)  # the treasury desk
    request.refresh_from_db()
    assert request.status == S.DISBURSED


def test_it_lets_the_same_reviewer_review_again_after_a_return(demo):
    request = advance(demo, new_request(demo, kind="prepayment", amount=Decimal("100000")), S.OFFICE_APPROVED)
    services.disbursement_return(request=request, reason="发票不清", by=demo.finance)
    advance(demo, request, S.DEPARTMENT_APPROVED)  # office and finance review again, the same duties
    assert request.steps.filter(action="department_approve", actor=demo.finance).count() == 1


def test_it_refuses_a_double_click_by_one_person_with_two_roles_over_http(demo, client_for):
    grant(demo, demo.office, "reviewer", demo.finance)
    request = advance(demo, new_request(demo, kind="prepayment", amount=Decimal("100000")), S.SUBMITTED)
    client = client_for(demo.office)
    page = client.get(f"/funds/requests/{request.pk}/").content.decode()
    version = DisbursementRequest.objects.get(pk=request.pk).version
    assert f'name="version" value="{version}"' in page
    first = client.post(f"/funds/requests/{request.pk}/approve/", {"approve-note": "", "version": version})
    assert first.status_code == 302
    second = client.post(f"/funds/requests/{request.pk}/approve/", {"approve-note": "", "version": version},
                         follow=True)
    assert "已由他人处理" in second.content.decode()
    request.refresh_from_db()
    assert request.status == S.OFFICE_APPROVED
    assert list(request.steps.exclude(action__in=["create", "submit"]).values_list("action", flat=True)) == [
        "office_approve"]
    # Fresh page: the finance review is not offered to the office reviewer, and posting it is refused.
    page = client.get(f"/funds/requests/{request.pk}/").content.decode()
    assert 'data-testid="act-approve"' not in page and 'data-testid="separated"' in page
    third = client.post(f"/funds/requests/{request.pk}/approve/", {"approve-note": "", "version": request.version},
                        follow=True)
    assert "不相容岗位分离" in third.content.decode()
    request.refresh_from_db()
    assert request.status == S.OFFICE_APPROVED


def test_it_refuses_a_step_from_a_page_rendered_before_someone_else_acted(demo, client_for):
    """Office A opens the page; B returns the request, the contractor resubmits: the
    status is back to 已提交, but A's page is out of date and A's click is refused."""
    other = get_user_model().objects.create_user("office2", password="x", first_name="办公室二")
    grant(demo, other, "office", demo.office)
    request = advance(demo, new_request(demo, kind="prepayment", amount=Decimal("100000")), S.SUBMITTED)
    seen = DisbursementRequest.objects.get(pk=request.pk).version
    services.disbursement_return(request=request, reason="补充材料", by=other)
    services.disbursement_submit(request=request, by=demo.contractor, today=TODAY)
    response = client_for(demo.office).post(f"/funds/requests/{request.pk}/approve/",
                                            {"approve-note": "", "version": seen}, follow=True)
    assert "已由他人处理" in response.content.decode()
    request.refresh_from_db()
    assert request.status == S.SUBMITTED


def test_it_raises_the_version_at_every_write(demo):
    request = new_request(demo, kind="prepayment", amount=Decimal("100000"))
    before = DisbursementRequest.objects.get(pk=request.pk).version
    advance(demo, request, S.SUBMITTED)
    assert DisbursementRequest.objects.get(pk=request.pk).version > before
