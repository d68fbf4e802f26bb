"""Escalation risk: how likely an open dispute is to become a platform case, and why.

Every dispute gets a row of features (:data:`FEATURES`), computed over whole columns:
the customer's mood on this dispute, their history before it was opened (no look into
the future), what is asked for, what is at stake and how much time is left. A logistic
model turns them into ``Escalation Risk`` (0-1); ``Risk Reasons`` names the features
that pushed the score up most.

The model is learned from the workbook's own closed disputes when there are enough of
them (:data:`MIN_TRAINING` with outcomes, at least :data:`MIN_CLASS` of each kind):
L2-regularised logistic regression on standardised features, fitted by Newton's method
(IRLS) with numpy; deterministic. Otherwise it uses the shipped default weights
(``data/risk/default_weights.csv``, each with the reason behind it). Either way the
score of a feature is ``weight * (value - center) / scale``, so reasons read the same.

The outcome a closed dispute taught us is :func:`kakobuy_xl.disputes.is_escalated`
(a Platform Case ID, Status ``escalated`` or grade G3). No grade, status or case column
is ever an input: a grade is decided from the same texts *and* the outcome (a case makes
a G2 or G4 dispute G3), so learning from it would teach that demands and threats lower
the risk. ``demand`` and ``public_threat`` are read from what the customer wrote before
the dispute's as-of time instead, with the grader's own wording rules.

>>> import pandas as pd
>>> d = pd.DataFrame({"dispute_id": ["D1"], "opened_at": [pd.Timestamp("2025-06-01")],
...                   "customer_id": ["C1"], "order_id": [None], "platform_case_id": ["77"],
...                   "status": ["open"], "type": ["damaged"], "grade": ["G3"],
...                   "resolution": [None], "resolved_at": [pd.NaT], "description": [None]})
>>> escalation_risk(d, None, None, pd.Timestamp("2025-06-02")).iloc[0].tolist()
[1.0, 'already a platform case']
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from . import disputes as _disputes
from .errors import ConfigError
from .frames import column as _col, filled as _filled, times as _times
from .keys import first_by_id, id_key, lookup, map_distinct, related

FEATURES: tuple[str, ...] = (
    "sentiment_latest", "sentiment_mean", "sentiment_trend", "prior_disputes",
    "prior_refunds", "negative_history", "demand", "type_prior", "order_value_log",
    "sla_used", "deadline_pressure", "public_threat",
)
#: Closed disputes with an outcome needed before the model is learned from the workbook.
MIN_TRAINING = 30
#: ... and at least this many of each outcome (escalated and not).
MIN_CLASS = 5
#: A message at or below this sentiment counts as negative.
NEGATIVE_SENTIMENT = -0.35
#: Resolutions that put money back in the customer's hands (prior refunds).
REFUND_RESOLUTIONS = frozenset({"full_refund", "refund_on_return", "partial_refund"})
#: A feature must add at least this much to the log-odds to be named as a reason.
REASON_FLOOR = 0.15
#: Customer messages this long before a dispute opened still count as "around it" when
#: none is linked to the dispute itself.
AROUND_DAYS = 3.0
RISK_COLUMNS = ["escalation_risk", "risk_reasons"]

_SENTIMENT = ("sentiment_latest", "sentiment_mean", "sentiment_trend")


def _data(name: str) -> str:
    return resources.files("kakobuy_xl").joinpath(f"data/risk/{name}").read_text(
        encoding="utf-8")


@lru_cache(maxsize=1)
def type_priors() -> dict[str, float]:
    """How often each dispute type tends to escalate (``data/risk/type_prior.csv``)."""
    return {r["dispute_type"]: float(r["prior"])
            for r in csv.DictReader(io.StringIO(_data("type_prior.csv")))}


# --- features -------------------------------------------------------------------------

#: Settled (Status resolved/closed or Resolved At typed): the shared definition.
is_closed = _disputes.is_closed
#: What a closed dispute taught us: it became a platform case (the shared definition:
#: Platform Case ID, Status escalated, or grade G3). Never an input.
escalation_outcome = _disputes.is_escalated


def already_escalated(disputes: pd.DataFrame) -> pd.Series:
    """A platform case exists now (Platform Case ID typed) or Status is escalated; unlike
    :data:`escalation_outcome` a G3 grade alone (a threatened claim) is not yet a case."""
    return (_filled(_col(disputes, "platform_case_id")) |
            (_col(disputes, "status") == "escalated")).astype(bool)


def _count_before(ev_keys: pd.Series, ev_times: pd.Series, q_keys: pd.Series,
                  q_times: pd.Series) -> np.ndarray:
    """For each query, how many events share its key and happened strictly before it.

    One sort of events and queries together: at equal times queries sort first, so an
    event at the very moment a dispute opened (the dispute itself) is not "before" it.
    """
    n = len(q_keys)
    ev = pd.DataFrame({"k": ev_keys.to_numpy(object), "t": ev_times.to_numpy(),
                       "w": 1, "q": -1})
    qs = pd.DataFrame({"k": q_keys.to_numpy(object), "t": q_times.to_numpy(),
                       "w": 0, "q": np.arange(n)})
    both = pd.concat([ev, qs], ignore_index=True)
    both = both[both["k"].notna() & both["t"].notna()]
    out = np.zeros(n, dtype=float)
    if both.empty:
        return out
    both = both.sort_values(["k", "t", "w"], kind="mergesort")
    cum = both.groupby("k", sort=False)["w"].cumsum().to_numpy()
    is_q = both["w"].to_numpy() == 0
    out[both["q"].to_numpy()[is_q]] = cum[is_q]
    return out


def _as_of(disputes: pd.DataFrame, now: pd.Timestamp) -> pd.Series:
    """The moment each dispute is judged at: now while open; Resolved At once closed
    (a closed dispute's features must describe it as it was, not today)."""
    opened = _times(disputes, "opened_at")
    resolved = _times(disputes, "resolved_at")
    closed = is_closed(disputes)
    at = pd.Series(now, index=disputes.index, dtype="datetime64[ns]")
    at = at.where(~(closed & resolved.notna()), resolved)
    return at.where(~(opened.notna() & (at < opened)), opened)


def _message_stats(disputes: pd.DataFrame, inbound: pd.DataFrame, as_of: pd.Series
                   ) -> pd.DataFrame:
    """Latest, mean, first sentiment and count of the customer's messages on each
    dispute up to its as-of time; customers' unlinked messages around the opening
    stand in for a dispute without linked ones."""
    n = len(disputes)
    pos = pd.Series(np.arange(n), index=id_key(disputes["dispute_id"]).to_numpy())
    pos = pos[~pos.index.duplicated()]
    pos = pos[pos.index.notna()]
    msgs = inbound[inbound["sentiment"].notna()]
    linked = msgs[msgs["_dkey"].notna()]
    rows = pd.DataFrame({"p": lookup(linked["_dkey"], pos).to_numpy(),
                         "t": linked["timestamp"].to_numpy(),
                         "s": linked["sentiment"].to_numpy(float)})
    rows = rows[rows["p"].notna()]
    rows["p"] = rows["p"].astype(int)
    limit = as_of.to_numpy()[rows["p"].to_numpy()]
    rows = rows[~(rows["t"].to_numpy() > limit)]  # NaT timestamps are kept

    have = np.zeros(n, dtype=bool)
    have[rows["p"].unique()] = True
    missing = ~have
    if missing.any():
        loose = msgs[msgs["_dkey"].isna() & msgs["_ckey"].notna()]
        wanted = pd.DataFrame({"p": np.arange(n)[missing],
                               "c": id_key(_col(disputes, "customer_id")).to_numpy(object)[missing],
                               "lo": (_times(disputes, "opened_at") -
                                      pd.Timedelta(days=AROUND_DAYS)).to_numpy()[missing],
                               "hi": as_of.to_numpy()[missing]})
        wanted = wanted[wanted["c"].notna()]
        if len(wanted) and len(loose):
            m = wanted.merge(pd.DataFrame({"c": loose["_ckey"].to_numpy(object),
                                           "t": loose["timestamp"].to_numpy(),
                                           "s": loose["sentiment"].to_numpy(float)}),
                             on="c", how="inner")
            m = m[(m["t"] >= m["lo"]) & (m["t"] <= m["hi"])]
            rows = pd.concat([rows, m[["p", "t", "s"]]], ignore_index=True)

    out = pd.DataFrame({"latest": np.nan, "mean": np.nan, "first": np.nan, "count": 0.0},
                       index=np.arange(n))
    if len(rows):
        rows = rows.sort_values(["p", "t"], kind="mergesort", na_position="first")
        g = rows.groupby("p", sort=True)["s"]
        out.loc[g.last().index, "latest"] = g.last().to_numpy()
        out.loc[g.first().index, "first"] = g.first().to_numpy()
        out.loc[g.mean().index, "mean"] = g.mean().to_numpy()
        out.loc[g.size().index, "count"] = g.size().to_numpy(float)
    return out


def _written_before(disputes: pd.DataFrame, inbound: pd.DataFrame, as_of: pd.Series,
                    cache: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """``demand`` and ``public_threat`` from what the customer had written by each
    dispute's as-of time: the description and their messages on the dispute (a message
    after Resolved At never changes what a closed dispute teaches).

    The grader's rules, not a copy of them: a demand is a message whose intent is in
    :data:`kakobuy_xl.disputes.DEMAND_INTENTS` or a type in ``DEMAND_TYPES``; a public
    threat is :func:`kakobuy_xl.disputes.signals`' ``public``. The texts are joined as
    the grader joins them, so with its ``cache`` an unchanged dispute is not scanned
    again (the scan is a large regex: about 0.1 ms per message).
    """
    keys = id_key(disputes["dispute_id"])
    limit_of = first_by_id(disputes["dispute_id"], as_of)
    mine = inbound[inbound["_dkey"].isin(set(limit_of.index))]
    limit = pd.to_datetime(lookup(mine["_dkey"], limit_of), errors="coerce")
    mine = mine[~(mine["timestamp"] > limit).to_numpy()]  # undated messages count

    asked = mine["intent"].isin(_disputes.DEMAND_INTENTS)
    asked_by = asked.groupby(mine["_dkey"]).any()
    demand = (lookup(keys, asked_by, False).astype(bool).to_numpy(bool)
              | _col(disputes, "type").isin(_disputes.DEMAND_TYPES).to_numpy(bool))

    said = mine[mine["message"].notna()]
    joined = said.groupby("_dkey")["message"].agg(lambda m: "\n".join(map(str, m)))
    extra = lookup(keys, joined)
    text = pd.Series([("\n".join(p for p in (a, b) if isinstance(p, str)) or None)
                      for a, b in zip(_col(disputes, "description").tolist(),
                                      extra.tolist())], index=disputes.index, dtype=object)
    if cache is not None:
        found = _disputes.cached_signals(text, cache)
        public = np.array(["public" in f for f in found], dtype=bool)
    else:
        public = map_distinct(text, lambda t: "public" in _disputes.signals(t),
                              False).to_numpy(bool)
    return demand, public


def _inbound(interactions: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["_dkey", "_ckey", "timestamp", "sentiment", "message", "intent"]
    if interactions is None or not len(interactions):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    inter = interactions[_col(interactions, "direction") != "out"]
    return pd.DataFrame({
        "_dkey": id_key(_col(inter, "dispute_id")),
        "_ckey": id_key(_col(inter, "customer_id")),
        "timestamp": _times(inter, "timestamp"),
        "sentiment": pd.to_numeric(_col(inter, "sentiment"), errors="coerce").astype(float),
        "message": _col(inter, "message"),
        "intent": _col(inter, "intent"),
    }, index=inter.index)


def order_values(disputes: pd.DataFrame, orders: pd.DataFrame | None) -> pd.DataFrame:
    """The linked order's value and currency for each dispute (NaN / None when none)."""
    keys = id_key(_col(disputes, "order_id"))
    if orders is None or not len(orders):
        return pd.DataFrame({"order_value": np.nan, "currency": None}, index=disputes.index)
    value = pd.to_numeric(related(keys, orders["order_id"], _col(orders, "order_value")),
                          errors="coerce").astype(float)
    cur = map_distinct(related(keys, orders["order_id"], _col(orders, "currency")),
                       lambda c: c.strip().upper() if isinstance(c, str) and c.strip()
                       else None)
    return pd.DataFrame({"order_value": value.to_numpy(), "currency": cur.to_numpy(object)},
                        index=disputes.index)


def risk_features(disputes: pd.DataFrame, interactions: pd.DataFrame | None,
                  orders: pd.DataFrame | None, now: dt.datetime | pd.Timestamp, *,
                  home_currency: str = "USD", cache: Any = None) -> pd.DataFrame:
    """The :data:`FEATURES` of every dispute, indexed like ``disputes``.

    ``disputes`` carries the effective ``type`` (:func:`kakobuy_xl.disputes.effective`)
    and, when computed, the SLA columns ``resolution_due`` and ``platform_deadline``;
    ``interactions`` the analysed ``sentiment`` and ``intent``. History counts only what
    happened before the dispute's Opened At; this dispute's own messages only up to its
    as-of time. Grade, Status and Platform Case ID are never read (they carry the
    outcome). NaN where a feature cannot be known (the model then uses its centre).
    Extra columns for reasons: ``order_value``, ``currency``, ``deadline_hours``.
    ``cache`` (a ResultCache): the one the grader uses, so texts are scanned once.
    """
    now_ts = pd.Timestamp(now).as_unit("ns")
    if now_ts.tzinfo is not None:
        raise ConfigError("now must be the shop's local time without a time zone "
                          f"(got {now_ts}); pass a naive datetime.")
    idx = disputes.index
    as_of = _as_of(disputes, now_ts)
    opened = _times(disputes, "opened_at")
    inbound = _inbound(interactions)
    stats = _message_stats(disputes, inbound, as_of)
    trend = (stats["latest"] - stats["first"]).where(stats["count"] >= 2, 0.0)
    trend = trend.where(stats["count"] > 0, np.nan)

    ckeys = id_key(_col(disputes, "customer_id"))
    prior = _count_before(ckeys, opened, ckeys, opened)
    res = _col(disputes, "resolution")
    refunded = res.isin(REFUND_RESOLUTIONS).to_numpy(bool)
    # A refund is known from the day it was given (Resolved At), else from the opening.
    given = _times(disputes, "resolved_at")
    given = given.where(given.notna(), opened)
    refunds = _count_before(ckeys[refunded], given[refunded], ckeys, opened)
    neg = inbound[inbound["sentiment"] <= NEGATIVE_SENTIMENT]
    negative = _count_before(neg["_ckey"], neg["timestamp"], ckeys, opened)

    dtype = _col(disputes, "type")
    priors = type_priors()
    type_prior = np.array([priors.get(t, priors.get("other", 0.1)) if isinstance(t, str)
                           else np.nan for t in dtype.tolist()], dtype=float)
    values = order_values(disputes, orders)
    cur = values["currency"]
    home = (home_currency or "").strip().upper()
    comparable = cur.isna() | (cur == home)  # no exchange rates in the core
    value_home = values["order_value"].where(comparable)
    value_log = np.log1p(value_home.clip(lower=0))

    hours_total = (_times(disputes, "resolution_due") - opened).dt.total_seconds() / 3600
    hours_used = (as_of - opened).dt.total_seconds() / 3600
    sla_used = (hours_used / hours_total.where(hours_total > 0)).clip(0, 3)
    deadline_h = (_times(disputes, "platform_deadline") - as_of).dt.total_seconds() / 3600
    pressure = np.exp(-deadline_h.clip(lower=0) / 48.0).fillna(0.0)
    demand, public = _written_before(disputes, inbound, as_of, cache)

    frame = pd.DataFrame({
        "sentiment_latest": stats["latest"].to_numpy(),
        "sentiment_mean": stats["mean"].to_numpy(),
        "sentiment_trend": trend.to_numpy(),
        "prior_disputes": prior,
        "prior_refunds": refunds,
        "negative_history": negative,
        "demand": demand.astype(float),
        "type_prior": type_prior,
        "order_value_log": value_log.to_numpy(float),
        "sla_used": sla_used.to_numpy(float),
        "deadline_pressure": pressure.to_numpy(float),
        "public_threat": public.astype(float),
        "order_value": values["order_value"].to_numpy(float),
        "currency": cur.where(cur.notna(), home or None).to_numpy(object),
        "deadline_hours": deadline_h.to_numpy(float),
    }, index=idx)
    return frame


# --- the model ------------------------------------------------------------------------

@dataclass(frozen=True)
class RiskModel:
    """A logistic model over :data:`FEATURES`: ``logit = intercept + sum(weight * z)``
    with ``z = (value - center) / scale``; a missing value counts as its centre."""

    name: str
    features: tuple[str, ...]
    center: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    intercept: float
    why: tuple[str, ...] = ()
    n: int = 0
    positives: int = 0
    brier: float | None = None
    cv_log_loss: float | None = None
    base_log_loss: float | None = None
    l2: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def learned(self) -> bool:
        return self.n > 0

    def standardised(self, features: pd.DataFrame) -> np.ndarray:
        x = features[list(self.features)].to_numpy(float)
        z = (x - self.center) / self.scale
        return np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0)

    def contributions(self, features: pd.DataFrame) -> np.ndarray:
        """Each feature's share of the log-odds, one row per dispute."""
        return self.standardised(features) * self.weights

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        """Probability of escalation for each row."""
        return _sigmoid(self.intercept + self.contributions(features).sum(axis=1))

    def weights_table(self) -> pd.DataFrame:
        """feature, weight, center, scale, why: what a face can print."""
        why = list(self.why) if self.why else [""] * len(self.features)
        return pd.DataFrame({"feature": list(self.features), "weight": self.weights.round(3),
                             "center": self.center.round(3), "scale": self.scale.round(3),
                             "why": why})

    def describe(self) -> str:
        """One paragraph: which model, on what data, how good."""
        if not self.learned:
            head = "default weights (data/risk/default_weights.csv)"
            if self.note:
                head += f"; {self.note}"
        else:
            head = (f"logistic regression learned from {self.n} closed disputes "
                    f"({self.positives} escalated), L2 {self.l2:g}; in-sample Brier "
                    f"{self.brier:.3f}; {self.extra.get('folds', 5)}-fold log-loss "
                    f"{self.cv_log_loss:.3f} vs {self.base_log_loss:.3f} for the base rate")
        top = np.argsort(-np.abs(self.weights), kind="stable")[:4]
        parts = ", ".join(f"{self.features[i]} {self.weights[i]:+.2f}" for i in top)
        return f"{head}. Strongest weights: {parts}."


def _sigmoid(x: np.ndarray | float) -> Any:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -35, 35)))


