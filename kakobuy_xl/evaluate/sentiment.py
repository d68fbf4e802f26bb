"""Measure the sentiment model on the public evaluation sets (and the VADER baseline).

``run(eval_dir)`` returns rows (task, dataset, language, metric, value, n):

* ``umsab``: macro-F1 per language (3 classes via ``label``: negative / neutral / positive) and
  the mean over the 8 languages; the model is given the gold language code.
* ``umsab-nolang``: the same mean without language codes.
* ``vader_gold_tweets``, ``vader_gold_amazon`` (polar at |mean| >= 0.5) and ``uci``: accuracy of
  the sign of the score (a score of exactly 0 or NaN counts as wrong).
* the same rows for VADER's compound score (dataset suffix ``-vader``; VADER's 3-class cut-offs
  are its documented +-0.05), when vaderSentiment is installed.
* ``messages_per_s``: throughput of ``SentimentModel.score`` in one process, no language codes,
  every text distinct: on all evaluation texts (tweets and reviews, cold token cache) and on
  20,000 short chat-style messages.

    python -m kakobuy_xl.evaluate.sentiment [/work/shared/eval]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kakobuy_xl.nlp.sentiment import SentimentModel, three_class

UMSAB_LANGS = ("ar", "de", "en", "es", "fr", "hi", "it", "pt")


def macro_f1(y_true, y_pred, classes=(0, 1, 2)) -> float:
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    f1s = []
    for c in classes:
        tp = np.sum((y_pred == c) & (y_true == c))
        fp = np.sum((y_pred == c) & (y_true != c))
        fn = np.sum((y_pred != c) & (y_true == c))
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f1s))


def load_sets(eval_dir: Path) -> dict[str, pd.DataFrame]:
    """{name: DataFrame(text, y, lang)}; y is 0/1/2 for umsab, -1/+1 for the polar sets."""
    eval_dir = Path(eval_dir)
    sets = {}
    u = pd.read_csv(eval_dir / "sentiment_umsab" / "umsab.csv")
    sets["umsab"] = pd.DataFrame({"text": u["text"].astype(str), "y": u["label_id"], "lang": u["lang"]})
    for name, fname in (("vader_gold_tweets", "tweets"), ("vader_gold_amazon", "amazonReviewSnippets")):
        rows = []
        path = eval_dir / "sentiment_vader_gold" / f"{fname}_GroundTruth.txt"
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split("\t", 2)
            if len(parts) == 3:
                rows.append((parts[2], float(parts[1])))
        d = pd.DataFrame(rows, columns=["text", "mean"])
        d = d[d["mean"].abs() >= 0.5]
        sets[name] = pd.DataFrame({"text": d["text"], "y": np.sign(d["mean"]).astype(int), "lang": "en"})
    c = pd.read_csv(eval_dir / "sentiment_uci" / "uci_sentences.csv")
    sets["uci"] = pd.DataFrame({"text": c["text"].astype(str), "y": np.where(c["label_id"] == 1, 1, -1), "lang": "en"})
    return {k: v.reset_index(drop=True) for k, v in sets.items()}


def _vader_scores(texts: pd.Series) -> pd.Series | None:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:  # pragma: no cover - baseline is optional
        return None
    a = SentimentIntensityAnalyzer()
    return pd.Series([a.polarity_scores(t)["compound"] for t in texts], index=texts.index)


def _rows_for(scores: pd.Series, sets_scores, suffix: str, sets, vader: bool) -> list[dict]:
    rows = []
    u = sets["umsab"]
    s = sets_scores["umsab"]
    if vader:
        pred = np.where(s >= 0.05, 2, np.where(s <= -0.05, 0, 1))
    else:
        pred = np.array([three_class(x) if three_class(x) is not None else 1 for x in s])
    f1s = []
    for lang in UMSAB_LANGS:
        m = (u["lang"] == lang).to_numpy()
        f = macro_f1(u["y"][m], pred[m])
        f1s.append(f)
        rows.append(dict(dataset="umsab" + suffix, language=lang, metric="macro_f1", value=f, n=int(m.sum())))
    rows.append(dict(dataset="umsab" + suffix, language="mean", metric="macro_f1", value=float(np.mean(f1s)), n=len(u)))
    for name in ("vader_gold_tweets", "vader_gold_amazon", "uci"):
        d = sets[name]
        sc = sets_scores[name].to_numpy()
        acc = float(np.mean(np.sign(np.nan_to_num(sc)) == d["y"].to_numpy()))
        rows.append(dict(dataset=name + suffix, language="en", metric="accuracy", value=acc, n=len(d)))
    return rows


def run(eval_dir: Path, with_vader: bool = True) -> pd.DataFrame:
    sets = load_sets(Path(eval_dir))
    model = SentimentModel()
    ours = {k: model.score(d["text"], d["lang"]) for k, d in sets.items()}
    rows = _rows_for(None, ours, "", sets, vader=False)
    u = sets["umsab"]
    s_nolang = model.score(u["text"])
    pred = np.array([three_class(x) if three_class(x) is not None else 1 for x in s_nolang])
    f = [macro_f1(u["y"][(u["lang"] == l).to_numpy()], pred[(u["lang"] == l).to_numpy()]) for l in UMSAB_LANGS]
    rows.append(dict(dataset="umsab-nolang", language="mean", metric="macro_f1", value=float(np.mean(f)), n=len(u)))
    if with_vader:
        vs = {k: _vader_scores(d["text"]) for k, d in sets.items()}
        if all(v is not None for v in vs.values()):
            rows += _rows_for(None, vs, "-vader", sets, vader=True)
    # throughput: all distinct texts, fresh model state except the loaded weights
    texts = pd.Series(pd.unique(pd.concat([d["text"] for d in sets.values()], ignore_index=True)))
    model.score(texts.head(10))  # load weights outside the timing
    t0 = time.perf_counter()
    model.score(texts)
    dt = time.perf_counter() - t0
    rows.append(dict(dataset="all_eval_texts", language="mixed", metric="messages_per_s", value=len(texts) / dt, n=len(texts)))
    # chat-style: short distinct messages (the product's traffic), token cache warm
    base = ["where is my order?? 2 weeks!!!", "thanks a lot, received it", "hi, can I change the address?",
            "package never arrived. terrible", "荷物が届かない", "đã nhận được hàng, cảm ơn shop",
            "¿cuándo llega mi pedido?", "das paket ist kaputt", "ok", "please refund me"]
    tag = lambda i: "".join(chr(97 + int(c)) for c in str(i))  # noqa: E731 - distinct, digit-free
    chat = pd.Series([f"{b} {tag(i)}" for i in range(2000) for b in base])
    model.score(chat.head(100))
    t0 = time.perf_counter()
    model.score(chat)
    dt = time.perf_counter() - t0
    rows.append(dict(dataset="chat_messages", language="mixed", metric="messages_per_s", value=len(chat) / dt, n=len(chat)))
    df = pd.DataFrame(rows)
    df.insert(0, "task", "sentiment")
    return df[["task", "dataset", "language", "metric", "value", "n"]]


if __name__ == "__main__":  # pragma: no cover
    d = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[3] / "shared" / "eval"
    with pd.option_context("display.width", 200, "display.max_rows", 100):
        print(run(d).to_string(index=False, float_format=lambda x: f"{x:.4f}"))
