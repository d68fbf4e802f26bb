"""The Service Report and Monthly Report sheets, as :class:`ReportSheet` data.

Pure: they take frames that are already computed (the service metrics of
:func:`kakobuy_xl.metrics.service_metrics_by`, the dispute facts of
:func:`kakobuy_xl.reports.dispute_facts`, the findings of ``trends.findings``) and say what
goes where; the WorkbookIO writers turn them into cells and native Excel charts.

Findings contract (one row per finding, best first or sorted here by p value): dimension,
segment, metric, recent, baseline, ratio, count, p_value, finding, suggestion.

>>> import datetime as dt
>>> from kakobuy_xl.metrics import service_metrics_by
>>> from kakobuy_xl.sla import BusinessCalendar
>>> now = dt.datetime(2025, 6, 30)
>>> sheet = service_report(service_metrics_by(None, None, None, BusinessCalendar(), now),
...                        None, now)
>>> sheet.name, [t.key for t in sheet.tables][-1]
('Service Report', 'findings')
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .errors import ConfigError
from .metrics import METRIC_COLUMNS, METRIC_DEFINITIONS
from .report_sheet import FIRST_COL, Chart, ReportSheet, ReportTable, Tile
from .schema import snake
from .trends import FINDING_COLUMNS

__all__ = ["FINDING_COLUMNS", "MONTHLY_REPORT", "SERVICE_REPORT", "findings_table",
           "monthly_report", "parse_month", "service_report"]

SERVICE_REPORT = "Service Report"
MONTHLY_REPORT = "Monthly Report"
NO_FINDINGS = "No unusual changes found in the recent data."
#: Rows kept in a table of groups (handlers, channels, platforms, customers, findings).
TOP = 10
#: Months on a trend line.
TREND_MONTHS = 12

# The metrics a group table shows (all of them would make a table too wide to read).
_GROUP_COLUMNS = ("Messages in", "First reply median (business h)",
                  "Next reply median (business h)", "Waiting for reply", "Disputes",
                  "Resolution rate", "Resolution median (business h)", "FCR", "CSAT %",
                  "CSAT responses", "Escalation rate", "Repeat complaint rate")
_TREND_COLUMNS = ("Messages in", "Disputes", "First reply median (business h)",
                  "Resolution median (business h)", "Resolution rate", "FCR", "CSAT %",
                  "Escalation rate")
_RATES = ("Resolution rate", "FCR", "CSAT %", "CSAT response rate", "Repeat complaint rate",
          "Escalation rate", "Escalation win rate")


def _format(column: str) -> str:
    if column in _RATES:
        return "0%"
    if "(h)" in column or "(business h)" in column:
        return "0.0"
    if column == "CSAT mean":
        return "0.00"
    return "#,##0" if column in METRIC_COLUMNS else "General"


def _formats(columns: Sequence[str]) -> dict[str, str]:
    return {c: _format(c) for c in columns if _format(c) != "General"}


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    """NaN as empty cells (a blank, not 0, where a group has no data)."""
    return frame.astype(object).where(frame.notna(), None).reset_index(drop=True)


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, str):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(f) else f


def _overall(metrics_by: dict[str, pd.DataFrame]) -> dict[str, Any]:
    frame = metrics_by.get("all")
    if frame is None or not len(frame):
        return {}
    return frame.iloc[0].to_dict()


def _group_table(key: str, title: str, frame: pd.DataFrame | None, label: str,
                 top: int | None = TOP) -> ReportTable:
    """A table of groups with the report's metric columns; the busiest ``top`` groups."""
    columns = [label, *_GROUP_COLUMNS]
    if frame is None or not len(frame):
        return ReportTable(key, title, pd.DataFrame(columns=columns), _formats(columns))
    f = frame.reindex(columns=columns)
    if top is not None and len(f) > top:
        volume = f["Messages in"].fillna(0) + f["Disputes"].fillna(0)
        f = f.assign(_v=volume.to_numpy()).sort_values(["_v", label], ascending=[False, True],
                                                        kind="mergesort").head(top)
        f = f.drop(columns="_v")
    return ReportTable(key, title, _cells(f), _formats(columns))


