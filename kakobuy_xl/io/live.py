"""The live WorkbookIO: the workbook open in Excel, through an xlwings Book.

One read per table (values, plus formulas to tell computed cells from typed ones) and
one write per block of consecutive rows of a column, with screen updating and
automatic calculation off while writing, and progress in Excel's status bar. Nothing
here calls ``Book.caller()``: the macros in ``kakobuy_xl.excel`` pass the Book in.

Excel reinterprets a string assigned to a cell (``=SUM(A1)`` becomes a formula,
``0012`` a number, ``1/2`` a date), so every string is written with Excel's text
prefix, an apostrophe, which Excel keeps out of the cell's value.

A report sheet is cleared (or added last) and written as one block of values, then
its formats are applied once per run of cells, and its charts added with xlwings'
``charts.add`` / ``set_source_data``.
"""

from __future__ import annotations

from pathlib import Path

import contextlib
import datetime as dt
from typing import Any, Mapping

import pandas as pd

from ..errors import SheetNotFound, WorkbookError
from ..report_sheet import Layout, ReportSheet, col_letters, layout, report_cells, report_grid
from .base import (
    ColumnWrite,
    Progress,
    TableData,
    check_replaceable,
    check_room,
    find_header,
    no_progress,
)
from .reportxml import LOOKS
from .sheetxml import MAX_CELL_TEXT, is_empty

#: xlwings' chart types for the report chart kinds.
CHART_TYPES = {"bar": "bar_clustered", "column": "column_clustered", "line": "line",
               "pie": "pie"}

_ERRORS = ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
           "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!",
           "#UNKNOWN!")


def excel_value(value: Any) -> Any:
    """A Python value as it must be assigned to a cell through COM."""
    if is_empty(value):
        return None
    if isinstance(value, str):
        if value == "":
            return None
        return "'" + (value if len(value) <= MAX_CELL_TEXT else value[:MAX_CELL_TEXT - 1] + "\u2026")
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _matrix(value: Any, rows: int, cols: int) -> list[list[Any]]:
    """xlwings returns a scalar for one cell and a flat list for one row or column."""
    if rows == 0 or cols == 0:
        return []
    if rows == 1 and cols == 1:
        return [[value]]
    if rows == 1:
        return [list(value)]
    if cols == 1:
        return [[v] for v in value]
    return [list(r) for r in value]


