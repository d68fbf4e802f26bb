"""Turn a sheet's raw cells into typed columns and collect every problem on the way.

Validation never stops at the first problem: it returns a typed frame (what can be
used) together with a problems table in spreadsheet terms (sheet, Excel row, column,
value found, what is wrong, how to fix it). A bad cell is reported and treated as
empty; it is never rewritten, since user columns belong to the user.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from .io.base import TableData, find_header
from .keys import id_key
from .schema import Column, Sheet, normalise_header
from .settings import Settings

PROBLEM_COLUMNS = ["severity", "sheet", "excel_row", "column", "value", "problem", "fix"]
_MAX_SHOWN = 80  # characters of a bad value shown in a message


@dataclass
class Problems:
    """An append-only list of problems; ``frame()`` gives the problems table."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, sheet: str, problem: str, fix: str = "", *, row: int | None = None,
            column: str = "", value: Any = None, severity: str = "error") -> None:
        shown = "" if value is None else str(value)
        if len(shown) > _MAX_SHOWN:
            shown = shown[: _MAX_SHOWN - 1] + "\u2026"
        self.rows.append({"severity": severity, "sheet": sheet, "excel_row": row,
                          "column": column, "value": shown, "problem": problem, "fix": fix})

    def extend(self, other: "Problems") -> None:
        self.rows.extend(other.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def frame(self) -> pd.DataFrame:
        f = pd.DataFrame(self.rows, columns=PROBLEM_COLUMNS)
        f["excel_row"] = f["excel_row"].astype("Int64")
        return f


@dataclass
class TypedTable:
    """A validated sheet: typed columns by snake_case name, indexed by Excel row."""

    sheet: Sheet
    data: TableData
    frame: pd.DataFrame
    header_of: dict[str, str]  # snake name -> header text as found in the workbook
    problems: Problems
    skip_cells: set[tuple[int, str]] = field(default_factory=set)  # (row, name) not to write

    @property
    def usable(self) -> bool:
        """False when the key column is missing: rows cannot be told apart."""
        return self.sheet.key is None or self.sheet.column(self.sheet.key).name in self.header_of


# ------------------------------------------------------------------ conversion
_NUMBER_CLEAN = re.compile(r"[\s\u00a0\u202f'$€£¥₩₫฿₹₽]|[A-Z]{3}$|^[A-Z]{3}")


def parse_number(text: str) -> float | None:
    """``'1,234.50'``, ``'1.234,50'``, ``'$ 12'``, ``'75%'`` -> float; None if not a number."""
    t = _NUMBER_CLEAN.sub("", text.strip().upper())
    percent = t.endswith("%")
    t = t.rstrip("%")
    if not t:
        return None
    if "," in t and "." in t:
        # Whichever separator comes last is the decimal point.
        t = t.replace(".", "").replace(",", ".") if t.rfind(",") > t.rfind(".") else t.replace(",", "")
    elif "," in t:
        head, _, tail = t.rpartition(",")
        t = t.replace(",", "") if len(tail) == 3 and head.lstrip("-").isdigit() else t.replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return None
    if math.isnan(value) or math.isinf(value):
        return None
    return value / 100 if percent else value


_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_DATE_PATTERNS = [
    # ISO and ISO-like, with an optional time and offset (Shopify: 2025-05-11 09:55:16 -0400)
    (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?"
                r"(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?"), "ymd"),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?"), "ymd"),
    # 03/04/2025, 03.04.2025, 3-4-25: day and month order decided by Settings.date_order
    (re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:,?\s+(\d{1,2}):(\d{2})"
                r"(?::(\d{2}))?\s*([AaPp]\.?[Mm]\.?)?)?"), "xxy"),
]