# ------------------------------------------------------------------ findings


def findings_table(findings: pd.DataFrame | None, top: int = TOP,
                   key: str = "findings") -> ReportTable:
    """The "Findings and suggestions" table: two rows per finding (the numbers with the
    finding, then its suggestion), most significant first; one line saying nothing
    unusual was found when there is no finding."""
    title = "Findings and suggestions"
    if findings is None or not len(findings):
        return ReportTable(key, title, pd.DataFrame({"Finding": [NO_FINDINGS]}))
    missing = [c for c in FINDING_COLUMNS if c not in findings.columns]
    if missing:
        raise ConfigError(f"The findings table has no column {', '.join(missing)} "
                          f"(found: {', '.join(map(str, findings.columns))}). Findings come "
                          "from trends.findings; pass its result unchanged.")
    f = findings.assign(_p=pd.to_numeric(findings["p_value"], errors="coerce"),
                        _n=pd.to_numeric(findings["count"], errors="coerce"))
    f = f.sort_values(["_p", "_n"], ascending=[True, False], kind="mergesort",
                      na_position="last").head(top)
    text = "Finding and suggestion"
    rows: list[dict[str, Any]] = []
    for r in f.itertuples(index=False):
        where = f"{r.dimension}: {r.segment}" if isinstance(r.dimension, str) and \
            r.dimension else str(r.segment)
        rows.append({"Where": where, "Metric": r.metric, "Recent": _number(r.recent),
                     "Baseline": _number(r.baseline), "Change": _number(r.ratio),
                     "Count": _number(r.count), "p value": _number(r.p_value),
                     text: r.finding})
        # The suggestion on its own line, under its finding: the last column is free to
        # overflow to the right, where a long sentence stays readable.
        rows.append({"Where": None, "Metric": None, "Recent": None, "Baseline": None,
                     "Change": None, "Count": None, "p value": None,
                     text: f"Suggestion: {r.suggestion}"})
    return ReportTable(key, title, pd.DataFrame(rows, dtype=object),
                       {"Recent": "0.00", "Baseline": "0.00", "Change": '0.0"x"',
                        "Count": "#,##0", "p value": "0.000"})


# ------------------------------------------------------------------ Service Report


def _definitions(columns: Sequence[str]) -> list[str]:
    return [f"{c}: {METRIC_DEFINITIONS[c]}" for c in dict.fromkeys(columns)
            if c in METRIC_DEFINITIONS]


_FOOTER = ("Written by kakobuy from this workbook's own sheets: edits here are replaced at "
           "the next report. Business hours follow the Settings sheet (time zone, business "
           "hours, work days, holidays). Full definitions: docs/metrics.md.")


def _tile(label: str, values: dict[str, Any], column: str, note: str = "") -> Tile:
    return Tile(label, _number(values.get(column)), _format(column), note)


def _months_only(frame: pd.DataFrame | None, label: str = "Month") -> pd.DataFrame | None:
    """Rows whose month is known, oldest first (a trend line cannot place 'Unknown')."""
    if frame is None or not len(frame):
        return frame
    known = frame[frame[label].astype(str).str.fullmatch(r"\d{4}-\d{2}")]
    return known.sort_values(label, kind="mergesort")


