"""Customer profiles: how much each customer talks to the shop, disputes and rates it."""

from __future__ import annotations

import pandas as pd

from .schema import CLOSED_DISPUTE_STATUSES


def _by_customer(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    if frame is None or not len(frame):
        return None
    f = frame[frame["customer_id"].notna()].copy()
    f["customer_key"] = f["customer_id"].str.strip().str.casefold()
    return f


def _lookup(keys: pd.Series, values: pd.Series, default: object = None) -> pd.Series:
    """``values[key]`` for each key (``default`` where missing); safe for empty and
    datetime values, which ``Series.map`` mishandles in pandas 3."""
    table = values.to_dict()
    return pd.Series([table.get(k, default) for k in keys.tolist()], index=keys.index,
                     dtype=object)


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
    key = customers["customer_id"].str.strip().str.casefold()
    out = pd.DataFrame(index=customers.index)
    inter = _by_customer(interactions)
    if inter is not None:
        out["interactions"] = _lookup(key, inter["customer_key"].value_counts(), 0).astype(float)
        last = inter.dropna(subset=["timestamp"]).groupby("customer_key")["timestamp"].max()
        out["last_contact"] = pd.to_datetime(_lookup(key, last))
        analysed = inter[inter["language"].notna()] if "language" in inter else inter.iloc[:0]
        if len(analysed):
            from .nlp.analysis import COMPLAINT_INTENTS, most_common

            own = analysed[analysed["direction"] != "out"]
            out["language_auto"] = _lookup(key, most_common(own["language"], own["customer_key"]))
            scores = pd.to_numeric(own["sentiment"], errors="coerce")
            out["avg_sentiment"] = _lookup(
                key, scores.groupby(own["customer_key"]).mean().round(3)).astype(float)
            complaint = own["intent"].isin(COMPLAINT_INTENTS) | (scores <= -0.5)
            out["complaints"] = _lookup(key, complaint.groupby(own["customer_key"]).sum(),
                                        0).astype(float)
    disp = _by_customer(disputes)
    if disp is not None:
        out["disputes"] = _lookup(key, disp["customer_key"].value_counts(), 0).astype(float)
        is_open = ~disp["status"].isin(CLOSED_DISPUTE_STATUSES)
        out["open_disputes"] = _lookup(key, disp.loc[is_open, "customer_key"].value_counts(),
                                       0).astype(float)
        csat = disp["csat"].where(disp["csat"].between(1, 5))
        out["csat_avg"] = _lookup(key, csat.groupby(disp["customer_key"]).mean().round(2)) \
            .astype(float)
    return out