@lru_cache(maxsize=1)
def default_model() -> RiskModel:
    """The shipped model: transparent weights, each with its reason."""
    rows = list(csv.DictReader(io.StringIO(_data("default_weights.csv"))))
    by = {r["feature"]: r for r in rows}
    missing = [f for f in FEATURES if f not in by]
    if missing or "intercept" not in by:
        raise ConfigError(f"data/risk/default_weights.csv lacks {missing or ['intercept']}; "
                          "reinstall kakobuy-xl.")
    return RiskModel(
        "default weights", FEATURES,
        np.array([float(by[f]["center"]) for f in FEATURES]),
        np.array([float(by[f]["scale"]) for f in FEATURES]),
        np.array([float(by[f]["weight"]) for f in FEATURES]),
        float(by["intercept"]["weight"]),
        why=tuple(by[f]["why"] for f in FEATURES))


def _irls(z: np.ndarray, y: np.ndarray, l2: float, iterations: int = 100) -> np.ndarray:
    """Newton steps for L2-penalised logistic regression; the intercept is not penalised."""
    x = np.column_stack([np.ones(len(z)), z])
    beta = np.zeros(x.shape[1])
    penalty = np.eye(x.shape[1]) * l2
    penalty[0, 0] = 0.0
    for _ in range(iterations):
        p = _sigmoid(x @ beta)
        w = np.clip(p * (1 - p), 1e-9, None)
        grad = x.T @ (y - p) - penalty @ beta
        hess = x.T @ (x * w[:, None]) + penalty + np.eye(x.shape[1]) * 1e-9
        step = np.linalg.solve(hess, grad)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta


