"""Tests for kakobuy_xl.io.create: a new workbook matches the contract in schema.py."""

from __future__ import annotations

import datetime as dt
import posixpath
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils import get_column_letter

from kakobuy_xl import schema
from kakobuy_xl.io.create import (
    LISTS_SHEET,
    NUMBER_FORMATS,
    OWNED_NOTE,
    XLSM_MAIN,
    XLSX_MAIN,
    create_workbook,
)

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
}
DATA_ROWS = {s.name: max(len(s.defaults), 1) for s in schema.TABLE_SHEETS}


@pytest.fixture(scope="module", params=["xlsx", "xlsm"])
def book(request, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("create") / f"kakobuy.{request.param}"
    create_workbook(path)
    return path


@pytest.fixture(scope="module")
def wb(book):
    return openpyxl.load_workbook(book)


# --------------------------------------------------------------------------- helpers


def _sheet_xml_paths(path: Path) -> dict[str, str]:
    """Sheet name -> part name inside the zip, resolved through the workbook's rels."""
    with zipfile.ZipFile(path) as z:
        workbook = etree.fromstring(z.read("xl/workbook.xml"))
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("pr:Relationship", NS)}
    out = {}
    for s in workbook.findall("m:sheets/m:sheet", NS):
        target = targets[s.get(f"{{{NS['r']}}}id")]
        out[s.get("name")] = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return out


def _cell_xf_formats(path: Path) -> list[str]:
    """Format code of every cellXfs entry, by style index."""
    with zipfile.ZipFile(path) as z:
        styles = etree.fromstring(z.read("xl/styles.xml"))
    custom = {int(f.get("numFmtId")): f.get("formatCode") for f in styles.iterfind("m:numFmts/m:numFmt", NS)}
    codes = []
    for xf in styles.findall("m:cellXfs/m:xf", NS):
        fid = int(xf.get("numFmtId", "0"))
        codes.append(custom.get(fid) or BUILTIN_FORMATS.get(fid, "General"))
    return codes


def _col_styles(path: Path, sheet_name: str) -> dict[int, int]:
    """Column index -> style id from the raw <cols> of one sheet."""
    part = _sheet_xml_paths(path)[sheet_name]
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read(part))
    out = {}
    for col in root.iterfind("m:cols/m:col", NS):
        if col.get("style") is not None:
            for idx in range(int(col.get("min")), int(col.get("max")) + 1):
                out[idx] = int(col.get("style"))
    return out


def _content_type_of_workbook(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("[Content_Types].xml"))
    for o in root.iterfind("ct:Override", NS):
        if o.get("PartName") == "/xl/workbook.xml":
            return o.get("ContentType")
    raise AssertionError("no content type for /xl/workbook.xml")


# --------------------------------------------------------------------------- structure


def test_sheet_names_and_order(wb):
    assert wb.sheetnames == [s.name for s in schema.TABLE_SHEETS]
    assert all(ws.sheet_state == "visible" for ws in wb.worksheets)
    assert wb.active.title == schema.TABLE_SHEETS[0].name


def test_properties(wb):
    assert wb.properties.title == "Kakobuy"
    assert wb.properties.creator == "kakobuy-xl"


@pytest.mark.parametrize("sheet", schema.TABLE_SHEETS, ids=lambda s: s.name)
def test_one_table_per_sheet(wb, sheet):
    ws = wb[sheet.name]
    assert list(ws.tables) == [sheet.table]
    table = ws.tables[sheet.table]
    last = get_column_letter(len(sheet.columns))
    assert table.ref == f"A1:{last}{1 + DATA_ROWS[sheet.name]}"
    assert [c.name for c in table.tableColumns] == list(sheet.headers)
    assert table.tableStyleInfo.name.startswith("TableStyle")
    assert table.tableStyleInfo.showRowStripes


@pytest.mark.parametrize("sheet", schema.TABLE_SHEETS, ids=lambda s: s.name)
def test_header_row(wb, sheet):
    ws = wb[sheet.name]
    assert [c.value for c in ws[1]] == list(sheet.headers)
    assert ws.freeze_panes == "A2"
    assert ws.row_dimensions[1].height == pytest.approx(30)
    for idx, col in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=idx)
        assert cell.font.b and cell.alignment.wrap_text
        assert bool(cell.font.i) == col.owned
        assert (cell.fill.fill_type == "solid") == col.owned
        text = cell.comment.text if cell.comment else ""
        if col.help:
            assert col.help in text
        assert (OWNED_NOTE in text) == col.owned
        if not col.help and not col.owned:
            assert cell.comment is None


