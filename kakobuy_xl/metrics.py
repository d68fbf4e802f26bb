"""Service metrics with written definitions (full text, formulas, examples: docs/metrics.md).

All computed from the workbook's own sheets (typed frames), deterministic for a given
``now``, vectorised over whole columns.

- **Reply times.** Messages without a Customer ID or Timestamp, and draft outbound
  messages, are left out. Per customer, messages are put in time order (a reply in the same
  minute as the question comes after it). A *waiting period* starts at an inbound message
  whose previous message (of that customer) is not inbound; several inbound messages in a
  row count once, from the first. Its reply is the next outbound message to that customer.
  It is a **first** reply when the customer had no earlier message or the last message
  (the seller's) is at least ``conversation_gap_hours`` (24 h) older: a new conversation.
  Otherwise it is a **next** reply. Unanswered periods are **waiting**, counted apart.
  Handler = the reply's Handler; channel = the inbound message's Channel; platform = the
  linked dispute's Platform, else the linked order's; month = YYYY-MM of the question.
- **Resolution time**: Opened At -> Resolved At of resolved disputes (Status resolved or
  closed, or Resolved At typed). **Resolution rate**: resolved / all disputes.
- **FCR** (first-contact resolution): resolved disputes with exactly one sent outbound
  message linked by Dispute ID up to Resolved At / resolved disputes. A dispute closed with
  no reply at all (auto-closed, decided by the platform) is not a first-contact resolution.
- **CSAT %**: ratings 4-5 / ratings 1-5 (other values ignored); **CSAT mean** of those;
  **CSAT response rate**: rated resolved disputes / resolved disputes.
- **Complaint**: a dispute, or an inbound message whose intent is a complaint intent or
  whose sentiment is -0.5 or lower, unless linked to a dispute (by Dispute ID, or by an
  Order ID that has a dispute). Complaint messages about one order count once; unlinked
  ones once per waiting period. **Repeat complaint rate**: customers with two complaints
  at most 30 days apart / customers with a complaint.
- **Escalation rate**: disputes with a Platform Case ID, Status escalated or grade G3 /
  disputes. **Escalation win rate**: escalated disputes resolved with Resolution "none" or
  Resolution Amount 0 / escalated disputes that are resolved.

Groups: per handler, channel, platform and month, plus one overall row ("All"). Counts
are 0 and rates/medians NaN where a group has no data for them.

>>> import datetime as dt
>>> from kakobuy_xl.sla import BusinessCalendar
>>> msgs = pd.DataFrame({"timestamp": pd.to_datetime(["2025-06-02 10:00", "2025-06-02 11:30"]),
...     "customer_id": ["C1", "C1"], "channel": "Email", "direction": ["in", "out"],
...     "handler": [None, "Lin"], "status": [None, "sent"]})
>>> reply_times(msgs, BusinessCalendar("UTC", "09:00-17:00"))[["kind", "hours_calendar"]]
    kind  hours_calendar
0  first             1.5
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .errors import ConfigError
from .disputes import is_closed, is_escalated
from .frames import column as _col, to_times as _times
from .keys import first_by_id, id_key, lookup, map_distinct
from .sla import BusinessCalendar

__all__ = ["DIMENSIONS", "METRIC_COLUMNS", "METRIC_DEFINITIONS", "REPEAT_WINDOW_DAYS",
           "complaints", "dispute_outcomes", "reply_times", "service_metrics",
           "service_metrics_by"]

#: The dimensions metrics can be grouped by.
DIMENSIONS = ("handler", "channel", "platform", "month")
#: The header of the group column per dimension (``None``: the overall row).
GROUP_HEADERS = {None: "Scope", "handler": "Handler", "channel": "Channel",
                 "platform": "Platform", "month": "Month"}
#: Two complaints at most this many days apart make a repeat complaint.
REPEAT_WINDOW_DAYS = 30
#: A customer message this long after the seller's last message opens a new conversation.
CONVERSATION_GAP_HOURS = 24.0
UNKNOWN = "Unknown"
UNASSIGNED = "Unassigned"
_NS_PER_HOUR = 3_600_000_000_000

#: Header -> one-line definition (report notes and docs/metrics.md use these).
METRIC_DEFINITIONS: dict[str, str] = {
    "Messages in": "Customer messages (Direction in) with a Customer ID and a Timestamp.",
    "First replies": "Answered first waiting periods: a customer's first message, or one "
                     "24 h or more after the seller's last message.",
    "First reply median (h)": "Median calendar hours from the first message of a new "
                              "conversation to the next sent outbound message.",
    "First reply median (business h)": "The same in opening hours (Settings: business "
                                       "hours, work days, holidays).",
    "Next replies": "Answered later waiting periods of a conversation.",
    "Next reply median (h)": "Median calendar hours from a later customer message that "
                             "waited (several in a row count once) to the next reply.",
    "Next reply median (business h)": "The same in opening hours.",
    "Waiting for reply": "Waiting periods with no sent reply yet (not in the medians).",
    "Longest wait (business h)": "Opening hours the oldest unanswered customer message "
                                 "has waited until now.",
    "Disputes": "Rows on the Disputes sheet.",
    "Resolved": "Disputes with Status resolved or closed, or a Resolved At.",
    "Resolution rate": "Resolved disputes / all disputes.",
    "Resolution median (h)": "Median calendar hours from Opened At to Resolved At of "
                             "resolved disputes.",
    "Resolution median (business h)": "The same in opening hours.",
    "FCR": "First-contact resolution: resolved disputes settled with exactly one sent "
           "outbound message linked by Dispute ID (none: not FCR) / resolved disputes.",
    "CSAT %": "Ratings of 4 or 5 / all ratings on the 1-5 scale (other values ignored).",
    "CSAT responses": "Disputes with a CSAT rating from 1 to 5.",
    "CSAT mean": "Mean CSAT rating (1-5).",
    "CSAT response rate": "Resolved disputes with a rating / resolved disputes.",
    "Complaints": "Disputes, plus complaint messages (complaint intent or sentiment "
                  "-0.5 or lower) not linked to a dispute; one per order or waiting period.",
    "Repeat complaint rate": "Customers with two complaints at most 30 days apart / "
                             "customers with a complaint.",
    "Escalated": "Disputes with a Platform Case ID, Status escalated or grade G3.",
    "Escalation rate": "Escalated disputes / all disputes.",
    "Escalation win rate": "Escalated disputes resolved in the seller's favour "
                           "(Resolution none or Resolution Amount 0) / escalated disputes "
                           "that are resolved.",
}
#: The metric columns of :func:`service_metrics`, in order.
METRIC_COLUMNS = tuple(METRIC_DEFINITIONS)
_COUNT_COLUMNS = ("Messages in", "First replies", "Next replies", "Waiting for reply",
                  "Disputes", "Resolved", "CSAT responses", "Complaints", "Escalated")


# ------------------------------------------------------------------ small helpers


def _as_dict(series: pd.Series) -> dict[Any, Any]:
    return dict(zip(series.index.tolist(), series.tolist()))


def _text(series: pd.Series) -> pd.Series:
    """Stripped text, None where empty (labels for grouping keep their case)."""
    return map_distinct(series, lambda v: v.strip() if isinstance(v, str) and v.strip()
                        else None)


def _lower(series: pd.Series) -> pd.Series:
    return map_distinct(series, lambda v: v.strip().lower() if isinstance(v, str) else None)


def _month(times: pd.Series) -> pd.Series:
    return times.dt.strftime("%Y-%m").astype(object).where(times.notna(), None)


def _label(series: pd.Series, missing: str = UNKNOWN) -> pd.Series:
    return series.astype(object).where(series.notna(), missing)


def _empty_interactions() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in (
        "timestamp", "customer_id", "channel", "direction", "handler", "order_id",
        "dispute_id", "status")})


class _Platforms:
    """The platform of a message or dispute: the linked dispute's Platform, else the linked
    order's (None when neither is known). Tables are built once, looked up many times."""

    def __init__(self, orders: pd.DataFrame | None, disputes: pd.DataFrame | None) -> None:
        self.by_dispute: dict[str, Any] = {}
        self.by_order: dict[str, Any] = {}
        if disputes is not None and len(disputes) and "platform" in disputes:
            self.by_dispute = _as_dict(first_by_id(disputes["dispute_id"],
                                                   _text(disputes["platform"])).dropna())
        if orders is not None and len(orders) and "platform" in orders:
            self.by_order = _as_dict(first_by_id(orders["order_id"],
                                                 _text(orders["platform"])).dropna())

    def __call__(self, dispute_keys: pd.Series, order_keys: pd.Series) -> pd.Series:
        """Keys are :func:`~kakobuy_xl.keys.id_key` values."""
        bd, bo = self.by_dispute, self.by_order
        return pd.Series([bd.get(d) or bo.get(o) for d, o in
                          zip(dispute_keys.tolist(), order_keys.tolist())],
                         index=dispute_keys.index, dtype=object)


