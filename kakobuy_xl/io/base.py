"""The WorkbookIO protocol: the only way the core reaches a workbook.

Three implementations share it: ``file`` (an .xlsx/.xlsm on disk, no Excel),
``memory`` (dicts of DataFrames, for tests and the Python API) and ``live`` (an open
xlwings Book, in Excel). Reads return raw cell values; writes are staged and land
together at :meth:`WorkbookIO.save`, so a failure never leaves a half-written file.

Rows are always addressed by the Excel row number the user sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping, Protocol, Sequence, runtime_checkable

import pandas as pd

if TYPE_CHECKING:
    from ..report_sheet import ReportSheet

#: progress(stage, done, total): called by long operations; faces render it
#: (a terminal progress bar, Excel's status bar).
Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """The default progress sink: says nothing."""


@dataclass
class TableData:
    """One sheet's table as read: raw values plus where they came from.

    ``frame`` has one column per header (text as found in the workbook, in order) and
    is indexed by Excel row number. Values are raw: ``None`` for empty, ``str``,
    ``float``, ``bool``, ``datetime.datetime``/``datetime.date``/``datetime.time``.
    """

    sheet: str
    table: str | None
    header_row: int
    first_col: int
    headers: list[str]
    frame: pd.DataFrame
    last_row: int
    # (excel_row, header) of cells holding a formula, and of cells holding an error
    # value such as #N/A (value = the error text).
    formula_cells: set[tuple[int, str]] = field(default_factory=set)
    error_cells: dict[tuple[int, str], str] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        return len(self.frame)


#: One staged write: header -> values indexed by Excel row, and the kind of the
#: column (schema kind: text, int, number, money, percent, date, datetime, choice).
ColumnWrite = tuple[pd.Series, str]


@runtime_checkable
class WorkbookIO(Protocol):
    """Read tables, stage writes of owned cells and appended rows, save once."""

    def sheet_names(self) -> list[str]:
        """The names of every sheet, in workbook order."""
        ...

    def read_table(self, sheet: str) -> TableData:
        """The table on ``sheet``; raises :class:`~kakobuy_xl.errors.SheetNotFound`."""
        ...

    def write_columns(self, sheet: str, columns: Mapping[str, ColumnWrite]) -> None:
        """Stage new values for existing rows of the given columns (header text)."""
        ...

    def append_rows(self, sheet: str, rows: pd.DataFrame,
                    kinds: Mapping[str, str] | None = None) -> list[int]:
        """Stage rows appended after the table's last used row; returns their Excel rows.

        ``rows`` has header texts as columns (a subset of the table's headers).
        """
        ...

    def write_sheet(self, report: "ReportSheet") -> None:
        """Stage a whole report sheet (values, formats, native charts).

        It replaces the sheet of that name (only a report sheet kakobuy owns, see
        :func:`check_replaceable`) or is added after the last sheet.
        """
        ...

    def save(self, progress: Progress = no_progress) -> None:
        """Write every staged change at once (atomically where the medium allows)."""
        ...

    @property
    def has_changes(self) -> bool:
        """Whether anything is staged."""
        ...

    def close(self) -> None:
        """Done with the workbook: release what was kept for it (e.g. hand tables to a cache)."""
        ...


#: Excel's limit on the rows of a sheet.
MAX_ROWS = 1_048_576


def check_room(sheet: str, first_row: int, count: int) -> None:
    """Refuse rows that would go past Excel's last row, before anything is staged."""
    from ..errors import WorkbookError

    if first_row + count - 1 > MAX_ROWS:
        raise WorkbookError(
            f"Sheet '{sheet}' is full: {count:,} more rows do not fit under Excel's limit of "
            f"{MAX_ROWS:,} rows. Move old rows to an archive workbook."
        )


def find_header(headers: Sequence[str], wanted: str) -> str | None:
    """The header in ``headers`` that matches ``wanted`` the way the contract does."""
    from ..schema import normalise_header

    key = normalise_header(wanted)
    for h in headers:
        if normalise_header(h) == key:
            return h
    return None


def check_replaceable(sheet: str, report_title: str, table: str | None = None) -> None:
    """Refuse to replace an existing sheet that kakobuy does not own whole.

    Only the report sheets of the contract (``schema.REPORT_SHEETS``) may be replaced,
    and never while they hold a table (someone's data).
    """
    from ..errors import WorkbookError
    from ..schema import REPORT_SHEETS

    owned = {name.casefold() for name in REPORT_SHEETS}
    if sheet.casefold() not in owned:
        raise WorkbookError(
            f"Sheet '{sheet}' is not one of Kakobuy's report sheets ({', '.join(REPORT_SHEETS)}), "
            f"so kakobuy will not replace it with the report '{report_title}'. Rename that "
            "sheet, or give the report another sheet name.")
    if table is not None:
        raise WorkbookError(
            f"Sheet '{sheet}' holds the table '{table}', so kakobuy will not replace it with "
            f"the report '{report_title}'. Move the table to another sheet, or rename this one.")
