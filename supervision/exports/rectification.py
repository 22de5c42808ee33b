"""Excel files of rectification: the 整改台账 export and the import template.

The ledger is written in openpyxl's write-only mode (memory stays flat however many
rows); both open in Excel and LibreOffice.
"""
import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from etown.spreadsheets import DATE_FORMAT, Col, OfficeSheet

from ..models import EscalationLevel, Rectification
from ..services.rectification_import import TEMPLATE_HEADERS

LEDGER_HEADERS = [
    ("序号", 6), ("项目", 22), ("问题来源", 12), ("原序号", 7), ("反馈问题", 48), ("整改措施", 40), ("责任单位", 24),
    ("责任人", 14), ("整改时限", 12), ("当前期限", 12), ("状态", 9), ("是否逾期", 9), ("逾期天数", 9),
    ("督办层级", 20), ("最近提交佐证", 13), ("销号日期", 12), ("核验意见", 30),
]
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")


LEDGER_COLUMNS = [
    Col(header, width, DATE_FORMAT if header in ("整改时限", "当前期限", "最近提交佐证", "销号日期") else None,
        wrap=header in ("项目", "反馈问题", "整改措施", "责任单位", "责任人", "督办层级", "核验意见"))
    for header, width in LEDGER_HEADERS
]


def ledger_workbook(items, today, title="整改台账", *, unit="", period="", hide_termination=False):
    """The ledger rows (``items`` from selectors.rectification.ledger) as .xlsx bytes: a
    title row with the issuing unit and the date, bordered rows numbered 1..n, printed
    landscape on A4, fit to the page width, the header repeated on every page
    (etown.spreadsheets; issue 15). Texts cannot become formulas (issue 14 item 4)."""
    workbook = Workbook(write_only=True)
    sheet = OfficeSheet(workbook, title, LEDGER_COLUMNS, title=title, unit=unit,
                        period=period or f"截至 {today:%Y-%m-%d}")
    levels = dict(EscalationLevel.choices)
    if hide_termination:
        # Outside government the proposal to terminate reads as the second letter (issue 14).
        levels[EscalationLevel.TERMINATION] = levels[EscalationLevel.SECOND]
    for item in items.iterator(chunk_size=500) if hasattr(items, "iterator") else items:
        overdue = item.is_overdue(today)
        sheet.row([
            item.etown.name, item.get_source_display(), item.ref, item.problem,
            item.measures, item.units, item.persons, item.deadline,
            item.due_date, item.get_status_display(), "是" if overdue else "否",
            item.days_overdue(today) or None, levels[item.escalation_level], item.submitted_on,
            item.closed_on, item.review_note,
        ])
    sheet.finish()
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
