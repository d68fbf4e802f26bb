"""Train the intent and dispute-type heads shipped in kakobuy_xl/data/intent/intent_model.npz.

    /work/main/.venv/bin/python training/train_intent.py [--eval-dir ../shared/eval] [--cv-only]

Training data (never the test sets under tests/data/):
  * kakobuy_xl/data/intent/train_multilingual.txt  hand-written phrasings, 17 languages (lang|intent|text)
  * kakobuy_xl/data/intent/train_dispute.txt       hand-written dispute descriptions (lang|type|text)
  * ../shared/eval/intent_bitext/bitext_dev.csv    Bitext (CDLA-Sharing-1.0), English, mapped with
                                                   BITEXT_TO_INTENT below, capped per source intent.
Needs scikit-learn + scipy at training time only; run time needs numpy only. Seeded, deterministic.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from kakobuy_xl.nlp.intent import N_BITS, hash_features, normalize  # noqa: E402
from kakobuy_xl.schema import DISPUTE_TYPES, INTENTS  # noqa: E402

DATA = ROOT / "kakobuy_xl" / "data" / "intent"
SEED = 20240611

# Bitext intent -> our intent. Anything not listed maps to "other".
BITEXT_TO_INTENT = {
    "track_order": "order_status",
    "delivery_period": "order_status",       # "when will my order arrive" (not yet late)
    "cancel_order": "cancel_order",
    "check_cancellation_fee": "cancel_order",
    "get_refund": "refund_request",
    "track_refund": "refund_request",
    "check_refund_policy": "refund_request",
    "change_shipping_address": "change_address",
    "set_up_shipping_address": "change_address",
    "payment_issue": "payment_issue",
    "check_payment_methods": "product_question",  # pre-sales question about the shop
    "delivery_options": "product_question",
    "place_order": "product_question",
    # complaint, review, contact_*, *_account, invoices, newsletter, change_order, ... -> other
}
# Bitext intent -> dispute type (only where the meaning is unambiguous).
BITEXT_TO_DISPUTE = {"track_refund": "refund_not_processed"}
# Our intents -> dispute types, to reuse the intent phrasings for the dispute head.
INTENT_TO_DISPUTE = {
    "delivery_delay": "delivery_delay",
    "damaged_item": "damaged",
    "wrong_item": "wrong_item",
    "missing_item": "missing_parts",
    "quality_issue": "quality_issue",
    "payment_issue": "other",
    "change_address": "other",
    "other": "other",
}
BITEXT_CAP = 40          # rows per Bitext source intent used for training
BITEXT_WEIGHT = 0.5      # sample weight of a Bitext row relative to a hand-written one
C_GRID = (30.0, 100.0)


def read_pipe(path: Path, label: str) -> pd.DataFrame:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lang, lab, text = line.split("|", 2)
        rows.append((text.replace("\\n", "\n"), lang, lab))
    return pd.DataFrame(rows, columns=["text", "language", label])


def load_bitext(eval_dir: Path) -> pd.DataFrame | None:
    p = eval_dir / "intent_bitext" / "bitext_dev.csv"
    if not p.exists():
        return None
    b = pd.read_csv(p)
    b["mapped"] = b["intent"].map(BITEXT_TO_INTENT).fillna("other")
    return b


def cap_bitext(b: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    shuffled = b.sample(frac=1.0, random_state=seed)
    return shuffled.groupby("intent", sort=False).head(BITEXT_CAP).reset_index(drop=True)


def featurize(texts) -> sp.csr_matrix:
    normed = [normalize(str(t)) for t in texts]
    doc, bucket, val = hash_features(normed, N_BITS)
    X = sp.csr_matrix((val.astype(np.float64), (doc, bucket)), shape=(len(normed), 1 << N_BITS))
    X.sum_duplicates()
    return X


class _Compact:
    """LogisticRegression fitted on the hashed columns that occur in the training rows only (the
    others would get exactly zero weight under L2 anyway); exposes full-width coef_."""

    def __init__(self, clf, used, n_features):
        self.clf, self.used = clf, used
        self.classes_ = clf.classes_
        self.intercept_ = clf.intercept_
        self.coef_ = np.zeros((clf.coef_.shape[0], n_features), dtype=np.float64)
        self.coef_[:, used] = clf.coef_

    def decision_function(self, X):
        return self.clf.decision_function(X[:, self.used])

    def predict(self, X):
        return self.clf.predict(X[:, self.used])


def fit(X, y, w, C):
    used = np.flatnonzero(np.diff(X.tocsc().indptr))
    clf = LogisticRegression(C=C, max_iter=400, tol=1e-3, class_weight="balanced", random_state=SEED)
    clf.fit(X[:, used], y, sample_weight=w)
    return _Compact(clf, used, X.shape[1])


def cv_predict(X, y, w, C, n_splits=5):
    """Out-of-fold decision scores (for choosing C and the temperature)."""
    skf = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=SEED)
    labels = np.unique(y)
    Z = np.zeros((len(y), len(labels)))
    for tr, te in skf.split(np.zeros(len(y)), y):
        clf = fit(X[tr], y[tr], w[tr], C)
        z = clf.decision_function(X[te])
        idx = np.searchsorted(labels, clf.classes_)
        Z[np.ix_(te, idx)] = z
    return labels, Z


def fit_temperature(Z, y_idx):
    best = (np.inf, 1.0)
    for T in np.exp(np.linspace(np.log(0.2), np.log(5.0), 61)):
        z = Z / T
        z = z - z.max(axis=1, keepdims=True)
        lp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        nll = -lp[np.arange(len(y_idx)), y_idx].mean()
        if nll < best[0]:
            best = (nll, float(T))
    return best[1], best[0]


def train_head(name, texts, y, w, log):
    X = featurize(texts)
    y = np.asarray(y)
    w = np.asarray(w, dtype=float)
    scores = {}
    for C in C_GRID:
        labels, Z = cv_predict(X, y, w, C)
        acc = float((labels[Z.argmax(1)] == y).mean())
        scores[C] = (acc, labels, Z)
        log(f"[{name}] C={C:g} cv-acc={acc:.4f}")
    C = max(C_GRID, key=lambda c: (scores[c][0], -c))
    acc, labels, Z = scores[C]
    T, nll = fit_temperature(Z, np.searchsorted(labels, y))
    log(f"[{name}] chosen C={C:g} cv-acc={acc:.4f} temperature={T:.3f} nll={nll:.4f}")
    clf = fit(X, y, w, C)
    W = clf.coef_.T.astype(np.float32)  # (features, K)
    rows = np.flatnonzero(np.abs(W).max(axis=1) > 0)
    return {
        f"{name}_labels": np.array(clf.classes_, dtype="U32"),
        f"{name}_rows": rows.astype(np.int32),
        f"{name}_values": W[rows].astype(np.float16),
        f"{name}_bias": clf.intercept_.astype(np.float32),
        f"{name}_temperature": np.float32(T),
    }, {"C": C, "cv_accuracy": acc, "temperature": T}


def intent_training_set(eval_dir: Path, bitext_rows: pd.DataFrame | None = None):
    ml = read_pipe(DATA / "train_multilingual.txt", "intent")
    frames = [ml.assign(weight=1.0)]
    if bitext_rows is None:
        b = load_bitext(eval_dir)
        bitext_rows = cap_bitext(b) if b is not None else None
    if bitext_rows is not None:
        frames.append(pd.DataFrame({"text": bitext_rows["text"], "language": "en",
                                    "intent": bitext_rows["mapped"], "weight": BITEXT_WEIGHT}))
    df = pd.concat(frames, ignore_index=True)
    assert set(df["intent"]) <= set(INTENTS), set(df["intent"]) - set(INTENTS)
    return df


def dispute_training_set(eval_dir: Path):
    d = read_pipe(DATA / "train_dispute.txt", "dispute_type").assign(weight=1.0)
    ml = read_pipe(DATA / "train_multilingual.txt", "intent")
    ml = ml[ml["intent"].isin(INTENT_TO_DISPUTE)]
    frames = [d, pd.DataFrame({"text": ml["text"], "language": ml["language"],
                               "dispute_type": ml["intent"].map(INTENT_TO_DISPUTE), "weight": 0.7})]
    b = load_bitext(eval_dir)
    if b is not None:
        bb = cap_bitext(b[b["intent"].isin(BITEXT_TO_DISPUTE)])
        frames.append(pd.DataFrame({"text": bb["text"], "language": "en",
                                    "dispute_type": bb["intent"].map(BITEXT_TO_DISPUTE),
                                    "weight": 0.3}))
    df = pd.concat(frames, ignore_index=True)
    assert set(df["dispute_type"]) <= set(DISPUTE_TYPES)
    return df


def bitext_cv(eval_dir: Path, C: float, log) -> dict | None:
    """5-fold CV on Bitext: train on hand-written data + 4/5 of Bitext (capped), score the held-out
    fold (all of its rows) on the mapped intents."""
    b = load_bitext(eval_dir)
    if b is None:
        return None
    skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    correct = 0
    for k, (tr, te) in enumerate(skf.split(np.zeros(len(b)), b["intent"])):
        df = intent_training_set(eval_dir, cap_bitext(b.iloc[tr]))
        clf = fit(featurize(df["text"]), df["intent"].to_numpy(), df["weight"].to_numpy(), C)
        pred = clf.predict(featurize(b["text"].iloc[te]))
        correct += int((pred == b["mapped"].iloc[te].to_numpy()).sum())
        log(f"[bitext-cv] fold {k}: {(pred == b['mapped'].iloc[te].to_numpy()).mean():.4f}")
    acc = correct / len(b)
    log(f"[bitext-cv] 5-fold accuracy on mapped intents: {acc:.4f} (n={len(b)})")
    return {"accuracy": acc, "n": len(b)}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    ap.add_argument("--out", type=Path, default=DATA / "intent_model.npz")
    ap.add_argument("--skip-bitext-cv", action="store_true")
    args = ap.parse_args(argv)
    t0 = time.time()
    log = lambda m: print(f"{time.time() - t0:7.1f}s {m}", flush=True)  # noqa: E731

    di = intent_training_set(args.eval_dir)
    log(f"intent training rows: {len(di)} ({(di['weight'] == 1).sum()} hand-written)")
    arrs_i, info_i = train_head("intent", di["text"], di["intent"], di["weight"], log)
    dd = dispute_training_set(args.eval_dir)
    log(f"dispute training rows: {len(dd)}")
    arrs_d, info_d = train_head("dispute", dd["text"], dd["dispute_type"], dd["weight"], log)
    report = {"intent": info_i, "dispute": info_d, "n_bits": N_BITS,
              "intent_rows": len(di), "dispute_rows": len(dd)}
    if not args.skip_bitext_cv:
        report["bitext_cv"] = bitext_cv(args.eval_dir, info_i["C"], log)
    np.savez_compressed(args.out, n_bits=np.int32(N_BITS), **arrs_i, **arrs_d)
    (DATA / "training_report.json").write_text(json.dumps(report, indent=2) + "\n")
    log(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
