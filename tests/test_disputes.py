"""Dispute grading from wording, cases and amounts; workflows as data."""

import pandas as pd
import pytest

from kakobuy_xl import disputes as d


def _disputes(**cols):
    n = len(next(iter(cols.values())))
    base = {"dispute_id": [f"D{i}" for i in range(n)], "platform_case_id": [None] * n,
            "status": ["open"] * n, "type": [None] * n, "type_auto": ["damaged"] * n,
            "resolution": [None] * n, "resolution_amount": [float("nan")] * n,
            "customer_id": [None] * n, "order_id": [None] * n,
            "first_response_at": [pd.NaT] * n, "resolved_at": [pd.NaT] * n,
            "csat": [float("nan")] * n}
    base.update(cols)
    return pd.DataFrame(base, index=range(2, n + 2))


@pytest.mark.parametrize("text,signal", [
    ("I will leave a 1-star review everywhere", "public"),
    ("Je vais laisser un avis négatif", "public"),
    ("差评！骗子", "public"),
    ("후기에 올릴 거예요", "public"),
    ("悪いレビューを書きます", "public"),
    ("Я оставлю плохой отзыв", "public"),
    ("I'm opening a case with eBay", "escalation"),
    ("Abriré una disputa en PayPal", "escalation"),
    ("Ich mache eine Rückbuchung bei meiner Bank", "escalation"),
    ("我要申请平台介入", "escalation"),
])
def test_signals_in_many_languages(text, signal):
    assert signal in d.signals(text)


@pytest.mark.parametrize("text", ["Where is my parcel?", "Thanks, I love it!", "", None,
                                  "Can you send a review copy of the manual?"])
def test_no_signal_in_ordinary_messages(text):
    assert d.signals(text) == set()


def test_grades_from_wording_case_demand_and_amount():
    frame = _disputes(
        platform_case_id=[None, "5012345", None, None, None, None],
        status=["open", "open", "escalated", "open", "open", "open"],
        type=[None, None, None, "refund_not_processed", None, None])
    texts = pd.Series(["Box is dented, a bit sad", "parcel late", "no reply?", "where is my money",
                       "I'll post this on Instagram", "scratched"], index=frame.index)
    intents = pd.Series([frozenset(), frozenset(), frozenset(), frozenset(), frozenset(),
                         frozenset({"refund_request"})], index=frame.index)
    values = pd.Series([20.0, 20.0, 20.0, 20.0, 20.0, float("nan")], index=frame.index)
    out = d.grade_disputes(frame, texts, message_intents=intents, order_values=values)
    assert out["grade_auto"].tolist() == ["G1", "G3", "G3", "G2", "G4", "G2"]
    assert "platform case" in out.loc[3, "grade_reason"]
    high = d.grade_disputes(frame.iloc[:1], texts.iloc[:1],
                            order_values=pd.Series([450.0], index=frame.index[:1]))
    assert high["grade_auto"].tolist() == ["G2"] and "450" in high["grade_reason"].iloc[0]


def test_grade_of_an_empty_table():
    frame = _disputes(dispute_id=[])
    assert d.grade_disputes(frame, pd.Series(dtype=object)).empty


def test_shipped_workflows_are_valid_and_cover_every_type():
    frame = d.shipped_workflows()
    assert d.check_workflows(frame) == []
    from kakobuy_xl.schema import DISPUTE_TYPES
    assert set(frame["dispute_type"]) == set(DISPUTE_TYPES)
    damaged = frame[frame["dispute_type"] == "damaged"]["name"].tolist()
    assert damaged[:3] == ["acknowledge", "confirm with evidence", "propose a solution"]


def test_workflow_follows_the_facts():
    frame = _disputes(dispute_id=["A", "B", "C", "D", "E"],
                      status=["open", "open", "waiting_customer", "resolved", "closed"],
                      resolution=[None, None, "partial_refund", "partial_refund", None],
                      resolved_at=[pd.NaT, pd.NaT, pd.NaT, pd.Timestamp("2025-06-01"), pd.NaT])
    frame["type"] = "damaged"
    frame.loc[frame.index[1:], "first_response_at"] = pd.Timestamp("2025-05-01")
    evidence = pd.DataFrame({"dispute_id": ["B", "C"], "exists": ["yes", None]})
    conds = d.conditions(frame, None, evidence, None)
    state = d.workflow_state(frame, conds, d.workflow_table())
    assert state["workflow_step"].tolist() == [
        "1/6 acknowledge", "3/6 propose a solution", "4/6 finalise", "5/6 follow up", "done"]
    assert state.loc[2, "step_scenario"] == "damaged_item"
    assert state.iloc[2]["next_action"].startswith("Waiting for the customer")


def test_a_missing_evidence_file_does_not_count():
    frame = _disputes(dispute_id=["A"])
    frame["first_response_at"] = pd.Timestamp("2025-05-01")
    evidence = pd.DataFrame({"dispute_id": ["a "], "exists": ["no"]})
    assert not d.conditions(frame, None, evidence, None).loc[2, "evidence"]
    evidence["exists"] = "yes"
    assert d.conditions(frame, None, evidence, None).loc[2, "evidence"]  # ids match loosely


def test_follow_up_is_an_outbound_message_after_resolution():
    frame = _disputes(dispute_id=["A"], status=["resolved"],
                      resolved_at=[pd.Timestamp("2025-06-01")])
    inter = pd.DataFrame({"dispute_id": ["A", "A"], "direction": ["out", "in"],
                          "timestamp": pd.to_datetime(["2025-06-03", "2025-06-04"])})
    assert d.conditions(frame, inter, None, None).loc[2, "followed_up"]
    inter["timestamp"] = pd.to_datetime(["2025-05-30", "2025-06-04"])
    assert not d.conditions(frame, inter, None, None).loc[2, "followed_up"]


def test_workbook_rows_replace_the_shipped_steps_of_their_type():
    override = pd.DataFrame({"dispute_type": ["damaged"], "step": [1], "name": ["call them"],
                             "done_when": ["responded"], "next_action": ["Phone the buyer"],
                             "scenario": ["damaged_item"]})
    table = d.workflow_table(override)
    assert [s.name for s in table["damaged"]] == ["call them"]
    assert len(table["wrong_item"]) > 1
    bad = override.assign(done_when="whenever", scenario="nope")
    problems = d.check_workflows(bad)
    assert any("unknown condition 'whenever'" in p for p in problems)
    assert any("unknown scenario 'nope'" in p for p in problems)
