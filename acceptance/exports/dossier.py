"""The project dossier's files (项目档案, 004 附件2 第十八条; 002 第八条): the ZIP of every
document of an e-town with its catalogue workbook (档案目录), for auditors and for filing
with the city and the province, and the workbooks this app adds to it (the e-town's
registry data, the evaluation and acceptance summary).

An .xlsx and a .zip are both written at close, so the ZIP is written to a file (see
acceptance.services.dossier), never streamed from memory.
"""
import datetime
import hashlib
import io
import os
import re
import tempfile
import uuid
import zipfile

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from etown.spreadsheets import CENTER, COUNT_FORMAT, DATE_FORMAT, HEADER_FONT, Col, OfficeSheet, cell, date, print_setup
from etown.uploads import file_open

from ..models import AcceptanceApplication, AcceptanceReview, Evaluation

CATALOGUE_NAME = "档案目录.xlsx"
CATALOGUE_HEADER = ["序号", "类别", "文件名称", "档案文件", "日期", "来源", "大小（字节）", "SHA-256"]
# Folders in the order a filing clerk reads them; unknown categories follow, by name.
CATEGORY_ORDER = ["项目登记", "合同", "月报", "检查", "整改", "督办函", "资金", "资产", "评价", "验收", "公示", "其他附件"]
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _safe(name):
    name = _UNSAFE.sub("_", name).strip(" .") or "文件"
    return name[-120:]


def _ordered(items):
    rank = {c: n for n, c in enumerate(CATEGORY_ORDER)}
    categories = sorted({i.category for i in items}, key=lambda c: (rank.get(c, len(rank)), c))
    return categories, sorted(items, key=lambda i: (categories.index(i.category), str(i.date or ""), i.title))


def write_dossier(etown, items, target, *, generated_by=None, contract=None):
    """Write the ZIP to ``target`` (a path); returns the catalogue rows written."""
    categories, items = _ordered(items)
    rows = []
    used = set()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        counters = {}
        for item in items:
            folder = f"{categories.index(item.category) + 1:02d}-{_safe(item.category)}"
            counters[folder] = counters.get(folder, 0) + 1
            arcname = f"{folder}/{counters[folder]:03d}-{_safe(item.filename)}"
            while arcname in used:  # two files of the same name in one folder
                arcname = arcname.replace("/", f"/{uuid.uuid4().hex[:4]}-", 1)
            used.add(arcname)
            digest = hashlib.sha256()
            if item.stored_file is not None:
                # Wherever the upload is kept: MEDIA_ROOT or object storage (issue 16).
                with file_open(item.stored_file) as src, archive.open(arcname, "w", force_zip64=True) as dst:
                    for chunk in iter(lambda: src.read(1 << 20), b""):
                        digest.update(chunk)
                        dst.write(chunk)
                size = item.stored_file.size
            else:
                data = item.content()
                digest.update(data)
                archive.writestr(arcname, data)
                size = len(data)
            rows.append([len(rows) + 1, item.category, item.title, arcname, item.date, item.source, size, digest.hexdigest()])
        with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as tmp:
            catalogue_path = tmp.name
        try:
            _write_catalogue(catalogue_path, etown, rows, generated_by, contract)
            archive.write(catalogue_path, CATALOGUE_NAME)
        finally:
            os.unlink(catalogue_path)
    return rows


CATALOGUE_COLUMNS = [
    Col("序号", 6), Col("类别", 10), Col("文件名称", 36, wrap=True), Col("档案文件", 40, wrap=True), date("日期"),
    Col("来源", 18, wrap=True), Col("大小（字节）", 12, COUNT_FORMAT), Col("SHA-256", 22, wrap=True),
]


