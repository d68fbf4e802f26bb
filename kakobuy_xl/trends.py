"""Trends in disputes: what stands out, tested plainly, turned into suggestions.

:func:`findings` compares dispute **rates** (disputes of a kind per 100 orders, so a
carrier that ships more is not blamed for shipping more) in two ways:

- **over time**: the recent window (by default the last 30 days) against the window
  before it (by default the 90 days before), for the same segment: "delays to
  Southeast Asia with YunExpress doubled";
- **against the others**: one segment against all the others in the recent window:
  "SKU X draws 5 times the quality complaints of the other SKUs".

Segments: the dispute type; type x destination region and x country; carrier and
carrier x region (delivery disputes); SKU (quality disputes); platform; the total.
Carriers and SKUs are grouped regardless of case and surrounding spaces ("YunExpress",
"Yunexpress " and "YUNEXPRESS" are one carrier) and named by their most common spelling.
Regions are :func:`kakobuy_xl.reports.region`'s, as on the report sheets; orders with no
Destination Country (region "Unknown") are left out of the region and country segments.

The test, in plain words: if two groups of orders had the same dispute rate, each of
their disputes would land in the first group with a chance equal to that group's
share of the orders. With ``k1`` disputes over ``n1`` orders against ``k2`` over
``n2``, the p-value is the chance that ``k1`` or more of the ``k1 + k2`` disputes land
in the first group by luck alone (an exact binomial tail: the classic conditional
test for two rates). A small p means luck is a poor explanation.

Many segments are checked at once, so some would look odd by chance; the p-values
are corrected for the number of checks (Benjamini-Hochberg) before they are compared
with ``alpha``. A finding also needs at least ``min_count`` disputes in the recent
window and a rate at least ``min_ratio`` times the comparison: a significant but tiny
difference is not worth a seller's time. Coarse findings that only echo a finer one
(delays to Thailand up only because of one carrier's route there) are dropped: they
are retested without the finer finding's orders and kept only if they still stand out.

Each finding gets a suggestion from an editable table of rules
(``data/insight/suggestions.csv``: dimension, dispute kind, text with placeholders).
Deterministic; vectorised over whole columns.
"""

from __future__ import annotations

import csv
import io
import math
import string
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .errors import ConfigError, SheetValidationError
from .frames import column as _col, times as _times_of
from .keys import id_key, map_distinct, related
from .reports import region as region_of
from .schema import DISPUTE_TYPES

#: The columns of the findings frame, in order.
FINDING_COLUMNS: tuple[str, ...] = ("dimension", "segment", "metric", "recent", "baseline",
                                    "ratio", "count", "p_value", "finding", "suggestion")
#: Dispute kinds about getting the parcel there: compared by carrier and route.
DELIVERY_KINDS: tuple[str, ...] = ("delivery_delay", "not_received", "customs")
#: Dispute kinds about the item itself: compared by SKU.
QUALITY_KINDS: tuple[str, ...] = ("damaged", "wrong_item", "missing_parts", "quality_issue")
#: How a kind reads inside a metric ("delay disputes per 100 orders").
KIND_LABELS: dict[str, str] = {
    "delivery_delay": "delay", "not_received": "not-received", "customs": "customs",
    "damaged": "damaged-item", "wrong_item": "wrong-item", "missing_parts": "missing-parts",
    "quality_issue": "quality", "refund_not_processed": "refund-not-processed",
    "other": "other",
}
#: The placeholders a suggestion text may use.
PLACEHOLDERS: frozenset[str] = frozenset({"carrier", "region", "country", "countries", "sku",
                                          "product", "platform", "kind", "segment"})
DIMENSIONS: tuple[str, ...] = ("total", "type", "platform", "type x region", "carrier",
                               "type x country", "carrier x region", "sku")
_KINDS = tuple(k for k in DISPUTE_TYPES if k != "other")
_ALL = "_all"  # a constant column: keyless families group on it like the others


@dataclass(frozen=True)
class _Family:
    dimension: str
    keys: tuple[str, ...]
    kind_sets: tuple[tuple[str, ...] | None, ...]  # None: every dispute, typed or not
    ref: tuple[str, ...] | None  # compared with the others sharing these keys; None: not
    rank: int  # finer families rank higher; a coarse finding must survive the finer ones
    others: str  # how the comparison group reads: "other carriers"


