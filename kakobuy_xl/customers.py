"""Customer profiles: how much each customer talks to the shop, disputes and rates it."""

from __future__ import annotations

import pandas as pd

from .keys import id_key, lookup

from .schema import CLOSED_DISPUTE_STATUSES


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
        is_open = ~disp["status"].isin(CLOSED_DISPUTE_STATUSES)
        out["open_disputes"] = lookup(key, disp.loc[is_open, "customer_key"].value_counts(),
                                       0).astype(float)
        csat = disp["csat"].where(disp["csat"].between(1, 5))
        out["csat_avg"] = lookup(key, csat.groupby(disp["customer_key"]).mean().round(2)) \
            .astype(float)
    return out
