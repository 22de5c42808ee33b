"""Test helpers for workbooks: print one through LibreOffice and read it back.

``print_workbook(content, tmp_path)`` converts the .xlsx bytes to PDF with
``soffice --headless --convert-to pdf`` (scripts/setup.sh --test installs
libreoffice-calc-nogui) and returns ``(pages, text)``: the PDF's page count and its text
(pdftotext -layout). Outside CI a machine without LibreOffice skips the test with the
reason; in CI (``CI`` set) a missing LibreOffice fails it.
"""
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook


def soffice():
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        message = "LibreOffice (soffice) is not installed: scripts/setup.sh --test installs libreoffice-calc-nogui"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def print_workbook(content, tmp_path, name="export"):
    """Convert the workbook to PDF as a county office's LibreOffice would print it."""
    folder = Path(tmp_path) / f"soffice-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"{name}.xlsx"
    source.write_bytes(content)
    profile = folder / "profile"  # a profile of its own: parallel runs don't share a lock
    result = subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(folder), str(source)],
        capture_output=True, text=True, timeout=180,
    )
    pdf = folder / f"{name}.pdf"
    assert pdf.exists(), f"LibreOffice could not open/convert the workbook: {result.stdout} {result.stderr}"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return pages, text


def formula_cells(content):
    """Every cell of every sheet that a spreadsheet would evaluate as a formula."""
    found = []
    workbook = load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found.append(f"{sheet.title}!{cell.coordinate}={cell.value}")
    return found
