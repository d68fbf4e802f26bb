"""Refresh is lossless: only the cells kakobuy owns change, every other byte stays.

A macro-enabled shop workbook is built the way users have them (kakobuy's tables,
rows typed in, a chart, an image, conditional formatting, a data validation, a
defined name, a formula, a sheet of their own, a VBA project and a ribbon), refreshed,
and compared part by part with what it was. Also: text that looks like a formula is
stored as text, and a property test of the worksheet-XML writer.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import python_calamine
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl.chart import BarChart, Reference
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from helpers_workbooks import (
    NOW,
    NS_MAIN,
    REL_RIBBON,
    REL_VBA,
    RIBBON_PART,
    VBA_PART,
    calamine_rows,
    fill_rows,
    macro_enable,
    part_rels,
    raw_cells,
    sheet_parts,
    unescape_ooxml,
    user_cells,
    zip_parts,
)
from kakobuy_xl import api, schema
from kakobuy_xl.io import sheetxml as sx
from kakobuy_xl.io.create import XLSM_MAIN, create_workbook
from kakobuy_xl.io.xlsx import FileWorkbook

# ------------------------------------------------------------------ building the shop


def tiny_png() -> bytes:
    """A valid 2x2 red PNG, made by hand (Pillow is not installed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class RawPNG(Image):
    """openpyxl's Image without Pillow: the bytes are given, not sniffed."""

    def __init__(self, data: bytes) -> None:  # noqa: D107 - no super(): it needs Pillow
        self.ref = io.BytesIO(data)
        self._png = data
        self.width, self.height = 32, 32
        self.format = "png"

    def _data(self) -> bytes:
        return self._png


D = dt.datetime
ORDERS = [
    {"Order ID": "O1", "Customer ID": "C1", "Platform": "eBay", "Product": "Mug", "Qty": 2,
     "Order Value": 25.0, "Currency": "USD", "Ship Date": D(2025, 6, 1),
     "Expected Delivery": D(2025, 6, 10), "Status": "shipped"},
    {"Order ID": "O2", "Customer ID": "C2", "Platform": "Shopify", "Product": "Café crème ☕",
     "Qty": 1, "Order Value": 9.5, "Currency": "EUR", "Ship Date": D(2025, 6, 1),
     "Delivered Date": D(2025, 6, 8), "Expected Delivery": D(2025, 6, 10),
     "Status": "delivered"},
    {"Order ID": "O3", "Customer ID": "C1", "Platform": "eBay", "Product": "شاي", "Qty": 3,
     "Order Value": 30.0, "Currency": "USD", "Ship Date": D(2025, 6, 20),
     "Expected Delivery": D(2025, 7, 5), "Status": "in_transit"},
    {"Order ID": "O4", "Customer ID": "C3", "Platform": "TikTok Shop", "Product": "Bowl 🥣",
     "Qty": 2, "Order Value": "=G5*12.5", "Currency": "THB", "Ship Date": D(2025, 6, 1),
     "Delivered Date": D(2025, 6, 15), "Expected Delivery": D(2025, 6, 10),
     "Status": "delivered"},
]
INTERACTIONS = [
    {"Interaction ID": "I1", "Timestamp": D(2025, 6, 1, 9, 0), "Customer ID": "C1",
     "Channel": "WhatsApp", "Direction": "in", "Status": "sent",
     "Message": "Where is my mug? 😟"},
    {"Interaction ID": "I2", "Timestamp": D(2025, 6, 1, 9, 45), "Customer ID": "C1",
     "Channel": "WhatsApp", "Direction": "out", "Status": "sent",
     "Message": "It is on its way."},
    {"Interaction ID": "I3", "Timestamp": D(2025, 6, 2, 10, 0), "Customer ID": "c2 ",
     "Channel": "Email", "Direction": "in", "Status": "sent", "Message": "שלום, תודה"},
    {"Interaction ID": "I4", "Timestamp": D(2025, 6, 2, 10, 5), "Customer ID": "C2",
     "Channel": "Email", "Direction": "out", "Status": "draft", "Message": "Draft reply"},
]
CUSTOMERS = [
    {"Customer ID": "C1", "Name": "Kim", "Preferred Language": "ko", "Channel": "WhatsApp"},
    {"Customer ID": "C2", "Name": "Zoë", "Preferred Language": "fr", "Channel": "Email"},
    {"Customer ID": "C3", "Name": "سارة", "Preferred Language": "ar", "Channel": "TikTok Shop"},
]
DISPUTES = [
    {"Dispute ID": "D1", "Opened At": D(2025, 6, 5, 10, 0), "Customer ID": "C1",
     "Order ID": "O1", "Platform": "eBay", "Description": "Not received", "Status": "open",
     "CSAT": 4},
]

# What the refresh must compute, at NOW = 2025-06-30 12:00 with 2 days of grace.
EXPECTED = {
    "Orders": {"Days In Transit": [29, 7, 10, 14], "Delay Flag": ["yes", "no", "no", "yes"],
               "Open Disputes": [1, 0, 0, 0]},
    "Interactions": {"Response Minutes": [45, None, None, None]},
    "Customers": {"Interactions": [2, 2, 0], "Disputes": [1, 0, 0], "Open Disputes": [1, 0, 0],
                  "Last Contact": [D(2025, 6, 1, 9, 45), D(2025, 6, 2, 10, 5), None],
                  "CSAT Avg": [4, None, None]},
}


def _decorate(wb: openpyxl.Workbook) -> None:
    """What users add around kakobuy's tables."""
    orders = wb["Orders"]
    orders.conditional_formatting.add(
        "T2:T1000", CellIsRule(operator="greaterThan", formula=["20"],
                               fill=PatternFill("solid", start_color="FFFFC7CE",
                                                end_color="FFFFC7CE")))
    wb.defined_names["ShipDates"] = DefinedName("ShipDates", attr_text="Orders!$N$2:$N$5")

    mine = wb.create_sheet("My Notes")
    mine["A1"], mine["B1"], mine["C1"] = "Note", "Amount", "Orders"
    mine["A2"], mine["B2"] = "Call the carrier ☎", 12.5
    mine["A3"], mine["B3"] = "=HYPERLINK(\"http://example.com\",\"site\")", 3
    mine["C2"] = "=COUNTA(Orders!A2:A1000)"
    dv = DataValidation(type="whole", operator="between", formula1="0", formula2="100")
    dv.add("B2:B50")
    mine.add_data_validation(dv)
    chart = BarChart()
    chart.title = "Qty per order"
    chart.add_data(Reference(orders, min_col=7, min_row=1, max_row=5), titles_from_data=True)
    chart.set_categories(Reference(orders, min_col=1, min_row=2, max_row=5))
    mine.add_chart(chart, "E2")
    mine.add_image(RawPNG(tiny_png()), "E20")


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    build = tmp_path / "build"
    build.mkdir()
    base = build / "base.xlsx"
    create_workbook(base)
    wb = openpyxl.load_workbook(base)
    for sheet, rows in (("Orders", ORDERS), ("Interactions", INTERACTIONS),
                        ("Customers", CUSTOMERS), ("Disputes", DISPUTES)):
        fill_rows(wb, sheet, rows)
    _decorate(wb)
    wb.save(base)
    folder = tmp_path / "shop"
    folder.mkdir()
    path = folder / "shop.xlsm"
    macro_enable(base, path, random.Random(20250630).randbytes(6000))
    return path


def _column_values(path: Path, sheet: str, header: str, n: int) -> list[object]:
    ws = openpyxl.load_workbook(path)[sheet]
    col = [c.value for c in ws[1]].index(header) + 1
    return [ws.cell(row=r, column=col).value for r in range(2, 2 + n)]


def _split(ref: str) -> tuple[int, int]:
    """``'AB12'`` -> (12, 28)."""
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
    return int(digits), sx.col_index(letters)


def _outside_sheet_data(xml: bytes) -> tuple[bytes, bytes]:
    start, end, _prefix, _closed = sx.sheet_data_span(xml)
    return xml[:start], xml[end:]


# ------------------------------------------------------------------ the lossless refresh


def test_shop_fixture_is_what_it_claims(shop):
    parts = zip_parts(shop)
    assert VBA_PART in parts and RIBBON_PART in parts
    assert any(n.startswith("xl/charts/chart") for n in parts)
    assert any(n.startswith("xl/media/") and parts[n] == tiny_png() for n in parts)
    assert any(n.startswith("xl/drawings/drawing") for n in parts)
    assert (REL_VBA, "xl/vbaProject.bin") in part_rels(parts, "xl/workbook.xml")
    assert (REL_RIBBON, RIBBON_PART) in part_rels(parts, "")
    assert XLSM_MAIN.encode() in parts["[Content_Types].xml"]
    orders = parts[sheet_parts(shop)["Orders"]]
    assert b"<conditionalFormatting" in orders and b"<f>G5*12.5</f>" in orders
    assert b"ShipDates" in parts["xl/workbook.xml"]
    assert b"<dataValidation " in parts[sheet_parts(shop)["My Notes"]]


def test_refresh_changes_only_owned_cells(shop):
    before_bytes = shop.read_bytes()
    before = zip_parts(shop)
    with zipfile.ZipFile(shop) as z:
        infos_before = {i.filename: (i.CRC, i.compress_size, i.compress_type) for i in z.infolist()}
    users_before = user_cells(shop)

    result = api.refresh(shop, now=NOW)
    assert result.saved
    changed_sheets = set(result.changes["sheet"])
    # Disputes too: Type (auto) from the descriptions.
    assert changed_sheets == {"Orders", "Interactions", "Customers", "Disputes"}
    assert result.rows["Orders"] == 4 and result.rows["Customers"] == 3

    after = zip_parts(shop)
    assert sorted(after) == sorted(before)  # no part added or removed
    parts_of = sheet_parts(shop)
    edited = {parts_of[s] for s in changed_sheets}
    allowed = edited | {"xl/styles.xml"}  # a date may need a date style; no rows appended
    changed = {n for n in before if before[n] != after[n]}
    assert edited <= changed <= allowed, changed

    # The parts a macro workbook lives by, named one by one.
    for name in (VBA_PART, RIBBON_PART, "[Content_Types].xml", "_rels/.rels",
                 "xl/_rels/workbook.xml.rels", "xl/workbook.xml", "xl/sharedStrings.xml",
                 "docProps/core.xml"):
        if name in before:
            assert after[name] == before[name], name
    media = [n for n in before if n.startswith(("xl/charts/", "xl/drawings/", "xl/media/",
                                               "xl/tables/", "xl/worksheets/_rels/"))]
    assert len(media) >= 5
    for name in media:
        assert after[name] == before[name], name

    # Untouched parts were copied raw, not recompressed.
    with zipfile.ZipFile(shop) as z:
        infos_after = {i.filename: (i.CRC, i.compress_size, i.compress_type) for i in z.infolist()}
        assert z.testzip() is None
    for name in set(before) - changed:
        assert infos_after[name] == infos_before[name], name

    # Inside the edited sheets: everything outside sheetData as it was, and every
    # cell of a user column byte for byte.
    for sheet in changed_sheets:
        part = parts_of[sheet]
        assert _outside_sheet_data(after[part]) == _outside_sheet_data(before[part])
        owned = {schema.SHEETS[sheet].headers.index(c.header) + 1
                 for c in schema.SHEETS[sheet].owned_columns}
        cells_before, cells_after = raw_cells(before[part]), raw_cells(after[part])
        for ref, xml in cells_before.items():
            row, col = _split(ref)
            if col not in owned or row == 1:
                assert cells_after.get(ref) == xml, (sheet, ref)
        new_cells = set(cells_after) - set(cells_before)
        assert all(_split(r)[1] in owned and _split(r)[0] > 1 for r in new_cells)

    # Values: computed cells right, user cells (values and formulas) untouched.
    for sheet, columns in EXPECTED.items():
        for header, values in columns.items():
            assert _column_values(shop, sheet, header, len(values)) == values, (sheet, header)
    assert user_cells(shop) == users_before

    # The previous version is the backup; nothing else is left in the folder.
    backup = shop.with_name("shop.bak.xlsm")
    assert backup.read_bytes() == before_bytes
    assert sorted(p.name for p in shop.parent.iterdir()) == ["shop.bak.xlsm", "shop.xlsm"]


def test_refreshed_macro_workbook_still_opens_everywhere(shop):
    api.refresh(shop, now=NOW)
    for name, data in zip_parts(shop).items():
        if name.endswith((".xml", ".rels", ".vml")):
            etree.fromstring(data)
    wb = openpyxl.load_workbook(shop, keep_vba=True)
    try:
        assert wb.vba_archive is not None
        assert wb.vba_archive.read(VBA_PART) == zip_parts(shop)[VBA_PART]
        assert "My Notes" in wb.sheetnames and wb["Orders"].conditional_formatting
        assert wb.defined_names["ShipDates"].attr_text == "Orders!$N$2:$N$5"
        assert wb["Orders"]["H5"].value == "=G5*12.5"
    finally:
        wb.vba_archive.close()
    cal = python_calamine.CalamineWorkbook.from_path(str(shop))
    assert "My Notes" in cal.sheet_names
    assert [r[19] for r in calamine_rows(shop, "Orders")[1:5]] == [29, 7, 10, 14]


def test_second_refresh_changes_no_bytes(shop):
    first = api.refresh(shop, now=NOW)
    assert first.saved
    after_first = shop.read_bytes()
    backup_first = shop.with_name("shop.bak.xlsm").read_bytes()

    second = api.refresh(shop, now=NOW)
    assert not second.saved and second.cells_changed == 0
    assert len(second.changes) == 0
    assert "Nothing to change" in second.summary()
    assert shop.read_bytes() == after_first
    assert shop.with_name("shop.bak.xlsm").read_bytes() == backup_first
    assert sorted(p.name for p in shop.parent.iterdir()) == ["shop.bak.xlsm", "shop.xlsm"]


def test_refresh_a_day_later_moves_only_the_clock_cells(shop):
    api.refresh(shop, now=NOW)
    before = zip_parts(shop)
    result = api.refresh(shop, now=NOW + dt.timedelta(days=1))
    # Only O1 and O3 are still travelling: their days in transit grow by one; the open
    # dispute's SLA clock has a day less left, so its escalation risk (time used is a
    # risk signal) and its customer's risk score move with it.
    assert result.changes.to_dict("records") == [
        {"sheet": "Orders", "column": "Days In Transit", "cells": 2},
        {"sheet": "Disputes", "column": "Hours Left", "cells": 1},
        {"sheet": "Disputes", "column": "Escalation Risk", "cells": 1},
        {"sheet": "Disputes", "column": "Risk Reasons", "cells": 1},
        {"sheet": "Customers", "column": "Risk Score", "cells": 1},
        {"sheet": "Customers", "column": "Risk Reasons", "cells": 1}]
    after = zip_parts(shop)
    assert {n for n in before if before[n] != after[n]} == {sheet_parts(shop)["Orders"],
                                                            sheet_parts(shop)["Disputes"],
                                                            sheet_parts(shop)["Customers"]}
    assert _column_values(shop, "Orders", "Days In Transit", 4) == [30, 7, 11, 14]


def test_appended_rows_grow_only_their_table(shop):
    before = zip_parts(shop)
    wb = FileWorkbook(shop)
    rows = wb.append_rows("Orders", pd.DataFrame({
        "Order ID": ["O5", "O6"], "Platform": ["Etsy", "Etsy"], "Status": ["paid", "paid"],
        "Order Date": [D(2025, 6, 29), D(2025, 6, 30, 8, 30)]}))
    assert rows == [6, 7]
    wb.save()
    after = zip_parts(shop)
    orders_part = sheet_parts(shop)["Orders"]
    table_part = next(t for typ, t in part_rels(before, orders_part) if typ.endswith("/table"))
    changed = {n for n in before if before[n] != after[n]}
    assert {orders_part, table_part} <= changed <= {orders_part, table_part, "xl/styles.xml"}
    table = etree.fromstring(after[table_part])
    assert table.get("ref") == "A1:V7"
    assert table.find(f"{{{NS_MAIN}}}autoFilter").get("ref") == "A1:V7"
    # Only the ref attributes moved.
    assert re.sub(rb'ref="[^"]*"', b"", etree.tostring(table)) == \
        re.sub(rb'ref="[^"]*"', b"", etree.tostring(etree.fromstring(before[table_part])))
    ws = openpyxl.load_workbook(shop)["Orders"]
    assert ws["A7"].value == "O6" and ws["D7"].value == D(2025, 6, 30, 8, 30)
    assert ws["D6"].is_date and ws["D7"].is_date
    assert user_cells(shop, ["Orders", "My Notes"]) == {
        **user_cells(shop.with_name("shop.bak.xlsm"), ["Orders", "My Notes"]),
        **{("Orders", f"{c}{r}"): v for r, row in ((6, ("O5", "Etsy", D(2025, 6, 29), "paid")),
                                                   (7, ("O6", "Etsy", D(2025, 6, 30, 8, 30),
                                                        "paid")))
           for c, v in zip("ACDR", row)}}


def test_date_in_an_unformatted_column_adds_one_date_style(shop):
    before = zip_parts(shop)
    old_root = etree.fromstring(before["xl/styles.xml"])
    old_xfs = [etree.tostring(x) for x in old_root.find(f"{{{NS_MAIN}}}cellXfs")]
    wb = FileWorkbook(shop)
    # 'My Notes' is a plain range (no table): column 'Note' is General.
    wb.write_columns("My Notes", {"Note": (pd.Series([D(2025, 6, 30, 9, 15), D(2025, 7, 1)],
                                                     index=[2, 3]), "datetime")})
    wb.save()
    after = zip_parts(shop)
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {sheet_parts(shop)["My Notes"], "xl/styles.xml"}
    root = etree.fromstring(after["xl/styles.xml"])
    xfs = [etree.tostring(x) for x in root.find(f"{{{NS_MAIN}}}cellXfs")]
    assert xfs[: len(old_xfs)] == old_xfs  # existing styles untouched, new ones appended
    assert 1 <= len(xfs) - len(old_xfs) <= 2
    ws = openpyxl.load_workbook(shop)["My Notes"]
    assert ws["A2"].value == D(2025, 6, 30, 9, 15) and ws["A2"].is_date
    assert ws["A3"].value == D(2025, 7, 1) and ws["A3"].is_date
    assert ws["B2"].value == 12.5 and ws["C2"].value == "=COUNTA(Orders!A2:A1000)"


# ------------------------------------------------------------------ formula injection

INJECTIONS = ['=HYPERLINK("http://x","click")', "+1 555 0100", "-5", "@SUM(A1)",
              "=1+1", "-", "+", "=", "=cmd|' /C calc'!A0"]


def _cell_xml(path: Path, sheet: str, ref: str) -> bytes:
    return raw_cells(zip_parts(path)[sheet_parts(path)[sheet]])[ref]


def test_formula_like_text_is_stored_as_text(tmp_path):
    path = tmp_path / "shop.xlsx"
    create_workbook(path)
    wb = FileWorkbook(path)
    rows = wb.append_rows("Interactions", pd.DataFrame({
        "Interaction ID": [f"I{i}" for i in range(len(INJECTIONS))],
        "Message": INJECTIONS}))
    wb.save()
    wb = FileWorkbook(path)
    wb.write_columns("Interactions", {"Translation": (
        pd.Series(INJECTIONS, index=rows), "text")})
    wb.save()

    for row, text in zip(rows, INJECTIONS):
        for ref in (f"I{row}", f"S{row}"):  # Message (appended), Translation (written)
            xml = _cell_xml(path, "Interactions", ref)
            assert b't="inlineStr"' in xml, xml
            assert b"<f" not in xml and b"<v>" not in xml, xml
    ws = openpyxl.load_workbook(path)["Interactions"]
    for row, text in zip(rows, INJECTIONS):
        assert ws[f"I{row}"].value == text and ws[f"I{row}"].data_type == "s"
        assert ws[f"S{row}"].value == text and ws[f"S{row}"].data_type == "s"
    cal = calamine_rows(path, "Interactions")
    assert [cal[r - 1][8] for r in rows] == INJECTIONS
    assert [cal[r - 1][18] for r in rows] == INJECTIONS
    data = FileWorkbook(path).read_table("Interactions")
    assert data.frame["Message"].tolist() == INJECTIONS
    assert data.formula_cells == set()


# ------------------------------------------------------------------ sheetxml property

def worksheet(sheet_data: bytes, prefix: bytes = b"") -> bytes:
    """A minimal worksheet part around ``sheet_data``; ``prefix`` as in ``b"x:"``."""
    p = prefix
    ns = b' xmlns:' + p[:-1] + b'="' if p else b' xmlns="'
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<' + p + b"worksheet"
            + ns + NS_MAIN.encode() + b'" xmlns:r="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships"><' + p + b'dimension ref="A1:F8"/><' + p +
            b"sheetViews><" + p + b'sheetView workbookViewId="0"/></' + p + b"sheetViews><" +
            p + b"cols><" + p + b'col min="2" max="2" width="12" style="3" customWidth="1"/></'
            + p + b"cols>" + sheet_data + sheet_tail(p))


