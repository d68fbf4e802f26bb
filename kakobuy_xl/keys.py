"""How records are matched across sheets by their IDs.

An ID typed as " c001" on one sheet and "C001" on another is the same customer:
surrounding spaces and case never matter, everywhere (validation's duplicate check,
profiles, order tracking, message analysis).
"""

from __future__ import annotations

import pandas as pd


def id_key(values: pd.Series) -> pd.Series:
    """The matching key of each ID: stripped and case-folded; None where there is no ID.

    >>> id_key(pd.Series([" C001", "c001", None, "  "])).tolist()
    ['c001', 'c001', None, None]
    """
    return pd.Series([v.strip().casefold() if isinstance(v, str) and v.strip() else None
                      for v in values.tolist()], index=values.index, dtype=object)


def lookup(keys: pd.Series, values: pd.Series, default: object = None) -> pd.Series:
    """``values[key]`` for each key (``default`` where missing); safe for empty and
    datetime values, which ``Series.map`` mishandles in pandas 3."""
    table = values.to_dict()
    return pd.Series([table.get(k, default) for k in keys.tolist()], index=keys.index,
                     dtype=object)
