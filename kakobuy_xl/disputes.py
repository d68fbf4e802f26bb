"""Disputes: grade from wording, case and amount; where each stands in its workflow.

Grades (ARCHITECTURE section 3): G1 minor complaint, G2 refund or replacement demand,
G3 escalation (platform case, claim, chargeback), G4 public risk (negative review or
social post threatened). The user's Grade and Type always win over the computed ones.

Workflows are data (``data/disputes/workflows.csv``, overridable by a ``Workflows``
sheet): per dispute type, ordered steps, each done when a condition holds; the current step names the next
action and the reply scenario.

The current step is the first one not done after the last one done (a dispute
resolved without evidence does not go back to collecting it). Conditions:

- ``responded``: First Response At is typed, or an outbound message is linked;
- ``tracking``: the order has a tracking number;
- ``evidence``: an Evidence row is linked (and its file is not known to be missing);
- ``offer``: a Resolution other than ``none`` is chosen, or a Resolution Amount typed;
- ``agreed``: Status is resolved or closed, or Resolved At is typed;
- ``followed_up``: an outbound message was sent after Resolved At;
- ``rated``: CSAT is typed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from .keys import id_key, lookup, related
from .frames import column as _column, filled as _filled
from .schema import CLOSED_DISPUTE_STATUSES, DISPUTE_TYPES, SHEETS, WORKFLOW_CONDITIONS

CONDITIONS = WORKFLOW_CONDITIONS
#: Intents of the customer's messages that amount to a refund or replacement demand.
DEMAND_INTENTS = frozenset({"refund_request", "return_request"})
#: Dispute types that are demands by nature.
DEMAND_TYPES = frozenset({"refund_not_processed"})
#: Order value (home currency) from which a dispute is at least G2.
HIGH_VALUE = 200.0


def _data(name: str) -> str:
    return resources.files("kakobuy_xl").joinpath(f"data/disputes/{name}").read_text(
        encoding="utf-8")


@lru_cache(maxsize=1)
def _signals() -> dict[str, re.Pattern[str]]:
    """One compiled pattern per signal (public, escalation), all languages joined:
    a customer may threaten in any language whatever the shop's."""
    parts: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(_data("grade_signals.csv"))):
        parts.setdefault(row["signal"], []).append(f"(?:{row['pattern']})")
    return {k: re.compile("|".join(v), re.IGNORECASE) for k, v in parts.items()}


def signals(text: Any) -> set[str]:
    """Which grade signals (``public``, ``escalation``) a text carries.

    >>> sorted(signals("Refund now or I open a PayPal claim and leave a 1-star review"))
    ['escalation', 'public']
    """
    if not isinstance(text, str) or not text:
        return set()
    return {name for name, pattern in _signals().items() if pattern.search(text)}


@lru_cache(maxsize=1)
def _signals_version() -> str:
    import hashlib

    return hashlib.sha256(_data("grade_signals.csv").encode()).hexdigest()[:12]


def cached_signals(texts: pd.Series, cache: Any) -> list[set[str]]:
    """:func:`signals` of every text; unchanged texts come from ``cache``."""
    if cache is None:
        return [signals(t) for t in texts.tolist()]
    from .nlp.cache import combine_keys, text_digests

    keys = combine_keys("grade-signals:" + _signals_version(), text_digests(texts)).tolist()
    wanted = [k for k in dict.fromkeys(keys) if k is not None]
    known = cache.get_many(wanted)
    fresh: dict[str, list[str]] = {}
    out = []
    for k, t in zip(keys, texts.tolist()):
        if k is None:
            out.append(set())
            continue
        if k not in known and k not in fresh:
            fresh[k] = sorted(signals(t))
        out.append(set(known.get(k, fresh.get(k, []))))
    cache.put_many(fresh)
    return out


def _user_else_auto(frame: pd.DataFrame, user: str, auto: str) -> pd.Series:
    typed = _filled(frame[user]) if user in frame else pd.Series(False, index=frame.index)
    fallback = frame[auto] if auto in frame else None
    base = frame[user] if user in frame else pd.Series(None, index=frame.index, dtype=object)
    return base.astype(object).where(typed, fallback)


def effective(disputes: pd.DataFrame) -> pd.DataFrame:
    """``disputes`` with ``type`` and ``grade`` as they count: the user's value where
    typed, else Type (auto) / Grade (auto)."""
    return disputes.assign(type=_user_else_auto(disputes, "type", "type_auto"),
                           grade=_user_else_auto(disputes, "grade", "grade_auto"))


def is_closed(disputes: pd.DataFrame) -> pd.Series:
    """Settled: Status resolved or closed, or a Resolved At typed (whatever the Status).
    The one definition reports, metrics, risk and profiles share.

    >>> is_closed(pd.DataFrame({"status": ["open", "closed", "open"],
    ...     "resolved_at": [None, None, pd.Timestamp("2025-01-02")]})).tolist()
    [False, True, True]
    """
    resolved = pd.to_datetime(_column(disputes, "resolved_at"), errors="coerce")
    return (_column(disputes, "status").isin(CLOSED_DISPUTE_STATUSES)
            | resolved.notna()).astype(bool)


