"""Surgical edits of a worksheet part (``xl/worksheets/sheetN.xml``) as bytes.

A worksheet of 100,000 rows is ~100 MB of XML; parsing it into a tree to change a few
columns costs seconds and rewrites what it does not understand. Here rows are found
with a regular expression, only the rows being written are split into cells, and
every other byte is copied as it was. Text is always written as an inline string, so
a customer message such as ``=HYPERLINK(...)`` stays text and never becomes a formula.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Callable, Iterator, Mapping

import numpy as np
import pandas as pd

from ..report_sheet import col_letters

ROW_OPEN = re.compile(rb"<((?:[\w.-]+:)?)row\b([^>]*?)(/?)>")
CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c>)", re.S)
ATTR_R = re.compile(rb'\br="([A-Za-z]*)(\d*)"')
ATTR_S = re.compile(rb'\bs="(\d+)"')
FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
ERROR_T = re.compile(rb'\bt="e"')
VALUE = re.compile(rb"<(?:[\w.-]+:)?v>(.*?)</(?:[\w.-]+:)?v>", re.S)
SHEET_DATA = re.compile(rb"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>")
DIMENSION = re.compile(rb'(<(?:[\w.-]+:)?dimension\b[^>]*?\bref=")([^"]*)(")')
COL_ELEM = re.compile(rb"<(?:[\w.-]+:)?col\b([^>]*?)/?>")

MAX_CELL_TEXT = 32_767  # Excel's limit on the characters in one cell
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)
# Characters XML 1.0 cannot carry; OOXML writes them as _xHHHH_.
# Carriage returns are legal XML but parsers turn them into line feeds, so they are
# escaped too (as Excel does).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Every underscore that starts something shaped like an escape; a lookahead, so that
# overlapping literals such as "_x0041_x0042_" are all protected.
_LITERAL_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_NEEDS_ESCAPE = re.compile("[&<>\x00-\x1f\ufffe\uffff\ud800-\udfff]|_x[0-9A-Fa-f]{4}_")


def col_index(letters: str | bytes) -> int:
    """``'A'`` -> 1, ``'AB'`` -> 28."""
    if isinstance(letters, bytes):
        letters = letters.decode()
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n




def parse_ref(ref: str) -> tuple[int, int, int, int]:
    """``'A1:C10'`` -> (first_row, first_col, last_row, last_col)."""
    parts = ref.replace("$", "").split(":")
    m1 = re.fullmatch(r"([A-Za-z]+)(\d+)", parts[0])
    m2 = re.fullmatch(r"([A-Za-z]+)(\d+)", parts[-1])
    if not m1 or not m2:
        raise ValueError(f"not a cell range: {ref!r}")
    return int(m1[2]), col_index(m1[1]), int(m2[2]), col_index(m2[1])


def make_ref(r1: int, c1: int, r2: int, c2: int) -> str:
    return f"{col_letters(c1)}{r1}:{col_letters(c2)}{r2}"


def escape_text(text: str) -> str:
    """Text for an XML text node, with OOXML's ``_xHHHH_`` escapes where XML cannot go."""
    text = _LITERAL_ESCAPE.sub("_x005F_", text)
    text = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def excel_serial(value: dt.datetime | dt.date, date1904: bool = False) -> float:
    """Excel's serial number for a date or datetime (naive, shop-local)."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    delta = value - (_EPOCH_1904 if date1904 else _EPOCH_1900)
    return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000


def is_empty(value: Any) -> bool:
    """None, NaN, NaT and pandas' NA: what leaves a cell empty."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return value is pd.NaT or value is pd.NA or (isinstance(value, np.floating) and np.isnan(value))


