"""Create a new, empty kakobuy workbook: one styled Excel table per sheet of the contract.

The file is written with openpyxl into a temporary file next to the target and moved
into place with :func:`os.replace`, so a crash never leaves a half-written workbook.
For ``.xlsm`` targets the package's content type is patched afterwards: openpyxl
declares an ``.xlsx`` main part when there is no VBA project, and Excel refuses to
open an ``.xlsm`` whose workbook part says otherwise.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from lxml import etree
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Color, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from kakobuy_xl import schema
from kakobuy_xl.io.atomic import usual_mode

__all__ = ["create_workbook", "populate_workbook", "NUMBER_FORMATS", "LISTS_SHEET", "OWNED_NOTE"]

# Excel number format per column kind. Text and choice columns stay General on
# purpose: "@" would turn numbers typed there into text.
NUMBER_FORMATS: dict[str, str] = {
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "money": "#,##0.00",
    "number": "0.00",
    "int": "0",
    "percent": "0%",
}
NUMERIC_KINDS = frozenset({"int", "number", "money", "percent"})

TABLE_STYLE = "TableStyleMedium2"
DEFAULT_WIDTH = 14.0
HEADER_HEIGHT = 30.0
LAST_ROW = 1_048_576  # validation reaches the sheet's end so it follows a growing table
LISTS_SHEET = "Lists"
OWNED_NOTE = "Computed by kakobuy: refresh rewrites this column."
COMMENT_AUTHOR = "kakobuy"

# Excel limits: a literal validation list, and a validation message, hold 255 chars;
# a validation error title 32.
MAX_LITERAL_LIST = 255
MAX_MESSAGE = 255
MAX_TITLE = 32

XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CONTENT_TYPES = "[Content_Types].xml"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
# Owned headers: explicit dark text on a soft grey-blue fill, so they stand apart from
# the table style's header (and stay readable: a cell fill overrides the style's).
_OWNED_FILL = PatternFill(fill_type="solid", start_color="FFACB9CA", end_color="FFACB9CA")
# Full font specs (Calibri 11 like Normal): a bare <b/> font leaves size and name to
# the reader. User headers keep Normal's theme colour so the table style's header
# colour still shows through.
_USER_FONT = Font(name="Calibri", family=2, scheme="minor", size=11, bold=True,
                  color=Color(theme=1))
_OWNED_FONT = Font(name="Calibri", family=2, scheme="minor", size=11, bold=True,
                   italic=True, color="FF1F2A44")


def create_workbook(
    path: str | os.PathLike[str],
    sheets: Sequence[schema.Sheet] = schema.TABLE_SHEETS,
    templates: Sequence[dict] = (),
) -> None:
    """Write a new workbook at ``path`` with one empty (or default-filled) table per sheet.

    ``templates`` fills the Templates sheet (dicts of header or snake_case name -> value).
    Raises ``FileExistsError`` if ``path`` exists and ``ValueError`` on a bad contract
    or an unknown column in a default row.
    """
    target = Path(path)
    if target.exists():
        raise FileExistsError(f"{target} already exists")
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    _check_contract(sheets)

    wb = Workbook()
    wb.remove(wb.active)  # the default "Sheet"; ours are added in contract order
    wb.properties.title = "Kakobuy"
    wb.properties.creator = "kakobuy-xl"
    populate_workbook(wb, sheets, templates)
    wb.active = 0

    macro = target.suffix.lower() == ".xlsm"
    _save_atomically(wb, target, macro)


def populate_workbook(
    wb: Workbook,
    sheets: Sequence[schema.Sheet] = schema.TABLE_SHEETS,
    templates: Sequence[dict] = (),
) -> list[Worksheet]:
    """Add one styled table sheet per contract sheet to an existing openpyxl ``wb``.

    The sheets are appended after the sheets ``wb`` already has, in contract order,
    followed by the hidden drop-down ``Lists`` sheet when one is needed. Used by
    :func:`create_workbook` and by the ``.xlsm`` build (``kakobuy_xl.build``), which
    starts from xlwings' quickstart workbook. Returns the contract sheets' worksheets.
    Raises ``ValueError`` on a bad contract, a name ``wb`` already has, or an unknown
    column in a default row.
    """
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    _check_contract(sheets)
    taken = {name.casefold() for name in wb.sheetnames}
    for sheet in sheets:
        if sheet.name.casefold() in taken:
            raise ValueError(f"the workbook already has a sheet named {sheet.name!r}")
    if LISTS_SHEET.casefold() in taken:
        raise ValueError(f"sheet name {LISTS_SHEET!r} is reserved for drop-down lists")

    lists = _Lists()
    written = []
    for sheet in sheets:
        rows = templates if sheet.name == schema.TEMPLATES.name and templates else sheet.defaults
        ws = wb.create_sheet(sheet.name)
        _write_sheet(ws, sheet, rows, lists)
        written.append(ws)
    lists.write(wb)
    return written


# --------------------------------------------------------------------------- sheets


def _check_contract(sheets: Sequence[schema.Sheet]) -> None:
    """Fail early on what Excel would 'repair' away: duplicate names, long names."""
    seen: set[str] = set()
    for sheet in sheets:
        if len(sheet.name) > 31 or sheet.name.casefold() in seen:
            raise ValueError(f"bad or duplicate sheet name {sheet.name!r}")
        if sheet.name.casefold() == LISTS_SHEET.casefold():
            raise ValueError(f"sheet name {LISTS_SHEET!r} is reserved for drop-down lists")
        seen.add(sheet.name.casefold())
        headers = [schema.normalise_header(c.header) for c in sheet.columns]
        if not headers or len(set(headers)) != len(headers):
            raise ValueError(f"sheet {sheet.name!r}: table headers must be non-empty and unique")


def _write_sheet(
    ws: Worksheet, sheet: schema.Sheet, rows: Sequence[dict], lists: _Lists
) -> None:
    ncols = len(sheet.columns)
    nrows = max(len(rows), 1)  # an Excel table needs at least one data row

    for idx, col in enumerate(sheet.columns, start=1):
        letter = get_column_letter(idx)
        dim = ws.column_dimensions[letter]
        dim.width = col.width or DEFAULT_WIDTH
        fmt = NUMBER_FORMATS.get(col.kind)
        if fmt:
            # Becomes <col style="N">: Excel uses it for cells typed later in the column.
            dim.number_format = fmt
        _write_header(ws.cell(row=1, column=idx), col)
        if col.choices and not col.owned:
            _add_validation(ws, sheet, col, letter, lists)

    ws.row_dimensions[1].height = HEADER_HEIGHT
    ws.freeze_panes = "A2"

    for r in range(nrows):
        values = _row_values(sheet, rows[r]) if rows else {}
        for idx, col in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=2 + r, column=idx)
            value = values.get(col.header)
            if value is not None:
                cell.value = value
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text such as "=)" must not become a formula
            fmt = NUMBER_FORMATS.get(col.kind)
            if fmt:
                cell.number_format = fmt

    ref = f"A1:{get_column_letter(ncols)}{1 + nrows}"
    table = Table(
        displayName=sheet.table,
        ref=ref,
        tableStyleInfo=TableStyleInfo(
            name=TABLE_STYLE, showRowStripes=True, showColumnStripes=False,
            showFirstColumn=False, showLastColumn=False,
        ),
    )
    # openpyxl only names columns itself when tableColumns is empty; do it explicitly
    # so the table's column names are exactly the header texts.
    table._initialise_columns()
    for tcol, col in zip(table.tableColumns, sheet.columns):
        tcol.name = col.header
    ws.add_table(table)
    if sheet.name == schema.DISPUTES.name:
        _highlight_sla(ws, sheet)


# Overdue rows red, at-risk rows amber (Excel's own "bad" and "neutral" colours).
_SLA_HIGHLIGHTS = (("overdue", "FFC7CE", "9C0006"), ("at_risk", "FFEB9C", "9C5700"))
#: Rows the SLA highlight covers: far past any table a shop keeps, cheap for Excel.
HIGHLIGHT_ROWS = 100_000


def _highlight_sla(ws: Worksheet, sheet: schema.Sheet) -> None:
    """Conditional formats that colour a dispute's row by its SLA Status."""
    from openpyxl.formatting.rule import FormulaRule

    status = get_column_letter(sheet.headers.index("SLA Status") + 1)
    area = f"A2:{get_column_letter(len(sheet.columns))}{HIGHLIGHT_ROWS}"
    for value, fill, font in _SLA_HIGHLIGHTS:
        ws.conditional_formatting.add(area, FormulaRule(
            formula=[f'${status}2="{value}"'], stopIfTrue=True,
            fill=PatternFill("solid", start_color=fill, end_color=fill),
            font=Font(color=font)))