def is_escalated(disputes: pd.DataFrame) -> pd.Series:
    """Became a platform case: a Platform Case ID typed, Status escalated, or the
    (effective) grade G3 (a case, claim or chargeback).

    >>> is_escalated(pd.DataFrame({"platform_case_id": [None, "PP-1", None],
    ...     "status": ["open", "open", "escalated"], "grade": ["G3", "G1", "G2"]})).tolist()
    [True, True, True]
    """
    grade = _column(disputes, "grade").map(lambda g: g.strip().upper()
                                           if isinstance(g, str) else None)
    return (_filled(_column(disputes, "platform_case_id"))
            | (_column(disputes, "status") == "escalated") | (grade == "G3")).astype(bool)


def grade_disputes(disputes: pd.DataFrame, texts: pd.Series, *,
                   message_intents: pd.Series | None = None,
                   order_values: pd.Series | None = None,
                   high_value: float = HIGH_VALUE, cache: Any = None) -> pd.DataFrame:
    """Grade (auto) and why, for every dispute.

    ``texts`` is the dispute's description with the customer's messages about it;
    ``message_intents`` holds, per dispute, the set of intents of those messages;
    ``order_values`` the linked order's value in the home currency (NaN when unknown
    or in another currency). Returns columns ``grade_auto`` and ``grade_reason``.
    ``cache`` (a ResultCache) keeps the signals of each text by content hash.
    """
    found = cached_signals(texts.reindex(disputes.index), cache)
    public = np.array(["public" in f for f in found], dtype=bool)
    escalation_words = np.array(["escalation" in f for f in found], dtype=bool)
    case = _filled(disputes["platform_case_id"]).to_numpy(bool)
    escalated = (disputes["status"] == "escalated").fillna(False).to_numpy(bool)
    dtype = _user_else_auto(disputes, "type", "type_auto")
    demand_type = dtype.isin(DEMAND_TYPES).to_numpy(bool)
    intents = (message_intents.reindex(disputes.index) if message_intents is not None
               else pd.Series([None] * len(disputes), index=disputes.index))
    demand_msg = np.array([bool(s) and bool(DEMAND_INTENTS & s) if isinstance(s, (set, frozenset))
                           else False for s in intents.tolist()], dtype=bool)
    resolution = disputes["resolution"].astype(object)
    demand_res = resolution.isin(["full_refund", "refund_on_return", "replacement", "reship"]) \
        .to_numpy(bool)
    values = (order_values.reindex(disputes.index) if order_values is not None
              else pd.Series(np.nan, index=disputes.index)).astype(float).to_numpy()
    high = np.nan_to_num(values, nan=0.0) >= high_value

    grade = np.select([public, case | escalated | escalation_words,
                       demand_type | demand_msg | demand_res | high],
                      ["G4", "G3", "G2"], default="G1")
    reasons = []
    for i in range(len(disputes)):
        why = []
        if public[i]:
            why.append("a bad review or public post is threatened")
        if case[i]:
            why.append("a platform case is open")
        if escalated[i]:
            why.append("status is escalated")
        if escalation_words[i]:
            why.append("a claim, chargeback or case is threatened")
        if demand_msg[i] or demand_type[i] or demand_res[i]:
            why.append("a refund or replacement is asked for")
        if high[i]:
            why.append(f"order value {values[i]:,.0f} is high")
        reasons.append("; ".join(why) if why else "a complaint without demands or threats")
    return pd.DataFrame({"grade_auto": grade, "grade_reason": reasons}, index=disputes.index)


@dataclass(frozen=True)
class WorkflowStep:
    """One step of a dispute type's workflow."""

    dispute_type: str
    step: int
    name: str
    done_when: str
    next_action: str
    scenario: str


def shipped_workflows() -> pd.DataFrame:
    """The shipped workflows (columns dispute_type, step, name, done_when, next_action,
    scenario): the Workflows sheet's default rows, read once with the contract."""
    sheet = SHEETS["Workflows"]
    return pd.DataFrame([{sheet.column(h).name: v for h, v in row.items()}
                         for row in sheet.defaults])


def workflow_table(override: pd.DataFrame | None = None) -> dict[str, list[WorkflowStep]]:
    """Steps per dispute type: the workbook's Workflows rows for a type replace the
    shipped steps of that type; other types keep the shipped ones."""
    shipped = shipped_workflows()
    frames = [shipped]
    if override is not None and len(override):
        o = override.dropna(subset=["dispute_type", "done_when"])
        shipped = shipped[~shipped["dispute_type"].isin(set(o["dispute_type"]))]
        frames = [shipped, o]
    table: dict[str, list[WorkflowStep]] = {}
    for frame in frames:
        for r in frame.itertuples(index=False):
            table.setdefault(str(r.dispute_type), []).append(WorkflowStep(
                str(r.dispute_type), int(r.step), str(r.name), str(r.done_when).strip(),
                "" if pd.isna(r.next_action) else str(r.next_action),
                "" if pd.isna(r.scenario) else str(r.scenario)))
    for steps in table.values():
        steps.sort(key=lambda s: s.step)
    return table


