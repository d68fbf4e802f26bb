"""The resolution planner: what each way of settling a dispute costs the seller, how
likely the dispute still escalates, and how satisfied the customer ends up.

Options (:data:`OPTIONS`, gentlest first) and the seller's direct cost, in the order's
currency (V order value, P product cost, S outbound shipping, f platform fee):

- ``apology_only``: 0 (an apology is free and opens every plan anyway);
- ``coupon``: coupon_use_rate x coupon_pct x V (only used coupons cost);
- ``discount``: discount_pct x V;  ``partial_refund``: partial_refund_pct x V;
- ``reship_copay``: P + S - copay_share x V x (1 - f) (the customer's share, less fees);
- ``reship``: P + S;
- ``refund_on_return``: V + return_shipping_multiple x S - resale_share x P;
- ``full_refund``: V (the customer keeps the goods; what was spent on them is gone in
  every option, so it is not counted again).

After an option the dispute still escalates with ``p = risk x (1 - satisfaction)``, and
an escalation costs ``V + case fee + handling cost``; so
``expected_cost = direct + p x loss``. Options that make no sense for the dispute's type
or grade are excluded with a reason (``data/planner/exclusions.csv``). The recommendation
is the lowest expected cost among allowed options satisfying at least the floor, a near
tie going to the gentler option; a dispute that is already a platform case gets a full
refund. Every assumption is data in ``data/planner/`` and explained in
``docs/risk-and-planner.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from .disputes import is_closed
from .errors import ConfigError
from .keys import id_key, map_distinct, related
from .frames import column as _col
from .risk import already_escalated
from .schema import CLOSED_DISPUTE_STATUSES, DISPUTE_TYPES, GRADES

#: Options, gentlest first (ties go to the earlier one), and the Resolution each means.
OPTIONS: tuple[str, ...] = ("apology_only", "coupon", "discount", "partial_refund",
                            "reship_copay", "reship", "refund_on_return", "full_refund")
#: How long a coupon offered to settle a dispute stays valid (the message says until when).
COUPON_VALID_DAYS = 90
RESOLUTION_OF = {"apology_only": "none", "coupon": "coupon", "discount": "discount",
                 "partial_refund": "partial_refund", "reship_copay": "reship_copay",
                 "reship": "reship", "refund_on_return": "refund_on_return",
                 "full_refund": "full_refund"}
#: The template scenario of the message that makes each offer (None: the dispute type's
#: first reply, an apology).
SCENARIO_OF = {"apology_only": None, "coupon": "coupon_offer", "discount": "partial_refund_offer",
               "partial_refund": "partial_refund_offer", "reship_copay": "reship_copay_offer",
               "reship": "free_reship_offer", "refund_on_return": "return_instructions",
               "full_refund": "refund_offer"}
_LABEL = {"apology_only": "Apology only", "coupon": "Coupon", "discount": "Discount",
          "partial_refund": "Partial refund", "reship_copay": "Reship with co-pay",
          "reship": "Free reship", "refund_on_return": "Refund on return",
          "full_refund": "Full refund"}
RECOMMENDATION_COLUMNS = ["recommended_resolution", "recommended_option", "resolution",
                          "amount", "currency", "expected_cost", "p_escalate",
                          "satisfaction", "rationale", "scenario"]
OPTION_COLUMNS = ["option", "resolution", "amount", "seller_cost", "p_escalate",
                  "expected_cost", "satisfaction", "csat", "allowed", "note",
                  "loss_if_escalated"]


def _data(name: str) -> str:
    return resources.files("kakobuy_xl").joinpath(f"data/planner/{name}").read_text(
        encoding="utf-8")


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_data(name))))


@dataclass(frozen=True)
class PlannerParams:
    """The planner's assumptions (defaults: ``data/planner/costs.csv``, each with its
    reasoning). Percentages as numbers (25 = 25%); shares as fractions."""

    copay_share: float = 0.3
    partial_refund_pct: float = 25.0
    discount_pct: float = 10.0
    coupon_pct: float = 15.0
    coupon_use_rate: float = 0.3
    return_shipping_multiple: float = 1.5
    resale_share: float = 0.5
    handling_cost: float = 10.0
    product_cost_ratio: float = 0.45
    shipping_cost_ratio: float = 0.15
    satisfaction_floor: float = 0.6
    demand_factor: float = 0.8
    tie_tolerance: float = 0.02
    return_days: float = 14.0

    def with_(self, **changes: float) -> "PlannerParams":
        """A copy with some assumptions changed (unknown names are a ConfigError)."""
        known = {f.name for f in fields(self)}
        bad = sorted(set(changes) - known)
        if bad:
            raise ConfigError(f"Unknown planner setting {', '.join(bad)} "
                              f"(known: {', '.join(sorted(known))}).")
        return replace(self, **{k: float(v) for k, v in changes.items()})


@lru_cache(maxsize=1)
def default_params() -> PlannerParams:
    """The shipped assumptions from ``data/planner/costs.csv``."""
    return PlannerParams().with_(**{r["name"]: float(r["value"]) for r in _rows("costs.csv")})


@lru_cache(maxsize=1)
def platform_fees() -> pd.DataFrame:
    """Fee % and case (chargeback) fee per platform, with sources."""
    frame = pd.DataFrame(_rows("platform_fees.csv"))
    frame["fee_pct"] = frame["fee_pct"].astype(float)
    frame["case_fee"] = frame["case_fee"].astype(float)
    return frame.set_index("platform")


@lru_cache(maxsize=1)
def satisfaction_table() -> pd.DataFrame:
    """Expected satisfaction (0-1) per dispute type (rows) and option (columns)."""
    rows = _rows("satisfaction.csv")
    base = {r["option"]: float(r["satisfaction"]) for r in rows if r["dispute_type"] == "*"}
    table = pd.DataFrame([[base[o] for o in OPTIONS]] * len(DISPUTE_TYPES),
                         index=list(DISPUTE_TYPES), columns=list(OPTIONS))
    for r in rows:
        if r["dispute_type"] != "*":
            table.loc[r["dispute_type"], r["option"]] = float(r["satisfaction"])
    return table


@lru_cache(maxsize=1)
def _exclusions() -> list[tuple[str, frozenset[str] | None, int | None, str]]:
    out = []
    for r in _rows("exclusions.csv"):
        types = None if r["dispute_types"].strip() == "*" else frozenset(
            r["dispute_types"].split())
        grade = GRADES.index(r["min_grade"]) if r["min_grade"].strip() else None
        out.append((r["option"], types, grade, r["why"]))
    return out


# --- money ----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _locale() -> Any:
    from babel import Locale

    return Locale.parse("en_001")  # international English: US$ and € stay distinct


@lru_cache(maxsize=4096)
def _format(value: float, currency: str | None, whole: bool) -> str:
    from babel.numbers import format_currency

    if currency:
        try:
            if whole:
                return format_currency(value, currency, locale=_locale(), format="¤#,##0",
                                       currency_digits=False)
            return format_currency(value, currency, locale=_locale())
        except (ValueError, KeyError):
            pass  # an unknown currency code: plain number and code
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    return f"{text} {currency}" if currency else text


def money(value: float, currency: str | None) -> str:
    """Money for the seller's eyes: ``US$12.50``, ``€8.00``, ``JP¥1,250``.

    >>> money(12.5, "USD"), money(8, "EUR"), money(3, None)
    ('US$12.50', '€8.00', '3.00')
    """
    return _format(round(float(value), 2), currency, False)


def whole_money(value: float, currency: str | None) -> str:
    """Money rounded to whole units: ``US$310``.

    >>> whole_money(310.4, "USD")
    'US$310'
    """
    return _format(float(round(float(value))), currency, True)


_whole = whole_money


# --- the option matrix ----------------------------------------------------------------

@dataclass
class _Matrix:
    """Every option for every dispute: arrays of shape (disputes, options)."""

    value: np.ndarray
    currency: np.ndarray
    amount: np.ndarray
    direct: np.ndarray
    p: np.ndarray
    expected: np.ndarray
    satisfaction: np.ndarray
    allowed: np.ndarray
    excluded_why: list[dict[int, str]]
    loss: np.ndarray
    estimated: np.ndarray
    risk: np.ndarray
    case: np.ndarray
    choice: np.ndarray
    fixed_known: np.ndarray


def _options(disputes: pd.DataFrame, orders: pd.DataFrame | None, risk: pd.Series,
             params: PlannerParams, home_currency: str) -> _Matrix:
    n, k = len(disputes), len(OPTIONS)
    keys = id_key(_col(disputes, "order_id"))

    def order_col(name: str) -> pd.Series:
        if orders is None or not len(orders) or name not in orders:
            return pd.Series([None] * n, index=disputes.index, dtype=object)
        return related(keys, orders["order_id"], orders[name])

    value = pd.to_numeric(order_col("order_value"), errors="coerce").astype(float).to_numpy()
    # Without an order the amount the customer disputes is the best stand-in.
    claimed = pd.to_numeric(_col(disputes, "resolution_amount"), errors="coerce") \
        .astype(float).to_numpy()
    value = np.where(np.isnan(value), claimed, value)
    cur = map_distinct(order_col("currency"), lambda c: c.strip().upper()
                       if isinstance(c, str) and c.strip() else None)
    currency = cur.where(cur.notna(), home_currency).to_numpy(object)
    product = pd.to_numeric(order_col("product_cost"), errors="coerce").astype(float).to_numpy()
    shipping = pd.to_numeric(order_col("shipping_cost"), errors="coerce").astype(float) \
        .to_numpy()
    estimated = np.isnan(product) | np.isnan(shipping)
    product = np.where(np.isnan(product), params.product_cost_ratio * value, product)
    shipping = np.where(np.isnan(shipping), params.shipping_cost_ratio * value, shipping)

    platform = _col(disputes, "platform")
    platform = platform.where(platform.notna(), order_col("platform"))
    fees = platform_fees()
    known = platform.where(platform.isin(fees.index), "Other").tolist()
    fee_pct = fees["fee_pct"].reindex(known).to_numpy(float) / 100
    case_fee = fees["case_fee"].reindex(known).to_numpy(float)
    fee_cur = fees["fee_currency"].reindex(known).to_numpy(object)
    # Fixed amounts count only in their own currency: the core has no exchange rates.
    fixed_known = (currency == fee_cur) & (currency == (home_currency or "").upper())
    case_fee = np.where(currency == fee_cur, case_fee, 0.0)
    handling = np.where(currency == (home_currency or "").upper(), params.handling_cost, 0.0)

    v, pc, sh = value, product, shipping
    amount = np.column_stack([
        np.zeros(n), params.coupon_pct / 100 * v, params.discount_pct / 100 * v,
        params.partial_refund_pct / 100 * v, params.copay_share * v, np.zeros(n), v, v])
    direct = np.column_stack([
        np.zeros(n), params.coupon_use_rate * params.coupon_pct / 100 * v,
        params.discount_pct / 100 * v, params.partial_refund_pct / 100 * v,
        pc + sh - params.copay_share * v * (1 - fee_pct), pc + sh,
        v + params.return_shipping_multiple * sh - params.resale_share * pc, v])

    dtype = _col(disputes, "type")
    dtype = dtype.where(dtype.isin(DISPUTE_TYPES), "other")
    grade = _col(disputes, "grade")
    grade_no = grade.map(lambda g: GRADES.index(g) if g in GRADES else 0).to_numpy(int)
    sat = np.array(satisfaction_table().loc[dtype.tolist()].to_numpy(float))  # writable
    # A smaller counter-offer to a clear demand satisfies less.
    demand = grade_no >= 1
    softer = [OPTIONS.index(o) for o in ("apology_only", "coupon", "discount",
                                         "partial_refund")]
    sat[np.ix_(demand, softer)] *= params.demand_factor

    allowed = np.ones((n, k), dtype=bool)
    why: list[dict[int, str]] = [{} for _ in range(n)]
    types = dtype.to_numpy(object)
    for option, on_types, min_grade, reason in _exclusions():
        j = OPTIONS.index(option)
        hit = np.ones(n, dtype=bool) if on_types is None else np.isin(types, list(on_types))
        if min_grade is not None:
            hit &= grade_no >= min_grade
        for i in np.flatnonzero(hit & allowed[:, j]):
            why[i][j] = reason
        allowed[:, j] &= ~hit

    r = pd.to_numeric(risk.reindex(disputes.index), errors="coerce").astype(float).to_numpy()
    case = already_escalated(disputes).to_numpy(bool)
    r = np.where(case, 1.0, np.nan_to_num(r, nan=0.0))
    p = r[:, None] * (1 - sat)
    loss = v + case_fee + handling
    expected = direct + p * loss[:, None]

    # Choose: the floor first (unless nothing passes it), then the cheapest; a near tie
    # goes to the gentler (earlier) option.
    ok = allowed & (sat >= params.satisfaction_floor)
    ok = np.where(ok.any(axis=1)[:, None], ok, allowed)
    masked = np.where(ok, expected, np.inf)
    best = masked.min(axis=1)
    tol = np.maximum(params.tie_tolerance * np.nan_to_num(v, nan=0.0), 0.01)
    near = masked <= (best + tol)[:, None]
    choice = np.argmax(near, axis=1)  # the first (gentlest) near-best option
    choice = np.where(case, OPTIONS.index("full_refund"), choice)
    no_value = np.isnan(v)
    choice = np.where(no_value | is_closed(disputes).to_numpy(bool), -1, choice)
    return _Matrix(value, currency, amount, direct, p, expected, sat, allowed, why, loss,
                   estimated, r, case, choice, fixed_known)


def _offer_text(option: str, amount: float, currency: str, params: PlannerParams) -> str:
    """The Recommended Resolution cell: ``partial_refund 25% (US$12.50)``."""
    if option == "apology_only":
        return "apology only (none)"
    if option == "reship":
        return "reship (free)"
    share = {"coupon": params.coupon_pct, "discount": params.discount_pct,
             "partial_refund": params.partial_refund_pct,
             "reship_copay": params.copay_share * 100}.get(option)
    pct = f" {share:g}%" if share is not None else ""
    what = "customer pays " if option == "reship_copay" else ""
    return f"{RESOLUTION_OF[option]}{pct} ({what}{money(amount, currency)})"


def _rationale(m: _Matrix, i: int, params: PlannerParams) -> str:
    j = int(m.choice[i])
    option, cur = OPTIONS[j], m.currency[i]
    if m.case[i]:
        return (f"Already a platform case: apologise and refund in full "
                f"({money(m.value[i], cur)}) to close it before the platform decides "
                f"against us, which would add the case fee and a mark on the account.")
    head = f"Apologise first, then {_offer_text(option, m.amount[i, j], cur, params)}"
    full = OPTIONS.index("full_refund")
    versus = "" if j == full else (f" vs full refund {_whole(m.expected[i, full], cur)}")
    return (f"{head}: expected cost {_whole(m.expected[i, j], cur)}{versus}; "
            f"{m.p[i, j]:.0%} chance of escalation.")


def _scenario(option: str, dispute_type: Any) -> str:
    from .templates import scenario_for_dispute

    return SCENARIO_OF.get(option) or scenario_for_dispute(dispute_type)


def recommend_resolutions(disputes: pd.DataFrame, orders: pd.DataFrame | None,
                          risk: pd.Series | None = None, *, home_currency: str = "USD",
                          params: PlannerParams | None = None) -> pd.DataFrame:
    """The recommended resolution of every open dispute (columns
    :data:`RECOMMENDATION_COLUMNS`, indexed like ``disputes``; None for closed disputes
    and for those without an order value or Resolution Amount to plan with).

    ``disputes`` carries the effective ``type`` and ``grade``; ``risk`` is Escalation
    Risk per dispute (:func:`kakobuy_xl.risk.escalation_risk`; missing counts as 0).
    ``recommended_resolution`` is the cell text (``partial_refund 25% (US$25.00)``),
    ``rationale`` a line for Next Action.
    """
    params = params or default_params()
    risk = risk if risk is not None else pd.Series(np.nan, index=disputes.index)
    m = _options(disputes, orders, risk, params, home_currency)
    out = pd.DataFrame({c: pd.Series([None] * len(disputes), index=disputes.index,
                                     dtype=object) for c in RECOMMENDATION_COLUMNS})
    types = _col(disputes, "type").tolist()
    cols: dict[str, list[Any]] = {c: [] for c in RECOMMENDATION_COLUMNS}
    for i in range(len(disputes)):
        j = int(m.choice[i])
        if j < 0:
            for c in cols:
                cols[c].append(None)
            continue
        option = OPTIONS[j]
        cols["recommended_resolution"].append(
            _offer_text(option, m.amount[i, j], m.currency[i], params))
        cols["recommended_option"].append(option)
        cols["resolution"].append(RESOLUTION_OF[option])
        cols["amount"].append(round(float(m.amount[i, j]), 2))
        cols["currency"].append(m.currency[i])
        cols["expected_cost"].append(round(float(m.expected[i, j]), 2))
        cols["p_escalate"].append(round(float(m.p[i, j]), 3))
        cols["satisfaction"].append(round(float(m.satisfaction[i, j]), 2))
        cols["rationale"].append(_rationale(m, i, params))
        cols["scenario"].append(_scenario(option, types[i]))
    for c, values in cols.items():
        out[c] = pd.Series(values, index=disputes.index, dtype=object)
    return out


# --- one dispute ----------------------------------------------------------------------

@dataclass
class Plan:
    """The options for one dispute and the one recommended (``kakobuy plan``)."""

    dispute_id: str
    options: pd.DataFrame
    recommended: str | None
    resolution: str | None
    amount: float | None
    currency: str | None
    cell_text: str | None
    rationale: str
    scenario: str | None
    language: str | None
    message: str | None
    missing: list[str]
    risk: float
    risk_reasons: str | None
    model: str

    def table(self) -> pd.DataFrame:
        """The options as a printable table (money rounded, risk and satisfaction as %)."""
        t = self.options.copy()
        for c in ("amount", "seller_cost", "expected_cost"):
            t[c] = t[c].round(2)
        t["p_escalate"] = (t["p_escalate"] * 100).round(1)
        t["satisfaction"] = t["satisfaction"].round(2)
        t["pick"] = np.where(t["option"] == self.recommended, "<-", "")
        return t.rename(columns={"p_escalate": "p_escalate_%"})


def _find(disputes: pd.DataFrame, dispute_id: str) -> Any:
    key = id_key(pd.Series([dispute_id])).iloc[0]
    keys = id_key(disputes["dispute_id"])
    hits = keys.index[keys == key] if key is not None else []
    if not len(hits):
        known = [str(x) for x in disputes["dispute_id"].dropna().tolist()[:5]]
        raise ConfigError(
            f"No dispute '{dispute_id}' on the Disputes sheet (Dispute ID column; "
            f"{len(disputes)} rows, e.g. {', '.join(known) or 'none'}). "
            "Check the ID, or run `kakobuy refresh` after adding the row.")
    return hits[0]


def plan_dispute(dispute_id: str, disputes: pd.DataFrame, orders: pd.DataFrame | None, *,
                 now: dt.datetime | pd.Timestamp, interactions: pd.DataFrame | None = None,
                 customers: pd.DataFrame | None = None, templates: pd.DataFrame | None = None,
                 home_currency: str = "USD", params: PlannerParams | None = None,
                 risk: pd.DataFrame | None = None, seller_name: str = "",
                 seller_language: str = "en", cache: Any = None) -> Plan:
    """Simulate one dispute: every option with cost, risk and satisfaction, the one
    recommended, and the message offering it in the customer's language.

    ``risk`` is :func:`kakobuy_xl.risk.escalation_risk`'s frame (computed here from the
    tables when omitted; ``cache`` is the grader's ResultCache, so texts already
    scanned for grades are not scanned again). A closed dispute is planned as if open
    (what should have been offered); an escalated one as the platform case it is.
    Raises ConfigError for an unknown Dispute ID.

    Example: ``plan = plan_dispute("D042", disputes, orders, now=now,
    customers=customers)``, then ``plan.table()``, ``plan.rationale``, ``plan.message``.
    """
    from .risk import assess_risk

    params = params or default_params()
    row = _find(disputes, dispute_id)
    model = "given"
    if risk is None:
        assessed = assess_risk(disputes, interactions, orders, now,
                               home_currency=home_currency, cache=cache)
        risk = assessed.scores
        model = assessed.model.describe()
        baseline = assessed.model.predict(assessed.features.loc[[row]])[0]
    else:
        baseline = risk.loc[row, "escalation_risk"]
    one = disputes.loc[[row]]
    r_value = risk.loc[row, "escalation_risk"]
    r = float(r_value) if r_value is not None and not pd.isna(r_value) else float(
        baseline if baseline is not None and not pd.isna(baseline) else 0.0)
    reasons = risk.loc[row, "risk_reasons"] if "risk_reasons" in risk else None
    # A closed dispute is planned as if still open, but only its closing is undone:
    # Status escalated and a Platform Case ID stay (a platform case gets what the
    # Recommended Resolution column says for it).
    one_open = one
    if is_closed(one).iloc[0]:
        status = _col(one, "status").where(~_col(one, "status").isin(CLOSED_DISPUTE_STATUSES),
                                           "open")
        one_open = one.assign(status=status, resolved_at=pd.NaT)
    m = _options(one_open, orders, pd.Series([r], index=one.index), params, home_currency)
    if np.isnan(m.value[0]):
        raise ConfigError(
            f"Dispute '{dispute_id}' has no order value to plan with: link an Order ID "
            "that has an Order Value on the Orders sheet, or type a Resolution Amount.")
    notes = []
    for j, option in enumerate(OPTIONS):
        if not m.allowed[0, j]:
            notes.append("excluded: " + m.excluded_why[0][j])
        elif m.satisfaction[0, j] < params.satisfaction_floor:
            notes.append("below the satisfaction floor")
        else:
            notes.append("")
    cur = m.currency[0]
    j_ret = OPTIONS.index("refund_on_return")
    ship_back = m.direct[0, j_ret] - m.value[0]  # return shipping minus what is resold
    if ship_back > 0 and m.allowed[0, j_ret]:
        notes[j_ret] = (notes[j_ret] + "; " if notes[j_ret] else "") + \
            "return shipping costs more than the goods recovered"
    if m.estimated[0]:
        est = (f"costs estimated: product {params.product_cost_ratio:.0%} and shipping "
               f"{params.shipping_cost_ratio:.0%} of the order value (Orders has none)")
        notes = [(n + "; " if n else "") + est if OPTIONS[j] in ("reship", "reship_copay",
                                                                 "refund_on_return") else n
                 for j, n in enumerate(notes)]
    if not m.fixed_known[0]:
        units = " / ".join(dict.fromkeys(["USD", (home_currency or "USD").upper()]))
        unpriced = (f"loss if escalated counts no case fee or handling cost: they are in "
                    f"{units}, the order in {cur} (no exchange rates)")
        notes = [(n + "; " if n else "") + unpriced if OPTIONS[j] == "full_refund" else n
                 for j, n in enumerate(notes)]
    options = pd.DataFrame({
        "option": list(OPTIONS), "resolution": [RESOLUTION_OF[o] for o in OPTIONS],
        "amount": m.amount[0], "seller_cost": m.direct[0], "p_escalate": m.p[0],
        "expected_cost": m.expected[0], "satisfaction": m.satisfaction[0],
        "csat": 1 + 4 * m.satisfaction[0], "allowed": m.allowed[0], "note": notes,
        "loss_if_escalated": m.loss[0]})
    j = int(m.choice[0])
    option = OPTIONS[j]
    scenario = _scenario(option, one["type"].iloc[0] if "type" in one else None)
    language, text, missing = _message(one, scenario, option, float(m.amount[0, j]), orders,
                                       customers, interactions, templates, now, params,
                                       seller_name, seller_language, home_currency)
    return Plan(str(one["dispute_id"].iloc[0]), options, option, RESOLUTION_OF[option],
                round(float(m.amount[0, j]), 2), cur,
                _offer_text(option, m.amount[0, j], cur, params), _rationale(m, 0, params),
                scenario, language, text, missing, round(r, 3),
                reasons if isinstance(reasons, str) else None, model)


def _message(one: pd.DataFrame, scenario: str, option: str, amount: float,
             orders: pd.DataFrame | None, customers: pd.DataFrame | None,
             interactions: pd.DataFrame | None, templates: pd.DataFrame | None,
             now: dt.datetime | pd.Timestamp, params: PlannerParams, seller_name: str,
             seller_language: str, home_currency: str
             ) -> tuple[str | None, str | None, list[str]]:
    """The offer rendered in the customer's language (as replies.dispute_replies does)."""
    from .replies import customer_languages
    from .templates import (TemplateIndex, choose_language, library_with_shipped, render,
                            reply_values)

    # The workbook's own templates win; shipped ones fill the scenarios it lacks (a
    # Templates sheet from before coupon_offer shipped still gets a coupon message).
    index = TemplateIndex(library_with_shipped(templates))
    c_key = id_key(_col(one, "customer_id")).iloc[0]
    d_key = id_key(one["dispute_id"]).iloc[0]
    o_key = id_key(_col(one, "order_id")).iloc[0]
    customer = None
    if customers is not None and len(customers) and c_key is not None:
        hit = customers[id_key(customers["customer_id"]) == c_key]
        customer = hit.iloc[0].to_dict() if len(hit) else None
    order = None
    if orders is not None and len(orders) and o_key is not None:
        hit = orders[id_key(orders["order_id"]) == o_key]
        order = hit.iloc[0].to_dict() if len(hit) else None
    written = None
    if interactions is not None and len(interactions) and "language" in interactions:
        inb = interactions[(interactions["direction"] != "out") &
                           (id_key(_col(interactions, "dispute_id")) == d_key)]
        langs = [x for x in inb.sort_values("timestamp")["language"].tolist()
                 if isinstance(x, str) and x not in ("", "und")]
        written = langs[-1] if langs else None
    preferred = customer_languages(customers).get(c_key) if c_key is not None else None
    language, _why = choose_language(index.languages(scenario), preferred, written,
                                     seller_language)
    if language is None:
        return None, None, []
    picked = index.pick(scenario, language)
    assert picked is not None
    body = index.row(picked[0])["body"]
    extra: dict[str, Any] = {}
    if amount > 0:
        extra["amount"] = round(amount, 2)
    if option == "coupon":
        from .proactive import coupon_code

        extra["discount"] = params.coupon_pct
        # The same dispute always gets the same code; the seller creates it in the shop.
        extra["coupon"] = coupon_code(params.coupon_pct, c_key or "", d_key or "",
                                      prefix="SORRY")
        extra["deadline"] = (pd.Timestamp(now) + pd.Timedelta(days=COUPON_VALID_DAYS)).date()
    if option == "refund_on_return":
        extra["deadline"] = (pd.Timestamp(now) + pd.Timedelta(days=params.return_days)).date()
    values, cur = reply_values(order, customer, seller_name=seller_name,
                               home_currency=home_currency, extra=extra)
    if amount <= 0:
        values.pop("amount", None)
    country = customer.get("country") if customer else None
    rendered = render(body, values, language, country=country if isinstance(country, str)
                      else None, currency=cur)
    return language, rendered.text, rendered.missing


__all__ = ["OPTIONS", "OPTION_COLUMNS", "PlannerParams", "Plan", "RECOMMENDATION_COLUMNS",
           "RESOLUTION_OF", "SCENARIO_OF", "default_params", "money", "plan_dispute",
           "platform_fees", "recommend_resolutions", "satisfaction_table", "whole_money"]
