"""SLA clocks: business calendars (hours, weekends, holidays, DST) and dispute clocks."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kakobuy_xl.errors import ConfigError
from kakobuy_xl.schema import SHEETS, SLA_STATUSES, snake
from kakobuy_xl.settings import Settings
from kakobuy_xl.sla import (CLOCK_COLUMNS, BusinessCalendar, choose_rule, dispute_clocks,
                            parse_business_hours, parse_work_days)

T = pd.Timestamp
NINE_TO_FIVE = BusinessCalendar("UTC", "09:00-17:00", "Mon-Fri")


def _defaults(sheet: str) -> pd.DataFrame:
    return pd.DataFrame([{snake(k): v for k, v in row.items()}
                         for row in SHEETS[sheet].defaults])


SLA = _defaults("SLA")
RULES = _defaults("Platform Rules")


def _disputes(*rows: dict) -> pd.DataFrame:
    """Typed Disputes rows with every column dispute_clocks reads; index = Excel rows."""
    base = {"dispute_id": None, "opened_at": pd.NaT, "platform": "Direct",
            "platform_case_id": None, "case_due": pd.NaT, "grade": "G1", "type": "other",
            "status": "open", "first_response_at": pd.NaT, "resolved_at": pd.NaT}
    frame = pd.DataFrame([{**base, "dispute_id": f"D{i}", **r} for i, r in enumerate(rows)],
                         index=range(2, 2 + len(rows)))
    for c in ("opened_at", "case_due", "first_response_at", "resolved_at"):
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    return frame


def _interactions(*rows: tuple) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["timestamp", "dispute_id", "direction", "status"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"]).astype("datetime64[ns]")
    return frame


def _clocks(disputes: pd.DataFrame, now: str, interactions: pd.DataFrame | None = None,
            calendar: BusinessCalendar = NINE_TO_FIVE, sla: pd.DataFrame = SLA,
            rules: pd.DataFrame = RULES, buffer: float = 12) -> pd.DataFrame:
    return dispute_clocks(disputes, interactions, sla, rules, calendar, T(now), buffer)


# --------------------------------------------------------------------------- calendar

def test_friday_afternoon_plus_one_business_hour_is_monday_morning() -> None:
    friday = dt.datetime(2025, 6, 6, 16, 30)
    assert NINE_TO_FIVE.add_business_hours(friday, 1) == T("2025-06-09 09:30")
    berlin = BusinessCalendar("Europe/Berlin", "09:00-17:00", "Mon-Fri")
    assert berlin.add_business_hours(friday, 1) == T("2025-06-09 09:30")
    assert NINE_TO_FIVE.business_hours_between(friday, T("2025-06-09 09:30")) == 1.0


def test_weekend_is_closed() -> None:
    saturday = T("2025-06-07 11:00")
    assert not NINE_TO_FIVE.is_open(saturday)
    assert NINE_TO_FIVE.add_business_hours(saturday, 2) == T("2025-06-09 11:00")
    assert NINE_TO_FIVE.business_hours_between(saturday, T("2025-06-08 23:00")) == 0.0
    assert NINE_TO_FIVE.business_hours_between(T("2025-06-06 09:00"),
                                               T("2025-06-13 09:00")) == 40.0
    # Closing time is still the due time, not the next morning.
    assert NINE_TO_FIVE.add_business_hours(T("2025-06-06 16:00"), 1) == T("2025-06-06 17:00")
    # Zero hours from a closed moment is the next opening.
    assert NINE_TO_FIVE.add_business_hours(saturday, 0) == T("2025-06-09 09:00")


def test_work_days_mon_sat_and_lists() -> None:
    six = BusinessCalendar("UTC", "09:00-17:00", "Mon-Sat")
    assert six.add_business_hours(T("2025-06-06 16:30"), 1) == T("2025-06-07 09:30")
    three = BusinessCalendar("UTC", "09:00-17:00", "Mon,Wed,Fri")
    assert three.add_business_hours(T("2025-06-09 16:00"), 2) == T("2025-06-11 10:00")
    assert sorted(parse_work_days("Sun-Thu")) == [0, 1, 2, 3, 6]
    assert sorted(parse_work_days("monday, Tuesday")) == [0, 1]


@pytest.mark.parametrize("country, before, after", [
    ("US", "2025-07-03 16:00", "2025-07-07 10:00"),     # Friday 4 July
    ("DE", "2025-10-02 16:00", "2025-10-06 10:00"),     # Friday 3 October
])
def test_public_holidays_close_the_shop(country: str, before: str, after: str) -> None:
    cal = BusinessCalendar("UTC", "09:00-17:00", "Mon-Fri", holidays_country=country)
    assert cal.add_business_hours(T(before), 2) == T(after)
    assert NINE_TO_FIVE.add_business_hours(T(before), 2) != T(after)
    assert cal.is_holiday(T(after).date() - dt.timedelta(days=3))


def test_regional_and_extra_holidays() -> None:
    # Epiphany (6 Jan 2025, a Monday) is a holiday in Bavaria, not in Berlin.
    bavaria = BusinessCalendar("Europe/Berlin", "09:00-17:00", "Mon-Fri", "DE-BY")
    assert not bavaria.is_open(T("2025-01-06 10:00"))
    assert BusinessCalendar("Europe/Berlin", "09:00-17:00", "Mon-Fri", "DE-BE").is_open(
        T("2025-01-06 10:00"))
    extra = BusinessCalendar("UTC", "09:00-17:00", "Mon-Fri",
                             extra_holidays=(dt.date(2025, 6, 9),))
    assert extra.add_business_hours(T("2025-06-06 16:30"), 1) == T("2025-06-10 09:30")


def test_from_settings() -> None:
    cal = BusinessCalendar.from_settings(Settings(time_zone="Asia/Shanghai",
                                                  business_hours="10:00-19:00",
                                                  work_days="Mon-Sat", holidays_country="CN"))
    assert (cal.time_zone, cal.business_hours, cal.work_days, cal.holidays_country) == \
        ("Asia/Shanghai", "10:00-19:00", "Mon-Sat", "CN")
    assert not cal.is_open(T("2025-10-01 12:00"))   # National Day


@pytest.mark.parametrize("kwargs, words", [
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"business_hours": "09:00-09:00"}, "00:00-24:00"),
    ({"business_hours": "25:00-26:00"}, "business_hours"),
    ({"work_days": "Mon-Fry"}, "Fry"),
    ({"holidays_country": "XX"}, "holidays_country"),
])
def test_bad_settings_are_config_errors(kwargs: dict, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        BusinessCalendar(**kwargs)


def test_negative_business_hours_refused() -> None:
    with pytest.raises(ConfigError, match="SLA sheet"):
        NINE_TO_FIVE.add_business_hours(T("2025-06-06 10:00"), -1)


def test_series_in_series_out_and_missing_values() -> None:
    starts = pd.Series([T("2025-06-06 16:30"), pd.NaT, T("2025-06-07 10:00")], index=[4, 5, 6])
    due = NINE_TO_FIVE.add_business_hours(starts, pd.Series([1, 1, np.nan], index=[4, 5, 6]))
    assert due.index.tolist() == [4, 5, 6]
    assert due[4] == T("2025-06-09 09:30") and pd.isna(due[5]) and pd.isna(due[6])
    hours = NINE_TO_FIVE.business_hours_between(starts, T("2025-06-09 10:00"))
    assert hours[4] == 1.5 and np.isnan(hours[5]) and hours[6] == 1.0


# ---- DST: real hours, wall-clock opening hours

def test_berlin_spring_forward_and_fall_back() -> None:
    berlin = BusinessCalendar("Europe/Berlin", "09:00-17:00", "Mon-Fri")
    # 2025-03-30 02:00 -> 03:00: one calendar hour from 01:30 is 03:30 local.
    assert berlin.add_calendar_hours(T("2025-03-30 01:30"), 1) == T("2025-03-30 03:30")
    assert berlin.calendar_hours_between(T("2025-03-30"), T("2025-03-31")) == 23.0
    # 2025-10-26 03:00 -> 02:00: midnight to midnight lasts 25 hours.
    assert berlin.calendar_hours_between(T("2025-10-26"), T("2025-10-27")) == 25.0
    assert berlin.add_calendar_hours(T("2025-10-26 00:00"), 4) == T("2025-10-26 03:00")
    # 02:30 happens twice that night; a typed 02:30 means the first one.
    assert berlin.calendar_hours_between(T("2025-10-26 02:30"), T("2025-10-26 03:30")) == 2.0
    # Opening hours stay 09:00-17:00 local across the change.
    assert berlin.add_business_hours(T("2025-03-28 16:00"), 2) == T("2025-03-31 10:00")
    assert berlin.business_hours_between(T("2025-10-24 09:00"), T("2025-10-27 17:00")) == 16.0


def test_new_york_dst_with_a_round_the_clock_calendar() -> None:
    ny = BusinessCalendar("America/New_York", "00:00-24:00", "Mon-Sun")
    # 2025-03-09: 02:00 -> 03:00, the day has 23 hours.
    assert ny.add_business_hours(T("2025-03-08 12:00"), 24) == T("2025-03-09 13:00")
    assert ny.business_hours_between(T("2025-03-09"), T("2025-03-10")) == 23.0
    # 2025-11-02: 02:00 -> 01:00, the day has 25 hours.
    assert ny.business_hours_between(T("2025-11-02"), T("2025-11-03")) == 25.0
    assert ny.add_business_hours(T("2025-11-01 12:00"), 24) == T("2025-11-02 11:00")
    # A time inside the skipped hour counts from the first real instant after it.
    assert ny.add_calendar_hours(T("2025-03-09 02:30"), 1) == T("2025-03-09 04:00")


def test_overnight_shift() -> None:
    night = BusinessCalendar("UTC", "22:00-06:00", "Mon-Fri")
    assert parse_business_hours("22:00-06:00") == (22 * 60, 30 * 60)
    assert night.is_open(T("2025-06-07 03:00"))          # Friday's shift, Saturday morning
    assert not night.is_open(T("2025-06-07 22:30"))      # no shift starts on Saturday
    assert night.add_business_hours(T("2025-06-06 23:00"), 8) == T("2025-06-09 23:00")


def test_business_days() -> None:
    assert NINE_TO_FIVE.add_business_days(T("2025-06-06 10:00"), 3) == T("2025-06-11 10:00")
    # From a Saturday the count starts on Monday at midnight.
    assert NINE_TO_FIVE.add_business_days(T("2025-06-07 10:00"), 3) == T("2025-06-12 00:00")
    us = BusinessCalendar("UTC", "09:00-17:00", "Mon-Fri", "US")
    assert us.add_business_days(T("2025-07-03 10:00"), 1) == T("2025-07-07 10:00")
    # Days keep the wall-clock time across DST.
    berlin = BusinessCalendar("Europe/Berlin")
    assert berlin.add_business_days(T("2025-03-28 10:00"), 1) == T("2025-03-31 10:00")
    assert berlin.add_calendar_days(T("2025-03-29 02:30"), 1) == T("2025-03-30 03:00")


# --------------------------------------------------------------------------- rules

@pytest.mark.parametrize("platform, dtype, case, rule_id", [
    ("eBay", "not_received", False, "ebay-inr-respond"),
    ("eBay", "delivery_delay", False, "ebay-inr-respond"),
    ("eBay", "damaged", False, "ebay-return-respond"),
    ("PayPal", "damaged", True, "paypal-claim-answer"),
    ("PayPal", "damaged", False, "paypal-escalate"),
    ("TikTok Shop", "wrong_item", False, "tiktok-refund-respond"),
    ("AliExpress", "quality_issue", False, "aliexpress-dispute-respond"),
    ("Shopify", "other", True, "shopify-chargeback-evidence"),
])
def test_rule_choice(platform: str, dtype: str, case: bool, rule_id: str) -> None:
    assert choose_rule(RULES, platform, dtype, case)["rule_id"] == rule_id


def test_rule_choice_for_unknown_platform_and_newer_rows() -> None:
    assert choose_rule(RULES, "Amazon", "damaged", False) is None
    extra = pd.concat([RULES, pd.DataFrame([
        {"rule_id": "amazon-a-to-z", "platform": "Amazon", "n": 2, "unit": "calendar days"},
        {"rule_id": "ebay-inr-respond-2026", "platform": "eBay", "n": 5,
         "unit": "business days", "source_date": "2026-01-01"},
    ])], ignore_index=True)
    assert choose_rule(extra, "Amazon", "damaged", False)["rule_id"] == "amazon-a-to-z"
    assert choose_rule(extra, "eBay", "not_received", False)["n"] == 5
    assert choose_rule(extra, "eBay", "damaged", False)["rule_id"] == "ebay-return-respond"


def test_platform_deadlines_per_platform() -> None:
    opened = "2025-06-06 10:00"   # a Friday
    d = _disputes(
        {"opened_at": opened, "platform": "eBay", "type": "not_received"},
        {"opened_at": opened, "platform": "PayPal", "platform_case_id": "PP-D-1"},
        {"opened_at": opened, "platform": "PayPal"},
        {"opened_at": opened, "platform": "TikTok Shop"},
        {"opened_at": opened, "platform": "AliExpress"},
        {"opened_at": opened, "platform": "Shopify"},
        {"opened_at": opened, "platform": "Shopify", "case_due": "2025-06-20 23:59"},
        {"opened_at": opened, "platform": "eBay", "case_due": "2025-06-08 12:00"},
        {"opened_at": opened, "platform": "Direct"},
    )
    deadline = _clocks(d, "2025-06-06 11:00")["platform_deadline"].tolist()
    assert deadline[:5] == [T("2025-06-11 10:00"), T("2025-06-16 10:00"),
                            T("2025-06-26 10:00"), T("2025-06-08 10:00"),
                            T("2025-06-11 10:00")]
    assert pd.isna(deadline[5])                          # Shopify: only its due date counts
    assert deadline[6] == T("2025-06-20 23:59")
    assert deadline[7] == T("2025-06-08 12:00")          # Case Due wins over the eBay rule
    assert pd.isna(deadline[8])


def test_edited_n_is_used() -> None:
    rules = RULES.copy()
    rules.loc[rules["rule_id"] == "tiktok-refund-respond", "n"] = 24
    d = _disputes({"opened_at": "2025-06-06 10:00", "platform": "TikTok Shop"})
    assert _clocks(d, "2025-06-06 11:00", rules=rules)["platform_deadline"].iloc[0] == \
        T("2025-06-07 10:00")


# --------------------------------------------------------------------------- clocks

def test_columns_and_index() -> None:
    d = _disputes({"opened_at": "2025-06-06 16:30"})
    out = _clocks(d, "2025-06-06 17:00")
    assert list(out.columns) == list(CLOCK_COLUMNS)
    assert out.index.tolist() == d.index.tolist()
    assert set(out["sla_status"].dropna()) <= set(SLA_STATUSES)


def test_response_due_business_hours_and_hours_left() -> None:
    # G1: 24 business hours to answer; Friday 16:30 -> Wednesday 16:30 with 09-17.
    d = _disputes({"opened_at": "2025-06-06 16:30", "grade": None})
    row = _clocks(d, "2025-06-09 09:00").iloc[0]
    assert row["response_due"] == T("2025-06-11 16:30")
    assert row["hours_left"] == 23.5
    assert row["active_clock"] == "response" and row["sla_status"] == "on_track"
    assert row["resolution_due"] == T("2025-06-19 16:30")  # 72 business hours


def test_every_open_status() -> None:
    # G3: 4 real hours to answer, alert at 75 %.
    opened = "2025-06-06 10:00"
    d = _disputes({"opened_at": opened, "grade": "G3"})
    assert _clocks(d, "2025-06-06 12:00")["sla_status"].iloc[0] == "on_track"
    at_risk = _clocks(d, "2025-06-06 13:15").iloc[0]
    assert at_risk["sla_status"] == "at_risk" and at_risk["hours_left"] == 0.75
    late = _clocks(d, "2025-06-06 15:00").iloc[0]
    assert late["sla_status"] == "overdue" and late["hours_left"] == -1.0


def test_alert_at_from_the_sla_sheet() -> None:
    sla = SLA.copy()
    sla.loc[sla["grade"] == "G3", "alert_at"] = 0.25
    d = _disputes({"opened_at": "2025-06-06 10:00", "grade": "G3"})
    assert _clocks(d, "2025-06-06 11:30", sla=sla)["sla_status"].iloc[0] == "at_risk"
    assert _clocks(d, "2025-06-06 11:30")["sla_status"].iloc[0] == "on_track"


def test_business_clock_overdue_over_the_weekend() -> None:
    d = _disputes({"opened_at": "2025-06-05 09:00", "grade": "G2"})   # 12 business hours
    row = _clocks(d, "2025-06-07 12:00").iloc[0]                      # Saturday
    assert row["response_due"] == T("2025-06-06 13:00")
    assert row["sla_status"] == "overdue" and row["hours_left"] == -4.0   # Fri 13-17
    # Due at Friday's closing time: no business hour has passed since, yet it is late.
    d = _disputes({"opened_at": "2025-06-05 13:00", "grade": "G2"})
    row = _clocks(d, "2025-06-07 12:00").iloc[0]
    assert row["response_due"] == T("2025-06-06 17:00")
    assert row["sla_status"] == "overdue" and row["hours_left"] == 0.0


def test_met_and_breached() -> None:
    d = _disputes(
        {"opened_at": "2025-06-06 10:00", "grade": "G4", "status": "resolved",
         "first_response_at": "2025-06-06 11:00", "resolved_at": "2025-06-07 09:00"},
        {"opened_at": "2025-06-06 10:00", "grade": "G4", "status": "closed",
         "first_response_at": "2025-06-06 11:00", "resolved_at": "2025-06-08 09:00"},
        {"opened_at": "2025-06-06 10:00", "grade": "G4", "status": "closed"},
        {"opened_at": "2025-06-06 10:00", "grade": "G4", "status": "open",
         "resolved_at": "2025-06-06 20:00"},
    )
    out = _clocks(d, "2025-06-09 12:00")
    assert out["sla_status"].tolist()[:2] == ["met", "breached"]
    assert out["sla_status"].iloc[2] is None        # closed without Resolved At
    assert out["sla_status"].iloc[3] == "met"       # Resolved At typed: closed
    assert out["hours_left"].isna().all() and not out["paused"].any()
    assert out["active_clock"].isna().all()
    assert out["resolution_hours_calendar"].tolist()[:2] == [23.0, 47.0]
    assert out["first_response_hours_calendar"].iloc[0] == 1.0


def test_report_hours_business_and_calendar() -> None:
    d = _disputes({"opened_at": "2025-06-06 16:30", "status": "resolved",
                   "first_response_at": "2025-06-09 09:30", "resolved_at": "2025-06-09 12:00"})
    row = _clocks(d, "2025-06-10 12:00").iloc[0]
    assert row["first_response_hours_business"] == 1.0
    assert row["first_response_hours_calendar"] == 65.0
    assert row["resolution_hours_business"] == 3.5
    assert row["resolution_hours_calendar"] == 67.5


def test_no_opened_at_gives_empty_row() -> None:
    d = _disputes({"opened_at": None, "platform": "TikTok Shop", "case_due": "2025-06-08"})
    row = _clocks(d, "2025-06-06 12:00").iloc[0]
    assert row[["response_due", "resolution_due", "platform_deadline"]].isna().all()
    assert row["sla_status"] is None and np.isnan(row["hours_left"])
    assert row["active_clock"] is None and not row["paused"]


def test_buffer_before_platform_deadline() -> None:
    # TikTok: 48 h before auto-approval. G1 allows 24 business hours (3 days), so the
    # platform deadline minus the buffer comes first.
    d = _disputes({"opened_at": "2025-06-06 10:00", "platform": "TikTok Shop"})
    row = _clocks(d, "2025-06-06 11:00", buffer=12).iloc[0]
    assert row["platform_deadline"] == T("2025-06-08 10:00")
    assert row["response_due"] == T("2025-06-07 22:00")
    no_buffer = _clocks(d, "2025-06-06 11:00", buffer=0).iloc[0]
    assert no_buffer["response_due"] == T("2025-06-08 10:00")
    # A grade target earlier than the deadline still wins.
    quick = _disputes({"opened_at": "2025-06-06 10:00", "platform": "TikTok Shop",
                       "grade": "G4"})
    assert _clocks(quick, "2025-06-06 11:00")["response_due"].iloc[0] == T("2025-06-06 12:00")


def test_case_due_caps_the_response() -> None:
    d = _disputes({"opened_at": "2025-06-06 10:00", "platform": "Shopify",
                   "case_due": "2025-06-07 08:00"})
    row = _clocks(d, "2025-06-06 21:00", buffer=12).iloc[0]
    assert row["response_due"] == T("2025-06-06 20:00")
    assert row["sla_status"] == "overdue"


def test_first_response_from_interactions() -> None:
    d = _disputes({"dispute_id": "D7", "opened_at": "2025-06-06 10:00", "grade": "G3"})
    inter = _interactions(("2025-06-06 09:00", "D7", "out", "sent"),   # before opening
                          ("2025-06-06 11:00", "d7 ", "out", "draft"),  # never sent
                          ("2025-06-06 12:30", " d7", "out", "sent"))
    row = _clocks(d, "2025-06-06 13:00", inter).iloc[0]
    assert row["first_response_hours_calendar"] == 2.5
    assert row["active_clock"] == "resolution"


def test_next_reply_clock() -> None:
    d = _disputes({"dispute_id": "D7", "opened_at": "2025-06-06 10:00", "grade": "G3"})
    inter = _interactions(("2025-06-06 11:00", "D7", "out", None),
                          ("2025-06-06 12:00", "D7", "in", None),
                          ("2025-06-06 12:30", "D7", "in", None))
    row = _clocks(d, "2025-06-06 14:00", inter).iloc[0]
    assert row["active_clock"] == "next_reply"
    assert row["response_due"] == T("2025-06-06 16:00")   # 4 h from the oldest unanswered
    assert row["hours_left"] == 2.0
    answered = pd.concat([inter, _interactions(("2025-06-06 13:00", "D7", "out", None))])
    row = _clocks(d, "2025-06-06 14:00", answered).iloc[0]
    assert row["active_clock"] == "resolution"
    assert row["response_due"] == T("2025-06-06 14:00")   # the first response's due
    # A typed First Response At (say, a phone call at 12:45) answers the 12:00 and
    # 12:30 messages; the customer's 13:10 message then waits for a reply.
    typed = d.assign(first_response_at=T("2025-06-06 12:45"))
    later = pd.concat([inter, _interactions(("2025-06-06 13:10", "D7", "in", None))])
    row = _clocks(typed, "2025-06-06 14:00", later).iloc[0]
    assert row["active_clock"] == "next_reply"
    assert row["response_due"] == T("2025-06-06 17:10")


def test_waiting_customer_pauses_resolution() -> None:
    # G4: 24 real hours to resolve. We asked at 11:00; 30 hours later the clock still
    # shows 23 hours left because only 1 hour ran before the question.
    d = _disputes({"dispute_id": "D1", "opened_at": "2025-06-06 10:00", "grade": "G4",
                   "status": "waiting_customer"})
    inter = _interactions(("2025-06-06 11:00", "D1", "out", None))
    row = _clocks(d, "2025-06-07 17:00", inter).iloc[0]
    assert row["paused"] and row["active_clock"] == "resolution"
    assert row["hours_left"] == 23.0
    assert row["resolution_due"] == T("2025-06-08 16:00")
    assert row["sla_status"] == "on_track"
    # Same row while open: overdue.
    running = _clocks(d.assign(status="open"), "2025-06-07 17:00", inter).iloc[0]
    assert running["sla_status"] == "overdue" and not running["paused"]


def test_customer_answer_ends_the_wait() -> None:
    d = _disputes({"dispute_id": "D1", "opened_at": "2025-06-06 10:00", "grade": "G4",
                   "status": "waiting_customer"})
    inter = _interactions(("2025-06-06 11:00", "D1", "out", None),
                          ("2025-06-06 21:00", "D1", "in", None))
    row = _clocks(d, "2025-06-06 22:00", inter).iloc[0]
    # 10 hours paused; the customer's message starts a 2-hour next-reply clock.
    assert row["resolution_due"] == T("2025-06-07 20:00")
    assert row["active_clock"] == "next_reply" and not row["paused"]
    assert row["hours_left"] == 1.0


def test_awaiting_carrier_pauses_resolution_not_platform() -> None:
    d = _disputes({"dispute_id": "D1", "opened_at": "2025-06-06 10:00", "grade": "G4",
                   "status": "awaiting_carrier", "platform": "TikTok Shop"})
    inter = _interactions(("2025-06-06 11:00", "D1", "out", None))
    row = _clocks(d, "2025-06-09 10:00", inter).iloc[0]
    assert row["paused"] and row["hours_left"] == 23.0
    assert row["platform_deadline"] == T("2025-06-08 10:00")
    # The response clock does not pause: a new message from the customer is due in 2 h.
    inter2 = pd.concat([inter, _interactions(("2025-06-09 09:00", "D1", "in", None))])
    row = _clocks(d, "2025-06-09 10:00", inter2).iloc[0]
    assert row["active_clock"] == "next_reply" and row["hours_left"] == 1.0
    assert row["resolution_due"] == T("2025-06-10 09:00")   # 71 h after 10:00 Monday


def test_calendar_grade_runs_overnight_and_round_the_clock_calendar() -> None:
    # G3 counts real hours, even with the shop closed at night.
    d = _disputes({"opened_at": "2025-06-06 22:00", "grade": "G3"})
    assert _clocks(d, "2025-06-06 23:00")["response_due"].iloc[0] == T("2025-06-07 02:00")
    # A business-hours grade with a 24/7 calendar counts every hour too, DST included.
    ny = BusinessCalendar("America/New_York", "00:00-24:00", "Mon-Sun")
    d = _disputes({"opened_at": "2025-03-08 12:00", "grade": "G2"})   # 12 business hours
    row = _clocks(d, "2025-03-08 13:00", calendar=ny).iloc[0]
    assert row["response_due"] == T("2025-03-09 00:00")
    d = _disputes({"opened_at": "2025-03-08 20:00", "grade": "G2"})
    assert _clocks(d, "2025-03-08 21:00", calendar=ny)["response_due"].iloc[0] == \
        T("2025-03-09 09:00")


def test_unknown_grade_and_missing_tables() -> None:
    d = _disputes({"opened_at": "2025-06-06 10:00", "grade": "G9"},
                  {"opened_at": "2025-06-06 10:00", "platform": "TikTok Shop", "grade": "G9"})
    out = dispute_clocks(d, None, SLA, RULES, NINE_TO_FIVE, T("2025-06-06 11:00"), 12)
    assert out["response_due"].isna().iloc[0] and out["sla_status"].iloc[0] is None
    assert out["response_due"].iloc[1] == T("2025-06-07 22:00")   # platform only
    out = dispute_clocks(d, None, None, None, NINE_TO_FIVE, T("2025-06-06 11:00"), 12)
    assert out["sla_status"].isna().all() and out["platform_deadline"].isna().all()


def test_ten_thousand_disputes_vectorised() -> None:
    """Many rows in one call give the same answers as one row at a time."""
    rng = np.random.default_rng(7)
    n = 2000
    opened = T("2025-01-01") + pd.to_timedelta(rng.integers(0, 300 * 24 * 60, n), unit="min")
    d = _disputes(*({"opened_at": o, "grade": g, "platform": p}
                    for o, g, p in zip(opened, rng.choice(["G1", "G2", "G3", "G4"], n),
                                       rng.choice(["eBay", "PayPal", "TikTok Shop", "Direct"],
                                                  n))))
    cal = BusinessCalendar("Europe/Berlin", "09:00-17:00", "Mon-Fri", "DE")
    out = _clocks(d, "2025-11-01 12:00", calendar=cal)
    for i in (0, 17, 999, 1999):
        one = _clocks(d.iloc[[i]], "2025-11-01 12:00", calendar=cal)
        pd.testing.assert_series_equal(out.iloc[i], one.iloc[0], check_names=False)