def sheet_tail(p: bytes = b"") -> bytes:
    return (b"<" + p + b'pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
            b'header="0.3" footer="0.3"/></' + p + b"worksheet>")


EMPTY_SHEET = worksheet(b"<sheetData/>")

FRAGMENTS = ["_x0041_", "_x005F_", "x0042_", "_x", "0041_", "_", "x00", "\x01", "\x0b", "\x1f",
             "\x00", "\t", "\n", "\r", "&", "<", ">", "]]>", '"', " ", "\u00a0", "😀", "مرحبا",
             "שלום", "\u202e", "\ufffe", "Ã©", "=SUM(A1)", "\x93"]
texts = st.lists(st.one_of(st.text(max_size=4), st.sampled_from(FRAGMENTS)), max_size=6) \
    .map("".join)
numbers = st.one_of(st.integers(-10**15, 10**15),
                    st.floats(allow_nan=False, allow_infinity=False, width=64))
values = st.one_of(texts, numbers, st.none(), st.booleans())
refs = st.tuples(st.integers(1, 8), st.integers(1, 6))


def _existing_cell(ref: str, kind: int, style: int | None, n: int, p: bytes) -> bytes:
    s = f' s="{style}"'.encode() if style else b""
    head = b"<" + p + b'c r="' + ref.encode() + b'"' + s
    end = b"</" + p + b"c>"
    v = lambda text: b"<" + p + b"v>" + text + b"</" + p + b"v>"  # noqa: E731
    return [
        head + b">" + v(str(n).encode()) + end,
        head + b' t="s">' + v(str(n % 7).encode()) + end,
        head + b' t="inlineStr"><' + p + b"is><" + p + b"t>old " + str(n).encode() +
        b" &amp; _x0001_</" + p + b"t></" + p + b"is>" + end,
        head + b"><" + p + b"f>SUM(A1:A" + str(n).encode() + b")</" + p + b"f>" + v(b"3") + end,
        head + b"/>",
        head + b' t="e">' + v(b"#N/A") + end,
    ][kind]


