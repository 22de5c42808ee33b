"""Spreadsheets are refused before they cost memory (issue 13: an 82,000-row sheet was
parsed whole, 7.6 s and +230 MB, before the 1,000-row limit refused it; a 1.6 KB merged
range cost 380 MB). Rows, columns and merged ranges are counted from the file's XML
(etown.sheets.check_xlsx) before openpyxl loads it."""
import io
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from etown.sheets import check_xlsx
from supervision.services import rectification_import
from supervision.services.rectification_import import MAX_ROWS, TEMPLATE_HEADERS, read_feedback_rows


def sheet(rows, merge=None):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("反馈问题清单")
    ws.append(TEMPLATE_HEADERS)
    for i in range(rows):
        ws.append([i + 1, f"问题{i}", "措施", "县商务局", "张三", "2026年12月31日"])
    out = io.BytesIO()
    wb.save(out)
    if merge is None:
        out.seek(0)
        return out
    # Add a <mergeCells> element to the sheet's XML, as a hand-made file would carry it.
    source, patched = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell ref="{merge}"/></mergeCells>'.encode())
            target.writestr(info, data)
    patched.seek(0)
    return patched


@pytest.fixture
def no_openpyxl_load(monkeypatch):
    import openpyxl

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl must not load a sheet over the limits")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_it_refuses_too_many_rows_before_loading_the_sheet(no_openpyxl_load):
    big = sheet(MAX_ROWS + 100)
    tracemalloc.start()
    with pytest.raises(ValidationError, match="行数过多"):
        read_feedback_rows(big)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 5 * 1024 * 1024


def test_it_refuses_a_huge_merged_range_before_loading_the_sheet(no_openpyxl_load):
    tracemalloc.start()
    with pytest.raises(ValidationError, match="合并单元格范围过大"):
        read_feedback_rows(sheet(3, merge="A2:Z1048576"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 5 * 1024 * 1024


def test_it_still_reads_a_sheet_within_the_limits_with_a_small_merge():
    rows = read_feedback_rows(sheet(MAX_ROWS - 20, merge="D2:D3"))
    assert len(rows) == MAX_ROWS - 20 and rows[1]["units"] == ["县商务局"]


def test_it_refuses_a_sheet_that_is_not_a_zip():
    with pytest.raises(ValidationError, match="无法读取"):
        check_xlsx(io.BytesIO(b"not a spreadsheet"), max_rows=10)


def test_it_refuses_a_declared_dimension_over_the_limit(no_openpyxl_load):
    out = sheet(2)
    source, patched = zipfile.ZipFile(out), io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData", b'<dimension ref="A1:F82000"/><sheetData', 1)
            target.writestr(info, data)
    patched.seek(0)
    with pytest.raises(ValidationError, match="行数过多"):
        rectification_import.read_feedback_rows(patched)
