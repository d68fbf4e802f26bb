"""Order tracking: days in transit, delay flags and open disputes per order."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .keys import id_key, lookup

from .schema import CLOSED_DISPUTE_STATUSES

# Orders in these states are no longer waiting for a delivery.
_FINISHED = ("delivered", "returned", "cancelled", "refunded")


def order_tracking(orders: pd.DataFrame, disputes: pd.DataFrame | None, now: dt.datetime,
                   grace_days: int) -> pd.DataFrame:
    """Days In Transit, Delay Flag and Open Disputes for each order.

    Days in transit run from Ship Date to Delivered Date, or to today while the parcel
    travels. An order is delayed when it arrived, or is still not there, more than
    ``grace_days`` after Expected Delivery.

    >>> o = pd.DataFrame({"order_id": ["A"], "ship_date": [pd.Timestamp("2025-01-01")],
    ...     "delivered_date": [pd.NaT], "expected_delivery": [pd.Timestamp("2025-01-05")],
    ...     "status": ["shipped"]}, index=[2])
    >>> order_tracking(o, None, dt.datetime(2025, 1, 10), 2).loc[2].tolist()
    [9.0, 'yes', 0.0]
    """
    today = pd.Timestamp(now).normalize()
    ship = orders["ship_date"].dt.normalize()
    delivered = orders["delivered_date"].dt.normalize()
    expected = orders["expected_delivery"].dt.normalize()
    status = orders["status"]
    finished = status.isin(_FINISHED) | delivered.notna()

    still_travelling = pd.Series(today, index=orders.index).where(~finished)
    end = delivered.where(delivered.notna(), still_travelling)
    days = (end - ship).dt.days.astype(float)
    days = days.where(days >= 0)

    grace = pd.Timedelta(days=grace_days)
    late_arrival = delivered.notna() & (delivered > expected + grace)
    overdue = ~finished & (today > expected + grace) & ~status.isin(("pending",))
    flag = pd.Series(np.where(late_arrival | overdue, "yes", "no"), index=orders.index,
                     dtype=object)
    flag = flag.where(expected.notna(), None)

    open_counts = pd.Series(0.0, index=orders.index)
    if disputes is not None and len(disputes):
        is_open = ~disputes["status"].isin(CLOSED_DISPUTE_STATUSES)
        per_order = id_key(disputes.loc[is_open, "order_id"]).dropna().value_counts()
        open_counts = lookup(id_key(orders["order_id"]), per_order, 0).astype(float)
    return pd.DataFrame({"days_in_transit": days, "delay_flag": flag,
                         "open_disputes": open_counts}, index=orders.index)