def parse_date(text: str, day_first: bool) -> dt.datetime | None:
    """Parse a typed date in the formats people use; None when it cannot be read.

    >>> parse_date("03/04/2025", day_first=True)
    datetime.datetime(2025, 4, 3, 0, 0)
    >>> parse_date("2025-05-11 09:55:16 -0400", day_first=True)
    datetime.datetime(2025, 5, 11, 9, 55, 16)
    """
    t = text.strip()
    for pattern, order in _DATE_PATTERNS:
        m = pattern.fullmatch(t)
        if not m:
            continue
        g = m.groups()
        hh, mm, ss = (int(g[3] or 0), int(g[4] or 0), int(g[5] or 0))
        if order == "xxy":
            a, b, y = int(g[0]), int(g[1]), int(g[2])
            y = y + 2000 if y < 100 else y
            ampm = (g[6] or "").lower().replace(".", "")
            if ampm == "pm" and hh < 12:
                hh += 12
            elif ampm == "am" and hh == 12:
                hh = 0
            candidates = [(a, b), (b, a)] if day_first else [(b, a), (a, b)]
            for d, mo in candidates:
                try:
                    return dt.datetime(y, mo, d, hh, mm, ss)
                except ValueError:
                    continue
            return None
        try:
            return dt.datetime(int(g[0]), int(g[1]), int(g[2]), hh, mm, ss)
        except ValueError:
            return None
    if not re.search(r"[A-Za-z]{3}", t) or len(t) > 40:
        return None
    # Month names ("3 Mar 2025", "March 3, 2025 10:00"): dateutil knows English names.
    from dateutil import parser

    try:
        value = parser.parse(t, dayfirst=day_first, default=dt.datetime(1900, 1, 1))
    except (ValueError, OverflowError):
        return None
    if value.year == 1900:
        return None  # no year given: too ambiguous to guess
    return value.replace(tzinfo=None)


def _map(series: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """Apply ``fn`` to each value, keeping object dtype (pandas 3 would infer str and
    turn None into NaN)."""
    return pd.Series([fn(v) for v in series.tolist()], index=series.index, dtype=object)


def _text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _choice_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).casefold()


