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

from etown.models import StoredFile
from etown.spreadsheets import COUNT_FORMAT, DATETIME_FORMAT, Col, OfficeSheet, date, money
from etown.uploads import SPREADSHEETS, file_store

from ..models import AssetState, LedgerEntry
from ..permissions import contract_scoped
from ..selectors.ledger import LIVE_ENTRY
from ..selectors.policy import policy_for


def duplicate_invoices(etown):
    """Invoice numbers used by two or more live entries of the county, among those
    touched by a reuse (a small set; see LedgerEntry.invoice_reused)."""
    reused = LedgerEntry.objects.filter(LIVE_ENTRY, county_id=etown.county_id, invoice_reused=True).values("invoice_number")
    return set(
        LedgerEntry.objects.filter(LIVE_ENTRY, county_id=etown.county_id, invoice_number__in=reused)
        .order_by().values("invoice_number").annotate(n=Count("pk")).filter(n__gte=2).values_list("invoice_number", flat=True)
    )


LEDGER_COLUMNS = [
    Col("序号", 7), date("支付日期"), Col("收款单位（人）", 26, wrap=True), Col("摘要", 30, wrap=True),
    Col("建设任务", 28, wrap=True), money("金额（元）"), money("累计支出（元）", 18, total=False),
    money("登记时累计到账（元）", 20, total=False), Col("记账凭证号", 14), Col("发票号码", 20), Col("冲销", 22, wrap=True),
    Col("疑点", 26, wrap=True), Col("登记时间", 17, DATETIME_FORMAT),
]


def write_ledger(etown, path, *, chunk_size=5000, unit="", contractors=None):
    """Write the e-town's ledger to ``path`` (xlsx). Returns the number of entries.

    Laid out for the finance bureau (issue 15): a title row with the issuing unit,
    序号 counting 1..n (not the database id), bordered rows, money formats, a 合计 row,
    landscape A4 fit to width with the header on every page (etown.spreadsheets, which
    also keeps a payee or summary such as ``=HYPERLINK(...)`` a text: issue 14 item 4).
    ``contractors``: the companies of a contract-scoped requester (``funds.permissions.
    contract_scoped``, issue 11): only their contracts' entries are written."""
    threshold = policy_for(etown.county).ledger_contract_threshold
    duplicates = duplicate_invoices(etown)
    reversed_ids = set(LedgerEntry.objects.filter(etown=etown, reverses__isnull=False).values_list("reverses_id", flat=True))
    wb = Workbook(write_only=True)
    sheet = OfficeSheet(wb, "资金使用台账", LEDGER_COLUMNS, title=f"{etown.name} 专项资金使用台账",
                        unit=unit or etown.county.name, period=f"截至 {timezone.localdate():%Y-%m-%d}")
    fields = ("pk", "entry_date", "payee", "summary", "task__title", "amount", "cumulative_spent", "disbursed_to_date",
              "voucher_number", "invoice_number", "reverses_id", "reversal_reason", "over_disbursed", "task_id",
              "payee_contract_id", "recorded_at")
    entries = LedgerEntry.objects.filter(etown=etown)
    if contractors is not None:
        entries = entries.filter(contract__contractor_id__in=contractors)
    rows = entries.order_by("entry_date", "id").values_list(*fields)
    tz = timezone.get_current_timezone()
    numbers = {}  # pk -> 序号, for the entries a reversal refers to
    for (pk, day, payee, summary, task, amount, cumulative, disbursed, voucher, invoice, reverses, why, over,
         task_id, contract_file, recorded) in rows.iterator(chunk_size=chunk_size):
        live = reverses is None and pk not in reversed_ids
        if pk in reversed_ids:
            numbers[pk] = sheet.count + 1
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
        if reverses:
            note = f"冲销序号 {numbers[reverses]}：{why}" if reverses in numbers else f"冲销：{why}"
        else:
            note = "已冲销" if pk in reversed_ids else None
        sheet.row([
            day, payee, summary, task, amount, cumulative, disbursed, voucher, invoice or None, note,
            "、".join(flags) or None, recorded.astimezone(tz).replace(tzinfo=None),
        ])
    count = sheet.finish()
    wb.save(path)
    return count


ASSET_COLUMNS = [
    Col("序号", 7), Col("资产名称", 26, wrap=True), Col("规格型号", 18, wrap=True), Col("数量", 8, COUNT_FORMAT),
    money("价值（元）"), date("购置日期"), Col("存放地点", 24, wrap=True), Col("权属", 22, wrap=True),
    Col("建设任务", 26, wrap=True), Col("状态", 10), date("最近核查"),
]


def write_assets(etown, path, *, unit="", contractors=None):
    """The asset register; ``contractors`` as in ``write_ledger`` (a contract-scoped
    requester sees the assets of its own contracts only, issue 11)."""
    wb = Workbook(write_only=True)
    sheet = OfficeSheet(wb, "资产台账", ASSET_COLUMNS, title=f"{etown.name} 资产台账",
                        unit=unit or etown.county.name, period=f"截至 {timezone.localdate():%Y-%m-%d}")
    states = dict(AssetState.choices)
    assets = etown.assets.all()
    if contractors is not None:
        assets = assets.filter(contract__contractor_id__in=contractors)
    for asset in assets.select_related("task").order_by("acquired_on", "pk").iterator(chunk_size=2000):
        sheet.row([
            asset.name, asset.specification, asset.quantity, asset.value, asset.acquired_on,
            asset.location, asset.ownership, asset.task.title if asset.task else "", states[asset.state],
            asset.state_checked_on,
        ])
    count = sheet.finish()
    wb.save(path)
    return count


WRITERS = {"ledger": (write_ledger, "专项资金使用台账"), "assets": (write_assets, "资产台账")}


@transaction.atomic
def export_create(*, etown, what, by):
    """Build an export into a temporary file and store it as an upload of the e-town
    (served by the permission-checked download view). Returns the StoredFile. A
    contractor's export holds its own contracts only (per-contract scoping, issue 11)."""
    writer, label = WRITERS[what]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xlsx"
        writer(etown, path, contractors=contract_scoped(by))
        name = f"{etown.name}{label}{timezone.localdate():%Y%m%d}.xlsx"
        with open(path, "rb") as handle:
            return file_store(
                upload=File(handle, name=name), county=etown.county, etown=etown, by=by,
                access=StoredFile.Access.ETOWN, purpose=f"导出：{label}", allowed=SPREADSHEETS,
            )


CLAWBACK_COLUMNS = [
    Col("序号", 7), Col("合同编号", 18), Col("承办企业", 24, wrap=True), Col("类型", 14), money("金额（元）"),
    Col("依据", 36, wrap=True), Col("事由", 36, wrap=True), Col("决定文号", 24, wrap=True), date("决定日期"),
]


def clawbacks_workbook(etown, records):
    """The clawback and reduction decisions of the dossier (issue 15), as .xlsx bytes:
    each decision with its number, date, basis and amount, and the total."""
    import io

    wb = Workbook(write_only=True)
    sheet = OfficeSheet(wb, "追回与核减决定", CLAWBACK_COLUMNS, title=f"{etown.name} 追回与核减决定",
                        unit=etown.county.name, period=f"截至 {timezone.localdate():%Y-%m-%d}")
    for c in records:
        sheet.row([c.contract.number, c.contract.contractor.name, c.get_kind_display(), c.amount,
                   c.get_basis_display(), c.reason, c.decision_number, c.decided_on])
    sheet.finish()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
