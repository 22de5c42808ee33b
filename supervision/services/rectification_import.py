"""Reading a feedback list (反馈问题清单) from Excel into rectification rows.

The template's columns are 序号, 反馈问题, 整改措施, 责任单位, 责任人, 整改时限; a real list
from an evaluation report has the same columns, often with a title row above the header,
merged cells (one unit for several rows) and deadlines written as offices write them:
2023年10月15日, 2023-10-15, 2023/10/15, 10月底 (of a given year) or an Excel date cell.

Every row is checked first and every problem reported with its Excel row number; the
caller (services.rectification.rectifications_import) imports nothing unless all rows
are good.

Files are opened in openpyxl's normal mode, not read-only: only the normal mode knows
merged cells, and a feedback list is small (the size is capped at MAX_BYTES).
"""
import calendar
import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError

from etown.sheets import check_xlsx

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
MAX_COLUMNS = 50
HEADER_SCAN_ROWS = 15

# Column key → header texts that name it (first match wins, in this order).
COLUMNS = {
    "ref": ("序号", "编号"),
    "problem": ("反馈问题", "存在问题", "问题"),
    "measures": ("整改措施", "措施"),
    "units": ("责任单位", "牵头单位"),
    "persons": ("责任人",),
    "deadline": ("整改时限", "完成时限", "时限"),
}
REQUIRED_COLUMNS = ("problem", "units", "deadline")
TEMPLATE_HEADERS = ["序号", "反馈问题", "整改措施", "责任单位", "责任人", "整改时限"]

NAME_SEPARATORS = re.compile(r"[、，,；;\n\r]+")
DATE_FORMS = "2023年10月15日、2023-10-15、2023/10/15 或 10月底"

_YMD = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")
_YMD_SEP = re.compile(r"^(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})$")
_YM_END = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(底|末|前)?$")
_M_END = re.compile(r"^(\d{1,2})\s*月\s*(底|末)$")
_MD = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]$")
_BEFORE = re.compile(r"(之前|以前|前)$")


def split_names(value):
    """'县商务局、承办企业，县财政局' → ['县商务局', '承办企业', '县财政局']."""
    if value is None:
        return []
    return [part.strip() for part in NAME_SEPARATORS.split(str(value)) if part.strip()]