def render_cell(ref: str, value: Any, style: int | None, prefix: bytes = b"",
                date1904: bool = False) -> bytes:
    """One ``<c>`` element holding ``value``; text is always an inline string."""
    kind = type(value)
    if not prefix and kind in (str, float, int, type(None)):
        # The common cases, as one f-string each: a refresh renders millions of cells.
        s = f' s="{style}"' if style else ""
        if value is None or value == "" or (kind is float and (value != value or math.isinf(value))):
            return f'<c r="{ref}"{s}/>'.encode()
        if kind is str:
            if len(value) > MAX_CELL_TEXT:
                value = value[: MAX_CELL_TEXT - 1] + "\u2026"
            esc = escape_text(value) if _NEEDS_ESCAPE.search(value) else value
            space = ' xml:space="preserve"' if value != value.strip() else ""
            return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{esc}</t></is></c>'.encode()
        if kind is float:
            text = repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
            return f'<c r="{ref}"{s}><v>{text}</v></c>'.encode()
        return f'<c r="{ref}"{s}><v>{value}</v></c>'.encode()
    tag = prefix + b"c"
    s_attr = f' s="{style}"'.encode() if style else b""
    head = b"<" + tag + b' r="' + ref.encode() + b'"' + s_attr
    if is_empty(value) or (isinstance(value, str) and value == ""):
        return head + b"/>"
    if isinstance(value, (bool, np.bool_)):
        return head + b' t="b"><' + prefix + b"v>" + (b"1" if value else b"0") + b"</" + \
            prefix + b"v></" + tag + b">"
    if isinstance(value, (int, np.integer)):
        return head + b"><" + prefix + b"v>" + str(int(value)).encode() + b"</" + prefix + \
            b"v></" + tag + b">"
    if isinstance(value, (float, np.floating)):
        f = float(value)
        if math.isinf(f):
            return head + b"/>"
        text = repr(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)
        return head + b"><" + prefix + b"v>" + text.encode() + b"</" + prefix + b"v></" + \
            tag + b">"
    if isinstance(value, (dt.datetime, dt.date)):
        serial = excel_serial(value, date1904)
        text = repr(int(serial)) if float(serial).is_integer() else repr(round(serial, 10))
        return head + b"><" + prefix + b"v>" + text.encode() + b"</" + prefix + b"v></" + \
            tag + b">"
    text = str(value)
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - 1] + "\u2026"
    esc = escape_text(text).encode("utf-8")
    space = b' xml:space="preserve"' if text != text.strip() else b""
    return (head + b' t="inlineStr"><' + prefix + b"is><" + prefix + b"t" + space + b">" + esc +
            b"</" + prefix + b"t></" + prefix + b"is></" + tag + b">")


def sheet_data_span(xml: bytes) -> tuple[int, int, bytes, bool]:
    """(start, end, prefix, self_closing) of the ``sheetData`` element's content."""
    m = SHEET_DATA.search(xml)
    if not m:
        raise ValueError("worksheet has no sheetData")
    prefix = m.group(1)
    if m.group(2) == b"/":
        return m.start(), m.end(), prefix, True
    end = xml.find(b"</" + prefix + b"sheetData>", m.end())
    if end < 0:
        raise ValueError("worksheet sheetData is not closed")
    return m.end(), end, prefix, False


def iter_rows(xml: bytes, start: int, end: int, prefix: bytes) -> Iterator[tuple[int, int, int, re.Match[bytes]]]:
    """Yield (row_number, row_start, row_end, open_tag_match) for each ``<row>``."""
    close = b"</" + prefix + b"row>"
    pos, number = start, 0
    while True:
        m = ROW_OPEN.search(xml, pos, end)
        if not m:
            return
        r = ATTR_R.search(m.group(2))
        number = int(r.group(2)) if r and r.group(2) else number + 1
        if m.group(3) == b"/":
            yield number, m.start(), m.end(), m
            pos = m.end()
        else:
            stop = xml.find(close, m.end(), end)
            if stop < 0:
                raise ValueError(f"row {number} is not closed")
            yield number, m.start(), stop + len(close), m
            pos = stop + len(close)


def iter_cells(row_xml: bytes) -> Iterator[tuple[int, re.Match[bytes]]]:
    """Yield (column_index, match) for each cell of one row's XML."""
    col = 0
    body_start = row_xml.find(b">") + 1
    for m in CELL.finditer(row_xml, body_start):
        r = ATTR_R.search(m.group(1))
        col = col_index(r.group(1)) if r and r.group(1) else col + 1
        yield col, m


def column_styles(xml: bytes, sheet_data_start: int) -> dict[int, int]:
    """Column index -> default style from ``<cols>`` (what Excel gives new cells)."""
    styles: dict[int, int] = {}
    for m in COL_ELEM.finditer(xml, 0, sheet_data_start):
        attrs = dict(re.findall(rb'(\w+)="([^"]*)"', m.group(1)))
        if b"style" in attrs and b"min" in attrs and b"max" in attrs:
            lo, hi = int(attrs[b"min"]), min(int(attrs[b"max"]), 16384)
            if hi - lo < 20_000:
                for c in range(lo, hi + 1):
                    styles[c] = int(attrs[b"style"])
    return styles