_FAMILIES: tuple[_Family, ...] = (
    _Family("total", (_ALL,), (None,), None, 0, ""),
    _Family("type", (_ALL,), tuple((k,) for k in _KINDS), None, 1, ""),
    _Family("platform", ("platform",), (None,), (), 2, "other platforms"),
    _Family("type x region", ("region",), tuple((k,) for k in _KINDS), (), 2,
            "other regions"),
    _Family("carrier", ("carrier",), (DELIVERY_KINDS,), (), 2, "other carriers"),
    _Family("type x country", ("country",), tuple((k,) for k in _KINDS), (), 3,
            "other countries"),
    _Family("carrier x region", ("carrier", "region"), tuple((k,) for k in DELIVERY_KINDS),
            ("region",), 4, "other carriers to {region}"),
    _Family("sku", ("sku",), tuple((k,) for k in QUALITY_KINDS), (), 4, "other SKUs"),
)


# ------------------------------------------------------------------ the test


def _log_factorials(n_max: int) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, n_max + 1, dtype=float)))])


def _upper_tails(k1: np.ndarray, n1: np.ndarray, k2: np.ndarray,
                 n2: np.ndarray) -> np.ndarray:
    """P(X >= k1) for X ~ Binomial(k1 + k2, n1 / (n1 + n2)), for each row."""
    k1 = np.asarray(k1, dtype=np.int64)
    k2 = np.asarray(k2, dtype=np.int64)
    share = np.asarray(n1, dtype=float) / (np.asarray(n1, float) + np.asarray(n2, float))
    total = k1 + k2
    out = np.ones(len(k1))
    if not len(k1):
        return out
    logf = _log_factorials(int(total.max()))
    # One small vector per test: the candidates that reach the test are few (a few
    # hundred at most), each summing at most k1 + k2 terms, in log space for accuracy.
    for i in range(len(k1)):
        k, n, q = int(k1[i]), int(total[i]), float(share[i])
        if k <= 0:
            continue
        if q >= 1.0:
            continue  # the comparison has no exposure: nothing to test
        if q <= 0.0:
            out[i] = 0.0
            continue
        j = np.arange(k, n + 1)
        logpmf = logf[n] - logf[j] - logf[n - j] + j * math.log(q) + (n - j) * math.log1p(-q)
        top = logpmf.max()
        out[i] = min(1.0, math.exp(top) * float(np.exp(logpmf - top).sum()))
    return out


def rate_test(k1: int, n1: float, k2: int, n2: float) -> float:
    """One-sided p-value that ``k1`` events over ``n1`` (orders, days) is a higher rate
    than ``k2`` over ``n2`` only by chance.

    If both rates were equal, each of the ``k1 + k2`` events would fall in the first
    group with probability ``n1 / (n1 + n2)``; the p-value is the chance that ``k1`` or
    more of them do.

    >>> rate_test(5, 10, 0, 10)      # all 5 in one of two equal groups: 0.5 ** 5
    0.03125
    >>> round(rate_test(3, 1, 1, 1), 4)   # 3 or 4 of 4 fair coin flips: 5 / 16
    0.3125
    >>> round(rate_test(10, 100, 10, 300), 4)   # 10 of 20 when 1 in 4 is expected
    0.0139
    >>> rate_test(0, 10, 4, 10)
    1.0
    """
    if n1 <= 0 or n2 <= 0:
        raise ConfigError(f"rate_test needs positive exposures (got {n1} and {n2}): "
                          "a rate needs orders or days to be counted over.")
    if k1 < 0 or k2 < 0:
        raise ConfigError(f"rate_test needs event counts of 0 or more (got {k1} and {k2}).")
    return float(_upper_tails(np.array([k1]), np.array([n1]), np.array([k2]),
                              np.array([n2]))[0])


