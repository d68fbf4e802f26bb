"""A report sheet as one self-contained HTML page, to share or print to PDF.

:func:`report_html` renders a :class:`~kakobuy_xl.report_sheet.ReportSheet` as the sheet
shows it: title, subtitle, KPI tiles, every table with its number formats applied, each
chart drawn as inline SVG from its table, and the notes. The page loads nothing (no
external resource, no script, inline CSS, a Content-Security-Policy that forbids the
rest); every value is escaped, since tables hold customers' words. ``@media print``
puts each table on its own page, so the browser's "Print to PDF" gives a clean PDF.
The output is deterministic: the same report (and ``generated``) gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from typing import Any, Sequence

from .report_sheet import (DATETIME_FORMAT, DURATION_FORMAT, Chart,
                           ReportSheet, ReportTable, cell_value, layout)

#: Series colours, in order (readable in print and for most colour-blind readers).
PALETTE: tuple[str, ...] = ("#1F4E79", "#E07B39", "#5B9B4B", "#A23B72", "#8C8C8C",
                            "#2E86AB", "#C9A227", "#6C4F9E", "#D1495B", "#3D7068")
SVG_WIDTH = 640
SVG_HEIGHT = 320

_CSS = """
*{box-sizing:border-box}
body{font-family:"Segoe UI",Calibri,Arial,sans-serif;color:#1d2733;margin:0;background:#f4f6f9}
main{max-width:1040px;margin:0 auto;padding:28px 32px 40px;background:#fff}
h1{font-size:26px;margin:0 0 4px;color:#1F4E79}
.subtitle{color:#5a6b7d;margin:0 0 20px;font-size:14px}
h2{font-size:17px;margin:0 0 10px;color:#1F4E79;border-bottom:2px solid #dbe4ee;padding-bottom:4px}
section{margin:28px 0 0}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0 4px}
.tile{flex:1 1 140px;background:#eef3f8;border-left:4px solid #1F4E79;padding:10px 12px;
  border-radius:3px;break-inside:avoid}
.tile .label{font-size:12px;color:#5a6b7d;text-transform:uppercase;letter-spacing:.03em}
.tile .value{font-size:24px;font-weight:600;margin:4px 0 2px}
.tile .note{font-size:12px;color:#5a6b7d}
table{border-collapse:collapse;width:100%;font-size:13px;margin:0 0 14px}
thead{display:table-header-group}
th{background:#1F4E79;color:#fff;text-align:left;padding:6px 8px;font-weight:600}
td{padding:5px 8px;border-bottom:1px solid #e3e8ee;vertical-align:top;white-space:pre-wrap;
  overflow-wrap:anywhere}
tbody tr:nth-child(even) td{background:#f7f9fb}
th.num,td.num{text-align:right}
td.num,td:first-child{white-space:nowrap}
.empty{color:#8a97a6;font-style:italic}
figure{margin:10px 0 18px;break-inside:avoid}
svg{max-width:100%;height:auto;font-family:inherit}
.notes{margin-top:28px;font-size:12.5px;color:#5a6b7d}
.notes p{margin:4px 0}
footer{margin-top:24px;font-size:11.5px;color:#8a97a6;border-top:1px solid #e3e8ee;padding-top:8px}
@media print{
  body{background:#fff}
  main{max-width:none;padding:0}
  h2{break-after:avoid}
  table{font-size:10.5px}
  tr,figure,.tiles{break-inside:avoid}
  th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  .tile,tbody tr:nth-child(even) td{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
@page{size:A4 landscape;margin:12mm}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


# ------------------------------------------------------------------ number formats


def _literal(part: str) -> str:
    """The literal text of a format fragment: quoted text, [$€-407] currency, \\x."""
    out = []
    for quoted, currency, escaped, plain in re.findall(
            r'"([^"]*)"|\[\$([^\]-]*)(?:-[^\]]*)?\]|\\(.)|([^0#?,.%\s]+|\s)', part):
        out.append(quoted or currency or escaped or plain)
    return "".join(out)


def format_value(value: Any, number_format: str = "General") -> str:
    """A cell value as the sheet shows it with ``number_format`` (the common Excel
    formats: ``0``, ``0.0``, ``#,##0.00``, ``0%``, money with a symbol, dates,
    ``[h]:mm``); text stays text.

    >>> format_value(0.256, "0%"), format_value(12.345, "0.0"), format_value(1234.5, "#,##0.00")
    ('26%', '12.3', '1,234.50')
    >>> format_value(1234.5, '"$"#,##0.00'), format_value(1.5, "[h]:mm")
    ('$1,234.50', '36:00')
    >>> format_value("=cmd|' /C calc'!A0")
    "=cmd|' /C calc'!A0"
    """
    v, natural = cell_value(value)
    if v is None:
        return ""
    fmt = (number_format or "General").split(";")[0]
    if fmt == "General" and natural:
        fmt = natural
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M" if fmt == DATETIME_FORMAT else "%Y-%m-%d")
    if isinstance(v, dt.date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, str):
        return v
    if fmt == DURATION_FORMAT or fmt.startswith("[h]"):
        minutes = int(round(v * 24 * 60))
        sign, minutes = ("-" if minutes < 0 else ""), abs(minutes)
        return f"{sign}{minutes // 60}:{minutes % 60:02d}"
    if fmt == "General":
        if isinstance(v, int):
            return str(v)
        return f"{v:.2f}".rstrip("0").rstrip(".") if abs(v) < 1e15 else f"{v:g}"
    # Quoted text and [..] codes may hold digits ("[$€-407]"): hide them from the search.
    masked = re.sub(r'"[^"]*"|\[[^\]]*\]', lambda m: "\x00" * len(m.group(0)), fmt)
    numeric = re.search(r"[0#?][0#?,]*(?:\.[0#?]+)?%?", masked)
    if not numeric:
        return f"{v:g}"
    core = numeric.group(0)
    decimals = len(core.split(".")[1].rstrip("%")) if "." in core else 0
    percent = "%" in fmt
    number = v * 100 if percent else v
    comma = "," if "," in core else ""
    text = f"{abs(number):{comma}.{decimals}f}"
    # The sign goes before a currency symbol, as Excel shows it; -0.0 reads as a mistake.
    sign = "-" if number < 0 and float(text.replace(",", "")) != 0 else ""
    prefix = _literal(fmt[:numeric.start()])
    suffix = _literal(fmt[numeric.end():].replace("%", "", 1)) if percent else \
        _literal(fmt[numeric.end():])
    return f"{sign}{prefix}{text}{'%' if percent else ''}{suffix}"


def _is_number(value: Any) -> bool:
    v, _ = cell_value(value)
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# ------------------------------------------------------------------ charts


def _number(value: Any) -> float | None:
    v, _ = cell_value(value)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high], including 0."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1.0
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    t = start
    while t < high + step * 0.999:
        ticks.append(round(t, 10))
        t += step
    return ticks


def _tick_text(v: float, percent: bool = False) -> str:
    if percent:  # the series are shares (0% format): 0.8 reads as 80%
        return f"{v * 100:g}%"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:g}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def _svg_open(chart: Chart, height: int = SVG_HEIGHT) -> list[str]:
    title = _e(chart.title)
    return [f'<svg class="chart chart-{_e(chart.kind)}" '
            f'viewBox="0 0 {SVG_WIDTH} {height}" width="{SVG_WIDTH}" height="{height}" '
            f'role="img" aria-label="{title}">',
            f"<title>{title}</title>",
            f'<rect x="0" y="0" width="{SVG_WIDTH}" height="{height}" fill="#fff" '
            'stroke="#dbe4ee"/>',
            f'<text class="chart-title" x="{SVG_WIDTH / 2:.0f}" y="22" text-anchor="middle" '
            f'font-size="15" font-weight="600" fill="#1d2733">{title}</text>']


def _legend(names: Sequence[str], x: float, y: float) -> list[str]:
    out = ['<g class="legend">']
    for i, name in enumerate(names):
        cy = y + i * 18
        out.append(f'<rect x="{x:.1f}" y="{cy - 9:.1f}" width="11" height="11" '
                   f'fill="{PALETTE[i % len(PALETTE)]}"/>')
        out.append(f'<text x="{x + 16:.1f}" y="{cy:.1f}" font-size="11.5" fill="#1d2733">'
                   f"{_e(_short(name, 22))}</text>")
    out.append("</g>")
    return out


def _chart_svg(chart: Chart, table: ReportTable) -> str:
    frame = table.frame
    cats = [format_value(v, table.number_formats.get(chart.category_column, "General"))
            for v in frame[chart.category_column].tolist()]
    series = [[_number(v) for v in frame[c].tolist()] for c in chart.value_columns]
    if not cats:
        out = _svg_open(chart, 120)
        out.append(f'<text class="no-data" x="{SVG_WIDTH / 2:.0f}" y="70" text-anchor="middle" '
                   'font-size="13" fill="#8a97a6">No data</text></svg>')
        return "\n".join(out)
    if chart.kind == "pie":
        return _pie(chart, cats, series[0])
    percent = all(table.number_formats.get(c, "General").endswith("%")
                  for c in chart.value_columns)
    return _axes_chart(chart, cats, series, list(chart.value_columns), percent)


def _axes_chart(chart: Chart, cats: list[str], series: list[list[float | None]],
                names: list[str], percent: bool = False) -> str:
    horizontal = chart.kind == "bar"
    n = len(cats)
    legend_w = 150 if len(names) > 1 else 0
    left = 150 if horizontal else 62
    top, bottom, right = 40, 62 if not horizontal else 44, 20 + legend_w
    height = SVG_HEIGHT if not horizontal else max(SVG_HEIGHT, top + bottom + 22 * n)
    out = _svg_open(chart, height)
    plot_w = SVG_WIDTH - left - right
    plot_h = height - top - bottom
    values = [v for s in series for v in s if v is not None]
    ticks = _nice_ticks(min(values, default=0.0), max(values, default=0.0))
    lo, hi = ticks[0], ticks[-1]

    def scale(v: float) -> float:  # value -> distance along the value axis
        return (v - lo) / (hi - lo) * (plot_w if horizontal else plot_h)

    zero = scale(0.0)
    out.append('<g class="grid" font-size="11" fill="#5a6b7d">')
    for t in ticks:
        d = scale(t)
        if horizontal:
            x = left + d
            out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" '
                       'stroke="#e3e8ee"/>')
            out.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                       f"{_e(_tick_text(t, percent))}</text>")
        else:
            y = top + plot_h - d
            out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                       'stroke="#e3e8ee"/>')
            out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
                       f"{_e(_tick_text(t, percent))}</text>")
    out.append("</g>")
    band = (plot_h if horizontal else plot_w) / n
    k = len(series)
    out.append('<g class="series">')
    if chart.kind in ("column", "bar"):
        inner = band * 0.75
        width = inner / k
        for si, values_ in enumerate(series):
            colour = PALETTE[si % len(PALETTE)]
            for ci, v in enumerate(values_):
                if v is None:
                    continue
                start = ci * band + (band - inner) / 2 + si * width
                a, b = sorted((zero, scale(v)))
                tip = _e(f"{names[si]} \u2014 {cats[ci]}: {_tick_text(v)}")
                if horizontal:
                    out.append(f'<rect class="bar" x="{left + a:.1f}" y="{top + start:.1f}" '
                               f'width="{b - a:.1f}" height="{width:.1f}" fill="{colour}">'
                               f"<title>{tip}</title></rect>")
                else:
                    out.append(f'<rect class="bar" x="{left + start:.1f}" '
                               f'y="{top + plot_h - b:.1f}" width="{width:.1f}" '
                               f'height="{b - a:.1f}" fill="{colour}"><title>{tip}</title></rect>')
    else:  # line
        for si, values_ in enumerate(series):
            colour = PALETTE[si % len(PALETTE)]
            pts = [(left + (ci + 0.5) * band, top + plot_h - scale(v), ci, v)
                   for ci, v in enumerate(values_) if v is not None]
            if len(pts) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in pts)
                out.append(f'<polyline class="line" points="{path}" fill="none" '
                           f'stroke="{colour}" stroke-width="2.5"/>')
            for x, y, ci, v in pts:
                tip = _e(f"{names[si]} \u2014 {cats[ci]}: {_tick_text(v)}")
                out.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" '
                           f'fill="{colour}"><title>{tip}</title></circle>')
    out.append("</g>")
    # Axes and category labels.
    if horizontal:
        out.append(f'<line x1="{left + zero:.1f}" y1="{top}" x2="{left + zero:.1f}" '
                   f'y2="{top + plot_h}" stroke="#5a6b7d"/>')
        out.append('<g class="categories" font-size="11.5" fill="#1d2733">')
        for ci, cat in enumerate(cats):
            y = top + (ci + 0.5) * band + 4
            out.append(f'<text x="{left - 6}" y="{y:.1f}" text-anchor="end">'
                       f"{_e(_short(cat, 22))}</text>")
    else:
        out.append(f'<line x1="{left}" y1="{top + plot_h - zero:.1f}" x2="{left + plot_w}" '
                   f'y2="{top + plot_h - zero:.1f}" stroke="#5a6b7d"/>')
        out.append('<g class="categories" font-size="11.5" fill="#1d2733">')
        limit = max(4, int(band / 7))
        rotate = n > 6 and band < 70
        for ci, cat in enumerate(cats):
            x = left + (ci + 0.5) * band
            y = top + plot_h + 16
            if rotate:
                out.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="end" '
                           f'transform="rotate(-35 {x:.1f} {y:.1f})">{_e(_short(cat, 16))}</text>')
            else:
                out.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle">'
                           f"{_e(_short(cat, limit))}</text>")
    out.append("</g>")
    value_title = chart.y_title
    cat_title = chart.x_title
    if horizontal:
        if value_title:
            out.append(f'<text class="axis-title" x="{left + plot_w / 2:.1f}" '
                       f'y="{height - 8}" text-anchor="middle" font-size="12" '
                       f'fill="#5a6b7d">{_e(value_title)}</text>')
        if cat_title:
            out.append(f'<text class="axis-title" x="14" y="{top + plot_h / 2:.1f}" '
                       f'text-anchor="middle" font-size="12" fill="#5a6b7d" '
                       f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{_e(cat_title)}</text>')
    else:
        if value_title:
            out.append(f'<text class="axis-title" x="16" y="{top + plot_h / 2:.1f}" '
                       f'text-anchor="middle" font-size="12" fill="#5a6b7d" '
                       f'transform="rotate(-90 16 {top + plot_h / 2:.1f})">{_e(value_title)}</text>')
        if cat_title:
            out.append(f'<text class="axis-title" x="{left + plot_w / 2:.1f}" '
                       f'y="{height - 6}" text-anchor="middle" font-size="12" '
                       f'fill="#5a6b7d">{_e(cat_title)}</text>')
    if legend_w:
        out += _legend(names, SVG_WIDTH - legend_w + 10, top + 10)
    out.append("</svg>")
    return "\n".join(out)


def _pie(chart: Chart, cats: list[str], values: list[float | None]) -> str:
    out = _svg_open(chart)
    parts = [(c, v) for c, v in zip(cats, values) if v is not None and v > 0]
    total = sum(v for _, v in parts)
    cx, cy, r = 170.0, SVG_HEIGHT / 2 + 12, 115.0
    out.append('<g class="series">')
    angle = -math.pi / 2  # start at twelve o'clock, like Excel
    for i, (cat, v) in enumerate(parts):
        colour = PALETTE[i % len(PALETTE)]
        share = v / total
        tip = _e(f"{cat}: {_tick_text(v)} ({share:.0%})")
        if len(parts) == 1:
            out.append(f'<circle class="slice" cx="{cx}" cy="{cy}" r="{r}" fill="{colour}">'
                       f"<title>{tip}</title></circle>")
            continue
        end = angle + share * 2 * math.pi
        x1, y1 = cx + r * math.cos(angle), cy + r * math.sin(angle)
        x2, y2 = cx + r * math.cos(end), cy + r * math.sin(end)
        large = 1 if share > 0.5 else 0
        out.append(f'<path class="slice" d="M{cx:.1f},{cy:.1f} L{x1:.2f},{y1:.2f} '
                   f'A{r:.1f},{r:.1f} 0 {large} 1 {x2:.2f},{y2:.2f} Z" fill="{colour}" '
                   f'stroke="#fff" stroke-width="1.5"><title>{tip}</title></path>')
        angle = end
    out.append("</g>")
    if not parts:
        out.append(f'<text class="no-data" x="{cx}" y="{cy}" text-anchor="middle" '
                   'font-size="13" fill="#8a97a6">No data</text>')
    labels = [f"{c} \u2014 {v / total:.0%}" for c, v in parts]
    out += _legend(labels, 340, 70)
    out.append("</svg>")
    return "\n".join(out)


# ------------------------------------------------------------------ page


def _table_html(table: ReportTable) -> str:
    frame = table.frame
    columns = [str(c) for c in frame.columns]
    fmts = [table.number_formats.get(c, "General") for c in columns]
    records = list(frame.itertuples(index=False, name=None))
    numeric = [bool(records) and all(_is_number(r[i]) or cell_value(r[i])[0] is None
                                     for r in records) and
               any(_is_number(r[i]) for r in records) for i in range(len(columns))]
    head = "".join(f'<th{" class=num" if numeric[i] else ""}>{_e(c)}</th>'
                   .replace(" class=num", ' class="num"')
                   for i, c in enumerate(columns))
    out = [f"<table><thead><tr>{head}</tr></thead><tbody>"]
    if not records:
        out.append(f'<tr><td class="empty" colspan="{max(len(columns), 1)}">No rows</td></tr>')
    for record in records:
        cells = []
        for i, value in enumerate(record):
            cls = ' class="num"' if _is_number(value) else ""
            cells.append(f"<td{cls}>{_e(format_value(value, fmts[i]))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def report_html(report: ReportSheet, *, generated: dt.datetime | None = None) -> str:
    """The report as one self-contained HTML page (see the module docstring).

    Raises :class:`~kakobuy_xl.errors.ConfigError` when a chart names a table or column
    the report does not have (the same checks as the sheet writers).

    >>> from kakobuy_xl.report_sheet import Tile
    >>> page = report_html(ReportSheet("R", "Disputes <May>", tiles=[Tile("Open", 3)]))
    >>> "<h1>Disputes &lt;May&gt;</h1>" in page and "<script" not in page
    True
    """
    layout(report)  # validates charts against tables, as the sheet writers do
    tables = {t.key: t for t in report.tables}
    out: list[str] = []
    add = out.append
    add('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">')
    # Nothing may load or run, whatever a cell contains; styles are inline only.
    add("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">")
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    add(f"<title>{_e(report.title or report.name)}</title><style>{_CSS}</style></head>")
    add("<body><main>")
    add(f"<header><h1>{_e(report.title or report.name)}</h1>")
    if report.subtitle:
        add(f'<p class="subtitle">{_e(report.subtitle)}</p>')
    add("</header>")
    if report.tiles:
        add('<section class="tiles">')
        for tile in report.tiles:
            add('<div class="tile">'
                f'<div class="label">{_e(tile.label)}</div>'
                f'<div class="value">{_e(format_value(tile.value, tile.number_format)) or "&#8212;"}'
                "</div>"
                + (f'<div class="note">{_e(tile.note)}</div>' if tile.note else "")
                + "</div>")
        add("</section>")
    for table in report.tables:
        add(f'<section class="table" id="{_e(_anchor(table.key))}">')
        if table.title:
            add(f"<h2>{_e(table.title)}</h2>")
        add(_table_html(table))
        for chart in report.charts:
            if chart.table_key == table.key:
                add(f"<figure>{_chart_svg(chart, tables[chart.table_key])}</figure>")
        add("</section>")
    if report.notes:
        add('<section class="notes">' +
            "".join(f"<p>{_e(note)}</p>" for note in report.notes) + "</section>")
    stamp = f" on {generated:%Y-%m-%d %H:%M}" if generated is not None else ""
    add(f"<footer>{_e(report.name)} \u2014 exported by kakobuy{_e(stamp)}.</footer>")
    add("</main></body></html>\n")
    return "\n".join(out)


def _anchor(key: str) -> str:
    return "t-" + re.sub(r"[^A-Za-z0-9_-]+", "-", key)


__all__ = ["PALETTE", "format_value", "report_html"]
