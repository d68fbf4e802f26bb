"""Scores of the intent and dispute-type classifiers.

    python -m kakobuy_xl.evaluate.intent [EVAL_DIR] [TESTS_DATA]

``run`` returns one row per score: task, dataset, language, metric, value, n. Parts that need
``EVAL_DIR`` (the shared public evaluation sets) are left out when it is absent.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..nlp.intent import DisputeTypeClassifier, IntentClassifier

# BANKING77 categories whose meaning maps onto our intents (everything else is not scored).
BANKING77_TO_INTENT = {
    "request_refund": "refund_request",
    "Refund_not_showing_up": "refund_request",
    "declined_card_payment": "payment_issue",
    "pending_card_payment": "payment_issue",
    "transaction_charged_twice": "payment_issue",
    "card_payment_not_recognised": "payment_issue",
    "reverted_card_payment?": "payment_issue",
}


def macro_f1(y_true, y_pred, labels=None) -> float:
    y_true = np.asarray(y_true, dtype=object)
    y_pred = np.asarray(y_pred, dtype=object)
    labels = sorted(set(y_true)) if labels is None else labels
    f1s = []
    for lab in labels:
        tp = np.sum((y_true == lab) & (y_pred == lab))
        fp = np.sum((y_true != lab) & (y_pred == lab))
        fn = np.sum((y_true == lab) & (y_pred != lab))
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f1s)) if f1s else float("nan")


def _row(task, dataset, language, metric, value, n):
    return {"task": task, "dataset": dataset, "language": language, "metric": metric,
            "value": float(value), "n": int(n)}


def _throughput(n_target: int = 20000) -> float:
    """Messages per second of IntentClassifier on distinct realistic messages (cold cache)."""
    rng = np.random.default_rng(0)
    base = ["where is my order ORD-{} it's been a while", "el paquete llegó roto {} 😡",
            "我的订单{}发货了吗", "посылка {} не пришла, верните деньги", "can I change the address {}",
            "la qualité est nulle {} je veux un remboursement", "สั่งของผิดค่ะ {}", "thanks!! {}"]
    texts = pd.Series([base[i % len(base)].format(int(rng.integers(1000, 10**6)))
                       + " " + "x" * int(i % 7) for i in range(n_target)])
    clf = IntentClassifier()
    clf.classify(texts.head(10))  # load weights outside the timing
    t0 = time.perf_counter()
    clf.classify(texts)
    return n_target / (time.perf_counter() - t0)


def run(eval_dir: Path, tests_data: Path) -> pd.DataFrame:
    eval_dir, tests_data = Path(eval_dir), Path(tests_data)
    rows = []
    ic, dc = IntentClassifier(), DisputeTypeClassifier()

    it = pd.read_csv(tests_data / "intent_test.csv")
    pi = ic.classify(it["text"], it["language"])
    ok = pi["intent"].to_numpy() == it["intent"].to_numpy()
    rows.append(_row("intent", "intent_test", "all", "accuracy", ok.mean(), len(it)))
    rows.append(_row("intent", "intent_test", "all", "macro_f1",
                     macro_f1(it["intent"], pi["intent"]), len(it)))
    for lang, idx in it.groupby("language").groups.items():
        rows.append(_row("intent", "intent_test", lang, "accuracy", ok[it.index.get_indexer(idx)].mean(), len(idx)))

    dt = pd.read_csv(tests_data / "dispute_type_test.csv")
    pdp = dc.classify(dt["text"], dt["language"])
    okd = pdp["dispute_type"].to_numpy() == dt["dispute_type"].to_numpy()
    rows.append(_row("dispute_type", "dispute_type_test", "all", "macro_f1",
                     macro_f1(dt["dispute_type"], pdp["dispute_type"]), len(dt)))
    rows.append(_row("dispute_type", "dispute_type_test", "all", "accuracy", okd.mean(), len(dt)))
    for lang, idx in dt.groupby("language").groups.items():
        rows.append(_row("dispute_type", "dispute_type_test", lang, "accuracy",
                         okd[dt.index.get_indexer(idx)].mean(), len(idx)))

    if eval_dir.exists():
        bt = eval_dir / "intent_bitext" / "bitext_dev.csv"
        if bt.exists():
            # cross-validated number recorded by training/train_intent.py (Bitext is also training data)
            import json
            from importlib import resources
            rep = json.loads(resources.files("kakobuy_xl").joinpath(
                "data", "intent", "training_report.json").read_text())
            cv = rep.get("bitext_cv")
            if cv:
                rows.append(_row("intent", "bitext_dev_5fold_cv", "en", "accuracy",
                                 cv["accuracy"], cv["n"]))
        bk = eval_dir / "intent_banking77" / "banking77_test.csv"
        if bk.exists():
            b = pd.read_csv(bk)
            b = b[b["category"].isin(BANKING77_TO_INTENT)].reset_index(drop=True)
            pb = ic.classify(b["text"])
            gold = b["category"].map(BANKING77_TO_INTENT).to_numpy()
            rows.append(_row("intent", "banking77_refund_payment", "en", "accuracy",
                             (pb["intent"].to_numpy() == gold).mean(), len(b)))
    rows.append(_row("intent", "synthetic_throughput", "mixed", "messages_per_s", _throughput(), 20000))
    return pd.DataFrame(rows, columns=["task", "dataset", "language", "metric", "value", "n"])


if __name__ == "__main__":  # pragma: no cover
    root = Path(__file__).resolve().parents[2]
    ev = Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared" / "eval"
    td = Path(sys.argv[2]) if len(sys.argv) > 2 else root / "tests" / "data"
    pd.set_option("display.width", 200)
    print(run(ev, td).to_string(index=False))
