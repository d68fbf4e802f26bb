"""A :class:`~kakobuy_xl.report_sheet.ReportSheet` as SpreadsheetML parts.

The file WorkbookIO writes a report sheet as a whole new worksheet part, plus one
DrawingML drawing and one chart part per chart (native Excel charts whose series read
the sheet's own cells), and the few cell formats it needs appended to ``styles.xml``.
This module renders those parts as bytes; deciding part names and editing the package
(workbook.xml, relationships, content types) is the job of ``xlsx.py``.

Everything rendered is a function of the report alone, so writing the same report
twice gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Sequence
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from ..report_sheet import ChartLayout, Layout, ReportSheet, ReportTable, report_cells
from . import sheetxml as sx

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
REL_DRAWING = NS_REL + "/drawing"
REL_CHART = NS_REL + "/chart"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

#: Office's default series colours, so charts look familiar.
PALETTE = ("4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47", "264478", "9E480E")
#: Row heights (points) of rows holding big text; other rows keep Excel's default.
_TALL_ROWS = {"title": 30.0, "tile_value": 30.0, "table_title": 21.0}
#: Roles whose text wraps, with the height (points) of one line of their font.
_WRAPPED_ROWS = {"header": 15.0, "tile_label": 12.0, "tile_note": 12.0}


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a column ``width`` characters wide, wrapped at
    spaces (a rough count: bold and capital letters are wider, so 10% is kept spare).

    >>> wrapped_lines("First reply median (business h)", 13)
    4
    """
    room = max(int(width * 0.9), 1)
    lines = 0
    for para in text.splitlines() or [""]:
        n, used = 1, 0
        for word in para.split():
            need = len(word) if used == 0 else used + 1 + len(word)
            if need <= room:
                used = need
            else:
                n += 1 + (len(word) - 1) // room
                used = len(word) % room or room
        lines += n
    return lines


# Excel's built-in number formats (ECMA-376 18.8.30) that reports use.
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9,
                    "0.00%": 10, "0.00E+00": 11, "@": 49}


@dataclass(frozen=True)
class _Look:
    """The font, fill and alignment of a role."""

    bold: bool = False
    italic: bool = False
    size: float | None = None  # None: the workbook's default font
    color: str | None = None
    fill: str | None = None
    horizontal: str | None = None
    wrap: bool = False


LOOKS: dict[str, _Look] = {
    "title": _Look(bold=True, size=18, color="1F2A44"),
    "subtitle": _Look(italic=True, size=11, color="595959"),
    "tile_label": _Look(size=9, color="595959", fill="F2F2F2", horizontal="left", wrap=True),
    "tile_value": _Look(bold=True, size=18, color="1F2A44", fill="F2F2F2", horizontal="left"),
    "tile_note": _Look(italic=True, size=9, color="7F7F7F", fill="F2F2F2", horizontal="left",
                       wrap=True),
    "table_title": _Look(bold=True, size=13, color="1F2A44"),
    "header": _Look(bold=True, color="FFFFFF", fill="1F4E78", wrap=True),
    "cell": _Look(),
    "note": _Look(italic=True, size=10, color="595959"),
}


def _q(tag: str) -> str:
    return f"{{{NS_MAIN}}}{tag}"


def _key(el: etree._Element) -> tuple[Any, ...]:
    """A structural key: equal for elements that mean the same (attribute order aside)."""
    return (etree.QName(el).localname, tuple(sorted(el.attrib.items())),
            tuple(_key(c) for c in el if isinstance(c.tag, str)))


