"""Resolution planner: costs worked out by hand, exclusions, the choice, the message."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kakobuy_xl import planner as pl
from kakobuy_xl.errors import ConfigError

NOW = pd.Timestamp("2025-06-30 12:00")


def _tables(*rows: dict, value: float = 100.0, product: float | None = 40.0,
            shipping: float | None = 25.0):
    base = {"dispute_id": None, "opened_at": pd.Timestamp("2025-06-28 10:00"),
            "customer_id": "C1", "order_id": "O1", "platform": "Shopify",
            "platform_case_id": None, "status": "open", "type": "quality_issue",
            "grade": "G1", "resolution": None, "resolution_amount": np.nan,
            "resolved_at": pd.NaT, "description": None}
    d = pd.DataFrame([{**base, "dispute_id": f"D{i + 1}", **r} for i, r in enumerate(rows)],
                     index=range(2, 2 + len(rows)))
    d["resolved_at"] = pd.to_datetime(d["resolved_at"]).astype("datetime64[ns]")
    orders = pd.DataFrame({"order_id": ["O1"], "customer_id": ["C1"], "order_value": [value],
                           "currency": ["USD"], "product_cost": [product],
                           "shipping_cost": [shipping], "platform": ["Shopify"]})
    return d, orders


def _risk(d: pd.DataFrame, r: float) -> pd.DataFrame:
    return pd.DataFrame({"escalation_risk": r, "risk_reasons": "test"}, index=d.index)


def _plan(d, orders, r=0.2, **kw) -> pl.Plan:
    return pl.plan_dispute("D1", d, orders, now=NOW, risk=_risk(d, r), **kw)


def _opt(plan: pl.Plan, option: str) -> pd.Series:
    return plan.options.set_index("option").loc[option]


def test_costs_of_a_100_dollar_item_by_hand():
    d, orders = _tables({})
    plan = _plan(d, orders, params=pl.default_params().with_(copay_share=0.7))
    # Reship where the customer pays 70%: goods 40 + shipping 25 - 70 less Shopify's 2.9%.
    assert _opt(plan, "reship_copay")["seller_cost"] == pytest.approx(65 - 70 * 0.971)
    assert _opt(plan, "reship_copay")["amount"] == pytest.approx(70)
    assert _opt(plan, "reship")["seller_cost"] == pytest.approx(65)
    # Refund on return: refund 100 + return shipping 1.5 x 25 - half the goods' cost back.
    ret = _opt(plan, "refund_on_return")
    assert ret["seller_cost"] == pytest.approx(100 + 37.5 - 20)
    assert "return shipping costs more than the goods recovered" in ret["note"]
    assert _opt(plan, "full_refund")["seller_cost"] == pytest.approx(100)
    # Coupon: 15% used 30% of the time.
    assert _opt(plan, "coupon")["seller_cost"] == pytest.approx(4.5)
    # Escalation: refund 100 + Shopify chargeback 15 + handling 10, times p = risk x (1 - s).
    full = _opt(plan, "full_refund")
    assert full["loss_if_escalated"] == pytest.approx(125)
    assert full["p_escalate"] == pytest.approx(0.2 * (1 - 0.95))
    assert full["expected_cost"] == pytest.approx(100 + 0.2 * 0.05 * 125)


def test_partial_refund_for_a_minor_quality_issue():
    d, orders = _tables({"type": "quality_issue", "grade": "G1"})
    plan = _plan(d, orders, r=0.2)
    assert plan.recommended == "partial_refund" and plan.resolution == "partial_refund"
    assert plan.amount == pytest.approx(25.0)
    assert _opt(plan, "partial_refund")["expected_cost"] == pytest.approx(25 + 0.2 * 0.25 * 125)
    assert plan.cell_text == "partial_refund 25% (US$25.00)"
    assert plan.rationale.startswith("Apologise first, then partial_refund 25% (US$25.00): "
                                     "expected cost US$31 vs full refund US$101; "
                                     "5% chance of escalation")
    assert plan.recommended != "refund_on_return"
    # The table marks the pick and is printable.
    assert plan.table().set_index("option").loc["partial_refund", "pick"] == "<-"


def test_full_refund_when_the_goods_are_cheap_and_reship_when_not():
    cheap, orders = _tables({"type": "damaged", "grade": "G2"}, value=8, product=3,
                            shipping=6)
    plan = _plan(cheap, orders, r=0.3)
    assert plan.recommended == "full_refund"
    dear, orders = _tables({"type": "damaged", "grade": "G2"})
    assert _plan(dear, orders, r=0.3).recommended == "reship"


def test_exclusions_say_why():
    d, orders = _tables({"type": "not_received", "grade": "G2"})
    opts = _plan(d, orders).options.set_index("option")
    assert not opts.loc["refund_on_return", "allowed"]
    assert "never arrived" in opts.loc["refund_on_return", "note"]
    assert not opts.loc["apology_only", "allowed"] and not opts.loc["partial_refund", "allowed"]
    d, orders = _tables({"type": "refund_not_processed", "grade": "G2"})
    plan = _plan(d, orders)
    opts = plan.options.set_index("option")
    assert not opts.loc[["reship", "reship_copay", "coupon"], "allowed"].any()
    assert plan.recommended == "full_refund" and plan.scenario == "refund_offer"
    d, orders = _tables({"type": "damaged", "grade": "G2"})
    opts = _plan(d, orders).options.set_index("option")
    assert "coupon alone" in opts.loc["coupon", "note"]


def test_platform_case_gets_a_full_refund_and_closed_disputes_no_recommendation():
    d, orders = _tables({"platform_case_id": "CB-1", "type": "quality_issue"},
                        {"status": "resolved", "resolved_at": "2025-06-29"},
                        {"type": "quality_issue"})
    rec = pl.recommend_resolutions(d, orders, pd.Series([1.0, None, 0.2], index=d.index))
    assert rec.loc[2, "recommended_option"] == "full_refund"
    assert rec.loc[2, "rationale"].startswith("Already a platform case")
    assert rec.loc[3].isna().all()
    assert rec.loc[4, "recommended_resolution"] == "partial_refund 25% (US$25.00)"
    assert rec.loc[4, "scenario"] == "partial_refund_offer"
    assert list(rec.columns) == pl.RECOMMENDATION_COLUMNS


def test_missing_costs_fall_back_to_ratios_and_say_so():
    d, orders = _tables({"type": "damaged", "grade": "G2"}, product=None, shipping=None)
    plan = _plan(d, orders)
    reship = _opt(plan, "reship")
    assert reship["seller_cost"] == pytest.approx(100 * (0.45 + 0.15))
    assert "costs estimated" in reship["note"]


def test_message_in_the_customers_language_with_the_amount():
    d, orders = _tables({"type": "quality_issue", "grade": "G1"})
    customers = pd.DataFrame({"customer_id": ["c1"], "name": ["Sato"],
                              "preferred_language": ["ja"], "country": ["JP"]})
    plan = _plan(d, orders, customers=customers)
    assert plan.language == "ja" and plan.scenario == "partial_refund_offer"
    assert "Sato" in plan.message and "一部返金" in plan.message
    assert "$25.00" in plan.message and "O1" in plan.message
    assert plan.missing == []


def test_coupon_offer_message_names_the_discount():
    # A small delay: a coupon for the next order is the cheapest near-best offer.
    d, orders = _tables({"type": "delivery_delay", "grade": "G1"})
    customers = pd.DataFrame({"customer_id": ["c1"], "name": ["Ana"],
                              "preferred_language": ["en"], "country": ["US"]})
    plan = _plan(d, orders, customers=customers)
    assert plan.recommended == "coupon" and plan.scenario == "coupon_offer"
    assert pl.SCENARIO_OF["coupon"] == "coupon_offer"
    assert plan.message.startswith("Hello Ana,\n\nWe sincerely apologise")
    assert "Discount: 15%" in plan.message and "O1" in plan.message
    # A code the seller can create in the shop (the same for this dispute every time),
    # valid for COUPON_VALID_DAYS.
    code = plan.message.split("SORRY15-")[1][:6]
    assert len(code) == 6 and code == _plan(d, orders, customers=customers).message.split(
        "SORRY15-")[1][:6]
    assert "we will send it to you in a separate message" not in plan.message
    assert plan.missing == []


def test_unknown_dispute_id_is_a_clear_error():
    d, orders = _tables({})
    with pytest.raises(ConfigError, match="No dispute 'D404'.*Dispute ID"):
        pl.plan_dispute("D404", d, orders, now=NOW)
    # Matching ignores case and spaces, like every ID.
    assert pl.plan_dispute(" d1 ", d, orders, now=NOW, risk=_risk(d, 0.1)).dispute_id == "D1"


def test_unknown_planner_setting():
    with pytest.raises(ConfigError, match="Unknown planner setting"):
        pl.default_params().with_(refund_everything=1)


def test_plan_computes_risk_itself_when_not_given():
    d, orders = _tables({"type": "quality_issue"})
    plan = pl.plan_dispute("D1", d, orders, now=NOW)
    assert 0 < plan.risk < 1 and "default weights" in plan.model


def test_plan_of_an_escalated_dispute_matches_the_recommended_resolution_column():
    # Status escalated without a Platform Case ID is already a platform case: `kakobuy
    # plan` and the Recommended Resolution column must say the same.
    d, orders = _tables({"status": "escalated", "type": "quality_issue", "grade": "G2"})
    risk = _risk(d, 1.0)
    rec = pl.recommend_resolutions(d, orders, risk["escalation_risk"])
    plan = pl.plan_dispute("D1", d, orders, now=NOW, risk=risk)
    assert rec.loc[2, "recommended_option"] == "full_refund"
    assert plan.recommended == rec.loc[2, "recommended_option"]
    assert plan.cell_text == rec.loc[2, "recommended_resolution"]
    assert plan.rationale == rec.loc[2, "rationale"]
    # Computing the risk itself gives the same answer (1.0 for a platform case).
    assert pl.plan_dispute("D1", d, orders, now=NOW).recommended == "full_refund"


def test_a_closed_dispute_is_planned_as_if_open_but_keeps_its_case():
    d, orders = _tables({"status": "resolved", "resolved_at": "2025-06-29",
                         "type": "quality_issue"},
                        {"status": "escalated", "resolved_at": "2025-06-29",
                         "type": "quality_issue"})
    assert _plan(d, orders).recommended == "partial_refund"
    assert pl.plan_dispute("D2", d, orders, now=NOW, risk=_risk(d, 0.2)).recommended \
        == "full_refund"


def test_offer_message_from_shipped_templates_when_the_sheet_lacks_the_scenario():
    from kakobuy_xl.templates import shipped_library

    # A Templates sheet made before coupon_offer shipped: the user's rows stay, the
    # missing scenario comes from the shipped library.
    old = shipped_library()
    old = old[old["scenario"] != "coupon_offer"].reset_index(drop=True)
    d, orders = _tables({"type": "delivery_delay", "grade": "G1"})
    customers = pd.DataFrame({"customer_id": ["c1"], "name": ["Ana"],
                              "preferred_language": ["en"], "country": ["US"]})
    plan = _plan(d, orders, customers=customers, templates=old)
    assert plan.recommended == "coupon" and plan.scenario == "coupon_offer"
    assert plan.language == "en" and plan.message is not None
    assert "Discount: 15%" in plan.message
    # The user's own wording still wins where the sheet has the scenario.
    own = old.copy()
    own.loc[own["scenario"] == "partial_refund_offer", "body"] = "Hi {customer_name}: {amount}"
    d, orders = _tables({"type": "quality_issue", "grade": "G1"})
    assert _plan(d, orders, customers=customers, templates=own).message == "Hi Ana: $25.00"