class LiveWorkbook:
    """A WorkbookIO over an open xlwings ``Book``."""

    def __init__(self, book: Any, progress: Progress | None = None) -> None:
        self.book = book
        self._progress = progress
        self._tables: dict[str, TableData] = {}
        self._writes: dict[str, dict[tuple[int, int], Any]] = {}
        self._appends: dict[str, list[tuple[int, dict[int, Any]]]] = {}
        self._reports: dict[str, tuple[ReportSheet, Layout]] = {}

    @property
    def path(self) -> Path | None:
        """Where the open workbook is saved (evidence paths are relative to its folder);
        None for a new, never-saved workbook or one on a web location."""
        try:
            full = str(self.book.fullname)
        except Exception:  # noqa: BLE001 - some hosts have no file behind the book
            return None
        if not full or "://" in full or not any(sep in full for sep in ("/", "\\")):
            return None
        return Path(full)

    # --------------------------------------------------------------- progress
    def status(self, stage: str, done: int, total: int) -> None:
        """Progress in Excel's status bar (and to any extra sink)."""
        try:
            pct = f" {100 * done // total}%" if total else ""
            self.book.app.status_bar = f"Kakobuy: {stage}{pct}"
        except Exception:  # noqa: BLE001 - a status bar must never stop the work
            pass
        if self._progress is not None:
            self._progress(stage, done, total)

    def clear_status(self) -> None:
        try:
            self.book.app.status_bar = False
        except Exception:  # noqa: BLE001
            pass

    # ---------------------------------------------------------------- reading
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def _sheet(self, name: str) -> Any:
        for s in self.book.sheets:
            if s.name.casefold() == name.casefold():
                return s
        raise SheetNotFound(
            f"The workbook has no sheet '{name}' (found: {', '.join(self.sheet_names())}). "
            f"Add it back, or rename the sheet that holds it to '{name}'."
        )

    def _table(self, sheet: Any, name: str) -> Any | None:
        tables = list(sheet.tables)
        wanted = name.replace(" ", "").casefold()
        for t in tables:
            if t.name.casefold() == wanted:
                return t
        return tables[0] if tables else None

    def read_table(self, sheet: str) -> TableData:
        key = sheet.casefold()
        if key in self._tables:
            return self._tables[key]
        sh = self._sheet(sheet)
        table = self._table(sh, sheet)
        rng = table.range if table is not None else sh.used_range
        top, left = rng.row, rng.column
        n_rows, n_cols = rng.rows.count, rng.columns.count
        values = _matrix(rng.options(ndim=2, err_to_str=True).value, n_rows, n_cols)
        formulas = _matrix(rng.options(ndim=2).formula, n_rows, n_cols)
        headers = [str(v).strip() if v not in (None, "") else f"Column{i + 1}"
                   for i, v in enumerate(values[0] if values else [])]
        body = values[1:]
        frame = pd.DataFrame(body, columns=headers, dtype=object)
        frame.index = range(top + 1, top + 1 + len(body))
        formula_cells: set[tuple[int, str]] = set()
        error_cells: dict[tuple[int, str], str] = {}
        for i, (vals, forms) in enumerate(zip(body, formulas[1:])):
            row = top + 1 + i
            for j, (v, f) in enumerate(zip(vals, forms)):
                if isinstance(v, str) and v in _ERRORS:
                    error_cells[(row, headers[j])] = v
                    frame.iat[i, j] = None
                # A constant's formula is its value as text; a real formula differs.
                if isinstance(f, str) and f.startswith("=") and f != v:
                    formula_cells.add((row, headers[j]))
        if len(frame):
            frame = frame.mask(frame.map(lambda v: v is None or v == ""), None)
            filled = frame.notna().any(axis=1)
            last = filled[filled].index.max() if filled.any() else top
            frame = frame.loc[:last]
        data = TableData(sheet=sh.name, table=table.name if table is not None else None,
                         header_row=top, first_col=left, headers=headers, frame=frame,
                         last_row=top + n_rows - 1, formula_cells=formula_cells,
                         error_cells=error_cells)
        self._tables[key] = data
        return data

    # ---------------------------------------------------------------- writing
    def write_columns(self, sheet: str, columns: Mapping[str, ColumnWrite]) -> None:
        data = self.read_table(sheet)
        cells = self._writes.setdefault(data.sheet, {})
        for header, (values, _kind) in columns.items():
            found = find_header(data.headers, header)
            if found is None:
                raise WorkbookError(f"Sheet '{data.sheet}' has no column '{header}'.")
            col = data.first_col + data.headers.index(found)
            for row, value in zip(values.index, values.tolist()):
                if data.header_row < row <= data.last_row:
                    cells[(int(row), col)] = value

    def append_rows(self, sheet: str, rows: pd.DataFrame,
                    kinds: Mapping[str, str] | None = None) -> list[int]:
        data = self.read_table(sheet)
        pending = self._appends.setdefault(data.sheet, [])
        last_used = int(data.frame.index.max()) if len(data.frame) else data.header_row
        start = last_used + 1 + len(pending)
        check_room(data.sheet, start, len(rows))
        cols = []
        for header in rows.columns:
            found = find_header(data.headers, str(header))
            if found is None:
                raise WorkbookError(f"Sheet '{data.sheet}' has no column '{header}' (found: "
                                    f"{', '.join(data.headers)}).")
            cols.append(data.first_col + data.headers.index(found))
        for offset, record in enumerate(rows.itertuples(index=False, name=None)):
            pending.append((start + offset, dict(zip(cols, record))))
        return list(range(start, start + len(rows)))

    def write_sheet(self, report: ReportSheet) -> None:
        """Stage a whole report sheet: cleared and rewritten at save, or added last."""
        where = layout(report)
        for sh in self.book.sheets:
            if sh.name.casefold() == report.name.casefold():
                tables = list(sh.tables)
                check_replaceable(sh.name, report.title, tables[0].name if tables else None)
        self._reports[report.name.casefold()] = (report, where)

    @property
    def has_changes(self) -> bool:
        return any(self._writes.values()) or any(self._appends.values()) or bool(self._reports)

    def close(self) -> None:
        """Nothing to release: the Book stays open in Excel."""

    def save(self, progress: Progress = no_progress) -> None:
        """Apply the staged changes to the open workbook (the user saves it in Excel)."""
        if not self.has_changes:
            return
        app = self.book.app
        screen, calc = app.screen_updating, app.calculation
        app.screen_updating = False
        app.calculation = "manual"
        try:
            sheets = sorted(set(self._writes) | set(self._appends))
            total = len(sheets) + len(self._reports)
            for i, name in enumerate(sheets, 1):
                self._apply(name)
                self.status("writing", i, total)
                progress("write", i, total)
            for i, (report, where) in enumerate(self._reports.values(), len(sheets) + 1):
                self._apply_report(report, where)
                self.status("writing", i, total)
                progress("write", i, total)
        finally:
            app.calculation = calc
            app.screen_updating = screen
        self._writes.clear()
        self._appends.clear()
        self._reports.clear()
        self._tables.clear()

    def _apply_report(self, report: ReportSheet, where: Layout) -> None:
        """Clear (or add) the sheet, write every value in one go, then formats and charts."""
        existing = [s for s in self.book.sheets if s.name.casefold() == report.name.casefold()]
        if existing:
            sh = existing[0]
            sh.clear()
            for chart in list(sh.charts):
                chart.delete()
        else:
            last = self.book.sheets[len(self.book.sheets) - 1]
            sh = self.book.sheets.add(report.name, after=last)
        grid = report_grid(report, where)
        sh.range((1, 1), grid.shape).value = \
            [[excel_value(v) for v in row] for row in grid.itertuples(index=False, name=None)]
        for (role, fmt), ranges in _format_ranges(report, where).items():
            look = LOOKS.get(role, LOOKS["cell"])
            for r1, c1, r2 in ranges:
                rng = sh.range((r1, c1), (r2, c1))
                # Formats are cosmetic: one the platform refuses must not stop the report.
                with contextlib.suppress(Exception):
                    if fmt != "General":
                        rng.number_format = fmt
                    if look.bold:
                        rng.font.bold = True
                    if look.italic:
                        rng.font.italic = True
                    if look.size:
                        rng.font.size = look.size
                    if look.color:
                        rng.font.color = "#" + look.color
                    if look.fill:
                        rng.color = "#" + look.fill
        for col, width in where.column_widths.items():
            with contextlib.suppress(Exception):
                sh.range((1, col)).column_width = width
        for cl in where.charts:
            (r1, c1), (r2, c2) = cl.top_left, cl.bottom_right
            corner, end = sh.range((r1, c1)), sh.range((r2, c2))
            chart = sh.charts.add(corner.left, corner.top, end.left - corner.left,
                                  end.top - corner.top)
            chart.chart_type = CHART_TYPES[cl.chart.kind]
            t = where.tables[cl.chart.table_key]
            last = max(t.last_row, t.first_row)
            # Header row included: Excel names the series after it.
            cols = [t.col_of(cl.chart.category_column)] + \
                [t.col_of(c) for c in cl.chart.value_columns]
            chart.set_source_data(sh.range(",".join(
                f"{col_letters(c)}{t.header_row}:{col_letters(c)}{last}" for c in cols)))
            if cl.chart.title:
                with contextlib.suppress(Exception):  # Windows COM only
                    chart.api[1].HasTitle = True
                    chart.api[1].ChartTitle.Text = cl.chart.title

    def _apply(self, name: str) -> None:
        sh = self._sheet(name)
        data = self.read_table(name)
        appended = self._appends.get(name, [])
        if appended:
            last = appended[-1][0]
            table = self._table(sh, name)
            if table is not None and last > data.last_row:
                width = len(data.headers)
                table.resize(sh.range((data.header_row, data.first_col),
                                      (last, data.first_col + width - 1)))
            cells = self._writes.setdefault(name, {})
            for row, values in appended:
                for col, value in values.items():
                    cells[(row, col)] = value
        by_col: dict[int, dict[int, Any]] = {}
        for (row, col), value in self._writes.get(name, {}).items():
            by_col.setdefault(col, {})[row] = value
        header_of = {data.first_col + i: h for i, h in enumerate(data.headers)}
        for col, values in by_col.items():
            for first, block in _blocks(values, data, header_of.get(col)):
                sh.range((first, col), (first + len(block) - 1, col)).value = \
                    [[excel_value(v)] for v in block]