def _log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def fit_risk_model(features: pd.DataFrame, outcome: pd.Series | np.ndarray, *,
                   l2: float = 1.0, folds: int = 5) -> RiskModel:
    """Learn weights from closed disputes: ``features`` (:func:`risk_features` rows) and
    ``outcome`` (True = escalated). Features are standardised on these rows (a missing
    value counts as the mean); a constant feature keeps weight 0. Deterministic.

    Quality is measured twice: the in-sample Brier score, and the log-loss over
    ``folds`` held-out folds (row i in fold i mod ``folds``) next to the log-loss of
    always predicting the base rate.
    """
    y = np.asarray(outcome, dtype=float)
    x = features[list(FEATURES)].to_numpy(float)
    if len(y) != len(x) or len(y) == 0:
        raise ConfigError(f"fit_risk_model needs one outcome per dispute (got {len(x)} rows "
                          f"of features and {len(y)} outcomes).")
    if y.min() == y.max():
        raise ConfigError("fit_risk_model needs escalated and non-escalated disputes; "
                          f"all {len(y)} have the same outcome.")

    def standardise(rows: np.ndarray, ref: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                 np.ndarray]:
        with warnings.catch_warnings():  # an all-empty feature is fine: it stays at 0
            warnings.simplefilter("ignore", RuntimeWarning)
            center = np.nanmean(ref, axis=0)
            scale = np.nanstd(ref, axis=0)
        center = np.nan_to_num(center, nan=0.0)
        scale = np.where(np.isfinite(scale) & (scale > 1e-9), scale, 1.0)
        z = np.nan_to_num((rows - center) / scale, nan=0.0)
        return z, center, scale

    z, center, scale = standardise(x, x)
    beta = _irls(z, y, l2)
    p = _sigmoid(beta[0] + z @ beta[1:])
    brier = float(np.mean((p - y) ** 2))

    k = max(2, min(folds, len(y)))
    held = np.empty(len(y))
    base = np.empty(len(y))
    fold = np.arange(len(y)) % k
    for f in range(k):
        train, test = fold != f, fold == f
        rate = float(np.clip(y[train].mean(), 1e-3, 1 - 1e-3))
        base[test] = rate
        if y[train].min() == y[train].max():
            held[test] = rate
            continue
        zt, c, s = standardise(x[train], x[train])
        b = _irls(zt, y[train], l2)
        held[test] = _sigmoid(b[0] + np.nan_to_num((x[test] - c) / s, nan=0.0) @ b[1:])
    return RiskModel("learned logistic regression", FEATURES, center, scale, beta[1:],
                     float(beta[0]), n=len(y), positives=int(y.sum()), brier=brier,
                     cv_log_loss=_log_loss(y, held), base_log_loss=_log_loss(y, base),
                     l2=l2, extra={"folds": k, "mean_predicted": float(p.mean()),
                                   "observed_rate": float(y.mean())})


