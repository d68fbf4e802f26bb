"""A report sheet as data: title, KPI tiles, tables, native charts and notes.

Reports (dispute, service, monthly, problems) build a :class:`ReportSheet`; every
WorkbookIO writes it with ``write_sheet`` (a file as SpreadsheetML parts, a live
workbook through xlwings, memory as the object itself). Nothing here does I/O: this
module only says what goes where. :func:`layout` decides every anchor, so the three
writers put each value and chart in the same cell, and :func:`report_cells` lists the
cells to write with the role that picks their look.

Layout (1-based rows and columns; column A is a narrow margin)::

    row 1   B1 title
    row 2   B2 subtitle (when given)
    row 4   tile labels   B4 C4 D4 ...    one column per tile
    row 5   tile values   B5 C5 D5 ...
    row 6   tile notes    (when a tile has one)
    then    per table: its title, its header row, its rows, one blank row
    then    notes, one per row
    charts  to the right of the tables, each next to its table, stacked downwards

>>> r = ReportSheet("Dispute Report", "Disputes", tables=[ReportTable(
...     "by_type", "By type", pd.DataFrame({"Type": ["damaged"], "Count": [3]}))],
...     charts=[Chart("column", "Disputes by type", "by_type", "Type", ("Count",))])
>>> layout(r).charts[0].values[0]
"'Dispute Report'!$C$5:$C$5"
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Iterator, Literal, Sequence

import numpy as np
import pandas as pd

from .errors import ConfigError

ChartKind = Literal["bar", "column", "line", "pie"]
CHART_KINDS: tuple[str, ...] = ("bar", "column", "line", "pie")

#: Where the content starts: column B (A is a margin), row 1.
FIRST_COL = 2
TITLE_ROW = 1
#: Default chart size in columns x rows (about 15 x 7.5 cm at default widths).
DEFAULT_CHART_SIZE = (8, 16)
#: Gap (columns) between the widest table and the charts.
CHART_GAP_COLS = 1
MARGIN_WIDTH = 2.7
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DURATION_FORMAT = "[h]:mm"
# Excel's rules for sheet names (the Format > Rename dialog refuses the rest).
_BAD_NAME_CHARS = set("[]:*?/\\")
MAX_SHEET_NAME = 31

#: The look of a cell; each writer maps a role to fonts, fills and alignment.
Role = Literal["title", "subtitle", "tile_label", "tile_value", "tile_note", "table_title",
               "header", "cell", "note"]
ROLES: tuple[str, ...] = ("title", "subtitle", "tile_label", "tile_value", "tile_note",
                          "table_title", "header", "cell", "note")


@dataclass(frozen=True)
class Tile:
    """One KPI: a label above a big value, and an optional note under it."""

    label: str
    value: Any
    number_format: str = "General"
    note: str = ""


@dataclass
class ReportTable:
    """A titled table; ``number_formats`` maps a column (header text) to an Excel format."""

    key: str
    title: str
    frame: pd.DataFrame
    number_formats: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Chart:
    """A native Excel chart of one :class:`ReportTable`.

    ``category_column`` labels the points, each of ``value_columns`` is one series
    (a pie takes exactly one). ``anchor`` is the (row, col) of the top-left cell,
    chosen by :func:`layout` when None; ``size`` is (columns, rows).
    ``x_title`` titles the category axis and ``y_title`` the value axis, whatever
    the orientation (a ``bar`` chart has its categories on the left).
    """

    kind: ChartKind
    title: str
    table_key: str
    category_column: str
    value_columns: tuple[str, ...]
    anchor: tuple[int, int] | None = None
    size: tuple[int, int] = DEFAULT_CHART_SIZE
    y_title: str = ""
    x_title: str = ""


@dataclass
class ReportSheet:
    """A whole sheet that kakobuy owns: written as one, replacing what was there."""

    name: str
    title: str
    subtitle: str = ""
    tiles: list[Tile] = field(default_factory=list)
    tables: list[ReportTable] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: 1-based column index -> width in characters; overrides the computed widths.
    column_widths: dict[int, float] = field(default_factory=dict)
    #: Tab colour as RRGGBB hex, or None for Excel's default.
    tab_color: str | None = None


# ------------------------------------------------------------------ layout


@dataclass(frozen=True)
class TableLayout:
    """Where one table landed: its title row, header row and data rows."""

    key: str
    title_row: int | None
    header_row: int
    first_row: int
    last_row: int  # == header_row when the table has no rows
    first_col: int
    columns: tuple[str, ...]

    @property
    def last_col(self) -> int:
        return self.first_col + max(len(self.columns), 1) - 1

    @property
    def top(self) -> int:
        return self.title_row if self.title_row is not None else self.header_row

    def col_of(self, column: str) -> int:
        return self.first_col + self.columns.index(column)


@dataclass(frozen=True)
class ChartLayout:
    """Where one chart landed and the absolute ranges its series read."""

    chart: Chart
    top_left: tuple[int, int]      # (row, col), 1-based, the cell under the top-left corner
    bottom_right: tuple[int, int]  # (row, col), 1-based, the first cell past the chart
    categories: str                # e.g. 'Dispute Report'!$B$12:$B$20
    values: tuple[str, ...]        # one range per series
    series_names: tuple[str, ...]  # the header cell of each series
    n_points: int


@dataclass(frozen=True)
class TileLayout:
    tile: Tile
    label_cell: tuple[int, int]
    value_cell: tuple[int, int]
    note_cell: tuple[int, int] | None


@dataclass(frozen=True)
class Layout:
    """Every anchor of a report, 1-based (row, col)."""

    title_cell: tuple[int, int]
    subtitle_cell: tuple[int, int] | None
    tiles: tuple[TileLayout, ...]
    tables: dict[str, TableLayout]
    charts: tuple[ChartLayout, ...]
    note_cells: tuple[tuple[int, int], ...]
    column_widths: dict[int, float]
    last_row: int
    last_col: int


def col_letters(index: int) -> str:
    """1 -> ``'A'``, 28 -> ``'AB'``."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def quote_sheet(name: str) -> str:
    """A sheet name as a formula needs it: always quoted, apostrophes doubled."""
    return "'" + name.replace("'", "''") + "'"


