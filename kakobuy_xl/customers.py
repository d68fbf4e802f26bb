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


def customer_activity(customers: pd.DataFrame, interactions: pd.DataFrame | None,
                      disputes: pd.DataFrame | None) -> pd.DataFrame:
    """Interactions, Disputes, Open Disputes, Last Contact and CSAT Avg per customer.

    Customer IDs match whatever their case or surrounding spaces. CSAT Avg is the mean
    of the 1-5 ratings on the customer's disputes.
    """
    key = customers["customer_id"].str.strip().str.casefold()
    out = pd.DataFrame(index=customers.index)
    inter = _by_customer(interactions)
    if inter is not None:
        out["interactions"] = key.map(inter["customer_key"].value_counts()).fillna(0).astype(float)
        last = inter.dropna(subset=["timestamp"]).groupby("customer_key")["timestamp"].max()
        out["last_contact"] = key.map(last)
    disp = _by_customer(disputes)
    if disp is not None:
        out["disputes"] = key.map(disp["customer_key"].value_counts()).fillna(0).astype(float)
        is_open = ~disp["status"].isin(CLOSED_DISPUTE_STATUSES)
        out["open_disputes"] = key.map(disp.loc[is_open, "customer_key"].value_counts()) \
            .fillna(0).astype(float)
        csat = disp["csat"].where(disp["csat"].between(1, 5))
        out["csat_avg"] = key.map(csat.groupby(disp["customer_key"]).mean().round(2))
    return out