@st.composite
def sheets(draw):
    """(worksheet XML, {(row, col): (kind, style, n)} of its cells, prefix)."""
    p = draw(st.sampled_from([b"", b"x:"]))
    existing = draw(st.dictionaries(refs, st.tuples(st.integers(0, 5),
                                                     st.sampled_from([None, 1, 2, 5]),
                                                     st.integers(0, 999)), max_size=20))
    empty_rows = draw(st.sets(st.integers(1, 9), max_size=3))
    rows: dict[int, list[bytes]] = {r: [] for r in empty_rows}
    for (row, col), (kind, style, n) in sorted(existing.items()):
        rows.setdefault(row, []).append(
            _existing_cell(f"{sx.col_letters(col)}{row}", kind, style, n, p))
    row_attrs = draw(st.sampled_from([b' spans="1:6"', b"",
                                      b' spans="1:6" ht="20" customHeight="1"']))
    body = b"".join(
        b"<" + p + b'row r="' + str(r).encode() + b'"' + row_attrs +
        (b"/>" if not cells else b">" + b"".join(cells) + b"</" + p + b"row>")
        for r, cells in sorted(rows.items()))
    if body or draw(st.booleans()):
        sheet_data = b"<" + p + b"sheetData>" + body + b"</" + p + b"sheetData>"
    else:
        sheet_data = b"<" + p + b"sheetData/>"
    return worksheet(sheet_data, p), existing, p