@pytest.mark.parametrize("sheet", schema.TABLE_SHEETS, ids=lambda s: s.name)
def test_column_widths(wb, sheet):
    ws = wb[sheet.name]
    for idx, col in enumerate(sheet.columns, start=1):
        dim = ws.column_dimensions[get_column_letter(idx)]
        assert dim.width == pytest.approx(col.width or 14)


@pytest.mark.parametrize("sheet", schema.TABLE_SHEETS, ids=lambda s: s.name)
def test_choice_validation(wb, sheet):
    ws = wb[sheet.name]
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    expected = set()
    for idx, col in enumerate(sheet.columns, start=1):
        if not col.choices or col.owned:
            continue
        letter = get_column_letter(idx)
        key = f"{letter}2:{letter}1048576"
        expected.add(key)
        dv = by_range[key]
        assert dv.type == "list"
        assert dv.formula1 == '"' + ",".join(col.choices) + '"'
        assert dv.showErrorMessage and dv.allow_blank
        assert col.choices[0] in dv.error
    assert set(by_range) == expected  # owned and free-text columns have none


# --------------------------------------------------------------------------- values


def test_sla_defaults_typed(wb):
    rows = list(wb["SLA"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["G1", "G2", "G3", "G4"]
    first_response = [r[2] for r in rows]
    assert first_response == [24, 12, 4, 2]
    assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in first_response)
    assert all(r[4] == pytest.approx(0.75) for r in rows)


def test_platform_rules_and_settings_defaults(wb):
    ws = wb["Platform Rules"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(schema.PLATFORM_RULES.defaults)
    assert rows[0][0] == "ebay-inr-respond"
    assert isinstance(rows[0][4], int) and rows[0][4] == 3
    assert rows[0][8] == dt.datetime(2025, 1, 15)  # a real date, read back as datetime
    assert ws["I2"].number_format == "yyyy-mm-dd"
    settings = {r[0]: r[1] for r in wb["Settings"].iter_rows(min_row=2, values_only=True)}
    assert settings["time_zone"] == "UTC"
    assert settings["delay_grace_days"] == "2"  # Value is a text column: stays text
    assert settings["seller_name"] is None


def test_empty_tables_have_one_blank_formatted_row(wb):
    ws = wb["Orders"]
    assert ws.tables["Orders"].ref.endswith("2")
    assert all(c.value is None for c in ws[2])
    assert ws["D2"].number_format == "yyyy-mm-dd"  # Order Date
    assert ws["H2"].number_format == "#,##0.00"  # Order Value
    assert ws["G2"].number_format == "0"  # Qty
    assert ws["A2"].number_format == "General"  # text column: not "@"


@pytest.mark.parametrize("sheet", schema.TABLE_SHEETS, ids=lambda s: s.name)
def test_column_styles_carry_number_formats(book, sheet):
    formats = _cell_xf_formats(book)
    cols = _col_styles(book, sheet.name)
    for idx, col in enumerate(sheet.columns, start=1):
        fmt = NUMBER_FORMATS.get(col.kind)
        if fmt is None:
            assert formats[cols.get(idx, 0)] == "General", col.header
        else:
            assert idx in cols, f"{col.header}: no <col style>"
            assert formats[cols[idx]] == fmt, col.header


def test_templates_argument_fills_templates_sheet(tmp_path):
    path = tmp_path / "t.xlsx"
    templates = [
        {"Template ID": "delay-en", "Scenario": "delivery_delay", "Language": "en",
         "Body": "Hi {customer_name|there}", "Custom": "no", "Version": "3",
         "Updated": "2025-02-01"},
        {"template_id": "delay-ja", "language": "ja", "body": "=) thanks", "version": 1},
    ]
    create_workbook(path, templates=templates)
    ws = openpyxl.load_workbook(path)["Templates"]
    last = get_column_letter(len(schema.TEMPLATES.columns))
    assert ws.tables["Templates"].ref == f"A1:{last}3"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == "delay-en" and rows[0][8] == 3 and rows[0][9] == dt.datetime(2025, 2, 1)
    assert rows[1][0] == "delay-ja" and rows[1][5] == "=) thanks" and rows[1][8] == 1
    assert ws["F3"].data_type == "s"  # text starting with "=" is not a formula


def test_unknown_template_column_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="Nope"):
        create_workbook(tmp_path / "t.xlsx", templates=[{"Nope": 1}])
    assert list(tmp_path.iterdir()) == []


def test_long_choice_lists_go_to_hidden_lists_sheet(tmp_path):
    long = tuple(f"choice_number_{i:03d}" for i in range(40))  # > 255 characters
    sheet = schema.Sheet(
        "Long", "Key",
        (schema.Column("Key"), schema.Column("Pick", "choice", choices=long),
         schema.Column("Short", "choice", choices=("a", "b")),
         schema.Column("Same", "choice", choices=long)),
    )
    path = tmp_path / "long.xlsx"
    create_workbook(path, sheets=[sheet, schema.SETTINGS])
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Long", "Settings", LISTS_SHEET]
    lists = wb[LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    by_range = {str(dv.sqref): dv.formula1 for dv in wb["Long"].data_validations.dataValidation}
    assert by_range["B2:B1048576"] == f"{LISTS_SHEET}!$A$2:$A${len(long) + 1}"
    assert by_range["D2:D1048576"] == by_range["B2:B1048576"]  # same list stored once
    assert by_range["C2:C1048576"] == '"a,b"'
    assert [c.value for c in lists["A"][1:]] == list(long)
    assert lists["B1"].value is None


def test_default_schema_needs_no_lists_sheet(wb):
    assert LISTS_SHEET not in wb.sheetnames


# --------------------------------------------------------------------------- package


def test_content_type_matches_extension(book):
    expected = XLSM_MAIN if book.suffix == ".xlsm" else XLSX_MAIN
    assert _content_type_of_workbook(book) == expected


def test_no_temp_files_left(book):
    assert [p.name for p in book.parent.iterdir()] == [book.name]


def test_calamine_reads_every_sheet(book):
    cwb = python_calamine.CalamineWorkbook.from_path(str(book), load_tables=True)
    assert cwb.sheet_names == [s.name for s in schema.TABLE_SHEETS]
    for sheet in schema.TABLE_SHEETS:
        rows = cwb.get_sheet_by_name(sheet.name).to_python()
        assert rows[0] == list(sheet.headers)
        assert len(rows) == 1 + len(sheet.defaults)  # the blank row of empty tables is dropped
    assert cwb.table_names == [s.table for s in schema.TABLE_SHEETS]
    sla = cwb.get_table_by_name("SLA").to_python()
    assert [r[2] for r in sla] == [24, 12, 4, 2]


def test_refuses_existing_file(tmp_path):
    path = tmp_path / "exists.xlsx"
    path.write_bytes(b"keep me")
    with pytest.raises(FileExistsError):
        create_workbook(path)
    assert path.read_bytes() == b"keep me"


def test_xlsm_opens_again_in_openpyxl_with_macro_type(tmp_path):
    path = tmp_path / "m.XLSM"
    create_workbook(path, sheets=[schema.SLA])
    assert _content_type_of_workbook(path) == XLSM_MAIN
    # No keep_vba: openpyxl would leave its in-memory vba_archive zip unclosed.
    assert openpyxl.load_workbook(path).sheetnames == ["SLA"]


def test_overdue_and_at_risk_disputes_are_highlighted(tmp_path):
    path = tmp_path / "cf.xlsx"
    create_workbook(path)
    ws = openpyxl.load_workbook(path)["Disputes"]
    status = get_column_letter([c.value for c in ws[1]].index("SLA Status") + 1)
    rules = [(str(rng.sqref), r.formula[0]) for rng in ws.conditional_formatting
             for r in rng.rules]
    assert {f for _, f in rules} == {f'${status}2="overdue"', f'${status}2="at_risk"'}
    assert all(area.startswith("A2:") for area, _ in rules)
