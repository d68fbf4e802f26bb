"""Small builders and inspectors of real workbook files for the I/O tests.

Workbooks are made the way a user gets them: ``create_workbook`` (what `kakobuy init`
writes), then cells typed in with openpyxl (what Excel would save). Anything openpyxl
cannot express (cached formula values, ``_xHHHH_`` escapes, VBA parts) is patched into
the zip afterwards with :func:`patch_zip`.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import openpyxl
from click.testing import CliRunner, Result
from lxml import etree
from openpyxl.utils import get_column_letter

from kakobuy_xl import schema
from kakobuy_xl.cli import main
from kakobuy_xl.io import sheetxml as sx
from kakobuy_xl.io.create import XLSM_MAIN, create_workbook

NOW = dt.datetime(2025, 6, 30, 12, 0)
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"


class Error(str):
    """A cell value to be stored as an Excel error (``t="e"``), e.g. ``Error('#N/A')``."""


class Text(str):
    """A cell value to be stored as text even if it starts with '=' (no formula)."""


# ------------------------------------------------------------------ building


def headers(sheet: str) -> list[str]:
    return list(schema.SHEETS[sheet].headers)


def fill_rows(wb: openpyxl.Workbook, sheet: str, rows: Sequence[Mapping[str, Any]],
              first_row: int = 2, grow_table: bool = True) -> None:
    """Type ``rows`` (header -> value) into ``sheet`` from ``first_row``; grow its table."""
    ws = wb[sheet]
    hdr = [c.value for c in ws[1]]
    for i, record in enumerate(rows):
        for header, value in record.items():
            cell = ws.cell(row=first_row + i, column=hdr.index(header) + 1)
            cell.value = value
            if isinstance(value, Error):
                cell.data_type = "e"
            elif isinstance(value, Text):
                cell.data_type = "s"
    if grow_table and rows and ws.tables:
        table = next(iter(ws.tables.values()))
        r1, c1, r2, c2 = sx.parse_ref(table.ref)
        last = max(r2, first_row + len(rows) - 1)
        set_table_ref(ws, f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{last}")


def set_table_ref(ws, ref: str) -> None:
    table = next(iter(ws.tables.values()))
    table.ref = ref
    if table.autoFilter is not None:
        table.autoFilter.ref = ref


def build_workbook(
    path: Path,
    rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    *,
    mutate: Callable[[openpyxl.Workbook], None] | None = None,
    sheets: Sequence[schema.Sheet] = schema.TABLE_SHEETS,
) -> Path:
    """A kakobuy workbook at ``path`` with ``rows`` typed into its tables."""
    path = Path(path)
    create_workbook(path, sheets=sheets)
    wb = openpyxl.load_workbook(path)
    for sheet, records in (rows or {}).items():
        fill_rows(wb, sheet, records)
    if mutate is not None:
        mutate(wb)
    wb.save(path)
    return path


def patch_zip(path: Path, edit: Mapping[str, Callable[[bytes], bytes]] | None = None,
              add: Mapping[str, bytes] | None = None, out: Path | None = None) -> Path:
    """Rewrite the package: ``edit[name](old) -> new``; ``add`` new parts at the end."""
    out = Path(out or path)
    edit = dict(edit or {})
    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info)) for info in zin.infolist()]
    fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".building")
    os.close(fd)
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename in edit:
                data = edit.pop(info.filename)(data)
            zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    assert not edit, f"parts not found: {sorted(edit)}"
    os.replace(tmp, out)
    return out


# ------------------------------------------------------------------ inspecting


def zip_parts(path: Path) -> dict[str, bytes]:
    """Every part of the package, decompressed."""
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> worksheet part name (``xl/worksheets/sheetN.xml``)."""
    with zipfile.ZipFile(path) as z:
        workbook = etree.fromstring(z.read("xl/workbook.xml"))
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    out = {}
    for s in workbook.iter(f"{{{NS_MAIN}}}sheet"):
        target = targets[s.get(f"{{{NS_REL}}}id")]
        out[s.get("name")] = (target.lstrip("/") if target.startswith("/")
                              else posixpath.normpath(posixpath.join("xl", target)))
    return out


def part_rels(parts: Mapping[str, bytes], part: str) -> list[tuple[str, str]]:
    """(type, resolved target) of each relationship of ``part``."""
    rels_name = posixpath.join(posixpath.dirname(part), "_rels",
                               posixpath.basename(part) + ".rels")
    if rels_name not in parts:
        return []
    out = []
    for r in etree.fromstring(parts[rels_name]):
        target = r.get("Target", "")
        if r.get("TargetMode") != "External":
            target = (target.lstrip("/") if target.startswith("/") else
                      posixpath.normpath(posixpath.join(posixpath.dirname(part), target)))
        out.append((r.get("Type", ""), target))
    return out