def _read_cell(c: etree._Element) -> object:
    t = c.get("t", "n")
    if t == "inlineStr":
        return unescape_ooxml("".join(c.itertext()))
    v = c.find(f"{{{NS_MAIN}}}v")
    if v is None:
        return None
    if t == "b":
        return v.text == "1"
    if t == "n":
        text = v.text or ""
        return float(text) if any(ch in text for ch in ".eEn") else int(text)
    return (t, v.text)


def _expected(value: object) -> object:
    if value is None or value == "":
        return None
    return value


def _parse(xml: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(xml)
    cells: dict[str, etree._Element] = {}
    last_row = 0
    for row in root.iter(f"{{{NS_MAIN}}}row"):
        number = int(row.get("r"))
        assert number > last_row, "rows out of order or repeated"
        last_row = number
        last_col = 0
        for c in row.iter(f"{{{NS_MAIN}}}c"):
            letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", c.get("r")).groups()
            assert int(digits) == number
            assert sx.col_index(letters) > last_col, "cells out of order or repeated"
            last_col = sx.col_index(letters)
            cells[c.get("r")] = c
    return cells


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet=sheets(), writes=st.dictionaries(refs, values, max_size=20))
@example(sheet=(EMPTY_SHEET, {}, b""),
         writes={(1, 1): "_x0041_", (2, 2): "a\x01b\x0bc", (3, 1): 1.5, (3, 3): None})
