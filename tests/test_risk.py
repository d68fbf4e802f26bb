"""Escalation risk: features without leakage, default vs learned model, reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kakobuy_xl import risk as rk
from kakobuy_xl.errors import ConfigError

T = pd.Timestamp
NOW = T("2025-06-30 12:00")


def _disputes(*rows: dict) -> pd.DataFrame:
    base = {"dispute_id": None, "opened_at": T("2025-06-28 10:00"), "customer_id": "C1",
            "order_id": None, "platform": "Shopify", "platform_case_id": None,
            "status": "open", "type": "damaged", "grade": "G1", "resolution": None,
            "resolution_amount": np.nan, "resolved_at": pd.NaT, "description": None}
    frame = pd.DataFrame([{**base, "dispute_id": f"D{i + 1}", **r} for i, r in enumerate(rows)],
                         index=range(2, 2 + len(rows)))
    for c in ("opened_at", "resolved_at"):
        frame[c] = pd.to_datetime(frame[c], format="mixed").astype("datetime64[ns]")
    return frame


def _messages(*rows: tuple) -> pd.DataFrame:
    """(customer, dispute, timestamp, sentiment[, message]) inbound messages."""
    frame = pd.DataFrame([(*r, None)[:5] for r in rows],
                         columns=["customer_id", "dispute_id", "timestamp", "sentiment",
                                  "message"])
    frame["direction"] = "in"
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], format="mixed").astype("datetime64[ns]")
    return frame


def test_history_counts_only_what_happened_before_the_dispute_opened():
    d = _disputes(
        {"opened_at": "2025-01-10", "resolution": "full_refund", "resolved_at": "2025-02-20",
         "status": "resolved"},
        {"opened_at": "2025-02-01"},  # D1's refund came later: not known yet
        {"opened_at": "2025-03-01"},
        {"opened_at": "2025-02-15", "customer_id": "C2"})
    inter = _messages(("C1", None, "2025-01-05", -0.8), ("C1", None, "2025-02-10", -0.7),
                      ("C1", None, "2025-04-01", -0.9), (" c1 ", None, "2025-02-12", 0.5))
    f = rk.risk_features(d, inter, None, NOW)
    assert f["prior_disputes"].tolist() == [0, 1, 2, 0]
    assert f["prior_refunds"].tolist() == [0, 0, 1, 0]
    # The April message is after every opening; the positive one is not negative.
    assert f["negative_history"].tolist() == [1, 1, 2, 0]


def test_sentiment_of_this_dispute_up_to_its_as_of_time():
    d = _disputes({"dispute_id": "A"},
                  {"dispute_id": "B", "status": "resolved", "resolved_at": "2025-06-29 09:00"})
    inter = _messages(("C1", "a", "2025-06-28 11:00", -0.2), ("C1", "A", "2025-06-29 11:00", -0.8),
                      ("C1", "B", "2025-06-28 12:00", 0.4),
                      ("C1", "B", "2025-06-30 08:00", -0.9))  # after B closed: ignored
    f = rk.risk_features(d, inter, None, NOW)
    assert f.loc[2, "sentiment_latest"] == pytest.approx(-0.8)
    assert f.loc[2, "sentiment_mean"] == pytest.approx(-0.5)
    assert f.loc[2, "sentiment_trend"] == pytest.approx(-0.6)
    assert f.loc[3, "sentiment_latest"] == pytest.approx(0.4)
    assert f.loc[3, "sentiment_trend"] == 0.0


def test_unlinked_messages_around_the_opening_stand_in():
    d = _disputes({"opened_at": "2025-06-28 10:00"})
    inter = _messages(("C1", None, "2025-06-27 10:00", -0.6), ("C1", None, "2025-06-01", 0.9))
    f = rk.risk_features(d, inter, None, NOW)
    assert f.loc[2, "sentiment_latest"] == pytest.approx(-0.6)


def test_sla_deadline_value_and_threat_features():
    d = _disputes({"opened_at": "2025-06-29 12:00", "order_id": "O1",
                   "description": "Refund or I leave a 1-star review"})
    d["resolution_due"] = T("2025-07-01 12:00")
    d["platform_deadline"] = T("2025-06-30 21:00")
    orders = pd.DataFrame({"order_id": ["o1"], "order_value": [310.0], "currency": ["usd"]})
    f = rk.risk_features(d, None, orders, NOW)
    assert f.loc[2, "sla_used"] == pytest.approx(0.5)  # 24 of 48 hours
    assert f.loc[2, "deadline_hours"] == pytest.approx(9.0)
    assert f.loc[2, "deadline_pressure"] == pytest.approx(np.exp(-9 / 48))
    assert f.loc[2, "order_value_log"] == pytest.approx(np.log1p(310))
    assert f.loc[2, "public_threat"] == 1.0
    # An order in another currency has no comparable value.
    eur = orders.assign(currency=["EUR"])
    assert np.isnan(rk.risk_features(d, None, eur, NOW).loc[2, "order_value_log"])


def test_default_weights_when_too_few_closed_disputes_and_reasons_name_drivers():
    d = _disputes({"dispute_id": "CALM"},
                  {"dispute_id": "ANGRY", "customer_id": "C2"},
                  {"dispute_id": "THREAT", "customer_id": "C3",
                   "description": "I will post this on Instagram"},
                  {"dispute_id": "RICH", "customer_id": "C4", "order_id": "O9"})
    d["resolution_due"] = T("2025-07-05 10:00")
    d["platform_deadline"] = pd.NaT
    d.loc[5, "platform_deadline"] = T("2025-06-30 21:00")
    inter = _messages(("C1", "CALM", "2025-06-29", 0.5), ("C2", "ANGRY", "2025-06-28 11:00", -0.1),
                      ("C2", "ANGRY", "2025-06-29 11:00", -0.62))
    orders = pd.DataFrame({"order_id": ["O9"], "order_value": [310.0], "currency": ["USD"]})
    a = rk.assess_risk(d, inter, orders, NOW)
    assert not a.model.learned and "default weights" in a.model.describe()
    assert "0 closed disputes" in a.model.describe()
    s = a.scores
    assert s.loc[3, "risk_reasons"].startswith("negative and worsening sentiment (-0.62)")
    assert s.loc[4, "risk_reasons"].startswith("bad review or public post threatened")
    assert "order US$310" in s.loc[5, "risk_reasons"]
    assert "platform deadline in 9 h" in s.loc[5, "risk_reasons"]
    assert s.loc[3, "escalation_risk"] > s.loc[2, "escalation_risk"]
    assert s.loc[4, "escalation_risk"] > s.loc[2, "escalation_risk"]
    assert all(0 < v < 1 for v in s["escalation_risk"])
    # Deterministic.
    pd.testing.assert_frame_equal(s, rk.escalation_risk(d, inter, orders, NOW))


def test_platform_case_is_certain_and_closed_disputes_have_no_risk():
    d = _disputes({"platform_case_id": "PP-123"}, {"status": "escalated"},
                  {"status": "resolved", "resolved_at": "2025-06-29"},
                  {"status": "closed", "platform_case_id": "X"})
    s = rk.escalation_risk(d, None, None, NOW)
    assert s["escalation_risk"].tolist() == [1.0, 1.0, None, None]
    assert s.loc[2, "risk_reasons"] == "already a platform case"
    assert "already a platform case" in s.loc[3, "risk_reasons"]
    assert s.loc[4, "risk_reasons"] is None


def _msgs(*rows: tuple) -> pd.DataFrame:
    """(customer, dispute, timestamp, sentiment, message, intent) inbound messages."""
    frame = _messages(*[r[:5] for r in rows])
    frame["intent"] = [r[5] for r in rows]
    return frame


def test_outcome_is_a_case_escalated_status_or_g3_and_never_an_input():
    d = _disputes({"platform_case_id": "1"}, {"status": "escalated"}, {"grade": "G3"},
                  {"grade": "G4"}, {})
    assert rk.escalation_outcome(d).tolist() == [True, True, True, False, False]
    # Never an input: whatever Grade, Grade (auto), Status escalated or a case ID say,
    # the features are the same (they come from what was written, not how it was graded).
    d = _disputes({"dispute_id": "A", "description": "I will leave a 1-star review"},
                  {"dispute_id": "B", "customer_id": "C2"},
                  {"dispute_id": "C", "customer_id": "C3", "type": "not_received"})
    inter = _msgs(("C1", "A", "2025-06-28 11:00", -0.5, "Broken!", "damaged_item"),
                  ("C2", "B", "2025-06-28 11:00", -0.2, "Refund me", "refund_request"),
                  ("C3", "C", "2025-06-28 11:00", 0.1, "Where is it?", "order_status"))
    plain = d.assign(grade="G1", grade_auto="G1")
    graded = d.assign(grade=["G4", "G2", "G3"], grade_auto=["G3", "G4", "G2"],
                      platform_case_id=[None, "PP-1", None],
                      status=["open", "open", "escalated"])
    f = rk.risk_features(plain, inter, None, NOW)
    pd.testing.assert_frame_equal(f, rk.risk_features(graded, inter, None, NOW))
    assert f["public_threat"].tolist() == [1.0, 0.0, 0.0]
    assert f["demand"].tolist() == [0.0, 1.0, 0.0]


def _graded_training() -> tuple[pd.DataFrame, pd.DataFrame]:
    """60 closed disputes graded as refresh grades them (a case makes any dispute G3),
    escalation by case ID. Demands and threats were written before every escalation
    and are more common among the escalated; only the grade hides them there."""
    # (how many, written demand, written threat, escalated)
    groups = [(12, True, False, True), (8, True, False, False), (7, False, True, True),
              (3, False, True, False), (5, False, False, True), (25, False, False, False)]
    rows, msgs = [], []
    i = 0
    for count, demand, threat, escalated in groups:
        for _ in range(count):
            opened = T("2025-03-01") + pd.Timedelta(days=i % 50)
            grade = "G3" if escalated else "G2" if demand else "G4" if threat else "G1"
            rows.append({"dispute_id": f"S{i}", "customer_id": f"K{i}", "opened_at": opened,
                         "status": "resolved", "resolved_at": opened + pd.Timedelta(hours=30),
                         "platform_case_id": f"PP-{i}" if escalated else None,
                         "description": "I will leave a 1-star review" if threat else
                         "It is broken", "grade": grade, "grade_auto": grade})
            msgs.append((f"K{i}", f"S{i}", opened + pd.Timedelta(hours=1), -0.3,
                         "Refund me" if demand else "Please help",
                         "refund_request" if demand else "damaged_item"))
            i += 1
    return _disputes(*rows), _msgs(*msgs)


def test_learned_weights_for_demand_and_threat_follow_the_text_not_the_grade():
    d, inter = _graded_training()
    assert rk.escalation_outcome(d).sum() == 24
    m = rk.assess_risk(d, inter, None, NOW).model
    assert m.learned and m.n == 60
    w = dict(zip(m.features, m.weights))
    # Graded columns would give both a negative weight: no escalated row is G2 or G4.
    assert w["demand"] > 0.1 and w["public_threat"] > 0.1
    f = rk.risk_features(d, inter, None, NOW)
    assert f["demand"].sum() == 20 and f["public_threat"].sum() == 10


def test_a_message_after_resolved_at_does_not_change_a_closed_dispute():
    from kakobuy_xl.disputes import grade_disputes

    d = _disputes({"dispute_id": "D1", "status": "resolved",
                   "resolved_at": "2025-06-29 09:00", "description": "It arrived broken"},
                  {"dispute_id": "D2", "customer_id": "C2", "description": "It arrived broken"})
    early = _msgs(("C1", "D1", "2025-06-28 11:00", -0.4, "Photo attached", "damaged_item"),
                  ("C2", "D2", "2025-06-28 11:00", -0.4, "Photo attached", "damaged_item"))
    late = pd.concat([early, _msgs(
        ("C1", "D1", "2025-06-30 08:00", -0.9, "Refund me or I post a 1-star review",
         "refund_request"),
        ("C2", "D2", "2025-06-30 08:00", -0.9, "Refund me or I post a 1-star review",
         "refund_request"))], ignore_index=True)

    def graded(inter: pd.DataFrame) -> pd.DataFrame:
        # Grade (auto) as refresh computes it: from every text, whenever written.
        texts = d["description"] + "\n" + inter.groupby("dispute_id")["message"].agg(
            "\n".join).reindex(d["dispute_id"]).to_numpy()
        intents = inter.groupby("dispute_id")["intent"].agg(frozenset) \
            .reindex(d["dispute_id"]).set_axis(d.index)
        return d.assign(grade_auto=grade_disputes(d, texts, message_intents=intents)
                        ["grade_auto"])

    assert graded(late)["grade_auto"].tolist() == ["G4", "G4"]
    before = rk.risk_features(graded(early), early, None, NOW)
    after = rk.risk_features(graded(late), late, None, NOW)
    pd.testing.assert_series_equal(before.loc[2], after.loc[2])
    assert after.loc[2, ["demand", "public_threat"]].tolist() == [0.0, 0.0]
    # The same message on an open dispute counts: it was written before now.
    assert after.loc[3, ["demand", "public_threat"]].tolist() == [1.0, 1.0]


def test_texts_scanned_by_the_grader_are_not_scanned_again():
    from kakobuy_xl.disputes import grade_disputes
    from kakobuy_xl.nlp.cache import MemoryResultCache

    d = _disputes({"dispute_id": "D1", "description": "Broken"},
                  {"dispute_id": "D2", "description": "I will post it on Instagram"})
    inter = _msgs(("C1", "D1", "2025-06-28 11:00", -0.4, "Refund or a 1-star review", None),
                  ("C1", "D2", "2025-06-28 11:00", -0.4, "Where is it", None))
    # Refresh joins each description with the customer's messages on the dispute.
    texts = pd.Series(["Broken\nRefund or a 1-star review",
                       "I will post it on Instagram\nWhere is it"], index=d.index)
    cache = MemoryResultCache()
    grade_disputes(d, texts, cache=cache)
    known = dict(cache.data)
    f = rk.risk_features(d, inter, None, NOW, cache=cache)
    assert cache.data == known  # every text was found under the grader's key
    assert f["public_threat"].tolist() == [1.0, 1.0]
    pd.testing.assert_frame_equal(f, rk.risk_features(d, inter, None, NOW))


def _synthetic(n: int = 60, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Closed disputes whose escalation is driven by negative sentiment."""
    rng = np.random.default_rng(seed)
    sentiment = np.round(np.linspace(-0.95, 0.95, n), 3)
    rng.shuffle(sentiment)
    p = 1 / (1 + np.exp(-(-4.0 * sentiment - 1.0)))
    escalated = rng.random(n) < p
    rows = []
    for i in range(n):
        rows.append({"dispute_id": f"S{i}", "customer_id": f"K{i}",
                     "opened_at": T("2025-03-01") + pd.Timedelta(days=i % 50),
                     "status": "resolved", "type": ["damaged", "quality_issue"][i % 2],
                     "resolved_at": T("2025-03-01") + pd.Timedelta(days=i % 50, hours=30),
                     "platform_case_id": f"C{i}" if escalated[i] else None})
    d = _disputes(*rows)
    inter = _messages(*[(f"K{i}", f"S{i}", d["opened_at"].iloc[i] + pd.Timedelta(hours=1),
                         float(sentiment[i])) for i in range(n)])
    return d, inter


