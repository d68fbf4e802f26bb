"""Customer profiles: how much each customer talks to the shop, disputes and rates it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .keys import id_key, lookup

from .disputes import is_closed, is_escalated


def _by_customer(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    if frame is None or not len(frame):
        return None
    f = frame.copy()
    f["customer_key"] = id_key(f["customer_id"])
    return f[f["customer_key"].notna()]


def customer_activity(customers: pd.DataFrame, interactions: pd.DataFrame | None,
                      disputes: pd.DataFrame | None) -> pd.DataFrame:
    """Interactions, Disputes, Open Disputes, Last Contact and CSAT Avg per customer;
    once messages are analysed also Language (auto), Avg Sentiment and Complaints.

    Customer IDs match whatever their case or surrounding spaces. CSAT Avg is the mean
    of the 1-5 ratings on the customer's disputes. Language (auto) is the language the
    customer writes in most; Avg Sentiment the mean over their own messages; a complaint
    is a message whose intent is a complaint (delay, damage, wrong or missing item,
    quality, refund, return) or whose sentiment is -0.5 or lower.
    """
    key = id_key(customers["customer_id"])
    out = pd.DataFrame(index=customers.index)
    inter = _by_customer(interactions)
    if inter is not None:
        out["interactions"] = lookup(key, inter["customer_key"].value_counts(), 0).astype(float)
        last = inter.dropna(subset=["timestamp"]).groupby("customer_key")["timestamp"].max()
        out["last_contact"] = pd.to_datetime(lookup(key, last))
        analysed = inter[inter["language"].notna()] if "language" in inter else inter.iloc[:0]
        if len(analysed):
            from .nlp.analysis import COMPLAINT_INTENTS, most_common

            own = analysed[analysed["direction"] != "out"]
            out["language_auto"] = lookup(key, most_common(own["language"], own["customer_key"]))
            scores = pd.to_numeric(own["sentiment"], errors="coerce")
            out["avg_sentiment"] = lookup(
                key, scores.groupby(own["customer_key"]).mean().round(3)).astype(float)
            complaint = own["intent"].isin(COMPLAINT_INTENTS) | (scores <= -0.5)
            out["complaints"] = lookup(key, complaint.groupby(own["customer_key"]).sum(),
                                        0).astype(float)
    disp = _by_customer(disputes)
    if disp is not None:
        out["disputes"] = lookup(key, disp["customer_key"].value_counts(), 0).astype(float)
        is_open = ~is_closed(disp)
        out["open_disputes"] = lookup(key, disp.loc[is_open, "customer_key"].value_counts(),
                                       0).astype(float)
        csat = disp["csat"].where(disp["csat"].between(1, 5))
        out["csat_avg"] = lookup(key, csat.groupby(disp["customer_key"]).mean().round(2)) \
            .astype(float)
    return out


# ------------------------------------------------------------------ profiles

#: How far back "recent" complaints count for the risk score.
RECENT_DAYS = 90
#: A change in mean sentiment smaller than this is "steady".
TREND_STEP = 0.2
#: How many of a customer's latest messages make the "recent" side of the trend.
TREND_LATEST = 3
#: Average sentiment at or below which a customer's messages count as negative.
NEGATIVE_AVG = -0.3
#: Average rating at or below which CSAT counts as low; at or above HAPPY_CSAT as happy.
LOW_CSAT = 2.5
HAPPY_CSAT = 4.5
#: Score from which a customer is high-risk; below LOW_RISK one may be high-satisfaction.
HIGH_RISK = 0.5
LOW_RISK = 0.2

# Each signal is read as the chance, on its own, that the customer walks away or
# escalates; they combine as independent chances (1 - product of the misses), so the
# score stays in [0, 1] and each reason's weight can be read on its own. The figures
# are judgement, written down so a seller can see and question them.
RISK_WEIGHTS = {
    "public": 0.45,        # threatened (or posted) a public review
    "case": 0.30,          # a dispute became a platform case, claim or chargeback
    "open": 0.20,          # per open dispute, at most two counted
    "complaints": 0.12,    # per complaint in the last 90 days beyond the first, at most 3
    "negative": 0.25,      # average sentiment of their messages at -0.3 or lower
    "worsening": 0.15,     # their latest messages are clearly more negative than before
    "low_csat": 0.30,      # average rating 2.5 or lower
    "dispute_risk": 0.50,  # times the highest Escalation Risk of their open disputes
}


def _trend(own: pd.DataFrame) -> pd.DataFrame:
    """Per customer: mean sentiment of the latest TREND_LATEST messages, of the ones
    before, and the difference (NaN with fewer than two scored messages)."""
    scored = own[["customer_key", "timestamp", "score"]].dropna(subset=["score"])
    scored = scored.sort_values(["customer_key", "timestamp"], kind="stable",
                                na_position="first")
    n = scored.groupby("customer_key")["score"].transform("size")
    from_end = scored.groupby("customer_key").cumcount(ascending=False)
    # With fewer than 2 * latest messages the recent half is the later half.
    latest = from_end < np.minimum(TREND_LATEST, n // 2)
    recent = scored[latest].groupby("customer_key")["score"].mean()
    earlier = scored[~latest].groupby("customer_key")["score"].mean()
    out = pd.DataFrame({"recent": recent, "earlier": earlier})
    out["delta"] = out["recent"] - out["earlier"]
    return out


def _trend_text(delta: float) -> str | None:
    if pd.isna(delta):
        return None
    word = "improving" if delta >= TREND_STEP else "worsening" if delta <= -TREND_STEP \
        else "steady"
    return f"{word} ({delta:+.2f})"


def customer_profiles(customers: pd.DataFrame, interactions: pd.DataFrame | None,
                      disputes: pd.DataFrame | None, now: dt.datetime) -> pd.DataFrame:
    """Sentiment Trend, Risk Score, Segment and its reasons (Risk Reasons) per customer.

    Reads what the activity step filled (Avg Sentiment, CSAT Avg, Open Disputes) and the
    analysed messages and graded disputes. The trend compares the mean sentiment of a
    customer's latest three messages with the ones before ("worsening (-0.45)"). The risk
    score combines the signals in :data:`RISK_WEIGHTS` as independent chances;
    ``high-risk`` from 0.5, ``high-satisfaction`` below 0.2 with CSAT Avg 4.5 or more (or
    no rating, positive messages and no open dispute), else ``neutral``.
    """
    key = id_key(customers["customer_id"])
    idx = customers.index
    signals: dict[str, pd.Series] = {}
    texts: dict[str, pd.Series] = {}

    def col(name: str) -> pd.Series:
        if name in customers:
            return pd.to_numeric(customers[name], errors="coerce")
        return pd.Series(np.nan, index=idx)

    avg_sent, csat, open_n = col("avg_sentiment"), col("csat_avg"), col("open_disputes")
    trend = pd.Series(np.nan, index=idx)
    recent_complaints = pd.Series(0.0, index=idx)
    since = pd.Timestamp(now) - pd.Timedelta(days=RECENT_DAYS)

    inter = _by_customer(interactions)
    if inter is not None and "sentiment" in inter:
        own = inter[inter["direction"] != "out"].assign(
            score=pd.to_numeric(inter["sentiment"], errors="coerce"))
        if own["score"].notna().any():
            t = _trend(own)
            trend = lookup(key, t["delta"]).astype(float)
            from .nlp.analysis import COMPLAINT_INTENTS

            complaint = own["intent"].isin(COMPLAINT_INTENTS) | (own["score"] <= -0.5)
            # A message about a dispute is that dispute's complaint, counted below.
            if "dispute_id" in own:
                complaint &= id_key(own["dispute_id"]).isna()
            recent = own[complaint & (own["timestamp"] >= since)]
            recent_complaints = lookup(key, recent["customer_key"].value_counts(), 0) \
                .astype(float)

    disp = _by_customer(disputes)
    public = case = pd.Series(False, index=idx)
    dispute_risk = pd.Series(np.nan, index=idx)
    if disp is not None:
        opened = pd.to_datetime(disp["opened_at"], errors="coerce")
        recent_complaints = recent_complaints + lookup(
            key, disp.loc[opened >= since, "customer_key"].value_counts(), 0).astype(float)
        grade = disp["grade"] if "grade" in disp else pd.Series(None, index=disp.index)
        closed = is_closed(disp)
        # An old, settled threat or case says little now: only open disputes and those
        # opened in the last RECENT_DAYS count, as complaints do.
        live = ~closed | (opened >= since)
        is_public = grade.eq("G4") & live
        is_case = is_escalated(disp) & live
        public = lookup(key, is_public.groupby(disp["customer_key"]).any(), False).astype(bool)
        case = lookup(key, is_case.groupby(disp["customer_key"]).any(), False).astype(bool)
        if "escalation_risk" in disp:
            r = pd.to_numeric(disp["escalation_risk"], errors="coerce")
            r = r.where(~closed)
            dispute_risk = lookup(key, r.groupby(disp["customer_key"]).max()).astype(float)

    w = RISK_WEIGHTS
    signals["public"] = public.astype(float) * w["public"]
    texts["public"] = pd.Series("threatened a public review", index=idx)
    signals["case"] = case.astype(float) * w["case"]
    texts["case"] = pd.Series("had a platform case or claim", index=idx)
    n_open = open_n.fillna(0).clip(upper=2)
    signals["open"] = 1 - (1 - w["open"]) ** n_open
    texts["open"] = n_open.map(lambda n: f"{int(n)} open dispute" + ("s" if n > 1 else ""))
    extra = (recent_complaints - 1).clip(lower=0, upper=3)
    signals["complaints"] = 1 - (1 - w["complaints"]) ** extra
    texts["complaints"] = recent_complaints.map(
        lambda n: f"{int(n)} complaints in {RECENT_DAYS} days")
    signals["negative"] = (avg_sent <= NEGATIVE_AVG).astype(float) * w["negative"]
    texts["negative"] = avg_sent.map(lambda v: f"negative messages (avg {v:+.2f})")
    signals["worsening"] = (trend <= -TREND_STEP).astype(float) * w["worsening"]
    texts["worsening"] = trend.map(lambda v: f"sentiment worsening ({v:+.2f})")
    signals["low_csat"] = (csat <= LOW_CSAT).astype(float) * w["low_csat"]
    texts["low_csat"] = csat.map(lambda v: f"low CSAT ({v:.1f})")
    signals["dispute_risk"] = dispute_risk.fillna(0) * w["dispute_risk"]
    texts["dispute_risk"] = dispute_risk.map(
        lambda v: f"open dispute at {v:.0%} escalation risk")

    parts = pd.DataFrame(signals)
    score = (1 - (1 - parts).prod(axis=1)).round(3)
    happy = (csat >= HAPPY_CSAT) | (csat.isna() & (avg_sent >= 0.3) & (open_n.fillna(0) == 0))
    segment = np.where(score >= HIGH_RISK, "high-risk",
                       np.where((score < LOW_RISK) & happy, "high-satisfaction", "neutral"))
    # Reasons: the strongest signals, strongest first; the happy ones for high-satisfaction.
    order = np.argsort(-parts.to_numpy(), axis=1, kind="stable")
    names = list(parts.columns)
    values = parts.to_numpy()
    words = [texts[n].tolist() for n in names]
    csat_l, sent_l = csat.tolist(), avg_sent.tolist()
    reasons: list[str | None] = []
    for i, row in enumerate(order):
        if segment[i] == "high-satisfaction":
            why = []
            if not pd.isna(csat_l[i]):
                why.append(f"CSAT {csat_l[i]:.1f}")
            if not pd.isna(sent_l[i]) and sent_l[i] >= 0.3:
                why.append(f"positive messages (avg {sent_l[i]:+.2f})")
            reasons.append("; ".join(why) or None)
            continue
        top = [words[j][i] for j in row[:3] if values[i, j] > 0]
        reasons.append("; ".join(top) or None)
    # A customer with no message and no dispute yet has no profile to show.
    known: set[str] = set()
    for frame in (inter, disp):
        if frame is not None:
            known.update(frame["customer_key"].tolist())
    has_data = key.isin(known) | avg_sent.notna() | csat.notna()
    return pd.DataFrame({
        "sentiment_trend": [_trend_text(v) for v in trend.tolist()],
        "risk_score": score.where(has_data),
        "segment": pd.Series(segment, index=idx, dtype=object).where(has_data, None),
        "risk_reasons": reasons,
    }, index=idx)