def _write_header(cell, col: schema.Column) -> None:
    cell.value = col.header
    cell.alignment = _HEADER_ALIGN
    if col.owned:
        cell.font = _OWNED_FONT
        cell.fill = _OWNED_FILL
    else:
        cell.font = _USER_FONT
    notes = [n for n in (col.help, OWNED_NOTE if col.owned else "") if n]
    if notes:
        comment = Comment("\n".join(notes), COMMENT_AUTHOR, height=75, width=240)
        cell.comment = comment


def _add_validation(
    ws: Worksheet, sheet: schema.Sheet, col: schema.Column, letter: str, lists: _Lists
) -> None:
    choices = tuple(str(c) for c in col.choices or ())
    literal = ",".join(choices)
    if len(literal) > MAX_LITERAL_LIST or any("," in c or '"' in c for c in choices):
        formula = lists.range_for(choices, f"{sheet.name}: {col.header}")
    else:
        formula = f'"{literal}"'
    error = _clip(f"{col.header} must be one of: {', '.join(choices)}", MAX_MESSAGE)
    dv = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=_clip(f"Not a valid {col.header}", MAX_TITLE),
        error=error,
    )
    dv.add(f"{letter}2:{letter}{LAST_ROW}")
    ws.add_data_validation(dv)


class _Lists:
    """Drop-down lists too long for a literal list, kept on a hidden sheet.

    References are handed out while the table sheets are written; the sheet itself is
    added by :meth:`write` afterwards so it comes last and the contract order holds.
    """

    def __init__(self) -> None:
        self._lists: dict[tuple[str, ...], tuple[str, str]] = {}  # choices -> (label, ref)

    def range_for(self, choices: tuple[str, ...], label: str) -> str:
        """An absolute reference to ``choices`` on the Lists sheet (label in row 1)."""
        if choices not in self._lists:
            letter = get_column_letter(len(self._lists) + 1)
            ref = f"{LISTS_SHEET}!${letter}$2:${letter}${len(choices) + 1}"  # name needs no quotes
            self._lists[choices] = (label, ref)
        return self._lists[choices][1]

    def write(self, wb: Workbook) -> None:
        if not self._lists:
            return
        ws = wb.create_sheet(LISTS_SHEET)
        ws.sheet_state = "hidden"
        for idx, (choices, (label, _)) in enumerate(self._lists.items(), start=1):
            ws.cell(row=1, column=idx, value=label)
            for r, value in enumerate(choices, start=2):
                cell = ws.cell(row=r, column=idx, value=value)
                cell.data_type = "s"  # keep "1", "=x" etc. as the literal text users pick


