"""The ledger and asset workbooks follow per-contract scoping (issue 11; 004 附件2 第十一条
allows two contractors on one e-town): a contractor's export holds its own contract's
entries and assets only; the office's export holds every contract's."""
import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from etown import services as etown_services
from etown.models import Organization
from etown.uploads import file_path
from funds import services
from funds.exports.ledger import export_create

from ..helpers import TODAY

pytestmark = pytest.mark.django_db


def _cells(stored):
    ws = load_workbook(file_path(stored), read_only=True).worksheets[0]
    return " ".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None)


def test_it_exports_only_the_requesters_own_contract(demo):
    org = Organization.objects.get(name="临猗县供销电商服务有限公司")
    second = etown_services.contract_create(
        etown=demo.etown, by=demo.office, contractor=org, number="LY-EZ-2026-02", title="农村物流站点建设合同",
        amount=Decimal("2000000"), signed_on=datetime.date(2026, 7, 1),
    )
    services.ledger_record(etown=demo.etown, contract=demo.contract, entry_date=TODAY, payee="货架厂",
                           summary="物流中心货架采购", amount=Decimal("1000"), voucher_number="记-01",
                           by=demo.contractor, today=TODAY)
    services.ledger_record(etown=demo.etown, contract=second, entry_date=TODAY, payee="站点装修队",
                           summary="村级站点装修", amount=Decimal("500"), voucher_number="记-02",
                           by=demo.contractor2, today=TODAY)
    services.asset_create(etown=demo.etown, by=demo.contractor, name="冷链货架", value=Decimal("1000"),
                          acquired_on=TODAY, location="物流中心", ownership="县政府", contract=demo.contract)
    services.asset_create(etown=demo.etown, by=demo.contractor2, name="站点收银机", value=Decimal("500"),
                          acquired_on=TODAY, location="村站点", ownership="县政府", contract=second)
    theirs = _cells(export_create(etown=demo.etown, what="ledger", by=demo.contractor2))
    assert "村级站点装修" in theirs and "物流中心货架采购" not in theirs
    theirs = _cells(export_create(etown=demo.etown, what="assets", by=demo.contractor2))
    assert "站点收银机" in theirs and "冷链货架" not in theirs
    mine = _cells(export_create(etown=demo.etown, what="ledger", by=demo.contractor))
    assert "物流中心货架采购" in mine and "村级站点装修" not in mine
    office = _cells(export_create(etown=demo.etown, what="assets", by=demo.office))
    assert "站点收银机" in office and "冷链货架" in office
