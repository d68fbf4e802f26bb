import datetime as dt

import pandas as pd
import pytest

from kakobuy_xl import api
from kakobuy_xl.io.memory import MemoryWorkbook
from kakobuy_xl.io.xlsx import FileWorkbook
from kakobuy_xl.refresh import refresh
from kakobuy_xl.schema import SHEETS
from kakobuy_xl.settings import Settings

NOW = dt.datetime(2025, 6, 30, 12, 0)
T = pd.Timestamp


def blank(name: str, rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(SHEETS[name].headers))


@pytest.fixture
def shop() -> MemoryWorkbook:
    return MemoryWorkbook({
        "Customers": blank("Customers", [{"Customer ID": "C1"}, {"Customer ID": "c2 "},
                                         {"Customer ID": "C3"}]),
        "Orders": blank("Orders", [
            # shipped, still travelling, 3 days past expected (+2 grace) -> delayed
            {"Order ID": "O1", "Customer ID": "C1", "Ship Date": T("2025-06-10"),
             "Expected Delivery": T("2025-06-25"), "Status": "shipped"},
            # delivered on time
            {"Order ID": "O2", "Customer ID": "C2", "Ship Date": "2025-06-01",
             "Expected Delivery": "2025-06-10", "Delivered Date": "2025-06-09",
             "Status": "delivered"},
            # delivered late
            {"Order ID": "O3", "Customer ID": "C2", "Ship Date": T("2025-05-01"),
             "Expected Delivery": T("2025-05-10"), "Delivered Date": T("2025-05-20"),
             "Status": "delivered"},
            # not shipped yet, no expectation
            {"Order ID": "O4", "Customer ID": "C3", "Status": "paid"},
        ]),
        "Interactions": blank("Interactions", [
            {"Interaction ID": "I1", "Customer ID": "C1", "Direction": "in",
             "Timestamp": T("2025-06-28 10:00"), "Message": "where is my order??"},
            {"Interaction ID": "I2", "Customer ID": "C1", "Direction": "out", "Status": "draft",
             "Timestamp": T("2025-06-28 10:05"), "Message": "draft"},
            {"Interaction ID": "I3", "Customer ID": "C1", "Direction": "out", "Status": "sent",
             "Timestamp": T("2025-06-28 11:30"), "Message": "on its way"},
            {"Interaction ID": "I4", "Customer ID": "C2", "Direction": "in",
             "Timestamp": T("2025-06-29 09:00"), "Message": "=1+1"},
        ]),
        "Disputes": blank("Disputes", [
            {"Dispute ID": "D1", "Customer ID": "C2", "Order ID": "O3", "Status": "open"},
            {"Dispute ID": "D2", "Customer ID": "C2", "Order ID": "O2", "Status": "resolved",
             "CSAT": 4},
            {"Dispute ID": "D3", "Customer ID": "C2", "Order ID": "O3", "Status": "closed",
             "CSAT": 2},
        ]),
    })


def test_computed_columns(shop):
    result = refresh(shop, Settings(), NOW)
    orders = shop.sheets["Orders"].set_index("Order ID")
    assert orders["Days In Transit"].tolist() == [20, 8, 19, None]
    assert orders["Delay Flag"].tolist() == ["yes", "no", "yes", None]
    assert orders["Open Disputes"].tolist() == [0, 0, 1, 0]
    inter = shop.sheets["Interactions"].set_index("Interaction ID")
    assert inter["Response Minutes"].tolist() == [90.0, None, None, None]
    cust = shop.sheets["Customers"].set_index("Customer ID")
    assert cust["Interactions"].tolist() == [3, 1, 0]
    assert cust["Disputes"].tolist() == [0, 3, 0]
    assert cust["Open Disputes"].tolist() == [0, 1, 0]
    assert cust["CSAT Avg"].tolist()[1] == 3.0
    assert cust["Last Contact"].tolist()[0] == dt.datetime(2025, 6, 28, 11, 30)
    assert result.saved and result.cells_changed > 0
    # Missing sheets are problems, not failures.
    assert "no sheet 'Templates'" in " ".join(result.problems.problem)


def test_second_refresh_writes_nothing(shop):
    refresh(shop, Settings(), NOW)
    saves = shop.saves
    again = refresh(shop, Settings(), NOW)
    assert again.cells_changed == 0 and not again.saved and shop.saves == saves
    assert "Nothing to change" in again.summary()


def test_grace_days_setting(shop):
    refresh(shop, Settings(delay_grace_days=10), NOW)
    assert shop.sheets["Orders"]["Delay Flag"].tolist() == ["no", "no", "no", None]


def test_dry_run_writes_nothing(shop):
    result = refresh(shop, Settings(), NOW, dry_run=True)
    assert result.cells_changed > 0 and not result.saved
    assert shop.saves == 0
    assert shop.sheets["Orders"]["Delay Flag"].isna().all()
    assert "would change" in result.summary()


def test_file_refresh_is_idempotent_to_the_byte(demo_path):
    before = demo_path.read_bytes()
    result = api.refresh(demo_path, now=NOW)
    assert result.cells_changed == 0 and not result.saved
    assert demo_path.read_bytes() == before


def test_file_dry_run_leaves_file_and_makes_no_backup(shop_path):
    wb = FileWorkbook(shop_path)
    wb.append_rows("Orders", pd.DataFrame({"Order ID": ["O1"], "Ship Date": [dt.datetime(2025, 6, 1)]}))
    wb.save()
    backup = shop_path.with_name("shop.bak.xlsx")
    backup.unlink()
    before = shop_path.read_bytes()
    result = api.refresh(shop_path, now=NOW, dry_run=True)
    assert result.changes.set_index("column")["cells"].to_dict() == {
        "Days In Transit": 1, "Open Disputes": 1}
    assert shop_path.read_bytes() == before and not backup.exists()
    api.refresh(shop_path, now=NOW)
    assert FileWorkbook(shop_path).read_table("Orders").frame["Days In Transit"].tolist() == [29.0]
    assert backup.read_bytes() == before


def test_a_missing_sheet_does_not_stop_the_rest(shop):
    del shop.sheets["Customers"]
    result = refresh(shop, Settings(), NOW)
    assert shop.sheets["Orders"]["Delay Flag"].tolist()[0] == "yes"
    assert "customer activity" in result.steps_skipped


def test_ids_match_across_sheets_whatever_their_case_and_spaces(shop):
    shop.sheets["Disputes"].loc[4, "Order ID"] = " o2 "  # D3, reopened, typed loosely
    shop.sheets["Disputes"].loc[4, "Status"] = "open"
    refresh(shop, Settings(), NOW)
    orders = shop.sheets["Orders"].set_index("Order ID")
    assert orders["Open Disputes"].tolist() == [0, 1, 1, 0]