def bh_adjust(p_values: Any) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values: compare them with alpha to keep the share
    of false findings among all findings at most alpha.

    >>> bh_adjust([0.01, 0.04, 0.03, 0.5]).round(3).tolist()
    [0.04, 0.053, 0.053, 0.5]
    """
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    if not m:
        return p
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    scaled = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(scaled, 1.0)
    return out


# ------------------------------------------------------------------ suggestions


def _check_text(text: str, where: str) -> None:
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise ConfigError(f"{where}: the text {text!r} has a stray brace ({exc}). Write "
                          "placeholders as {carrier} and a literal brace as {{ or }}.") from None
    unknown = sorted(n for n in names if n not in PLACEHOLDERS)
    if unknown:
        raise ConfigError(f"{where}: the text uses the placeholder {{{unknown[0]}}}, which "
                          f"kakobuy does not fill (known: {', '.join(sorted(PLACEHOLDERS))}).")


def check_suggestions(table: pd.DataFrame, source: str = "the suggestions table") -> None:
    """Raise :class:`ConfigError` when a rules table lacks a column or a text uses an
    unknown placeholder or a stray brace."""
    missing = [c for c in ("dimension", "kind", "text") if c not in table.columns]
    if missing:
        raise ConfigError(f"{source} has no column '{missing[0]}' (found: "
                          f"{', '.join(map(str, table.columns)) or 'none'}). It needs "
                          "dimension, kind and text.")
    for i, text in enumerate(table["text"].tolist()):
        _check_text(str(text) if text is not None else "", f"{source}, row {i + 2}")


@lru_cache(maxsize=1)
def _shipped_rows() -> tuple[tuple[str, str, str], ...]:
    raw = resources.files("kakobuy_xl").joinpath("data/insight/suggestions.csv").read_text(
        encoding="utf-8")
    return tuple((r["dimension"], r["kind"], r["text"]) for r in csv.DictReader(io.StringIO(raw)))


def shipped_suggestions() -> pd.DataFrame:
    """The shipped suggestion rules: ``dimension, kind, text`` (``*`` matches any)."""
    return pd.DataFrame(list(_shipped_rows()), columns=["dimension", "kind", "text"])


def _rules(table: pd.DataFrame | None) -> dict[tuple[str, str], str]:
    if table is None:
        table = shipped_suggestions()
    else:
        check_suggestions(table)
    rules: dict[tuple[str, str], str] = {}
    for dim, kind, text in table[["dimension", "kind", "text"]].itertuples(index=False):
        key = (str(dim).strip() or "*", str(kind).strip() or "*")
        rules.setdefault(key, str(text))  # the first rule for a pair wins, as in the file
    return rules


class _Fill(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _suggest(rules: Mapping[tuple[str, str], str], dimension: str,
             kinds: tuple[str, ...] | None, values: dict[str, str]) -> str:
    kind = kinds[0] if kinds and len(kinds) == 1 else "*"
    for key in ((dimension, kind), (dimension, "*"), ("*", kind), ("*", "*")):
        if key in rules:
            return rules[key].format_map(_Fill(values))
    return ""


# ------------------------------------------------------------------ inputs


def _text(values: Any, index: pd.Index) -> pd.Series:
    """Stripped text; None where empty. Cleans each distinct value once: a column of
    100,000 orders holds a few dozen carriers."""
    codes, uniques = pd.factorize(pd.Series(values, index=index, dtype=object),
                                  use_na_sentinel=True)
    cleaned = [v.strip() if isinstance(v, str) else str(v) for v in uniques.tolist()]
    table = np.array([v if v else None for v in cleaned] + [None], dtype=object)
    return pd.Series(table[codes], index=index, dtype=object)  # code -1 takes the None


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return _text(frame[name].to_numpy(object), frame.index)
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _region(country: pd.Series) -> pd.Series:
    """The report sheets' region of each country; None (not "Unknown") where the country
    is empty, so that orders going nobody knows where form no region segment.

    >>> _region(pd.Series([" th", "XX", None, ""])).tolist()
    ['Southeast Asia', 'Other', None, None]
    """
    return map_distinct(country, _known_region)


def _known_region(country: Any) -> str | None:
    named = region_of(country)
    return None if named == "Unknown" else named


def _spelling(values: pd.Series) -> pd.Series:
    """Each value as the most common spelling of its stripped, case-folded form (ties:
    the one on the earliest Excel row), so that a carrier typed three ways is one
    segment and its name reads as people usually type it. None stays None.

    >>> _spelling(pd.Series(["YunExpress", "Yunexpress", "YUNEXPRESS ", "YunExpress", None,
    ...                      "EMS"])).tolist()
    ['YunExpress', 'YunExpress', 'YunExpress', 'YunExpress', None, 'EMS']
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if not len(uniques):
        return pd.Series([None] * len(values), index=values.index, dtype=object)
    used = codes >= 0
    # Rank rows by their Excel row (the index) so that a tie does not depend on how the
    # frame happens to be ordered; fall back to frame order for an unsortable index.
    try:
        rank = np.argsort(np.argsort(values.index.to_numpy(), kind="stable"), kind="stable")
    except TypeError:
        rank = np.arange(len(values))
    count = np.bincount(codes[used], minlength=len(uniques))
    first = np.full(len(uniques), len(values))
    np.minimum.at(first, codes[used], rank[used])
    spellings = [str(u).strip() for u in uniques.tolist()]
    table = pd.DataFrame({"spelling": spellings, "key": [v.casefold() for v in spellings],
                          "n": count, "first": first})
    best = (table.sort_values(["key", "n", "first"], ascending=[True, False, True])
            .drop_duplicates("key").set_index("key")["spelling"])
    named = np.array(best.reindex(table["key"]).tolist() + [None], dtype=object)
    return pd.Series(named[codes], index=values.index, dtype=object)