def local_day(value):
    """A catalogue date in the county's time (issue 15: the dossier listed UTC dates):
    an aware datetime becomes the local calendar day."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def _write_catalogue(path, etown, rows, generated_by, contract=None):
    wb = Workbook(write_only=True)
    who = (generated_by.get_full_name() or generated_by.username) if generated_by else "系统"
    scope = f"（{contract.number} {contract.contractor.name}）" if contract is not None else ""
    sheet = OfficeSheet(wb, "档案目录", CATALOGUE_COLUMNS, title=f"{etown.name}项目档案目录{scope}",
                        unit=etown.county.name, note=f"生成人：{who}　共 {len(rows)} 个文件")
    for row in rows:
        cells = list(row)
        cells[4] = local_day(cells[4])
        sheet.row(cells[1:])
    sheet.finish()
    wb.save(path)


# Workbooks of this app's dossier sources (acceptance.selectors.dossier) ---------------


def _sheet(wb, title, header, rows):
    """A sheet of the dossier's summary workbooks: bordered, printed landscape fit to
    width with the header repeated, and no text that could run as a formula
    (etown.spreadsheets; issues 14 item 4 and 15)."""
    ws = wb.create_sheet(title)
    ws.append([cell(ws, h, font=HEADER_FONT, alignment=CENTER) for h in header])
    for row in rows:
        ws.append([cell(ws, local_day(v), number_format=DATE_FORMAT if isinstance(v, datetime.date) else None)
                   for v in row])
    for index, text in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(str(text)) * 2 + 4))
    print_setup(ws, title_rows="1:1")
    return ws


def _save(wb):
    del wb["Sheet"]
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def registry_workbook(etown):
    wb = Workbook()
    _sheet(wb, "项目", ["项目名称", "区县", "类型", "主导产业", "计划总投资（元）", "所处阶段", "状态", "四至范围"], [[
        etown.name, etown.county.name, etown.get_kind_display(), etown.leading_industries, etown.planned_investment,
        etown.get_phase_display(), etown.get_status_display(), etown.boundary,
    ]])
    _sheet(wb, "合同", ["合同编号", "合同名称", "承办企业", "合同金额（元）", "签订日期", "预付比例（%）", "尾款比例（%）",
                        "履约开始", "履约截止", "状态", "终验通过日期"], [
        [c.number, c.title, c.contractor.name, c.amount, c.signed_on, c.prepayment_ratio, c.retention_ratio,
         c.term_start, c.term_end, c.get_status_display(), c.final_acceptance_passed_on]
        for c in etown.contracts.select_related("contractor")
    ])
    _sheet(wb, "建设任务", ["类别", "建设内容", "具体要求", "预算（元）", "计划完成", "进度（%）"], [
        [t.get_category_display(), t.title, t.description, t.budget, t.planned_completion, t.progress]
        for t in etown.tasks.all()
    ])
    _sheet(wb, "绩效目标", ["指标", "比较", "目标值", "单位", "周期", "最新实际值", "截至"], [
        [i.name, i.comparator_symbol, i.target, i.unit, i.get_period_display(), i.actual, i.actual_as_of]
        for i in etown.indicators.all()
    ])
    return _save(wb)


def acceptance_workbook(etown):
    wb = Workbook()
    _sheet(wb, "中期绩效评价", ["评价日期", "评价主体", "评价单位", "得分", "结果", "评价意见", "处理决定"], [
        [e.evaluated_on, e.get_evaluator_kind_display(), e.evaluator_name, e.score, e.get_result_display(), e.summary,
         e.decision_text()]
        for e in Evaluation.objects.filter(etown=etown).order_by("evaluated_on", "pk")
    ])
    _sheet(wb, "验收申请", ["验收类型", "阶段", "受理日期", "验收期限", "首次结论日期", "状态", "办结日期", "报备"], [
        [a.get_kind_display(), a.stage_name, a.received_on, a.due_on, a.concluded_on, a.get_status_display(),
         a.closed_on, f"{a.filed_on or ''} {a.filed_to}".strip()]
        for a in AcceptanceApplication.objects.filter(etown=etown).order_by("received_on", "pk")
    ])
    reviews = AcceptanceReview.objects.filter(etown=etown).select_related("application", "lead_unit").prefetch_related(
        "checklist"
    )
    _sheet(wb, "验收检查", ["验收", "验收日期", "牵头单位", "结论", "检查内容", "标准", "核实数值", "单位", "判定", "说明"], [
        [str(r), r.reviewed_on, r.lead_unit.name, r.get_conclusion_display(), i.label, i.requirement, i.figure, i.unit,
         i.get_judgement_display(), i.remark]
        for r in reviews.order_by("application__received_on", "round") for i in r.checklist.all()
    ])
    return _save(wb)
