"""Suggested replies: dispute replies, `kakobuy suggest`, and the reply formulas."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from kakobuy_xl import api, cli, formulas, replies
from kakobuy_xl.templates import shipped_library


def test_dispute_reply_is_in_the_customers_language_and_filled_in():
    disputes = pd.DataFrame({"dispute_id": ["D1", "D2"], "customer_id": ["C1", "C2"],
                             "order_id": ["O1", None],
                             "resolution_amount": [12500.0, float("nan")]}, index=[2, 3])
    customers = pd.DataFrame({"customer_id": ["c1", "C2"], "name": ["Kim", "Ana"],
                              "preferred_language": ["ko", None], "country": ["KR", "BR"],
                              "language_auto": [None, "pt"]})
    orders = pd.DataFrame({"order_id": ["O1"], "currency": ["KRW"], "order_value": [30000.0],
                           "tracking_no": ["LX123"], "carrier": ["EMS"], "product": ["Mask"],
                           "expected_delivery": [pd.Timestamp("2025-07-04")],
                           "group_buy_id": [None]})
    out = replies.dispute_replies(
        disputes, pd.Series(["refund_offer", "follow_up"], index=[2, 3]), shipped_library(),
        customers, orders, None, seller_name="Mina Shop")
    assert out[0].template_id == "refund_offer-ko" and out[0].language == "ko"
    assert "Kim" in out[0].text and "O1" in out[0].text and "₩12,500" in out[0].text
    assert "Mina Shop" in out[0].text and out[0].missing == []
    assert out[1].language == "pt" and "Ana" in out[1].text
    assert out[1].missing == ["order_id"] and "[order_id]" in out[1].text


def test_no_scenario_no_reply():
    disputes = pd.DataFrame({"dispute_id": ["D1"], "customer_id": [None], "order_id": [None],
                             "resolution_amount": [float("nan")]})
    out = replies.dispute_replies(disputes, pd.Series([None]), shipped_library(), None, None,
                                  None)
    assert out[0].text is None


def test_suggest_command_prints_json_with_the_contract_keys():
    result = CliRunner().invoke(cli.main, ["suggest", "배송이 너무 늦어요. 언제 와요?", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["template_id", "language", "score", "reason", "reply"]
    assert data["language"] == "ko" and data["template_id"].endswith("-ko")
    assert 0 < data["score"] <= 1 and "ko" in data["reason"]


def test_suggest_uses_the_workbooks_customer_and_latest_order(demo_path):
    from kakobuy_xl.io.xlsx import FileWorkbook

    frames = api._tables(FileWorkbook(demo_path), api._settings.Settings(),
                         ("Customers", "Orders"))
    orders = frames["Orders"].dropna(subset=["tracking_no", "customer_id"])
    customer = orders["customer_id"].iloc[0]
    result = api.suggest("where is my order?", customer=customer, workbook=demo_path, env={})
    mine = orders[orders["customer_id"] == customer].sort_values("order_date")
    assert result.reply and mine["order_id"].iloc[-1] in result.reply


def test_suggest_refuses_an_unknown_customer(demo_path):
    result = CliRunner().invoke(cli.main, ["suggest", "hi", "--customer", "NOPE",
                                           "--workbook", str(demo_path)])
    assert result.exit_code == 1 and "Customer 'NOPE' is not on the Customers sheet" in \
        result.output
    result = CliRunner().invoke(cli.main, ["suggest", "hi", "--customer", "C1"])
    assert result.exit_code == 1 and "--workbook" in result.output


def test_reply_formulas():
    msgs = pd.Series(["where is my order?", "Ich möchte mein Geld zurück"])
    assert formulas.evaluate("KB_TEMPLATE", [msgs]).tolist() == [
        "shipped_tracking-en", "refund_offer-de"]
    reply = formulas.evaluate("KB_REPLY", [msgs.iloc[:1], pd.Series(["ja"]),
                                           pd.Series(["Sato"]), pd.Series(["A-9"])])[0]
    assert "Sato" in reply and "A-9" in reply and "様" in reply


@pytest.mark.parametrize("text,case,amount,grade", [
    ("The box was a bit dented", None, None, "G1"),
    ("Please refund me", None, None, "G2"),
    ("The box was a bit dented", "CASE-1", None, "G3"),
    ("I'll leave a 1 star review", None, None, "G4"),
    ("The box was a bit dented", None, 900, "G2"),
])
def test_grade_formula(text, case, amount, grade):
    assert formulas.evaluate("KB_GRADE", [pd.Series([text]), pd.Series([case]),
                                          pd.Series([amount])]).tolist() == [grade]
