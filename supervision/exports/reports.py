"""The monthly data workbook for the departments (高平 000 §5(2): 按月将有关数据报送至发改、
工信、商务、科技部门; 临猗 004 §9(4): 定期统计市场主体、产值、网络零售额等数据).

One row per e-town with its month's figures (one pair of columns per target, aligned
across e-towns by ``Indicator.code``), a sheet of task progress and a sheet explaining the
figures. Written with openpyxl's write-only mode, e-towns read in chunks, so memory stays
flat in the number of rows (DESIGN.md, pitfalls); the file is built in a temporary file
and handed back whole (an .xlsx is a zip written at ``save()``).
"""
import tempfile
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from etown.models import LIVE_CONTRACTS, Contract, Indicator, Task
from etown.permissions import visible_etowns
from etown.spreadsheets import OfficeSheet, cell, issuing_unit, print_setup
from etown.workdays import WorkCalendar

from ..models import MonthlyReport, MonthlyReportIndicatorLine, MonthlyReportTaskLine
from ..models.reports import last_day_of_month
from ..selectors.reports import RATE_UNITS, due_date_for, with_reporting_start

CHUNK = 200
# The order of the departments' columns: the figures 004 §9(4) and 000 §5(2) name first.
CODE_ORDER = [
    "new_entities", "output_value", "online_retail", "online_retail_growth", "total_investment", "employment",
    "training", "cross_border_training", "leading_firms", "small_brands", "online_products", "experts",
    "business_leaders", "influencers", "finance_outlets", "telecom_outlets", "research_institutes", "tax",
]
COUNT_UNITS = {"个", "人", "人次", "家", "款", "次", "项", "所", "处", "家次", "场", "期"}
MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
RATE_FORMAT = '0.00"%"'
DATE_FORMAT = "yyyy-mm-dd"

HEADER_FONT = Font(name="宋体", bold=True, size=11)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
THIN = Side(style="thin", color="999999")
HEADER_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    number_format: str | None = None
    wrap: bool = False
    total: bool = False  # summed in the 合计 row


@dataclass(frozen=True)
class IndicatorColumn:
    key: str  # the code, or the name when the target has no code
    unit: str
    name: str

    @property
    def number_format(self):
        if self.unit.strip() in RATE_UNITS:
            return RATE_FORMAT
        return COUNT_FORMAT if self.unit.strip() in COUNT_UNITS else MONEY_FORMAT


def display_width(text):
    """Excel column width for ``text``: a CJK character takes about two Latin widths."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))


def _header_row(ws, columns):
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    cells = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, HEADER_ALIGN, HEADER_BORDER
        cells.append(cell)
    ws.row_dimensions[1].height = 36
    ws.append(cells)


def _row(ws, columns, values):
    """A bordered row whose texts cannot become formulas (etown.spreadsheets)."""
    ws.append([cell(ws, value, number_format=column.number_format, wrap=column.wrap) for column, value in zip(columns, values)])


def _column(header, *, min_width=8, max_width=40, number_format=None, total=False):
    return Column(header, min(max(display_width(header) + 2, min_width), max_width), number_format, total=total)


def _etowns(user, month, county=None):
    """The e-towns in the workbook: those owing the month's report, and any that filed one."""
    end = last_day_of_month(month)
    has_report = MonthlyReport.objects.filter(etown=OuterRef("pk"), period=month)
    contractor = (
        Contract.objects.filter(etown=OuterRef("pk"), status__in=LIVE_CONTRACTS)
        .order_by("signed_on", "pk")
        .values("contractor__name")[:1]
    )
    qs = with_reporting_start(visible_etowns(user))
    if county is not None:
        qs = qs.filter(county=county)
    return (
        qs.filter(Q(reporting_start__lte=end, live_contract__isnull=False) | Exists(has_report))
        .select_related("county")
        .annotate(contractor_name=Subquery(contractor))
        .order_by("county__name", "name", "pk")
    )


def _indicator_columns(etowns):
    rows = (
        Indicator.objects.filter(etown__in=etowns.values("pk"))
        .order_by()
        .values_list("code", "name", "unit")
        .distinct()
    )
    columns = {}
    for code, name, unit in rows:
        key = code or name
        columns.setdefault((key, unit), IndicatorColumn(key, unit, name))
    rank = {code: i for i, code in enumerate(CODE_ORDER)}
    return sorted(columns.values(), key=lambda c: (rank.get(c.key, len(rank)), c.name, c.unit))


