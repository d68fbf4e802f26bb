"""One suite, run against every WorkbookIO implementation that runs on this machine."""

import datetime as dt

import pandas as pd
import pytest

from kakobuy_xl.errors import SheetNotFound, WorkbookError
from kakobuy_xl.io.base import WorkbookIO
from kakobuy_xl.io.memory import MemoryWorkbook
from kakobuy_xl.io.xlsx import FileWorkbook
from kakobuy_xl.schema import ORDERS


def _orders_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "Order ID": ["O-1", "O-2", "=cmd"],
        "Order Date": [dt.datetime(2025, 1, 2), dt.datetime(2025, 2, 3), None],
        "Qty": [1, 2, 3],
        "Product": ["Sneakers 👟", "مرحبا", "+1 555 0100"],
    })


@pytest.fixture(params=["memory", "file"])
def make_wb(request, shop_path):
    def open_() -> WorkbookIO:
        if request.param == "memory":
            if not hasattr(open_, "mem"):
                open_.mem = MemoryWorkbook({"Orders": pd.DataFrame(columns=list(ORDERS.headers))})
            return open_.mem
        return FileWorkbook(shop_path)
    return open_


def test_protocol_is_implemented(make_wb):
    assert isinstance(make_wb(), WorkbookIO)


def test_append_then_read_back(make_wb):
    wb = make_wb()
    rows = wb.append_rows("Orders", _orders_rows())
    assert rows == [2, 3, 4]
    wb.save()
    t = make_wb().read_table("Orders")
    assert t.frame.index.tolist() == [2, 3, 4]
    assert t.frame["Order ID"].tolist() == ["O-1", "O-2", "=cmd"]
    assert t.frame["Product"].tolist() == ["Sneakers 👟", "مرحبا", "+1 555 0100"]
    assert [float(v) for v in t.frame["Qty"]] == [1.0, 2.0, 3.0]
    assert pd.Timestamp(t.frame["Order Date"][3]) == pd.Timestamp(2025, 2, 3)


def test_write_columns_changes_only_those_cells(make_wb):
    wb = make_wb()
    wb.append_rows("Orders", _orders_rows())
    wb.save()
    wb = make_wb()
    wb.write_columns("Orders", {"Delay Flag": (pd.Series(["yes", None], index=[2, 4]), "choice"),
                                "Days In Transit": (pd.Series([5], index=[3]), "int")})
    assert wb.has_changes
    wb.save()
    t = make_wb().read_table("Orders")
    assert t.frame["Delay Flag"].tolist() == ["yes", None, None]
    assert [None if v is None else float(v) for v in t.frame["Days In Transit"]] == [None, 5.0, None]
    assert t.frame["Order ID"].tolist() == ["O-1", "O-2", "=cmd"]


def test_unknown_sheet_and_column(make_wb):
    wb = make_wb()
    with pytest.raises(SheetNotFound, match="no sheet 'Nope'"):
        wb.read_table("Nope")
    with pytest.raises(WorkbookError, match="no column 'Colour'"):
        wb.append_rows("Orders", pd.DataFrame({"Colour": ["red"]}))


def test_appends_stack_up_before_save(make_wb):
    wb = make_wb()
    assert wb.append_rows("Orders", _orders_rows().head(1)) == [2]
    assert wb.append_rows("Orders", _orders_rows().tail(2)) == [3, 4]
    wb.save()
    assert make_wb().read_table("Orders").frame["Order ID"].tolist() == ["O-1", "O-2", "=cmd"]
