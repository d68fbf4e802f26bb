"""The demo tables: shape, contract, consistency and the hard cases they must contain."""

from __future__ import annotations

import datetime as dt
import random
import re

import pandas as pd
import pytest

from kakobuy_xl import schema
from kakobuy_xl.demo import DEFAULT_NOW, USER_SHEETS, build_demo_tables

NOW = DEFAULT_NOW
OTHER_NOW = dt.datetime(2024, 1, 15, 9, 30)


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return build_demo_tables()


def rows(df: pd.DataFrame) -> list[dict[str, object]]:
    return df.to_dict("records")


def test_counts(tables: dict[str, pd.DataFrame]) -> None:
    assert set(tables) == set(USER_SHEETS)
    assert len(tables["Customers"]) >= 40
    assert len(tables["Orders"]) >= 60
    assert len(tables["Interactions"]) == 300
    assert len(tables["Disputes"]) == 40
    assert len(tables["Evidence"]) >= 30


def test_deterministic_per_seed_and_seed_matters(tables: dict[str, pd.DataFrame]) -> None:
    again = build_demo_tables(seed=7, now=NOW)
    for name in USER_SHEETS:
        assert rows(again[name]) == rows(tables[name]), name
    other = build_demo_tables(seed=8)
    assert rows(other["Interactions"]) != rows(tables["Interactions"])
    assert rows(other["Orders"]) != rows(tables["Orders"])


def test_leaves_global_random_state_alone() -> None:
    state = random.getstate()
    build_demo_tables(seed=3)
    assert random.getstate() == state


def test_columns_are_the_user_headers(tables: dict[str, pd.DataFrame]) -> None:
    for name, df in tables.items():
        sheet = schema.SHEETS[name]
        assert list(df.columns) == [c.header for c in sheet.user_columns], name
        assert not set(df.columns) & {c.header for c in sheet.owned_columns}


def test_value_types_and_choices(tables: dict[str, pd.DataFrame]) -> None:
    for name, df in tables.items():
        for col in schema.SHEETS[name].user_columns:
            for value in df[col.header]:
                if value is None:
                    continue
                if col.kind in ("text", "choice"):
                    assert isinstance(value, str) and value, (name, col.header, value)
                elif col.kind == "int":
                    assert isinstance(value, int) and not isinstance(value, bool)
                elif col.kind in ("money", "number"):
                    assert isinstance(value, (int, float)) and value >= 0, (col.header, value)
                elif col.kind == "datetime":
                    assert isinstance(value, dt.datetime), (col.header, value)
                elif col.kind == "date":
                    assert type(value) is dt.date, (col.header, value)
                if col.choices is not None:
                    assert value in col.choices, (name, col.header, value)
            if col.required:
                assert df[col.header].notna().all(), (name, col.header)


def test_ids_unique_and_well_formed(tables: dict[str, pd.DataFrame]) -> None:
    patterns = {"Customers": r"C\d{3}", "Orders": r"ORD-\d{4}", "Interactions": r"I\d{4}",
                "Disputes": r"D\d{3}", "Evidence": r"E\d{3}"}
    for name, pattern in patterns.items():
        ids = tables[name][schema.SHEETS[name].key]
        assert ids.is_unique, name
        assert all(re.fullmatch(pattern, i) for i in ids), name


def test_referential_integrity(tables: dict[str, pd.DataFrame]) -> None:
    customers = set(tables["Customers"]["Customer ID"])
    orders = set(tables["Orders"]["Order ID"])
    disputes = set(tables["Disputes"]["Dispute ID"])
    for name in ("Orders", "Interactions", "Disputes"):
        assert set(tables[name]["Customer ID"]) <= customers, name
    for name in ("Interactions", "Disputes"):
        assert set(tables[name]["Order ID"].dropna()) <= orders, name
    assert set(tables["Interactions"]["Dispute ID"].dropna()) <= disputes
    assert set(tables["Evidence"]["Dispute ID"]) <= disputes
    assert tables["Disputes"]["Order ID"].notna().all()
    # A dispute, its order and every message about it belong to the same customer.
    owner = dict(zip(tables["Orders"]["Order ID"], tables["Orders"]["Customer ID"]))
    for name in ("Interactions", "Disputes"):
        for r in rows(tables[name]):
            if r["Order ID"] is not None:
                assert owner[r["Order ID"]] == r["Customer ID"], (name, r)
    by_dispute = dict(zip(tables["Disputes"]["Dispute ID"], tables["Disputes"]["Customer ID"]))
    for r in rows(tables["Interactions"]):
        if r["Dispute ID"] is not None:
            assert by_dispute[r["Dispute ID"]] == r["Customer ID"]