class _Coercer:
    def __init__(self, typed: TypedTable, settings: Settings) -> None:
        self.t = typed
        self.settings = settings

    def report(self, col: Column, header: str, rows: Iterable[int], raw: pd.Series,
               problem: str, fix: str, severity: str = "warning") -> None:
        for row in rows:
            self.t.problems.add(self.t.data.sheet, problem, fix, row=int(row), column=header,
                                value=raw.get(row), severity=severity)

    def convert(self, col: Column, header: str, raw: pd.Series) -> pd.Series:
        kind = col.kind
        if kind in ("text",):
            if all(v is None or type(v) is str for v in raw.tolist()):
                return raw.astype(object)  # already text: nothing to convert
            return _map(raw, _text)
        if kind == "choice":
            return self.choice(col, header, raw)
        if kind in ("int", "number", "money", "percent"):
            return self.number(col, header, raw)
        if kind in ("date", "datetime"):
            return self.date(col, header, raw)
        return raw  # pragma: no cover - every kind is handled above

    def choice(self, col: Column, header: str, raw: pd.Series) -> pd.Series:
        allowed = {_choice_key(c): c for c in col.choices or ()}
        values = raw.tolist()
        # A choice column holds a handful of distinct values: map each one once.
        mapping = {}
        for v in set(values):
            t = _text(v)
            mapping[v] = None if t is None else allowed.get(_choice_key(t))
        out = pd.Series([mapping[v] for v in values], index=raw.index, dtype=object)
        bad = raw.notna() & out.isna()
        if col.owned:
            return out  # a stale owned value is simply recomputed
        if bad.any():
            shown = ", ".join(col.choices or ())
            self.report(col, header, bad[bad].index, raw,
                        f"'{header}' must be one of: {shown}",
                        "Pick a value from the drop-down list (the cell is treated as empty).")
        return out

    def number(self, col: Column, header: str, raw: pd.Series) -> pd.Series:
        values = raw.tolist()
        if all(v is None or type(v) is float for v in values):
            out = pd.Series(values, index=raw.index, dtype=float)  # None becomes NaN
            return out.where(~(out > 1), out / 100) if col.kind == "percent" else \
                self._whole(col, header, raw, out)
        out = pd.Series(np.nan, index=raw.index, dtype=float)
        is_num = _map(raw, lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
                      ).astype(bool)
        out[is_num] = raw[is_num].astype(float)
        rest = raw.notna() & ~is_num
        bad: list[int] = []
        for row, value in raw[rest].items():
            parsed = parse_number(value) if isinstance(value, str) else None
            if parsed is None:
                bad.append(row)
            else:
                out[row] = parsed
        if col.kind == "percent":
            out = out.where(~(out > 1), out / 100)  # 75 typed in a % column means 75 %
        if bad and not col.owned:
            self.report(col, header, bad, raw, f"'{header}' must be a number",
                        "Type a number such as 12.50 (the cell is treated as empty).")
        return self._whole(col, header, raw, out)

    def _whole(self, col: Column, header: str, raw: pd.Series, out: pd.Series) -> pd.Series:
        """Report fractions typed in a whole-number column."""
        if col.kind == "int" and not col.owned:
            frac = out.notna() & (out != np.floor(out.fillna(0)))
            if frac.any():
                self.report(col, header, frac[frac].index, raw,
                            f"'{header}' must be a whole number", "Type a whole number.")
        return out

    def date(self, col: Column, header: str, raw: pd.Series) -> pd.Series:
        if all(v is None or type(v) is dt.datetime for v in raw.tolist()):
            out = pd.to_datetime(raw, errors="coerce").astype("datetime64[ns]")
            return out.dt.normalize() if col.kind == "date" else out
        values: dict[int, Any] = {}
        bad: list[int] = []
        cache: dict[str, dt.datetime | None] = {}
        day_first = self.settings.day_first
        for row, value in raw[raw.notna()].items():
            if isinstance(value, dt.datetime):
                values[row] = value
            elif isinstance(value, dt.date):
                values[row] = dt.datetime(value.year, value.month, value.day)
            elif isinstance(value, float) and 1 <= value < 2_958_466:
                # A serial number in a cell formatted as General: still a date to Excel.
                values[row] = _EXCEL_EPOCH + dt.timedelta(days=value)
            elif isinstance(value, str):
                if value not in cache:
                    cache[value] = parse_date(value, day_first)
                parsed = cache[value]
                if parsed is None:
                    bad.append(row)
                else:
                    values[row] = parsed
            else:
                bad.append(row)
        if bad and not col.owned:
            self.report(col, header, bad, raw, f"'{header}' must be a date",
                        "Type a date such as 2025-03-31 (or 31/03/2025 with date_order DMY); "
                        "the cell is treated as empty.")
        out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
        if values:
            out.loc[list(values)] = pd.to_datetime(pd.Series(values), errors="coerce")
        if col.kind == "date":
            out = out.dt.normalize()
        return out


def _missing_column_message(sheet: Sheet, col: Column, unknown: list[str], found: list[str]) -> str:
    close = difflib.get_close_matches(col.header, unknown, n=1, cutoff=0.5)
    hint = f" Did you rename '{close[0]}'?" if close else ""
    shown = ", ".join(found) if len(found) <= 12 else \
        ", ".join(found[:12]) + f" and {len(found) - 12} more"
    return f"Sheet '{sheet.name}' has no column '{col.header}' (found: {shown}).{hint}"


