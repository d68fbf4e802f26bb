"""Service metrics: reply times, resolution, FCR, CSAT, complaints, escalations, grouping."""

from __future__ import annotations

import datetime as dt
import doctest
import math

import numpy as np
import pandas as pd
import pytest

from kakobuy_xl import metrics
from kakobuy_xl.errors import ConfigError
from kakobuy_xl.sla import BusinessCalendar

T = pd.Timestamp
# 2025-06-02 is a Monday, 2025-06-06 a Friday.
CAL = BusinessCalendar("UTC", "09:00-17:00", "Mon-Fri")
NOW = dt.datetime(2025, 6, 9, 15, 0)


def _messages(*rows: tuple) -> pd.DataFrame:
    """Typed Interactions rows: (timestamp, customer, direction, handler, status, channel,
    order, dispute[, intent, sentiment]); index = Excel rows."""
    cols = ["timestamp", "customer_id", "direction", "handler", "status", "channel",
            "order_id", "dispute_id", "intent", "sentiment"]
    full = [tuple(r) + (None,) * (len(cols) - len(r)) for r in rows]
    frame = pd.DataFrame(full, columns=cols, index=range(2, 2 + len(rows)))
    frame["timestamp"] = pd.to_datetime(frame["timestamp"]).astype("datetime64[ns]")
    frame["sentiment"] = pd.to_numeric(frame["sentiment"]).astype(float)
    frame["interaction_id"] = [f"I{i}" for i in range(len(rows))]
    return frame


def _disputes(*rows: dict) -> pd.DataFrame:
    base = {"dispute_id": None, "opened_at": None, "customer_id": None, "order_id": None,
            "platform": "eBay", "platform_case_id": None, "status": "open", "handler": "Lin",
            "resolution": None, "resolution_amount": np.nan, "first_response_at": None,
            "resolved_at": None, "csat": np.nan, "type": "damaged", "grade": "G1"}
    frame = pd.DataFrame([{**base, "dispute_id": f"D{i + 1}", **r} for i, r in enumerate(rows)],
                         index=range(2, 2 + len(rows)), columns=list(base))
    for c in ("opened_at", "resolved_at", "first_response_at"):
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    frame["csat"] = pd.to_numeric(frame["csat"]).astype(float)
    frame["resolution_amount"] = pd.to_numeric(frame["resolution_amount"]).astype(float)
    return frame


def _conversation() -> pd.DataFrame:
    return _messages(
        ("2025-06-02 10:00", "C1", "in", None, None, "Email", "O1"),
        ("2025-06-02 10:30", " c1", "in", None, None, "Email"),          # same wait
        ("2025-06-02 11:00", "C1", "out", "Mina", "draft", "Email"),     # never sent
        ("2025-06-02 12:00", "C1", "out", "Lin", "sent", "Email"),       # first reply
        ("2025-06-02 13:00", "C1", "in", None, None, "WhatsApp"),
        ("2025-06-02 13:30", "C1", "out", "Alex", "sent", "WhatsApp"),   # next reply
        ("2025-06-06 16:00", "C1", "in", None, None, "Email", None, "D1"),  # Fri, new talk
        ("2025-06-09 10:00", "C1", "out", "Lin", None, "Email"),         # Mon morning
        ("2025-06-09 11:00", "C1", "in", None, None, "Email"),           # still waiting
        ("2025-06-03 09:00", "C2", "in", None, None, "WeChat"),          # never answered
        ("2025-06-03 09:30", None, "out", "Lin", "sent", "WeChat"),      # nobody's reply
    )


ORDERS = pd.DataFrame({"order_id": ["O1"], "platform": ["Shopify"]}, index=[2])


def test_doctests_pass():
    assert doctest.testmod(metrics).failed == 0


# ------------------------------------------------------------------ reply times


