"""An in-memory workbook: dicts of DataFrames. For tests and the Python API."""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from ..errors import SheetNotFound, WorkbookError
from ..report_sheet import ReportSheet, layout, report_grid
from .base import (
    ColumnWrite,
    Progress,
    TableData,
    check_replaceable,
    check_room,
    find_header,
    no_progress,
)


class MemoryWorkbook:
    """Sheets as DataFrames whose columns are header texts; data starts at Excel row 2.

    >>> wb = MemoryWorkbook({"Orders": pd.DataFrame({"Order ID": ["A1"]})})
    >>> wb.read_table("Orders").frame.index.tolist()
    [2]
    """

    def __init__(self, sheets: Mapping[str, pd.DataFrame] | None = None) -> None:
        self.sheets: dict[str, pd.DataFrame] = {}
        for name, frame in (sheets or {}).items():
            f = frame.copy().astype(object)
            f.index = range(2, 2 + len(f))
            self.sheets[name] = f.where(pd.notna(f), None)
        self._staged: list[tuple[str, str, object]] = []
        self.saves = 0
        #: Report sheets written (at save), by sheet name: the objects themselves.
        self.reports: dict[str, ReportSheet] = {}

    def sheet_names(self) -> list[str]:
        folded = {n.casefold() for n in self.sheets}
        return list(self.sheets) + [n for n in self.reports if n.casefold() not in folded]

    def write_sheet(self, report: ReportSheet) -> None:
        """Stage a whole report sheet; after save it is in :attr:`reports`."""
        layout(report)  # the same checks as the other workbooks, before anything is staged
        for name in self.sheets:
            if name.casefold() == report.name.casefold():
                # Every frame here is a table: data, never replaced.
                check_replaceable(name, report.title, name.replace(" ", ""))
        self._staged.append(("report", report.name, report))

    def report_frame(self, name: str) -> pd.DataFrame:
        """A written report as its grid of cell values (rows from 1, columns A, B...)."""
        for key, report in self.reports.items():
            if key.casefold() == name.casefold():
                return report_grid(report)
        raise SheetNotFound(f"The workbook has no report sheet '{name}' (found: "
                            f"{', '.join(self.reports) or 'none'}).")

    def _frame(self, sheet: str) -> pd.DataFrame:
        for name, frame in self.sheets.items():
            if name.casefold() == sheet.casefold():
                return frame
        raise SheetNotFound(
            f"The workbook has no sheet '{sheet}' (found: {', '.join(self.sheets) or 'none'})."
        )

    def read_table(self, sheet: str) -> TableData:
        frame = self._frame(sheet)
        return TableData(
            sheet=sheet, table=sheet.replace(" ", ""), header_row=1, first_col=1,
            headers=list(frame.columns), frame=frame.copy(), last_row=1 + max(len(frame), 1),
        )

    def write_columns(self, sheet: str, columns: Mapping[str, ColumnWrite]) -> None:
        frame = self._frame(sheet)
        for header, (values, _kind) in columns.items():
            found = find_header(list(frame.columns), header)
            if found is None:
                raise WorkbookError(f"Sheet '{sheet}' has no column '{header}'.")
            self._staged.append(("write", sheet, (found, values)))

    def append_rows(self, sheet: str, rows: pd.DataFrame,
                    kinds: Mapping[str, str] | None = None) -> list[int]:
        frame = self._frame(sheet)
        for header in rows.columns:
            if find_header(list(frame.columns), str(header)) is None:
                raise WorkbookError(f"Sheet '{sheet}' has no column '{header}' (found: "
                                    f"{', '.join(map(str, frame.columns))}).")
        start = 2 + len(frame) + sum(
            len(r) for op, s, r in self._staged if op == "append" and s == sheet  # type: ignore[arg-type]
        )
        check_room(sheet, start, len(rows))
        self._staged.append(("append", sheet, rows))
        return list(range(start, start + len(rows)))

    @property
    def has_changes(self) -> bool:
        return bool(self._staged)

    def close(self) -> None:
        """Nothing to release."""

    def save(self, progress: Progress = no_progress) -> None:
        for i, (op, sheet, payload) in enumerate(self._staged, 1):
            if op == "report":
                for key in [k for k in self.reports if k.casefold() == sheet.casefold()]:
                    del self.reports[key]
                self.reports[sheet] = payload  # type: ignore[assignment]
                progress("save", i, len(self._staged))
                continue
            frame = self._frame(sheet)
            if op == "write":
                header, values = payload  # type: ignore[misc]
                values = values[values.index.isin(frame.index)]
                frame.loc[values.index, header] = values.astype(object).where(
                    pd.notna(values), None)
            else:
                rows: pd.DataFrame = payload  # type: ignore[assignment]
                new = rows.reindex(columns=frame.columns).astype(object)
                new.index = range(2 + len(frame), 2 + len(frame) + len(new))
                frame = pd.concat([frame, new.where(pd.notna(new), None)])
                for name in list(self.sheets):
                    if name.casefold() == sheet.casefold():
                        self.sheets[name] = frame
            progress("save", i, len(self._staged))
        self._staged.clear()
        self.saves += 1
