"""SLA clocks: business hours, holidays, time zones, DST and marketplace deadlines.

Two parts:

* :class:`BusinessCalendar` does the time maths for one shop: opening hours, work days,
  public holidays (the ``holidays`` package) and the shop's IANA time zone.
* :func:`dispute_clocks` computes Response Due, Resolution Due, Platform Deadline,
  SLA Status and Hours Left for every dispute, from the SLA targets per grade and the
  ``Platform Rules`` table.

Time model (why it looks like this): Excel has no time zones, so every datetime that comes
in or goes out is a *naive local time of the shop*. Inside, each one is placed on the real
(UTC) time line first, so a DST change never adds or loses an hour: one calendar hour across
the spring-forward night is one real hour, and the opening hours of each day are the local
wall-clock hours of that day. Local times that do not exist (the skipped hour in spring)
move forward to the first real instant after the gap; local times that happen twice (the
repeated hour in autumn) mean the first of the two. Day counts (``add_business_days``,
platform rules in calendar days) keep the wall-clock time of day instead: "3 days after
Friday 10:00" is 10:00 three days later, whatever the clocks did in between.

>>> cal = BusinessCalendar("Europe/Berlin", "09:00-17:00", "Mon-Fri")
>>> cal.add_business_hours(dt.datetime(2025, 6, 6, 16, 30), 1)   # a Friday
Timestamp('2025-06-09 09:30:00')
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .errors import ConfigError
from .frames import column as _col, times as _times
from .keys import id_key
from .schema import CLOSED_DISPUTE_STATUSES
from .settings import Settings

__all__ = ["BusinessCalendar", "CLOCK_COLUMNS", "SHEET_CLOCK_COLUMNS", "choose_rule",
           "dispute_clocks", "parse_business_hours", "parse_work_days"]

_NS_PER_HOUR = 3_600_000_000_000
_NS_PER_DAY = 24 * _NS_PER_HOUR
_NAT = np.iinfo(np.int64).min  # how numpy stores NaT in int64
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A due time can never be further away than this: a guard against a calendar that is
# closed for ever (e.g. every day listed as an extra holiday).
_MAX_SEARCH_DAYS = 366 * 60

DEFAULT_ALERT_AT = 0.75
# Columns written to the Disputes sheet, then the ones kept for reports.
SHEET_CLOCK_COLUMNS = ("response_due", "resolution_due", "platform_deadline", "sla_status",
                       "hours_left")
CLOCK_COLUMNS = SHEET_CLOCK_COLUMNS + (
    "first_response_hours_business", "first_response_hours_calendar",
    "resolution_hours_business", "resolution_hours_calendar", "active_clock", "paused")


# --------------------------------------------------------------------------- parsing

def parse_work_days(text: str) -> frozenset[int]:
    """Weekday numbers (Mon = 0) from text such as ``Mon-Fri``, ``Mon-Sat``, ``Mon,Wed,Fri``
    or ``Sun-Thu`` (a range may wrap round the week). Full day names work too.

    >>> sorted(parse_work_days("Mon-Wed, Fri"))
    [0, 1, 2, 4]
    """
    def day(token: str) -> int:
        key = token.strip().lower()[:3]
        if key not in _DAYS or len(token.strip()) < 3:
            raise ConfigError(
                f"Setting 'work_days' has an unknown day '{token.strip()}' (found '{text}'). "
                "Write days like Mon-Fri, Mon-Sat or Mon,Wed,Fri on the Settings sheet.")
        return _DAYS.index(key)

    days: set[int] = set()
    for part in str(text).split(","):
        if not part.strip():
            continue
        if "-" in part:
            first, _, last = part.partition("-")
            a, b = day(first), day(last)
            days.update((a + i) % 7 for i in range((b - a) % 7 + 1))
        else:
            days.add(day(part))
    if not days:
        raise ConfigError(
            f"Setting 'work_days' names no day (found '{text}'). Write days like Mon-Fri on "
            "the Settings sheet.")
    return frozenset(days)


def parse_business_hours(text: str) -> tuple[int, int]:
    """Opening and closing minute of the day from ``HH:MM-HH:MM``.

    ``00:00-24:00`` means open round the clock. A closing time earlier than the opening
    time is an overnight shift (``22:00-06:00``): it belongs to the day it starts on.
    Equal times are refused because they could mean "never" or "always".

    >>> parse_business_hours("09:00-17:30")
    (540, 1050)
    >>> parse_business_hours("22:00-06:00")
    (1320, 1800)
    """
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", str(text))
    if not m:
        raise ConfigError(
            f"Setting 'business_hours' must look like 09:00-18:00 (found '{text}'). "
            "Fix it on the Settings sheet.")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
        raise ConfigError(
            f"Setting 'business_hours' has a time that does not exist (found '{text}'). "
            "Use 00:00 to 24:00, e.g. 09:00-18:00.")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == end:
        raise ConfigError(
            f"Setting 'business_hours' opens and closes at the same time (found '{text}'). "
            "Write 00:00-24:00 for round the clock.")
    if end < start:
        end += 24 * 60  # overnight shift: closes the next morning
    return start, end


@functools.lru_cache(maxsize=512)
def _holiday_dates(country: str, subdiv: str | None, year: int) -> tuple[dt.date, ...]:
    """Public holidays of one country (and region) in one year; cached per year because the
    ``holidays`` package computes each year from scratch."""
    import holidays as holidays_lib  # slow to import: only when a country is set

    return tuple(sorted(holidays_lib.country_holidays(country, subdiv=subdiv, years=year)))


def _split_country(code: str) -> tuple[str, str | None]:
    """``'DE'`` -> ``('DE', None)``; ``'DE-BY'`` -> ``('DE', 'BY')`` (a region's holidays)."""
    country, _, subdiv = code.strip().upper().partition("-")
    return country, (subdiv or None)


# --------------------------------------------------------------------------- calendar

@dataclass(frozen=True)
class _Intervals:
    """Opening intervals on the real time line (UTC ns), with the open time before each."""

    start: np.ndarray
    end: np.ndarray
    before: np.ndarray  # open ns in all earlier intervals of the table

    @property
    def total_end(self) -> np.ndarray:
        return self.before + (self.end - self.start)

    def cumulative(self, t: np.ndarray) -> np.ndarray:
        """Open ns from the table's start up to each instant ``t`` (no NaT)."""
        if not len(self.start):
            return np.zeros(len(t), dtype=np.int64)
        i = np.searchsorted(self.start, t, side="right") - 1
        j = np.maximum(i, 0)
        inside = np.clip(t - self.start[j], 0, self.end[j] - self.start[j])
        return np.where(i >= 0, self.before[j] + inside, 0)


@dataclass(frozen=True)
class BusinessCalendar:
    """When a shop is open: time zone, opening hours, work days and holidays.

    Every datetime in or out is a naive local time of ``time_zone`` (see the module
    docstring for how DST is handled). Methods take a single datetime or a Series (then
    they return a Series with the same index; NaT stays NaT).

    Opening hours may run overnight (``22:00-06:00``, a shift belongs to the day it starts
    on, so a holiday cancels the shift that starts that evening) or round the clock
    (``00:00-24:00``). ``holidays_country`` is an ISO code (``DE``, ``US``, or a region such
    as ``DE-BY``) whose public holidays close the shop; ``extra_holidays`` adds dates.

    >>> cal = BusinessCalendar("UTC", "09:00-17:00", "Mon-Fri", holidays_country="US")
    >>> cal.is_open(dt.datetime(2025, 7, 4, 10))   # Independence Day
    False
    """

    time_zone: str = "UTC"
    business_hours: str = "09:00-18:00"
    work_days: str = "Mon-Fri"
    holidays_country: str = ""
    extra_holidays: tuple[dt.date, ...] = ()
    _open: int = field(init=False, repr=False, compare=False, default=0)
    _close: int = field(init=False, repr=False, compare=False, default=0)
    _days: frozenset[int] = field(init=False, repr=False, compare=False, default=frozenset())

    def __post_init__(self) -> None:
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
            raise ConfigError(
                f"Setting 'time_zone' is not a known time zone (found '{self.time_zone}'). "
                "Use an IANA name such as Europe/Berlin, America/New_York or Asia/Shanghai."
            ) from None
        start, end = parse_business_hours(self.business_hours)
        object.__setattr__(self, "_open", start)
        object.__setattr__(self, "_close", end)
        object.__setattr__(self, "_days", parse_work_days(self.work_days))
        extra = tuple(sorted({pd.Timestamp(d).date() for d in self.extra_holidays}))
        object.__setattr__(self, "extra_holidays", extra)
        if self.holidays_country.strip():
            import holidays as holidays_lib

            country, subdiv = _split_country(self.holidays_country)
            try:
                holidays_lib.country_holidays(country, subdiv=subdiv)
            except NotImplementedError:
                raise ConfigError(
                    f"Setting 'holidays_country' is not a country the holidays list knows "
                    f"(found '{self.holidays_country}'). Use an ISO code such as US, DE or "
                    "CN (or a region such as DE-BY), or leave it empty for no holidays."
                ) from None

    # ---- construction

    @classmethod
    def from_settings(cls, settings: Settings,
                      extra_holidays: Iterable[dt.date] = ()) -> "BusinessCalendar":
        """The shop's calendar from Settings (time_zone, business_hours, work_days,
        holidays_country), plus optional extra closed dates."""
        return cls(settings.time_zone or "UTC", settings.business_hours,
                   settings.work_days, settings.holidays_country or "",
                   tuple(extra_holidays))

    def platform_calendar(self) -> "BusinessCalendar":
        """A marketplace's business days: Mon-Fri, whole days, no holidays, in the shop's
        time zone (platforms do not publish which holidays they skip)."""
        return BusinessCalendar(self.time_zone, "00:00-24:00", "Mon-Fri")

    # ---- public time maths

    def add_business_hours(self, start: Any, hours: Any) -> Any:
        """The moment ``hours`` open hours after ``start``.

        From a closed moment the count starts at the next opening; a result that falls
        exactly at closing time stays there (due at 17:00, not next morning). Zero hours
        gives ``start`` when open, else the next opening. Negative hours are refused.

        >>> BusinessCalendar("UTC", "09:00-17:00").add_business_hours(
        ...     dt.datetime(2025, 6, 6, 16, 30), 1)
        Timestamp('2025-06-09 09:30:00')
        """
        t, like = _to_ns(start)
        h, like_h = _number_ns(hours, _NS_PER_HOUR, round_down=False)
        t, h, like = _broadcast(t, h, like, like_h)
        if np.any(h[h != _NAT] < 0):
            raise ConfigError("Business hours to add must be zero or more (found a negative "
                              "number). Check First Response (h) and Resolution (h) on the "
                              "SLA sheet.")
        ok = (t != _NAT) & (h != _NAT)
        out = np.full(len(t), _NAT, dtype=np.int64)
        if ok.any():
            out[ok] = self._add_open_ns(self._to_utc(t[ok]), h[ok])
            out[ok] = self._from_utc(out[ok])
        return _from_ns(out, like)

    def business_hours_between(self, a: Any, b: Any) -> Any:
        """Open hours from ``a`` to ``b`` (negative when ``b`` is before ``a``).

        >>> BusinessCalendar("UTC", "09:00-17:00").business_hours_between(
        ...     dt.datetime(2025, 6, 6, 16, 30), dt.datetime(2025, 6, 9, 9, 30))
        1.0
        """
        ta, like = _to_ns(a)
        tb, like_b = _to_ns(b)
        ta, tb, like = _broadcast(ta, tb, like, like_b)
        ok = (ta != _NAT) & (tb != _NAT)
        out = np.full(len(ta), np.nan)
        if ok.any():
            ua, ub = self._to_utc(ta[ok]), self._to_utc(tb[ok])
            table = self._table(min(ua.min(), ub.min()), max(ua.max(), ub.max()))
            out[ok] = (table.cumulative(ub) - table.cumulative(ua)) / _NS_PER_HOUR
        return _from_float(out, like)

    def add_calendar_hours(self, start: Any, hours: Any) -> Any:
        """``start`` plus ``hours`` real hours (any sign); a DST change neither adds nor
        loses an hour.

        >>> BusinessCalendar("Europe/Berlin").add_calendar_hours(
        ...     dt.datetime(2025, 3, 30, 1, 30), 1)      # clocks jump from 02:00 to 03:00
        Timestamp('2025-03-30 03:30:00')
        """
        t, like = _to_ns(start)
        h, like_h = _number_ns(hours, _NS_PER_HOUR, round_down=False)
        t, h, like = _broadcast(t, h, like, like_h)
        ok = (t != _NAT) & (h != _NAT)
        out = np.full(len(t), _NAT, dtype=np.int64)
        if ok.any():
            out[ok] = self._from_utc(self._to_utc(t[ok]) + h[ok])
        return _from_ns(out, like)

    def calendar_hours_between(self, a: Any, b: Any) -> Any:
        """Real hours from ``a`` to ``b`` (23 across a spring-forward midnight-to-midnight)."""
        ta, like = _to_ns(a)
        tb, like_b = _to_ns(b)
        ta, tb, like = _broadcast(ta, tb, like, like_b)
        ok = (ta != _NAT) & (tb != _NAT)
        out = np.full(len(ta), np.nan)
        if ok.any():
            out[ok] = (self._to_utc(tb[ok]) - self._to_utc(ta[ok])) / _NS_PER_HOUR
        return _from_float(out, like)

    def add_calendar_days(self, start: Any, days: Any) -> Any:
        """``start`` plus whole ``days``, keeping the wall-clock time of day."""
        t, like = _to_ns(start)
        d, like_d = _number_ns(days, 1, round_down=True)
        t, d, like = _broadcast(t, d, like, like_d)
        ok = (t != _NAT) & (d != _NAT)
        out = np.full(len(t), _NAT, dtype=np.int64)
        if ok.any():
            out[ok] = self._normalise(t[ok] + d[ok] * _NS_PER_DAY)
        return _from_ns(out, like)

    def add_business_days(self, start: Any, n: Any) -> Any:
        """``n`` whole business days (work days that are not holidays) after ``start``,
        keeping the time of day. From a closed day the count starts at midnight of the next
        business day, so Saturday + 3 is Thursday 00:00 (Mon, Tue, Wed counted in full).
        Fractions of a day are dropped (an earlier deadline is the safe side).

        >>> BusinessCalendar("UTC").add_business_days(dt.datetime(2025, 6, 6, 10), 3)
        Timestamp('2025-06-11 10:00:00')
        """
        t, like = _to_ns(start)
        n_arr, like_n = _number_ns(n, 1, round_down=True)
        t, n_arr, like = _broadcast(t, n_arr, like, like_n)
        if np.any(n_arr[n_arr != _NAT] < 0):
            raise ConfigError("Business days to add must be zero or more (found a negative "
                              "number). Check N on the Platform Rules sheet.")
        ok = (t != _NAT) & (n_arr != _NAT)
        out = np.full(len(t), _NAT, dtype=np.int64)
        if ok.any():
            local = t[ok]
            day = local.astype("datetime64[ns]").astype("datetime64[D]")
            tod = local - day.astype("datetime64[ns]").astype(np.int64)
            steps = n_arr[ok]
            years = range(int(day.min().astype(object).year),
                          int(day.max().astype(object).year) + int(steps.max()) // 200 + 2)
            mask = [i in self._days for i in range(7)]
            closed = np.array(self._closed_dates(years), dtype="datetime64[D]")
            business = np.is_busday(day, weekmask=mask, holidays=closed)
            tod = np.where(business, tod, 0)
            new_day = np.busday_offset(day, steps, roll="forward", weekmask=mask,
                                       holidays=closed)
            out[ok] = self._normalise(new_day.astype("datetime64[ns]").astype(np.int64) + tod)
        return _from_ns(out, like)

    def is_open(self, t: Any) -> Any:
        """Whether the shop is open at ``t`` (closing time itself counts as closed)."""
        ns, like = _to_ns(t)
        ok = ns != _NAT
        out = np.zeros(len(ns), dtype=bool)
        if ok.any():
            u = self._to_utc(ns[ok])
            table = self._table(u.min(), u.max())
            i = np.searchsorted(table.start, u, side="right") - 1
            j = np.maximum(i, 0)
            out[ok] = (i >= 0) & (u < table.end[j]) if len(table.start) else False
        if like is None:
            return bool(out[0])
        return pd.Series(out, index=like.index, dtype=bool)

    def is_holiday(self, day: dt.date) -> bool:
        """Whether ``day`` is a public holiday or an extra closed date."""
        return pd.Timestamp(day).date() in set(self._closed_dates(range(day.year, day.year + 1)))

    # ---- internals (UTC ns on the real time line)

    def _to_utc(self, local: np.ndarray) -> np.ndarray:
        """Naive local ns -> UTC ns (gap times move forward, repeated times take the first)."""
        if self.time_zone == "UTC":
            return local.astype(np.int64)
        idx = pd.DatetimeIndex(local.astype("datetime64[ns]"))
        aware = idx.tz_localize(self.time_zone, ambiguous=np.ones(len(idx), dtype=bool),
                                nonexistent="shift_forward")
        return aware.tz_convert("UTC").asi8

    def _from_utc(self, utc: np.ndarray) -> np.ndarray:
        if self.time_zone == "UTC":
            return utc.astype(np.int64)
        idx = pd.DatetimeIndex(utc.astype("datetime64[ns]")).tz_localize("UTC")
        return idx.tz_convert(self.time_zone).tz_localize(None).asi8

    def _normalise(self, local: np.ndarray) -> np.ndarray:
        """A local time that does not exist (spring gap) becomes the first one after it."""
        return self._from_utc(self._to_utc(local))

    def _closed_dates(self, years: Iterable[int]) -> list[dt.date]:
        dates: list[dt.date] = list(self.extra_holidays)
        if self.holidays_country.strip():
            country, subdiv = _split_country(self.holidays_country)
            for year in years:
                if 1 <= year <= 9999:
                    dates.extend(_holiday_dates(country, subdiv, year))
        return dates

    def _table(self, lo_utc: int, hi_utc: int) -> _Intervals:
        """Opening intervals of every local day that can touch [lo_utc, hi_utc]."""
        # Two days of margin on each side cover any UTC offset and overnight shifts.
        first = np.datetime64(int(lo_utc), "ns").astype("datetime64[D]") - 2
        last = np.datetime64(int(hi_utc), "ns").astype("datetime64[D]") + 2
        days = np.arange(first, last + 1, dtype="datetime64[D]")
        weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        keep = np.isin(weekday, list(self._days))
        years = range(int(first.astype(object).year), int(last.astype(object).year) + 1)
        closed = self._closed_dates(years)
        if closed:
            keep &= ~np.isin(days, np.array(closed, dtype="datetime64[D]"))
        base = days[keep].astype("datetime64[ns]").astype(np.int64)
        start = self._to_utc(base + self._open * 60_000_000_000)
        end = self._to_utc(base + self._close * 60_000_000_000)
        length = end - start
        # A day whose opening hours vanish in a DST gap has nothing to count.
        start, end, length = start[length > 0], end[length > 0], length[length > 0]
        before = np.concatenate(([0], np.cumsum(length)[:-1])).astype(np.int64)
        return _Intervals(start, end, before)

    def _week_open_ns(self) -> int:
        return len(self._days) * (self._close - self._open) * 60_000_000_000

    def _add_open_ns(self, utc: np.ndarray, add: np.ndarray) -> np.ndarray:
        """UTC ns of the moment ``add`` open ns after each ``utc`` (both without NaT)."""
        # Enough days for the largest step at the usual weekly rate; holidays may ask for
        # more, so the search widens until every result is inside the table.
        span = int(math.ceil(add.max() / self._week_open_ns() * 7)) + 14
        while True:
            table = self._table(utc.min(), utc.max() + span * _NS_PER_DAY)
            target = table.cumulative(utc) + add
            ends = table.total_end
            j = np.where(add > 0, np.searchsorted(ends, target, side="left"),
                         np.searchsorted(ends, target, side="right"))
            if len(ends) and (j < len(ends)).all():
                return table.start[j] + (target - table.before[j])
            if span > _MAX_SEARCH_DAYS:
                raise ConfigError(
                    "The shop is never open within 60 years of a due date: check "
                    "'business_hours', 'work_days' and the holidays on the Settings sheet.")
            span *= 2


# --------------------------------------------------------------------------- array helpers

def _to_ns(value: Any) -> tuple[np.ndarray, pd.Series | None]:
    """int64 local ns of a scalar or Series (NaT as ``_NAT``); the Series is kept for its
    index (``None`` for a scalar)."""
    if isinstance(value, pd.Series):
        values = pd.to_datetime(value, errors="coerce")
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_localize(None)
        return values.to_numpy(dtype="datetime64[ns]").astype(np.int64), value
    ts = pd.Timestamp(value) if value is not None else pd.NaT
    if ts is pd.NaT or pd.isna(ts):
        return np.array([_NAT], dtype=np.int64), None
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)  # its own wall-clock time, as for a Series
    return np.array([ts.as_unit("ns").value], dtype=np.int64), None


def _from_ns(ns: np.ndarray, like: pd.Series | None) -> Any:
    values = ns.astype("datetime64[ns]")
    if like is None:
        return pd.Timestamp(values[0]) if ns[0] != _NAT else pd.NaT
    return pd.Series(values, index=like.index, dtype="datetime64[ns]")


def _from_float(values: np.ndarray, like: pd.Series | None) -> Any:
    if like is None:
        return float(values[0])
    return pd.Series(values, index=like.index, dtype=float)


def _broadcast(a: np.ndarray, b: np.ndarray, like_a: pd.Series | None,
               like_b: pd.Series | None) -> tuple[np.ndarray, np.ndarray, pd.Series | None]:
    """A scalar meets a Series: repeat the scalar."""
    if len(a) == 1 and len(b) != 1:
        a = np.repeat(a, len(b))
    elif len(b) == 1 and len(a) != 1:
        b = np.repeat(b, len(a))
    return a, b, like_a if like_a is not None else like_b


def _number_ns(value: Any, scale: int, round_down: bool) -> tuple[np.ndarray, pd.Series | None]:
    """A number (scalar or Series) times ``scale`` as int64, NaN as ``_NAT``; whole days
    round down, hours round to the nearest nanosecond."""
    like = value if isinstance(value, pd.Series) else None
    raw = value if like is not None else pd.Series([value], dtype=object)
    x = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    out = np.full(len(x), _NAT, dtype=np.int64)
    ok = np.isfinite(x)
    scaled = np.floor(x[ok] * scale) if round_down else np.round(x[ok] * scale)
    out[ok] = scaled.astype(np.int64)
    return out, like


# --------------------------------------------------------------------------- platform rules

# Which Platform Rules row answers a dispute, by Rule ID prefix. Types that mean "the
# parcel never came" use eBay's item-not-received flow; every other eBay case is a return
# request. PayPal: a Platform Case ID means the buyer escalated to a claim.
_NOT_RECEIVED_TYPES = ("not_received", "delivery_delay")
_RULE_PREFIX = {
    "tiktok shop": "tiktok-refund-respond",
    "aliexpress": "aliexpress-dispute-respond",
    "shopify": "shopify-chargeback-evidence",
}


def _rule_prefix(platform: str, dispute_type: str | None, has_case: bool) -> str:
    p = platform.casefold()
    if p == "ebay":
        return "ebay-inr-respond" if dispute_type in _NOT_RECEIVED_TYPES else \
            "ebay-return-respond"
    if p == "paypal":
        return "paypal-claim-answer" if has_case else "paypal-escalate"
    # Any other platform (Amazon, Etsy ...): rows whose Rule ID starts with its name.
    return _RULE_PREFIX.get(p, re.sub(r"[^0-9a-z]+", "-", p).strip("-") + "-")


def choose_rule(rules: pd.DataFrame | None, platform: Any, dispute_type: Any,
                has_case: bool) -> dict[str, Any] | None:
    """The Platform Rules row (as a dict) that sets a dispute's platform deadline.

    The wanted Rule ID prefix comes from the platform, the dispute type and whether a
    Platform Case ID exists: eBay ``not_received``/``delivery_delay`` ->
    ``ebay-inr-respond``, other eBay types -> ``ebay-return-respond``; PayPal with a case
    id -> ``paypal-claim-answer``, without -> ``paypal-escalate``; TikTok Shop ->
    ``tiktok-refund-respond``; AliExpress -> ``aliexpress-dispute-respond``; Shopify ->
    ``shopify-chargeback-evidence``; any other platform -> IDs starting with its name
    (``amazon-``, ``etsy-`` ...). A row matches when its Rule ID starts with the prefix
    (case does not matter) and its Platform is the dispute's platform or empty. Among
    several matches the newest Source Date wins, then the lowest row on the sheet, so a
    user adds ``ebay-inr-respond-2026`` with a new N instead of editing history.
    ``ebay-escalation-window`` is the buyer's window, not the seller's deadline: never chosen.

    >>> rules = pd.DataFrame({"rule_id": ["paypal-escalate", "paypal-claim-answer"],
    ...     "platform": ["PayPal", "PayPal"], "n": [20, 10], "unit": ["calendar days"] * 2})
    >>> choose_rule(rules, "PayPal", "damaged", True)["rule_id"]
    'paypal-claim-answer'
    """
    if rules is None or not len(rules) or not isinstance(platform, str) or not platform:
        return None
    prefix = _rule_prefix(platform, dispute_type if isinstance(dispute_type, str) else None,
                          has_case)
    ids = rules["rule_id"].map(lambda v: v.strip().casefold() if isinstance(v, str) else "")
    plat = rules["platform"].map(lambda v: v.casefold() if isinstance(v, str) else "") \
        if "platform" in rules else pd.Series("", index=rules.index)
    hit = ids.str.startswith(prefix) & plat.isin(("", platform.casefold()))
    if not hit.any():
        return None
    found = rules[hit].copy()
    found["_order"] = range(len(found))
    if "source_date" in found:
        found["_date"] = pd.to_datetime(found["source_date"], errors="coerce")
        found = found.sort_values(["_date", "_order"], na_position="first", kind="stable")
    return found.iloc[-1].drop(labels=[c for c in ("_order", "_date") if c in found]).to_dict()


def _rule_deadlines(disputes: pd.DataFrame, rules: pd.DataFrame | None,
                    calendar: BusinessCalendar, opened: pd.Series) -> pd.Series:
    """Deadline from the chosen rule for each dispute (NaT when none applies).

    A rule with N = 0, no N, no Unit, or a Trigger about a due date (Shopify's "evidence
    due date") gives no computed deadline: only the typed Case Due can say when.
    """
    out = pd.Series(pd.NaT, index=disputes.index, dtype="datetime64[ns]")
    if rules is None or not len(rules):
        return out
    platform = _col(disputes, "platform")
    dtype = _col(disputes, "type")
    has_case = _col(disputes, "platform_case_id").map(
        lambda v: v is not None and not (isinstance(v, float) and math.isnan(v))
        and str(v).strip() != "")
    keys = pd.DataFrame({"p": platform, "t": dtype, "c": has_case})
    groups = keys.groupby(["p", "t", "c"], dropna=False, sort=False).groups
    n = pd.Series(np.nan, index=disputes.index)
    unit = pd.Series(None, index=disputes.index, dtype=object)
    for (p, t, c), rows in groups.items():
        rule = choose_rule(rules, p, t, bool(c))
        if rule is None:
            continue
        value = pd.to_numeric(pd.Series([rule.get("n")]), errors="coerce").iloc[0]
        trigger = str(rule.get("trigger") or "").casefold()
        if pd.isna(value) or value <= 0 or "due date" in trigger:
            continue
        n.loc[rows] = value
        unit.loc[rows] = str(rule.get("unit") or "").strip().casefold()
    hours = unit == "hours"
    if hours.any():
        out[hours] = calendar.add_calendar_hours(opened[hours], n[hours])
    days = unit == "calendar days"
    if days.any():
        out[days] = calendar.add_calendar_days(opened[days], n[days])
    bdays = unit == "business days"
    if bdays.any():
        out[bdays] = calendar.platform_calendar().add_business_days(opened[bdays], n[bdays])
    return out


# --------------------------------------------------------------------------- clocks

def _tmin(a: pd.Series, b: pd.Series) -> pd.Series:
    """Earlier of two datetime columns, ignoring NaT."""
    return pd.concat([a, b], axis=1).min(axis=1).astype("datetime64[ns]")


def _tmax(a: pd.Series, b: pd.Series) -> pd.Series:
    return pd.concat([a, b], axis=1).max(axis=1).astype("datetime64[ns]")


@dataclass(frozen=True)
class _Metric:
    """Business hours on rows whose grade says Business Hours = yes, real hours elsewhere."""

    calendar: BusinessCalendar
    business: pd.Series  # bool per row

    def between(self, a: pd.Series, b: pd.Series) -> pd.Series:
        real = self.calendar.calendar_hours_between(a, b)
        if not self.business.any():
            return real
        return real.where(~self.business, self.calendar.business_hours_between(a, b))

    def add(self, t: pd.Series, hours: pd.Series) -> pd.Series:
        real = self.calendar.add_calendar_hours(t, hours)
        if not self.business.any():
            return real
        # Business hours never go backwards; a negative target simply has no due time.
        positive = hours.where(hours >= 0)
        return real.where(~self.business, self.calendar.add_business_hours(t, positive))


@dataclass(frozen=True)
class _Clock:
    due: pd.Series
    left: pd.Series      # hours until due in the clock's metric (<= 0 when late)
    used: pd.Series      # fraction of the time allowed that is used up
    paused: pd.Series    # the pause is still running


def _run_clock(metric: _Metric, start: pd.Series, target: pd.Series, pause_from: pd.Series,
               pause_to: pd.Series, now: pd.Timestamp, cap: pd.Series | None,
               stop: pd.Series | None = None) -> _Clock:
    """One clock from ``start`` with ``target`` hours, frozen over [pause_from, pause_to]
    (clipped to the time the clock ran: from ``start`` to ``stop`` or now), never later
    than ``cap`` (a platform clock does not pause)."""
    now_s = pd.Series(now, index=start.index, dtype="datetime64[ns]")
    end = now_s if stop is None else _tmin(stop, now_s)
    p0 = _tmin(_tmax(pause_from, start), end).where(pause_from.notna())
    p1 = _tmin(_tmax(pause_to, p0), end).where(p0.notna())
    frozen = metric.between(p0, p1).fillna(0.0)
    due = metric.add(start, target + frozen).where(start.notna())
    if cap is not None:
        due = _tmin(due, cap).where(start.notna())
    left = metric.between(now_s, due)
    # Before the clock starts (a "now" earlier than Opened At) nothing is used yet.
    not_yet = now_s < start
    done = (metric.between(start, now_s) - frozen).where(~not_yet, 0.0).clip(lower=0.0)
    total = done + left
    used = (done / total).where(total > 0, 1.0).where(due.notna())
    paused = p1.notna() & (p1 >= now_s) & (p0 < now_s)
    return _Clock(due, left, used, paused)


def _interaction_times(disputes: pd.DataFrame, interactions: pd.DataFrame | None,
                       opened: pd.Series, typed_first: pd.Series
                       ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Per dispute row: the first sent outbound message, the last time we wrote (message
    or typed First Response At) and the oldest inbound message after that (the one still
    waiting for an answer). Only messages at or after Opened At count."""
    empty = pd.Series(pd.NaT, index=disputes.index, dtype="datetime64[ns]")
    if interactions is None or not len(interactions) or "dispute_id" not in interactions:
        return empty, typed_first.copy(), empty.copy()
    pos = pd.DataFrame({"row": np.arange(len(disputes)),
                        "key": id_key(_col(disputes, "dispute_id")).to_numpy(),
                        "opened": opened.to_numpy()})
    inter = pd.DataFrame({"key": id_key(interactions["dispute_id"]).to_numpy(),
                          "ts": _times(interactions, "timestamp").to_numpy(),
                          "dir": _col(interactions, "direction").to_numpy(),
                          "draft": (_col(interactions, "status") == "draft").to_numpy()})
    # A draft was never sent: it answers nobody.
    inter = inter[inter["key"].notna() & inter["ts"].notna() &
                  ~(inter["draft"] & (inter["dir"] == "out"))]
    m = pos.dropna(subset=["key"]).merge(inter, on="key")
    m = m[m["ts"] >= m["opened"]]
    out = m[m["dir"] == "out"].groupby("row")["ts"].agg(["min", "max"])
    first_out, last_out = empty.copy(), empty.copy()
    first_out.iloc[out.index.to_numpy()] = out["min"].to_numpy()
    last_out.iloc[out.index.to_numpy()] = out["max"].to_numpy()
    last_out = _tmax(last_out, typed_first)
    return first_out, last_out, _pending_in(m, last_out, empty)


def _pending_in(m: pd.DataFrame, last_out: pd.Series, empty: pd.Series) -> pd.Series:
    inbound = m[m["dir"] == "in"].copy()
    inbound["last_out"] = last_out.to_numpy()[inbound["row"].to_numpy()] \
        if len(inbound) else pd.Series(dtype="datetime64[ns]")
    newer = inbound[inbound["last_out"].isna() | (inbound["ts"] > inbound["last_out"])]
    first = newer.groupby("row")["ts"].min()
    pending = empty.copy()
    pending.iloc[first.index.to_numpy()] = first.to_numpy()
    return pending


def _targets(disputes: pd.DataFrame, sla: pd.DataFrame | None) -> pd.DataFrame:
    """First response and resolution hours, alert level and business-hours flag per row.

    The grade is the effective one the caller passes; empty means G1. A grade the SLA sheet
    does not list has no targets. An empty Business Hours means no (real hours, the stricter
    reading); an empty Alert At means 75 %.
    """
    grade = _col(disputes, "grade").map(
        lambda g: g.strip().upper() if isinstance(g, str) and g.strip() else "G1")
    cols = {"first_response_h": np.nan, "resolution_h": np.nan, "alert_at": np.nan,
            "business_hours": None}
    table = pd.DataFrame(columns=list(cols))
    if sla is not None and len(sla):
        keys = _col(sla, "grade").map(lambda g: g.strip().upper() if isinstance(g, str) else None)
        table = pd.DataFrame({c: (sla[c] if c in sla else pd.Series(d, index=sla.index))
                              for c, d in cols.items()})
        table.index = keys.to_numpy()
        table = table[table.index.notna() & ~table.index.duplicated()]
    out = table.reindex(grade.to_numpy())
    out.index = disputes.index
    out["first_response_h"] = pd.to_numeric(out["first_response_h"], errors="coerce")
    out["resolution_h"] = pd.to_numeric(out["resolution_h"], errors="coerce")
    # Negative targets are typing mistakes: no target rather than a due in the past.
    for c in ("first_response_h", "resolution_h"):
        out[c] = out[c].where(out[c] >= 0)
    alert = pd.to_numeric(out["alert_at"], errors="coerce")
    out["alert_at"] = alert.where(alert > 0, DEFAULT_ALERT_AT)
    out["business"] = out["business_hours"].map(
        lambda v: isinstance(v, str) and v.strip().casefold() == "yes").astype(bool)
    return out


def dispute_clocks(disputes: pd.DataFrame, interactions: pd.DataFrame | None,
                   sla: pd.DataFrame | None, rules: pd.DataFrame | None,
                   calendar: BusinessCalendar, now: dt.datetime | pd.Timestamp,
                   buffer_hours: float) -> pd.DataFrame:
    """SLA clocks of every dispute, indexed like ``disputes`` (columns: ``CLOCK_COLUMNS``).

    Inputs are typed frames with snake_case names; every datetime (and ``now``) is the
    shop's naive local time. ``grade`` and ``type`` are the effective values (user's, else
    auto). Clocks:

    * **response**: from Opened At until the first response (First Response At if typed,
      else the first sent outbound message linked to the dispute at or after Opened At),
      target First Response (h). Response Due is the earlier of that target and the
      platform deadline minus ``buffer_hours``.
    * **next_reply**: after the first response, an inbound message newer than the last
      outbound one starts a clock with the same target from that message (the platform
      deadline concerns the first answer only).
    * **resolution**: from Opened At, target Resolution (h).

    Hours are business hours of ``calendar`` when the grade's Business Hours is yes, else
    real hours. Pauses (only the current Status is known): ``waiting_customer`` freezes the
    response and resolution clocks from the last outbound message (the moment we asked)
    until the customer's next message or now; ``awaiting_carrier`` freezes only the
    resolution clock from the last outbound message until now; the platform deadline never
    pauses. Platform Deadline is Case Due when typed (for any platform), else from the
    matching Platform Rules row (see :func:`choose_rule`).

    SLA Status of an open dispute follows the running clock that is due first
    (``active_clock``): overdue past its due time, at_risk once Alert At of its time is
    used, else on_track; Hours Left counts to its due time in its hours (a business-hours
    clock stays at 0 over a closed weekend). A closed dispute (resolved/closed status or
    Resolved At typed) is met or breached by Resolved At against Resolution Due; without
    Resolved At it has no status. Rows without Opened At stay empty (the caller reports it).
    """
    idx = disputes.index
    now_ts = pd.Timestamp(now).as_unit("ns")
    if now_ts.tzinfo is not None:  # an aware clock: read it in the shop's time zone
        now_ts = now_ts.tz_convert(calendar.time_zone).tz_localize(None)
    now_s = pd.Series(now_ts, index=idx, dtype="datetime64[ns]")
    opened = _times(disputes, "opened_at")
    started = opened.notna()
    status = _col(disputes, "status")
    resolved_at = _times(disputes, "resolved_at").where(started)
    closed = started & (status.isin(CLOSED_DISPUTE_STATUSES) | resolved_at.notna())
    targets = _targets(disputes, sla)
    metric = _Metric(calendar, targets["business"])

    typed_first = _times(disputes, "first_response_at")
    first_out, last_out, pending = _interaction_times(disputes, interactions, opened,
                                                      typed_first)
    first_response = typed_first.where(typed_first.notna(), first_out).where(started)
    last_out = last_out.where(first_response.notna())
    # Before the first response the response clock itself is waiting: no next reply yet.
    pending = pending.where(first_response.notna())

    # Platform deadline: a typed Case Due always wins.
    case_due = _times(disputes, "case_due")
    platform_deadline = case_due.where(case_due.notna(),
                                       _rule_deadlines(disputes, rules, calendar, opened))
    platform_deadline = platform_deadline.where(started)
    cap = calendar.add_calendar_hours(platform_deadline, -float(buffer_hours or 0))

    # Pauses, from the moment we last wrote.
    waiting = ~closed & (status == "waiting_customer") & last_out.notna()
    carrier = ~closed & (status == "awaiting_carrier") & last_out.notna()
    wait_to = pending.where(pending.notna(), now_s)
    response_pause = (last_out.where(waiting), wait_to.where(waiting))
    resolution_pause = (last_out.where(waiting | carrier),
                        wait_to.where(waiting).where(~carrier, now_s))

    first = _run_clock(metric, opened, targets["first_response_h"], *response_pause,
                       now_ts, cap, stop=first_response)
    reply = _run_clock(metric, pending, targets["first_response_h"], *response_pause,
                       now_ts, None)
    resolution = _run_clock(metric, opened,
                            targets["resolution_h"], *resolution_pause, now_ts, None)

    # Which clocks still run, and which is due first.
    awaiting_first = started & ~closed & first_response.isna()
    awaiting_reply = started & ~closed & pending.notna()
    response_due = first.due.where(~awaiting_reply, reply.due)
    running = pd.DataFrame({
        "response": first.due.where(awaiting_first),
        "next_reply": reply.due.where(awaiting_reply),
        "resolution": resolution.due.where(started & ~closed)}, index=idx)
    has_due = running.notna().any(axis=1)
    # idxmin on an all-NaT row is an error: give those rows a placeholder, then drop it.
    active = running.fillna(pd.Timestamp.max).idxmin(axis=1).where(has_due)
    clocks = {"response": first, "next_reply": reply, "resolution": resolution}

    def pick(attr: str, default: Any) -> pd.Series:
        out = pd.Series(default, index=idx)
        for name, clock in clocks.items():
            mask = active == name
            out = out.where(~mask, getattr(clock, attr))
        return out

    due, left, used = pick("due", pd.NaT), pick("left", np.nan), pick("used", np.nan)
    paused = pick("paused", False).astype(bool) & has_due
    overdue = due.notna() & (now_s > due.astype("datetime64[ns]"))
    at_risk = used.astype(float) >= targets["alert_at"]
    sla_status = pd.Series(np.where(overdue, "overdue", np.where(at_risk, "at_risk",
                                                                 "on_track")),
                           index=idx, dtype=object).where(has_due, None)
    hours_left = left.astype(float).round(2).where(has_due)
    # A business-hours clock past its due time can read 0 over a weekend; late is late.
    hours_left = hours_left.where(~overdue, np.minimum(hours_left, 0.0))

    res_due = resolution.due
    met = closed & resolved_at.notna() & res_due.notna()
    closed_status = pd.Series(np.where(resolved_at <= res_due, "met", "breached"),
                              index=idx, dtype=object).where(met, None)
    sla_status = sla_status.where(~closed, closed_status)
    hours_left = hours_left.where(~closed)

    result = pd.DataFrame({
        "response_due": response_due.where(started).astype("datetime64[ns]"),
        "resolution_due": res_due.where(started).astype("datetime64[ns]"),
        "platform_deadline": platform_deadline.astype("datetime64[ns]"),
        "sla_status": sla_status.astype(object),
        "hours_left": hours_left.astype(float),
        "first_response_hours_business":
            calendar.business_hours_between(opened, first_response).round(2),
        "first_response_hours_calendar":
            calendar.calendar_hours_between(opened, first_response).round(2),
        "resolution_hours_business":
            calendar.business_hours_between(opened, resolved_at.where(closed)).round(2),
        "resolution_hours_calendar":
            calendar.calendar_hours_between(opened, resolved_at.where(closed)).round(2),
        "active_clock": active.where(~closed & has_due, None).astype(object),
        "paused": (paused & ~closed).astype(bool),
    }, index=idx)
    result["active_clock"] = result["active_clock"].where(result["active_clock"].notna(), None)
    return result


# --- worksheet functions (=KB_SLA_DUE, =KB_SLA_STATUS) ---------------------------------
# A formula sees only its arguments: targets and platform rules are the shipped defaults
# (the SLA and Platform Rules sheets' first rows), the calendar comes from ``settings``
# when the face passes them (KAKOBUY_* variables), else the defaults.

def _default_frame(sheet_name: str) -> pd.DataFrame:
    from .schema import SHEETS

    sheet = SHEETS[sheet_name]
    rows = [{sheet.column(h).name: v for h, v in row.items()} for row in sheet.defaults]
    frame = pd.DataFrame(rows, columns=[c.name for c in sheet.columns])
    for c in sheet.columns:
        if c.kind in ("date", "datetime"):
            frame[c.name] = pd.to_datetime(frame[c.name], errors="coerce")
    return frame


def _formula_clocks(opened_at: pd.Series, grade: pd.Series, platform: pd.Series | None,
                    first_response_at: pd.Series | None, resolved_at: pd.Series | None,
                    now: dt.datetime | None, settings: Any = None) -> pd.DataFrame:
    n = len(opened_at)
    empty = pd.Series([None] * n, index=opened_at.index, dtype=object)
    resolved = pd.to_datetime(resolved_at if resolved_at is not None else empty,
                              errors="coerce")
    disputes = pd.DataFrame({
        "dispute_id": [f"row{i}" for i in range(n)],
        "opened_at": pd.to_datetime(opened_at, errors="coerce").to_numpy(),
        "platform": (platform if platform is not None else empty).to_numpy(),
        "platform_case_id": empty.to_numpy(), "case_due": pd.NaT,
        "grade": grade.to_numpy(), "type": empty.to_numpy(),
        "status": np.where(resolved.notna(), "resolved", "open"),
        "first_response_at": pd.to_datetime(
            first_response_at if first_response_at is not None else empty,
            errors="coerce").to_numpy(),
        "resolved_at": resolved.to_numpy(),
    }, index=opened_at.index)
    calendar = BusinessCalendar.from_settings(settings) if settings is not None \
        else BusinessCalendar()
    buffer = getattr(settings, "deadline_buffer_hours", 12) if settings is not None else 12
    return dispute_clocks(disputes, None, _default_frame("SLA"),
                          _default_frame("Platform Rules"), calendar,
                          now or dt.datetime.now(), buffer)


def _formula_due(opened_at: pd.Series, grade: pd.Series, platform: pd.Series,
                 settings: Any = None) -> pd.Series:
    clocks = _formula_clocks(opened_at, grade, platform, None, None, None, settings)
    return pd.Series([None if pd.isna(v) else v.to_pydatetime() for v in clocks["response_due"]],
                     index=opened_at.index, dtype=object)


def _formula_status(opened_at: pd.Series, grade: pd.Series, first_response_at: pd.Series,
                    resolved_at: pd.Series, now: dt.datetime | None = None,
                    settings: Any = None) -> pd.Series:
    clocks = _formula_clocks(opened_at, grade, None, first_response_at, resolved_at, now,
                             settings)
    return clocks["sla_status"].astype(object)


FORMULA_COMPUTATIONS = {"KB_SLA_DUE": _formula_due, "KB_SLA_STATUS": _formula_status}