def test_learned_model_finds_sentiment_and_is_calibrated():
    d, inter = _synthetic()
    a = rk.assess_risk(d, inter, None, NOW)
    m = a.model
    assert m.learned and m.n == 60 and 5 <= m.positives <= 55
    w = dict(zip(m.features, m.weights))
    assert w["sentiment_latest"] < -0.3  # negative sentiment -> higher risk
    assert abs(w["sentiment_latest"]) == max(abs(x) for x in m.weights)
    assert m.extra["mean_predicted"] == pytest.approx(m.extra["observed_rate"], abs=0.01)
    assert m.cv_log_loss < m.base_log_loss
    assert 0 < m.brier < 0.25
    assert "learned from 60 closed disputes" in m.describe()
    # Open disputes are scored by it.
    new = _disputes({"dispute_id": "N1", "customer_id": "Z1"},
                    {"dispute_id": "N2", "customer_id": "Z2"})
    both = pd.concat([d, new.set_axis([900, 901])])
    inter2 = pd.concat([inter, _messages(("Z1", "N1", "2025-06-29", -0.9),
                                         ("Z2", "N2", "2025-06-29", 0.8))])
    s = rk.escalation_risk(both, inter2, None, NOW)
    assert s.loc[900, "escalation_risk"] > 0.6 > 0.2 > s.loc[901, "escalation_risk"]
    assert "sentiment" in s.loc[900, "risk_reasons"]
    # Deterministic.
    again = rk.fit_risk_model(a.features[rk.is_closed(d).to_numpy()],
                              rk.escalation_outcome(d))
    assert np.array_equal(again.weights, m.weights) and again.intercept == m.intercept


def test_learning_needs_both_outcomes():
    d, inter = _synthetic()
    d["platform_case_id"] = None
    assert not rk.assess_risk(d, inter, None, NOW).model.learned
    f = rk.risk_features(d, inter, None, NOW)
    with pytest.raises(ConfigError, match="same outcome"):
        rk.fit_risk_model(f, np.zeros(len(f)))


def test_empty_disputes():
    d = _disputes({}).iloc[:0]
    assert rk.escalation_risk(d, None, None, NOW).empty