def test_rewrite_cells_round_trips(sheet, writes):
    xml, existing, prefix = sheet
    cells: dict[int, dict[int, object]] = {}
    for (row, col), value in writes.items():
        cells.setdefault(row, {})[col] = value
    out, last_row, last_col = sx.rewrite_cells(xml, cells, lambda style, value: style)

    parsed = _parse(out)
    marker = b"<" + prefix + b"sheetData"
    assert out[: out.index(marker)] == xml[: xml.index(marker)]
    assert out.endswith(sheet_tail(prefix))
    before = raw_cells(xml)
    after = raw_cells(out)
    for (row, col), value in writes.items():
        ref = f"{sx.col_letters(col)}{row}"
        assert _read_cell(parsed[ref]) == _expected(value), (ref, value, after[ref])
        # A written cell keeps its style; a new one takes its column's (B: style 3).
        if (row, col) in existing:
            old_style = existing[(row, col)][1]
            assert parsed[ref].get("s") == (str(old_style) if old_style else None)
        else:
            assert parsed[ref].get("s") == ("3" if col == 2 else None)
        if isinstance(value, str) and value:
            assert parsed[ref].get("t") == "inlineStr"
            assert parsed[ref].find(f"{{{NS_MAIN}}}f") is None
    for ref, raw in before.items():
        if _split(ref) not in writes:
            assert after[ref] == raw, ref
    assert set(after) == set(before) | {f"{sx.col_letters(c)}{r}" for r, c in writes}
    if writes:
        assert last_row == max(r for r, _ in writes)
        assert last_col == max(c for _, c in writes)
    # Rows keep their attributes (height...); only the 'spans' hint may go.
    def row_attrs(doc: bytes) -> dict[str, dict[str, str]]:
        return {r.get("r"): {k: v for k, v in r.attrib.items() if k != "spans"}
                for r in etree.fromstring(doc).iter(f"{{{NS_MAIN}}}row")}
    old_rows, new_rows = row_attrs(xml), row_attrs(out)
    assert {r: new_rows[r] for r in old_rows} == old_rows
    # Writing the same values again changes nothing.
    again, _, _ = sx.rewrite_cells(out, cells, lambda style, value: style)
    assert again == out


@pytest.mark.parametrize("text", ["_x0041_x0042_", "x_x0031_x0032_y", "_x005F_x005F_"])
def test_overlapping_escape_literals_round_trip(text):
    xml = EMPTY_SHEET
    out, _, _ = sx.rewrite_cells(xml, {1: {1: text}}, lambda style, value: style)
    assert _read_cell(_parse(out)["A1"]) == text


def test_carriage_return_round_trips():
    xml = EMPTY_SHEET
    out, _, _ = sx.rewrite_cells(xml, {1: {1: "a\r\nb\rc"}}, lambda style, value: style)
    assert _read_cell(_parse(out)["A1"]) == "a\r\nb\rc"


def test_overlapping_escape_literal_in_a_saved_workbook(tmp_path):
    path = tmp_path / "shop.xlsx"
    create_workbook(path)
    wb = FileWorkbook(path)
    wb.append_rows("Interactions", pd.DataFrame({"Interaction ID": ["I1"],
                                                 "Message": ["_x0041_x0042_"]}))
    wb.save()
    assert calamine_rows(path, "Interactions")[1][8] == "_x0041_x0042_"