def choose_model(features: pd.DataFrame, disputes: pd.DataFrame, *,
                 min_training: int = MIN_TRAINING, min_class: int = MIN_CLASS,
                 l2: float = 1.0) -> RiskModel:
    """The learned model when the closed disputes allow it, else the default weights
    (with a note saying why)."""
    closed = is_closed(disputes).to_numpy(bool)
    y = escalation_outcome(disputes).to_numpy(bool)[closed]
    n, pos = int(closed.sum()), int(y.sum())
    if n >= min_training and min(pos, n - pos) >= min_class:
        return fit_risk_model(features[closed], y, l2=l2)
    base = default_model()
    note = (f"{n} closed disputes ({pos} escalated); learning needs {min_training} with at "
            f"least {min_class} of each outcome")
    return RiskModel(base.name, base.features, base.center, base.scale, base.weights,
                     base.intercept, why=base.why, note=note)


# --- reasons --------------------------------------------------------------------------

def _money(value: float, currency: Any) -> str:
    from .planner import whole_money

    return whole_money(value, currency if isinstance(currency, str) else None)


def _phrase(feature: str, row: dict[str, Any]) -> str:
    v = row[feature]
    if feature in _SENTIMENT:
        latest, trend = row["sentiment_latest"], row["sentiment_trend"]
        words = []
        if not math.isnan(latest) and latest < -0.1:
            words.append("negative")
        if not math.isnan(trend) and trend < -0.1:
            words.append("worsening")
        shown = latest if not math.isnan(latest) else row["sentiment_mean"]
        return f"{' and '.join(words) or 'unhappy'} sentiment ({shown:.2f})"
    if feature == "prior_disputes":
        return f"{int(v)} earlier dispute{'s' * (int(v) != 1)}"
    if feature == "prior_refunds":
        return f"{int(v)} earlier refund{'s' * (int(v) != 1)}"
    if feature == "negative_history":
        return f"{int(v)} earlier negative message{'s' * (int(v) != 1)}"
    if feature == "demand":
        return "refund or replacement demanded"
    if feature == "type_prior":
        return f"{row['type']} disputes often escalate"
    if feature == "order_value_log":
        return "order " + _money(row["order_value"], row["currency"])
    if feature == "sla_used":
        return f"{v:.0%} of the SLA used"
    if feature == "deadline_pressure":
        h = row["deadline_hours"]
        return "platform deadline passed" if h <= 0 else f"platform deadline in {h:.0f} h"
    if feature == "public_threat":
        return "bad review or public post threatened"
    return feature


