"""Reading the columns of typed frames the same way everywhere.

A typed frame has every schema column, but the core is also handed partial frames (a
face's subset, a test's few columns, a sheet from an older workbook): a missing column
reads as empty, never as a KeyError.
"""

from __future__ import annotations

import pandas as pd


def column(frame: pd.DataFrame | None, name: str) -> pd.Series:
    """``frame[name]``, or an all-None column when the frame lacks it (an empty Series
    when there is no frame).

    >>> column(pd.DataFrame({"a": [1]}), "b").tolist()
    [None]
    """
    if frame is not None and name in frame:
        return frame[name]
    index = frame.index if frame is not None else pd.RangeIndex(0)
    return pd.Series([None] * len(index), index=index, dtype=object)


def to_times(values: pd.Series) -> pd.Series:
    """Naive ``datetime64[ns]`` values (shop-local, like Excel's); NaT where a cell is not
    a date.

    >>> to_times(pd.Series(["2025-06-01 09:00", "soon"])).tolist()
    [Timestamp('2025-06-01 09:00:00'), NaT]
    """
    out = pd.to_datetime(values, errors="coerce")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_localize(None)
    return out.astype("datetime64[ns]")


def times(frame: pd.DataFrame | None, name: str) -> pd.Series:
    """:func:`to_times` of a column (all NaT when the frame lacks it)."""
    return to_times(column(frame, name))


def filled(series: pd.Series) -> pd.Series:
    """Where a cell holds something other than blanks.

    >>> filled(pd.Series(["PP-1", " ", None, 7])).tolist()
    [True, False, False, True]
    """
    return (series.notna() & (series.astype(str).str.strip() != "")).astype(bool)