def coerce_table(sheet: Sheet, data: TableData, settings: Settings) -> TypedTable:
    """Validate ``data`` against ``sheet``; return typed columns and the problems."""
    problems = Problems()
    known = {normalise_header(c.header) for c in sheet.columns}
    unknown = [h for h in data.headers if normalise_header(h) not in known]
    header_of: dict[str, str] = {}
    for col in sheet.columns:
        found = find_header(data.headers, col.header)
        if found is not None:
            header_of[col.name] = found
            continue
        message = _missing_column_message(sheet, col, unknown, data.headers)
        if col.header == sheet.key or col.required:
            problems.add(sheet.name, message,
                         f"Rename the header back to '{col.header}' or add the column.",
                         column=col.header, severity="error")
        elif col.owned:
            problems.add(sheet.name, message + " kakobuy cannot fill it.",
                         f"Add a column headed '{col.header}' to the table.",
                         column=col.header, severity="warning")
        else:
            problems.add(sheet.name, message + " It is treated as empty.",
                         f"Rename the header back to '{col.header}' or add the column.",
                         column=col.header, severity="warning")
    seen_headers: dict[str, str] = {}
    for h in data.headers:
        k = normalise_header(h)
        if k in seen_headers:
            problems.add(sheet.name, f"Two columns are headed '{h}'.",
                         "Rename one of them: kakobuy reads the first.", column=h)
        seen_headers.setdefault(k, h)

    typed = TypedTable(sheet, data, pd.DataFrame(index=data.frame.index), header_of, problems)
    coercer = _Coercer(typed, settings)
    columns: dict[str, pd.Series] = {}
    for col in sheet.columns:
        header = header_of.get(col.name)
        if header is None:
            empty_kind = "datetime64[ns]" if col.kind in ("date", "datetime") else (
                float if col.kind in ("int", "number", "money", "percent") else object)
            columns[col.name] = pd.Series(None, index=data.frame.index, dtype=empty_kind)
            continue
        raw = data.frame[header]
        if isinstance(raw, pd.DataFrame):  # duplicated header: read the first
            raw = raw.iloc[:, 0]
        _error_cells(typed, col, header, raw)
        columns[col.name] = coercer.convert(col, header, raw)
    typed.frame = pd.DataFrame(columns, index=data.frame.index)
    _check_keys(typed)
    return typed


def _error_cells(typed: TypedTable, col: Column, header: str, raw: pd.Series) -> None:
    sheet = typed.data.sheet
    for (row, h), error in typed.data.error_cells.items():
        if h != header:
            continue
        if col.owned:
            continue  # rewritten by the refresh anyway
        typed.problems.add(sheet, f"'{header}' holds the error {error}",
                           "Fix the formula or clear the cell; it is treated as empty.",
                           row=row, column=header, value=error, severity="warning")
    for row, h in typed.data.formula_cells:
        if h != header:
            continue
        if col.owned:
            typed.skip_cells.add((row, col.name))
            typed.problems.add(
                sheet, f"'{header}' is computed by kakobuy, but this cell holds a formula; "
                "refresh leaves it as it is", "Move your formula to a column of your own.",
                row=row, column=header, severity="warning")
        elif raw.get(row) is None and (row, h) not in typed.data.error_cells:
            typed.problems.add(
                sheet, f"'{header}' holds a formula with no computed value",
                "Open the workbook in Excel, let it calculate and save it.",
                row=row, column=header, severity="warning")


def _check_keys(typed: TypedTable) -> None:
    sheet = typed.sheet
    if sheet.key is None or not typed.usable:
        return
    key_name = sheet.column(sheet.key).name
    header = typed.header_of[key_name]
    keys = typed.frame[key_name]
    other = typed.frame.drop(columns=[c.name for c in sheet.owned_columns] + [key_name])
    no_key = keys.isna() & other.notna().any(axis=1)
    for row in no_key[no_key].index:
        typed.problems.add(sheet.name, f"Row has data but no '{header}'",
                           f"Give the row a unique {header}.", row=int(row), column=header)
    stripped = id_key(keys).dropna()
    dup = stripped[stripped.duplicated(keep=False)]
    if len(dup):
        first_row = {k: int(r) for r, k in dup[~dup.duplicated()].items()}
        for row, k in dup[dup.duplicated()].items():
            typed.problems.add(
                sheet.name, f"'{header}' {keys[row]!r} is used twice (first in row "
                f"{first_row[k]})", f"Give each row its own {header}.",
                row=int(row), column=header, value=keys[row])