def service_report(metrics_by: dict[str, pd.DataFrame], findings: pd.DataFrame | None,
                   now: dt.datetime, *, top: int = TOP) -> ReportSheet:
    """The Service Report sheet: KPI tiles, a table per month, handler, channel and
    platform, native charts (monthly trend lines, bars by handler and channel), the
    findings with suggestions, and the metric definitions as notes.

    ``metrics_by`` as :func:`kakobuy_xl.metrics.service_metrics_by` returns it (keys
    ``all``, ``month``, ``handler``, ``channel``, ``platform``; missing ones give empty
    tables).
    """
    o = _overall(metrics_by)
    waiting = int(o.get("Waiting for reply") or 0)
    csat_n = int(o.get("CSAT responses") or 0)
    csat_mean = _number(o.get("CSAT mean"))
    win = _number(o.get("Escalation win rate"))
    first_cal = _number(o.get("First reply median (h)"))
    tiles = [
        _tile("First reply (business h)", o, "First reply median (business h)",
              "median" + (f"; {first_cal:.1f} calendar h" if first_cal is not None else "")),
        _tile("Next reply (business h)", o, "Next reply median (business h)",
              f"median; {waiting:,} waiting now"),
        _tile("Resolution rate", o, "Resolution rate",
              f"{int(o.get('Resolved') or 0):,} of {int(o.get('Disputes') or 0):,} disputes"),
        _tile("First-contact resolution", o, "FCR", "resolved with exactly one reply"),
        _tile("CSAT", o, "CSAT %", f"4-5 of {csat_n:,} ratings" +
              (f", mean {csat_mean:.1f}" if csat_mean is not None else "")),
        _tile("Escalation rate", o, "Escalation rate",
              f"won {win:.0%} of closed cases" if win is not None else "no closed cases"),
        _tile("Repeat complaints", o, "Repeat complaint rate",
              "customers, 2+ within 30 days"),
    ]
    by_month = _months_only(metrics_by.get("month"))
    if by_month is not None:
        by_month = by_month.tail(TREND_MONTHS)
    tables = [
        _group_table("by_month", f"By month (last {TREND_MONTHS})", by_month, "Month",
                     top=None),
        _group_table("by_handler", f"By handler (top {top})", metrics_by.get("handler"),
                     "Handler", top),
        _group_table("by_channel", f"By channel (top {top})", metrics_by.get("channel"),
                     "Channel", top),
        _group_table("by_platform", f"By platform (top {top})", metrics_by.get("platform"),
                     "Platform", top),
        findings_table(findings, top),
    ]
    charts = [
        Chart("line", "Reply and resolution time by month", "by_month", "Month",
              ("First reply median (business h)", "Resolution median (business h)"),
              y_title="business hours (median)"),
        Chart("line", "Resolution, FCR and CSAT by month", "by_month", "Month",
              ("Resolution rate", "FCR", "CSAT %"), y_title="share"),
        Chart("bar", "Reply time by handler", "by_handler", "Handler",
              ("First reply median (business h)", "Next reply median (business h)"),
              y_title="business hours (median)"),
        Chart("column", "Messages and disputes by channel", "by_channel", "Channel",
              ("Messages in", "Disputes")),
        Chart("column", "Escalation and resolution by platform", "by_platform", "Platform",
              ("Resolution rate", "Escalation rate"), y_title="share"),
    ]
    total_msgs = int(o.get("Messages in") or 0)
    total_disputes = int(o.get("Disputes") or 0)
    return ReportSheet(
        SERVICE_REPORT, "Service report",
        f"{total_msgs:,} customer messages · {total_disputes:,} disputes · as of "
        f"{now:%Y-%m-%d %H:%M}",
        tiles=tiles, tables=tables, charts=charts,
        notes=["Definitions", *_definitions(["Messages in", *_GROUP_COLUMNS,
                                             "Escalation win rate"]), _FOOTER],
        column_widths=_widths(len(_GROUP_COLUMNS) + 1),
        tab_color="2E75B6")


def _widths(n_columns: int) -> dict[int, float]:
    """Even columns: the label column wide, the numbers narrow (headers wrap); the last
    text column of the findings table overflows to the right instead of widening."""
    widths = {FIRST_COL: 30.0}
    widths.update({FIRST_COL + i: 13.0 for i in range(1, n_columns)})
    return widths


# ------------------------------------------------------------------ Monthly Report

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(month: str) -> pd.Period:
    """A ``YYYY-MM`` month, or :class:`ConfigError` saying how to write it.

    >>> str(parse_month("2026-09"))
    '2026-09'
    """
    text = month.strip() if isinstance(month, str) else ""
    m = _MONTH.fullmatch(text)
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        raise ConfigError(f"Month '{month}' is not a month written as YYYY-MM. Write the "
                          "year and the month number, for example 2026-09 for September "
                          "2026.")
    return pd.Period(text, freq="M")