# ------------------------------------------------------------------ conversations


def _conversations(interactions: pd.DataFrame | None,
                   gap_hours: float) -> pd.DataFrame:
    """The messages that count, in per-customer time order, with for every inbound one
    the position of its waiting period's start and of that period's reply (-1 if none).

    Columns: ``key`` (customer), ``ts``, ``inbound``, ``start`` (bool: opens a waiting
    period), ``first`` (bool: opens a conversation), ``period`` (position of the period's
    start, -1 for outbound), ``reply`` (position of the reply, -1 when waiting), plus the
    original columns. Index: the original row labels.
    """
    frame = interactions if interactions is not None else _empty_interactions()
    direction = _lower(_col(frame, "direction"))
    status = _lower(_col(frame, "status"))
    ts = _times(_col(frame, "timestamp"))
    key = id_key(_col(frame, "customer_id"))
    # Drafts were never sent: they answer nobody.
    keep = (ts.notna() & key.notna() & direction.isin(["in", "out"]) &
            ~((direction == "out") & (status == "draft"))).to_numpy(bool)
    m = frame.loc[keep].copy()
    m["key"] = key[keep]
    m["ts"] = ts[keep]
    m["inbound"] = (direction[keep] == "in").to_numpy(bool)
    m["dkey"] = id_key(_col(m, "dispute_id"))
    m["okey"] = id_key(_col(m, "order_id"))
    m["_row"] = np.arange(len(m))
    # At the same minute the question comes before the answer; then the sheet's order.
    m = m.sort_values(["key", "ts", "inbound", "_row"], ascending=[True, True, False, True],
                      kind="mergesort")
    n = len(m)
    keys = m["key"].to_numpy(object)
    inbound = m["inbound"].to_numpy(bool)
    t = m["ts"].to_numpy("datetime64[ns]").astype(np.int64)
    pos = np.arange(n)
    same_prev = np.zeros(n, bool)
    if n > 1:
        same_prev[1:] = keys[1:] == keys[:-1]
    prev_in = np.zeros(n, bool)
    prev_in[1:] = inbound[:-1]
    prev_in &= same_prev
    start = inbound & ~prev_in
    gap = np.full(n, np.inf)
    gap[1:] = (t[1:] - t[:-1]) / _NS_PER_HOUR
    first = start & (~same_prev | (gap >= gap_hours))
    # Next outbound at or after each position: a running minimum from the end.
    out_pos = np.where(~inbound, pos, n)
    next_out = np.minimum.accumulate(out_pos[::-1])[::-1] if n else out_pos
    period = np.maximum.accumulate(np.where(start, pos, -1)) if n else pos
    period = np.where(inbound, period, -1)
    reply = np.full(n, -1)
    has = inbound & (next_out < n)
    cand = np.where(has, next_out, 0)
    ok = has & (keys[cand] == keys) if n else has
    reply[ok] = next_out[ok]
    m["start"], m["first"], m["period"], m["reply"] = start, first, period, reply
    return m.drop(columns="_row")


