"""Refusing a spreadsheet before it costs memory (issue 13).

openpyxl builds every cell of a sheet, and a cell object for every cell of every merged
range, before the caller can count rows: a 1.9 MiB sheet of 82,000 rows took 7.6 s and
230 MB, and a 1.6 KB merged range 380 MB. ``check_xlsx`` reads the .xlsx's XML instead:
the first sheet's ``<dimension>``, its ``<row>`` elements as they stream by (stopping at
the limit) and its ``<mergeCell>`` ranges, with a zip-bomb check on the sheet's
uncompressed size, in memory that does not grow with the file. Only a sheet that passes
is given to openpyxl.
"""
import posixpath
import zipfile
from xml.etree.ElementTree import iterparse

from django.core.exceptions import ValidationError

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
UNREADABLE = "无法读取该文件：请上传 Excel（.xlsx）格式的文件。"


def _bounds(ref):
    """'A1:F82000' → (rows, cols) spanned; None when unreadable."""
    from openpyxl.utils.cell import range_boundaries

    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref.upper())
    except (ValueError, TypeError):
        return None
    if None in (min_col, min_row, max_col, max_row):
        return None
    return max_row - min_row + 1, max_col - min_col + 1


def first_sheet_name(archive):
    """The zip member of the workbook's first sheet (the one openpyxl's
    ``worksheets[0]`` is)."""
    rid = None
    with archive.open("xl/workbook.xml") as handle:
        for _, elem in iterparse(handle):
            if elem.tag == f"{NS_MAIN}sheet":
                rid = elem.get(f"{NS_REL}id")
                break
    if rid is None:
        raise ValidationError(UNREADABLE)
    with archive.open("xl/_rels/workbook.xml.rels") as handle:
        for _, elem in iterparse(handle):
            if elem.tag == f"{NS_PKG_REL}Relationship" and elem.get("Id") == rid:
                target = elem.get("Target", "")
                return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    raise ValidationError(UNREADABLE)


def check_xlsx(fileobj, *, max_rows, max_cols=100, max_merged_cells=None, max_sheet_bytes=64 * 1024 * 1024,
               what="表格"):
    """Raise ValidationError (Chinese) when the first sheet of ``fileobj`` is bigger than
    the limits; return (rows, cols) seen. Leaves ``fileobj`` rewound."""
    max_merged_cells = max_merged_cells if max_merged_cells is not None else max_rows * max_cols
    too_many_rows = f"行数过多：{what}一次最多 {max_rows} 行（含表头）。"
    fileobj.seek(0)
    try:
        archive = zipfile.ZipFile(fileobj)
        name = first_sheet_name(archive)
        info = archive.getinfo(name)
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError):
        raise ValidationError(UNREADABLE)
    if info.file_size > max_sheet_bytes:
        raise ValidationError(f"{what}内容过大（解压后 {info.file_size / 1048576:.0f} MB），请删去多余的行列后重试。")
    rows = cols = merged = 0
    try:
        with archive.open(info) as handle:
            for event, elem in iterparse(handle, events=("start", "end")):
                tag = elem.tag
                if event == "start":
                    if tag == f"{NS_MAIN}dimension":
                        span = _bounds(elem.get("ref", ""))
                        if span and span[0] > max_rows:
                            raise ValidationError(too_many_rows)
                        if span and span[1] > max_cols:
                            raise ValidationError(f"列数过多：{what}最多 {max_cols} 列。")
                    elif tag == f"{NS_MAIN}row":
                        rows += 1
                        if rows > max_rows:
                            raise ValidationError(too_many_rows)
                    elif tag == f"{NS_MAIN}mergeCell":
                        span = _bounds(elem.get("ref", ""))
                        if span:
                            merged += span[0] * span[1]
                            cols = max(cols, span[1])
                            if merged > max_merged_cells or span[0] > max_rows or span[1] > max_cols:
                                raise ValidationError(
                                    f"合并单元格范围过大：{what}中合并的单元格合计不超过 {max_merged_cells} 个，"
                                    "请取消整行整列的合并后重试。"
                                )
                elif tag in (f"{NS_MAIN}row", f"{NS_MAIN}mergeCell"):
                    elem.clear()  # keep memory flat: nothing of a row is kept
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - malformed XML inside the zip
        raise ValidationError(UNREADABLE)
    finally:
        fileobj.seek(0)
    return rows, cols