# --------------------------------------------------------------------------- values


def _row_values(sheet: schema.Sheet, row: dict) -> dict[str, object]:
    """Map a default row to header -> typed value; unknown columns are an error."""
    out: dict[str, object] = {}
    for key, value in row.items():
        try:
            col = sheet.column(str(key))
        except KeyError:
            raise ValueError(f"sheet {sheet.name!r} has no column {key!r}") from None
        out[col.header] = _typed(col, value)
    return out


def _typed(col: schema.Column, value: object) -> object:
    """Give a default value the Python type Excel should store for the column's kind."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones; keep wall time
    if col.kind in NUMERIC_KINDS and isinstance(value, str):
        return _number(value, percent=col.kind == "percent")
    if col.kind == "date":
        if isinstance(value, str):
            text = value.strip()
            return (dt.datetime.fromisoformat(text).date() if "T" in text or " " in text
                    else dt.date.fromisoformat(text))
        if isinstance(value, dt.datetime):
            return value.date()
    if col.kind == "datetime":
        if isinstance(value, str):
            parsed = dt.datetime.fromisoformat(value.strip())
            return parsed.replace(tzinfo=None)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return dt.datetime.combine(value, dt.time())
    return value


def _number(text: str, *, percent: bool) -> int | float:
    """``"3"`` -> 3, ``"2.5"`` -> 2.5, ``"1,200"`` -> 1200, ``"75%"`` -> 0.75 (percent)."""
    s = text.strip().replace(",", "")
    try:
        if percent and s.endswith("%"):
            return float(s[:-1]) / 100
        try:
            return int(s)
        except ValueError:
            return float(s)
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


# --------------------------------------------------------------------------- saving


def _save_atomically(wb: Workbook, target: Path, macro: bool) -> None:
    """Save via temp files in the target's folder, then one os.replace into place."""
    folder = target.parent
    tmp_paths: list[str] = []

    def temp() -> str:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        tmp_paths.append(name)
        return name

    try:
        written = temp()
        wb.save(written)
        if macro:
            patched = temp()
            _rewrite_content_types(written, patched)
            written = patched
        if target.exists():  # created by someone else while we were writing
            raise FileExistsError(f"{target} already exists")
        os.chmod(written, usual_mode())  # mkstemp made it 0600
        os.replace(written, target)
    finally:
        for name in tmp_paths:
            with contextlib.suppress(FileNotFoundError):
                os.remove(name)


def _rewrite_content_types(src: str, dst: str) -> None:
    """Copy the package, declaring /xl/workbook.xml as a macro-enabled main part."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        # [Content_Types].xml goes first, as Excel itself writes it; the rest keeps
        # its order and per-entry compression.
        infos = sorted(zin.infolist(), key=lambda i: i.filename != CONTENT_TYPES)
        for info in infos:
            data = zin.read(info)
            if info.filename == CONTENT_TYPES:
                data = _macro_content_types(data)
            zout.writestr(info, data)


def _macro_content_types(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    found = False
    for override in root.iter(f"{{{CT_NS}}}Override"):
        if override.get("PartName", "").lower() == "/xl/workbook.xml":
            override.set("ContentType", XLSM_MAIN)
            found = True
    if not found:
        override = etree.SubElement(root, f"{{{CT_NS}}}Override")
        override.set("PartName", "/xl/workbook.xml")
        override.set("ContentType", XLSM_MAIN)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
