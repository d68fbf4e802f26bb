import datetime as dt

import pandas as pd
import pytest

from kakobuy_xl.io.memory import MemoryWorkbook
from kakobuy_xl.schema import ORDERS, INTERACTIONS
from kakobuy_xl.settings import Settings
from kakobuy_xl.validation import coerce_table, parse_date, parse_number


@pytest.mark.parametrize("text,expected", [
    ("12", 12.0), ("1,234.50", 1234.5), ("1.234,50", 1234.5), ("12,5", 12.5),
    ("$ 19.99", 19.99), ("€5", 5.0), ("75%", 0.75), ("-3", -3.0), ("USD 10", 10.0),
    ("abc", None), ("", None), ("1.2.3", None), ("nan", None),
])
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text,day_first,expected", [
    ("2025-03-04", True, dt.datetime(2025, 3, 4)),
    ("2025/03/04 10:00", True, dt.datetime(2025, 3, 4, 10, 0)),
    ("2025-05-11 09:55:16 -0400", True, dt.datetime(2025, 5, 11, 9, 55, 16)),
    ("2025-05-11T09:55:16Z", True, dt.datetime(2025, 5, 11, 9, 55, 16)),
    ("04/03/2025", True, dt.datetime(2025, 3, 4)),
    ("04/03/2025", False, dt.datetime(2025, 4, 3)),
    ("13/03/2025", False, dt.datetime(2025, 3, 13)),  # only one reading is a date
    ("04.03.25", True, dt.datetime(2025, 3, 4)),
    ("12/24/19 11:23 PM", False, dt.datetime(2019, 12, 24, 23, 23)),
    ("4 Mar 2025", True, dt.datetime(2025, 3, 4)),
    ("March 4, 2025", True, dt.datetime(2025, 3, 4)),
    ("2025年3月4日", True, dt.datetime(2025, 3, 4)),
    ("soon", True, None), ("31/31/2025", True, None), ("4 Mar", True, None), ("", True, None),
])
def test_parse_date(text, day_first, expected):
    assert parse_date(text, day_first) == expected


def _typed(sheet, frame, settings=Settings()):
    wb = MemoryWorkbook({sheet.name: frame})
    return coerce_table(sheet, wb.read_table(sheet.name), settings)


def test_types_are_coerced_and_problems_collected_with_rows():
    frame = pd.DataFrame({
        "Order ID": ["A", "B", "A", None, 1001.0],
        "Order Date": ["2025-01-02", "tomorrow", dt.datetime(2025, 1, 3), None, 45659.0],
        "Qty": ["2", "two", 1.5, None, 3.0],
        "Status": ["Delivered", "in transit", "lost", None, None],
        "Product": [None, None, None, "orphan", None],
    })
    t = _typed(ORDERS, frame)
    f = t.frame
    assert f["order_id"].tolist() == ["A", "B", "A", None, "1001"]
    assert f["order_date"].tolist()[0] == pd.Timestamp(2025, 1, 2)
    assert pd.isna(f["order_date"][3]) and f["order_date"][6] == pd.Timestamp(2025, 1, 2)
    assert f["status"].tolist() == ["delivered", "in_transit", None, None, None]
    p = t.problems.frame()
    by = {(r.excel_row, r.column): r for r in p.itertuples()}
    assert "must be a date" in by[(3, "Order Date")].problem
    assert by[(3, "Order Date")].value == "tomorrow"
    assert "must be a number" in by[(3, "Qty")].problem
    assert "whole number" in by[(4, "Qty")].problem
    assert "must be one of" in by[(4, "Status")].problem
    assert "used twice (first in row 2)" in by[(4, "Order ID")].problem
    assert "no 'Order ID'" in by[(5, "Order ID")].problem
    # Missing columns are reported once each, and rows are still usable.
    missing = p[p.excel_row.isna()]
    assert "Sheet 'Orders' has no column 'Customer ID'" in " ".join(missing.problem)
    assert t.usable


def test_renamed_key_header_is_an_error_with_a_hint():
    frame = pd.DataFrame({"Interaction ID ": ["I1"], "Msg": ["hi"]})
    t = _typed(INTERACTIONS, frame)
    p = t.problems.frame()
    assert t.usable  # header matching ignores case and spaces
    msg = p[p.column == "Message"].problem.iloc[0]
    assert "has no column 'Message'" in msg and "Did you rename 'Msg'?" in msg
    t2 = _typed(INTERACTIONS, pd.DataFrame({"ID": ["I1"]}))
    assert not t2.usable
    assert (t2.problems.frame().severity == "error").any()


def test_mdy_setting_changes_how_typed_dates_read():
    frame = pd.DataFrame({"Order ID": ["A"], "Order Date": ["04/03/2025"]})
    assert _typed(ORDERS, frame, Settings(date_order="MDY")).frame["order_date"][2] == \
        pd.Timestamp(2025, 4, 3)
    assert _typed(ORDERS, frame).frame["order_date"][2] == pd.Timestamp(2025, 3, 4)