def scan_special_cells(xml: bytes) -> tuple[set[tuple[int, int]], dict[tuple[int, int], str]]:
    """Cells holding a formula, and cells holding an error value (such as ``#N/A``)."""
    formulas: set[tuple[int, int]] = set()
    errors: dict[tuple[int, int], str] = {}
    start, end, prefix, closed = sheet_data_span(xml)
    # bytes.find first: a regex over 50 MB of cells costs far more than a plain search.
    maybe = xml.find(b't="e"', start, end) >= 0 or any(
        xml.find(b"<" + prefix + b"f" + d, start, end) >= 0 for d in (b">", b" ", b"/"))
    if closed or not maybe or not (FORMULA.search(xml, start, end) or ERROR_T.search(xml, start, end)):
        return formulas, errors
    for number, r0, r1, _ in iter_rows(xml, start, end, prefix):
        row = xml[r0:r1]
        if not (FORMULA.search(row) or ERROR_T.search(row)):
            continue
        for col, m in iter_cells(row):
            inner = m.group(2) or b""
            if FORMULA.search(inner):
                formulas.add((number, col))
            if ERROR_T.search(m.group(1)):
                v = VALUE.search(inner)
                errors[(number, col)] = v.group(1).decode("utf-8", "replace") if v else "#ERROR"
    return formulas, errors


StyleFor = Callable[[int | None, Any], int | None]


