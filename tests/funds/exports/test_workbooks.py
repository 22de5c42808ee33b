"""The ledger and asset workbooks (openpyxl write-only) read back, and handed back
through the permission-checked download view."""
import io
from decimal import Decimal

from openpyxl import load_workbook

from etown.models import StoredFile
from etown.uploads import file_path
from funds import services
from funds.exports.ledger import export_create
from funds.models import RequestStatus

from ..helpers import TODAY, advance, new_request


def _ledger(demo):
    advance(demo, new_request(demo, kind="prepayment", amount=Decimal("100000")), RequestStatus.DISBURSED)
    task = demo.etown.tasks.first()
    a = services.ledger_record(etown=demo.etown, contract=demo.contract, entry_date=TODAY, payee="宏达装饰", summary="装修一期",
                               amount=Decimal("60000.50"), task=task, voucher_number="JZ-1", invoice_number="INV-9",
                               by=demo.contractor, today=TODAY)
    services.ledger_record(etown=demo.other_etown, contract=demo.other_etown.contracts.get(), entry_date=TODAY,
                           payee="宏达装饰", summary="站点", amount=Decimal("10"), voucher_number="GX-1",
                           invoice_number="INV-9", task=demo.other_etown.tasks.first(), by=demo.contractor2, today=TODAY)
    b = services.ledger_record(etown=demo.etown, contract=demo.contract, entry_date=TODAY, payee="印务中心", summary="宣传册",
                               amount=Decimal("2000"), voucher_number="JZ-2", by=demo.contractor, today=TODAY)
    services.ledger_reverse(entry=b, reason="重复登记", by=demo.contractor, today=TODAY)
    return a


def test_it_exports_the_ledger_and_reads_it_back(demo):
    _ledger(demo)
    stored = export_create(etown=demo.etown, what="ledger", by=demo.office)
    assert stored.content_type.endswith("spreadsheetml.sheet") and stored.etown == demo.etown
    ws = load_workbook(file_path(stored), read_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0].startswith("临猗新城涑水e镇 专项资金使用台账")
    assert rows[2][:6] == ("序号", "支付日期", "收款单位（人）", "摘要", "建设任务", "金额（元）")
    body = rows[3:]
    assert len(body) == 3
    assert body[0][2:4] == ("宏达装饰", "装修一期") and body[0][5] == 60000.5 and body[0][9] == "INV9"  # normalised: dashes dropped
    assert body[0][11] == "发票号重复、大额支出未附合同"
    assert body[1][10] == "已冲销" and body[1][11] is None  # no flags on a reversed entry
    assert body[2][5] == -2000 and body[2][10].endswith("重复登记")


def test_it_exports_the_asset_register_and_reads_it_back(demo):
    services.asset_create(etown=demo.etown, by=demo.contractor, name="智能分拣线", value=Decimal("180000"), acquired_on=TODAY,
                          location="物流中心", ownership="临猗县人民政府", task=demo.etown.tasks.first())
    stored = export_create(etown=demo.etown, what="assets", by=demo.contractor)
    rows = list(load_workbook(file_path(stored), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[3][1:5] == ("智能分拣线", None, 1, 180000) and rows[3][9] == "在用"


def test_it_hands_the_export_back_through_the_download_view(demo, client_for):
    _ledger(demo)
    client = client_for(demo.auditor)
    response = client.post(f"/funds/etowns/{demo.etown.pk}/ledger.xlsx")
    stored = StoredFile.objects.get(purpose="导出：专项资金使用台账")
    assert response.status_code == 302 and response["Location"] == f"/files/{stored.pk}/"
    download = client.get(response["Location"])
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    assert workbook.sheetnames == ["资金使用台账"]
    assert client_for(demo.contractor2).get(response["Location"]).status_code == 404
