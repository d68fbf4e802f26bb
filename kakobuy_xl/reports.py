"""Reports kakobuy writes as whole sheets: the Dispute Report.

Built from the workbook's own data (typed frames) and the SLA clocks, deterministic for
a given ``now``. Definitions (also in the README):

- **Resolution rate**: disputes resolved or closed / all disputes.
- **Handling time**: Opened At -> Resolved At of resolved disputes, in calendar hours
  and in business hours (the shop's opening hours, work days and holidays).
- **First response**: Opened At -> the first reply, in the same two ways.
- **SLA met %**: resolved disputes whose resolution met its due time / resolved
  disputes with a due time (``met`` / (``met`` + ``breached``)).
- **Region**: from the order's Destination Country.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .keys import id_key, related
from .report_sheet import Chart, ReportSheet, ReportTable, Tile
from .schema import CLOSED_DISPUTE_STATUSES

DISPUTE_REPORT = "Dispute Report"

# Regions sellers ship to, by ISO country code: coarse on purpose, so a trend shows.
_REGIONS = {
    "Southeast Asia": "TH VN ID MY PH SG KH LA MM BN TL",
    "East Asia": "CN JP KR TW HK MO MN",
    "South Asia": "IN PK BD LK NP",
    "Middle East": "AE SA QA KW BH OM IL TR JO LB EG IQ IR",
    "Europe": "GB UK IE FR DE IT ES PT NL BE LU AT CH PL CZ SK HU RO BG GR DK SE NO FI IS "
              "EE LV LT SI HR RS UA BY RU",
    "North America": "US CA",
    "Latin America": "MX BR AR CL CO PE UY PY BO EC VE CR PA GT DO PR",
    "Oceania": "AU NZ",
    "Africa": "ZA NG KE MA GH TN DZ ET",
}
REGION_OF = {code: region for region, codes in _REGIONS.items() for code in codes.split()}


def region(country: object) -> str:
    """The region of an ISO country code ("Other" when unknown, "Unknown" when empty)."""
    if not isinstance(country, str) or not country.strip():
        return "Unknown"
    return REGION_OF.get(country.strip().upper(), "Other")


def dispute_facts(disputes: pd.DataFrame, clocks: pd.DataFrame,
                  orders: pd.DataFrame | None) -> pd.DataFrame:
    """One row per dispute with what the report groups and measures (``disputes`` with
    the effective type and grade: :func:`kakobuy_xl.disputes.effective`)."""
    country = product = pd.Series([None] * len(disputes), index=disputes.index, dtype=object)
    if orders is not None and len(orders):
        dkeys = id_key(disputes["order_id"])
        country = related(dkeys, orders["order_id"], orders["destination_country"])
        product = related(dkeys, orders["order_id"], orders["product"])
    closed = disputes["status"].isin(CLOSED_DISPUTE_STATUSES) | disputes["resolved_at"].notna()
    opened = pd.to_datetime(disputes["opened_at"], errors="coerce")
    return pd.DataFrame({
        "type": disputes["type"].fillna("unclassified").astype(str),
        "grade": disputes["grade"].fillna("ungraded").astype(str),
        "platform": disputes["platform"].fillna("Unknown").astype(str),
        "region": [region(c) for c in country.tolist()],
        "product": product.where(product.notna(), "Unknown").astype(str),
        "month": opened.dt.strftime("%Y-%m").fillna("Unknown"),
        "resolved": closed.to_numpy(bool),
        "sla_status": clocks["sla_status"].reindex(disputes.index),
        "handling_calendar": clocks["resolution_hours_calendar"].reindex(disputes.index),
        "handling_business": clocks["resolution_hours_business"].reindex(disputes.index),
        "first_response_calendar": clocks["first_response_hours_calendar"]
        .reindex(disputes.index),
    }, index=disputes.index)


def _summary(facts: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """Count, resolution rate, mean/median handling hours and SLA met % per group."""
    f = facts.assign(_met=(facts["sla_status"] == "met").astype(float),
                     _judged=facts["sla_status"].isin(["met", "breached"]).astype(float))
    groups = f.groupby(by, sort=True) if by else f.groupby(lambda _: "All")
    out = pd.DataFrame({
        "Disputes": groups.size(),
        "Resolved": groups["resolved"].sum(),
        "Resolved %": groups["resolved"].mean(),
        "Avg h": groups["handling_calendar"].mean(),
        "Median h": groups["handling_calendar"].median(),
        "Avg business h": groups["handling_business"].mean(),
        "Median business h": groups["handling_business"].median(),
        "SLA met %": groups["_met"].sum() / groups["_judged"].sum().replace(0, np.nan),
    })
    out.index.name = None
    label = {"type": "Type", "grade": "Grade", "platform": "Platform", "region": "Region",
             "product": "Product", "month": "Month"}.get(by or "", "Scope")
    out = out.reset_index().rename(columns={"index": label})
    if by == "product":  # the long tail is noise: the 10 products with most disputes
        out = out.sort_values(["Disputes", label], ascending=[False, True]).head(10)
    return out.reset_index(drop=True)


_FORMATS = {"Resolved %": "0%", "SLA met %": "0%", "Avg h": "0.0",
            "Median h": "0.0", "Avg business h": "0.0",
            "Median business h": "0.0", "Disputes": "0", "Resolved": "0"}


def dispute_report(facts: pd.DataFrame, now: dt.datetime) -> ReportSheet:
    """The Dispute Report sheet: KPI tiles, tables by type, grade, platform, region,
    product and month, and native charts."""
    total = _summary(facts, None).iloc[0] if len(facts) else None
    open_now = int((~facts["resolved"]).sum())
    overdue = int((facts["sla_status"] == "overdue").sum())

    def num(name: str) -> float | None:
        if total is None:
            return None
        v = total[name]
        return None if pd.isna(v) else float(v)

    tiles = [
        Tile("Disputes", len(facts), "0"),
        Tile("Resolution rate", num("Resolved %"), "0%", f"{open_now} open"),
        Tile("Median handling (h)", num("Median h"), "0.0",
             "calendar hours, resolved disputes"),
        Tile("Median handling (business h)", num("Median business h"), "0.0",
             "opening hours only"),
        Tile("SLA met", num("SLA met %"), "0%", "resolved on time"),
        Tile("Overdue now", overdue, "0", "run `kakobuy sla` for the list"),
    ]
    tables = []
    for key, by, title in (("by_type", "type", "By dispute type"),
                           ("by_grade", "grade", "By grade"),
                           ("by_platform", "platform", "By platform"),
                           ("by_region", "region", "By destination region"),
                           ("by_product", "product", "By product (top 10)"),
                           ("by_month", "month", "By month opened")):
        frame = _summary(facts, by) if len(facts) else pd.DataFrame(
            columns=[by.capitalize(), *_FORMATS])
        frame = frame.astype(object).where(frame.notna(), None)
        tables.append(ReportTable(key, title, frame, dict(_FORMATS)))
    charts = [
        Chart("column", "Disputes by type", "by_type", "Type", ("Disputes", "Resolved"),
              y_title="disputes"),
        Chart("bar", "Median handling hours by platform", "by_platform", "Platform",
              ("Median h", "Median business h"), y_title="hours"),
        Chart("column", "Disputes by destination region", "by_region", "Region",
              ("Disputes",)),
        Chart("line", "Disputes and resolutions by month", "by_month", "Month",
              ("Disputes", "Resolved")),
    ]
    notes = [
        "Resolution rate: resolved or closed disputes / all disputes. Handling time: "
        "Opened At to Resolved At. SLA met: resolved on time / resolved with a due time.",
        "Business hours follow the Settings sheet (time zone, business_hours, work_days, "
        "holidays_country). Written by kakobuy: edits here are replaced at the next report.",
    ]
    return ReportSheet(DISPUTE_REPORT, "Dispute report",
                       f"{len(facts):,} disputes · as of {now:%Y-%m-%d %H:%M}",
                       tiles=tiles, tables=tables, charts=charts, notes=notes,
                       column_widths={2: 26, 3: 11, 4: 10, 5: 13, 6: 13, 7: 13, 8: 13, 9: 13,
                                      10: 11},
                       tab_color="1F4E79")