def rewrite_cells(
    xml: bytes,
    cells: Mapping[int, Mapping[int, Any]],
    style_for: StyleFor,
    date1904: bool = False,
) -> tuple[bytes, int, int]:
    """Write ``cells`` ({row: {col: value}}) into the worksheet XML.

    Cells not named are copied byte for byte; a written cell keeps its style, or takes
    the column's default style when it is new; ``style_for(style, value)`` may swap
    in a date style for a date value. Returns the new XML and the last row and column
    written.
    """
    start, end, prefix, closed = sheet_data_span(xml)
    col_style = column_styles(xml, start)
    head_re = re.compile(b"<" + re.escape(prefix) + rb'c r="([A-Z]{1,3})\d+"([^>]*?)(/?)>')
    # Letters and style of each cell of a row's tail, in one C-level pass.
    tail_re = re.compile(b"<" + re.escape(prefix) + rb'c r="([A-Z]{1,3})\d+"(?:[^>]*?\bs="(\d+)")?')
    col_of: dict[bytes, int] = {}
    cell_close = b"</" + prefix + b"c>"
    row_close = b"</" + prefix + b"row>"
    pending = sorted(cells)
    written = set().union(*map(set, cells.values())) if cells else set()
    letters = {c: col_letters(c) for c in written}
    find_keys = {c: (b"<" + prefix + b'c r="' + col_letters(c).encode())
                 for c in range(min(written, default=1), max(written, default=0) + 1)}
    max_row = max_col = 0
    plain = (str, float, int, type(None))

    def render(col: int, number: int, value: Any, style: int | None) -> bytes:
        if type(value) not in plain:  # only a date may need another style
            style = style_for(style, value)
        return render_cell(f"{letters[col]}{number}", value, style, prefix, date1904)

    def split_fast(existing: bytes, body: int, close: int, number: int,
                   values: Mapping[int, Any]) -> tuple[bytes, list[tuple[int, bytes]], bytes] | None:
        """Cells are in column order, so everything before the first written column is
        copied as one chunk; only the rest is split into cells. None: use split_slow."""
        if existing.count(b"<" + prefix + b"c", body, close) != \
                existing.count(b"<" + prefix + b'c r="', body, close):
            return None  # a cell without a reference
        first = min(values)
        num = str(number).encode()
        split = close
        last_open = existing.rfind(b"<" + prefix + b'c r="', body, close)
        if last_open >= 0:
            m = head_re.match(existing, last_open)
            if m is None:
                return None
            last = col_index(m.group(1))
            if last < first:
                split = m.end() if m.group(3) else existing.index(cell_close, m.end()) + len(cell_close)
            else:
                for c in range(first, last + 1):
                    key = find_keys.get(c) or (b"<" + prefix + b'c r="' + col_letters(c).encode())
                    p = existing.find(key + num + b'"', body, close)
                    if p >= 0:
                        split = p
                        break
        parts: list[tuple[int, bytes]] = []
        found = tail_re.findall(existing, split, close)
        if existing.count(b"<" + prefix + b"c", split, close) == len(found) and \
                b"extLst" not in existing[split:close]:
            tail_cols = []
            for letters_b, _style in found:
                c = col_of.get(letters_b)
                if c is None:
                    c = col_of[letters_b] = col_index(letters_b)
                tail_cols.append(c)
            if all(c in values for c in tail_cols):
                # The usual case: every cell from here on is being written. Replace the
                # whole tail; only each cell's style is kept.
                styles = {c: int(st) if st else None for c, (_l, st) in zip(tail_cols, found)}
                parts = [(c, render(c, number, values[c], styles[c])) for c in tail_cols]
                return existing[body:split], parts, b""
        pos = split
        for m in head_re.finditer(existing, split, close):
            if existing[pos:m.start()].strip():
                return None  # something between cells that this path does not know
            col = col_index(m.group(1))
            stop = m.end() if m.group(3) else existing.index(cell_close, m.end()) + len(cell_close)
            if col in values:
                sm = ATTR_S.search(m.group(2))
                parts.append((col, render(col, number, values[col],
                                          int(sm.group(1)) if sm else None)))
            else:
                parts.append((col, existing[m.start():stop]))
            pos = stop
        rest = existing[pos:close]
        if b"<" + prefix + b"c" in rest:
            return None
        return existing[body:split], parts, rest.strip()

    def split_slow(existing: bytes, body: int, close: int, number: int,
                   values: Mapping[int, Any]) -> tuple[bytes, list[tuple[int, bytes]], bytes]:
        """Every cell, references or not (implicit columns follow the previous cell)."""
        parts: list[tuple[int, bytes]] = []
        tail_start = body
        for col, m in iter_cells(existing):
            if col in values:
                s = ATTR_S.search(m.group(1))
                parts.append((col, render(col, number, values[col], int(s.group(1)) if s else None)))
            else:
                parts.append((col, m.group(0)))
            tail_start = m.end()
        return b"", parts, existing[tail_start:close].strip()

    def render_row(number: int, existing: bytes | None, open_match: re.Match[bytes] | None) -> bytes:
        nonlocal max_row, max_col
        values = cells[number]
        row_style: int | None = None
        head, parts, tail = b"", [], b""
        if existing is not None and open_match is not None:
            attrs = open_match.group(2)
            if b'customFormat="1"' in attrs or b"customFormat='1'" in attrs:
                s = ATTR_S.search(attrs)
                row_style = int(s.group(1)) if s else None
            if open_match.group(3) != b"/":
                body, close = open_match.end() - open_match.start(), existing.rfind(b"</")
                head, parts, tail = split_fast(existing, body, close, number, values) or \
                    split_slow(existing, body, close, number, values)
            # spans is only a hint; a written row may now reach other columns.
            open_tag = re.sub(rb'\sspans="[^"]*"', b"", open_match.group(0)).rstrip(b"/>") + b">"
        else:
            open_tag = b"<" + prefix + b'row r="' + str(number).encode() + b'">'
        present = {c for c, _ in parts}
        added = [(col, render(col, number, value, col_style.get(col, row_style)))
                 for col, value in values.items() if col not in present]
        if added:
            parts = sorted(parts + added, key=lambda p: p[0])
        if values:
            max_row = max(max_row, number)
            max_col = max(max_col, max(values))
        return open_tag + head + b"".join(p for _, p in parts) + tail + row_close

    out: list[bytes] = []
    i = 0
    cursor = start
    if not closed:
        for number, r0, r1, m in iter_rows(xml, start, end, prefix):
            while i < len(pending) and pending[i] < number:
                out.append(xml[cursor:r0])
                cursor = r0
                out.append(render_row(pending[i], None, None))
                i += 1
            if i < len(pending) and pending[i] == number:
                out.append(xml[cursor:r0])
                out.append(render_row(number, xml[r0:r1], m))
                cursor = r1
                i += 1
            if i >= len(pending):
                break
    tail_rows = [render_row(n, None, None) for n in pending[i:]]
    if closed:
        open_m = SHEET_DATA.search(xml)
        assert open_m is not None
        new_open = open_m.group(0)[:-2] + b">"
        body_xml = new_open + b"".join(tail_rows) + b"</" + prefix + b"sheetData>"
        return xml[: open_m.start()] + body_xml + xml[open_m.end():], max_row, max_col
    return xml[:start] + b"".join(out) + xml[cursor:end] + b"".join(tail_rows) + \
        xml[end:], max_row, max_col


def grow_dimension(xml: bytes, last_row: int, last_col: int) -> bytes:
    """Widen ``<dimension ref>`` so it covers (last_row, last_col)."""
    m = DIMENSION.search(xml)
    if not m or last_row <= 0:
        return xml
    try:
        r1, c1, r2, c2 = parse_ref(m.group(2).decode())
    except ValueError:
        return xml
    if last_row <= r2 and last_col <= c2:
        return xml
    ref = make_ref(r1, c1, max(r2, last_row), max(c2, last_col)).encode()
    return xml[: m.start(2)] + ref + xml[m.end(2):]
