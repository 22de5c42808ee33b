"""Funds' files follow the record they are attached to (issue 11; 004 附件2 第十一条 allows
two contractors on one e-town). A disbursement request's materials and payment voucher,
a ledger entry's invoice and payee contract, an asset's photos and a change request's
documents are served by the download view only to those who may see that record: the
e-town's other contractor gets a 404, the office and the contract's own staff the file."""
import datetime
from decimal import Decimal

import pytest

from etown.models import StoredFile
from funds import services
from funds.models import RequestKind

from .helpers import TODAY, new_request, pdf, png

pytestmark = pytest.mark.django_db


def served(client, stored):
    return client.get(f"/files/{stored.pk}/").status_code


def test_it_serves_a_requests_materials_only_to_those_who_see_the_request(demo, second_contract, client_for):
    request = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("100000"))
    files = [m.file for m in request.materials.all()]
    assert files
    mine, other, office = client_for(demo.contractor), client_for(demo.contractor2), client_for(demo.office)
    for stored in files:
        assert served(other, stored) == 404
        assert served(mine, stored) == 200
        assert served(office, stored) == 200
    # The other contractor's own request's materials are its own.
    own = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("100000"), by=demo.contractor2,
                      contract=second_contract)
    theirs = own.materials.first().file
    assert served(other, theirs) == 200 and served(mine, theirs) == 404


def test_it_serves_a_ledger_entrys_vouchers_only_to_its_contracts_staff(demo, second_contract, client_for):
    entry = services.ledger_record(
        etown=demo.etown, contract=demo.contract, entry_date=datetime.date(2026, 11, 20), payee="临猗县宏达建筑装饰有限公司",
        summary="装修", amount=Decimal("10000"), voucher_number="JZ-01", invoice_number="No 0123",
        invoice_upload=pdf("发票.pdf"), payee_contract_upload=pdf("支出合同.pdf"), by=demo.contractor, today=TODAY,
    )
    for stored in (entry.invoice_file, entry.payee_contract):
        assert isinstance(stored, StoredFile)
        assert served(client_for(demo.contractor2), stored) == 404
        assert served(client_for(demo.contractor), stored) == 200
        assert served(client_for(demo.office), stored) == 200


def test_it_serves_a_change_requests_and_an_assets_files_only_to_their_contracts_staff(demo, second_contract,
                                                                                      client_for):
    from funds.models import ChangeKind

    change = services.change_create(contract=demo.contract, kind=ChangeKind.CHANGE, title="调整站点", content="调整",
                                    reason="政策变化", by=demo.contractor, application_upload=pdf("书面申请.pdf"),
                                    today=TODAY)
    asset = services.asset_create(etown=demo.etown, by=demo.contractor, name="货架", value=Decimal("5000"),
                                  acquired_on=datetime.date(2026, 11, 20), location="物流中心", ownership="临猗县人民政府",
                                  contract=demo.contract, photo_upload=png("货架.png"))
    for stored in (change.application_file, asset.photo):
        assert stored is not None
        assert served(client_for(demo.contractor2), stored) == 404
        assert served(client_for(demo.contractor), stored) == 200
        assert served(client_for(demo.office), stored) == 200
