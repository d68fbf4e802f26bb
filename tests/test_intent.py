"""Intent and dispute-type classifiers: API contract, clarification flag, and score floors.

Floors are the measured scores minus a small margin (see docs/intent.md). The parts that need the
shared public evaluation data skip with a reason when ../shared/eval is absent. No timed asserts.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kakobuy_xl.evaluate.intent import run
from kakobuy_xl.nlp.intent import DisputeTypeClassifier, IntentClassifier
from kakobuy_xl.schema import DISPUTE_TYPES, INTENTS

TESTS_DATA = Path(__file__).resolve().parent / "data"
EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"
needs_eval = pytest.mark.skipif(
    not EVAL_DIR.exists(), reason=f"shared evaluation data not found at {EVAL_DIR}")

# measured value minus margin (docs/intent.md); never below the 0.85 target once reached
FLOOR_INTENT_ACC = 0.85
FLOOR_DISPUTE_F1 = 0.88
FLOOR_LANG_ACC = 0.60          # every language of the intent test set
FLOOR_BITEXT_CV = 0.95
FLOOR_BANKING77 = 0.45


@pytest.fixture(scope="module")
def scores():
    ev = EVAL_DIR if EVAL_DIR.exists() else TESTS_DATA / "__no_eval_dir__"
    return run(ev, TESTS_DATA)


def _get(scores, dataset, metric, language="all"):
    r = scores[(scores.dataset == dataset) & (scores.metric == metric) & (scores.language == language)]
    assert len(r) == 1, (dataset, metric, language)
    return float(r.value.iloc[0])


def test_test_sets_are_well_formed():
    it = pd.read_csv(TESTS_DATA / "intent_test.csv")
    dt = pd.read_csv(TESTS_DATA / "dispute_type_test.csv")
    assert list(it.columns) == ["text", "language", "intent"]
    assert list(dt.columns) == ["text", "language", "dispute_type"]
    assert set(it.intent) == set(INTENTS) and it.intent.value_counts().min() >= 15
    assert set(dt.dispute_type) == set(DISPUTE_TYPES) and dt.dispute_type.value_counts().min() >= 15
    langs = {"en", "es", "fr", "de", "it", "pt", "ja", "ko", "zh", "ru", "ar", "vi", "th", "id",
             "tr", "nl", "pl"}
    assert set(it.language) == langs and set(dt.language) == langs
    assert it.groupby("language").intent.nunique().min() >= 3


def test_training_data_does_not_contain_test_sentences():
    data = Path(__file__).resolve().parents[1] / "kakobuy_xl" / "data" / "intent"
    train = set()
    for f in ("train_multilingual.txt", "train_dispute.txt"):
        for line in (data / f).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                train.add(line.split("|", 2)[2].strip().lower())
    for f in ("intent_test.csv", "dispute_type_test.csv"):
        for t in pd.read_csv(TESTS_DATA / f).text:
            assert t.strip().lower() not in train


def test_intent_api_contract():
    s = pd.Series(["where is my order ORD-1042??", None, "", "   ", "where is my order ORD-1042??",
                   "我要退款"], index=[10, 11, 12, 13, 14, 15])
    out = IntentClassifier().classify(s)
    assert list(out.columns) == ["intent", "confidence", "needs_clarification"]
    assert out.index.equals(s.index)
    for i in (11, 12, 13):
        assert out.loc[i, "intent"] is None and out.loc[i, "needs_clarification"] is None
        assert np.isnan(out.loc[i, "confidence"])
    ok = out.loc[[10, 14, 15]]
    assert set(ok.intent) <= set(INTENTS)
    assert ok.confidence.between(0, 1).all()
    assert set(ok.needs_clarification) <= {"yes", "no"}
    assert out.loc[10].tolist() == out.loc[14].tolist()
    assert out.loc[15, "intent"] == "refund_request"


def test_intent_empty_series():
    out = IntentClassifier().classify(pd.Series([], dtype=object))
    assert len(out) == 0 and list(out.columns) == ["intent", "confidence", "needs_clarification"]


@pytest.mark.parametrize("text", ["hello?", "???", "ok", "hi", "hola", "你好", "Привет", "👍", "...",
                                  "are you there", "สวัสดีค่ะ"])
def test_ambiguous_messages_need_clarification(text):
    out = IntentClassifier().classify(pd.Series([text]))
    assert out.needs_clarification.iloc[0] == "yes"


def test_two_intents_at_once_need_clarification():
    # two competing requests of similar weight
    texts = pd.Series(["cancel my order or change the address, whichever is faster",
                       "i want a refund or a return label, and where is my other order"])
    out = IntentClassifier().classify(texts)
    assert (out.needs_clarification == "yes").any()


@pytest.mark.parametrize("text", [
    "I want a full refund or a replacement, please.",
    "hi where is my order ORD-1050?? tracking hasnt updated in days",
    "Only got part of my order, one item is missing from ORD-1069",
    "the mug arrived broken, I want my money back"])
def test_a_complaint_with_its_demand_is_one_request(text):
    """A problem and the remedy asked for (or "where is it" and "it is late") are one
    request: the seller can answer without asking back."""
    out = IntentClassifier().classify(pd.Series([text]))
    assert out.needs_clarification.iloc[0] == "no", out


def test_clear_messages_do_not_need_clarification():
    texts = pd.Series(["please cancel my order ORD-5512", "the mug arrived broken",
                       "quiero cancelar mi pedido", "我要退款"])
    out = IntentClassifier().classify(texts)
    assert (out.needs_clarification == "no").all(), out


def test_dispute_api_contract():
    s = pd.Series(["Parcel stuck at customs,\ncustomer asked to pay import duty", None, ""],
                  index=["a", "b", "c"])
    out = DisputeTypeClassifier().classify(s)
    assert list(out.columns) == ["dispute_type", "confidence"]
    assert out.index.equals(s.index)
    assert out.loc["a", "dispute_type"] == "customs"
    assert 0 <= out.loc["a", "confidence"] <= 1
    assert out.loc["b", "dispute_type"] is None and out.loc["c", "dispute_type"] is None


def test_intent_accuracy_floor(scores):
    assert _get(scores, "intent_test", "accuracy") >= FLOOR_INTENT_ACC


def test_intent_per_language_floor(scores):
    per = scores[(scores.dataset == "intent_test") & (scores.metric == "accuracy")
                 & (scores.language != "all")]
    assert len(per) == 17
    assert per.value.min() >= FLOOR_LANG_ACC, per.sort_values("value").head()


def test_dispute_macro_f1_floor(scores):
    assert _get(scores, "dispute_type_test", "macro_f1") >= FLOOR_DISPUTE_F1


def test_throughput_is_reported(scores):
    assert _get(scores, "synthetic_throughput", "messages_per_s", "mixed") > 0


@needs_eval
def test_bitext_cross_validated_floor(scores):
    assert _get(scores, "bitext_dev_5fold_cv", "accuracy", "en") >= FLOOR_BITEXT_CV


@needs_eval
def test_banking77_refund_payment_floor(scores):
    assert _get(scores, "banking77_refund_payment", "accuracy", "en") >= FLOOR_BANKING77