def test_reply_times_first_next_and_waiting():
    rt = metrics.reply_times(_conversation(), CAL, ORDERS, _disputes({"platform": "eBay"}),
                             now=NOW)
    assert rt["kind"].tolist() == ["first", "next", "first", "next", "first"]
    assert rt["customer_id"].tolist() == ["C1", "C1", "C1", "C1", "C2"]
    # Two questions in a row count once, timed from the first; the draft answers nobody.
    assert rt["asked_at"].iloc[0] == T("2025-06-02 10:00")
    assert rt["replied_at"].iloc[0] == T("2025-06-02 12:00")
    assert rt["handler"].tolist()[:3] == ["Lin", "Alex", "Lin"]
    assert rt["hours_calendar"].tolist()[:3] == [2.0, 0.5, 66.0]
    # Friday 16:00 -> Monday 10:00: one open hour each side of the weekend.
    assert rt["hours_business"].tolist()[:3] == [2.0, 0.5, 2.0]
    assert rt["answered"].tolist() == [True, True, True, False, False]
    assert rt["hours_calendar"].iloc[3:].isna().all()
    assert rt["waiting_hours_business"].iloc[3] == 4.0      # Mon 11:00 -> 15:00
    assert rt["waiting_hours_business"].iloc[4] == 8 * 4 + 6  # Tue 09:00 -> Mon 15:00
    assert rt["channel"].tolist() == ["Email", "WhatsApp", "Email", "Email", "WeChat"]
    assert rt["platform"].tolist() == ["Shopify", None, "eBay", None, None]
    assert rt["month"].unique().tolist() == ["2025-06"]
    assert rt.index.tolist() == [2, 6, 8, 10, 11]  # the Excel row of the question


def test_conversation_gap_decides_first_or_next():
    rows = [("2025-06-02 10:00", "C1", "in"), ("2025-06-02 10:05", "C1", "out", "Lin"),
            ("2025-06-03 10:04", "C1", "in"), ("2025-06-03 10:10", "C1", "out", "Lin"),
            ("2025-06-04 10:10", "C1", "in"), ("2025-06-04 10:20", "C1", "out", "Lin")]
    rt = metrics.reply_times(_messages(*rows), CAL)
    # 23h59 after the last reply: same conversation; exactly 24 h: a new one.
    assert rt["kind"].tolist() == ["first", "next", "first"]
    rt = metrics.reply_times(_messages(*rows), CAL, conversation_gap_hours=48)
    assert rt["kind"].tolist() == ["first", "next", "next"]


def test_reply_in_the_same_minute_and_other_customers_replies():
    rt = metrics.reply_times(_messages(
        ("2025-06-02 10:00", "C1", "out", "Lin", "sent"),   # seller writes first
        ("2025-06-02 10:00", "C2", "in"),
        ("2025-06-02 10:00", "C2", "out", "Lin", "sent"),
        ("2025-06-02 11:00", "C1", "in"),
        ("2025-06-02 12:00", "C2", "out", "Lin", "sent")), CAL)
    assert rt["customer_id"].tolist() == ["C1", "C2"]
    assert rt["kind"].tolist() == ["next", "first"]  # C1 answers a message of the seller
    assert rt["answered"].tolist() == [False, True]  # C2's replies are not C1's
    assert rt["hours_calendar"].iloc[1] == 0.0


def test_reply_times_without_messages():
    for frame in (None, _messages()):
        rt = metrics.reply_times(frame, CAL)
        assert len(rt) == 0 and "hours_business" in rt.columns


# ------------------------------------------------------------------ disputes