def abs_range(sheet: str, r1: int, c1: int, r2: int, c2: int) -> str:
    """``'Dispute Report'!$B$12:$B$20`` (always a range, even of one cell)."""
    return f"{quote_sheet(sheet)}!${col_letters(c1)}${r1}:${col_letters(c2)}${r2}"


def abs_cell(sheet: str, row: int, col: int) -> str:
    """``'Dispute Report'!$B$11``."""
    return f"{quote_sheet(sheet)}!${col_letters(col)}${row}"


def check_sheet_name(name: str) -> None:
    """Refuse a name Excel would refuse, with the reason."""
    bad = sorted({ch for ch in name if ch in _BAD_NAME_CHARS})
    problem = None
    if not name.strip():
        problem = "it is empty"
    elif len(name) > MAX_SHEET_NAME:
        problem = f"it has {len(name)} characters (Excel allows {MAX_SHEET_NAME})"
    elif bad:
        problem = f"it contains {' '.join(bad)}"
    elif name.startswith("'") or name.endswith("'"):
        problem = "it starts or ends with an apostrophe"
    elif name.casefold() == "history":
        problem = "Excel reserves the name 'History'"
    if problem:
        raise ConfigError(f"'{name}' cannot be a sheet name: {problem}. Choose another name.")


def _check(report: ReportSheet) -> None:
    check_sheet_name(report.name)
    keys = [t.key for t in report.tables]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise ConfigError(f"Report '{report.name}' has two tables with the key "
                          f"'{dup[0]}'. Give every table its own key.")
    for chart in report.charts:
        where = f"Chart '{chart.title}' on report '{report.name}'"
        if chart.kind not in CHART_KINDS:
            raise ConfigError(f"{where} has the kind '{chart.kind}' (expected one of "
                              f"{', '.join(CHART_KINDS)}).")
        table = next((t for t in report.tables if t.key == chart.table_key), None)
        if table is None:
            raise ConfigError(f"{where} refers to the table '{chart.table_key}', which the "
                              f"report does not have (found: {', '.join(keys) or 'none'}).")
        cols = [str(c) for c in table.frame.columns]
        for col in (chart.category_column, *chart.value_columns):
            if col not in cols:
                raise ConfigError(f"{where} uses the column '{col}', which table "
                                  f"'{table.key}' does not have (found: {', '.join(cols)}).")
        if not chart.value_columns:
            raise ConfigError(f"{where} has no value column: name at least one.")
        if chart.kind == "pie" and len(chart.value_columns) != 1:
            raise ConfigError(f"{where} is a pie with {len(chart.value_columns)} value "
                              "columns: a pie shows exactly one. Use a column chart instead.")
        if chart.size[0] < 1 or chart.size[1] < 1:
            raise ConfigError(f"{where} has the size {chart.size}: it needs at least one "
                              "column and one row.")
        if chart.anchor is not None and (chart.anchor[0] < 1 or chart.anchor[1] < 1):
            raise ConfigError(f"{where} is anchored at {chart.anchor}: rows and columns "
                              "start at 1.")


