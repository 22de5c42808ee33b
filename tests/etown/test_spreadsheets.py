"""etown.spreadsheets, the one workbook helper: formula-like texts stay text (issue 14
item 4) and sheets are laid out for a county office (issue 15): title, issuing unit,
borders, money formats, 合计, 序号 1..n, landscape print fit to width with the header
repeated; LibreOffice opens and prints them."""
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from etown.spreadsheets import Col, OfficeSheet, csv_value, date, is_formula_like, money, safe_value
from tests.spreadsheets import formula_cells, print_workbook

DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")']


@pytest.mark.parametrize("text", DANGEROUS)
def test_it_escapes_every_formula_prefix(text):
    assert is_formula_like(text)
    assert csv_value(text) == "'" + text
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    ws.append([safe_value(ws, text), safe_value(ws, 5), safe_value(ws, "普通文本")])
    out = io.BytesIO()
    wb.save(out)
    assert formula_cells(out.getvalue()) == []
    cell = load_workbook(io.BytesIO(out.getvalue())).active["A1"]
    assert cell.data_type == "s" and cell.quotePrefix


def test_it_leaves_numbers_and_plain_text_alone():
    assert csv_value(-5) == -5 and csv_value("普通") == "普通" and csv_value("a=b") == "a=b"
    assert not is_formula_like(None) and not is_formula_like(Decimal("-1"))


def _office_workbook(rows):
    wb = Workbook(write_only=True)
    sheet = OfficeSheet(wb, "台账", [Col("序号", 6), Col("摘要", 40, wrap=True), money("金额（元）"), date("日期")],
                        title="测试台账", unit="临猗县工业和信息化局", period="2026年10月")
    for i in range(rows):
        sheet.row([f"第{i + 1}笔支出" if i else "=cmd|' /C calc'!A0", Decimal("100.50"), datetime.date(2026, 10, 1)])
    assert sheet.finish() == rows
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_it_lays_a_sheet_out_for_a_county_office():
    content = _office_workbook(3)
    ws = load_workbook(io.BytesIO(content)).active
    values = list(ws.iter_rows(values_only=True))
    assert values[0][0] == "测试台账" and "临猗县工业和信息化局" in values[1][0] and "2026年10月" in values[1][0]
    assert values[2] == ("序号", "摘要", "金额（元）", "日期")
    assert [v[0] for v in values[3:6]] == [1, 2, 3]
    assert values[6][0] == "合计" and values[6][2] == pytest.approx(301.5)
    assert ws["C4"].number_format == "#,##0.00" and ws["D4"].number_format == "yyyy-mm-dd"
    assert ws["B5"].border.bottom.style == "thin"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$3"
    assert formula_cells(content) == []


def test_it_prints_in_libreoffice_with_the_header_on_every_page(tmp_path):
    pages, text = print_workbook(_office_workbook(120), tmp_path)
    assert 2 <= pages <= 6
    assert text.count("序号") == pages  # the header repeats on every page
    assert "=cmd|' /C calc'!A0" in text  # shown as typed, not run


def test_it_is_the_one_helper_every_workbook_and_csv_writer_uses():
    """Every module that writes a workbook or a CSV imports etown.spreadsheets (issue 14
    item 4: one helper all exports use)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    writers = []
    for app in ("etown", "supervision", "funds", "acceptance"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts or path.name == "spreadsheets.py":
                continue
            text = path.read_text(encoding="utf-8")
            if "Workbook(" in text or "csv.writer" in text:
                writers.append(path)
                assert "spreadsheets import" in text, f"{path.relative_to(root)} writes a workbook/CSV without etown.spreadsheets"
    assert len(writers) >= 5  # opendata, rectification, reports, ledger, dossier
