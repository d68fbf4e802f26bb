"""Matching records across sheets by ID."""

import pandas as pd

from kakobuy_xl.keys import first_by_id, id_key, related


def test_first_row_wins_and_rows_without_an_id_never_match():
    by = first_by_id(pd.Series([" C1", "c1", None, "  ", "C2"]), pd.Series([1, 2, 3, 4, 5]))
    assert by.to_dict() == {"c1": 1, "c2": 5}


def test_related_values_keep_the_index_of_the_keys():
    keys = id_key(pd.Series(["o1", "O2 ", None], index=[7, 8, 9]))
    out = related(keys, pd.Series(["O1", "o2", "o1"]),
                  pd.Series([pd.Timestamp("2025-01-02"), None, pd.Timestamp("2025-03-04")]),
                  default="none")
    assert list(out.index) == [7, 8, 9]
    assert out[7] == pd.Timestamp("2025-01-02") and pd.isna(out[8]) and out[9] == "none"