def layout(report: ReportSheet) -> Layout:
    """Where every tile, table, chart and note of ``report`` lands.

    Deterministic: the same report always gives the same layout. Raises
    :class:`~kakobuy_xl.errors.ConfigError` when a chart names a table or column the
    report does not have.
    """
    _check(report)
    row = TITLE_ROW
    title_cell = (row, FIRST_COL)
    subtitle_cell = None
    if report.subtitle:
        row += 1
        subtitle_cell = (row, FIRST_COL)
    tiles: list[TileLayout] = []
    if report.tiles:
        row += 2
        has_notes = any(t.note for t in report.tiles)
        for i, tile in enumerate(report.tiles):
            col = FIRST_COL + i
            # Every tile gets a note cell when one has a note: the tiles stay even boxes.
            tiles.append(TileLayout(tile, (row, col), (row + 1, col),
                                    (row + 2, col) if has_notes else None))
        row += 2 if has_notes else 1
    tables: dict[str, TableLayout] = {}
    for table in report.tables:
        row += 2  # one blank row above every block
        title_row = None
        if table.title:
            title_row = row
            row += 1
        header_row = row
        n = len(table.frame)
        tables[table.key] = TableLayout(
            key=table.key, title_row=title_row, header_row=header_row,
            first_row=header_row + 1, last_row=header_row + n, first_col=FIRST_COL,
            columns=tuple(str(c) for c in table.frame.columns))
        row = header_row + n
    notes: list[tuple[int, int]] = []
    if report.notes:
        row += 1
        for _ in report.notes:
            row += 1
            notes.append((row, FIRST_COL))
    content_right = max([FIRST_COL + len(report.tiles) - 1] +
                        [t.last_col for t in tables.values()] + [FIRST_COL])
    chart_col = content_right + 1 + CHART_GAP_COLS
    first_top = min((t.top for t in tables.values()), default=row + 2)
    cursor = first_top
    charts: list[ChartLayout] = []
    for chart in report.charts:
        t = tables[chart.table_key]
        cols, rows = chart.size
        if chart.anchor is not None:
            top, left = chart.anchor
        else:
            top, left = max(cursor, t.top), chart_col
            cursor = top + rows + 1
        # An empty table still gets a one-row range: a chart needs a valid reference.
        last = max(t.last_row, t.first_row)
        cat_col = t.col_of(chart.category_column)
        values = tuple(abs_range(report.name, t.first_row, t.col_of(c), last, t.col_of(c))
                       for c in chart.value_columns)
        names = tuple(abs_cell(report.name, t.header_row, t.col_of(c))
                      for c in chart.value_columns)
        charts.append(ChartLayout(
            chart=chart, top_left=(top, left), bottom_right=(top + rows, left + cols),
            categories=abs_range(report.name, t.first_row, cat_col, last, cat_col),
            values=values, series_names=names, n_points=t.last_row - t.header_row))
    last_row = max([row] + [c.bottom_right[0] - 1 for c in charts])
    last_col = max([content_right] + [c.bottom_right[1] - 1 for c in charts])
    widths = _column_widths(report, tiles, tables)
    return Layout(title_cell, subtitle_cell, tuple(tiles), tables, tuple(charts),
                  tuple(notes), widths, last_row, last_col)


def _text_width(value: Any, number_format: str) -> int:
    if value is None:
        return 0
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return 16 if number_format == DATETIME_FORMAT else 10
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _column_widths(report: ReportSheet, tiles: Sequence[TileLayout],
                   tables: dict[str, TableLayout]) -> dict[int, float]:
    """Widths that fit the content (capped), overridden by ``report.column_widths``."""
    widths: dict[int, float] = {1: MARGIN_WIDTH}
    for tl in tiles:
        c = tl.value_cell[1]
        widths[c] = max(widths.get(c, 0), 14, len(tl.tile.label) + 2)
    for table in report.tables:
        t = tables[table.key]
        for i, column in enumerate(t.columns):
            fmt = table.number_formats.get(column, "General")
            values = table.frame.iloc[:200, i].tolist()
            longest = max([len(column)] + [_text_width(cell_value(v)[0], fmt) for v in values])
            c = t.first_col + i
            widths[c] = max(widths.get(c, 0), min(max(longest + 2, 8), 60))
    widths.update({int(k): float(v) for k, v in report.column_widths.items()})
    return {k: float(widths[k]) for k in sorted(widths)}


# ------------------------------------------------------------------ cells


@dataclass(frozen=True)
class ReportCell:
    """One cell to write: its value (text stays text), role and number format."""

    row: int
    col: int
    value: Any
    role: str
    number_format: str = "General"