def reply_times(interactions: pd.DataFrame | None, calendar: BusinessCalendar,
                orders: pd.DataFrame | None = None, disputes: pd.DataFrame | None = None,
                *, now: dt.datetime | None = None,
                conversation_gap_hours: float = CONVERSATION_GAP_HOURS) -> pd.DataFrame:
    """One row per waiting period (see the module docstring for the rules).

    Columns: customer_id, asked_at, replied_at, kind ("first"/"next"), hours_calendar,
    hours_business (NaN while waiting), handler (the reply's), channel (the question's),
    platform, month (YYYY-MM of asked_at), answered, waiting_hours_business (opening hours
    from the question to ``now`` while unanswered, when ``now`` is given). Index: the Excel
    row of the message that opened the period.
    """
    return _reply_frame(_conversations(interactions, conversation_gap_hours), calendar,
                        _Platforms(orders, disputes), now)


def _reply_frame(m: pd.DataFrame, calendar: BusinessCalendar, platforms: _Platforms,
                 now: dt.datetime | None) -> pd.DataFrame:
    columns = ["customer_id", "asked_at", "replied_at", "kind", "hours_calendar",
               "hours_business", "handler", "channel", "platform", "month", "answered",
               "waiting_hours_business"]
    starts = m[m["start"].to_numpy(bool)]
    if not len(starts):
        return pd.DataFrame({c: pd.Series(dtype=float if c.startswith(("hours", "waiting"))
                                          else object) for c in columns})
    reply_pos = starts["reply"].to_numpy()
    answered = reply_pos >= 0
    rep = m.iloc[np.where(answered, reply_pos, 0)]
    asked = starts["ts"]
    replied = pd.Series(np.where(answered, rep["ts"].to_numpy("datetime64[ns]"),
                                 np.datetime64("NaT")), index=starts.index,
                        dtype="datetime64[ns]")
    handler = pd.Series(np.where(answered, _text(_col(rep, "handler")).to_numpy(object), None),
                        index=starts.index, dtype=object)
    platform = platforms(starts["dkey"], starts["okey"])
    # A question with no link of its own may be answered in a message that has one.
    rep_platform = platforms(rep["dkey"], rep["okey"]).to_numpy(object)
    platform = platform.where(platform.notna(), pd.Series(
        np.where(answered, rep_platform, None), index=starts.index, dtype=object))
    waiting = pd.Series(np.nan, index=starts.index)
    if now is not None and (~answered).any():
        w = starts.loc[~answered, "ts"]
        waiting.loc[~answered] = np.maximum(
            calendar.business_hours_between(w, pd.Series(pd.Timestamp(now), index=w.index))
            .to_numpy(float), 0.0)
    return pd.DataFrame({
        "customer_id": _col(starts, "customer_id"),
        "asked_at": asked,
        "replied_at": replied,
        "kind": np.where(starts["first"].to_numpy(bool), "first", "next"),
        "hours_calendar": calendar.calendar_hours_between(asked, replied),
        "hours_business": calendar.business_hours_between(asked, replied),
        "handler": handler,
        "channel": _text(_col(starts, "channel")),
        "platform": platform,
        "month": _month(asked),
        "answered": answered,
        "waiting_hours_business": waiting,
    }, index=starts.index, columns=columns)