def test_customers(tables: dict[str, pd.DataFrame]) -> None:
    customers = tables["Customers"]
    preferred = customers["Preferred Language"]
    assert preferred.notna().sum() >= len(customers) - 6
    assert preferred.isna().sum() >= 2  # a few left for detection
    assert preferred.dropna().nunique() >= 12
    for contact in customers["Contact"]:
        assert re.fullmatch(r"\+\d[\d ]{6,}", contact) or re.fullmatch(r"[^@\s]+@[^@\s]+\.\w+",
                                                                      contact), contact
    assert customers["Country"].str.fullmatch(r"[A-Z]{2}").all()
    assert customers["Platform Handles"].dropna().str.contains(":").all()


def test_at_least_twelve_languages_written(tables: dict[str, pd.DataFrame]) -> None:
    lang = dict(zip(tables["Customers"]["Customer ID"], tables["Customers"]["Preferred Language"]))
    inbound = tables["Interactions"][tables["Interactions"]["Direction"] == "in"]
    written = {lang[c] for c in inbound["Customer ID"] if lang[c]}
    assert len(written) >= 12, written


def test_all_six_channels_and_order_platforms(tables: dict[str, pd.DataFrame]) -> None:
    channels = set(tables["Interactions"]["Channel"])
    assert {"WhatsApp", "WeChat", "Email", "Shopify", "eBay", "TikTok Shop"} <= channels
    platforms = set(tables["Orders"]["Platform"])
    assert {"Shopify", "eBay", "TikTok Shop", "AliExpress", "WhatsApp", "WeChat",
            "Direct"} <= platforms


def test_interactions(tables: dict[str, pd.DataFrame]) -> None:
    df = tables["Interactions"]
    times = list(df["Timestamp"])
    assert times == sorted(times)  # ids follow time, so every thread is ascending too
    for r in rows(df):
        if r["Direction"] == "out":
            assert r["Handler"] and r["Status"] in ("sent", "draft"), r
        else:
            assert r["Handler"] is None and r["Status"] is None, r
        assert "{" not in r["Message"] and "}" not in r["Message"], r["Message"]
    drafts = (df["Status"] == "draft").sum()
    assert 1 <= drafts <= 10
    assert (df["Direction"] == "in").sum() > (df["Direction"] == "out").sum() / 2


def test_tricky_messages_present(tables: dict[str, pd.DataFrame]) -> None:
    messages = list(tables["Interactions"]["Message"])
    assert any(m.startswith("=") for m in messages)
    assert any(m.startswith("+") for m in messages)
    assert any(m.startswith("-") and "\n" in m for m in messages)
    assert any(m.strip().lower() == "ok" for m in messages)
    assert any(m and not re.search(r"\w", m) for m in messages)  # emoji only
    assert any(re.search(r"[\u0600-\u06FF]", m) for m in messages)  # Arabic, right-to-left
    # Code-switching: Korean or Spanish mixed with English in one message.
    assert any(re.search(r"[\uAC00-\uD7AF]", m) and "tracking" in m for m in messages)
    assert any("todavía" in m and "my order" in m for m in messages)
    for word in ("lorem", "ipsum"):
        assert not any(word in m.lower() for m in messages)


def test_messages_are_in_the_customers_language(tables: dict[str, pd.DataFrame]) -> None:
    scripts = {"ja": r"[\u3040-\u30FF]", "ko": r"[\uAC00-\uD7AF]", "zh": r"[\u4E00-\u9FFF]",
               "ru": r"[\u0400-\u04FF]", "ar": r"[\u0600-\u06FF]", "th": r"[\u0E00-\u0E7F]"}
    lang = dict(zip(tables["Customers"]["Customer ID"], tables["Customers"]["Preferred Language"]))
    df = tables["Interactions"]
    for r in rows(df):
        expected = scripts.get(lang[r["Customer ID"]] or "")
        if expected and r["Direction"] == "out":
            # Replies to customers with a preferred language are written in it.
            assert re.search(expected, r["Message"]), r


def test_disputes_cover_types_grades_and_statuses(tables: dict[str, pd.DataFrame]) -> None:
    df = tables["Disputes"]
    assert set(df["Type"].dropna()) == set(schema.DISPUTE_TYPES)
    assert set(df["Grade"].dropna()) == set(schema.GRADES)
    assert set(df["Status"]) == set(schema.DISPUTE_STATUSES)
    assert 12 <= df["Type"].notna().sum() <= 28  # about half left to auto-classification
    assert 12 <= df["Grade"].notna().sum() <= 28
    assert set(df["Resolution"].dropna()) == set(schema.RESOLUTIONS)