def _require(frame: pd.DataFrame, sheet: str, columns: dict[str, str]) -> None:
    missing = [header for name, header in columns.items() if name not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns[:12])) or "none"
        raise SheetValidationError(
            f"Sheet '{sheet}' has no column '{missing[0]}' (found: {found}). Add the column "
            "or run `kakobuy init --repair`.")


@dataclass(frozen=True)
class _Windows:
    recent_start: pd.Timestamp
    recent_end: pd.Timestamp
    baseline_start: pd.Timestamp
    recent_days: float
    baseline_days: float
    recent_text: str
    baseline_text: str


def _period(when: pd.Series, w: _Windows) -> np.ndarray:
    t = when.to_numpy("datetime64[ns]")
    rs, re_, bs = (np.datetime64(x.to_datetime64(), "ns") for x in
                   (w.recent_start, w.recent_end, w.baseline_start))
    recent = (t >= rs) & (t < re_)
    base = (t >= bs) & (t < rs)
    return np.where(recent, "recent", np.where(base, "baseline", ""))


def _prepare(disputes: pd.DataFrame, orders: pd.DataFrame | None,
             w: _Windows) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """One row per dispute and per order with the segment columns and the window."""
    ev = pd.DataFrame(index=disputes.index)
    kind = _column(disputes, "type").map(str.lower, na_action="ignore")
    ev["kind"] = kind.where(kind.isin(DISPUTE_TYPES), None)
    ev["period"] = _period(_times_of(disputes, "opened_at"), w)
    ev[_ALL] = ""
    products: dict[str, str] = {}
    have_orders = orders is not None and len(orders) > 0
    if have_orders:
        assert orders is not None
        _require(orders, "Orders", {"order_id": "Order ID"})
        o = pd.DataFrame(index=orders.index)
        o["platform"] = _column(orders, "platform")
        o["carrier"] = _spelling(_column(orders, "carrier"))
        o["country"] = _column(orders, "destination_country").str.upper()
        o["region"] = _region(o["country"])
        o["product"] = _column(orders, "product")
        o["sku"] = _spelling(_column(orders, "sku").combine_first(o["product"]))
        when = _times_of(orders, "ship_date").combine_first(_times_of(orders, "order_date"))
        o["period"] = _period(when, w)
        status = _column(orders, "status").str.lower()
        o[_ALL] = ""
        # The product most orders of a SKU carry names it in findings (ties: by name).
        named = o.dropna(subset=["sku", "product"])
        if len(named):
            top = (named.groupby(["sku", "product"]).size().reset_index(name="n")
                   .sort_values(["sku", "n", "product"], ascending=[True, False, True])
                   .drop_duplicates("sku"))
            products = dict(zip(top["sku"], top["product"]))
        # Each dispute takes its order's segment: the first order with a matching ID.
        pos = related(id_key(_col(disputes, "order_id")), orders["order_id"],
                      pd.Series(np.arange(len(orders)), index=orders.index))
        found = pos.notna().to_numpy()
        at = pos.fillna(0).astype(np.int64).to_numpy()
        for col in ("carrier", "country", "region", "sku", "product", "platform"):
            vals = o[col].to_numpy(object)[at]
            ev[col] = np.where(found, vals, None)
        # Cancelled orders never travelled: they are no exposure to delivery or quality.
        ex = o[status.fillna("") != "cancelled"]
    else:
        for col in ("carrier", "country", "region", "sku", "product", "platform"):
            ev[col] = None
        ex = pd.DataFrame(columns=["platform", "carrier", "country", "region", "product",
                                   "sku", "period", _ALL])
    own_platform = _column(disputes, "platform")
    ev["platform"] = own_platform.combine_first(ev["platform"].astype(object))
    return ev, ex, products


