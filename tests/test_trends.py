"""Trend findings: the rate test, multiple-testing control, findings and suggestions."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

from kakobuy_xl import reports, trends
from kakobuy_xl.errors import ConfigError, SheetValidationError
from kakobuy_xl.trends import FINDING_COLUMNS, bh_adjust, findings, rate_test

NOW = pd.Timestamp("2025-06-01")
CARRIERS = ["YunExpress", "Cainiao", "EMS"]
COUNTRIES = ["TH", "VN", "US", "DE", "FR", "AU", "JP"]
KINDS = ["delivery_delay", "not_received", "customs", "damaged", "wrong_item",
         "missing_parts", "quality_issue", "refund_not_processed"]


def _world(n: int = 20000, seed: int = 1, rate: float = 0.01, bump=None):
    """Typed Orders shipped over the 120 days before NOW, and Disputes opened the day
    after shipping at ``rate`` per kind per order (times ``bump(orders, kind)``)."""
    rng = np.random.default_rng(seed)
    ship = (NOW - pd.to_timedelta(rng.uniform(0, 120, n), unit="D")).floor("D")
    orders = pd.DataFrame({
        "order_id": [f"O{i}" for i in range(n)],
        "carrier": rng.choice(CARRIERS, n),
        "destination_country": rng.choice(COUNTRIES, n),
        "sku": [f"SKU-{i}" for i in rng.integers(0, 20, n)],
        "platform": rng.choice(["eBay", "Shopify"], n),
        "ship_date": ship, "order_date": ship - pd.Timedelta(days=2),
        "status": "shipped"}, index=range(2, n + 2))
    orders["product"] = "Product " + orders["sku"].str[4:]
    parts = []
    for kind in KINDS:
        p = np.full(n, rate) * (bump(orders, kind) if bump else 1.0)
        hit = rng.random(n) < p
        parts.append(pd.DataFrame({"order_id": orders["order_id"][hit], "type": kind,
                                   "opened_at": orders["ship_date"][hit] + pd.Timedelta(days=1)}))
    d = pd.concat(parts, ignore_index=True)
    d = d[d["opened_at"] < NOW].sort_values(["opened_at", "order_id"], ignore_index=True)
    d.index = range(2, len(d) + 2)
    d["dispute_id"] = [f"D{i}" for i in range(len(d))]
    d["platform"] = None
    return d, orders


def _recent(orders: pd.DataFrame, days: int = 30) -> np.ndarray:
    return (orders["ship_date"] >= NOW - pd.Timedelta(days=days)).to_numpy()


def _route_bump(orders, kind):
    """YunExpress delays to TH/VN are 4x in the last 30 days; nothing else changes."""
    m = np.ones(len(orders))
    if kind == "delivery_delay":
        m[((orders["carrier"] == "YunExpress") &
           orders["destination_country"].isin(["TH", "VN"])).to_numpy() & _recent(orders)] = 4
    return m


def _sku_bump(orders, kind):
    """SKU-3 draws 5x the quality complaints of the others, all the time."""
    m = np.ones(len(orders))
    if kind == "quality_issue":
        m[(orders["sku"] == "SKU-3").to_numpy()] = 5
    return m


# ------------------------------------------------------------------ the test


def test_doctests_pass():
    assert doctest.testmod(trends).failed == 0


def test_rate_test_matches_hand_computed_binomial_tails():
    assert rate_test(5, 10, 0, 10) == pytest.approx(0.5 ** 5)
    assert rate_test(3, 1, 1, 1) == pytest.approx(5 / 16)
    # 2 of 2 events where the first group holds 1/4 of the exposure: (1/4)^2.
    assert rate_test(2, 25, 0, 75) == pytest.approx(1 / 16)
    # P(X >= 1), X ~ Bin(3, 0.5) = 7/8
    assert rate_test(1, 7, 2, 7) == pytest.approx(7 / 8)
    assert rate_test(0, 10, 5, 10) == 1.0
    # Exposure scales, not counts: 20 per 100 vs 20 per 400 is a strong difference.
    assert rate_test(20, 100, 20, 400) < 1e-4 < rate_test(20, 100, 20, 100)


def test_rate_test_refuses_impossible_input():
    with pytest.raises(ConfigError, match="positive exposures"):
        rate_test(3, 0, 1, 10)
    with pytest.raises(ConfigError, match="0 or more"):
        rate_test(-1, 10, 1, 10)


def test_benjamini_hochberg_by_hand():
    # sorted p: .01 .03 .04 .5 -> x4/1 .04, x4/2 .06, x4/3 .0533, x4/4 .5; then monotone.
    assert bh_adjust([0.01, 0.04, 0.03, 0.5]) == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.5])
    assert bh_adjust([]).tolist() == []
    assert bh_adjust([0.9, 0.9]).tolist() == [0.9, 0.9]


# ------------------------------------------------------------------ findings


def test_one_carriers_delays_to_southeast_asia_rising_is_one_finding():
    d, o = _world(bump=_route_bump, n=30000)
    f = findings(d, o, NOW)
    assert list(f.columns) == list(FINDING_COLUMNS)
    assert len(f) == 1, f["finding"].tolist()
    row = f.iloc[0]
    assert row["dimension"] == "carrier x region"
    assert row["segment"] == "YunExpress -> Southeast Asia"
    assert row["metric"] == "delay disputes per 100 orders"
    assert row["ratio"] >= 1.5 and row["p_value"] <= 0.05 and row["count"] >= 5
    assert row["recent"] == pytest.approx(row["baseline"] * row["ratio"])
    assert "Switch carrier for TH/VN" in row["suggestion"] or \
        "Switch carrier for VN/TH" in row["suggestion"]
    assert "YunExpress" in row["suggestion"]
    assert f"{row['count']} disputes" in row["finding"]


def test_one_skus_quality_complaints_give_inspect_sku():
    d, o = _world(bump=_sku_bump, seed=3)
    f = findings(d, o, NOW)
    assert len(f) == 1, f["finding"].tolist()
    row = f.iloc[0]
    assert (row["dimension"], row["segment"]) == ("sku", "SKU-3 (Product 3)")
    assert row["metric"] == "quality disputes per 100 orders"
    assert row["suggestion"].startswith("Inspect SKU-3 (Product 3) before shipping")
    assert "other SKUs" in row["finding"] and row["ratio"] > 3


@pytest.mark.parametrize("seed", range(5))
def test_pure_noise_gives_no_findings(seed):
    d, o = _world(seed=seed)
    assert findings(d, o, NOW).empty


def test_small_counts_are_not_findings():
    # 4 delays in 30 days against none in the 90 before: striking, but 4 < min_count.
    d = pd.DataFrame({"type": ["delivery_delay"] * 4 + ["damaged"] * 9,
                      "opened_at": [NOW - pd.Timedelta(days=i + 1) for i in range(4)]
                      + [NOW - pd.Timedelta(days=35 + 6 * i) for i in range(9)],
                      "order_id": None, "platform": None})
    assert findings(d, None, NOW).empty
    assert not findings(d, None, NOW, min_count=3).empty


def test_without_orders_rates_are_per_30_days_over_time():
    days_base = [NOW - pd.Timedelta(days=31 + 3 * i) for i in range(30)]   # 30 in 90 days
    days_recent = [NOW - pd.Timedelta(hours=20 * i + 1) for i in range(30)]  # 30 in 30 days
    d = pd.DataFrame({"type": "delivery_delay", "opened_at": days_base + days_recent})
    f = findings(d, None, NOW)
    assert f[["dimension", "segment"]].values.tolist() == [["type", "delivery_delay"]]
    row = f.iloc[0]
    assert row["metric"] == "delay disputes per 30 days"
    assert (row["recent"], row["baseline"], row["ratio"]) == pytest.approx((30, 10, 3))
    assert "up from 10.0 in the 90 days before" in row["finding"]
    assert row["suggestion"].startswith("Review carriers and routes")


def test_month_window_is_named_in_the_finding():
    d, o = _world(bump=_route_bump, n=30000)
    f = findings(d, o, NOW, recent_start="2025-05-02", recent_end=NOW)
    assert len(f) == 1 and "2025-05-02 to 2025-05-31" in f.iloc[0]["finding"]


def test_empty_inputs_give_the_empty_contract():
    empty = pd.DataFrame({"type": [], "opened_at": [], "order_id": []})
    for out in (findings(empty, None, NOW),
                findings(empty, pd.DataFrame({"order_id": []}), NOW),
                findings(_world(n=50)[0], pd.DataFrame({"order_id": []}), NOW)):
        assert list(out.columns) == list(FINDING_COLUMNS) and out.empty
        assert out["count"].dtype == np.int64 and out["ratio"].dtype == float


def test_missing_column_is_named_in_sheet_terms():
    with pytest.raises(SheetValidationError, match="Sheet 'Disputes' has no column 'Opened At'"):
        findings(pd.DataFrame({"type": ["damaged"]}), None, NOW)
    with pytest.raises(SheetValidationError, match="Sheet 'Orders' has no column 'Order ID'"):
        findings(pd.DataFrame({"type": ["damaged"], "opened_at": [NOW]}),
                 pd.DataFrame({"carrier": ["EMS"]}), NOW)


@pytest.mark.parametrize("kwargs,message", [
    ({"recent_days": 0}, "at least one day"),
    ({"alpha": 1.5}, "alpha"),
    ({"min_count": 0}, "min_count"),
    ({"recent_start": "2025-06-10", "recent_end": "2025-06-01"}, "Swap the two dates"),
])
def test_bad_options_are_config_errors(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        findings(pd.DataFrame({"type": [], "opened_at": []}), None, NOW, **kwargs)


def test_deterministic_and_independent_of_row_order():
    d, o = _world(bump=lambda o, k: _route_bump(o, k) * _sku_bump(o, k), n=30000)
    first = findings(d, o, NOW)
    assert len(first) >= 2
    pd.testing.assert_frame_equal(first, findings(d, o, NOW))
    shuffled = findings(d.sample(frac=1, random_state=1), o.sample(frac=1, random_state=2), NOW)
    pd.testing.assert_frame_equal(first, shuffled)
    # Most important first: the route's extra disputes outnumber the SKU's.
    assert first["segment"].tolist()[:2] == ["YunExpress -> Southeast Asia", "SKU-3 (Product 3)"]


def test_suggestions_come_from_an_editable_table():
    shipped = trends.shipped_suggestions()
    assert {"dimension", "kind", "text"} <= set(shipped.columns)
    trends.check_suggestions(shipped)
    rules = pd.DataFrame({"dimension": ["carrier x region", "*"], "kind": ["*", "*"],
                          "text": ["Cambiar de transportista para {countries} ({carrier})",
                                   "Revisar {segment}"]})
    d, o = _world(bump=_route_bump, n=30000)
    f = findings(d, o, NOW, suggestions=rules)
    assert f.iloc[0]["suggestion"] in ("Cambiar de transportista para TH/VN (YunExpress)",
                                       "Cambiar de transportista para VN/TH (YunExpress)")
    with pytest.raises(ConfigError, match=r"placeholder \{courier\}"):
        findings(d, o, NOW, suggestions=rules.assign(text="Use {courier}"))
    with pytest.raises(ConfigError, match="stray brace"):
        trends.check_suggestions(rules.assign(text="Use {carrier"))
    with pytest.raises(ConfigError, match="no column 'text'"):
        trends.check_suggestions(rules.drop(columns="text"))


def test_a_region_rise_explained_by_one_route_is_not_repeated(monkeypatch):
    d, o = _world(bump=_route_bump, n=30000, seed=3)
    assert findings(d, o, NOW)["segment"].tolist() == ["YunExpress -> Southeast Asia"]
    # Without the retest, the region would be reported as well, for the same disputes.
    monkeypatch.setattr(trends, "_prune", lambda found, *a, **k: found)
    assert findings(d, o, NOW)["segment"].tolist() == ["YunExpress -> Southeast Asia",
                                                       "Southeast Asia"]


# ------------------------------------------------------------------ spellings and regions


def _respell(values: pd.Series, spellings: list[str], seed: int) -> pd.Series:
    """``values`` with each row of ``spellings[0]`` retyped as one of ``spellings``
    (the first one most often)."""
    rng = np.random.default_rng(seed)
    hit = (values == spellings[0]).to_numpy()
    chosen = rng.choice(spellings, len(values), p=[0.5] + [0.5 / (len(spellings) - 1)]
                        * (len(spellings) - 1))
    return values.where(~hit, pd.Series(chosen, index=values.index))


def _recent_disputes(d: pd.DataFrame, orders: pd.DataFrame, kind: str) -> int:
    """Disputes of ``kind`` opened in the 30 days before NOW on ``orders``."""
    return int((d["order_id"].isin(orders["order_id"]) & (d["type"] == kind)
                & (d["opened_at"] >= NOW - pd.Timedelta(days=30))).sum())


def test_carriers_and_countries_typed_several_ways_are_one_segment():
    d, o = _world(bump=_route_bump, n=30000)
    o["carrier"] = _respell(o["carrier"], ["YunExpress", "Yunexpress", "YUNEXPRESS ",
                                           " yunexpress"], seed=5)
    o["destination_country"] = (_respell(o["destination_country"], ["TH", " th", "Th "], 6)
                                .where(o["destination_country"] != "VN", "vn"))
    assert o["carrier"].nunique() == 6
    f = findings(d, o, NOW)
    assert f["segment"].tolist() == ["YunExpress -> Southeast Asia"], f["finding"].tolist()
    row = f.iloc[0]
    assert row["finding"].startswith("YunExpress -> Southeast Asia:")
    assert "YunExpress to Southeast Asia" in row["suggestion"]
    assert "TH/VN" in row["suggestion"] or "VN/TH" in row["suggestion"]
    # Every spelling's disputes are in the count.
    yun = o["carrier"].str.strip().str.casefold() == "yunexpress"
    sea = o["destination_country"].str.strip().str.upper().isin(["TH", "VN"])
    assert row["count"] == _recent_disputes(d, o[yun & sea], "delivery_delay")


def test_sku_typed_in_another_case_is_the_same_sku():
    d, o = _world(bump=_sku_bump, seed=3)
    o["sku"] = _respell(o["sku"], ["SKU-3", "sku-3", "Sku-3 "], seed=4)
    f = findings(d, o, NOW)
    assert f[["dimension", "segment"]].values.tolist() == [["sku", "SKU-3 (Product 3)"]]
    assert f.iloc[0]["suggestion"].startswith("Inspect SKU-3 (Product 3)")
    sku3 = o["sku"].str.strip().str.casefold() == "sku-3"
    assert f.iloc[0]["count"] == _recent_disputes(d, o[sku3], "quality_issue")


def test_spelling_ties_go_to_the_earliest_row_whatever_the_frame_order():
    s = pd.Series(["cainiao", "Cainiao", "EMS", "ems ", None], index=[9, 4, 2, 7, 3])
    assert trends._spelling(s).tolist() == ["Cainiao", "Cainiao", "EMS", "EMS", None]
    shuffled = s.iloc[[3, 1, 4, 0, 2]]
    assert trends._spelling(shuffled).to_dict() == trends._spelling(s).to_dict()
    # The most common spelling wins over the earliest.
    s3 = pd.Series(["ems", "EMS", "EMS"], index=[2, 3, 4])
    assert set(trends._spelling(s3)) == {"EMS"}


def test_regions_are_the_report_sheets_regions():
    countries = [" th", "vn ", "De", "XX", "", None, "us"]
    orders = pd.DataFrame({"order_id": [f"O{i}" for i in range(len(countries))],
                           "destination_country": countries, "carrier": "EMS",
                           "ship_date": NOW - pd.Timedelta(days=3), "status": "shipped",
                           "product": "Mug"}, index=range(2, 2 + len(countries)))
    disputes = pd.DataFrame({
        "dispute_id": [f"D{i}" for i in range(len(countries))],
        "order_id": [f"o{i} " for i in range(len(countries))], "type": "damaged",
        "grade": "G1", "platform": "eBay", "status": "open", "resolved_at": pd.NaT,
        "opened_at": NOW - pd.Timedelta(days=1)}, index=range(2, 2 + len(countries)))
    clocks = pd.DataFrame({c: np.nan for c in (
        "sla_status", "resolution_hours_calendar", "resolution_hours_business",
        "first_response_hours_calendar")}, index=disputes.index)
    facts = reports.dispute_facts(disputes, clocks, orders)
    w = trends._windows(NOW, 30, 90, None, None)
    ev, ex, _ = trends._prepare(disputes, orders, w)
    # Same label for every dispute, except that trends leaves "Unknown" out of its segments.
    expected = [None if r == "Unknown" else r for r in facts["region"]]
    assert [None if pd.isna(v) else v for v in ev["region"]] == expected
    assert expected == ["Southeast Asia", "Southeast Asia", "Europe", "Other", None, None,
                        "North America"]
    assert [None if pd.isna(v) else v for v in ex["region"]] == expected


def test_orders_with_no_country_make_no_region_finding():
    d, o = _world(n=20000, seed=2)
    # A burst of customs disputes on orders with no Destination Country typed.
    blank = o.index[_recent(o)][:400]
    o.loc[blank, "destination_country"] = "  "
    extra = pd.DataFrame({"order_id": o.loc[blank[:60], "order_id"].to_numpy(),
                          "type": "customs", "opened_at": NOW - pd.Timedelta(days=2),
                          "platform": None})
    d = pd.concat([d, extra], ignore_index=True)
    d.index = range(2, len(d) + 2)
    f = findings(d, o, NOW)
    assert not f.empty and "customs" in f["metric"].str.cat()
    assert not f["dimension"].isin(["type x region", "type x country"]).any(), f["finding"]
    assert not f["segment"].isin(["Unknown", "Other", ""]).any()
