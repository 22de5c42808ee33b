"""The dossier's workbooks (档案目录 and the registry/acceptance summaries): formula-like
texts stay text (issue 14 item 4), dates in the county's time, and LibreOffice opens and
prints them on a sensible number of pages (issue 15)."""
import datetime
import io
import zipfile
from dataclasses import dataclass

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from acceptance.exports.dossier import CATALOGUE_NAME, registry_workbook, write_dossier
from etown.models import ETown
from tests.spreadsheets import formula_cells, print_workbook

pytestmark = pytest.mark.django_db


@dataclass
class Item:
    category: str
    title: str
    filename: str
    date: object
    source: str = "测试"
    stored_file: object = None

    def content(self):
        return b"%PDF-1.4 test"


def test_it_keeps_formula_like_registry_texts_as_text_and_prints(demo, tmp_path):
    ETown.objects.filter(pk=demo.etown.pk).update(leading_industries='=HYPERLINK("http://x.example","点击")')
    demo.etown.refresh_from_db()
    content = registry_workbook(demo.etown)
    assert formula_cells(content) == []
    ws = load_workbook(io.BytesIO(content))["项目"]
    assert ws["D2"].value.startswith("=HYPERLINK") and ws["D2"].data_type == "s"
    assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "landscape"
    pages, text = print_workbook(content, tmp_path)
    assert 1 <= pages <= 8 and "HYPERLINK" in text


def test_it_lists_catalogue_dates_in_the_county_time_and_escapes_titles(demo, tmp_path):
    # 2026-10-31 20:30 UTC is already 1 November in Beijing
    late_evening = datetime.datetime(2026, 10, 31, 20, 30, tzinfo=datetime.timezone.utc)
    items = [Item("月报", "=cmd|' /C calc'!A0", "a.pdf", late_evening), Item("合同", "合同文本", "b.pdf", datetime.date(2026, 7, 1))]
    target = tmp_path / "dossier.zip"
    with timezone.override("Asia/Shanghai"):
        write_dossier(demo.etown, items, target, generated_by=demo.office)
    with zipfile.ZipFile(target) as archive:
        content = archive.read(CATALOGUE_NAME)
    assert formula_cells(content) == []
    ws = load_workbook(io.BytesIO(content)).active
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows] == [1, 2]
    month_report = next(r for r in rows if r[1] == "月报")
    assert month_report[4].date() == datetime.date(2026, 11, 1)
    assert ws["A1"].value == f"{demo.etown.name}项目档案目录"
    pages, _ = print_workbook(content, tmp_path)
    assert pages == 1