class ReportStyles:
    """Cell formats for report roles, found in or appended to a parsed ``styles.xml``.

    An equal font, fill, number format or cell format already there is reused, so a
    report written again adds nothing.
    """

    def __init__(self, root: etree._Element | None) -> None:
        self.root = root
        self.changed = False
        self._cache: dict[tuple[str, str], int] = {}

    def _find_or_add(self, parent_tag: str, el: etree._Element) -> int:
        assert self.root is not None
        parent = self.root.find(_q(parent_tag))
        if parent is None:
            raise ValueError(f"styles.xml has no {parent_tag}")
        want = _key(el)
        for i, existing in enumerate(parent):
            if _key(existing) == want:
                return i
        parent.append(el)
        parent.set("count", str(len(parent)))
        self.changed = True
        return len(parent) - 1

    def _num_fmt(self, code: str) -> int:
        if code in _BUILTIN_FORMATS:
            return _BUILTIN_FORMATS[code]
        assert self.root is not None
        num_fmts = self.root.find(_q("numFmts"))
        if num_fmts is None:
            num_fmts = etree.Element(_q("numFmts"), count="0")
            self.root.insert(0, num_fmts)
        for nf in num_fmts:
            if nf.get("formatCode") == code:
                return int(nf.get("numFmtId", "0"))
        fmt_id = max([163] + [int(nf.get("numFmtId", "0")) for nf in num_fmts]) + 1
        etree.SubElement(num_fmts, _q("numFmt"), numFmtId=str(fmt_id), formatCode=code)
        num_fmts.set("count", str(len(num_fmts)))
        self.changed = True
        return fmt_id

    def _font(self, look: _Look) -> int:
        if not (look.bold or look.italic or look.size or look.color):
            return 0
        assert self.root is not None
        fonts = self.root.find(_q("fonts"))
        base = fonts[0] if fonts is not None and len(fonts) else None

        def base_val(tag: str) -> str | None:
            el = base.find(_q(tag)) if base is not None else None
            return el.get("val") if el is not None else None

        font = etree.Element(_q("font"))
        if look.bold:
            etree.SubElement(font, _q("b"))
        if look.italic:
            etree.SubElement(font, _q("i"))
        size = look.size if look.size else float(base_val("sz") or 11)
        etree.SubElement(font, _q("sz"), val=f"{size:g}")
        if look.color:
            etree.SubElement(font, _q("color"), rgb="FF" + look.color)
        else:
            etree.SubElement(font, _q("color"), theme="1")
        etree.SubElement(font, _q("name"), val=base_val("name") or "Calibri")
        for tag in ("family", "charset", "scheme"):
            v = base_val(tag)
            if v is not None:
                etree.SubElement(font, _q(tag), val=v)
        return self._find_or_add("fonts", font)

    def _fill(self, color: str | None) -> int:
        if color is None:
            return 0
        fill = etree.Element(_q("fill"))
        pattern = etree.SubElement(fill, _q("patternFill"), patternType="solid")
        etree.SubElement(pattern, _q("fgColor"), rgb="FF" + color)
        etree.SubElement(pattern, _q("bgColor"), indexed="64")
        return self._find_or_add("fills", fill)

    def xf(self, role: str, number_format: str = "General") -> int:
        """The ``cellXfs`` index for a cell of ``role`` shown with ``number_format``."""
        if self.root is None:
            return 0
        key = (role, number_format)
        if key in self._cache:
            return self._cache[key]
        look = LOOKS.get(role, LOOKS["cell"])
        fmt_id = self._num_fmt(number_format)
        font_id = self._font(look)
        fill_id = self._fill(look.fill)
        if (fmt_id, font_id, fill_id) == (0, 0, 0) and not (look.horizontal or look.wrap):
            self._cache[key] = 0
            return 0
        xf = etree.Element(_q("xf"), numFmtId=str(fmt_id), fontId=str(font_id),
                           fillId=str(fill_id), borderId="0", xfId="0")
        if fmt_id:
            xf.set("applyNumberFormat", "1")
        if font_id:
            xf.set("applyFont", "1")
        if fill_id:
            xf.set("applyFill", "1")
        if look.horizontal or look.wrap:
            xf.set("applyAlignment", "1")
            align = etree.SubElement(xf, _q("alignment"), vertical="center")
            if look.horizontal:
                align.set("horizontal", look.horizontal)
            if look.wrap:
                align.set("wrapText", "1")
        index = self._find_or_add("cellXfs", xf)
        self._cache[key] = index
        return index

    def to_bytes(self) -> bytes:
        assert self.root is not None
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8",
                              standalone=True)


# ------------------------------------------------------------------ worksheet


