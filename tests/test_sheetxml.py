import datetime as dt
import re

import pytest
from lxml import etree

from kakobuy_xl.io import sheetxml as sx

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet(rows: str, cols: str = "", prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{NS}"' if prefix else f'xmlns="{NS}"'
    return (f'<?xml version="1.0"?><{p}worksheet {xmlns}><{p}dimension ref="A1:C3"/>'
            f"{cols}<{p}sheetData>{rows}</{p}sheetData><{p}pageMargins left=\"0.7\"/>"
            f"</{p}worksheet>").encode()


def cells_of(xml: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(xml)
    return {c.get("r"): c for c in root.iter(f"{{{NS}}}c")}


def text_of(cell: etree._Element) -> str | None:
    t = cell.find(f"{{{NS}}}is/{{{NS}}}t")
    if t is not None:
        return t.text or ""
    v = cell.find(f"{{{NS}}}v")
    return None if v is None else v.text


def keep(style, value):
    return style


def test_column_letters_round_trip():
    for i in (1, 26, 27, 52, 702, 703, 16384):
        assert sx.col_index(sx.col_letters(i)) == i
    assert sx.col_letters(28) == "AB"
    assert sx.parse_ref("$A$1:V1048576") == (1, 1, 1048576, 22)


def test_only_named_cells_change_and_others_stay_byte_identical():
    row2 = '<row r="2" spans="1:3"><c r="A2" s="4" t="s"><v>0</v></c><c r="B2"><f>1+1</f><v>2</v></c></row>'
    xml = sheet('<row r="1"><c r="A1" t="s"><v>1</v></c></row>' + row2 +
                '<row r="3"><c r="C3" s="2"><v>7</v></c></row>')
    out, last_row, last_col = sx.rewrite_cells(xml, {3: {3: "hello"}}, keep)
    assert row2.encode() in out  # untouched row copied as it was
    c3 = cells_of(out)["C3"]
    assert c3.get("t") == "inlineStr" and text_of(c3) == "hello" and c3.get("s") == "2"
    assert (last_row, last_col) == (3, 3)
    assert out.startswith(xml[: xml.index(b"<sheetData>")])


def test_new_cells_and_rows_are_inserted_in_order_with_column_style():
    xml = sheet('<row r="2"><c r="A2"><v>1</v></c><c r="D2"><v>4</v></c></row>'
                '<row r="5"><c r="A5"><v>5</v></c></row>',
                cols='<cols><col min="3" max="3" width="10" style="9" customWidth="1"/></cols>')
    out, _, _ = sx.rewrite_cells(xml, {2: {3: 3.5}, 4: {1: "x"}, 7: {2: dt.date(2025, 1, 2)}},
                                 keep)
    root = etree.fromstring(out)
    refs = [c.get("r") for c in root.iter(f"{{{NS}}}c")]
    assert refs == ["A2", "C2", "D2", "A4", "A5", "B7"]
    rows = [r.get("r") for r in root.iter(f"{{{NS}}}row")]
    assert rows == ["2", "4", "5", "7"]
    c = cells_of(out)
    assert c["C2"].get("s") == "9" and text_of(c["C2"]) == "3.5"
    assert text_of(c["B7"]) == "45659"  # Excel serial of 2025-01-02


def test_formula_like_text_is_stored_as_text():
    xml = sheet("")
    values = ['=HYPERLINK("http://x","click")', "+1 555 0100", "-5", "@SUM(A1)"]
    out, _, _ = sx.rewrite_cells(xml, {2: {i + 1: v for i, v in enumerate(values)}}, keep)
    assert b"<f>" not in out and b"<f " not in out
    c = cells_of(out)
    assert [text_of(c[f"{l}2"]) for l in "ABCD"] == values
    assert all(c[f"{l}2"].get("t") == "inlineStr" for l in "ABCD")


@pytest.mark.parametrize("text", ["a\x01b\x0bc", "_x0041_ literal", "tab\tand\nnewline",
                                  "مرحبا 🙂", "  spaced  ", "a&b<c>d"])
def test_text_escaping_round_trips(text):
    out, _, _ = sx.rewrite_cells(sheet(""), {2: {1: text}}, keep)
    stored = text_of(cells_of(out)["A2"])
    unescaped = re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m[1], 16)), stored)
    assert unescaped == text


def test_empty_value_clears_the_value_but_keeps_the_style():
    xml = sheet('<row r="2"><c r="A2" s="3" t="s"><v>4</v></c></row>')
    out, _, _ = sx.rewrite_cells(xml, {2: {1: None}}, keep)
    assert b'<c r="A2" s="3"/>' in out


def test_prefixed_namespace_and_self_closing_sheet_data():
    xml = sheet('<x:row r="2"><x:c r="A2"><x:v>1</x:v></x:c></x:row>', prefix="x")
    out, _, _ = sx.rewrite_cells(xml, {2: {2: "b"}, 3: {1: 1}}, keep)
    root = etree.fromstring(out)
    assert [c.get("r") for c in root.iter(f"{{{NS}}}c")] == ["A2", "B2", "A3"]
    empty = f'<worksheet xmlns="{NS}"><sheetData/></worksheet>'.encode()
    out, _, _ = sx.rewrite_cells(empty, {2: {1: "a"}}, keep)
    assert text_of(cells_of(out)["A2"]) == "a"


def test_rows_and_cells_without_r_attributes():
    xml = sheet('<row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>')
    out, _, _ = sx.rewrite_cells(xml, {2: {2: "z"}}, keep)
    root = etree.fromstring(out)
    second = list(root.iter(f"{{{NS}}}row"))[1]
    assert [text_of(c) for c in second] == ["3", "z"]


def test_scan_finds_formulas_and_errors_but_not_rich_text_font_family():
    xml = sheet('<row r="2"><c r="A2"><f>1/0</f><v>#DIV/0!</v></c><c r="B2" t="e"><v>#N/A</v></c>'
                '<c r="C2" t="inlineStr"><is><r><rPr><family val="2"/></rPr><t>x</t></r></is></c></row>')
    formulas, errors = sx.scan_special_cells(xml)
    assert formulas == {(2, 1)}
    assert errors == {(2, 2): "#N/A"}


def test_grow_dimension():
    xml = sheet("")
    assert b'ref="A1:E9"' in sx.grow_dimension(xml, 9, 5)
    assert sx.grow_dimension(xml, 2, 2) == xml
