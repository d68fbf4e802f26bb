"""Customer profiles: sentiment trend, risk score, segment and its reasons."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kakobuy_xl.customers import RISK_WEIGHTS, customer_profiles

NOW = dt.datetime(2026, 11, 20, 12, 0)


def _customers(**owned: list) -> pd.DataFrame:
    ids = ["C1", "C2", "C3"]
    frame = pd.DataFrame({"customer_id": ids}, index=[2, 3, 4])
    for name, values in owned.items():
        frame[name] = values
    return frame


def _messages(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["customer_id", "days_ago", "direction", "sentiment",
                                        "intent", "dispute_id"])
    frame["timestamp"] = [pd.Timestamp(NOW) - pd.Timedelta(days=d) for d in frame["days_ago"]]
    frame.index = range(2, 2 + len(frame))
    return frame.drop(columns="days_ago")


def _disputes(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["customer_id", "days_ago", "status", "grade",
                                        "platform_case_id"])
    frame["opened_at"] = [pd.Timestamp(NOW) - pd.Timedelta(days=d) for d in frame["days_ago"]]
    frame.index = range(2, 2 + len(frame))
    return frame.drop(columns="days_ago")


def test_trend_compares_the_latest_messages_with_the_earlier_ones():
    msgs = _messages([
        ("C1", 50, "in", 0.6, "other", None), ("C1", 40, "in", 0.4, "other", None),
        ("C1", 30, "in", 0.5, "other", None), ("C1", 3, "in", -0.2, "other", None),
        ("C1", 2, "in", -0.4, "other", None), ("C1", 1, "in", -0.3, "other", None),
        ("C1", 1, "out", 0.9, None, None),  # the seller's own words do not count
        ("C2", 5, "in", -0.1, "other", None), ("C2", 1, "in", 0.5, "other", None),
        ("C3", 1, "in", 0.2, "other", None),
    ])
    out = customer_profiles(_customers(), msgs, None, NOW)
    assert out.loc[2, "sentiment_trend"] == "worsening (-0.80)"
    assert out.loc[3, "sentiment_trend"] == "improving (+0.60)"
    assert pd.isna(out.loc[4, "sentiment_trend"])  # one message: no trend


def test_risk_signals_combine_as_independent_chances_and_name_the_reasons():
    customers = _customers(avg_sentiment=[-0.5, 0.1, 0.6], csat_avg=[None, 2.0, 5.0],
                           open_disputes=[1, 0, 0])
    disputes = _disputes([
        ("C1", 10, "open", "G4", None),
        ("C2", 200, "closed", "G3", "PP-1"),
    ])
    out = customer_profiles(customers, None, disputes, NOW)
    w = RISK_WEIGHTS
    c1 = 1 - (1 - w["public"]) * (1 - w["open"]) * (1 - w["negative"])
    assert out.loc[2, "risk_score"] == pytest.approx(round(c1, 3))
    assert out.loc[2, "segment"] == "high-risk"
    assert out.loc[2, "risk_reasons"].split("; ")[0] == "threatened a public review"
    assert "negative messages (avg -0.50)" in out.loc[2, "risk_reasons"]
    # C2's case was settled 200 days ago: only the low rating counts now.
    assert out.loc[3, "risk_score"] == pytest.approx(w["low_csat"])
    assert out.loc[3, "segment"] == "neutral"
    assert out.loc[3, "risk_reasons"] == "low CSAT (2.0)"
    assert out.loc[4, "segment"] == "high-satisfaction"
    assert out.loc[4, "risk_reasons"] == "CSAT 5.0; positive messages (avg +0.60)"


def test_only_recent_complaints_count_and_dispute_messages_are_not_counted_twice():
    msgs = _messages([
        ("C1", 5, "in", -0.7, "damaged_item", None),
        ("C1", 4, "in", -0.7, "damaged_item", "D1"),  # part of dispute D1
        ("C1", 3, "in", 0.0, "refund_request", None),
        ("C1", 200, "in", -0.8, "delivery_delay", None),  # too old
    ])
    disputes = _disputes([("C1", 4, "open", "G2", None)])
    out = customer_profiles(_customers(open_disputes=[1, 0, 0]), msgs, disputes, NOW)
    assert "3 complaints in 90 days" in out.loc[2, "risk_reasons"]


def test_open_dispute_escalation_risk_raises_the_customer_score():
    disputes = _disputes([("C1", 2, "open", "G1", None), ("C2", 2, "closed", "G1", None)])
    disputes["escalation_risk"] = [0.8, 0.9]
    out = customer_profiles(_customers(open_disputes=[1, 0, 0]), None, disputes, NOW)
    expected = 1 - (1 - RISK_WEIGHTS["open"]) * (1 - 0.8 * RISK_WEIGHTS["dispute_risk"])
    assert out.loc[2, "risk_score"] == pytest.approx(round(expected, 3))
    assert "open dispute at 80% escalation risk" in out.loc[2, "risk_reasons"]
    assert out.loc[3, "risk_score"] == 0  # the closed dispute's risk is spent


def test_customers_without_any_data_get_no_segment():
    out = customer_profiles(_customers(), None, None, NOW)
    assert out["segment"].isna().all()
    assert out["risk_score"].isna().all()


def test_a_settled_case_counts_while_recent_and_resolved_at_means_closed():
    customers = _customers(csat_avg=[2.0, 2.0, None])
    disputes = _disputes([
        ("C1", 20, "closed", "G3", "PP-1"),   # settled, but within 90 days
        ("C2", 200, "closed", "G3", "PP-2"),  # settled long ago
        ("C3", 5, "open", "G1", None),        # Status left open, but Resolved At typed
    ])
    disputes["resolved_at"] = [pd.NaT, pd.NaT, pd.Timestamp(NOW) - pd.Timedelta(days=1)]
    disputes["escalation_risk"] = [None, None, 0.9]
    out = customer_profiles(customers, None, disputes, NOW)
    w = RISK_WEIGHTS
    assert out.loc[2, "risk_score"] == pytest.approx(round(1 - (1 - w["case"]) *
                                                           (1 - w["low_csat"]), 3))
    assert out.loc[2, "segment"] == "high-risk"
    assert out.loc[3, "risk_score"] == pytest.approx(w["low_csat"])
    assert out.loc[4, "risk_score"] == 0  # a closed dispute's risk is spent