# ------------------------------------------------------------------ candidates


def _known(frame: pd.DataFrame, keys: tuple[str, ...]) -> pd.Series:
    return frame[list(keys)].notna().all(axis=1)


def _counts(frame: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    """Rows of ``frame`` per segment and window: columns ``recent`` and ``baseline``."""
    used = frame[frame["period"] != ""]
    if not len(used):
        return pd.DataFrame(columns=["recent", "baseline"], dtype=np.int64)
    table = (used.groupby([*keys, "period"], sort=True, observed=True).size()
             .unstack("period", fill_value=0))
    return table.reindex(columns=["recent", "baseline"], fill_value=0).astype(np.int64)


def _candidates(ev: pd.DataFrame, ex: pd.DataFrame, w: _Windows, by_days: bool,
                min_count: int) -> pd.DataFrame:
    """Every segment x comparison with at least ``min_count`` recent disputes."""
    parts: list[pd.DataFrame] = []
    for fam in _FAMILIES:
        if by_days and fam.keys != (_ALL,):
            continue
        keys = fam.keys
        e_all = ev[_known(ev, keys)]
        x = ex[_known(ex, keys)]
        if by_days:
            xc = pd.DataFrame({"recent": [w.recent_days], "baseline": [w.baseline_days]},
                              index=pd.Index([""], name=_ALL))
        else:
            xc = _counts(x, keys)
        for kinds in fam.kind_sets:
            e = e_all if kinds is None else e_all[e_all["kind"].isin(kinds)]
            ec = _counts(e, keys)
            if not len(ec) or not (ec["recent"] >= min_count).any():
                continue
            seg = ec.add_suffix("_k").join(xc.add_suffix("_n"), how="left").fillna(0)
            comparisons = [("time", seg["recent_k"], seg["recent_n"], seg["baseline_k"],
                            seg["baseline_n"])]
            if fam.ref is not None and not by_days:
                # The others: the same window, the rest of the reference group.
                if fam.ref:
                    ref_k = ec.groupby(level=list(fam.ref))["recent"].transform("sum")
                    ref_n = xc.groupby(level=list(fam.ref))["recent"].sum()
                    ref_n = pd.Series(seg.index.get_level_values(fam.ref[0]).map(ref_n),
                                      index=seg.index).fillna(0)
                else:
                    ref_k = pd.Series(ec["recent"].sum(), index=seg.index)
                    ref_n = pd.Series(xc["recent"].sum() if len(xc) else 0, index=seg.index)
                ref_k = ref_k.reindex(seg.index)
                comparisons.append(("others", seg["recent_k"], seg["recent_n"],
                                    ref_k - seg["recent_k"], ref_n - seg["recent_n"]))
            for comparison, k1, n1, k2, n2 in comparisons:
                ok = (k1 >= min_count) & (n1 > 0) & (n2 > 0)
                if not ok.any():
                    continue
                idx = seg.index[ok.to_numpy()]
                values = [tuple(v) if isinstance(v, tuple) else (v,) for v in idx.tolist()]
                parts.append(pd.DataFrame({
                    "dimension": fam.dimension, "rank": fam.rank,
                    "filters": [tuple(zip(keys, v)) for v in values],
                    "kinds": [kinds] * len(values), "comparison": comparison,
                    "k1": k1[ok].to_numpy(np.int64), "n1": n1[ok].to_numpy(float),
                    "k2": k2[ok].to_numpy(np.int64), "n2": n2[ok].to_numpy(float)}))
    if not parts:
        return pd.DataFrame(columns=["dimension", "rank", "filters", "kinds", "comparison",
                                     "k1", "n1", "k2", "n2"])
    return pd.concat(parts, ignore_index=True)


def _family(dimension: str) -> _Family:
    return next(f for f in _FAMILIES if f.dimension == dimension)


def _match(frame: pd.DataFrame, filters: tuple[tuple[str, str], ...]) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    for col, value in filters:
        mask &= (frame[col] == value).to_numpy(bool)
    return mask


def _measure(ev: pd.DataFrame, ex: pd.DataFrame, c: Any, w: _Windows, by_days: bool,
             keep_ev: np.ndarray, keep_ex: np.ndarray) -> tuple[int, float, int, float]:
    """``k1, n1, k2, n2`` of one candidate counted over the kept rows only."""
    fam = _family(c.dimension)
    kind = np.ones(len(ev), bool) if c.kinds is None else ev["kind"].isin(c.kinds).to_numpy()
    e_base = keep_ev & _known(ev, fam.keys).to_numpy() & kind
    x_base = keep_ex & _known(ex, fam.keys).to_numpy()
    rec_e = ev["period"].to_numpy() == "recent"
    rec_x = ex["period"].to_numpy() == "recent"
    seg_e = e_base & _match(ev, c.filters)
    seg_x = x_base & _match(ex, c.filters)
    if c.comparison == "time":
        k1, k2 = int((seg_e & rec_e).sum()), int((seg_e & (ev["period"] == "baseline")).sum())
        if by_days:
            return k1, w.recent_days, k2, w.baseline_days
        return (k1, float((seg_x & rec_x).sum()), k2,
                float((seg_x & (ex["period"] == "baseline").to_numpy()).sum()))
    ref = tuple((k, v) for k, v in c.filters if k in (fam.ref or ()))
    other_e = e_base & _match(ev, ref) & ~_match(ev, c.filters)
    other_x = x_base & _match(ex, ref) & ~_match(ex, c.filters)
    return (int((seg_e & rec_e).sum()), float((seg_x & rec_x).sum()),
            int((other_e & rec_e).sum()), float((other_x & rec_x).sum()))


def _ratio(k1: float, n1: float, k2: float, n2: float) -> float:
    if n1 <= 0 or n2 <= 0:
        return float("nan")
    base = k2 / n2
    return float("inf") if base == 0 else (k1 / n1) / base


def _prune(found: pd.DataFrame, ev: pd.DataFrame, ex: pd.DataFrame, w: _Windows,
           by_days: bool, min_count: int, min_ratio: float, bar: float) -> pd.DataFrame:
    """Drop coarse findings that do not stand out (raw p <= ``bar``) once finer
    findings are set aside."""
    kept: list[int] = []
    for rank in sorted(found["rank"].unique(), reverse=True):
        finer = found.loc[kept]
        for c in found[found["rank"] == rank].itertuples():
            keep_ev = np.ones(len(ev), bool)
            keep_ex = np.ones(len(ex), bool)
            for f in finer.itertuples():
                if c.kinds is not None and f.kinds is not None and \
                        not set(c.kinds) & set(f.kinds):
                    continue
                if f.filters and f.filters[0][0] == _ALL:
                    # A whole dispute type: set its disputes aside, the orders stay.
                    keep_ev &= ~ev["kind"].isin(f.kinds or ()).to_numpy()
                else:
                    keep_ev &= ~_match(ev, f.filters)
                    keep_ex &= ~_match(ex, f.filters)
            if len(finer) and not (keep_ev.all() and keep_ex.all()):
                k1, n1, k2, n2 = _measure(ev, ex, c, w, by_days, keep_ev, keep_ex)
                if k1 < min_count or n1 <= 0 or n2 <= 0 or \
                        not _ratio(k1, n1, k2, n2) >= min_ratio or \
                        rate_test(k1, n1, k2, n2) > bar:
                    continue
            kept.append(c.Index)
    return found.loc[sorted(kept)]


# ------------------------------------------------------------------ wording


def _country_name(code: str) -> str:
    from babel import Locale  # loaded only when a country finding is worded

    name = Locale("en").territories.get(code)
    return f"{name} ({code})" if name else code


def _fmt_p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _times(ratio: float) -> str:
    return "none before" if math.isinf(ratio) else f"{ratio:.1f} times as high"


def _describe(c: Any, ev: pd.DataFrame, w: _Windows, by_days: bool,
              products: Mapping[str, str], rules: Mapping[tuple[str, str], str]
              ) -> dict[str, Any]:
    fam = _family(c.dimension)
    f = dict(c.filters)
    carrier, region, country = f.get("carrier"), f.get("region"), f.get("country")
    sku = f.get("sku")
    product = products.get(sku, "") if sku else ""
    if country and not region:
        region = region_of(country)
    # The countries behind a route finding, most disputes first: "TH/VN".
    kind = np.ones(len(ev), bool) if c.kinds is None else ev["kind"].isin(c.kinds).to_numpy()
    seg = kind & _match(ev, c.filters) & (ev["period"] == "recent").to_numpy()
    counts = ev.loc[seg, "country"].dropna().value_counts()
    counts = counts.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
    countries = "/".join(counts.index[:3]) or (country or "")
    kind_label = "" if c.kinds is None else (
        "delivery" if tuple(c.kinds) == DELIVERY_KINDS else
        "/".join(KIND_LABELS.get(k, k) for k in c.kinds))
    per = "per 30 days" if by_days else "per 100 orders"
    metric = f"{kind_label + ' ' if kind_label else ''}disputes {per}"
    segment = {
        "total": "all disputes",
        "type": (c.kinds or ("all",))[0],
        "platform": f.get("platform", ""),
        "type x region": region or "",
        "carrier": carrier or "",
        "type x country": _country_name(country) if country else "",
        "carrier x region": f"{carrier} -> {region}",
        "sku": f"{sku} ({product})" if product and product != sku else str(sku),
    }[c.dimension]
    scale = 30.0 if by_days else 100.0
    recent = c.k1 / c.n1 * scale
    baseline = c.k2 / c.n2 * scale
    ratio = _ratio(c.k1, c.n1, c.k2, c.n2)

    def counted(k: int, n: float) -> str:
        return f"{k} disputes" if by_days else f"{k} disputes, {int(n)} orders"

    head = (f"{segment}: {recent:.1f} {metric} in {w.recent_text} "
            f"({counted(c.k1, c.n1)})")
    if c.comparison == "time":
        tail = f"up from {baseline:.1f} in {w.baseline_text} ({counted(c.k2, c.n2)})"
    else:
        others = fam.others.format(region=region or "")
        tail = f"against {baseline:.1f} for {others} ({counted(c.k2, c.n2)})"
    sentence = f"{head}, {tail}: {_times(ratio)}, {_fmt_p(c.p_value)}."
    values = {"carrier": carrier or "", "region": region or "", "country":
              _country_name(country) if country else "", "countries": countries,
              "sku": sku or "", "product": product or sku or "",
              "platform": f.get("platform", ""), "kind": kind_label or "all",
              "segment": segment}
    return {"dimension": c.dimension, "segment": segment, "metric": metric,
            "recent": float(recent), "baseline": float(baseline), "ratio": float(ratio),
            "count": int(c.k1), "p_value": float(c.p_value), "finding": sentence,
            "suggestion": _suggest(rules, c.dimension, c.kinds, values)}


def empty_findings() -> pd.DataFrame:
    """A findings frame with no rows and the contract's columns and types."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in FINDING_COLUMNS})
    for c in ("recent", "baseline", "ratio", "p_value"):
        frame[c] = frame[c].astype(float)
    frame["count"] = frame["count"].astype(np.int64)
    return frame


# ------------------------------------------------------------------ the entry point


def _windows(now: Any, recent_days: int, baseline_days: int, recent_start: Any,
             recent_end: Any) -> _Windows:
    if recent_days <= 0 or baseline_days <= 0:
        raise ConfigError(f"The trend windows must be at least one day long (got "
                          f"recent_days={recent_days}, baseline_days={baseline_days}).")
    try:
        end = pd.Timestamp(recent_end if recent_end is not None else now)
        start = (pd.Timestamp(recent_start) if recent_start is not None
                 else end - pd.Timedelta(days=recent_days))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"The trend window is not a date ({exc}). Give dates such as "
                          "2025-05-01.") from None
    if pd.isna(start) or pd.isna(end):
        raise ConfigError("The trend window needs a start and an end date (found an empty "
                          "one). Give dates such as 2025-05-01.")
    end, start = end.tz_localize(None) if end.tz else end, \
        start.tz_localize(None) if start.tz else start
    if start >= end:
        raise ConfigError(f"The trend window starts on {start:%Y-%m-%d %H:%M}, not before its "
                          f"end {end:%Y-%m-%d %H:%M}. Swap the two dates.")
    custom = recent_start is not None or recent_end is not None
    days = (end - start) / pd.Timedelta(days=1)
    last = (end - pd.Timedelta(microseconds=1))
    recent_text = (f"{start:%Y-%m-%d} to {last:%Y-%m-%d}" if custom
                   else f"the last {recent_days} days")
    return _Windows(start, end, start - pd.Timedelta(days=baseline_days), float(days),
                    float(baseline_days), recent_text, f"the {baseline_days} days before")


def findings(disputes: pd.DataFrame, orders: pd.DataFrame | None, now: Any, *,
             recent_days: int = 30, baseline_days: int = 90,
             recent_start: Any = None, recent_end: Any = None, min_count: int = 5,
             min_ratio: float = 1.5, alpha: float = 0.05,
             suggestions: pd.DataFrame | None = None) -> pd.DataFrame:
    """What stands out in the disputes, most important first, with a suggestion each.

    ``disputes`` is the typed Disputes frame after :func:`kakobuy_xl.disputes.effective`
    (reads ``type``, ``opened_at``, ``order_id``, ``platform``); ``orders`` the typed
    Orders frame (``order_id``, ``carrier``, ``destination_country``, ``product``,
    ``sku``, ``ship_date`` else ``order_date``, ``platform``, ``status``) or None.
    The recent window is ``[recent_start, recent_end)``, by default the ``recent_days``
    before ``now``; the baseline is the ``baseline_days`` before it. A dispute counts in
    the window it was opened in, an order in the window it shipped (else was ordered) in;
    cancelled orders do not count. Without orders, only the total and the types are
    compared, per 30 days.

    Returns :data:`FINDING_COLUMNS`: ``recent``/``baseline`` are the two rates compared,
    ``ratio`` their quotient (inf when the baseline had none), ``count`` the segment's
    disputes in the recent window, ``p_value`` the test's p corrected for the number of
    segments checked. Sorted by the disputes in excess of the comparison rate, then p,
    then dimension, segment and metric. ``suggestions`` replaces the shipped rules
    (a frame like :func:`shipped_suggestions`).

    >>> findings(pd.DataFrame({"type": [], "opened_at": []}), None, "2025-06-01").shape
    (0, 10)
    """
    if min_count < 1:
        raise ConfigError(f"min_count must be 1 or more (got {min_count}).")
    if not min_ratio > 0:
        raise ConfigError(f"min_ratio must be above 0 (got {min_ratio}).")
    if not 0 < alpha < 1:
        raise ConfigError(f"alpha must be between 0 and 1, e.g. 0.05 (got {alpha}).")
    w = _windows(now, recent_days, baseline_days, recent_start, recent_end)
    rules = _rules(suggestions)
    _require(disputes, "Disputes", {"type": "Type", "opened_at": "Opened At"})
    if not len(disputes):
        return empty_findings()
    ev, ex, products = _prepare(disputes, orders, w)
    by_days = not len(ex)
    cands = _candidates(ev, ex, w, by_days, min_count)
    if not len(cands):
        return empty_findings()
    raw = _upper_tails(cands["k1"].to_numpy(), cands["n1"].to_numpy(),
                       cands["k2"].to_numpy(), cands["n2"].to_numpy())
    cands["p_raw"] = raw
    cands["p_value"] = bh_adjust(raw)
    cands["ratio"] = [_ratio(*r) for r in cands[["k1", "n1", "k2", "n2"]].itertuples(
        index=False)]
    found = cands[(cands["p_value"] <= alpha) & (cands["ratio"] >= min_ratio)].copy()
    if not len(found):
        return empty_findings()
    # One row per segment: the comparison luck explains least (time first on a tie).
    found["_cmp"] = (found["comparison"] != "time").astype(int)
    found["_key"] = [repr((d, f, k)) for d, f, k in
                     zip(found["dimension"], found["filters"], found["kinds"])]
    found = (found.sort_values(["_key", "p_raw", "_cmp"], kind="stable")
             .drop_duplicates("_key"))
    # A retested finding must clear the same bar as the first time: the largest raw p
    # that the correction let through.
    bar = float(found["p_raw"].max())
    found = _prune(found, ev, ex, w, by_days, min_count, min_ratio, bar)
    # Importance: the disputes above what the comparison rate would have given.
    rows = [_describe(c, ev, w, by_days, products, rules) |
            {"_excess": c.k1 - c.n1 * c.k2 / c.n2} for c in found.itertuples()]
    out = pd.DataFrame(rows)
    out = out.sort_values(["_excess", "p_value", "dimension", "segment", "metric"],
                          ascending=[False, True, True, True, True], kind="stable")
    out = out[list(FINDING_COLUMNS)].reset_index(drop=True)
    out["count"] = out["count"].astype(np.int64)
    return out


__all__ = [
    "DELIVERY_KINDS",
    "DIMENSIONS",
    "FINDING_COLUMNS",
    "KIND_LABELS",
    "PLACEHOLDERS",
    "QUALITY_KINDS",
    "bh_adjust",
    "check_suggestions",
    "empty_findings",
    "findings",
    "rate_test",
    "shipped_suggestions",
]