def _change(label: str, now_value: float | None, before: float | None, prev: str,
            rate: bool) -> str:
    """The note under a monthly tile: the change against the previous month."""
    if before is None:
        return f"no data for {prev}"
    if now_value is None:
        return f"{prev}: {before:.0%}" if rate else f"{prev}: {before:,.1f}"
    if rate:
        pts = (now_value - before) * 100
        return f"same as {prev}" if round(pts) == 0 else f"{pts:+.0f} pts vs {prev}"
    if before == 0:
        return f"same as {prev}" if now_value == 0 else f"up from 0 in {prev}"
    pct = (now_value - before) / abs(before) * 100
    return f"same as {prev}" if round(pct) == 0 else f"{pct:+.0f}% vs {prev}"


def _month_row(frame: pd.DataFrame | None, month: str) -> dict[str, Any]:
    if frame is None or not len(frame):
        return {}
    rows = frame[frame["Month"].astype(str) == month]
    return rows.iloc[0].to_dict() if len(rows) else {}


def _trend(frame: pd.DataFrame | None, facts: pd.DataFrame | None,
           period: pd.Period) -> pd.DataFrame:
    """The 12 months up to ``period`` (from the first month with data, when later), one
    row each: months without data show 0 counts and blank rates."""
    columns = ["Month", *_TREND_COLUMNS]
    known = set()
    if frame is not None and len(frame):
        known |= set(frame["Month"].astype(str))
    if facts is not None and len(facts) and "month" in facts:
        known |= set(facts["month"].astype(str))
    months = [period - i for i in range(TREND_MONTHS - 1, -1, -1)]
    data_months = sorted(m for m in known if _MONTH.fullmatch(m) and m <= str(period))
    if data_months:
        months = [m for m in months if str(m) >= data_months[0]]
    else:
        months = [period]
    labels = [str(m) for m in months]
    base = frame.set_index(frame["Month"].astype(str)) if frame is not None and len(frame) \
        else pd.DataFrame(columns=columns).set_index("Month")
    out = base.reindex(labels).reindex(columns=list(_TREND_COLUMNS))
    for c in _TREND_COLUMNS:
        if c in ("Messages in", "Disputes"):
            out[c] = out[c].fillna(0)
    out.index.name = "Month"
    return out.reset_index()


def _facts_of(facts: pd.DataFrame | None, month: str) -> pd.DataFrame:
    if facts is None or not len(facts):
        return pd.DataFrame(columns=["type", "region", "resolved"])
    return facts[facts["month"].astype(str) == month]


def _count_table(key: str, title: str, facts: pd.DataFrame, by: str,
                 label: str) -> ReportTable:
    columns = [label, "Disputes", "Resolved", "Resolution rate"]
    if not len(facts):
        return ReportTable(key, title, pd.DataFrame(columns=columns), _formats(columns))
    g = facts.groupby(facts[by].astype(str), sort=True)
    out = pd.DataFrame({"Disputes": g.size(), "Resolved": g["resolved"].sum().astype(int)})
    out["Resolution rate"] = out["Resolved"] / out["Disputes"]
    out.index.name = label
    out = out.reset_index().sort_values(["Disputes", label], ascending=[False, True],
                                        kind="mergesort").head(TOP)
    return ReportTable(key, title, _cells(out), _formats(columns))


# "Why" last: a long reason overflows into the empty cells on its right.
_RISK_HEADERS = {"customer_id": "Customer", "name": "Name", "segment": "Segment",
                 "risk_score": "Risk score", "open_disputes": "Open disputes",
                 "complaints": "Complaints", "last_contact": "Last contact",
                 "risk_reasons": "Why"}


def _at_risk_table(at_risk: pd.DataFrame) -> ReportTable:
    f = at_risk.rename(columns=lambda c: snake(str(c)))
    present = [c for c in _RISK_HEADERS if c in f.columns]
    if "risk_score" in f:
        score = pd.to_numeric(f["risk_score"], errors="coerce")
        f = f.assign(_s=score.to_numpy()).sort_values("_s", ascending=False, kind="mergesort",
                                                      na_position="last")
    out = f[present].head(TOP).rename(columns=_RISK_HEADERS)
    return ReportTable("at_risk", f"Customers at risk (top {TOP})", _cells(out),
                       {"Risk score": "0.00", "Open disputes": "#,##0",
                        "Complaints": "#,##0", "Last contact": "yyyy-mm-dd"})