def risk_reasons(features: pd.DataFrame, contributions: np.ndarray,
                 types: pd.Series | None = None, top: int = 3) -> list[str]:
    """The top ``top`` features that pushed each score up, in words. The three
    sentiment features count as one reason."""
    cols = list(FEATURES)
    sent = [cols.index(f) for f in _SENTIMENT]
    others = [i for i in range(len(cols)) if i not in sent]
    grouped = np.column_stack([contributions[:, sent].sum(axis=1), contributions[:, others]])
    names = ["sentiment_latest"] + [cols[i] for i in others]
    order = np.argsort(-grouped, axis=1, kind="stable")[:, :top]
    records = features.assign(type=(types if types is not None else None)).to_dict("records")
    out = []
    for r, picks, g in zip(records, order, grouped):
        words = [_phrase(names[j], r) for j in picks if g[j] >= REASON_FLOOR]
        out.append("; ".join(words) if words else "no strong risk signal")
    return out


# --- putting it together --------------------------------------------------------------

@dataclass
class RiskAssessment:
    """Scores (columns :data:`RISK_COLUMNS`), the features and the model used."""

    scores: pd.DataFrame
    features: pd.DataFrame
    model: RiskModel


def assess_risk(disputes: pd.DataFrame, interactions: pd.DataFrame | None,
                orders: pd.DataFrame | None, now: dt.datetime | pd.Timestamp, *,
                home_currency: str = "USD", model: RiskModel | None = None,
                min_training: int = MIN_TRAINING, cache: Any = None) -> RiskAssessment:
    """Features, model (learned or default, unless ``model`` is given) and scores.

    Open disputes get a score and reasons; one that is already a platform case gets
    1.0 ("already a platform case"); closed disputes get None in both columns.
    ``cache``: the grader's ResultCache (see :func:`risk_features`).
    """
    feats = risk_features(disputes, interactions, orders, now, home_currency=home_currency,
                          cache=cache)
    if model is None:
        model = choose_model(feats, disputes, min_training=min_training)
    return RiskAssessment(_scores(disputes, feats, model), feats, model)


