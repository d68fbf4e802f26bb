"""Bad input: every way a real workbook goes wrong gives a message in spreadsheet terms
(sheet, Excel row, column, what was found, how to fix it) and leaves the file intact.

Each case checks the message (the CLI's ``Error: ...`` with exit code 1 and no
traceback, and/or the problems table of ``api.validate``) AND the file afterwards:
byte-identical when nothing should be written, a whole valid workbook otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from lxml import etree

from helpers_workbooks import (
    NOW,
    Error,
    assert_cli_error,
    build_workbook,
    calamine_rows,
    folder_snapshot,
    patch_zip,
    raw_cells,
    run_cli,
    set_table_ref,
    sheet_parts,
    unescape_ooxml,
    user_cells,
    zip_parts,
)
from kakobuy_xl import api, schema
from kakobuy_xl.errors import (
    ConfigError,
    NotAWorkbook,
    SheetNotFound,
    WorkbookError,
    WorkbookLocked,
    WorkbookReadOnly,
)
from kakobuy_xl.io import xlsx as xlsx_module
from kakobuy_xl.io.xlsx import FileWorkbook
from kakobuy_xl.refresh import load_tables, read_settings
from kakobuy_xl.validation import PROBLEM_COLUMNS

NOW_ARG = NOW.isoformat(timespec="minutes")

# Every choice column filled, so each test checks one thing (blank choice cells have
# their own tests: test_blank_cell_in_choice_column_is_just_empty and the next one).
SHIPPED = {"Platform": "eBay", "Ship Date": dt.datetime(2025, 6, 1),
           "Expected Delivery": dt.datetime(2025, 6, 10), "Status": "shipped"}


def order(order_id: str, **cells: object) -> dict[str, object]:
    return {"Order ID": order_id, **SHIPPED, **cells}


def problems_of(path: Path) -> pd.DataFrame:
    problems = api.validate(path)
    assert list(problems.columns) == PROBLEM_COLUMNS
    return problems


def only(problems: pd.DataFrame, **where: object) -> pd.Series:
    """The single problem row matching ``where`` (column=value)."""
    mask = pd.Series(True, index=problems.index)
    for key, value in where.items():
        mask &= (problems[key] == value).fillna(False).astype(bool)
    found = problems[mask]
    assert len(found) == 1, f"{where} -> {len(found)} rows:\n{problems.to_string()}"
    return found.iloc[0]


@pytest.fixture
def unchanged(tmp_path: Path):
    """``unchanged()`` snapshots the test's folder; ``unchanged.check()`` asserts that
    every file in it still has the same bytes and that none was added or removed."""
    before: dict[str, bytes | None] = {}

    def snapshot() -> None:
        before.clear()
        before.update(folder_snapshot(tmp_path))

    def check() -> None:
        after = folder_snapshot(tmp_path)
        assert sorted(after) == sorted(before), "files were added or removed"
        for name, data in before.items():
            assert after[name] == data, f"{name} changed"

    snapshot.check = check  # type: ignore[attr-defined]
    return snapshot


# =================================================================== missing sheet


def test_missing_sheet_is_an_error_with_its_fix(tmp_path, unchanged):
    path = build_workbook(tmp_path / "shop.xlsx", mutate=lambda wb: wb.remove(wb["Orders"]))
    unchanged()
    problems = problems_of(path)
    row = only(problems, sheet="Orders")
    assert row["severity"] == "error"
    assert "no sheet 'Orders'" in row["problem"]
    assert "found: Customers, Interactions" in row["problem"]
    assert "Add a sheet named 'Orders'" in row["fix"]
    assert pd.isna(row["excel_row"])

    result = run_cli("validate", path)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "ERROR" in result.output and "no sheet 'Orders'" in result.output
    unchanged.check()


def test_missing_sheet_read_table_raises_sheet_not_found(tmp_path):
    path = build_workbook(tmp_path / "shop.xlsx", mutate=lambda wb: wb.remove(wb["Orders"]))
    with pytest.raises(SheetNotFound, match=r"no sheet 'Orders' \(found: Customers"):
        FileWorkbook(path).read_table("Orders")


def test_missing_sheet_refresh_skips_its_step_and_does_the_rest(tmp_path):
    path = build_workbook(
        tmp_path / "shop.xlsx",
        {"Interactions": [
            {"Interaction ID": "I1", "Timestamp": dt.datetime(2025, 6, 1, 10, 0),
             "Customer ID": "C1", "Channel": "Email", "Direction": "in", "Status": "sent"},
            {"Interaction ID": "I2", "Timestamp": dt.datetime(2025, 6, 1, 10, 45),
             "Customer ID": "C1", "Channel": "Email", "Direction": "out", "Status": "sent"},
        ]},
        mutate=lambda wb: wb.remove(wb["Orders"]),
    )
    result = run_cli("refresh", path, "--now", NOW_ARG)
    assert result.exit_code == 0, result.output
    assert "Skipped order tracking (see the problems)" in result.output
    assert "1 problems (1 errors)" in result.output
    ws = openpyxl.load_workbook(path)["Interactions"]
    assert ws["U2"].value == 45 and ws["U3"].value is None  # Response Minutes
    assert "Orders" not in openpyxl.load_workbook(path).sheetnames


def test_missing_sheet_and_nothing_else_to_do_writes_nothing(tmp_path, unchanged):
    path = build_workbook(tmp_path / "shop.xlsx", mutate=lambda wb: wb.remove(wb["Orders"]))
    unchanged()
    result = run_cli("refresh", path, "--now", NOW_ARG)
    assert result.exit_code == 0, result.output
    assert "Skipped order tracking" in result.output
    unchanged.check()  # no save, so no backup either


# =================================================================== headers


def _rename_header(sheet: str, old: str, new: str | None):
    def mutate(wb: openpyxl.Workbook) -> None:
        ws = wb[sheet]
        for cell in ws[1]:
            if cell.value == old:
                cell.value = new
        table = next(iter(ws.tables.values()))
        for col in table.tableColumns:
            if col.name == old:
                col.name = new or "Column"
    return mutate


def test_renamed_key_header_is_an_error_that_names_the_rename(tmp_path, unchanged):
    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [order("O1")]},
                          mutate=_rename_header("Orders", "Order ID", "Order"))
    unchanged()
    problems = problems_of(path)
    row = only(problems, sheet="Orders", column="Order ID")
    assert row["severity"] == "error"
    assert "Sheet 'Orders' has no column 'Order ID'" in row["problem"]
    assert "found: Order, Customer ID" in row["problem"]
    assert "Did you rename 'Order'?" in row["problem"]
    assert "Rename the header back to 'Order ID'" in row["fix"]

    out = run_cli("validate", path)
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "Orders!Order ID" in out.output and "Did you rename 'Order'?" in out.output

    # Rows cannot be told apart: refresh computes nothing for Orders and writes nothing.
    result = api.refresh(path, now=NOW)
    assert "order tracking" in result.steps_skipped
    assert not result.saved
    unchanged.check()


def test_renamed_user_header_is_a_warning_and_refresh_goes_on(tmp_path):
    path = build_workbook(tmp_path / "shop.xlsx",
                          {"Orders": [order("O1", Product="Mug")]},
                          mutate=_rename_header("Orders", "Product", "Product Name"))
    row = only(problems_of(path), sheet="Orders", column="Product")
    assert row["severity"] == "warning"
    assert "has no column 'Product'" in row["problem"] and "Did you rename 'Product Name'?" in row["problem"]
    assert "treated as empty" in row["problem"]

    result = api.refresh(path, now=NOW)
    assert result.saved
    ws = openpyxl.load_workbook(path)["Orders"]
    assert ws["E1"].value == "Product Name" and ws["E2"].value == "Mug"  # the user's column as it was
    assert ws["T2"].value == 29 and ws["U2"].value == "yes"


def test_blank_owned_header_is_reported_and_its_column_never_written(tmp_path):
    path = build_workbook(tmp_path / "shop.xlsx",
                          {"Orders": [order("O1", **{"Delay Flag": "mine"})]},
                          mutate=_rename_header("Orders", "Delay Flag", None))
    row = only(problems_of(path), sheet="Orders", column="Delay Flag")
    assert row["severity"] == "warning"
    assert "kakobuy cannot fill it" in row["problem"]
    assert "Add a column headed 'Delay Flag'" in row["fix"]

    result = api.refresh(path, now=NOW)
    assert result.saved
    ws = openpyxl.load_workbook(path)["Orders"]
    assert ws["U1"].value is None and ws["U2"].value == "mine"  # left alone
    assert ws["T2"].value == 29  # Days In Transit still computed


def test_missing_columns_user_and_owned(tmp_path):
    """A table without 'Product' (user) and 'Open Disputes' (owned, the last column)."""
    orders = schema.Sheet(
        "Orders", "Order ID",
        tuple(c for c in schema.ORDERS.columns if c.header not in ("Product", "Open Disputes")))
    sheets = [orders if s.name == "Orders" else s for s in schema.TABLE_SHEETS]
    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [order("O1")]}, sheets=sheets)
    problems = problems_of(path)
    assert only(problems, column="Product")["severity"] == "warning"
    owned = only(problems, column="Open Disputes")
    assert owned["severity"] == "warning" and "kakobuy cannot fill it" in owned["problem"]

    result = api.refresh(path, now=NOW)
    assert result.saved
    ws = openpyxl.load_workbook(path)["Orders"]
    assert ws.max_column == len(orders.columns)  # nothing written right of the table
    assert [c.value for c in ws[1]] == list(orders.headers)
    assert ws["S2"].value == 29 and ws["T2"].value == "yes"


def test_header_with_invisible_byte_order_mark_is_accepted(tmp_path):
    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [order("O1")]},
                          mutate=_rename_header("Orders", "Order ID", "\ufeffOrder ID"))
    problems = problems_of(path)
    assert len(problems) == 0, problems.to_string()


def test_table_below_a_title_and_right_of_column_a(tmp_path):
    def move(wb: openpyxl.Workbook) -> None:
        ws = wb["Orders"]
        ws.move_range("A1:V3", rows=2, cols=1)
        set_table_ref(ws, "B3:W5")

    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [order("O1"), order("O2")]},
                          mutate=move)
    result = api.refresh(path, now=NOW)
    assert result.saved and len(result.problems) == 0
    ws = openpyxl.load_workbook(path)["Orders"]
    assert [ws[f"{c}4"].value for c in "BUVW"] == ["O1", 29, "yes", 0]
    assert [ws[f"{c}5"].value for c in "BUVW"] == ["O2", 29, "yes", 0]
    assert [ws[f"{c}3"].value for c in "UVW"] == ["Days In Transit", "Delay Flag",
                                                  "Open Disputes"]
    assert ws.max_row == 5 and ws["T4"].value is None and ws["X4"].value is None


def test_duplicated_header_is_reported(tmp_path):
    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [order("O1", SKU="A-1")]},
                          mutate=_rename_header("Orders", "Group Buy ID", "SKU"))
    problems = problems_of(path)
    dup = problems[problems["problem"].str.contains("Two columns are headed 'SKU'")]
    assert len(dup) == 1 and "kakobuy reads the first" in dup.iloc[0]["fix"]
    assert only(problems, column="Group Buy ID")["severity"] == "warning"


# =================================================================== keys


def test_duplicate_keys_name_both_rows(tmp_path, unchanged):
    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [
        order("O1"), order("O2"), order(" o1 "), order("O2")]})
    unchanged()
    problems = problems_of(path)
    first = only(problems, excel_row=4)
    assert (first["sheet"], first["column"], first["severity"]) == ("Orders", "Order ID", "error")
    assert first["value"] == " o1 "
    assert "used twice (first in row 2)" in first["problem"]
    assert "Give each row its own Order ID" in first["fix"]
    assert "first in row 3" in only(problems, excel_row=5)["problem"]

    out = run_cli("validate", path)
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "Orders!Order ID row 4" in out.output and "Orders!Order ID row 5" in out.output
    unchanged.check()


def test_row_without_key_is_reported(tmp_path):
    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [
        order("O1"), order(None, Product="orphan")]})  # type: ignore[arg-type]
    row = only(problems_of(path), excel_row=3)
    assert row["column"] == "Order ID" and "has data but no 'Order ID'" in row["problem"]


# =================================================================== bad cell values


def test_text_in_date_and_number_columns(tmp_path, unchanged):
    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [
        order("O1", **{"Ship Date": "next tuesday", "Qty": "three", "Order Value": "12,50 €"}),
        order("O2", **{"Qty": "2.5", "Shipping Cost": "n/a"}),
    ]})
    unchanged()
    problems = problems_of(path)
    assert len(problems) == 4, problems.to_string()
    ship = only(problems, excel_row=2, column="Ship Date")
    assert ship["severity"] == "warning" and ship["value"] == "next tuesday"
    assert ship["problem"] == "'Ship Date' must be a date"
    assert "2025-03-31" in ship["fix"] and "treated as empty" in ship["fix"]
    qty = only(problems, excel_row=2, column="Qty")
    assert qty["value"] == "three" and qty["problem"] == "'Qty' must be a number"
    assert "Type a number" in qty["fix"]
    assert only(problems, excel_row=3, column="Qty")["problem"] == "'Qty' must be a whole number"
    assert only(problems, excel_row=3, column="Shipping Cost")["value"] == "n/a"
    # '12,50 €' is a number written the European way: no problem.
    assert not ((problems["column"] == "Order Value")).any()

    out = run_cli("validate", path)
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "Orders!Ship Date row 2: 'Ship Date' must be a date (found: next tuesday)" in out.output
    assert "Orders!Qty row 2" in out.output and "(found: three)" in out.output
    unchanged.check()


def test_bad_cells_are_never_rewritten_by_refresh(tmp_path):
    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [
        order("O1", **{"Ship Date": "next tuesday", "Qty": "three"}), order("O2")]})
    before = user_cells(path, ["Orders"])
    result = api.refresh(path, now=NOW)
    assert result.saved
    assert user_cells(path, ["Orders"]) == before
    ws = openpyxl.load_workbook(path)["Orders"]
    assert ws["N2"].value == "next tuesday" and ws["G2"].value == "three"
    assert ws["T2"].value is None  # no readable ship date: no days in transit
    assert ws["T3"].value == 29


# =================================================================== dates as text

DELIVERED = dt.datetime(2025, 4, 20)


@pytest.mark.parametrize("text, date_order, expected", [
    ("2025-03-04", "DMY", dt.datetime(2025, 3, 4)),
    ("2025-03-04", "MDY", dt.datetime(2025, 3, 4)),
    ("04/03/2025", "DMY", dt.datetime(2025, 3, 4)),
    ("04/03/2025", "MDY", dt.datetime(2025, 4, 3)),
    ("4 Mar 2025", "DMY", dt.datetime(2025, 3, 4)),
    ("4 Mar 2025", "MDY", dt.datetime(2025, 3, 4)),
    ("2025/03/04 10:00", "DMY", dt.datetime(2025, 3, 4)),
    ("2025-03-11 09:55:16 -0400", "MDY", dt.datetime(2025, 3, 11)),
    ("25/03/2025", "MDY", dt.datetime(2025, 3, 25)),  # no 25th month: read day first
])
def test_date_text_in_a_date_column(tmp_path, text, date_order, expected):
    def settings(wb: openpyxl.Workbook) -> None:
        for row in wb["Settings"].iter_rows(min_row=2):
            if row[0].value == "date_order":
                row[1].value = date_order

    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [order(
        "O1", **{"Ship Date": text, "Delivered Date": DELIVERED, "Status": "delivered"})]},
        mutate=settings)
    wb = FileWorkbook(path)
    tables, problems = load_tables(wb, read_settings(wb))
    assert len(problems) == 0, problems.frame().to_string()
    assert tables["Orders"].frame.loc[2, "ship_date"] == pd.Timestamp(expected)

    result = api.refresh(path, now=NOW)
    assert result.saved and len(result.problems) == 0
    ws = openpyxl.load_workbook(path)["Orders"]
    assert ws["T2"].value == (DELIVERED - expected).days
    assert ws["N2"].value == text  # the typed text stays as typed


def test_date_order_override_beats_the_settings_sheet(tmp_path):
    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [order(
        "O1", **{"Ship Date": "04/03/2025", "Delivered Date": DELIVERED, "Status": "delivered"})]})
    api.refresh(path, now=NOW, settings={"date_order": "MDY"})
    assert openpyxl.load_workbook(path)["Orders"]["T2"].value == 17  # 3 April -> 20 April


@pytest.mark.parametrize("text, expected", [
    ("2025-05-11 09:55:16 -0400", dt.datetime(2025, 5, 11, 9, 55, 16)),  # Shopify export
    ("2025/05/11 09:55", dt.datetime(2025, 5, 11, 9, 55)),
    ("2025-05-11T09:55:16Z", dt.datetime(2025, 5, 11, 9, 55, 16)),
    ("11/05/2025 9:55", dt.datetime(2025, 5, 11, 9, 55)),
    ("11 May 2025 09:55", dt.datetime(2025, 5, 11, 9, 55)),
])
def test_datetime_text_in_a_datetime_column(tmp_path, text, expected):
    reply = expected + dt.timedelta(minutes=30)
    path = build_workbook(tmp_path / "shop.xlsx", {"Interactions": [
        {"Interaction ID": "I1", "Timestamp": text, "Customer ID": "C1", "Channel": "Shopify",
         "Direction": "in", "Status": "sent"},
        {"Interaction ID": "I2", "Timestamp": reply, "Customer ID": "C1", "Channel": "Shopify",
         "Direction": "out", "Status": "sent"},
    ]})
    wb = FileWorkbook(path)
    tables, problems = load_tables(wb, read_settings(wb))
    assert len(problems) == 0, problems.frame().to_string()
    assert tables["Interactions"].frame.loc[2, "timestamp"] == pd.Timestamp(expected)
    api.refresh(path, now=NOW)
    ws = openpyxl.load_workbook(path)["Interactions"]
    assert ws["U2"].value == 30 and ws["B2"].value == text


def test_bad_date_order_setting_is_a_config_error(tmp_path, unchanged):
    def settings(wb: openpyxl.Workbook) -> None:
        for row in wb["Settings"].iter_rows(min_row=2):
            if row[0].value == "date_order":
                row[1].value = "YMD"

    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [order("O1")]}, mutate=settings)
    unchanged()
    with pytest.raises(ConfigError, match="date_order"):
        api.refresh(path, now=NOW)
    assert_cli_error(run_cli("refresh", path, "--now", NOW_ARG),
                     "Setting 'date_order' must be DMY or MDY (found 'YMD')", "Settings sheet")
    unchanged.check()


# =================================================================== empty workbook


def test_empty_workbook_lists_every_missing_sheet_and_writes_nothing(tmp_path, unchanged):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    unchanged()
    problems = problems_of(path)
    assert sorted(problems["sheet"]) == sorted(s.name for s in schema.TABLE_SHEETS
                                               if not s.optional)
    assert (problems["severity"] == "error").all()
    assert problems["problem"].str.contains(r"\(found: Sheet\)").all()
    assert problems["fix"].str.contains("kakobuy init").all()

    out = run_cli("validate", path)
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "no sheet 'Orders' (found: Sheet)" in out.output

    refreshed = run_cli("refresh", path, "--now", NOW_ARG)
    assert refreshed.exit_code == 0 and "Traceback" not in refreshed.output
    assert "9 problems (9 errors)" in refreshed.output
    unchanged.check()


# =================================================================== not a workbook


@pytest.mark.parametrize("name, content, fragments", [
    ("notes.xlsx", b"these are my notes, not a workbook\n",
     ("'notes.xlsx' is not an Excel workbook or is damaged", "save it again as .xlsx")),
    ("orders.csv", b"Order ID,Qty\nO1,2\n",
     ("'orders.csv' is not an Excel workbook (expected .xlsx or .xlsm, found '.csv')",)),
    ("orders.xlsx", b"Order ID,Qty\r\nO1,2\r\n", ("'orders.xlsx' is not an Excel workbook",)),
    ("empty.xlsx", b"", ("'empty.xlsx' is not an Excel workbook",)),
])
@pytest.mark.parametrize("command", ["validate", "refresh"])
def test_file_that_is_not_a_workbook(tmp_path, unchanged, name, content, fragments, command):
    path = tmp_path / name
    path.write_bytes(content)
    unchanged()
    with pytest.raises(NotAWorkbook):
        api.validate(path) if command == "validate" else api.refresh(path, now=NOW)
    assert_cli_error(run_cli(command, path, "--now", NOW_ARG) if command == "refresh"
                     else run_cli(command, path), *fragments)
    unchanged.check()


def test_zip_that_is_not_a_workbook(tmp_path, unchanged):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("photo.txt", "x")
    unchanged()
    assert_cli_error(run_cli("refresh", path, "--now", NOW_ARG),
                     "'photos.xlsx' is a zip file but not an Excel workbook",
                     "Save it from Excel as .xlsx or .xlsm")
    unchanged.check()


def test_folder_is_not_a_workbook(tmp_path, unchanged):
    folder = tmp_path / "shop.xlsx"
    folder.mkdir()
    (folder / "inside.txt").write_text("x")
    unchanged()
    with pytest.raises(NotAWorkbook, match="is a folder, not a workbook"):
        api.refresh(folder, now=NOW)
    with pytest.raises(NotAWorkbook, match="is a folder"):
        api.validate(folder)
    for command in ("validate", "refresh"):
        result = run_cli(command, folder)
        # click's own path check: a usage error (exit 2), still one clear line, no traceback
        assert result.exit_code != 0
        assert "Error:" in result.output and "is a directory" in result.output
        assert "Traceback" not in result.output
    unchanged.check()
    assert (folder / "inside.txt").read_text() == "x"


def test_missing_file(tmp_path, unchanged):
    unchanged()
    assert_cli_error(run_cli("refresh", tmp_path / "nope.xlsx"),
                     "No workbook at", "kakobuy init nope.xlsx")
    unchanged.check()


# =================================================================== damaged zip


def test_truncated_workbook(tmp_path, unchanged):
    real = tmp_path / "real.xlsx"
    build_workbook(real, {"Orders": [order("O1")]})
    data = real.read_bytes()
    real.unlink()
    path = tmp_path / "half.xlsx"
    path.write_bytes(data[: len(data) // 2])
    unchanged()
    for command in ("validate", "refresh"):
        assert_cli_error(run_cli(command, path), "'half.xlsx' is not an Excel workbook or is damaged",
                         "restore the backup 'half.bak.xlsx'")
    with pytest.raises(NotAWorkbook):
        api.refresh(path, now=NOW)
    unchanged.check()


def test_workbook_with_a_corrupt_part(tmp_path, unchanged):
    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [order("O1")]})
    part = sheet_parts(path)["Orders"]
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(part)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 16
    for i in range(start, start + 48):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    unchanged()
    with pytest.raises(NotAWorkbook):
        api.refresh(path, now=NOW)
    assert_cli_error(run_cli("refresh", path, "--now", NOW_ARG), "Orders")
    unchanged.check()


# =================================================================== read-only / locked


@pytest.fixture
def shop_with_work(tmp_path: Path) -> Path:
    """A workbook whose refresh has cells to write."""
    return build_workbook(tmp_path / "shop.xlsx", {"Orders": [order("O1"), order("O2")]})


def test_read_only_file_is_refused_before_any_work(shop_with_work, unchanged):
    path = shop_with_work
    os.chmod(path, 0o444)  # root could still write it: kakobuy checks the mode bits
    try:
        unchanged()
        with pytest.raises(WorkbookReadOnly):
            api.refresh(path, now=NOW)
        assert_cli_error(run_cli("refresh", path, "--now", NOW_ARG),
                         "'shop.xlsx' is read-only", "Clear its read-only attribute")
        assert stat.S_IMODE(path.stat().st_mode) == 0o444
        # Reading is still fine.
        assert run_cli("validate", path).exit_code == 0
        dry = run_cli("refresh", path, "--dry-run", "--now", NOW_ARG)
        assert dry.exit_code == 0 and "cells would change" in dry.output
        unchanged.check()
    finally:
        os.chmod(path, 0o644)


def test_read_only_file_refused_by_save(shop_with_work, unchanged):
    wb = FileWorkbook(shop_with_work)
    wb.append_rows("Orders", pd.DataFrame({"Order ID": ["O3"]}))
    os.chmod(shop_with_work, 0o400)
    try:
        unchanged()
        with pytest.raises(WorkbookReadOnly, match="read-only"):
            wb.save()
        unchanged.check()
    finally:
        os.chmod(shop_with_work, 0o644)


@pytest.mark.parametrize("lock_name", ["~$shop.xlsx", "~$op.xlsx"])
def test_workbook_open_in_excel_is_refused(shop_with_work, unchanged, lock_name):
    lock = shop_with_work.with_name(lock_name)
    lock.write_bytes(b"\x0bExcel user" + b" " * 40)
    unchanged()
    with pytest.raises(WorkbookLocked):
        api.refresh(shop_with_work, now=NOW)
    out = assert_cli_error(run_cli("refresh", shop_with_work, "--now", NOW_ARG),
                           "'shop.xlsx' is open in Excel", f"lock file '{lock_name}'",
                           "Close it in Excel first")
    assert "delete the lock file" in out
    # Reading an open workbook is fine; so is a dry run.
    assert run_cli("validate", shop_with_work).exit_code == 0
    assert run_cli("refresh", shop_with_work, "--dry-run", "--now", NOW_ARG).exit_code == 0
    unchanged.check()


def test_lock_appearing_before_save_is_refused(shop_with_work, unchanged):
    wb = FileWorkbook(shop_with_work)
    wb.append_rows("Orders", pd.DataFrame({"Order ID": ["O3"]}))
    shop_with_work.with_name("~$shop.xlsx").write_bytes(b"x")
    unchanged()
    with pytest.raises(WorkbookLocked, match="Close it in Excel first"):
        wb.save()
    unchanged.check()


def test_failure_while_writing_leaves_the_old_file(shop_with_work, unchanged, monkeypatch):
    def broken(src, dst, *args, **kwargs):
        dst.write(b"PK\x03\x04 half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsx_module, "rewrite_zip", broken)
    unchanged()
    with pytest.raises(WorkbookError, match="could not be saved.*Nothing was changed"):
        api.refresh(shop_with_work, now=NOW)
    unchanged.check()  # no temp file, no backup, same bytes


def test_replace_refused_by_another_program(shop_with_work, monkeypatch):
    before = shop_with_work.read_bytes()

    def refused(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(xlsx_module.os, "replace", refused)
    result = run_cli("refresh", shop_with_work, "--now", NOW_ARG)
    assert_cli_error(result, "could not be replaced", "Nothing was changed")
    assert shop_with_work.read_bytes() == before
    names = sorted(p.name for p in shop_with_work.parent.iterdir())
    assert names == ["shop.bak.xlsx", "shop.xlsx"]  # the backup is a copy of the same file
    assert shop_with_work.with_name("shop.bak.xlsx").read_bytes() == before


# =================================================================== full sheets


def test_table_reaching_the_last_row_refreshes(tmp_path):
    def full(wb: openpyxl.Workbook) -> None:
        set_table_ref(wb["Orders"], "A1:V1048576")

    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [order("O1"), order("O2")]},
                          mutate=full)
    assert len(problems_of(path)) == 0
    result = api.refresh(path, now=NOW)
    assert result.saved and result.cells_changed == 6
    wb = openpyxl.load_workbook(path)
    ws = wb["Orders"]
    assert ws.tables["Orders"].ref == "A1:V1048576"
    assert [ws[f"T{r}"].value for r in (2, 3)] == [29, 29]
    assert ws.max_row == 3  # nothing written below the data

    # Appending goes right under the last used row, inside the table.
    fw = FileWorkbook(path)
    assert fw.append_rows("Orders", pd.DataFrame({"Order ID": ["O3"]})) == [4]
    fw.save()
    ws = openpyxl.load_workbook(path)["Orders"]
    assert ws["A4"].value == "O3" and ws.tables["Orders"].ref == "A1:V1048576"


def test_appending_to_a_full_table_is_a_clear_error(tmp_path, unchanged):
    log = schema.Sheet("Log", "Key", (schema.Column("Key", required=True),
                                      schema.Column("Note")))

    def full(wb: openpyxl.Workbook) -> None:
        ws = wb["Log"]
        ws["A2"], ws["B2"] = "k2", "first"
        ws["A1048576"], ws["B1048576"] = "klast", "last"
        set_table_ref(ws, "A1:B1048576")

    path = build_workbook(tmp_path / "log.xlsx", sheets=[log], mutate=full)
    unchanged()
    wb = FileWorkbook(path)
    assert wb.read_table("Log").frame.index[-1] == 1_048_576
    with pytest.raises(WorkbookError) as err:
        wb.append_rows("Log", pd.DataFrame({"Key": ["new"], "Note": ["x"]}))
    message = str(err.value)
    assert "Sheet 'Log' is full" in message and "1,048,576 rows" in message
    assert "archive workbook" in message
    assert not wb.has_changes
    wb.save()  # nothing staged: nothing written
    unchanged.check()


def test_append_that_would_overflow_is_refused_whole(tmp_path, unchanged):
    log = schema.Sheet("Log", "Key", (schema.Column("Key", required=True),))

    def nearly_full(wb: openpyxl.Workbook) -> None:
        ws = wb["Log"]
        ws["A1048574"] = "k"
        set_table_ref(ws, "A1:A1048574")

    path = build_workbook(tmp_path / "log.xlsx", sheets=[log], mutate=nearly_full)
    unchanged()
    wb = FileWorkbook(path)
    with pytest.raises(WorkbookError, match="3 more rows do not fit"):
        wb.append_rows("Log", pd.DataFrame({"Key": ["a", "b", "c"]}))
    assert not wb.has_changes  # not even the two that would fit
    unchanged.check()


# =================================================================== formulas, errors


def _with_cached_values(path: Path, sheet: str, cached: dict[bytes, bytes]) -> None:
    """Give formulas a cached value, as Excel saves them (openpyxl writes none)."""
    def edit(xml: bytes) -> bytes:
        for formula, value in cached.items():
            old = b"<f>" + formula + b"</f><v></v>"
            assert old in xml, old
            xml = xml.replace(old, b"<f>" + formula + b"</f><v>" + value + b"</v>")
        return xml
    patch_zip(path, {sheet_parts(path)[sheet]: edit})


def test_formulas_and_errors_in_user_columns_are_warnings(tmp_path):
    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [
        order("O1", Qty="=1+1"),                                      # no cached value
        order("O2", **{"Ship Date": "=DATE(2025,6,2)", "Qty": "=2+2"}),  # cached values
        order("O3", **{"Order Value": Error("#N/A"), "Ship Date": Error("#N/A")}),
        order("O4", **{"Product": Error("#REF!")}),
    ]})
    _with_cached_values(path, "Orders", {b"DATE(2025,6,2)": b"45810", b"2+2": b"4"})
    before = user_cells(path, ["Orders"])
    parts_before = zip_parts(path)

    problems = problems_of(path)
    no_value = only(problems, excel_row=2, column="Qty")
    assert no_value["severity"] == "warning"
    assert "holds a formula with no computed value" in no_value["problem"]
    assert "let it calculate and save it" in no_value["fix"]
    na = only(problems, excel_row=4, column="Order Value")
    assert (na["severity"], na["value"]) == ("warning", "#N/A")
    assert "holds the error #N/A" in na["problem"] and "treated as empty" in na["fix"]
    assert only(problems, excel_row=4, column="Ship Date")["value"] == "#N/A"
    assert only(problems, excel_row=5, column="Product")["value"] == "#REF!"
    # A formula that Excel has calculated is an ordinary value: no problem.
    assert not (problems["excel_row"] == 3).any()
    assert (problems["severity"] == "warning").all() and len(problems) == 4

    out = run_cli("validate", path)
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "Orders!Order Value row 4: 'Order Value' holds the error #N/A" in out.output

    result = api.refresh(path, now=NOW)
    assert result.saved and len(result.problems) == 4
    ws = openpyxl.load_workbook(path)["Orders"]
    assert [ws[f"T{r}"].value for r in range(2, 6)] == [29, 28, None, 29]  # O2 from cache
    assert user_cells(path, ["Orders"]) == before
    part = sheet_parts(path)["Orders"]
    cells_before, cells_after = raw_cells(parts_before[part]), raw_cells(zip_parts(path)[part])
    for ref in ("G2", "G3", "N3", "H4", "N4", "E5"):  # formulas and errors: same bytes
        assert cells_after[ref] == cells_before[ref]


def test_formula_in_an_owned_column_is_left_alone_and_reported(tmp_path):
    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [
        order("O1", **{"Days In Transit": "=5*2"}),
        order("O2", **{"Days In Transit": "=6*2", "Delay Flag": Error("#N/A")}),
        order("O3", **{"Delay Flag": '=IF(TRUE,"yes","no")'}),
    ]})
    _with_cached_values(path, "Orders", {b"6*2": b"12", b'IF(TRUE,"yes","no")': b"yes"})
    part = sheet_parts(path)["Orders"]
    cells_before = raw_cells(zip_parts(path)[part])

    problems = problems_of(path)
    for row, column in ((2, "Days In Transit"), (3, "Days In Transit"), (4, "Delay Flag")):
        p = only(problems, excel_row=row, column=column)
        assert p["severity"] == "warning"
        assert "computed by kakobuy, but this cell holds a formula" in p["problem"]
        assert "Move your formula to a column of your own" in p["fix"]
    # An error in an owned column is no problem: refresh overwrites it.
    assert len(problems) == 3

    result = api.refresh(path, now=NOW)
    assert result.saved
    cells_after = raw_cells(zip_parts(path)[part])
    for ref in ("T2", "T3", "U4"):
        assert cells_after[ref] == cells_before[ref]
        assert b"<f>" in cells_after[ref]
    ws = openpyxl.load_workbook(path)["Orders"]
    assert ws["T4"].value == 29
    assert ws["U3"].value == "yes" and ws["U3"].data_type == "s"  # #N/A replaced
    assert ws["T2"].value == "=5*2"


# =================================================================== text round trips

# Text as it arrives from CSV exports and chat apps.
MESSAGES = [
    "CafÃ© au lait â€“ wrong encoding",         # UTF-8 read as cp1252 (mojibake)
    b"\x93quoted\x94 \x96 dash".decode("latin-1"),  # cp1252 bytes read as latin-1 (C1 chars)
    "Ol\ufffd, n\ufffdo chegou",                  # replacement characters
    "CTRL",                                       # control characters: patched in below
    "Where is my parcel? 📦😡 👍🏽 🇹🇭",           # emoji, skin tone, flag
    "مرحبا، أين طلبي رقم 123؟",                  # Arabic (right to left)
    "שלום, ההזמנה שלי לא הגיעה",                 # Hebrew (right to left)
    "mixed \u202eevil\u202c and \u200fRLM\u200e",  # bidi controls
    "  leading and trailing  ",
    "line one\nline two\ttab",
    "<b>&amp; \"quotes\" 'single'</b>",
    "LITERAL",                                    # the text '_x0041_': patched in below
]
# Placeholder -> (XML text as Excel stores it, the text the user sees). openpyxl can
# write neither: it refuses control characters and does not escape '_x0041_'.
PATCHED = {
    "CTRL": ("a_x0001_b_x000B_c_x001F_d", "a\x01b\x0bc\x1fd"),
    "LITERAL": ("_x005F_x0041_ looks like an escape", "_x0041_ looks like an escape"),
}
TEXTS = [PATCHED[m][1] if m in PATCHED else m for m in MESSAGES]


def _conversation(messages: list[str]) -> list[dict[str, object]]:
    start = dt.datetime(2025, 6, 1, 9, 0)
    rows = []
    for i, text in enumerate(messages):
        rows.append({"Interaction ID": f"I{i + 1}", "Timestamp": start + dt.timedelta(minutes=10 * i),
                     "Customer ID": "C1", "Channel": "WhatsApp",
                     "Direction": "in" if i % 2 == 0 else "out", "Status": "sent",
                     "Message": text})
    return rows


def _patch_text(path: Path, sheet: str, placeholder: str, xml_text: str) -> None:
    """Swap a placeholder cell text for raw XML text openpyxl cannot write."""
    old = f">{placeholder}<".encode()

    def edit(xml: bytes) -> bytes:
        assert xml.count(old) == 1
        return xml.replace(old, f">{xml_text}<".encode())

    parts = zip_parts(path)
    name = "xl/sharedStrings.xml" if old in parts.get("xl/sharedStrings.xml", b"") \
        else sheet_parts(path)[sheet]
    patch_zip(path, {name: edit})


def _all_parts_parse(path: Path) -> None:
    for name, data in zip_parts(path).items():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(data)  # raises on anything that is not well-formed XML


def test_foreign_text_round_trips_through_refresh(tmp_path):
    path = build_workbook(tmp_path / "shop.xlsx", {"Interactions": _conversation(MESSAGES)})
    for placeholder, (xml_text, _text) in PATCHED.items():
        _patch_text(path, "Interactions", placeholder, xml_text)
    expected = TEXTS
    assert [r[8] for r in calamine_rows(path, "Interactions")[1:]] == expected
    part = sheet_parts(path)["Interactions"]
    cells_before = raw_cells(zip_parts(path)[part])
    before = user_cells(path)

    result = api.refresh(path, now=NOW)
    assert result.saved and len(result.problems) == 0
    assert ("Interactions", "Response Minutes") in {(r.sheet, r.column)
                                                    for r in result.changes.itertuples()}
    _all_parts_parse(path)
    assert [r[8] for r in calamine_rows(path, "Interactions")[1:]] == expected
    assert user_cells(path) == before
    cells_after = raw_cells(zip_parts(path)[part])
    for r in range(2, 2 + len(MESSAGES)):
        assert cells_after[f"I{r}"] == cells_before[f"I{r}"]
    ws = openpyxl.load_workbook(path)["Interactions"]
    assert [ws[f"U{r}"].value for r in range(2, 6)] == [10, None, 10, None]
    assert FileWorkbook(path).read_table("Interactions").frame["Message"].tolist() == expected


def test_text_written_by_kakobuy_stays_valid_xml(tmp_path):
    path = build_workbook(tmp_path / "shop.xlsx", {"Interactions": _conversation(["hi", "hello"])})
    texts = TEXTS + [
        "\x00nul\x08bs\x0cff\x1b[0m", "=SUM(1,2)"]
    wb = FileWorkbook(path)
    rows = wb.append_rows("Interactions", pd.DataFrame({
        "Interaction ID": [f"N{i}" for i in range(len(texts))], "Message": texts,
        "Translation": texts}))
    wb.write_columns("Interactions", {"Translation": (
        pd.Series(["مرحبا 😀", "a\x01b"], index=[2, 3]), "text")})
    wb.save()

    _all_parts_parse(path)
    expected = ["مرحبا 😀", "a\x01b"] + texts
    cal = calamine_rows(path, "Interactions")
    assert [r[8] for r in cal[rows[0] - 1: rows[-1]]] == texts
    assert [r[18] for r in cal[1:]] == expected
    ws = openpyxl.load_workbook(path)["Interactions"]
    # openpyxl leaves OOXML's _xHHHH_ escapes in place: undo them to compare.
    got = [unescape_ooxml(ws.cell(row=r, column=19).value) for r in range(2, rows[-1] + 1)]
    assert got == expected
    assert FileWorkbook(path).read_table("Interactions").frame["Translation"].tolist() == expected


def test_carriage_return_written_by_kakobuy_survives(tmp_path):
    path = build_workbook(tmp_path / "shop.xlsx", {"Interactions": _conversation(["hi"])})
    wb = FileWorkbook(path)
    wb.append_rows("Interactions", pd.DataFrame({
        "Interaction ID": ["N1"], "Message": ["Dear seller,\r\nwhere is it?\rThanks"]}))
    wb.save()
    assert calamine_rows(path, "Interactions")[2][8] == "Dear seller,\r\nwhere is it?\rThanks"


def test_carriage_return_typed_in_excel_survives_refresh(tmp_path):
    """Excel stores CR as _x000D_; the refresh copies the cell as it was."""
    path = build_workbook(tmp_path / "shop.xlsx", {"Interactions": _conversation(["CR", "ok"])})
    _patch_text(path, "Interactions", "CR", "line_x000D_\nnext")
    api.refresh(path, now=NOW)
    assert calamine_rows(path, "Interactions")[1][8] == "line\r\nnext"


# =================================================================== choice columns, CLI


# Regression tests: under pandas 3, Series.map turned None into NaN and
# validation._Coercer.choice crashed with a TypeError (fixed while these were written).
def test_blank_cell_in_choice_column_is_just_empty(tmp_path):
    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [
        order("O1"), order("O2", Status=None)]})
    problems = api.validate(path)
    assert len(problems) == 0
    result = run_cli("refresh", path, "--now", NOW_ARG)
    assert result.exit_code == 0, result.output


def test_second_refresh_with_blank_owned_choice_cells(tmp_path):
    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [
        order("O1"), order("O2", **{"Expected Delivery": None})]})
    first = run_cli("refresh", path, "--now", NOW_ARG)
    assert first.exit_code == 0, first.output
    ws = openpyxl.load_workbook(path)["Orders"]
    assert (ws["U2"].value, ws["U3"].value) == ("yes", None)
    second = run_cli("refresh", path, "--now", NOW_ARG)
    assert second.exit_code == 0, second.output


def test_cli_problem_lines_have_clean_punctuation(tmp_path):
    path = build_workbook(tmp_path / "shop.xlsx", {"Orders": [order("O1")]},
                          mutate=_rename_header("Orders", "Order ID", "Order"))
    path2 = build_workbook(tmp_path / "nosheet.xlsx", mutate=lambda wb: wb.remove(wb["Orders"]))
    out = run_cli("validate", path).output + run_cli("validate", path2).output
    assert "?." not in out and ".." not in out, out
