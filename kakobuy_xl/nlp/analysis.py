"""Analyse whole columns of messages: what every face (refresh, ``kakobuy analyze``,
``=KB_...``) calls. Backends come from the registry; results are cached by content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import BackendError
from . import backend
from .cache import MemoryResultCache, ResultCache, combine_keys, text_digests

#: The columns ``analyse_messages`` returns (snake names of the Interactions sheet).
MESSAGE_COLUMNS = ["language", "sentiment", "sentiment_label", "negative_flags", "intent",
                   "intent_confidence", "needs_clarification"]
DISPUTE_COLUMNS = ["dispute_type", "dispute_type_confidence"]
# Intents that are complaints (customer profiles count them).
COMPLAINT_INTENTS = ("delivery_delay", "damaged_item", "wrong_item", "missing_item",
                     "quality_issue", "refund_request", "return_request")


@dataclass(frozen=True)
class Backends:
    """Which backend of each kind to use (names from Settings)."""

    language: str = "default"
    sentiment: str = "default"
    intent: str = "default"
    dispute_type: str = "default"

    def signature(self, *kinds: str) -> str:
        """Names and versions of the backends used: part of every cache key."""
        parts = []
        for kind in kinds:
            b = backend(kind, getattr(self, kind))
            parts.append(f"{kind}={getattr(b, 'name', type(b).__name__)}"
                         f"@{getattr(b, 'version', '1')}")
        return ";".join(parts)


def clean_text(texts: pd.Series) -> pd.Series:
    """Text to analyse: None for empty, whitespace-only or non-text cells."""
    values = [v.strip() if isinstance(v, str) and v.strip() else
              (str(v) if isinstance(v, (int, float)) and v == v and not isinstance(v, bool)
               else None) for v in texts.tolist()]
    return pd.Series(values, index=texts.index, dtype=object)


def _cached(keys: pd.Series, cache: ResultCache, compute: Any, columns: list[str]) -> pd.DataFrame:
    """Results for every row: from the cache where present, else computed for the
    first row of each missing key, then cached."""
    out = pd.DataFrame(np.full((len(keys), len(columns)), None, dtype=object),
                       index=keys.index, columns=columns)
    present = keys.dropna()
    unique = present.drop_duplicates()
    found = cache.get_many(unique.tolist())
    missing = unique[~unique.isin(list(found))]
    if len(missing):
        try:
            computed = compute(missing.index)
        except OSError as exc:  # a model file missing or unreadable
            raise BackendError(f"a model file cannot be read ({exc}); reinstall kakobuy-xl") \
                from exc
        values = computed.reindex(missing.index)[columns].itertuples(index=False, name=None)
        fresh = dict(zip(missing.tolist(), values))
        cache.put_many(fresh)
        found.update(fresh)
    if len(present):
        rows = [found[k] for k in present.tolist()]
        out.loc[present.index, columns] = pd.DataFrame(rows, index=present.index,
                                                       columns=columns).astype(object)
    return out


def analyse_messages(texts: pd.Series, priors: pd.Series | None = None,
                     inbound: pd.Series | None = None, backends: Backends = Backends(),
                     cache: ResultCache | None = None) -> pd.DataFrame:
    """Language for every message; sentiment, flags and intent for inbound ones.

    ``priors`` is each row's customer Preferred Language (a prior for detection);
    ``inbound`` marks the customer's own messages (default: all). Returns the
    :data:`MESSAGE_COLUMNS`, empty where the message is empty.
    """
    from . import flags as flag_module
    from . import sentiment as sentiment_module

    cache = cache if cache is not None else MemoryResultCache()
    text = clean_text(texts)
    prior = pd.Series(
        [v.strip().lower() if isinstance(v, str) and v.strip() else None
         for v in (priors.reindex(text.index).tolist() if priors is not None
                   else [None] * len(text))], index=text.index, dtype=object)
    is_in = (inbound.reindex(text.index).fillna(True).astype(bool) if inbound is not None
             else pd.Series(True, index=text.index))

    digests = text_digests(text)
    lang_keys = combine_keys("lang:" + backends.signature("language"), digests, prior)
    detector = backend("language", backends.language)

    def detect(rows: pd.Index) -> pd.DataFrame:
        return detector.detect(text[rows], prior[rows])[["language"]]

    language = _cached(lang_keys, cache, detect, ["language"])["language"]

    sig = backends.signature("sentiment", "intent") + "|flags@" + \
        str(getattr(flag_module, "VERSION", "1"))
    msg_keys = combine_keys("msg:" + sig, digests.where(is_in, None), language)
    scorer = backend("sentiment", backends.sentiment)
    classifier = backend("intent", backends.intent)
    columns = ["sentiment", "negative_flags", "intent", "intent_confidence",
               "needs_clarification"]

    def analyse(rows: pd.Index) -> pd.DataFrame:
        t, lang = text[rows], language[rows]
        intents = classifier.classify(t, lang)
        found = flag_module.negative_flags(t, lang)
        try:
            scores = scorer.score(t, lang, flags=found)  # the built-in model reuses the flags
        except TypeError:
            scores = scorer.score(t, lang)
        return pd.DataFrame({
            "sentiment": scores,
            "negative_flags": found,
            "intent": intents["intent"],
            "intent_confidence": intents["confidence"],
            "needs_clarification": intents["needs_clarification"],
        }, index=rows)

    result = _cached(msg_keys, cache, analyse, columns)
    result.insert(0, "language", language)
    scores = pd.to_numeric(result["sentiment"], errors="coerce")
    result["sentiment"] = scores.round(3)
    result.insert(2, "sentiment_label", pd.Series(
        [sentiment_module.label(s) if s == s else None for s in scores.tolist()],
        index=result.index, dtype=object))
    result["intent_confidence"] = pd.to_numeric(result["intent_confidence"],
                                                errors="coerce").round(3)
    result["negative_flags"] = result["negative_flags"].where(
        result["negative_flags"].map(lambda v: isinstance(v, str) and v != ""), None)
    return result[MESSAGE_COLUMNS]


def classify_disputes(texts: pd.Series, languages: pd.Series | None = None,
                      backends: Backends = Backends(),
                      cache: ResultCache | None = None) -> pd.DataFrame:
    """Dispute type and its confidence for each description (empty stays empty)."""
    cache = cache if cache is not None else MemoryResultCache()
    text = clean_text(texts)
    lang = pd.Series([v if isinstance(v, str) else None
                      for v in (languages.reindex(text.index).tolist() if languages is not None
                                else [None] * len(text))], index=text.index, dtype=object)
    keys = combine_keys("dispute:" + backends.signature("dispute_type"), text_digests(text), lang)
    classifier = backend("dispute_type", backends.dispute_type)

    def classify(rows: pd.Index) -> pd.DataFrame:
        r = classifier.classify(text[rows], lang[rows])
        return pd.DataFrame({"dispute_type": r["dispute_type"],
                             "dispute_type_confidence": r["confidence"]}, index=rows)

    out = _cached(keys, cache, classify, DISPUTE_COLUMNS)
    out["dispute_type_confidence"] = pd.to_numeric(out["dispute_type_confidence"],
                                                   errors="coerce").round(3)
    return out


def most_common(values: pd.Series, groups: pd.Series) -> pd.Series:
    """The most frequent non-empty value per group (ties: the first seen)."""
    frame = pd.DataFrame({"g": groups, "v": values}).dropna()
    frame = frame[frame["v"] != "und"]
    if frame.empty:
        return pd.Series(dtype=object)
    counts = frame.groupby(["g", "v"], sort=False).size().reset_index(name="n")
    counts = counts.sort_values("n", ascending=False, kind="stable")
    return counts.drop_duplicates("g").set_index("g")["v"]


# Worksheet functions are pure and see no Settings: they use the default backends, and
# one cache per process so a recalculation does not analyse the same text again.
_FORMULA_CACHE = MemoryResultCache()


def _formula_messages(column: str):
    def compute(texts: pd.Series, *_rest: pd.Series) -> pd.Series:
        return analyse_messages(texts, cache=_FORMULA_CACHE)[column]

    compute.__name__ = f"formula_{column}"
    return compute


def _formula_dispute_type(texts: pd.Series, *_rest: pd.Series) -> pd.Series:
    return classify_disputes(texts, cache=_FORMULA_CACHE)["dispute_type"]


#: The worksheet functions message intelligence provides.
FORMULA_COMPUTATIONS = {
    "KB_LANG": _formula_messages("language"),
    "KB_SENTIMENT": _formula_messages("sentiment"),
    "KB_SENTIMENT_LABEL": _formula_messages("sentiment_label"),
    "KB_INTENT": _formula_messages("intent"),
    "KB_DISPUTE_TYPE": _formula_dispute_type,
}


__all__ = ["Backends", "COMPLAINT_INTENTS", "DISPUTE_COLUMNS", "FORMULA_COMPUTATIONS",
           "MESSAGE_COLUMNS",
           "analyse_messages", "classify_disputes", "most_common"]
