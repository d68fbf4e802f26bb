"""Service Report and Monthly Report sheets: tiles, tables, charts and their ranges."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kakobuy_xl import insight_report as ir
from kakobuy_xl.errors import ConfigError
from kakobuy_xl.io.xlsx import FileWorkbook
from kakobuy_xl.metrics import service_metrics_by
from kakobuy_xl.report_sheet import layout, report_grid
from kakobuy_xl.sla import BusinessCalendar

CAL = BusinessCalendar("UTC", "09:00-17:00", "Mon-Fri")
NOW = dt.datetime(2025, 7, 2, 12, 0)


def _messages() -> pd.DataFrame:
    rows = [  # timestamp, customer, direction, handler, channel
        ("2025-05-05 10:00", "C1", "in", None, "Email"),
        ("2025-05-05 12:00", "C1", "out", "Lin", "Email"),       # 2 h
        ("2025-06-02 10:00", "C2", "in", None, "WhatsApp"),
        ("2025-06-02 11:00", "C2", "out", "Alex", "WhatsApp"),   # 1 h
        ("2025-06-03 10:00", "C3", "in", None, "WhatsApp"),
        ("2025-06-03 14:00", "C3", "out", "Lin", "WhatsApp"),    # 4 h
        ("2025-06-20 10:00", "C1", "in", None, "Email"),         # waiting
    ]
    frame = pd.DataFrame(rows, columns=["timestamp", "customer_id", "direction", "handler",
                                        "channel"], index=range(2, 2 + len(rows)))
    frame["timestamp"] = pd.to_datetime(frame["timestamp"]).astype("datetime64[ns]")
    frame["status"] = np.where(frame["direction"] == "out", "sent", None)
    frame["order_id"] = frame["dispute_id"] = None
    return frame


def _disputes() -> pd.DataFrame:
    frame = pd.DataFrame({
        "dispute_id": ["D1", "D2", "D3", "D4"],
        "opened_at": pd.to_datetime(["2025-05-06 09:00", "2025-06-02 09:00",
                                     "2025-06-10 09:00", "2025-06-11 09:00"]),
        "customer_id": ["C1", "C2", "C3", "C3"], "order_id": ["O1", "O2", "O3", "O4"],
        "platform": ["eBay", "Shopify", "eBay", "eBay"],
        "platform_case_id": [None, None, "X-1", None],
        "status": ["resolved", "resolved", "escalated", "open"],
        "handler": ["Lin", "Alex", "Lin", "Lin"],
        "resolution": ["reship", "full_refund", None, None],
        "resolution_amount": [10.0, 20.0, np.nan, np.nan],
        "resolved_at": pd.to_datetime(["2025-05-07 09:00", "2025-06-02 17:00", None, None]),
        "csat": [5.0, 3.0, np.nan, np.nan],
        "type": ["damaged", "delivery_delay", "damaged", "damaged"],
        "grade": ["G1", "G2", "G3", "G1"]}, index=[2, 3, 4, 5])
    return frame


def _facts() -> pd.DataFrame:
    """The columns of reports.dispute_facts the monthly report reads."""
    return pd.DataFrame({"type": ["damaged", "delivery_delay", "damaged", "damaged"],
                         "region": ["Europe", "Southeast Asia", "Europe", "Europe"],
                         "month": ["2025-05", "2025-06", "2025-06", "2025-06"],
                         "resolved": [True, True, False, False]})


def _findings(n: int = 2) -> pd.DataFrame:
    return pd.DataFrame({
        "dimension": ["carrier x region", "product"][:n],
        "segment": ["YunExpress -> TH", "Labubu box"][:n],
        "metric": ["delay rate", "damage rate"][:n],
        "recent": [0.3, 0.2][:n], "baseline": [0.1, 0.05][:n], "ratio": [3.0, 4.0][:n],
        "count": [12, 8][:n], "p_value": [0.04, 0.001][:n],
        "finding": ["Delays to TH with YunExpress tripled.", "Labubu boxes arrive damaged."][:n],
        "suggestion": ["Try another carrier for TH.", "Pack them in a second box."][:n]})


@pytest.fixture(scope="module")
def metrics_by() -> dict[str, pd.DataFrame]:
    return service_metrics_by(_messages(), _disputes(), None, CAL, NOW)


def _range(ref: str) -> tuple[str, int, int]:
    """``'S'!$D$10:$D$13`` -> ('D', 10, 13)."""
    m = re.fullmatch(r"'[^!]+'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", ref)
    assert m and m.group(1) == m.group(3), ref
    return m.group(1), int(m.group(2)), int(m.group(4))


def _chart_reads(report, title: str) -> tuple[str, list[str], list]:
    """The header above a chart's categories, the headers of its series and the category
    labels, read back from the cells the ranges point at."""
    where = layout(report)
    chart = next(c for c in where.charts if c.chart.title == title)
    grid = report_grid(report, where)
    col, first, last = _range(chart.categories)
    headers = []
    for ref in chart.values:
        vcol, vfirst, vlast = _range(ref)
        assert (vfirst, vlast) == (first, last)
        headers.append(grid.loc[first - 1, vcol])
    return grid.loc[first - 1, col], headers, grid.loc[first:last, col].tolist()


# ------------------------------------------------------------------ Service Report


def test_service_report_tiles_tables_and_notes(metrics_by):
    report = ir.service_report(metrics_by, _findings(), NOW)
    assert report.name == "Service Report"
    tiles = {t.label: t for t in report.tiles}
    assert tiles["First reply (business h)"].value == 2.0   # median of 2, 1 and 4 h
    assert tiles["First reply (business h)"].number_format == "0.0"
    assert tiles["Resolution rate"].value == 0.5 and tiles["Resolution rate"].number_format == "0%"
    assert tiles["Resolution rate"].note == "2 of 4 disputes"
    assert tiles["CSAT"].value == 0.5 and "2 ratings" in tiles["CSAT"].note
    assert tiles["Escalation rate"].value == 0.25
    assert tiles["Next reply (business h)"].note == "median; 1 waiting now"
    assert [t.key for t in report.tables] == ["by_month", "by_handler", "by_channel",
                                              "by_platform", "findings"]
    by_month = report.tables[0].frame
    assert by_month["Month"].tolist() == ["2025-05", "2025-06"]
    assert by_month["Disputes"].tolist() == [1, 3]
    assert report.tables[0].number_formats["CSAT %"] == "0%"
    assert any(n.startswith("FCR: ") for n in report.notes)


def test_service_report_charts_point_at_their_columns(metrics_by):
    report = ir.service_report(metrics_by, None, NOW)
    assert len(layout(report).charts) == 5
    cat, series, labels = _chart_reads(report, "Reply and resolution time by month")
    assert cat == "Month" and labels == ["2025-05", "2025-06"]
    assert series == ["First reply median (business h)", "Resolution median (business h)"]
    cat, series, labels = _chart_reads(report, "Reply time by handler")
    assert cat == "Handler" and labels == ["Alex", "Lin", "Unassigned"]
    assert series == ["First reply median (business h)", "Next reply median (business h)"]
    cat, series, labels = _chart_reads(report, "Messages and disputes by channel")
    assert cat == "Channel" and series == ["Messages in", "Disputes"]
    assert labels == ["Email", "WhatsApp", "Unknown"]
    kinds = {c.chart.title: c.chart.kind for c in layout(report).charts}
    assert kinds["Resolution, FCR and CSAT by month"] == "line"
    assert kinds["Reply time by handler"] == "bar"


def test_group_tables_keep_the_busiest_groups(metrics_by):
    many = pd.DataFrame({"Handler": [f"H{i:02d}" for i in range(15)],
                         "Messages in": range(15), "Disputes": [0] * 15})
    report = ir.service_report({**metrics_by, "handler": many}, None, NOW, top=3)
    table = next(t for t in report.tables if t.key == "by_handler")
    assert table.frame["Handler"].tolist() == ["H14", "H13", "H12"]
    assert table.frame["FCR"].isna().all()  # blank cells, never 0


def test_findings_table_numbers_and_suggestions():
    table = ir.findings_table(_findings())
    frame = table.frame
    text = "Finding and suggestion"
    # Most significant first; each suggestion under its finding.
    assert frame[text].tolist() == ["Labubu boxes arrive damaged.",
                                    "Suggestion: Pack them in a second box.",
                                    "Delays to TH with YunExpress tripled.",
                                    "Suggestion: Try another carrier for TH."]
    assert frame.loc[0, "Where"] == "product: Labubu box"
    assert frame.loc[0, "Change"] == 4.0 and frame.loc[2, "Count"] == 12
    assert table.title == "Findings and suggestions"
    empty = ir.findings_table(_findings().iloc[:0])
    assert empty.frame.iloc[0, 0] == ir.NO_FINDINGS and len(empty.frame) == 1
    with pytest.raises(ConfigError, match="no column p_value"):
        ir.findings_table(_findings().drop(columns="p_value"))


# ------------------------------------------------------------------ Monthly Report


@pytest.mark.parametrize("bad", ["2026-13", "Nov", "2026-9", "2026-00", "", "2026/09", None])
def test_month_must_be_yyyy_mm(bad, metrics_by):
    with pytest.raises(ConfigError, match="YYYY-MM"):
        ir.monthly_report(bad, metrics_by, _facts(), None, NOW)


def test_monthly_report_compares_with_the_previous_month(metrics_by):
    report = ir.monthly_report("2025-06", metrics_by, _facts(), _findings(1), NOW)
    assert report.name == "Monthly Report" and "June 2025" in report.title
    tiles = {t.label: t for t in report.tiles}
    assert tiles["Disputes"].value == 3 and tiles["Disputes"].note == "+200% vs 2025-05"
    assert tiles["Messages in"].value == 3 and tiles["Messages in"].note == "+200% vs 2025-05"
    # Rates change in percentage points: 1 of 3 resolved against 1 of 1.
    assert tiles["Resolution rate"].value == pytest.approx(1 / 3)
    assert tiles["Resolution rate"].note == "-67 pts vs 2025-05"
    assert tiles["First reply (business h)"].note == "+25% vs 2025-05"  # 2.5 h against 2 h
    by_type = next(t for t in report.tables if t.key == "by_type").frame
    assert by_type.to_dict("list") == {"Type": ["damaged", "delivery_delay"],
                                       "Disputes": [2, 1], "Resolved": [0, 1],
                                       "Resolution rate": [0.0, 1.0]}
    trend = next(t for t in report.tables if t.key == "trend").frame
    assert trend["Month"].tolist() == ["2025-05", "2025-06"]  # from the first month of data
    findings = next(t for t in report.tables if t.key == "findings").frame
    assert findings["Finding and suggestion"].iloc[0].startswith("Delays to TH")
    cat, series, labels = _chart_reads(report, "Disputes by type, 2025-06")
    assert cat == "Type" and series == ["Disputes", "Resolved"]
    assert labels == ["damaged", "delivery_delay"]
    cat, series, labels = _chart_reads(report, "Disputes by destination region, 2025-06")
    assert cat == "Region" and series == ["Disputes"] and labels == ["Europe", "Southeast Asia"]
    cat, series, labels = _chart_reads(report, "Resolution, FCR and CSAT per month")
    assert cat == "Month" and series == ["Resolution rate", "FCR", "CSAT %"]


def test_monthly_trend_is_twelve_months_with_gaps_filled(metrics_by):
    facts = pd.concat([_facts(), pd.DataFrame({"type": ["other"], "region": ["Europe"],
                                               "month": ["2023-01"], "resolved": [True]})])
    report = ir.monthly_report("2025-08", metrics_by, facts, None, NOW)
    trend = next(t for t in report.tables if t.key == "trend").frame
    assert trend["Month"].tolist() == [f"{y}-{m:02d}" for y, m in
                                       [(2024, 9), (2024, 10), (2024, 11), (2024, 12)] +
                                       [(2025, m) for m in range(1, 9)]]
    assert trend.set_index("Month").loc["2025-07", "Disputes"] == 0
    assert trend.set_index("Month").loc["2025-07", "CSAT %"] is None
    tiles = {t.label: t for t in report.tiles}
    assert tiles["Disputes"].value == 0 and tiles["Disputes"].note == "no data for 2025-07"


def test_monthly_findings_by_month_and_customers_at_risk(metrics_by):
    findings = _findings().assign(month=["2025-06", "2025-05"])
    at_risk = pd.DataFrame({"Customer ID": ["C1", "C2", "C3"], "Name": ["Ann", "Bo", "Cy"],
                            "Risk Score": [0.2, 0.9, 0.5], "Risk Reasons": ["a", "b", "c"]})
    report = ir.monthly_report("2025-06", metrics_by, _facts(), findings, NOW, at_risk=at_risk)
    text = next(t for t in report.tables if t.key == "findings").frame
    assert len(text) == 2 and text.iloc[0, -1].startswith("Delays to TH")
    risk = next(t for t in report.tables if t.key == "at_risk").frame
    assert risk.columns.tolist() == ["Customer", "Name", "Risk score", "Why"]
    assert risk["Customer"].tolist() == ["C2", "C3", "C1"]


# ------------------------------------------------------------------ empty workbook


def test_empty_workbook_reports_are_valid_and_written(shop_path):
    empty = service_metrics_by(None, None, None, CAL, NOW)
    service = ir.service_report(empty, None, NOW)
    monthly = ir.monthly_report("2025-06", empty, None, None, NOW)
    assert [c.n_points for c in layout(service).charts] == [0, 0, 0, 0, 0]
    # The month itself is always on the trend, with no disputes and blank rates.
    assert [c.n_points for c in layout(monthly).charts] == [0, 0, 1, 1]
    assert {t.label: t.value for t in service.tiles}["CSAT"] is None
    assert next(t for t in service.tables if t.key == "findings").frame.iloc[0, 0] == \
        ir.NO_FINDINGS
    assert {t.label: t.note for t in monthly.tiles}["Disputes"] == "no data for 2025-05"
    wb = FileWorkbook(shop_path)
    wb.write_sheet(service)
    wb.write_sheet(monthly)
    wb.save()
    book = openpyxl.load_workbook(shop_path)
    assert book["Service Report"]["B1"].value == "Service report"
    assert len(book["Service Report"]._charts) == 5
    assert len(book["Monthly Report"]._charts) == 4
    book.close()


def test_reports_with_data_write_native_charts(shop_path, metrics_by):
    report = ir.service_report(metrics_by, _findings(), NOW)
    wb = FileWorkbook(shop_path)
    wb.write_sheet(report)
    wb.save()
    book = openpyxl.load_workbook(shop_path)
    ws = book["Service Report"]
    line = next(c for c in ws._charts if type(c).__name__ == "LineChart")
    expected = layout(report).charts[0]
    assert line.series[0].val.numRef.f == expected.values[0]
    assert ws["C5"].number_format == "0.0"  # a tile value keeps its number format
    book.close()