# ------------------------------------------------------------------ disputes


def dispute_outcomes(disputes: pd.DataFrame | None, interactions: pd.DataFrame | None,
                     calendar: BusinessCalendar, orders: pd.DataFrame | None = None,
                     customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per dispute with what the dispute metrics count.

    ``disputes`` after :func:`kakobuy_xl.disputes.effective` (``grade`` is the effective
    one). Columns: customer_key, opened_at, handler, channel (the first linked message's,
    else the customer's), platform (the dispute's, else its order's), month (of Opened At),
    resolved, hours_calendar, hours_business (Opened At -> Resolved At), fcr (resolved
    with exactly one sent outbound message up to Resolved At; NaN when not resolved),
    csat (1-5, else NaN), escalated, won (escalated, resolved, in the seller's favour).
    """
    cols = ["customer_key", "opened_at", "handler", "channel", "platform", "month",
            "resolved", "hours_calendar", "hours_business", "outbound_before_resolved",
            "fcr", "csat", "escalated", "won"]
    if disputes is None or not len(disputes):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    d = disputes
    idx = d.index
    dkey = id_key(_col(d, "dispute_id"))
    opened = _times(_col(d, "opened_at"))
    resolved_at = _times(_col(d, "resolved_at"))
    resolved = is_closed(d).to_numpy(bool)
    both = resolved & opened.notna().to_numpy() & resolved_at.notna().to_numpy()
    hc = calendar.calendar_hours_between(opened, resolved_at).where(both)
    hb = calendar.business_hours_between(opened, resolved_at).where(both)
    # Resolved before it was opened is a typing slip: no duration rather than a negative.
    hc, hb = hc.where(hc >= 0), hb.where(hc >= 0)

    msgs = interactions if interactions is not None else _empty_interactions()
    mkey = id_key(_col(msgs, "dispute_id"))
    mts = _times(_col(msgs, "timestamp"))
    direction = _lower(_col(msgs, "direction"))
    mstatus = _lower(_col(msgs, "status"))
    linked = mkey.notna()
    # Channel of the first linked message: where the dispute was raised.
    first_channel = pd.Series(dtype=object)
    if linked.any():
        lm = pd.DataFrame({"k": mkey[linked], "t": mts[linked],
                           "c": _text(_col(msgs, "channel"))[linked]}).dropna(subset=["c"])
        lm = lm.sort_values(["k", "t"], kind="mergesort", na_position="last")
        first_channel = lm.groupby("k", sort=False)["c"].first()
    channel = lookup(dkey, first_channel)
    if customers is not None and len(customers) and "channel" in customers:
        by_cust = first_by_id(customers["customer_id"], _text(customers["channel"])).dropna()
        channel = channel.where(channel.notna(),
                                lookup(id_key(_col(d, "customer_id")), by_cust))

    # FCR: sent outbound messages linked to the dispute, up to its Resolved At.
    sent_out = linked & (direction == "out") & (mstatus != "draft")
    counts = np.zeros(len(d))
    if sent_out.any():
        res_of = first_by_id(_col(d, "dispute_id"), resolved_at)
        o = pd.DataFrame({"k": mkey[sent_out], "t": mts[sent_out]})
        limit = pd.to_datetime(lookup(o["k"], res_of), errors="coerce")
        limit = limit.astype("datetime64[ns]")
        before = (limit.isna() | (o["t"] <= limit)).to_numpy(bool)
        per = o.loc[before, "k"].value_counts()
        counts = lookup(dkey, per, 0).astype(float).to_numpy()
    # Exactly one reply: a dispute settled with no reply at all (auto-closed, decided by
    # the platform) was never contacted, so it is no first-contact resolution.
    fcr = np.where(resolved, (counts == 1).astype(float), np.nan)

    csat = pd.to_numeric(_col(d, "csat"), errors="coerce").astype(float)
    csat = csat.where(csat.between(1, 5))
    escalated = is_escalated(d).to_numpy(bool)
    resolution = _lower(_col(d, "resolution"))
    amount = pd.to_numeric(_col(d, "resolution_amount"), errors="coerce")
    favour = ((resolution == "none") | (amount == 0)).to_numpy(bool)
    platform = _text(_col(d, "platform"))
    no_key = pd.Series([None] * len(d), index=idx, dtype=object)
    platform = platform.where(platform.notna(), _Platforms(orders, None)(
        no_key, id_key(_col(d, "order_id"))))
    return pd.DataFrame({
        "customer_key": id_key(_col(d, "customer_id")),
        "opened_at": opened,
        "handler": _text(_col(d, "handler")),
        "channel": channel,
        "platform": platform,
        "month": _month(opened),
        "resolved": resolved,
        "hours_calendar": hc.astype(float),
        "hours_business": hb.astype(float),
        "outbound_before_resolved": counts,
        "fcr": fcr,
        "csat": csat,
        "escalated": escalated,
        "won": escalated & resolved & favour,
    }, index=idx, columns=cols)


# ------------------------------------------------------------------ complaints


def complaints(interactions: pd.DataFrame | None, disputes: pd.DataFrame | None,
               calendar: BusinessCalendar, orders: pd.DataFrame | None = None, *,
               outcomes: pd.DataFrame | None = None,
               conversation_gap_hours: float = CONVERSATION_GAP_HOURS) -> pd.DataFrame:
    """One row per complaint: every dispute with a Customer ID, and the complaint
    messages not linked to one (see the module docstring).

    Columns: customer_key, at, source ("dispute"/"message"), handler, channel, platform,
    month, repeat (another complaint of the same customer at most 30 days away).
    """
    if outcomes is None and disputes is not None and len(disputes):
        outcomes = dispute_outcomes(disputes, interactions, calendar, orders)
    return _complaints(_conversations(interactions, conversation_gap_hours), disputes,
                       outcomes, _Platforms(orders, disputes))


def _complaints(m: pd.DataFrame, disputes: pd.DataFrame | None,
                outcomes: pd.DataFrame | None, platforms: _Platforms) -> pd.DataFrame:
    from .nlp.analysis import COMPLAINT_INTENTS

    parts: list[pd.DataFrame] = []
    dims = ["handler", "channel", "platform", "month"]
    if outcomes is not None and len(outcomes):
        out = outcomes
        parts.append(pd.DataFrame({"customer_key": out["customer_key"],
                                   "at": out["opened_at"], "source": "dispute",
                                   **{c: out[c] for c in dims}}))
    if len(m) and ("intent" in m or "sentiment" in m):
        score = pd.to_numeric(_col(m, "sentiment"), errors="coerce")
        intent = _col(m, "intent")
        is_c = m["inbound"].to_numpy(bool) & (intent.isin(COMPLAINT_INTENTS) |
                                              (score <= -0.5)).to_numpy(bool)
        dkeys = set(id_key(disputes["dispute_id"]).dropna()) if disputes is not None and \
            len(disputes) else set()
        okeys = set(id_key(_col(disputes, "order_id")).dropna()) if disputes is not None \
            and len(disputes) else set()
        counted = (m["dkey"].isin(dkeys) | m["okey"].isin(okeys)).to_numpy(bool)
        c = m[is_c & ~counted]
        if len(c):
            # One problem, one complaint: per order when linked, else per waiting period.
            ck = c["okey"]
            problem = ck.where(ck.notna(), "period:" + c["period"].astype(str))
            c = c[~pd.DataFrame({"k": c["key"], "p": problem}).duplicated().to_numpy()]
            reply_at = c["reply"].to_numpy()
            rep_handler = _text(_col(m, "handler")).to_numpy(object)
            handler = np.where(reply_at >= 0, rep_handler[np.maximum(reply_at, 0)], None)
            own = _text(_col(c, "handler")).to_numpy(object)
            handler = np.where(pd.notna(own), own, handler)
            parts.append(pd.DataFrame({
                "customer_key": c["key"], "at": c["ts"], "source": "message",
                "handler": handler, "channel": _text(_col(c, "channel")),
                "platform": platforms(c["dkey"], c["okey"]),
                "month": _month(c["ts"])}, index=c.index))
    cols = ["customer_key", "at", "source", *dims, "repeat"]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    allc = pd.concat(parts, ignore_index=True)
    allc = allc[allc["customer_key"].notna()].reset_index(drop=True)
    allc["at"] = _times(allc["at"])
    order = allc.sort_values(["customer_key", "at"], kind="mergesort", na_position="last").index
    s = allc.loc[order]
    k = s["customer_key"].to_numpy(object)
    t = s["at"].to_numpy("datetime64[ns]")
    window = np.timedelta64(REPEAT_WINDOW_DAYS, "D")
    near_prev = np.zeros(len(s), bool)
    if len(s) > 1:
        gap = t[1:] - t[:-1]  # NaT compares False: an undated complaint is never "near"
        near_prev[1:] = (k[1:] == k[:-1]) & (gap <= window)
    near_next = np.zeros(len(s), bool)
    near_next[:-1] = near_prev[1:]
    allc["repeat"] = pd.Series(near_prev | near_next, index=order).reindex(allc.index)
    return allc[cols]


# ------------------------------------------------------------------ grouping


def _by(frame: pd.DataFrame, dim: str | None) -> Any:
    """A groupby on the dimension's label (missing ones as Unknown / Unassigned)."""
    if dim is None:
        return frame.groupby(pd.Series("All", index=frame.index, dtype=object))
    missing = UNASSIGNED if dim == "handler" else UNKNOWN
    return frame.groupby(_label(frame[dim], missing).rename(dim), sort=False)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    den = den.astype(float)
    return num.astype(float) / den.where(den > 0)


def _aggregate(replies: pd.DataFrame, inbound: pd.DataFrame, outcomes: pd.DataFrame,
               comp: pd.DataFrame, dim: str | None) -> pd.DataFrame:
    parts: list[pd.Series] = []
    if len(inbound):
        parts.append(_by(inbound, dim).size().rename("Messages in"))
    if len(replies):
        r = replies.assign(
            _first=(replies["kind"] == "first") & replies["answered"],
            _next=(replies["kind"] == "next") & replies["answered"],
            _wait=~replies["answered"].astype(bool),
            _fc=replies["hours_calendar"].where(replies["kind"] == "first"),
            _fb=replies["hours_business"].where(replies["kind"] == "first"),
            _nc=replies["hours_calendar"].where(replies["kind"] == "next"),
            _nb=replies["hours_business"].where(replies["kind"] == "next"))
        g = _by(r, dim)
        parts += [g["_first"].sum().rename("First replies"),
                  g["_fc"].median().rename("First reply median (h)"),
                  g["_fb"].median().rename("First reply median (business h)"),
                  g["_next"].sum().rename("Next replies"),
                  g["_nc"].median().rename("Next reply median (h)"),
                  g["_nb"].median().rename("Next reply median (business h)"),
                  g["_wait"].sum().rename("Waiting for reply"),
                  g["waiting_hours_business"].max().rename("Longest wait (business h)")]
    if len(outcomes):
        o = outcomes.assign(
            _rated_resolved=outcomes["csat"].notna() & outcomes["resolved"],
            _good=(outcomes["csat"] >= 4).astype(float).where(outcomes["csat"].notna()),
            _esc_resolved=outcomes["escalated"] & outcomes["resolved"])
        g = _by(o, dim)
        n = g.size()
        resolved = g["resolved"].sum()
        escalated = g["escalated"].sum()
        parts += [n.rename("Disputes"), resolved.rename("Resolved"),
                  _ratio(resolved, n).rename("Resolution rate"),
                  g["hours_calendar"].median().rename("Resolution median (h)"),
                  g["hours_business"].median().rename("Resolution median (business h)"),
                  g["fcr"].mean().rename("FCR"),
                  g["_good"].mean().rename("CSAT %"),
                  g["csat"].count().rename("CSAT responses"),
                  g["csat"].mean().rename("CSAT mean"),
                  _ratio(g["_rated_resolved"].sum(), resolved).rename("CSAT response rate"),
                  escalated.rename("Escalated"),
                  _ratio(escalated, n).rename("Escalation rate"),
                  _ratio(g["won"].sum(), g["_esc_resolved"].sum())
                  .rename("Escalation win rate")]
    if len(comp):
        g = _by(comp, dim)
        customers = g["customer_key"].nunique()
        repeaters = _by(comp[comp["repeat"].astype(bool)], dim)["customer_key"].nunique() \
            if comp["repeat"].astype(bool).any() else pd.Series(dtype=float)
        parts += [g.size().rename("Complaints"),
                  _ratio(repeaters.reindex(customers.index, fill_value=0), customers)
                  .rename("Repeat complaint rate")]
    header = GROUP_HEADERS[dim]
    out = pd.concat(parts, axis=1) if parts else pd.DataFrame()
    out = out.reindex(columns=list(METRIC_COLUMNS))
    for c in _COUNT_COLUMNS:
        out[c] = out[c].fillna(0).astype(int)
    for c in METRIC_COLUMNS:
        if c not in _COUNT_COLUMNS:
            out[c] = out[c].astype(float)
    labels = [str(v) for v in out.index]
    # Sorted labels, the catch-all group last: a stable order for tables and charts.
    rank = [(v in (UNKNOWN, UNASSIGNED), v) for v in labels]
    out.index = labels
    out = out.iloc[sorted(range(len(labels)), key=lambda i: rank[i])]
    out.index.name = header
    out = out.reset_index()
    if dim is None and not len(out):
        # The overall row is always there, even for an empty workbook.
        out = pd.DataFrame([{header: "All", **{c: 0 if c in _COUNT_COLUMNS else np.nan
                                                for c in METRIC_COLUMNS}}])
    return out


def _check_dims(dims: Iterable[str | None]) -> list[str | None]:
    out = list(dims)
    for dim in out:
        if dim is not None and dim not in DIMENSIONS:
            raise ConfigError(f"Metrics cannot be grouped by '{dim}' (use one of "
                              f"{', '.join(DIMENSIONS)}, or none for the overall row).")
    return out


def service_metrics_by(interactions: pd.DataFrame | None, disputes: pd.DataFrame | None,
                       orders: pd.DataFrame | None, calendar: BusinessCalendar,
                       now: dt.datetime, *, dims: Iterable[str | None] = (None, *DIMENSIONS),
                       customers: pd.DataFrame | None = None,
                       conversation_gap_hours: float = CONVERSATION_GAP_HOURS,
                       ) -> dict[str, pd.DataFrame]:
    """:func:`service_metrics` for several groupings at once (the facts are computed once).

    Keys: ``"all"`` for the overall row, else the dimension name.

    >>> sorted(service_metrics_by(None, None, None, BusinessCalendar(),
    ...                           dt.datetime(2025, 6, 30)))
    ['all', 'channel', 'handler', 'month', 'platform']
    """
    wanted = _check_dims(dims)
    m = _conversations(interactions, conversation_gap_hours)
    platforms = _Platforms(orders, disputes)
    replies = _reply_frame(m, calendar, platforms, now)
    inbound = m[m["inbound"].to_numpy(bool)]
    if len(inbound):
        # An inbound message belongs to its period's reply handler and question's platform.
        per_period = replies.reset_index(drop=True)
        start_rows = m["start"].to_numpy(bool)
        # Positions of starts in m map 1:1, in order, onto the rows of ``replies``.
        start_index = np.cumsum(start_rows) - 1
        which = start_index[inbound["period"].to_numpy()]
        inbound = pd.DataFrame({
            "handler": per_period["handler"].to_numpy(object)[which],
            "channel": _text(_col(inbound, "channel")).to_numpy(object),
            "platform": per_period["platform"].to_numpy(object)[which],
            "month": _month(inbound["ts"]).to_numpy(object)}, index=inbound.index)
    outcomes = dispute_outcomes(disputes, interactions, calendar, orders, customers)
    comp = _complaints(m, disputes, outcomes, platforms)
    return {("all" if dim is None else dim): _aggregate(replies, inbound, outcomes, comp, dim)
            for dim in wanted}


def service_metrics(interactions: pd.DataFrame | None, disputes: pd.DataFrame | None,
                    orders: pd.DataFrame | None, calendar: BusinessCalendar,
                    now: dt.datetime, *, by: str | None = None,
                    customers: pd.DataFrame | None = None,
                    conversation_gap_hours: float = CONVERSATION_GAP_HOURS) -> pd.DataFrame:
    """The service metrics (:data:`METRIC_COLUMNS`), one row per group of ``by``
    (``handler``, ``channel``, ``platform``, ``month``) or one overall row ("Scope" = All).

    ``disputes`` after :func:`kakobuy_xl.disputes.effective`; ``customers`` (optional)
    gives a dispute the customer's channel when no message is linked to it. ``now`` times
    the waits of unanswered messages.
    """
    return service_metrics_by(interactions, disputes, orders, calendar, now, dims=[by],
                              customers=customers,
                              conversation_gap_hours=conversation_gap_hours)[by or "all"]