def _dispute_cases() -> tuple[pd.DataFrame, pd.DataFrame]:
    disputes = _disputes(
        {"opened_at": "2025-06-02 09:00", "resolved_at": "2025-06-03 09:00",
         "status": "resolved", "csat": 5, "customer_id": "C1"},
        {"opened_at": "2025-06-06 16:00", "resolved_at": "2025-06-09 10:00",
         "status": "closed", "csat": 2, "handler": "Alex", "platform": "Shopify"},
        {"opened_at": "2025-06-03 09:00", "status": "open", "csat": 4},
        {"opened_at": "2025-06-04 09:00", "resolved_at": "2025-06-04 19:00",
         "status": "closed", "platform_case_id": "PP-1", "resolution": "none"},
        {"opened_at": "2025-06-05 09:00", "status": "escalated"},
        {"opened_at": "2025-05-05 09:00", "status": "resolved", "grade": "G3",
         "resolution": "full_refund", "resolution_amount": 50, "csat": 7},
    )
    messages = _messages(
        ("2025-06-02 10:00", "C1", "out", "Lin", "sent", "Email", None, "D1"),
        ("2025-06-06 17:00", "C9", "out", "Alex", "sent", "LINE", None, " d2"),
        ("2025-06-07 17:00", "C9", "out", "Alex", "draft", "LINE", None, "D2"),
        ("2025-06-08 17:00", "C9", "out", "Alex", "sent", "LINE", None, "D2"),
        ("2025-06-10 17:00", "C9", "out", "Alex", "sent", "LINE", None, "D2"),  # after
    )
    return disputes, messages


def test_dispute_outcomes_fcr_and_escalation():
    disputes, messages = _dispute_cases()
    out = metrics.dispute_outcomes(disputes, messages, CAL)
    assert out["resolved"].tolist() == [True, True, False, True, False, True]
    assert out["outbound_before_resolved"].tolist() == [1, 2, 0, 0, 0, 0]
    assert out["fcr"].tolist()[:2] == [1.0, 0.0] and math.isnan(out["fcr"].iloc[2])
    # D4 and D6 were settled without a single reply: not first-contact resolutions.
    assert out["fcr"].tolist()[3::2] == [0.0, 0.0]
    assert out["hours_calendar"].tolist()[:2] == [24.0, 66.0]
    assert out["hours_business"].tolist()[:2] == [8.0, 2.0]
    assert out["escalated"].tolist() == [False, False, False, True, True, True]
    assert out["won"].tolist() == [False, False, False, True, False, False]
    assert out["channel"].tolist()[:2] == ["Email", "LINE"]
    assert out["csat"].iloc[5] != out["csat"].iloc[5]  # 7 is not on the 1-5 scale


def test_overall_dispute_metrics():
    disputes, messages = _dispute_cases()
    row = metrics.service_metrics(messages, disputes, None, CAL, NOW).iloc[0]
    assert row["Scope"] == "All"
    assert row["Disputes"] == 6 and row["Resolved"] == 4
    assert row["Resolution rate"] == pytest.approx(4 / 6)
    assert row["Resolution median (h)"] == 24.0          # of 24, 66 and 10 hours
    assert row["FCR"] == pytest.approx(1 / 4)            # only D1: one reply, resolved
    assert row["CSAT %"] == pytest.approx(2 / 3)         # 5 and 4 of 5, 2, 4
    assert row["CSAT responses"] == 3
    assert row["CSAT mean"] == pytest.approx(11 / 3)
    assert row["CSAT response rate"] == pytest.approx(2 / 4)  # rated resolved / resolved
    assert row["Escalated"] == 3 and row["Escalation rate"] == pytest.approx(0.5)
    assert row["Escalation win rate"] == pytest.approx(0.5)   # 1 won of 2 closed
    assert row["Messages in"] == 0 and math.isnan(row["First reply median (h)"])


def test_overall_reply_metrics():
    row = metrics.service_metrics(_conversation(), None, None, CAL, NOW).iloc[0]
    assert row["Messages in"] == 6
    assert row["First replies"] == 2 and row["Next replies"] == 1
    assert row["First reply median (h)"] == 34.0              # of 2 and 66
    assert row["First reply median (business h)"] == 2.0
    assert row["Next reply median (h)"] == 0.5
    assert row["Waiting for reply"] == 2
    assert row["Longest wait (business h)"] == 38.0
    assert row["Disputes"] == 0 and math.isnan(row["Resolution rate"])


# ------------------------------------------------------------------ complaints