def _month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(value, *, year=None):
    """A deadline cell → date, or ValidationError saying what is wrong, in Chinese.

    ``year`` is the year of a deadline written without one (10月底, 10月15日)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A date typed into a cell formatted as a number: Excel's serial day count.
        if 20000 <= value <= 80000:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
        raise ValidationError(f"整改时限“{value:g}”不是日期：请写成 {DATE_FORMS}。")
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    if not text:
        raise ValidationError("整改时限为空。")
    text = _BEFORE.sub("", text).strip()  # "2023年10月15日前" means the same day
    try:
        if m := _YMD.match(text):
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _YMD_SEP.match(text):
            return datetime.date(int(m[1]), int(m[3]), int(m[4]))
        if m := _YM_END.match(text):
            return _month_end(int(m[1]), int(m[2]))
        if m := _M_END.match(text):
            if year is None:
                raise ValidationError(f"整改时限“{value}”没有年份：请在导入时选择年份，或写成 2023年{m[1]}月底。")
            return _month_end(int(year), int(m[1]))
        if m := _MD.match(text):
            if year is None:
                raise ValidationError(f"整改时限“{value}”没有年份：请在导入时选择年份，或写成 2023年{m[1]}月{m[2]}日。")
            return datetime.date(int(year), int(m[1]), int(m[2]))
    except ValueError:
        raise ValidationError(f"整改时限“{value}”不是有效日期（月份或日期超出范围）。")
    raise ValidationError(f"整改时限“{value}”无法识别：请写成 {DATE_FORMS}。")


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header_map(row):
    """{column key: index} when ``row`` is the header row, else None."""
    texts = [unicodedata.normalize("NFKC", _cell_text(v)).replace(" ", "") for v in row]
    found = {}
    for key, names in COLUMNS.items():
        for name in names:
            for index, text in enumerate(texts):
                if text and index not in found.values() and (text == name or text.startswith(name)):
                    found[key] = index
                    break
            if key in found:
                break
    if "problem" in found and ("deadline" in found or "units" in found):
        return found
    return None


def _load_rows(fileobj):
    from openpyxl import load_workbook

    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(0)
    if size > MAX_BYTES:
        raise ValidationError(f"文件过大（{size / 1048576:.1f} MB）：整改清单不超过 {MAX_BYTES // 1048576} MB。")
    # Rows, columns and merged ranges are counted from the file's XML first: a sheet
    # over the limits is refused before openpyxl builds it (issue 13, etown.sheets).
    check_xlsx(fileobj, max_rows=MAX_ROWS + HEADER_SCAN_ROWS, max_cols=MAX_COLUMNS, what="整改清单")
    try:
        workbook = load_workbook(fileobj, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise ValidationError("无法读取该文件：请上传 Excel（.xlsx）格式的整改清单，可先下载模板。")
    sheet = workbook.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    typed = [list(r) for r in rows]  # what each cell holds itself, before merges are spread
    # A merged cell keeps its value in the top-left corner only: copy it to the rest.
    for merged in sheet.merged_cells.ranges:
        top = rows[merged.min_row - 1][merged.min_col - 1] if merged.min_row - 1 < len(rows) else None
        for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
            for c in range(merged.min_col - 1, merged.max_col):
                if c < len(rows[r]):
                    rows[r][c] = top
    return rows, typed


def read_feedback_rows(fileobj, *, year=None):
    """Parse the first sheet. Returns the rows as dicts (ref, problem, measures, units,
    persons, deadline, row) or raises ValidationError listing every bad row."""
    rows, typed = _load_rows(fileobj)
    header_index, columns = None, None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns = _header_map(row)
        if columns:
            header_index = index
            break
    if header_index is None:
        raise ValidationError(
            "未找到表头：第一张工作表的前 15 行中须有一行包含“反馈问题”“责任单位”“整改时限”等列名，可下载模板对照。"
        )
    missing = [COLUMNS[k][0] for k in REQUIRED_COLUMNS if k not in columns]
    if missing:
        raise ValidationError(f"表头第 {header_index + 1} 行缺少列：{'、'.join(missing)}。")

    parsed, errors = [], []
    data_rows = rows[header_index + 1:]
    if len(data_rows) > MAX_ROWS:
        raise ValidationError(f"行数过多：一次最多导入 {MAX_ROWS} 行。")
    for offset, row in enumerate(data_rows):
        excel_row = header_index + 2 + offset

        def cell(key, row=row):
            i = columns.get(key)
            return row[i] if i is not None and i < len(row) else None

        values = {k: _cell_text(cell(k)) for k in ("problem", "measures", "units", "persons")}
        raw_deadline = cell("deadline")
        own = typed[header_index + 1 + offset]
        if not any(_cell_text(own[i]) for k, i in columns.items() if k != "ref" and i < len(own)):
            continue  # a blank row (or one with only its 序号, or only a merged cell's spill) between items
        row_errors = []
        if not values["problem"]:
            row_errors.append("反馈问题为空")
        units = split_names(values["units"])
        persons = split_names(values["persons"])
        if not units:
            row_errors.append("责任单位为空")
        elif len("、".join(units)) > 300:
            row_errors.append("责任单位过长（不超过 300 字）")
        if len("、".join(persons)) > 200:
            row_errors.append("责任人过长（不超过 200 字）")
        deadline = None
        try:
            deadline = parse_deadline(raw_deadline, year=year)
        except ValidationError as error:
            row_errors.append(error.messages[0].rstrip("。"))
        if row_errors:
            errors.append(f"第 {excel_row} 行：{'；'.join(row_errors)}。")
            continue
        parsed.append({
            "row": excel_row,
            "ref": _cell_text(cell("ref"))[:20],
            "problem": values["problem"],
            "measures": values["measures"],
            "units": units,
            "persons": persons,
            "deadline": deadline,
        })
    if errors:
        raise ValidationError(errors)
    if not parsed:
        raise ValidationError("文件中没有整改事项：表头下方各行均为空。")
    return parsed
