"""Per-message service facts on the Interactions sheet."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .keys import id_key


def response_minutes(interactions: pd.DataFrame) -> pd.Series:
    """Minutes from each inbound message to the shop's next sent reply to that customer.

    Calendar minutes; empty while no reply has been sent. Drafts are not replies.

    >>> f = pd.DataFrame({"customer_id": ["C1", "C1", "C1"], "direction": ["in", "in", "out"],
    ...     "status": [None, None, "sent"], "timestamp": pd.to_datetime(
    ...     ["2025-01-01 10:00", "2025-01-01 10:30", "2025-01-01 11:00"])}, index=[2, 3, 4])
    >>> response_minutes(f).tolist()
    [60.0, 30.0, nan]
    """
    f = interactions[["customer_id", "direction", "status", "timestamp"]].copy()
    f["customer_key"] = id_key(f["customer_id"])
    f = f[f["customer_key"].notna() & f["timestamp"].notna()]
    f = f.sort_values(["customer_key", "timestamp"], kind="stable")
    is_reply = (f["direction"] == "out") & (f["status"] != "draft")
    reply_at = f["timestamp"].where(is_reply)
    # Next reply at or after each message, within the same customer.
    next_reply = reply_at.groupby(f["customer_key"]).bfill()
    minutes = (next_reply - f["timestamp"]).dt.total_seconds() / 60
    minutes = minutes.where(f["direction"] == "in").round(1)
    return minutes.reindex(interactions.index).astype(float).replace({np.inf: np.nan})
