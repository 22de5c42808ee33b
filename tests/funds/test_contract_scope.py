"""Per-contract scoping (issue 11). 004 附件2 第十一条 allows two contractors on one
e-town; each one's staff see and act on their own contract's disbursement requests and
change requests only, while the e-town's shared facts (plan, tasks, public information)
stay visible to both. Another contractor's record is a 404, acting on another's
contract is refused."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from funds import services
from funds.models import ChangeKind, RequestKind

from .helpers import TODAY, new_request


def test_it_refuses_a_request_on_another_contractors_contract(demo, second_contract):
    with pytest.raises(PermissionDenied):
        new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("100000"), by=demo.contractor2)
    own = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("100000"), by=demo.contractor2,
                      contract=second_contract)
    assert own.contract == second_contract
    theirs = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("100000"))
    for act in (
        lambda: services.disbursement_submit(request=theirs, by=demo.contractor2, today=TODAY),
        lambda: services.disbursement_withdraw(request=theirs, reason="x", by=demo.contractor2),
    ):
        with pytest.raises(PermissionDenied):
            act()
    with pytest.raises(PermissionDenied):
        services.change_create(contract=demo.contract, kind=ChangeKind.CHANGE, title="调整", content="x", reason="y",
                               by=demo.contractor2, today=TODAY)


def test_it_shows_each_contractor_only_its_own_contracts_requests(demo, second_contract, client_for):
    theirs = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("100000"))
    own = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("200000"), by=demo.contractor2,
                      contract=second_contract)
    other = client_for(demo.contractor2)
    assert other.get(f"/funds/requests/{theirs.pk}/").status_code == 404
    assert other.post(f"/funds/requests/{theirs.pk}/submit/").status_code == 404
    assert other.get(f"/funds/requests/{own.pk}/").status_code == 200
    listing = other.get("/funds/requests/").content.decode()
    assert own.code in listing and theirs.code not in listing
    overview = other.get(f"/funds/etowns/{demo.etown.pk}/").content.decode()
    assert own.code in overview and theirs.code not in overview
    form = other.get(f"/funds/etowns/{demo.etown.pk}/requests/new/").content.decode()
    assert second_contract.number in form and demo.contract.number not in form
    # The office sees both; the shared e-town page stays visible to both contractors.
    office_list = client_for(demo.office).get("/funds/requests/").content.decode()
    assert own.code in office_list and theirs.code in office_list
    assert other.get(f"/etowns/{demo.etown.pk}/").status_code == 200
    assert client_for(demo.contractor).get(f"/funds/requests/{own.pk}/").status_code == 404


def test_it_hides_another_contractors_change_request(demo, second_contract, client_for):
    change = services.change_create(contract=demo.contract, kind=ChangeKind.EXTENSION, title="延期", content="x",
                                    reason="y", new_term_end=datetime.date(2027, 6, 30), by=demo.contractor, today=TODAY)
    assert client_for(demo.contractor2).get(f"/funds/changes/{change.pk}/").status_code == 404
    assert client_for(demo.contractor).get(f"/funds/changes/{change.pk}/").status_code == 200


def test_it_keeps_each_contractors_ledger_and_assets_to_its_own_contract(demo, second_contract, client_for):
    entry = services.ledger_record(etown=demo.etown, contract=demo.contract, entry_date=TODAY, payee="货架厂",
                                   summary="物流中心货架采购", amount=Decimal("1000"), voucher_number="记-01",
                                   by=demo.contractor, today=TODAY)
    services.asset_create(etown=demo.etown, by=demo.contractor, name="冷链货架", value=Decimal("1000"),
                          acquired_on=TODAY, location="物流中心", ownership="县政府")
    with pytest.raises(PermissionDenied):
        services.ledger_record(etown=demo.etown, contract=demo.contract, entry_date=TODAY, payee="x", summary="y",
                               amount=Decimal("1"), voucher_number="v", by=demo.contractor2, today=TODAY)
    with pytest.raises(PermissionDenied):
        services.ledger_reverse(entry=entry, reason="误记", by=demo.contractor2)
    with pytest.raises(PermissionDenied):
        services.asset_create(etown=demo.etown, by=demo.contractor2, name="x", value=Decimal("1"), acquired_on=TODAY,
                              location="x", ownership="x", contract=demo.contract)
    other = client_for(demo.contractor2)
    assert "物流中心货架采购" not in other.get(f"/funds/etowns/{demo.etown.pk}/ledger/").content.decode()
    assert "冷链货架" not in other.get(f"/funds/etowns/{demo.etown.pk}/assets/").content.decode()
    assert other.post(f"/funds/ledger/{entry.pk}/reverse/", {"reason": "误记"}).status_code == 404
    assert demo.contract.number not in other.get(f"/funds/etowns/{demo.etown.pk}/ledger/new/").content.decode()
    office = client_for(demo.office)
    assert "物流中心货架采购" in office.get(f"/funds/etowns/{demo.etown.pk}/ledger/").content.decode()
    assert "冷链货架" in office.get(f"/funds/etowns/{demo.etown.pk}/assets/").content.decode()