def _blocks(values: dict[int, Any], data: TableData,
            header: str | None) -> list[tuple[int, list[Any]]]:
    """Runs of rows to write in one go: changed rows, bridged over unchanged ones with
    their current value, and broken at formula cells (never overwritten here)."""
    rows = sorted(values)
    blocks: list[tuple[int, list[Any]]] = []
    start, block = rows[0], [values[rows[0]]]
    for prev, row in zip(rows, rows[1:]):
        gap = range(prev + 1, row)
        bridge = len(gap) <= 8 and not any((r, header) in data.formula_cells for r in gap)
        if bridge:
            for r in gap:
                old = data.frame.at[r, header] if header and r in data.frame.index else None
                block.append(old.isoformat() if isinstance(old, dt.time) else old)
            block.append(values[row])
        else:
            blocks.append((start, block))
            start, block = row, [values[row]]
    blocks.append((start, block))
    return blocks


def _format_ranges(report: ReportSheet,
                   where: Layout) -> dict[tuple[str, str], list[tuple[int, int, int]]]:
    """(role, number format) -> column runs (first_row, col, last_row) of the cells using it,
    so each look is applied once per run instead of once per cell."""
    runs: dict[tuple[str, str], list[tuple[int, int, int]]] = {}
    cells = sorted(report_cells(report, where), key=lambda c: (c.role, c.number_format, c.col,
                                                               c.row))
    for cell in cells:
        if cell.role == "cell" and cell.number_format == "General":
            continue  # nothing to apply
        key = (cell.role, cell.number_format)
        group = runs.setdefault(key, [])
        if group and group[-1][1] == cell.col and group[-1][2] == cell.row - 1:
            group[-1] = (group[-1][0], cell.col, cell.row)
        else:
            group.append((cell.row, cell.col, cell.row))
    return runs
