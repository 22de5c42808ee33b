"""The one workbook helper every export uses: cells that cannot turn into formulas, and
sheets fit for a county office (a title row with the issuing unit and the period, borders,
money formats, a total row, 序号 counting 1..n, and a print set-up: landscape, fit to the
page width, the header rows repeated on every page).

Formula injection (issue 14 item 4, OWASP "CSV injection"): a text that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by Excel and
LibreOffice. Workbook cells keep such a text as a string with Excel's quote prefix (the
cell shows the text as typed and stays text when edited); CSV fields, which carry no type,
get a leading apostrophe. Every workbook and CSV writer goes through ``safe_value`` /
``csv_value`` (tests/etown/test_spreadsheets.py holds every export to it).

Sheets are openpyxl write-only sheets (memory stays flat whatever the number of rows):
``OfficeSheet`` sets the widths, print set-up and title rows before the first data row,
as write-only mode requires.
"""
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

TITLE_FONT = Font(name="宋体", bold=True, size=16)
SUBTITLE_FONT = Font(name="宋体", size=10)
HEADER_FONT = Font(name="宋体", bold=True, size=11)
TOTAL_FONT = Font(name="宋体", bold=True, size=11)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
THIN = Side(style="thin", color="666666")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def is_formula_like(value):
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def csv_value(value):
    """A CSV field that a spreadsheet opens as text, never as a formula."""
    if is_formula_like(value):
        return "'" + value
    return value


def safe_value(ws, value):
    """``value`` for ``ws.append``: unchanged, unless it is a formula-like text, which
    becomes a string cell with Excel's quote prefix (shown as typed, never evaluated)."""
    if not is_formula_like(value):
        return value
    cell = WriteOnlyCell(ws, value=None)
    cell.value = value
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def cell(ws, value, *, number_format=None, border=True, wrap=False, font=None, alignment=None):
    """A styled cell whose text cannot become a formula."""
    c = WriteOnlyCell(ws, value=None)
    c.value = value
    if is_formula_like(value):
        c.data_type = "s"
        c.quotePrefix = True
    if number_format and value is not None and not isinstance(value, str):
        c.number_format = number_format
    if border:
        c.border = BORDER
    if font is not None:
        c.font = font
    if alignment is not None:
        c.alignment = alignment
    elif wrap:
        c.alignment = WRAP
    return c


@dataclass(frozen=True)
class Col:
    """A column: its header, width (Excel characters), number format, whether long text
    wraps, and whether the total row sums it."""
    header: str
    width: float = 12
    number_format: str | None = None
    wrap: bool = False
    total: bool = False


def money(header, width=16, total=True):
    return Col(header, width, MONEY_FORMAT, total=total)


def date(header, width=12):
    return Col(header, width, DATE_FORMAT)


class OfficeSheet:
    """A write-only sheet laid out for printing and filing.

    Row 1 the title, row 2 the issuing unit, the period and the time of export, row 3 the
    header (repeated on every printed page); then the data rows, bordered, numbered 1..n
    when the first column is 序号; ``finish()`` adds the total row of the ``total``
    columns."""

    def __init__(self, workbook, name, columns, *, title, unit="", period="", landscape=True, note="", numbered=None,
                 freeze="A4", header_height=32):
        from django.utils import timezone

        self.ws = ws = workbook.create_sheet(name[:31])
        self.columns = list(columns)
        self.numbered = self.columns[0].header == "序号" if numbered is None else numbered
        self.count = 0
        self.sums = {i: Decimal(0) for i, c in enumerate(self.columns) if getattr(c, "total", False)}
        for index, column in enumerate(self.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        last = get_column_letter(len(self.columns))
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.print_title_rows = "1:3"
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        ws.freeze_panes = freeze
        ws.merged_cells.add(f"A1:{last}1")
        ws.merged_cells.add(f"A2:{last}2")
        ws.row_dimensions[1].height = 28
        ws.append([cell(ws, title, border=False, font=TITLE_FONT, alignment=Alignment(horizontal="center", vertical="center"))])
        parts = [f"填报（编制）单位：{unit}" if unit else "", f"期间：{period}" if period else "",
                 f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}", note]
        ws.append([cell(ws, "　　".join(p for p in parts if p), border=False, font=SUBTITLE_FONT,
                        alignment=Alignment(horizontal="left", vertical="center"))])
        ws.row_dimensions[3].height = header_height
        ws.append([cell(ws, c.header, font=HEADER_FONT, alignment=CENTER) for c in self.columns])

    def row(self, values):
        """Append one data row; with a 序号 column, ``values`` leaves it out and the sheet
        numbers the rows 1..n."""
        self.count += 1
        values = list(values)
        if self.numbered:
            values = [self.count, *values]
        cells = []
        for index, (column, value) in enumerate(zip(self.columns, values)):
            if index in self.sums and isinstance(value, (int, float, Decimal)):
                self.sums[index] += Decimal(str(value))
            cells.append(cell(self.ws, value, number_format=column.number_format, wrap=getattr(column, "wrap", False)))
        self.ws.append(cells)

    def finish(self, label="合计"):
        """The total row (when a column is summed) and the number of rows."""
        if self.sums:
            values = [None] * len(self.columns)
            values[0] = label
            if self.numbered and len(values) > 1 and 1 not in self.sums:
                values[1] = f"共 {self.count} 项"
            for index, total in self.sums.items():
                values[index] = total
            self.ws.append([
                cell(self.ws, v, number_format=c.number_format, font=TOTAL_FONT) for c, v in zip(self.columns, values)
            ])
        return self.count


def print_setup(ws, *, landscape=True, title_rows="1:1"):
    """The print set-up alone, for a sheet laid out by hand (A4, fit to width, header rows
    repeated)."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if title_rows:
        ws.print_title_rows = title_rows


def issuing_unit(user):
    """The unit an export is issued by: the exporting user's organisations (e.g.
    临猗县工业和信息化局), for the title row of every workbook."""
    from .permissions import memberships

    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    names = []
    for m in memberships(user):
        name = m.organization.name if m.organization_id else m.area_label
        if name and name not in names:
            names.append(name)
    return "、".join(names)