def check_workflows(frame: pd.DataFrame) -> list[str]:
    """Problems of a workflow table: unknown conditions, types or scenarios."""
    from .templates import scenarios

    known = set(scenarios())
    out = []
    for r in frame.itertuples(index=False):
        if r.dispute_type not in DISPUTE_TYPES:
            out.append(f"unknown dispute type '{r.dispute_type}' in step {r.step}")
        if str(r.done_when).strip() not in CONDITIONS:
            out.append(f"{r.dispute_type} step {r.step}: unknown condition '{r.done_when}' "
                       f"(use one of {', '.join(CONDITIONS)})")
        if isinstance(r.scenario, str) and r.scenario and r.scenario not in known:
            out.append(f"{r.dispute_type} step {r.step}: unknown scenario '{r.scenario}'")
    return out


def conditions(disputes: pd.DataFrame, interactions: pd.DataFrame | None,
               evidence: pd.DataFrame | None, orders: pd.DataFrame | None) -> pd.DataFrame:
    """Each workflow condition, true or false, for every dispute (one column each)."""
    keys = id_key(disputes["dispute_id"])
    idx = disputes.index
    out = pd.DataFrame(False, index=idx, columns=list(CONDITIONS))
    outbound_any = pd.Series(False, index=idx)
    followed = pd.Series(False, index=idx)
    if interactions is not None and len(interactions):
        out_msgs = interactions[(interactions["direction"] == "out") &
                                interactions["dispute_id"].notna()]
        out_keys = id_key(out_msgs["dispute_id"])
        outbound_any = pd.Series(keys.isin(set(out_keys.dropna())).to_numpy(), index=idx)
        last_out = out_msgs["timestamp"].groupby(out_keys).max()
        last = pd.to_datetime(lookup(keys, last_out), errors="coerce")
        resolved_at = pd.to_datetime(disputes["resolved_at"], errors="coerce")
        followed = pd.Series(((last > resolved_at) & resolved_at.notna()).to_numpy(), index=idx)
    out["responded"] = disputes["first_response_at"].notna().to_numpy() | outbound_any.to_numpy()
    if orders is not None and len(orders):
        out["tracking"] = related(id_key(disputes["order_id"]), orders["order_id"], _filled(orders["tracking_no"]),
                                  default=False).astype(bool).to_numpy()
    if evidence is not None and len(evidence):
        usable = evidence[evidence["dispute_id"].notna() & (evidence.get(
            "exists", pd.Series(None, index=evidence.index)) != "no")]
        out["evidence"] = keys.isin(set(id_key(usable["dispute_id"]).dropna())).to_numpy()
    res = disputes["resolution"].astype(object)
    out["offer"] = ((res.notna() & (res != "none")) |
                    disputes["resolution_amount"].notna()).to_numpy()
    out["agreed"] = (disputes["status"].isin(CLOSED_DISPUTE_STATUSES) |
                     disputes["resolved_at"].notna()).to_numpy()
    out["followed_up"] = followed.to_numpy()
    out["rated"] = disputes["csat"].notna().to_numpy()
    return out


_WAITING = {
    "waiting_customer": "Waiting for the customer; remind them if there is no answer in 2 days. ",
    "awaiting_carrier": "Waiting for the carrier; chase the carrier and keep the customer "
                        "informed. ",
    "escalated": "Platform case open: answer it with the evidence before the deadline. ",
}


def workflow_state(disputes: pd.DataFrame, conds: pd.DataFrame,
                   table: dict[str, list[WorkflowStep]]) -> pd.DataFrame:
    """Workflow Step ("2/5 confirm with evidence"), Next Action and the step's reply
    scenario, for every dispute. ``disputes['type']`` must be the effective type."""
    steps_out, actions, scenario_out = [], [], []
    fallback = table.get("other", [])
    cond_rows = conds.to_dict("index")
    for i, dtype, status in zip(disputes.index, disputes["type"].tolist(),
                                disputes["status"].tolist()):
        steps = table.get(dtype) if isinstance(dtype, str) else None
        steps = steps or fallback
        c = cond_rows[i]
        # A closed case is finished whatever steps were skipped; resolved ones still
        # get their follow-up and survey.
        # Facts only move forward: a step done later (an offer, an agreement) means the
        # earlier ones were passed, so the current step follows the last one done.
        done = [k for k, s in enumerate(steps) if c.get(s.done_when, False)]
        start = done[-1] + 1 if done else 0
        current = None if status == "closed" else next(
            (s for s in steps[start:] if not c.get(s.done_when, False)), None)
        if current is None:
            steps_out.append("done")
            actions.append("Nothing left to do.")
            scenario_out.append(None)
            continue
        pos = steps.index(current) + 1
        steps_out.append(f"{pos}/{len(steps)} {current.name}")
        prefix = _WAITING.get(status, "") if not c.get("agreed") else ""
        actions.append((prefix + current.next_action).strip())
        scenario_out.append(current.scenario or None)
    return pd.DataFrame({"workflow_step": steps_out, "next_action": actions,
                         "step_scenario": scenario_out}, index=disputes.index)
