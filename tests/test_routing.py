"""Routing of inbound messages to handlers, and the clarification queue."""

from __future__ import annotations

import pandas as pd
import pytest

from kakobuy_xl.errors import ConfigError
from kakobuy_xl.routing import (QUEUE_COLUMNS, Rule, RoutingRules, clarification_queue,
                                dispute_handlers, parse_routing, route)

T = pd.Timestamp
SETTING = ("refund_request, return_request -> Mina; ja, ko -> Yuki; delivery_delay -> Alex; "
           "* -> Alex")


def _interactions(*rows: dict) -> pd.DataFrame:
    base = {"interaction_id": None, "timestamp": T("2025-06-20 10:00"), "customer_id": "C1",
            "channel": "WhatsApp", "direction": "in", "dispute_id": None, "message": "hi",
            "language": "en", "intent": "other", "needs_clarification": "no"}
    frame = pd.DataFrame([{**base, "interaction_id": f"M{i}", **r} for i, r in enumerate(rows)],
                         index=range(2, 2 + len(rows)))
    frame["timestamp"] = pd.to_datetime(frame["timestamp"]).astype("datetime64[ns]")
    return frame


def test_parse_the_settings_text():
    rules = parse_routing(SETTING)
    assert rules.rules == (Rule(frozenset({"refund_request", "return_request"}), "Mina"),
                           Rule(frozenset({"ja", "ko"}), "Yuki"),
                           Rule(frozenset({"delivery_delay"}), "Alex"))
    assert rules.fallback == "Alex"
    multi = parse_routing("Refund_Request => Mina\n\n JA → Yuki ;")
    assert multi.handler_for("refund_request", None) == "Mina"
    assert multi.handler_for(None, "ja") == "Yuki" and multi.fallback is None
    assert parse_routing("") == RoutingRules() and parse_routing(None) == RoutingRules()


@pytest.mark.parametrize("text,message", [
    ("refund -> Mina", "Setting 'routing': 'refund' is neither an intent nor a language "
                       "(intents: order_status"),
    ("ja Yuki", "the rule 'ja Yuki' is not 'names -> handler'"),
    ("ja ->   ", "is not 'names -> handler'"),
    (" , -> Mina", "names no intent or language"),
    ("ja -> Yuki; ja, ko -> Mina", "'ja' is routed twice (to Yuki and Mina)"),
    ("* -> Alex; * -> Mina", "'*' is routed twice"),
    ("*, ja -> Alex", "'*' stands alone"),
    ("xx -> Mina", "languages: en, es"),
])
def test_parse_errors_name_the_setting_and_what_was_found(text, message):
    with pytest.raises(ConfigError) as err:
        parse_routing(text)
    assert message in str(err.value)
    assert "routing" in str(err.value)


def test_setting_name_in_errors_can_be_changed():
    with pytest.raises(ConfigError, match="Setting 'routing_weekend'"):
        parse_routing("nope -> X", setting="routing_weekend")


def test_first_rule_wins_then_dispute_handler_then_fallback():
    frame = _interactions(
        {"intent": "refund_request", "language": "ja"},           # rule 1 before rule 2
        {"intent": "other", "language": "ja"},                     # rule 2
        {"intent": "delivery_delay", "language": "ko"},            # rule 2 before rule 3
        {"intent": "delivery_delay", "language": "en"},            # rule 3
        {"intent": "other", "language": "en", "dispute_id": "D1"},  # dispute handler
        {"intent": "other", "language": "en", "customer_id": "C9"},  # fallback
        {"intent": "refund_request", "direction": "out"},          # outbound: no route
        {"intent": "refund_request", "needs_clarification": "yes"},  # unclear beats rules
        {"intent": None, "language": "pt-BR", "customer_id": "C9"},
    )
    disputes = pd.DataFrame({"dispute_id": ["D1"], "customer_id": ["C1"],
                             "handler": ["Sam"], "status": ["open"],
                             "opened_at": [T("2025-06-01")]})
    got = route(frame, SETTING, disputes=disputes)
    assert got.tolist() == ["Mina", "Yuki", "Yuki", "Alex", "Sam", "Alex", None, "clarify",
                            "Alex"]
    assert got.index.equals(frame.index)
    # Written the other way round, the language rule comes first.
    swapped = route(frame, "ja, ko -> Yuki; refund_request -> Mina")
    assert swapped.iloc[0] == "Yuki"


def test_no_rule_uses_the_customers_open_dispute_or_nobody():
    frame = _interactions({"customer_id": "c1 "}, {"customer_id": "C2"}, {"customer_id": None},
                          {"needs_clarification": "yes"})
    disputes = pd.DataFrame({
        "dispute_id": ["D1", "D2", "D3"], "customer_id": ["C1", "C1", "C2"],
        "handler": ["Old", "New", "Done"], "status": ["open", "escalated", "closed"],
        "opened_at": [T("2025-05-01"), T("2025-06-01"), T("2025-06-10")]})
    got = route(frame, None, disputes=disputes, clarification_queue="ask back")
    assert got.tolist() == ["New", None, None, "ask back"]
    assert dispute_handlers(frame, None).isna().all()


def test_route_works_without_analysis_columns():
    frame = pd.DataFrame({"direction": ["in", "out"]}, index=[5, 6])
    assert route(frame, "* -> Alex").tolist() == ["Alex", None]


def test_clarification_queue_lists_unanswered_unclear_messages():
    frame = _interactions(
        {"customer_id": "C1", "needs_clarification": "yes", "message": "??",
         "timestamp": T("2025-06-20 09:00")},
        {"customer_id": "C2", "needs_clarification": "yes", "message": "hm",
         "language": "ko", "timestamp": T("2025-06-19 09:00")},
        {"customer_id": "C1", "direction": "out", "message": "What do you mean?",
         "timestamp": T("2025-06-20 09:30")},
        {"customer_id": "C3", "needs_clarification": "no"},
        {"customer_id": "C3", "needs_clarification": "yes", "direction": "out"})
    queue = clarification_queue(frame)
    assert list(queue.columns) == QUEUE_COLUMNS
    assert queue["excel_row"].tolist() == [3]                  # C1 was answered already
    assert queue.iloc[0][["customer_id", "message", "language"]].tolist() == ["C2", "hm", "ko"]
    everything = clarification_queue(frame, open_only=False)
    assert everything["excel_row"].tolist() == [3, 2]           # oldest first
    assert clarification_queue(frame.iloc[:0]).empty


def test_docstring_examples():
    import doctest

    from kakobuy_xl import routing

    assert doctest.testmod(routing).failed == 0
