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

from tests.spreadsheets import formula_cells, print_workbook

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
    body, total = rows[3:-1], rows[-1]
    assert len(body) == 3
    assert [r[0] for r in body] == [1, 2, 3]  # 序号 counts 1..n, not database ids (issue 15)
    assert total[0] == "合计" and total[5] == 60000.5  # 60000.50 + 2000 - 2000 (the reversal)
    assert "临猗县" in rows[1][0]  # the issuing unit
    assert body[0][2:4] == ("宏达装饰", "装修一期") and body[0][5] == 60000.5 and body[0][9] == "INV9"  # normalised: dashes dropped
    assert body[0][11] == "发票号重复、大额支出未附合同"
    assert body[1][10] == "已冲销" and body[1][11] is None  # no flags on a reversed entry
    assert body[2][5] == -2000 and body[2][10] == "冲销序号 2：重复登记"


def test_it_exports_the_asset_register_and_reads_it_back(demo):
    services.asset_create(etown=demo.etown, by=demo.contractor, name="智能分拣线", value=Decimal("180000"), acquired_on=TODAY,
                          location="物流中心", ownership="临猗县人民政府", task=demo.etown.tasks.first())
    stored = export_create(etown=demo.etown, what="assets", by=demo.contractor)
    rows = list(load_workbook(file_path(stored), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[3][1:5] == ("智能分拣线", None, 1, 180000) and rows[3][9] == "在用"


def test_it_hands_the_export_back_through_the_download_view(demo, client_for, django_capture_on_commit_callbacks):
    """Issue 13: the export is a background job, published after the commit (here, at
    the end of the captured block); the user finds it on 我的导出 with its download."""
    _ledger(demo)
    client = client_for(demo.auditor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/funds/etowns/{demo.etown.pk}/ledger.xlsx")
    stored = StoredFile.objects.get(purpose="导出：专项资金使用台账")
    assert response.status_code == 302 and response["Location"] == "/jobs/"
    location = f"/files/{stored.pk}/"
    assert location in client.get("/jobs/").content.decode()
    download = client.get(location)
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    assert workbook.sheetnames == ["资金使用台账"]
    assert client_for(demo.contractor2).get(location).status_code == 404


def test_it_keeps_formula_like_texts_as_text_and_prints_on_a_few_landscape_pages(demo, tmp_path):
    """Issue 14 item 4: a payee or summary starting with =, +, -, @ must not run as a
    formula on the finance bureau's computer; issue 15: LibreOffice opens the ledger and
    prints it landscape, fit to width, the header on every page."""
    for n in range(3):
        services.ledger_record(etown=demo.etown, contract=demo.contract, entry_date=TODAY, payee="宏达装饰", summary="装修",
                               amount=Decimal("100"), task=demo.etown.tasks.first(), voucher_number=f"JZ-{n}",
                               by=demo.contractor, today=TODAY)
    services.ledger_record(etown=demo.etown, contract=demo.contract, entry_date=TODAY, payee='=HYPERLINK("http://x.example","点击")',
                           summary="+1+cmd|' /C calc'!A0", amount=Decimal("10"), voucher_number="JZ-9",
                           task=demo.etown.tasks.first(), by=demo.contractor, today=TODAY)
    stored = export_create(etown=demo.etown, what="ledger", by=demo.office)
    content = open(file_path(stored), "rb").read()
    assert formula_cells(content) == []
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    payee = ws.cell(row=7, column=3)
    assert payee.value == '=HYPERLINK("http://x.example","点击")' and payee.data_type == "s" and payee.quotePrefix
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$3"
    assert ws.cell(row=4, column=1).border.left.style == "thin"  # data rows have borders
    assert ws.cell(row=4, column=6).number_format == "#,##0.00"
    pages, text = print_workbook(content, tmp_path)
    assert pages == 1
    assert "专项资金使用台账" in text and "宏达装饰" in text and "合计" in text and "HYPERLINK" in text