def monthly_report(month: str, metrics_by: dict[str, pd.DataFrame],
                   facts: pd.DataFrame | None, findings: pd.DataFrame | None,
                   now: dt.datetime, *, at_risk: pd.DataFrame | None = None) -> ReportSheet:
    """The Monthly Report sheet for ``month`` (``YYYY-MM``): tiles for the month with the
    change against the previous month, disputes by type and destination region that month
    (bar charts), a 12-month trend (lines), the findings and suggestions, and the
    customers most at risk when ``at_risk`` is given.

    ``metrics_by`` needs the ``month`` grouping of
    :func:`kakobuy_xl.metrics.service_metrics_by`; ``facts`` is
    :func:`kakobuy_xl.reports.dispute_facts` (type, region, month, resolved). Findings
    with a ``month`` column are kept for that month only. Raises ConfigError for a month
    that is not ``YYYY-MM``.
    """
    period = parse_month(month)
    label, prev = str(period), str(period - 1)
    by_month = metrics_by.get("month")
    cur, before = _month_row(by_month, label), _month_row(by_month, prev)

    def tile(name: str, column: str) -> Tile:
        rate = column in _RATES
        v, b = _number(cur.get(column)), _number(before.get(column))
        if column in ("Messages in", "Disputes"):
            v = v or 0.0
            b = b if before else None
        return Tile(name, v, _format(column), _change(name, v, b, prev, rate))

    tiles = [tile("Messages in", "Messages in"), tile("Disputes", "Disputes"),
             tile("First reply (business h)", "First reply median (business h)"),
             tile("Resolution rate", "Resolution rate"),
             tile("First-contact resolution", "FCR"), tile("CSAT", "CSAT %"),
             tile("Escalation rate", "Escalation rate"),
             tile("Repeat complaints", "Repeat complaint rate")]
    month_facts = _facts_of(facts, label)
    if findings is not None and "month" in findings.columns:
        findings = findings[findings["month"].astype(str) == label]
    trend = _trend(by_month, facts, period)
    trend_cols = ["Month", *_TREND_COLUMNS]
    tables = [
        _count_table("by_type", "Disputes by type", month_facts, "type", "Type"),
        _count_table("by_region", "Disputes by destination region", month_facts, "region",
                     "Region"),
        ReportTable("trend", f"Trend ({len(trend)} months to {label})", _cells(trend),
                    _formats(trend_cols)),
        findings_table(findings),
    ]
    if at_risk is not None and len(at_risk):
        tables.append(_at_risk_table(at_risk))
    charts = [
        Chart("column", f"Disputes by type, {label}", "by_type", "Type",
              ("Disputes", "Resolved"), y_title="disputes"),
        Chart("bar", f"Disputes by destination region, {label}", "by_region", "Region",
              ("Disputes",), y_title="disputes"),
        Chart("line", "Messages and disputes per month", "trend", "Month",
              ("Messages in", "Disputes")),
        Chart("line", "Resolution, FCR and CSAT per month", "trend", "Month",
              ("Resolution rate", "FCR", "CSAT %"), y_title="share"),
    ]
    name = period.strftime("%B %Y")
    return ReportSheet(
        MONTHLY_REPORT, f"Monthly report: {name}",
        f"{name} compared with {(period - 1).strftime('%B %Y')} · as of "
        f"{now:%Y-%m-%d %H:%M}",
        tiles=tiles, tables=tables, charts=charts,
        notes=["Definitions", "Month: a message counts in the month it arrived, a dispute "
               "in the month it was opened. Changes: counts and hours in % of the previous "
               "month, rates in percentage points (pts).",
               *_definitions(_TREND_COLUMNS[2:] + ("Repeat complaint rate",)), _FOOTER],
        column_widths=_widths(len(_TREND_COLUMNS) + 1),
        tab_color="548235")