def _scores(disputes: pd.DataFrame, feats: pd.DataFrame, model: RiskModel) -> pd.DataFrame:
    """Escalation Risk and Risk Reasons from features and a model."""
    closed = is_closed(disputes).to_numpy(bool)
    case = already_escalated(disputes).to_numpy(bool)
    score = np.round(model.predict(feats), 3)
    reasons = np.array(["" for _ in range(len(feats))], dtype=object)
    scored = ~closed & ~case
    if scored.any():
        contrib = model.contributions(feats[scored])
        reasons[scored] = risk_reasons(feats[scored], contrib,
                                       _col(disputes, "type")[scored])
    reasons[~closed & case] = np.where(
        _filled(_col(disputes, "platform_case_id")).to_numpy(bool)[~closed & case],
        "already a platform case", "status is escalated: already a platform case")
    score = np.where(~closed & case, 1.0, score)
    return pd.DataFrame({
        "escalation_risk": pd.Series([None if c else float(v) for c, v in zip(closed, score)],
                                     index=disputes.index, dtype=object),
        "risk_reasons": pd.Series([None if c else r for c, r in zip(closed, reasons)],
                                  index=disputes.index, dtype=object),
    }, index=disputes.index)


def escalation_risk(disputes: pd.DataFrame, interactions: pd.DataFrame | None,
                    orders: pd.DataFrame | None, now: dt.datetime | pd.Timestamp, *,
                    home_currency: str = "USD", model: RiskModel | None = None,
                    min_training: int = MIN_TRAINING, cache: Any = None) -> pd.DataFrame:
    """``Escalation Risk`` and ``Risk Reasons`` for every dispute (indexed like
    ``disputes``): see :func:`assess_risk`."""
    return assess_risk(disputes, interactions, orders, now, home_currency=home_currency,
                       model=model, min_training=min_training, cache=cache).scores