def cell_value(value: Any) -> tuple[Any, str | None]:
    """A value as a cell holds it, and the number format it needs if any.

    None/NaN/NaT -> None; numpy scalars -> Python; Timestamp -> datetime; a duration
    -> a fraction of days shown as ``[h]:mm``; anything else that is not a number,
    bool, date or time -> its text.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None, None
    if isinstance(value, (bool, np.bool_)):
        return bool(value), None
    if isinstance(value, (int, np.integer)):
        return int(value), None
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return (None, None) if math.isnan(f) or math.isinf(f) else (f, None)
    if isinstance(value, (pd.Timedelta, dt.timedelta, np.timedelta64)):
        td = pd.Timedelta(value)
        return (None, None) if td is pd.NaT else (td.total_seconds() / 86400, DURATION_FORMAT)
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        ts = pd.Timestamp(value)
        if ts is pd.NaT:
            return None, None
        value = ts.to_pydatetime()
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)
        timed = value.hour or value.minute or value.second
        return value, DATETIME_FORMAT if timed else DATE_FORMAT
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    if isinstance(value, str):
        return (value if value != "" else None), None
    return str(value), None


def report_cells(report: ReportSheet, where: Layout | None = None) -> Iterator[ReportCell]:
    """Every cell of the report to write, in row then column order.

    Empty cells are left out, except those of tiles (their fill makes the tile).
    """
    where = where or layout(report)
    cells: list[ReportCell] = []

    def add(pos: tuple[int, int], value: Any, role: str, fmt: str | None = None,
            keep_empty: bool = False) -> None:
        v, natural = cell_value(value)
        if v is None and not keep_empty:
            return
        chosen = fmt if fmt not in (None, "", "General") else (natural or "General")
        cells.append(ReportCell(pos[0], pos[1], v, role, chosen))

    add(where.title_cell, report.title, "title")
    if where.subtitle_cell is not None:
        add(where.subtitle_cell, report.subtitle, "subtitle")
    for tl in where.tiles:
        # Tile cells are written even when empty, so the tile's fill shows as one box.
        add(tl.label_cell, tl.tile.label, "tile_label", keep_empty=True)
        add(tl.value_cell, tl.tile.value, "tile_value", tl.tile.number_format, keep_empty=True)
        if tl.note_cell is not None:
            add(tl.note_cell, tl.tile.note, "tile_note", keep_empty=True)
    for table in report.tables:
        t = where.tables[table.key]
        if t.title_row is not None:
            add((t.title_row, t.first_col), table.title, "table_title")
        for i, column in enumerate(t.columns):
            add((t.header_row, t.first_col + i), column, "header")
        fmts = [table.number_formats.get(c) for c in t.columns]
        for r, record in enumerate(table.frame.itertuples(index=False, name=None)):
            for i, value in enumerate(record):
                add((t.first_row + r, t.first_col + i), value, "cell", fmts[i])
    for pos, note in zip(where.note_cells, report.notes):
        add(pos, note, "note")
    cells.sort(key=lambda c: (c.row, c.col))
    return iter(cells)


def report_grid(report: ReportSheet, where: Layout | None = None) -> pd.DataFrame:
    """The sheet as a grid of values: index = Excel rows from 1, columns = letters from A."""
    where = where or layout(report)
    cells = list(report_cells(report, where))
    n_rows = max([c.row for c in cells] + [1])
    n_cols = max([c.col for c in cells] + [1])
    grid = np.full((n_rows, n_cols), None, dtype=object)
    for c in cells:
        grid[c.row - 1, c.col - 1] = c.value
    return pd.DataFrame(grid, index=range(1, n_rows + 1),
                        columns=[col_letters(i) for i in range(1, n_cols + 1)], dtype=object)


def problems_report(problems: pd.DataFrame, name: str = "Problems") -> ReportSheet:
    """The Problems sheet as a report: one table of what is wrong and how to fix it.

    ``problems`` is a problems table (``severity, sheet, excel_row, column, value,
    problem, fix``); its columns get the headers people read.
    """
    headers = {"severity": "Severity", "sheet": "Sheet", "excel_row": "Row",
               "column": "Column", "value": "Found", "problem": "Problem", "fix": "How to fix"}
    present = [c for c in headers if c in problems.columns]
    frame = problems[present].rename(columns=headers).astype(object)
    frame = frame.where(pd.notna(frame), None)
    count = len(frame)
    return ReportSheet(
        name=name, title="Problems",
        subtitle=f"{count:,} problem{'s' if count != 1 else ''} found" if count else
        "No problems found",
        tables=[ReportTable("problems", "", frame)],
        column_widths={c: 60.0 for c in (FIRST_COL + present.index(k) for k in
                                          ("problem", "fix") if k in present)},
    )


__all__ = [
    "CHART_KINDS",
    "Chart",
    "ChartLayout",
    "Layout",
    "ReportCell",
    "ReportSheet",
    "ReportTable",
    "TableLayout",
    "Tile",
    "TileLayout",
    "abs_cell",
    "abs_range",
    "cell_value",
    "check_sheet_name",
    "layout",
    "problems_report",
    "quote_sheet",
    "report_cells",
    "report_grid",
]
