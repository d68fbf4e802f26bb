"""Property tests of the business calendar across time zones, DST changes and holidays."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kakobuy_xl.sla import BusinessCalendar, parse_work_days

ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Shanghai", "Australia/Sydney",
         "Asia/Kolkata")
# Opening hours away from the small hours, where DST changes happen: a result there would
# be a local time that exists twice, which a naive Excel time cannot tell apart.
HOURS = ("09:00-17:00", "08:30-18:00", "07:00-23:00", "10:00-14:00", "09:00-18:00")
WORK_DAYS = ("Mon-Fri", "Mon-Sat", "Mon,Wed,Fri", "Sun-Thu")
COUNTRIES = ("", "US", "DE", "AU", "CN", "IN")

CHECKS = settings(max_examples=60, derandomize=True, deadline=None, database=None)


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    return BusinessCalendar(draw(st.sampled_from(ZONES)), draw(st.sampled_from(HOURS)),
                            draw(st.sampled_from(WORK_DAYS)), draw(st.sampled_from(COUNTRIES)))


# Minutes keep the arithmetic exact; the years cover many DST changes in every zone.
moments = st.datetimes(min_value=dt.datetime(2023, 1, 1), max_value=dt.datetime(2027, 12, 31)
                       ).map(lambda t: pd.Timestamp(t).floor("min"))
# Half the examples fall within three days of a DST change in Europe, the US or Australia.
DST_CHANGES = ("2025-03-30 02:00", "2025-10-26 03:00", "2025-03-09 02:00", "2025-11-02 02:00",
               "2025-04-06 03:00", "2025-10-05 02:00", "2026-03-29 02:00", "2026-11-01 02:00")
near_dst = st.builds(lambda c, m: pd.Timestamp(c) + pd.Timedelta(minutes=m),
                     st.sampled_from(DST_CHANGES), st.integers(-3 * 24 * 60, 3 * 24 * 60))
moments = st.one_of(moments, near_dst)
hours = st.integers(min_value=0, max_value=400 * 60).map(lambda m: m / 60)


@CHECKS
@given(calendars(), moments, hours, hours)
def test_adding_more_hours_never_gives_an_earlier_time(cal: BusinessCalendar,
                                                       t: pd.Timestamp, h1: float,
                                                       h2: float) -> None:
    small, large = sorted((h1, h2))
    assert cal.add_business_hours(t, small) <= cal.add_business_hours(t, large)


@CHECKS
@given(calendars(), moments, hours)
def test_hours_between_undoes_adding(cal: BusinessCalendar, t: pd.Timestamp,
                                     h: float) -> None:
    due = cal.add_business_hours(t, h)
    assert due >= t
    assert abs(cal.business_hours_between(t, due) - h) < 1 / 3600


@CHECKS
@given(calendars(), moments, hours.filter(lambda h: h > 0))
def test_due_time_is_within_opening_hours(cal: BusinessCalendar, t: pd.Timestamp,
                                          h: float) -> None:
    due = cal.add_business_hours(t, h)
    just_before = due - pd.Timedelta(seconds=1)
    # Inside opening hours, or exactly at closing time (open the second before).
    assert cal.is_open(due) or cal.is_open(just_before)
    # The open day: no opening hours cross midnight here, so it is the due time's date.
    assert due.date() == just_before.date()
    assert not cal.is_holiday(due.date())
    assert due.weekday() in parse_work_days(cal.work_days)


@CHECKS
@given(calendars(), moments)
def test_zero_hours_is_now_or_next_opening(cal: BusinessCalendar, t: pd.Timestamp) -> None:
    due = cal.add_business_hours(t, 0)
    assert due >= t and cal.is_open(due)
    assert cal.business_hours_between(t, due) == 0.0


@CHECKS
@given(st.sampled_from(ZONES), moments, st.integers(min_value=0, max_value=2000))
def test_calendar_hours_are_real_hours(zone: str, t: pd.Timestamp, h: int) -> None:
    cal = BusinessCalendar(zone)
    later = cal.add_calendar_hours(t, h)
    # Real elapsed time, measured on the UTC time line, is exactly h hours.
    elapsed = _utc(zone, later) - _utc(zone, t)
    assert elapsed == pd.Timedelta(hours=h) or _repeated_hour(cal, later)
    assert cal.calendar_hours_between(t, later) == h or _repeated_hour(cal, later)


def _utc(zone: str, local: pd.Timestamp) -> pd.Timestamp:
    """Independent reading of a shop time: first occurrence, skipped times move forward."""
    return pd.Timestamp(local).tz_localize(zone, ambiguous=True,
                                           nonexistent="shift_forward").tz_convert("UTC")


def _repeated_hour(cal: BusinessCalendar, local: pd.Timestamp) -> bool:
    """A local time in the hour that happens twice (autumn) reads back as the first."""
    aware = pd.Timestamp(local).tz_localize(cal.time_zone, ambiguous="NaT",
                                            nonexistent="NaT")
    return aware is pd.NaT


@CHECKS
@given(st.sampled_from(("UTC", "Asia/Shanghai", "Asia/Kolkata")), moments,
       st.integers(min_value=0, max_value=500 * 60))
def test_round_the_clock_business_hours_equal_calendar_hours(zone: str, t: pd.Timestamp,
                                                            minutes: int) -> None:
    always = BusinessCalendar(zone, "00:00-24:00", "Mon-Sun")
    h = minutes / 60
    assert always.add_business_hours(t, h) == always.add_calendar_hours(t, h)


@CHECKS
@given(calendars(), st.lists(moments, min_size=1, max_size=8), hours)
def test_series_agree_with_single_values(cal: BusinessCalendar, ts: list[pd.Timestamp],
                                         h: float) -> None:
    series = pd.Series(ts, index=range(10, 10 + len(ts)))
    due = cal.add_business_hours(series, h)
    assert due.tolist() == [cal.add_business_hours(t, h) for t in ts]
