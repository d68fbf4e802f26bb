"""HTML export of report sheets: escaping, formats, inline SVG charts, determinism."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pandas as pd
import pytest

from kakobuy_xl.errors import ConfigError
from kakobuy_xl.report_html import format_value, report_html
from kakobuy_xl.report_sheet import Chart, ReportSheet, ReportTable, Tile
from kakobuy_xl.reports import dispute_report


def _report(kind: str = "column", values: tuple[str, ...] = ("Count", "Resolved"),
            rows: int = 4, text: str = "damaged") -> ReportSheet:
    frame = pd.DataFrame({"Type": [text] + [f"type {i}" for i in range(1, rows)],
                          "Count": [10, 7, 3, 1][:rows], "Resolved": [8, 7, None, 0][:rows],
                          "Share": [0.476, 0.333, 0.143, 0.048][:rows]})
    return ReportSheet(
        "Dispute Report", "Disputes <June>", "21 disputes",
        tiles=[Tile("Disputes", 21, "0"), Tile("Resolution rate", 0.7142, "0%", "6 open"),
               Tile("Median h", 12.345, "0.0")],
        tables=[ReportTable("by_type", "By type", frame, {"Share": "0.0%"}),
                ReportTable("empty", "Nothing here", pd.DataFrame(columns=["Type", "Count"]))],
        charts=[Chart(kind, "By type", "by_type", "Type", values, y_title="disputes")],
        notes=["Counted as of June."])


def _svgs(page: str) -> list:
    return lxml.html.fromstring(page).xpath("//svg")


def test_structure_parses_and_has_every_part():
    page = report_html(_report())
    doc = lxml.html.fromstring(page)
    assert doc.xpath("//h1")[0].text_content() == "Disputes <June>"
    assert doc.xpath("//p[@class='subtitle']")[0].text_content() == "21 disputes"
    assert [t.text_content() for t in doc.xpath("//div[@class='tile']/div[@class='value']")] \
        == ["21", "71%", "12.3"]
    assert [h.text_content() for h in doc.xpath("//h2")] == ["By type", "Nothing here"]
    assert doc.xpath("//section[@class='notes']/p")[0].text_content() == "Counted as of June."
    csp = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "default-src 'none'" in csp


def test_number_formats_are_applied():
    doc = lxml.html.fromstring(report_html(_report()))
    first = [td.text_content() for td in doc.xpath("(//table)[1]/tbody/tr[1]/td")]
    assert first == ["damaged", "10", "8", "47.6%"]
    third = [td.text_content() for td in doc.xpath("(//table)[1]/tbody/tr[3]/td")]
    assert third[2] == ""  # an empty cell stays empty


@pytest.mark.parametrize("value,fmt,shown", [
    (0.256, "0%", "26%"), (0.2564, "0.0%", "25.6%"), (12.345, "0.0", "12.3"),
    (1234.5, "#,##0.00", "1,234.50"), (1234.5, '"$"#,##0.00', "$1,234.50"),
    (99.5, '#,##0.00 "EUR"', "99.50 EUR"), (-1234.5, "[$€-407]#,##0.00", "-€1,234.50"),
    (1.5, "[h]:mm", "36:00"), (dt.datetime(2025, 6, 1, 9, 30), "General", "2025-06-01 09:30"),
    (pd.Timestamp("2025-06-01"), "yyyy-mm-dd", "2025-06-01"), (3, "General", "3"),
    (2.50, "General", "2.5"), (None, "0%", ""), (float("nan"), "0.0", ""), (True, "General", "TRUE"),
    (pd.Timedelta(hours=2, minutes=15), "General", "2:15"), (-0.01, "0.0", "0.0"),
])
def test_format_value(value, fmt, shown):
    assert format_value(value, fmt) == shown


def test_customer_text_is_escaped_and_stays_text():
    nasty = "<script>alert(1)</script>"
    report = _report(text=nasty)
    report.tables[0].frame.loc[1, "Type"] = "=cmd|' /C calc'!A0"
    report.notes.append('<img src="http://evil.example/x.png">')
    page = report_html(report)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    doc = lxml.html.fromstring(page)
    cells = [td.text_content() for td in doc.xpath("(//table)[1]/tbody/tr/td[1]")]
    assert cells[:2] == [nasty, "=cmd|' /C calc'!A0"]
    assert not doc.xpath("//script") and not doc.xpath("//img")


def test_no_external_resources():
    page = report_html(_report())
    assert "http:" not in page and "https:" not in page
    doc = lxml.html.fromstring(page)
    assert not doc.xpath("//*[@src] | //link | //*[@href]")


@pytest.mark.parametrize("kind,values,count", [
    ("column", ("Count", "Resolved"), 4 + 3),   # one bar per non-empty value
    ("bar", ("Count",), 4),
])
def test_bar_charts_draw_one_bar_per_value(kind, values, count):
    svg = _svgs(report_html(_report(kind, values)))
    assert len(svg) == 1  # the chart; the table without a chart gets none
    assert len(svg[0].xpath(".//rect[@class='bar']")) == count
    texts = [t.text_content() for t in svg[0].xpath(".//text")]
    assert "By type" in texts and "disputes" in texts and "damaged" in texts
    if len(values) > 1:
        assert {"Count", "Resolved"} <= set(texts)  # the legend


def test_line_chart_draws_points_and_lines():
    svg = _svgs(report_html(_report("line", ("Count", "Resolved"))))[0]
    assert len(svg.xpath(".//circle[@class='point']")) == 4 + 3
    assert len(svg.xpath(".//polyline[@class='line']")) == 2


def test_pie_chart_draws_one_slice_per_positive_value():
    svg = _svgs(report_html(_report("pie", ("Count",))))[0]
    assert len(svg.xpath(".//path[@class='slice']")) == 4
    assert "damaged \u2014 48%" in [t.text_content() for t in svg.xpath(".//text")]


def test_empty_table_and_chart_of_it():
    report = _report()
    report.charts.append(Chart("column", "Nothing", "empty", "Type", ("Count",)))
    doc = lxml.html.fromstring(report_html(report))
    assert doc.xpath("(//table)[2]//td[@class='empty']")[0].text_content() == "No rows"
    assert doc.xpath("(//svg)[2]//text[@class='no-data']")


def test_deterministic_and_generated_stamp():
    assert report_html(_report()) == report_html(_report())
    stamped = report_html(_report(), generated=dt.datetime(2025, 6, 1, 9, 5))
    assert "on 2025-06-01 09:05" in stamped


def test_print_css_keeps_sections_whole_on_landscape_pages():
    page = report_html(_report())
    printed = page.split("@media print", 1)[1]
    assert "size:A4 landscape" in page
    assert "h2{break-after:avoid}" in printed  # a title never ends a page alone
    assert "figure,.tiles{break-inside:avoid}" in printed  # nor is a chart cut in two


def test_bad_chart_is_refused_like_the_sheet_writers():
    report = _report()
    report.charts.append(Chart("column", "X", "missing", "Type", ("Count",)))
    with pytest.raises(ConfigError, match="missing"):
        report_html(report)


def test_real_dispute_report_renders():
    facts = pd.DataFrame({
        "type": ["damaged", "damaged", "customs"], "grade": ["G1", "G2", "G1"],
        "platform": ["eBay", "Etsy", "eBay"], "region": ["Europe", "Europe", "Oceania"],
        "product": ["Mug", "Mug", "Lamp"], "month": ["2025-05", "2025-06", "2025-06"],
        "resolved": [True, False, True], "sla_status": ["met", "running", "breached"],
        "handling_calendar": [10.0, None, 30.0], "handling_business": [5.0, None, 12.0],
        "first_response_calendar": [1.0, 2.0, 3.0]})
    page = report_html(dispute_report(facts, dt.datetime(2025, 6, 30)))
    doc = lxml.html.fromstring(page)
    assert len(doc.xpath("//svg")) == 4 and len(doc.xpath("//table")) == 6
    assert doc.xpath("//div[@class='tile']/div[@class='value']")[1].text_content() == "67%"


def test_doctests_pass():
    import doctest

    from kakobuy_xl import report_html as module
    assert doctest.testmod(module).failed == 0


def test_share_axes_read_as_percentages():
    frame = pd.DataFrame({"Month": ["2025-04", "2025-05"], "CSAT %": [0.75, 1.0]})
    report = ReportSheet("Monthly Report", "Monthly", tables=[
        ReportTable("t", "Trend", frame, {"CSAT %": "0%"})],
        charts=[Chart("line", "CSAT per month", "t", "Month", ("CSAT %",))])
    svg = report_html(report)
    assert ">100%</text>" in svg and ">0%</text>" in svg
    assert ">0.8</text>" not in svg