def raw_cells(xml: bytes) -> dict[str, bytes]:
    """Cell reference -> the raw bytes of its ``<c>`` element, for every cell of a sheet."""
    start, end, prefix, closed = sx.sheet_data_span(xml)
    out: dict[str, bytes] = {}
    if closed:
        return out
    for number, r0, r1, _m in sx.iter_rows(xml, start, end, prefix):
        for col, m in sx.iter_cells(xml[r0:r1]):
            out[f"{sx.col_letters(col)}{number}"] = m.group(0)
    return out


_UNESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape_ooxml(text: str) -> str:
    """OOXML's ``_xHHHH_`` escapes back to characters (what Excel does on reading)."""
    return _UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def calamine_rows(path: Path, sheet: str) -> list[list[Any]]:
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    return wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def folder_snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry of a folder: file name -> bytes (None for a sub-folder)."""
    return {p.name: (None if p.is_dir() else p.read_bytes()) for p in folder.iterdir()}


def user_cells(path: Path, sheets: Iterable[str] | None = None) -> dict[tuple[str, str], Any]:
    """(sheet, cell) -> value or formula of every cell NOT in an owned column.

    Sheets outside the contract count as wholly user sheets.
    """
    wb = openpyxl.load_workbook(path)
    out: dict[tuple[str, str], Any] = {}
    for ws in wb.worksheets:
        if sheets is not None and ws.title not in sheets:
            continue
        contract = schema.SHEETS.get(ws.title)
        owned = {c.header for c in contract.owned_columns} if contract else set()
        hdr = {c.column: c.value for c in ws[1]} if ws.max_row else {}
        for row in ws.iter_rows():
            for cell in row:
                if hdr.get(cell.column) in owned and cell.row > 1:
                    continue
                if cell.value is not None:
                    out[(ws.title, cell.coordinate)] = cell.value
    wb.close()
    return out


# ------------------------------------------------------------------ the CLI


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_cli_error(result: Result, *fragments: str) -> str:
    """A known failure: ``Error: ...`` with every fragment, exit code 1, no traceback."""
    out = result.output
    assert result.exit_code == 1, out
    assert out.startswith("Error: "), out
    assert "Traceback" not in out and "unexpected failure" not in out, out
    assert isinstance(result.exception, SystemExit), result.exception
    for fragment in fragments:
        assert fragment in out, f"{fragment!r} not in {out!r}"
    return out


VBA_PART = "xl/vbaProject.bin"
RIBBON_PART = "customUI/customUI14.xml"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
REL_RIBBON = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
VBA_TYPE = "application/vnd.ms-office.vbaProject"
RIBBON_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui">'
    b'<ribbon><tabs><tab id="kakobuy" label="Kakobuy"><group id="g" label="Desk">'
    b'<button id="refresh" label="Refresh" onAction="KakobuyRefresh" size="large"/>'
    b"</group></tab></tabs></ribbon></customUI>"
)


def macro_enable(src: Path, dst: Path, vba: bytes) -> None:
    """Turn the .xlsx into an .xlsm with a VBA project and a ribbon, by zip surgery."""
    def content_types(xml: bytes) -> bytes:
        root = etree.fromstring(xml)
        etree.SubElement(root, f"{{{NS_CT}}}Default", Extension="bin", ContentType=VBA_TYPE)
        for o in root.iter(f"{{{NS_CT}}}Override"):
            if o.get("PartName") == "/xl/workbook.xml":
                o.set("ContentType", XLSM_MAIN)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def add_rel(type_: str, target: str):
        def edit(xml: bytes) -> bytes:
            root = etree.fromstring(xml)
            etree.SubElement(root, f"{{{NS_PKG_REL}}}Relationship", Id="rIdKakobuy",
                             Type=type_, Target=target)
            return etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                  standalone=True)
        return edit

    patch_zip(src, {
        "[Content_Types].xml": content_types,
        "xl/_rels/workbook.xml.rels": add_rel(REL_VBA, "vbaProject.bin"),
        "_rels/.rels": add_rel(REL_RIBBON, RIBBON_PART),
    }, add={VBA_PART: vba, RIBBON_PART: RIBBON_XML}, out=dst)
