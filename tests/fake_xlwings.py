"""A stand-in for an xlwings Book, backed by a workbook file through openpyxl.

It implements the part of xlwings' object model the live WorkbookIO and the macros
use, and behaves like Excel where it matters to them: a string assigned to a cell
becomes a formula or a number unless it starts with Excel's text prefix (an
apostrophe, which is not kept in the value); a range's value is a scalar, a flat list
or a list of lists by shape unless ``ndim=2``; errors read as None unless
``err_to_str``. Tests only: Excel itself is not available on these machines.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries

_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")


class FakeApp:
    def __init__(self) -> None:
        self.screen_updating = True
        self.calculation = "automatic"
        self.status_bar: str | bool = False
        self.status_history: list[str] = []
        self.alerts: list[dict[str, str]] = []

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "status_bar" and isinstance(value, str):
            self.__dict__.setdefault("status_history", []).append(value)
        super().__setattr__(name, value)

    def alert(self, prompt: str, title: str = "", buttons: str = "ok", mode: str | None = None,
              callback: Any = None) -> str:
        self.alerts.append({"prompt": prompt, "title": title, "mode": mode or ""})
        return "ok"


class _Count:
    def __init__(self, n: int) -> None:
        self.count = n


class _Font:
    bold = False


class FakeRange:
    def __init__(self, sheet: "FakeSheet", r1: int, c1: int, r2: int, c2: int,
                 ndim: int | None = None, err_to_str: bool = False) -> None:
        self.sheet, self.r1, self.c1, self.r2, self.c2 = sheet, r1, c1, r2, c2
        self.ndim, self.err_to_str = ndim, err_to_str
        self.font = _Font()

    row = property(lambda self: self.r1)
    column = property(lambda self: self.c1)
    rows = property(lambda self: _Count(self.r2 - self.r1 + 1))
    columns = property(lambda self: _Count(self.c2 - self.c1 + 1))

    def options(self, ndim: int | None = None, err_to_str: bool = False, **_: Any) -> "FakeRange":
        return FakeRange(self.sheet, self.r1, self.c1, self.r2, self.c2, ndim, err_to_str)

    def _cells(self) -> list[list[Any]]:
        ws = self.sheet.ws
        return [[ws.cell(r, c) for c in range(self.c1, self.c2 + 1)]
                for r in range(self.r1, self.r2 + 1)]

    def _shape(self, grid: list[list[Any]]) -> Any:
        if self.ndim == 2:
            return grid
        if len(grid) == 1 and len(grid[0]) == 1:
            return grid[0][0]
        if len(grid) == 1:
            return grid[0]
        if len(grid[0]) == 1:
            return [r[0] for r in grid]
        return grid

    def _read(self, cell: Any) -> Any:
        v = cell.value
        if cell.data_type == "e":
            return v if self.err_to_str else None
        if cell.data_type == "f" or (isinstance(v, str) and v.startswith("=") and
                                     cell.data_type != "s"):
            return self.sheet.book.cached.get((self.sheet.name, cell.coordinate))
        if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
            return dt.datetime(v.year, v.month, v.day)
        if isinstance(v, int) and not isinstance(v, bool):
            return float(v)
        return v

    @property
    def value(self) -> Any:
        return self._shape([[self._read(c) for c in row] for row in self._cells()])

    @value.setter
    def value(self, data: Any) -> None:
        grid = data if isinstance(data, list) and data and isinstance(data[0], list) else \
            [[data]] if not isinstance(data, list) else [data]
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                cell = self.sheet.ws.cell(self.r1 + i, self.c1 + j)
                if isinstance(v, str) and v.startswith("'"):
                    cell.value = v[1:]
                    cell.data_type = "s"
                    cell.quotePrefix = True
                elif isinstance(v, str) and v.startswith("="):
                    cell.value = v  # Excel would make this a formula: so does the fake
                elif isinstance(v, str) and _NUMBER.fullmatch(v.strip()):
                    cell.value = float(v)
                else:
                    cell.value = v

    @property
    def formula(self) -> Any:
        def f(cell: Any) -> Any:
            v = cell.value
            if v is None:
                return ""
            if isinstance(v, str) and v.startswith("=") and cell.data_type != "s":
                return v
            if isinstance(v, dt.datetime):
                return v.strftime("%m/%d/%Y %H:%M")
            return str(v)
        return self._shape([[f(c) for c in row] for row in self._cells()])

    def clear_contents(self) -> None:
        for row in self._cells():
            for c in row:
                c.value = None


class FakeTable:
    def __init__(self, sheet: "FakeSheet", table: Any) -> None:
        self.sheet, self._t = sheet, table

    name = property(lambda self: self._t.displayName)

    @property
    def range(self) -> FakeRange:
        c1, r1, c2, r2 = range_boundaries(self._t.ref)
        return FakeRange(self.sheet, r1, c1, r2, c2)

    def resize(self, rng: FakeRange) -> None:
        ref = f"{get_column_letter(rng.c1)}{rng.r1}:{get_column_letter(rng.c2)}{rng.r2}"
        self._t.ref = ref
        if self._t.autoFilter is not None:
            self._t.autoFilter.ref = ref


class FakeSheet:
    def __init__(self, book: "FakeBook", ws: Any) -> None:
        self.book, self.ws = book, ws

    name = property(lambda self: self.ws.title)

    @property
    def tables(self) -> list[FakeTable]:
        return [FakeTable(self, t) for t in self.ws.tables.values()]

    def range(self, a: Any, b: Any = None) -> FakeRange:
        if isinstance(a, str):
            c1, r1, c2, r2 = range_boundaries(a if ":" in a else f"{a}:{a}")
            return FakeRange(self, r1, c1, r2, c2)
        b = b or a
        return FakeRange(self, a[0], a[1], b[0], b[1])

    @property
    def used_range(self) -> FakeRange:
        return FakeRange(self, 1, 1, max(self.ws.max_row, 1), max(self.ws.max_column, 1))

    def clear_contents(self) -> None:
        self.used_range.clear_contents()

    def activate(self) -> None:
        self.book.wb.active = self.book.wb.index(self.ws)

    def autofit(self, axis: str | None = None) -> None:
        pass


class FakeSheets:
    def __init__(self, book: "FakeBook") -> None:
        self.book = book

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter([FakeSheet(self.book, ws) for ws in self.book.wb.worksheets])

    def __len__(self) -> int:
        return len(self.book.wb.worksheets)

    def __getitem__(self, key: str | int) -> FakeSheet:
        if isinstance(key, int):
            return FakeSheet(self.book, self.book.wb.worksheets[key])
        return FakeSheet(self.book, self.book.wb[key])

    def add(self, name: str, before: Any = None, after: Any = None) -> FakeSheet:
        return FakeSheet(self.book, self.book.wb.create_sheet(name))


class FakeBook:
    """``FakeBook(path)``: open a workbook file; ``save()`` writes it back."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.wb = openpyxl.load_workbook(self.path)
        self.app = FakeApp()
        self.sheets = FakeSheets(self)
        # Cached results of formula cells, as Excel would show them.
        values = openpyxl.load_workbook(self.path, data_only=True)
        self.cached = {(ws.title, c.coordinate): c.value for ws in values.worksheets
                       for row in ws.iter_rows() for c in row if c.data_type != "n" or c.value}
        self.name = self.path.name
        self.fullname = str(self.path.resolve())

    def save(self) -> None:
        self.wb.save(self.path)