def test_repeat_complaints_inside_and_outside_30_days():
    disputes = _disputes(
        {"customer_id": "A", "opened_at": "2025-06-01 10:00"},
        {"customer_id": "B", "opened_at": "2025-04-01 10:00"},
        {"customer_id": "B", "opened_at": "2025-05-05 10:00"},   # 34 days later
        {"customer_id": "C", "opened_at": "2025-06-01 10:00", "order_id": "O7"},
    )
    messages = _messages(
        ("2025-06-25 10:00", "A", "in", None, None, "Email", None, None, "damaged_item"),
        ("2025-06-02 10:00", "C", "in", None, None, "Email", None, "D4", None, -0.8),
        ("2025-06-03 10:00", "C", "in", None, None, "Email", "o7", None, "wrong_item"),
        ("2025-06-02 10:00", "D", "in", None, None, "Email", None, None, None, -0.9),
        ("2025-06-02 10:10", "D", "in", None, None, "Email", None, None, "missing_item"),
        ("2025-06-02 11:00", "E", "in", None, None, "Email", "O9", None, "delivery_delay"),
        ("2025-06-02 12:00", "E", "out", "Lin", "sent", "Email", "O9"),
        ("2025-06-03 11:00", "E", "in", None, None, "Email", "O9", None, "delivery_delay"),
        ("2025-06-03 11:00", "F", "in", None, None, "Email", None, None, "compliment", 0.9),
        ("2025-06-03 12:00", "F", "out", "Lin", "sent", "Email", None, None, None, -0.9),
    )
    comp = metrics.complaints(messages, disputes, CAL)
    per_customer = comp.groupby("customer_key").size().to_dict()
    # C's messages are about its dispute; D's two in a row and E's two about O9 count once.
    assert per_customer == {"a": 2, "b": 2, "c": 1, "d": 1, "e": 1}
    assert comp.loc[comp["customer_key"] == "a", "repeat"].all()
    assert not comp.loc[comp["customer_key"] == "b", "repeat"].any()
    row = metrics.service_metrics(messages, disputes, None, CAL, NOW).iloc[0]
    assert row["Complaints"] == 7
    assert row["Repeat complaint rate"] == pytest.approx(1 / 5)
    # Unanalysed messages: disputes are the only complaints.
    plain = messages.drop(columns=["intent", "sentiment"])
    assert metrics.complaints(plain, disputes, CAL)["source"].eq("dispute").all()


def test_repeat_window_is_30_days_inclusive():
    disputes = _disputes({"customer_id": "A", "opened_at": "2025-06-01 10:00"},
                         {"customer_id": "A", "opened_at": "2025-07-01 10:00"})
    assert metrics.complaints(None, disputes, CAL)["repeat"].all()


def test_repeat_window_ends_at_30_days():
    # One minute past 30 days is two separate complaints, not a repeat.
    disputes = _disputes({"customer_id": "A", "opened_at": "2025-06-01 10:00"},
                         {"customer_id": "a ", "opened_at": "2025-07-01 10:01"})
    comp = metrics.complaints(None, disputes, CAL)
    assert comp["customer_key"].tolist() == ["a", "a"]
    assert not comp["repeat"].any()
    row = metrics.service_metrics(None, disputes, None, CAL, NOW).iloc[0]
    assert row["Complaints"] == 2 and row["Repeat complaint rate"] == 0.0


def test_fcr_needs_exactly_one_reply():
    disputes = _disputes(
        # Auto-closed by the platform, nobody wrote: not FCR.
        {"opened_at": "2025-06-02 09:00", "resolved_at": "2025-06-05 09:00",
         "status": "closed"},
        # One reply, resolved: FCR.
        {"opened_at": "2025-06-02 09:00", "resolved_at": "2025-06-03 09:00",
         "status": "resolved"},
        # Closed without a Resolved At and without a reply: not FCR.
        {"opened_at": "2025-06-02 09:00", "status": "closed"},
        # Open with one reply: not counted at all.
        {"opened_at": "2025-06-02 09:00"},
    )
    messages = _messages(
        ("2025-06-02 10:00", "C1", "out", "Lin", "sent", "Email", None, "D2"),
        ("2025-06-02 10:00", "C1", "out", "Lin", "draft", "Email", None, "D1"),  # unsent
        ("2025-06-02 11:00", "C4", "out", "Lin", "sent", "Email", None, "D4"),
    )
    out = metrics.dispute_outcomes(disputes, messages, CAL)
    assert out["outbound_before_resolved"].tolist() == [0, 1, 0, 1]
    assert out["fcr"].tolist()[:3] == [0.0, 1.0, 0.0] and math.isnan(out["fcr"].iloc[3])
    row = metrics.service_metrics(messages, disputes, None, CAL, NOW).iloc[0]
    assert row["FCR"] == pytest.approx(1 / 3)