__all__ = ["FEATURES", "MIN_TRAINING", "RISK_COLUMNS", "RiskAssessment", "RiskModel",
           "already_escalated", "assess_risk", "choose_model", "default_model",
           "escalation_outcome", "escalation_risk", "fit_risk_model", "is_closed",
           "order_values", "risk_features", "risk_reasons", "type_priors"]


# --- worksheet function (=KB_RISK) -------------------------------------------------------
# A formula sees only its arguments: the dispute's own text, grade, amount and type.
# It scores them with the shipped default weights, as refresh does for a workbook too
# young to learn from; history, SLA time and platform clocks count as "typical". The
# description is read as the customer's one message (its sentiment and intent). A
# Grade typed in the formula is the user's own reading of that text, and with fixed
# weights nothing is learned from it: G2 counts as a demand, G4 as a public threat.

def _formula_risk(description: pd.Series, grade: pd.Series, amount: pd.Series,
                  dispute_type: pd.Series) -> pd.Series:
    from .nlp.analysis import FORMULA_COMPUTATIONS as analysis_formulas

    idx = description.index
    ids = pd.Series([f"row{i}" for i in range(len(idx))], index=idx, dtype=object)
    none = pd.Series([None] * len(idx), index=idx, dtype=object)
    given_grade = grade.map(lambda g: g.strip().upper() if isinstance(g, str) and g.strip()
                            else None)
    given_type = dispute_type.map(lambda t: t.strip().lower() if isinstance(t, str) and t.strip()
                                  else None)
    auto_type = analysis_formulas["KB_DISPUTE_TYPE"](description)
    # Any fixed instant: each row is a dispute opened "now" with its description as the
    # only message, so the clocks and history (unknown to a formula) stay at their centres.
    now = pd.Timestamp("2000-01-01")
    disputes = pd.DataFrame({
        "dispute_id": ids, "customer_id": none, "order_id": ids, "status": "open",
        "opened_at": now, "platform_case_id": none, "description": description,
        "type": given_type.where(given_type.notna(), auto_type),
        "resolution": none, "resolved_at": pd.NaT}, index=idx)
    interactions = pd.DataFrame({
        "interaction_id": ids, "dispute_id": ids, "customer_id": none, "direction": "in",
        "timestamp": now, "message": description,
        "sentiment": analysis_formulas["KB_SENTIMENT"](description),
        "intent": analysis_formulas["KB_INTENT"](description)}, index=idx)
    orders = pd.DataFrame({"order_id": ids, "order_value": pd.to_numeric(amount,
                                                                         errors="coerce"),
                           "currency": none}, index=idx)
    feats = risk_features(disputes, interactions, orders, now)
    feats["demand"] = np.maximum(feats["demand"], (given_grade == "G2").to_numpy(float))
    feats["public_threat"] = np.maximum(feats["public_threat"],
                                        (given_grade == "G4").to_numpy(float))
    out = _scores(disputes, feats, default_model())
    return out["escalation_risk"].astype(float)


FORMULA_COMPUTATIONS = {"KB_RISK": _formula_risk}