def test_dispute_consistency(tables: dict[str, pd.DataFrame]) -> None:
    orders = {r["Order ID"]: r for r in rows(tables["Orders"])}
    for d in rows(tables["Disputes"]):
        settled = d["Status"] in schema.CLOSED_DISPUTE_STATUSES
        assert d["Description"], d
        assert orders[d["Order ID"]]["Order Date"] <= d["Opened At"].date()
        if d["First Response At"] is not None:
            assert d["First Response At"] >= d["Opened At"]
        if settled:
            assert d["Resolution"] and d["Resolution Amount"] is not None and d["Resolved At"]
            assert d["Resolved At"] >= d["Opened At"]
        else:
            assert d["Resolution"] is None and d["Resolved At"] is None and d["CSAT"] is None
        if d["CSAT"] is not None:
            assert 1 <= d["CSAT"] <= 5
        if d["Status"] == "escalated" or d["Grade"] == "G3":
            assert d["Platform Case ID"], d
    assert tables["Disputes"]["CSAT"].notna().sum() >= 3


def test_evidence(tables: dict[str, pd.DataFrame]) -> None:
    opened = dict(zip(tables["Disputes"]["Dispute ID"], tables["Disputes"]["Opened At"]))
    for e in rows(tables["Evidence"]):
        link = e["File or Link"]
        assert link.startswith(f"evidence/{e['Dispute ID']}/") or link.startswith("https://")
        assert e["Added At"] >= opened[e["Dispute ID"]]
        assert e["Added By"] and e["Description"]


def test_orders_are_consistent(tables: dict[str, pd.DataFrame]) -> None:
    for o in rows(tables["Orders"]):
        ship, delivered, status = o["Ship Date"], o["Delivered Date"], o["Status"]
        assert o["Qty"] >= 1
        assert o["Order Value"] > o["Product Cost"] > 0
        assert o["Order Value"] > o["Product Cost"] + o["Shipping Cost"] - 0.01 * o["Order Value"]
        assert re.fullmatch(r"[A-Z]{3}", o["Currency"])
        assert (ship is None) == (o["Carrier"] is None) == (o["Tracking No"] is None)
        if ship:
            assert o["Order Date"] <= ship <= o["Expected Delivery"]
        if delivered:
            assert ship and ship <= delivered
        if status in ("pending", "paid", "processing", "cancelled"):
            assert ship is None, o
        elif status in ("shipped", "in_transit"):
            assert ship and delivered is None, o
        elif status in ("delivered", "returned"):
            assert ship, o
        if status == "delivered":
            assert delivered, o


def test_one_group_buy(tables: dict[str, pd.DataFrame]) -> None:
    orders = tables["Orders"]
    gb = orders[orders["Group Buy ID"].notna()]
    assert gb["Group Buy ID"].nunique() == 1
    assert gb["Group Buy ID"].iloc[0] == "GB-2025-06"
    assert len(gb) >= 8
    assert gb["Product"].nunique() == 1 and gb["SKU"].nunique() == 1
    assert gb["Customer ID"].is_unique


def test_delays_can_be_flagged(tables: dict[str, pd.DataFrame]) -> None:
    today = NOW.date()
    orders = rows(tables["Orders"])
    overdue = [o for o in orders if o["Ship Date"] and o["Delivered Date"] is None
               and o["Expected Delivery"] < today]
    late = [o for o in orders
            if o["Delivered Date"] and o["Delivered Date"] > o["Expected Delivery"]]
    unshipped = [o for o in orders if o["Ship Date"] is None]
    assert overdue and late and unshipped
    dates = [o["Order Date"] for o in orders]
    assert min(dates) >= today - dt.timedelta(days=130)


@pytest.mark.parametrize("now", [NOW, OTHER_NOW])
def test_nothing_after_now(now: dt.datetime) -> None:
    tables = build_demo_tables(seed=11, now=now)
    for name, df in tables.items():
        for col in schema.SHEETS[name].user_columns:
            if col.header == "Expected Delivery":
                continue  # a forecast: parcels on schedule are expected after now
            for value in df[col.header].dropna():
                if col.kind == "datetime":
                    assert value <= now, (name, col.header, value)
                elif col.kind == "date":
                    assert value <= now.date(), (name, col.header, value)
    assert len(tables["Interactions"]) == 300 and len(tables["Disputes"]) == 40


@pytest.mark.parametrize("seed", range(20, 32))
def test_other_seeds_hold_the_same_guarantees(seed: int) -> None:
    tables = build_demo_tables(seed=seed)
    test_counts(tables)
    test_referential_integrity(tables)
    test_ids_unique_and_well_formed(tables)
    test_at_least_twelve_languages_written(tables)
    test_all_six_channels_and_order_platforms(tables)
    test_disputes_cover_types_grades_and_statuses(tables)
    test_dispute_consistency(tables)
    test_orders_are_consistent(tables)
    test_one_group_buy(tables)
    test_delays_can_be_flagged(tables)
    test_evidence(tables)
    test_interactions(tables)


def test_rejects_an_aware_now() -> None:
    with pytest.raises(ValueError):
        build_demo_tables(now=dt.datetime(2025, 6, 30, tzinfo=dt.timezone.utc))