def test_shared_closed_and_escalated_definitions():
    from kakobuy_xl.disputes import is_closed, is_escalated

    disputes, messages = _dispute_cases()
    disputes.loc[4, "platform_case_id"] = "  "    # D3: a blank case ID is no case
    disputes.loc[7, "grade"] = " g3"              # D6: typed loosely, still G3
    out = metrics.dispute_outcomes(disputes, messages, CAL)
    assert out["resolved"].tolist() == is_closed(disputes).tolist()
    assert out["escalated"].tolist() == is_escalated(disputes).tolist()
    assert out["escalated"].tolist() == [False, False, False, True, True, True]


# ------------------------------------------------------------------ grouping


def test_grouping_per_handler_channel_platform_and_month():
    disputes, messages = _dispute_cases()
    both = pd.concat([_conversation(), messages])
    both.index = range(2, 2 + len(both))
    by = metrics.service_metrics_by(both, disputes, ORDERS, CAL, NOW)
    assert set(by) == {"all", "handler", "channel", "platform", "month"}
    h = by["handler"].set_index("Handler")
    assert h.index.tolist() == ["Alex", "Lin", "Unassigned"]   # catch-all last
    assert h.loc["Lin", "First replies"] == 2 and h.loc["Alex", "Next replies"] == 1
    assert h.loc["Unassigned", "Waiting for reply"] == 2
    assert h.loc["Alex", "Disputes"] == 1 and h.loc["Lin", "Disputes"] == 5
    assert math.isnan(h.loc["Unassigned", "Resolution rate"])   # no dispute: NaN, not 0
    m = by["month"].set_index("Month")
    assert m.index.tolist() == ["2025-05", "2025-06"]
    assert m.loc["2025-05", "Disputes"] == 1 and m.loc["2025-05", "Messages in"] == 0
    assert math.isnan(m.loc["2025-05", "First reply median (h)"])
    p = by["platform"].set_index("Platform")
    assert p.loc["Shopify", "First replies"] == 1 and p.loc["Shopify", "Disputes"] == 1
    c = by["channel"].set_index("Channel")
    assert c.loc["WeChat", "Waiting for reply"] == 1 and c.loc["WhatsApp", "Next replies"] == 1
    # Every grouping adds up to the overall counts.
    for frame in by.values():
        assert frame["Disputes"].sum() == 6 and frame["Messages in"].sum() == 6
    assert list(by["all"].columns) == ["Scope", *metrics.METRIC_COLUMNS]
    assert metrics.service_metrics(both, disputes, ORDERS, CAL, NOW, by="month").equals(
        by["month"])


def test_unknown_dimension_is_refused():
    with pytest.raises(ConfigError, match="grouped by 'product'"):
        metrics.service_metrics(None, None, None, CAL, NOW, by="product")


def test_empty_workbook_gives_one_overall_row():
    by = metrics.service_metrics_by(None, _disputes().iloc[:0], None, CAL, NOW)
    row = by["all"].iloc[0]
    assert row["Scope"] == "All" and row["Disputes"] == 0 and row["Messages in"] == 0
    assert math.isnan(row["CSAT %"]) and math.isnan(row["FCR"])
    assert len(by["handler"]) == 0 and list(by["handler"].columns)[0] == "Handler"


def test_every_metric_has_a_definition():
    assert set(metrics.METRIC_COLUMNS) == set(metrics.METRIC_DEFINITIONS)
    assert all(len(v) > 20 for v in metrics.METRIC_DEFINITIONS.values())
