"""The ledger (资金使用台账) and the asset register (资产台账) as Excel workbooks.

The workbooks use openpyxl's write-only mode and read the rows with ``iterator()``, so
memory stays flat for a million-row ledger (DESIGN.md, pitfalls: an .xlsx is a zip
written at save(), so it is built into a temporary file by a task, then stored and
handed back as a download).
"""
import tempfile
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from etown.models import StoredFile
from etown.uploads import SPREADSHEETS, file_store

from ..models import AssetState, LedgerEntry
from ..selectors.ledger import LIVE_ENTRY
from ..selectors.policy import policy_for

TITLE_FONT = Font(bold=True, size=14)
HEAD_FONT = Font(bold=True)
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"

LEDGER_HEADERS = [
    ("序号", 8), ("支付日期", 12), ("收款单位（人）", 28), ("摘要", 32), ("建设任务", 30), ("金额（元）", 16),
    ("累计支出（元）", 18), ("登记时累计到账（元）", 20), ("记账凭证号", 16), ("发票号码", 22), ("冲销", 24), ("疑点", 30),
    ("登记时间", 18),
]


def _sheet(ws, title, headers):
    """Column widths (write-only mode takes them before the first row), the title, the
    header row."""
    for index, (_, width) in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    cell = WriteOnlyCell(ws, value=title)
    cell.font = TITLE_FONT
    ws.append([cell])
    ws.append([])
    row = []
    for label, _ in headers:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = HEAD_FONT
        cell.alignment = Alignment(horizontal="center")
        row.append(cell)
    ws.append(row)


def _money(ws, value):
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = MONEY_FORMAT
    return cell


def _date(ws, value):
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = DATE_FORMAT
    return cell


def duplicate_invoices(etown):
    """Invoice numbers used by two or more live entries of the county, among those
    touched by a reuse (a small set; see LedgerEntry.invoice_reused)."""
    reused = LedgerEntry.objects.filter(LIVE_ENTRY, county_id=etown.county_id, invoice_reused=True).values("invoice_number")
    return set(
        LedgerEntry.objects.filter(LIVE_ENTRY, county_id=etown.county_id, invoice_number__in=reused)
        .order_by().values("invoice_number").annotate(n=Count("pk")).filter(n__gte=2).values_list("invoice_number", flat=True)
    )


def write_ledger(etown, path, *, chunk_size=5000):
    """Write the e-town's ledger to ``path`` (xlsx). Returns the number of entries."""
    threshold = policy_for(etown.county).ledger_contract_threshold
    duplicates = duplicate_invoices(etown)
    reversed_ids = set(LedgerEntry.objects.filter(etown=etown, reverses__isnull=False).values_list("reverses_id", flat=True))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("资金使用台账")
    _sheet(ws, f"{etown.name} 专项资金使用台账（导出于 {timezone.localtime():%Y-%m-%d %H:%M}）", LEDGER_HEADERS)
    fields = ("pk", "entry_date", "payee", "summary", "task__title", "amount", "cumulative_spent", "disbursed_to_date",
              "voucher_number", "invoice_number", "reverses_id", "reversal_reason", "over_disbursed", "task_id",
              "payee_contract_id", "recorded_at")
    rows = LedgerEntry.objects.filter(etown=etown).order_by("entry_date", "id").values_list(*fields)
    tz = timezone.get_current_timezone()
    count = 0
    for (pk, day, payee, summary, task, amount, cumulative, disbursed, voucher, invoice, reverses, why, over,
         task_id, contract_file, recorded) in rows.iterator(chunk_size=chunk_size):
        count += 1
        live = reverses is None and pk not in reversed_ids
        flags = []
        if live:
            if invoice and invoice in duplicates:
                flags.append("发票号重复")
            if task_id is None:
                flags.append("未对应建设任务")
            if over:
                flags.append("支出超出已拨付")
            if contract_file is None and amount > threshold:
                flags.append("大额支出未附合同")
        note = f"冲销第 {reverses} 号：{why}" if reverses else ("已冲销" if pk in reversed_ids else None)
        # Plain values, None for blanks: a styled cell costs about a third more time, and a
        # ledger can run to hundreds of thousands of rows (dates keep their own format).
        ws.append([
            pk, day, payee, summary, task, amount, cumulative, disbursed, voucher, invoice or None, note,
            "、".join(flags) or None, recorded.astimezone(tz).replace(tzinfo=None),
        ])
    wb.save(path)
    return count


ASSET_HEADERS = [
    ("序号", 8), ("资产名称", 28), ("规格型号", 20), ("数量", 8), ("价值（元）", 16), ("购置日期", 12), ("存放地点", 28),
    ("权属", 24), ("建设任务", 28), ("状态", 10), ("最近核查", 12),
]


def write_assets(etown, path):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("资产台账")
    _sheet(ws, f"{etown.name} 资产台账（导出于 {timezone.localtime():%Y-%m-%d %H:%M}）", ASSET_HEADERS)
    states = dict(AssetState.choices)
    count = 0
    for asset in etown.assets.select_related("task").order_by("acquired_on", "pk").iterator(chunk_size=2000):
        count += 1
        ws.append([
            count, asset.name, asset.specification, asset.quantity, _money(ws, asset.value), _date(ws, asset.acquired_on),
            asset.location, asset.ownership, asset.task.title if asset.task else "", states[asset.state],
            _date(ws, asset.state_checked_on) if asset.state_checked_on else "",
        ])
    wb.save(path)
    return count


WRITERS = {"ledger": (write_ledger, "专项资金使用台账"), "assets": (write_assets, "资产台账")}


@transaction.atomic
def export_create(*, etown, what, by):
    """Build an export into a temporary file and store it as an upload of the e-town
    (served by the permission-checked download view). Returns the StoredFile."""
    writer, label = WRITERS[what]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xlsx"
        writer(etown, path)
        name = f"{etown.name}{label}{timezone.localdate():%Y%m%d}.xlsx"
        with open(path, "rb") as handle:
            return file_store(
                upload=File(handle, name=name), county=etown.county, etown=etown, by=by,
                access=StoredFile.Access.ETOWN, purpose=f"导出：{label}", allowed=SPREADSHEETS,
            )