def _chunks(qs):
    """The e-towns in chunks of CHUNK, in the queryset's order: the ordered ids first (one
    small query), then each chunk by primary key, so no chunk re-sorts or skips the whole
    table (OFFSET) and memory holds one chunk of rows at a time."""
    ids = list(qs.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk_ids = ids[start:start + CHUNK]
        rows = {e.pk: e for e in qs.order_by().filter(pk__in=chunk_ids)}
        yield [rows[pk] for pk in chunk_ids]


def _slots(chunk, month):
    """(e-town, contractor name, report or None) for each row of a chunk: one row per live
    contract that owes the month's report (each contractor of an e-town files its own,
    issue 11), plus any report filed under another contract; one row for an e-town with
    neither. Two queries per chunk."""
    ids = [e.pk for e in chunk]
    end = last_day_of_month(month)
    contracts = {}
    for c in (
        Contract.objects.filter(etown_id__in=ids, status__in=LIVE_CONTRACTS).select_related("contractor")
        .annotate(start=Coalesce("term_start", "signed_on")).filter(start__lte=end).order_by("signed_on", "pk")
    ):
        contracts.setdefault(c.etown_id, []).append(c)
    reports = {}
    for r in MonthlyReport.objects.filter(etown_id__in=ids, period=month).select_related("contract__contractor"):
        reports[(r.etown_id, r.contract_id)] = r
    slots = []
    for etown in chunk:
        rows, used = [], set()
        for c in contracts.get(etown.pk, []):
            report = reports.get((etown.pk, c.pk)) or reports.get((etown.pk, None))
            used.add(report.pk if report else None)
            rows.append((etown, c.contractor.name, report, c.pk))
        for (etown_id, contract_id), report in reports.items():
            if etown_id == etown.pk and report.pk not in used:
                name = report.contract.contractor.name if report.contract_id else (etown.contractor_name or "")
                rows.append((etown, name, report, report.contract_id))
        slots.extend(rows or [(etown, etown.contractor_name or "", None, None)])
    return slots


def _status_label(report, include_pending):
    if report is None:
        return "未报送"
    if report.status == MonthlyReport.Status.ACCEPTED:
        return "已审核"
    if report.status in MonthlyReport.WAITING:
        return "待审核（数据已列入）" if include_pending else "待审核（数据未列入）"
    if report.status == MonthlyReport.Status.RETURNED:
        return "已退回修改"
    return "草稿未报送"


def _late_label(report, etown, due, today):
    """是否逾期 judged by the due date (issue 15: a report not yet due said 是): a filed
    report by its first submission, a missing one only once its county's due date passed."""
    if report is not None and report.first_submitted_on is not None:
        return "是" if report.first_submitted_on > report.due_date else "否"
    if report is None and not etown.reporting_start:
        return "—"
    due = report.due_date if report is not None else due
    return "是" if today > due else "否（未到期）"


def _funds(totals, etown, contract_id):
    """The cumulative special funds of the row's contract, with those of reports filed
    with no contract (before issue 11) counted for the e-town."""
    own, legacy = totals.get((etown.pk, contract_id)), totals.get((etown.pk, None)) if contract_id else None
    if own is None and legacy is None:
        return None
    return (own or 0) + (legacy or 0)


def _usable(report, include_pending):
    if report is None:
        return False
    return report.status == MonthlyReport.Status.ACCEPTED or (include_pending and report.status in MonthlyReport.WAITING)


def write_monthly_workbook(out, *, user, month, county=None, include_pending=False, today=None):
    """Write the month's workbook to ``out`` (a path or a binary file). Returns the number
    of e-towns written."""
    today = today or timezone.localdate()
    wb = Workbook(write_only=True)
    etowns = _etowns(user, month, county)
    ind_columns = _indicator_columns(etowns)
    label = f"{month.year}年{month.month}月"

    # Sheet 1: one row per e-town ---------------------------------------------------
    unit = issuing_unit(user)
    calendar = WorkCalendar()
    fixed = [
        _column("序号", min_width=6), _column("区县", min_width=10), Column("e镇项目", 34),
        _column("项目类型", min_width=12), Column("承办企业", 30), _column("月报状态", min_width=16),
        _column("报送日期", min_width=12, number_format=DATE_FORMAT), _column("是否逾期", min_width=10),
        _column("本月专项资金使用（元）", number_format=MONEY_FORMAT, total=True),
        _column("累计专项资金使用（元）", number_format=MONEY_FORMAT, total=True),
    ]
    value_columns = []
    for column in ind_columns:
        suffix = f"（{column.unit}）" if column.unit else ""
        value_columns.append(_column(f"{column.name}{suffix}\n本月", min_width=12, number_format=column.number_format))
        value_columns.append(_column(f"{column.name}{suffix}\n累计", min_width=12, number_format=column.number_format))
    columns = fixed + value_columns
    sheet = OfficeSheet(wb, "各镇月度数据", columns, title=f"乡村e镇月度数据报表（{label}）", unit=unit, period=label,
                        freeze="D4", header_height=36)
    col_index = {(c.key, c.unit): i for i, c in enumerate(ind_columns)}
    statuses = ([MonthlyReport.Status.ACCEPTED] + (list(MonthlyReport.WAITING) if include_pending else []))
    due_by_county = {}
    for chunk in _chunks(etowns):
        ids = [e.pk for e in chunk]
        slots = _slots(chunk, month)
        usable_ids = [r.pk for _, _, r, _ in slots if _usable(r, include_pending)]
        values = {}
        for report_id, code, name, unit, month_value, cumulative in MonthlyReportIndicatorLine.objects.filter(
            report_id__in=usable_ids
        ).values_list(
            "report_id", "indicator__code", "indicator__name", "indicator__unit", "month_value", "cumulative_value",
        ):
            values[(report_id, col_index.get((code or name, unit)))] = (month_value, cumulative)
        cumulative_funds = {
            (etown_id, contract_id): total for etown_id, contract_id, total in
            MonthlyReport.objects.filter(etown_id__in=ids, period__lte=month, status__in=statuses)
            .order_by()
            .values("etown_id", "contract_id")
            .annotate(total=Sum("fund_use"))
            .values_list("etown_id", "contract_id", "total")
        }
        for etown, contractor_name, report, contract_id in slots:
            usable = _usable(report, include_pending)
            if etown.county_id not in due_by_county:
                due_by_county[etown.county_id] = due_date_for(etown.county, month, calendar=calendar)
            row = [
                etown.county.name, etown.name, etown.get_kind_display(), contractor_name,
                _status_label(report, include_pending),
                report.first_submitted_on if report and report.first_submitted_on else None,
                _late_label(report, etown, due_by_county[etown.county_id], today),
                report.fund_use if usable else None,
                _funds(cumulative_funds, etown, contract_id),
            ]
            for i in range(len(ind_columns)):
                month_value, cumulative = values.get((report.pk, i), (None, None)) if usable else (None, None)
                row.extend([month_value, cumulative])
            sheet.row(row)
    written = sheet.finish()

    # Sheet 2: task progress --------------------------------------------------------
    task_columns = [
        _column("序号", min_width=6), _column("区县", min_width=10), Column("e镇项目", 34),
        _column("任务类别", min_width=14), Column("建设内容", 46, wrap=True),
        _column("预算（元）", min_width=16, number_format=MONEY_FORMAT, total=True),
        _column("计划完成日期", number_format=DATE_FORMAT), _column("本月进度（%）", number_format=COUNT_FORMAT),
        Column("进展说明", 46, wrap=True), _column("月报状态", min_width=16),
    ]
    tasks_sheet = OfficeSheet(wb, "建设任务进度", task_columns, title=f"乡村e镇建设任务进度（{label}）", unit=unit,
                              period=label, freeze="D4")
    for chunk in _chunks(etowns):
        by_id = {e.pk: e for e in chunk}
        slots = {}
        for etown, contractor_name, report, _ in _slots(chunk, month):
            slots.setdefault(etown.pk, []).append((contractor_name, report))
        usable_ids = [r.pk for rows in slots.values() for _, r in rows if _usable(r, include_pending)]
        lines = {
            (report_id, task_id): (progress, note)
            for report_id, task_id, progress, note in MonthlyReportTaskLine.objects.filter(
                report_id__in=usable_ids
            ).values_list("report_id", "task_id", "progress", "note")
        }
        tasks = Task.objects.filter(etown_id__in=by_id).only(
            "pk", "etown_id", "category", "title", "budget", "planned_completion", "position",
        )
        rank = {pk: i for i, pk in enumerate(by_id)}
        ordered = sorted(tasks, key=lambda t: (rank[t.etown_id], t.position, t.pk))
        for task in ordered:
            etown = by_id[task.etown_id]
            # Each contractor's report of the task, one row each (issue 11); one row when
            # the e-town has one contractor, as before.
            for contractor_name, report in slots.get(etown.pk, [("", None)]):
                usable = report is not None and _usable(report, include_pending)
                progress, note = lines.get((report.pk, task.pk), (None, "")) if usable else (None, "")
                name = etown.name if len(slots.get(etown.pk, ())) < 2 else f"{etown.name}（{contractor_name}）"
                tasks_sheet.row([
                    etown.county.name, name, task.get_category_display(), task.title, task.budget,
                    task.planned_completion, progress, note, _status_label(report, include_pending),
                ])
    tasks_sheet.finish()

    # Sheet 3: what the figures mean ------------------------------------------------
    note_columns = [Column("项目", 16), Column("内容", 90, wrap=True)]
    notes = OfficeSheet(wb, "说明", note_columns, title=f"乡村e镇月度数据报表说明（{label}）", unit=unit, period=label,
                        landscape=False)
    generated = timezone.localtime()
    for key, value in [
        ("报表月份", label),
        ("生成时间", generated.strftime("%Y-%m-%d %H:%M")),
        ("生成人", user.get_full_name() or user.get_username()),
        ("项目数", written),
        ("数据口径", "以领导小组办公室审核通过的承办企业月度报告为准" + ("；待审核月报的数据已一并列入，并在“月报状态”列注明。" if include_pending else "。")),
        ("本月 / 累计", "年度目标的“累计”为本年 1 月至本月累计；累计目标的“累计”为项目实施以来累计。"),
        ("是否逾期", "按各区县月报报送期限判断：已报送的看首次报送日期是否晚于期限；未报送的，期限未到为“否（未到期）”，期限已过为“是”。"),
        ("金额单位", "专项资金为元；指标金额的单位见各列标题（如 万元）。"),
        ("依据", "高平市乡村e镇日常监管方案 五(二)：按月将有关数据报送至市发改、工信、商务、科技部门；"
                 "临猗新城涑水e镇实施方案 九(四)：定期统计市场主体、产值、网络零售额等数据。"),
    ]:
        notes.row([key, value])
    notes.finish()
    wb.save(out)
    return written


def monthly_workbook_file(**kwargs):
    """The workbook in an anonymous temporary file, rewound, for a FileResponse (which
    closes, and so deletes, it when sent)."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    write_monthly_workbook(handle, **kwargs)
    handle.seek(0)
    return handle


def workbook_filename(month, county=None):
    scope = county.name if county is not None else "全部区县"
    return f"乡村e镇月度数据报表_{scope}_{month.year}年{month.month:02d}月.xlsx"



def single_report_workbook(report):
    """One report as a small workbook (bytes), for the e-town's dossier: the written
    material the contractor files every month (通城 001 §1(2): 形成书面材料)."""
    import io

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("月度报告")
    columns = [Column("项目", 24), Column("内容", 70), Column("本月值 / 进度（%）", 16), Column("累计值", 14),
               Column("说明", 40)]
    _header_row(ws, columns)
    print_setup(ws)
    rows = [
        ("e镇项目", report.etown.name), ("报告月份", report.period_label), ("状态", report.get_status_display()),
        ("报送期限", f"{report.due_date:%Y-%m-%d}"),
        ("首次报送", f"{report.first_submitted_on:%Y-%m-%d}" if report.first_submitted_on else "—"),
        ("本月工作总结", report.work_summary), ("本月专项资金使用（元）", report.fund_use),
        ("下月工作计划", report.next_plan), ("审核意见", report.review_note),
    ]
    for key, value in rows:
        _row(ws, columns, [key, value])
    for line in report.task_lines.select_related("task"):
        _row(ws, columns, [f"任务：{line.task.get_category_display()}", line.task.title,
                           line.progress, None, line.note])
    for line in report.indicator_lines.select_related("indicator"):
        _row(ws, columns, [f"指标（{line.unit}）", line.indicator.name, line.month_value, line.cumulative_value, line.note])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
