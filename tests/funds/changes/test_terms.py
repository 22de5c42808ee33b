"""The contract's money terms (issue 11): amount, prepayment ratio, retention ratio and
term are free to edit only until the first disbursement request is submitted; after
that they change only through an approved change request (004 附件2 第九条, with the
higher authority's approval number and document) or extension (第十条, the leading
group), whose approval writes the new terms with history; no change brings the cap
below what has been paid. Every path obeys: the service, the edit form, the admin."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from etown import services as etown_services
from etown.models import Contract
from funds import services
from funds.models import ChangeKind, ChangeStatus, RequestKind, RequestStatus
from funds.selectors import gates

from ..helpers import TODAY, advance, new_request, pdf
from .test_chain import extension


def submitted_prepayment(demo, amount="100000"):
    request = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal(amount))
    services.disbursement_submit(request=request, by=demo.contractor, today=TODAY)
    return request


def change(demo, **terms):
    return services.change_create(contract=demo.contract, kind=ChangeKind.CHANGE, title="调整合同金额",
                                  content="增加直播基地建设内容", reason="政策变化", by=demo.contractor, today=TODAY,
                                  **terms)


def approve_to_higher(demo, request):
    services.change_submit(change=request, by=demo.contractor, today=TODAY)
    request.refresh_from_db()
    services.change_approve(change=request, by=demo.office)
    request.refresh_from_db()
    services.change_approve(change=request, by=demo.leader)
    request.refresh_from_db()
    assert request.status == ChangeStatus.LEADER_APPROVED
    return request


def test_it_lets_the_office_edit_the_terms_freely_before_the_first_submission(demo):
    new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("100000"))  # a draft does not lock
    etown_services.contract_update(contract=demo.contract, by=demo.office, reason="合同签订前核对", retention_ratio=Decimal("15"))
    demo.contract.refresh_from_db()
    assert demo.contract.retention_ratio == Decimal("15") and demo.contract.terms_locked_at is None


@pytest.mark.parametrize("field, value", [
    ("retention_ratio", Decimal("0")), ("amount", Decimal("9000000")), ("prepayment_ratio", Decimal("50")),
    ("term_end", datetime.date(2028, 12, 31)),
])
def test_it_refuses_the_terms_in_the_contract_service_after_the_first_submission(demo, field, value):
    submitted_prepayment(demo)
    demo.contract.refresh_from_db()
    assert demo.contract.terms_locked_at is not None
    before = getattr(demo.contract, field)
    with pytest.raises(ValidationError, match="只能通过经批准的变更申请"):
        etown_services.contract_update(contract=demo.contract, by=demo.office, reason="调整", **{field: value})
    demo.contract.refresh_from_db()
    assert getattr(demo.contract, field) == before
    # The other fields of the contract stay editable.
    etown_services.contract_update(contract=demo.contract, by=demo.office, reason="更正名称", title="物流配送中心改造合同")


def test_it_keeps_a_request_blocked_by_the_retention_blocked_whatever_the_edit_form_posts(demo, client_for):
    """The issue's side door: after payments, set the retention to 0% with a reason and
    the request that failed the 10% gate passes. Not any more."""
    submitted_prepayment(demo, "1500000")
    blocked = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("1"))
    c = demo.contract
    office = client_for(demo.office)
    url = f"/contracts/{c.pk}/edit/"
    html = office.get(url).content.decode()
    assert 'data-testid="terms-locked"' in html and "#changes" in html
    response = office.post(url, {
        "contractor": c.contractor_id, "number": c.number, "title": c.title, "amount": "9000000", "signed_on": c.signed_on,
        "prepayment_ratio": "90", "retention_ratio": "0", "term_start": c.term_start or "", "term_end": "2030-12-31",
        "status": c.status, "reason": "领导同意",
    })
    assert response.status_code in (200, 302)
    fresh = Contract.objects.get(pk=c.pk)
    assert (fresh.amount, fresh.prepayment_ratio, fresh.retention_ratio, fresh.term_end) == (
        c.amount, c.prepayment_ratio, c.retention_ratio, c.term_end)
    # Every money gate reads the old terms: still 10% retained, 30% prepayment at most.
    results = {g.key: g for g in gates.evaluate(blocked, today=TODAY)}
    assert "10% 尾款" in results["retention"].reason and "30%" in results["prepayment"].reason


def test_it_shows_the_locked_terms_read_only_in_the_admin(demo, client_for):
    from django.contrib.admin.sites import site

    submitted_prepayment(demo)
    model_admin = site._registry[Contract]
    demo.contract.refresh_from_db()
    readonly = model_admin.get_readonly_fields(None, demo.contract)
    assert {"amount", "prepayment_ratio", "retention_ratio", "term_start", "term_end"} <= set(readonly)


def test_it_writes_the_new_terms_only_when_the_higher_authority_agrees_with_its_document(demo):
    submitted_prepayment(demo)
    request = approve_to_higher(demo, change(demo, new_amount=Decimal("6000000"), new_retention_ratio=Decimal("12")))
    demo.contract.refresh_from_db()
    assert demo.contract.amount == Decimal("5000000")  # not before the approval
    with pytest.raises(ValidationError) as error:
        services.change_record_higher_approval(change=request, number="运商函〔2026〕21号", approved_on=TODAY,
                                               by=demo.office, today=TODAY)
    assert "document" in error.value.message_dict
    services.change_record_higher_approval(change=request, number="运商函〔2026〕21号", approved_on=TODAY, by=demo.office,
                                           today=TODAY, document=pdf("批复.pdf"))
    request.refresh_from_db()
    demo.contract.refresh_from_db()
    assert request.status == ChangeStatus.APPROVED and request.higher_approval_file is not None
    assert (demo.contract.amount, demo.contract.retention_ratio) == (Decimal("6000000"), Decimal("12"))
    reason = demo.contract.history.first().history_change_reason
    assert request.code in reason and "运商函〔2026〕21号" in reason


def test_it_moves_the_term_of_a_locked_contract_by_an_approved_extension(demo):
    submitted_prepayment(demo)
    request = extension(demo)
    services.change_submit(change=request, by=demo.contractor, today=TODAY)
    request.refresh_from_db()
    services.change_approve(change=request, by=demo.office)
    request.refresh_from_db()
    services.change_approve(change=request, by=demo.leader)
    demo.contract.refresh_from_db()
    assert demo.contract.term_end == datetime.date(2027, 6, 30)


def test_it_refuses_a_change_that_brings_the_cap_below_what_was_paid(demo):
    advance(demo, new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("1500000")), RequestStatus.DISBURSED)
    with pytest.raises(ValidationError, match="不能低于已拨付（含核减）的 1,500,000.00 元"):
        change(demo, new_amount=Decimal("1000000"))
    with pytest.raises(ValidationError, match="预付比例与尾款比例之和不能超过 100%"):
        change(demo, new_prepayment_ratio=Decimal("95"))
    with pytest.raises(ValidationError, match="延期申请只调整竣工时间"):
        extension(demo, new_amount=Decimal("6000000"))
    # And in the contract service itself, whatever calls it.
    with pytest.raises(ValidationError, match="低于已拨付"):
        etown_services.contract_change_terms(contract=demo.contract, by=demo.office, reason="x",
                                             floor=Decimal("1500000"), amount=Decimal("1000000"))


def test_it_shows_only_approved_terms_on_the_public_etown_page(demo, client):
    from etown.services import profile_update

    profile_update(etown=demo.etown, by=demo.office, is_published=True, sections=["progress", "funds"], reason="公开")
    submitted_prepayment(demo)
    request = approve_to_higher(demo, change(demo, new_amount=Decimal("6000000")))
    page = client.get(f"/public/etown/{demo.etown.pk}/").content.decode()
    assert "600.00 万元" not in page  # pending: not on the public page
    services.change_record_higher_approval(change=request, number="运商函〔2026〕21号", approved_on=TODAY, by=demo.office,
                                           today=TODAY, document=pdf("批复.pdf"))
    assert "600.00 万元" in client.get(f"/public/etown/{demo.etown.pk}/").content.decode()