def render_worksheet(report: ReportSheet, where: Layout, style: Callable[[str, str], int],
                     drawing_rid: str | None, date1904: bool = False) -> bytes:
    """The whole worksheet part: cells, column widths, tab colour, page setup, drawing."""
    rows: dict[int, list[bytes]] = {}
    heights: dict[int, float] = {}
    first_col, last_col, last_row = None, 0, 0
    for cell in report_cells(report, where):
        ref = f"{sx.col_letters(cell.col)}{cell.row}"
        value = cell.value
        if isinstance(value, str) and len(value) > sx.MAX_CELL_TEXT:
            value = value[: sx.MAX_CELL_TEXT - 1] + "\u2026"
        rows.setdefault(cell.row, []).append(
            sx.render_cell(ref, value, style(cell.role, cell.number_format) or None,
                           date1904=date1904))
        if cell.role in _TALL_ROWS:
            heights[cell.row] = max(heights.get(cell.row, 0), _TALL_ROWS[cell.role])
        elif cell.role in _WRAPPED_ROWS and isinstance(value, str):
            # Excel and LibreOffice keep a row's stored height on load, so a wrapped
            # header would show only its last line: make the row tall enough here.
            width = where.column_widths.get(cell.col, 8.43)
            line = _WRAPPED_ROWS[cell.role]
            heights[cell.row] = max(heights.get(cell.row, 0),
                                    line * wrapped_lines(value, width))
        first_col = cell.col if first_col is None else min(first_col, cell.col)
        last_col, last_row = max(last_col, cell.col), max(last_row, cell.row)
    first_row = min(rows, default=1)
    dim = "A1" if not rows else sx.make_ref(first_row, first_col or 1, last_row, last_col)
    out = [_DECL, f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'.encode()]
    tab = f'<tabColor rgb="FF{report.tab_color.lstrip("#").upper()}"/>' if report.tab_color \
        else ""
    # Fit to one page wide: a printed or exported report keeps its charts beside the tables.
    out.append(f'<sheetPr>{tab}<pageSetUpPr fitToPage="1"/></sheetPr>'.encode())
    out.append(f'<dimension ref="{dim}"/>'.encode())
    out.append(b'<sheetViews><sheetView showGridLines="0" workbookViewId="0"/></sheetViews>')
    out.append(b'<sheetFormatPr defaultRowHeight="15"/>')
    if where.column_widths:
        out.append(b"<cols>" + b"".join(
            f'<col min="{c}" max="{c}" width="{w:g}" customWidth="1"/>'.encode()
            for c, w in sorted(where.column_widths.items())) + b"</cols>")
    out.append(b"<sheetData>")
    for r in sorted(rows):
        ht = f' ht="{heights[r]:g}" customHeight="1"' if r in heights else ""
        out.append(f'<row r="{r}"{ht}>'.encode() + b"".join(rows[r]) + b"</row>")
    out.append(b"</sheetData>")
    out.append(b'<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" '
               b'footer="0.3"/>')
    out.append(b'<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>')
    if drawing_rid:
        out.append(f'<drawing r:id="{drawing_rid}"/>'.encode())
    out.append(b"</worksheet>")
    return b"".join(out)


def render_rels(targets: Sequence[tuple[str, str, str]]) -> bytes:
    """A relationships part: (Id, Type, Target) each."""
    body = "".join(f"<Relationship Id={quoteattr(i)} Type={quoteattr(t)} "
                   f"Target={quoteattr(target)}/>" for i, t, target in targets)
    return _DECL + f'<Relationships xmlns="{NS_PKG_REL}">{body}</Relationships>'.encode()


# ------------------------------------------------------------------ drawing


def render_drawing(charts: Sequence[ChartLayout], rids: Sequence[str]) -> bytes:
    """A DrawingML drawing holding one graphic frame per chart, anchored to cells."""
    anchors = []
    for i, (cl, rid) in enumerate(zip(charts, rids), 1):
        (r1, c1), (r2, c2) = cl.top_left, cl.bottom_right
        name = escape(cl.chart.title or f"Chart {i}", {'"': "&quot;"})
        anchors.append(
            '<xdr:twoCellAnchor editAs="oneCell">'
            f"<xdr:from><xdr:col>{c1 - 1}</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{r1 - 1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f"<xdr:to><xdr:col>{c2 - 1}</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{r2 - 1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
            '<xdr:graphicFrame macro="">'
            f'<xdr:nvGraphicFramePr><xdr:cNvPr id="{i + 1}" name="{name}"/>'
            "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>"
            '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
            f'<a:graphic><a:graphicData uri="{NS_C}">'
            f'<c:chart xmlns:c="{NS_C}" xmlns:r="{NS_REL}" r:id="{rid}"/>'
            "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/>"
            "</xdr:twoCellAnchor>")
    return _DECL + (f'<xdr:wsDr xmlns:xdr="{NS_XDR}" xmlns:a="{NS_A}">' + "".join(anchors) +
                    "</xdr:wsDr>").encode()


# ------------------------------------------------------------------ charts


def _rich(text: str, size: int, bold: bool) -> str:
    b = ' b="1"' if bold else ' b="0"'
    return (f"<c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz=\"{size}\"{b}/>"
            f'</a:pPr><a:r><a:rPr lang="en-US" sz="{size}"{b}/><a:t>{escape(text)}</a:t></a:r>'
            "</a:p></c:rich></c:tx>")


def _title(text: str, size: int = 1300) -> str:
    return f'<c:title>{_rich(text, size, True)}<c:overlay val="0"/></c:title>'


def _cache_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) \
            else value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _str_ref(formula: str, values: Sequence[Any]) -> str:
    pts = "".join(f'<c:pt idx="{i}"><c:v>{escape(_cache_text(v))}</c:v></c:pt>'
                  for i, v in enumerate(values) if v is not None)
    return (f"<c:strRef><c:f>{escape(formula)}</c:f><c:strCache>"
            f'<c:ptCount val="{len(values)}"/>{pts}</c:strCache></c:strRef>')


def _num_ref(formula: str, values: Sequence[Any], fmt: str) -> str:
    pts = "".join(f'<c:pt idx="{i}"><c:v>{float(v)!r}</c:v></c:pt>' for i, v in enumerate(values)
                  if isinstance(v, (int, float)) and not isinstance(v, bool))
    return (f"<c:numRef><c:f>{escape(formula)}</c:f><c:numCache>"
            f"<c:formatCode>{escape(fmt)}</c:formatCode><c:ptCount val=\"{len(values)}\"/>"
            f"{pts}</c:numCache></c:numRef>")


def _fill(color: str) -> str:
    return f'<c:spPr><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></c:spPr>'


def _line(color: str) -> str:
    return (f'<c:spPr><a:ln w="28575" cap="rnd"><a:solidFill><a:srgbClr val="{color}"/>'
            "</a:solidFill><a:round/></a:ln></c:spPr>")


def _column(table: ReportTable, column: str) -> list[Any]:
    from ..report_sheet import cell_value

    return [cell_value(v)[0] for v in table.frame[column].tolist()] if len(table.frame) \
        else [None]


def render_chart(cl: ChartLayout, table: ReportTable) -> bytes:
    """A ``c:chartSpace`` part: a bar, column, line or pie chart of the table's ranges."""
    chart = cl.chart
    categories = _column(table, chart.category_column)
    series = []
    for i, (column, ref, name_ref) in enumerate(zip(chart.value_columns, cl.values,
                                                    cl.series_names)):
        color = PALETTE[i % len(PALETTE)]
        fmt = table.number_formats.get(column, "General")
        head = (f'<c:ser><c:idx val="{i}"/><c:order val="{i}"/>'
                f"<c:tx>{_str_ref(name_ref, [column])}</c:tx>")
        data = (f"<c:cat>{_str_ref(cl.categories, categories)}</c:cat>"
                f"<c:val>{_num_ref(ref, _column(table, column), fmt)}</c:val>")
        if chart.kind in ("bar", "column"):
            series.append(head + _fill(color) + '<c:invertIfNegative val="0"/>' + data +
                          "</c:ser>")
        elif chart.kind == "line":
            series.append(head + _line(color) + '<c:marker><c:symbol val="circle"/>'
                          f'<c:size val="5"/>{_fill(color)}</c:marker>' + data +
                          '<c:smooth val="0"/></c:ser>')
        else:  # pie: one colour per slice
            points = "".join(
                f'<c:dPt><c:idx val="{p}"/><c:bubble3D val="0"/>'
                f'{_fill(PALETTE[p % len(PALETTE)])}</c:dPt>' for p in range(len(categories)))
            labels = ('<c:dLbls><c:numFmt formatCode="0%" sourceLinked="0"/>'
                      '<c:showLegendKey val="0"/><c:showVal val="0"/><c:showCatName val="0"/>'
                      '<c:showSerName val="0"/><c:showPercent val="1"/>'
                      '<c:showBubbleSize val="0"/><c:showLeaderLines val="1"/></c:dLbls>')
            series.append(head + points + labels + data + "</c:ser>")
    cat_id, val_id = 500000 + 2, 500000 + 1
    if chart.kind == "pie":
        plot = ('<c:pieChart><c:varyColors val="1"/>' + "".join(series) +
                '<c:firstSliceAng val="0"/></c:pieChart>')
        axes = ""
    else:
        if chart.kind == "line":
            plot = ('<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>' +
                    "".join(series) + '<c:marker val="1"/>'
                    f'<c:axId val="{cat_id}"/><c:axId val="{val_id}"/></c:lineChart>')
        else:
            direction = "bar" if chart.kind == "bar" else "col"
            plot = (f'<c:barChart><c:barDir val="{direction}"/><c:grouping val="clustered"/>'
                    '<c:varyColors val="0"/>' + "".join(series) +
                    f'<c:gapWidth val="80"/><c:axId val="{cat_id}"/><c:axId val="{val_id}"/>'
                    "</c:barChart>")
        cat_pos, val_pos = ("l", "b") if chart.kind == "bar" else ("b", "l")
        val_fmt = escape(table.number_formats.get(chart.value_columns[0], "General"))
        x_title = _title(chart.x_title, 1000) if chart.x_title else ""
        y_title = _title(chart.y_title, 1000) if chart.y_title else ""
        # Horizontal bars read top-down in table order: reverse the category axis.
        orientation = "maxMin" if chart.kind == "bar" else "minMax"
        axes = (f'<c:catAx><c:axId val="{cat_id}"/><c:scaling><c:orientation '
                f'val="{orientation}"/></c:scaling><c:delete val="0"/>'
                f'<c:axPos val="{cat_pos}"/>{x_title}'
                '<c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="out"/>'
                '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
                f'<c:crossAx val="{val_id}"/><c:crosses val="autoZero"/><c:auto val="1"/>'
                '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/>'
                "</c:catAx>"
                f'<c:valAx><c:axId val="{val_id}"/><c:scaling><c:orientation val="minMax"/>'
                f'</c:scaling><c:delete val="0"/><c:axPos val="{val_pos}"/>'
                '<c:majorGridlines><c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr '
                'val="D9D9D9"/></a:solidFill></a:ln></c:spPr></c:majorGridlines>'
                f'{y_title}<c:numFmt formatCode="{val_fmt}" sourceLinked="1"/>'
                '<c:majorTickMark val="out"/><c:minorTickMark val="none"/>'
                f'<c:tickLblPos val="nextTo"/><c:crossAx val="{cat_id}"/>'
                f'<c:crosses val="{"max" if chart.kind == "bar" else "autoZero"}"/>'
                '<c:crossBetween val="between"/></c:valAx>')
    # One series needs no legend (the title says it), except a pie's slices.
    legend = ('<c:legend><c:legendPos val="r"/><c:overlay val="0"/></c:legend>'
              if chart.kind == "pie" or len(chart.value_columns) > 1 else "")
    title = _title(chart.title) if chart.title else ""
    xml = (f'<c:chartSpace xmlns:c="{NS_C}" xmlns:a="{NS_A}" xmlns:r="{NS_REL}">'
           '<c:roundedCorners val="0"/>'
           f'<c:chart>{title}<c:autoTitleDeleted val="{0 if title else 1}"/>'
           f"<c:plotArea><c:layout/>{plot}{axes}</c:plotArea>{legend}"
           '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
           '<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill><a:ln w="9525">'
           '<a:solidFill><a:srgbClr val="D9D9D9"/></a:solidFill></a:ln></c:spPr>'
           "</c:chartSpace>")
    return _DECL + xml.encode("utf-8")


__all__ = [
    "CT_CHART",
    "CT_DRAWING",
    "CT_WORKSHEET",
    "LOOKS",
    "REL_CHART",
    "REL_DRAWING",
    "ReportStyles",
    "render_chart",
    "render_drawing",
    "render_rels",
    "render_worksheet",
]
