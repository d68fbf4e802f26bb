"""How records are matched across sheets by their IDs.

An ID typed as " c001" on one sheet and "C001" on another is the same customer:
surrounding spaces and case never matter, everywhere (validation's duplicate check,
profiles, order tracking, message analysis).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd


def map_distinct(values: pd.Series, fn: Callable[[Any], Any], empty: Any = None) -> pd.Series:
    """``fn`` of each value, computed once per distinct value (IDs, languages and
    handlers repeat across 100,000 rows); ``empty`` for None/NaN. An object Series.

    >>> map_distinct(pd.Series(["a", "B", "a", None]), str.upper).tolist()
    ['A', 'B', 'A', None]
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    # The extra last slot is what code -1 (an empty cell) picks.
    table = np.array([fn(v) for v in uniques] + [empty], dtype=object)
    return pd.Series(table[codes], index=values.index, dtype=object)


def _key(v: Any) -> str | None:
    return v.strip().casefold() if isinstance(v, str) and v.strip() else None


def id_key(values: pd.Series) -> pd.Series:
    """The matching key of each ID: stripped and case-folded; None where there is no ID.

    >>> id_key(pd.Series([" C001", "c001", None, "  "])).tolist()
    ['c001', 'c001', None, None]
    """
    return map_distinct(values, _key)


def lookup(keys: pd.Series, values: pd.Series, default: object = None) -> pd.Series:
    """``values[key]`` for each key (``default`` where missing); safe for empty and
    datetime values, which ``Series.map`` mishandles in pandas 3."""
    table = dict(zip(values.index.tolist(), values.tolist()))
    return map_distinct(keys, lambda k: table.get(k, default), table.get(None, default))


def first_by_id(ids: pd.Series, values: pd.Series) -> pd.Series:
    """``values`` indexed by the matching key of ``ids``: the first row wins for a
    repeated ID, rows without an ID are left out.

    >>> first_by_id(pd.Series(["C1 ", "c1", None]), pd.Series([1, 2, 3])).to_dict()
    {'c1': 1}
    """
    table: dict[str, object] = {}
    for k, v in zip(id_key(ids).tolist(), values.tolist()):
        if k is not None and k not in table:
            table[k] = v
    return pd.Series(list(table.values()), index=list(table.keys()), dtype=object)


def related(keys: pd.Series, ids: pd.Series, values: pd.Series,
            default: object = None) -> pd.Series:
    """For each key (already an :func:`id_key`), the value of the first row of another
    table whose ID matches it: an order's value for each dispute, a customer's name for
    each message.

    >>> related(pd.Series(["o1", "o9"]), pd.Series(["O1", "o1"]), pd.Series([10, 20])).tolist()
    [10, None]
    """
    return lookup(keys, first_by_id(ids, values), default)
