"""Excel files of rectification: the 整改台账 export and the import template.

The ledger is written in openpyxl's write-only mode (memory stays flat however many
rows); both open in Excel and LibreOffice.
"""
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from ..models import EscalationLevel, Rectification
from ..services.rectification_import import TEMPLATE_HEADERS

LEDGER_HEADERS = [
    ("序号", 6), ("项目", 22), ("问题来源", 12), ("原序号", 7), ("反馈问题", 48), ("整改措施", 40), ("责任单位", 24),
    ("责任人", 14), ("整改时限", 12), ("当前期限", 12), ("状态", 9), ("是否逾期", 9), ("逾期天数", 9),
    ("督办层级", 20), ("最近提交佐证", 13), ("销号日期", 12), ("核验意见", 30),
]
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FORMAT = "yyyy-mm-dd"


def _header_cells(sheet, headers):
    cells = []
    for text, _ in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cells.append(cell)
    return cells


def _date_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    if value is not None:
        cell.number_format = DATE_FORMAT
    return cell


def _text_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.alignment = WRAP
    return cell


def ledger_workbook(items, today, title="整改台账"):
    """The ledger rows (``items`` from selectors.rectification.ledger) as .xlsx bytes."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, (_, width) in enumerate(LEDGER_HEADERS, 1):
        sheet.column_dimensions[_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet, LEDGER_HEADERS))
    levels = dict(EscalationLevel.choices)
    for n, item in enumerate(items.iterator(chunk_size=500) if hasattr(items, "iterator") else items, 1):
        overdue = item.is_overdue(today)
        sheet.append([
            n, item.etown.name, item.get_source_display(), item.ref, _text_cell(sheet, item.problem),
            _text_cell(sheet, item.measures), item.units, item.persons, _date_cell(sheet, item.deadline),
            _date_cell(sheet, item.due_date), item.get_status_display(), "是" if overdue else "否",
            item.days_overdue(today) or None, levels[item.escalation_level], _date_cell(sheet, item.submitted_on),
            _date_cell(sheet, item.closed_on), item.review_note,
        ])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _column_letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def template_workbook():
    """The import template: the six columns, two example rows and the rules on a
    second sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "整改清单"
    sheet.append(TEMPLATE_HEADERS)
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    sheet.append([1, "电商公共服务中心改造进度滞后", "倒排工期，增加施工力量", "承办企业、县商务局", "陈涛、王立新", "2026年10月15日"])
    sheet.append([2, "专项资金专账记账凭证不完整", "补齐凭证并规范记账", "承办企业", "陈涛", "10月底"])
    for column, width in zip("ABCDEF", (6, 48, 40, 24, 16, 16)):
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet("填写说明")
    for line in (
        "每行一项整改事项；“反馈问题”“责任单位”“整改时限”必填。",
        "多个责任单位或责任人用顿号“、”或逗号“，”分隔。",
        "整改时限可写成：2026年10月15日、2026-10-15、2026/10/15、10月底（年份在导入页面选择），或使用 Excel 日期格式。",
        "任何一行有误，整个文件都不会导入；页面会列出每个出错的行号和原因，改正后重新上传即可。",
        "表头可以在前 15 行中的任意一行，表头上方可以有标题行；合并单元格按左上角的内容处理。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


__all__ = ["ledger_workbook", "template_workbook", "Rectification"]
