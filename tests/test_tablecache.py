"""The table cache: a hit only for identical bytes, and what it holds equals a fresh read."""

import datetime as dt
import os
import sys
from pathlib import Path

import pandas as pd
import pytest

from kakobuy_xl import api
from kakobuy_xl.io.tablecache import TableCache
from kakobuy_xl.io.xlsx import FileWorkbook
from kakobuy_xl.schema import TABLE_SHEETS

NOW = dt.datetime(2025, 6, 30, 12, 0)


def assert_same_table(a, b):
    assert a.headers == b.headers and a.header_row == b.header_row
    assert a.first_col == b.first_col and a.last_row == b.last_row
    assert a.formula_cells == b.formula_cells and a.error_cells == b.error_cells
    assert a.frame.index.tolist() == b.frame.index.tolist()
    for h in a.headers:
        for x, y in zip(a.frame[h].tolist(), b.frame[h].tolist()):
            if isinstance(x, (dt.date, pd.Timestamp)) or isinstance(y, (dt.date, pd.Timestamp)):
                assert pd.Timestamp(x) == pd.Timestamp(y), (h, x, y)
            else:
                assert x == y, (h, x, y)


def test_tables_predicted_after_a_save_equal_a_fresh_read(tmp_path, demo_path):
    cache = TableCache(tmp_path / "cache")
    demo = FileWorkbook(demo_path)
    for s in TABLE_SHEETS:  # owned columns cleared, so the refresh writes them all again
        t = demo.read_table(s.name)
        owned = {c.header: (pd.Series(None, index=t.frame.index, dtype=object), c.kind)
                 for c in s.owned_columns}
        if len(t.frame):
            demo.write_columns(s.name, owned)
    demo.save()
    wb = FileWorkbook(demo_path, cache)
    wb.append_rows("Interactions", pd.DataFrame({
        "Interaction ID": ["X1"], "Message": ["a\r\nb _x0041_ \x01 " + "z" * 40000],
        "Timestamp": [dt.datetime(2025, 6, 30, 9)]}))
    api.refresh(wb, now=NOW)
    cache.flush()
    # `wb` now holds the saved file; the cache holds what kakobuy predicted for it.
    for s in TABLE_SHEETS:
        cached = FileWorkbook(demo_path, cache).read_table(s.name)
        fresh = FileWorkbook(demo_path).read_table(s.name)
        assert_same_table(cached, fresh)


def test_a_second_read_is_served_from_the_cache(tmp_path, demo_path, monkeypatch):
    cache = TableCache(tmp_path / "cache")
    wb = FileWorkbook(demo_path, cache)
    first = wb.read_table("Orders")
    wb.close()  # hands what was read to the cache
    cache.flush()
    again = FileWorkbook(demo_path, TableCache(tmp_path / "cache"))  # from disk
    monkeypatch.setattr(again, "_values", lambda sheet: pytest.fail("parsed again"))
    assert_same_table(again.read_table("Orders"), first)


def test_any_change_to_the_file_is_a_miss(tmp_path, demo_path):
    cache = TableCache(tmp_path / "cache")
    first = FileWorkbook(demo_path, cache)
    first.read_table("Orders")
    first.close()
    wb = FileWorkbook(demo_path)
    wb.write_columns("Orders", {"Product": (pd.Series(["Changed"], index=[2]), "text")})
    wb.save()
    assert FileWorkbook(demo_path, cache).read_table("Orders").frame["Product"][2] == "Changed"


def test_a_damaged_cache_entry_is_a_miss(tmp_path, demo_path):
    cache = TableCache(tmp_path / "cache")
    first = FileWorkbook(demo_path, cache)
    expected = first.read_table("Customers")
    first.close()
    cache.flush()
    cache = TableCache(tmp_path / "cache")
    for entry in (tmp_path / "cache").glob("*.table"):
        entry.write_bytes(b"not a pickle")
    assert_same_table(FileWorkbook(demo_path, cache).read_table("Customers"), expected)


def test_cache_is_pruned_to_its_size(tmp_path, demo_path):
    cache = TableCache(tmp_path / "cache", max_bytes=1)
    wb = FileWorkbook(demo_path, cache)
    for s in ("Orders", "Customers", "Disputes"):
        wb.read_table(s)
    wb.close()
    cache.flush()
    assert len(list((tmp_path / "cache").glob("*.table"))) <= 1


def test_cache_folder_choice():
    assert api.cache_folder({"KAKOBUY_CACHE_DIR": "off"}) is None
    assert str(api.cache_folder({"KAKOBUY_CACHE_DIR": "/x/y"})) == "/x/y"
    env = {"HOME": "/h", "XDG_CACHE_HOME": "/c", "LOCALAPPDATA": "/l"}
    expected = {"nt": Path("/l/kakobuy-xl/Cache"), "darwin": Path("/h/Library/Caches/kakobuy-xl")}
    key = "nt" if os.name == "nt" else sys.platform
    assert api.cache_folder(env) == expected.get(key, Path("/c/kakobuy-xl"))
    # Without XDG_CACHE_HOME, the usual ~/.cache on Linux.
    if key not in expected:
        assert api.cache_folder({"HOME": "/h"}) == Path("/h/.cache/kakobuy-xl")
