"""Offline multilingual sentiment for short customer messages.

``SentimentModel().score(texts, languages)`` returns a float in [-1, 1] per message (NaN for empty
or missing text); ``label(score)`` maps it to one of five labels.

The model is a multinomial logistic regression (negative / neutral / positive) over

* word unigrams and bigrams (words after a negation word, inside the same clause, are marked),
* word-boundary-aware character n-grams (2-5) of every token (this is what carries the model to
  spelling variants and to languages without spaces),
* emoji, emoticon and "!!" / "??" tokens, an optional language feature,
* six lexicon sums: VADER's English lexicon (MIT, Hutto & Gilbert 2014; positive and negative,
  and again for English messages only) and a small hand-made polarity lexicon for e-commerce
  chat in the 17 product languages
  (``data/sentiment/lexicon.json``); negation flips the valence of the next three words of the
  same clause only, so "Package never arrived. Terrible." stays negative (VADER's known trap).

On top of the learned score, a message with a failed-order complaint flag (``nlp/flags.py``:
never arrived, delay, broken, wrong item, missing, quality, scam, chargeback, bad review) is capped
at 0 unless it also has a positive word of the hand lexicon, then pulled down by 0.3 per flag (at
most two): the training tweets contain almost no customer-service complaints, and for the ten
product languages without training data the lexicons are the main signal.

Inference is plain Python + numpy: the weights live in ``data/sentiment/model.npz`` (trained by
``training/train_sentiment.py`` on the UMSAB train split only). scikit-learn is not needed at run
time.
"""

from __future__ import annotations

import html
import json
import math
import re
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from kakobuy_xl.schema import SENTIMENT_LABELS

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "sentiment"
MODEL_PATH = DATA_DIR / "model.npz"
LEXICON_PATH = DATA_DIR / "lexicon.json"

#: Score thresholds of the five labels.  The scores are built (``probabilities_to_score``) so
#: that the +-0.15 boundary is the classifier's arg-max; the "very" bands (+-0.6) are fixed.
THRESHOLDS = {"very negative": -0.6, "negative": -0.15, "positive": 0.15, "very positive": 0.6}
assert -THRESHOLDS["negative"] == THRESHOLDS["positive"]

LABELS = SENTIMENT_LABELS  # the contract's five labels, in order

#: Factor applied to the score of messages without any lexicon word (tuned on UMSAB val with
#: a train-only fit, see docs/sentiment.md).
NO_LEXICON_SHRINK = 1.0
#: ... and for such messages that ask a question ("do you ship to Canada?")
NO_LEXICON_QUESTION_SHRINK = 0.4

#: Strength of the complaint prior (subtracted per failed-order flag, at most two).
COMPLAINT_PULL = 0.3

# --------------------------------------------------------------------------------------------
# Tokenisation and features (shared with training/train_sentiment.py: keep them identical)
# --------------------------------------------------------------------------------------------

_EMO = "\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u3030\u303D\u3297\u3299"
_URL = re.compile(r"https?://\S+|www\.\S+")
_USER = re.compile(r"@\w+")
_REPEAT = re.compile(r"(.)\1{2,}")
_DIGIT = re.compile(r"\d")
_TOKEN = re.compile(
    r"(?:[:;=][-']?[()\[\]dp/3*]+|<3)"  # emoticons (text is lower-cased)
    rf"|[{_EMO}]"  # one emoji
    r"|[!?]+"  # ! ? runs
    r"|[.;,\n\u3002\uff1b\uff0c\u3001\u060c\u061b]+"  # clause boundaries (incl. CJK, Arabic)
    rf"|[^\s{_EMO}!?.;,\n\u3002\uff1b\uff0c\u3001\u060c\u061b:\"\u201c\u201d\u00ab\u00bb()\[\]{{}}<>*~\u2026/\\|+=_\-]+"
)
_FULLWIDTH = str.maketrans({"\uff01": "!", "\uff1f": "?", "\ufe0f": None, "\u200d": None,
                            "\u2019": "'", "\u200e": None, "\u200f": None, "\u00a0": " "})
_SUBSTRING_SCRIPTS = re.compile(r"[\u0E00-\u0E7F\u3040-\u30FF\u3400-\u9FFF\uAC00-\uD7AF]")
_SUBSTRING_LANGS = ("ja", "zh", "ko", "th")
_GATE_CHARS = re.compile(r"[?!\d\uff1f\uff01]")
_BOUNDARY_CHARS = set(".;,\n\u3002\uff1b\uff0c\u3001\u060c\u061b")
_NGRAM_N = (2, 3, 4, 5)
_MAX_NGRAM_TOKEN = 40  # longer tokens (CJK runs) only use their first 40 characters for n-grams


def normalise(text: str) -> str:
    """Lower-case, unescape, mask URLs / user names / digits, shorten character repeats."""
    if "&" in text:
        text = html.unescape(text)
    text = text.translate(_FULLWIDTH).lower()
    if "http" in text or "www." in text:
        text = _URL.sub(" http ", text)
    if "@" in text:
        text = _USER.sub(" @user ", text)
    text = _REPEAT.sub(r"\1\1", text)
    return _DIGIT.sub("0", text)


class _Lexicon:
    """Token, phrase, stem and substring polarity lookups built from lexicon.json (+ VADER)."""

    def __init__(self, spec: dict, vader_words: np.ndarray | None, vader_vals: np.ndarray | None):
        self.negators = frozenset(spec["negators"])
        self.contrast = frozenset(spec.get("contrast", []))
        self.words: dict[str, float] = {}  # single tokens and multi-word phrases (space languages)
        self.stems: dict[str, float] = {}
        subs: dict[str, float] = {}
        for polarity, sign in (("pos", 1.0), ("neg", -1.0)):
            for lang, entries in spec[polarity].items():
                for entry in entries:
                    e = normalise(entry).strip()
                    if lang in _SUBSTRING_LANGS:
                        subs[e] = sign
                    elif e.endswith("*"):
                        self.stems[e[:-1]] = sign
                    else:
                        self.words[e] = sign
        for e in spec.get("emoji_pos", []):
            self.words[e] = 1.0
        for e in spec.get("emoji_neg", []):
            self.words[e] = -1.0
        self.stem_lengths = sorted({len(s) for s in self.stems})
        self.subs = subs
        self.sub_re = (
            re.compile("|".join(re.escape(s) for s in sorted(subs, key=len, reverse=True)))
            if subs else None
        )
        self.vader: dict[str, float] = {}
        if vader_words is not None:
            self.vader = {str(w): float(v) for w, v in zip(vader_words, vader_vals)}

    def valence(self, tok: str) -> float:
        v = self.words.get(tok)
        if v is not None:
            return v
        for n in self.stem_lengths:
            if n < len(tok):
                v = self.stems.get(tok[:n])
                if v is not None:
                    return v
        return 0.0


def extract(text: str, lang: str | None, lex: _Lexicon) -> tuple[list[str], list[float], int]:
    """Features of one message: (string features, lexicon sums, 0 - kept for compatibility).

    Lexicon sums: VADER positive / negative, hand lexicon positive / negative, and the two VADER
    sums again for English messages only (their weight is learned on English tweets).
    """
    t = normalise(text)
    feats: list[str] = []
    add = feats.append
    ext = feats.extend
    vpos = vneg = lpos = lneg = 0.0
    negators = lex.negators
    words = lex.words
    vader = lex.vader
    neg_left = 0
    prev = prev2 = None
    for tok in _TOKEN.findall(t):
        c = tok[0]
        if c in _BOUNDARY_CHARS:
            neg_left = 0
            prev = prev2 = None
            continue
        if c == "!" or c == "?":
            neg_left = 0
            prev = prev2 = None
            if len(tok) == 1:
                add("\x03" + tok)
            elif "!" in tok and "?" in tok:
                add("\x03?!")
            else:
                add("\x03" + c + c)
            continue
        if c == "#":
            tok = tok.lstrip("#")
            if not tok:
                continue
        negated = neg_left > 0
        if negated:
            neg_left -= 1
            add("\x02" + tok)
        else:
            add("\x01" + tok)
        if prev is not None:
            add("\x04" + prev + " " + tok)
        # character n-grams inside the word boundary
        s = " " + (tok if len(tok) <= _MAX_NGRAM_TOKEN else tok[:_MAX_NGRAM_TOKEN]) + " "
        ls = len(s)
        for n in _NGRAM_N:
            if n > ls:
                break
            ext([s[i:i + n] for i in range(ls - n + 1)])
        # lexicons
        v = vader.get(tok)
        if v:
            if negated:
                v *= -0.75
            if v > 0:
                vpos += v
            else:
                vneg -= v
        v = words.get(tok)
        if v is None:
            v = lex.valence(tok)
        phrase = None
        if prev is not None:
            phrase = words.get(prev + " " + tok)
            if prev2 is not None:
                v3 = words.get(prev2 + " " + prev + " " + tok)
                if v3 is not None:
                    phrase = v3
        if phrase is not None:
            v = phrase
        elif negated:
            v *= -0.75
        if v:
            if v > 0:
                lpos += v
            else:
                lneg -= v
        if tok in negators or tok.endswith("n't"):
            neg_left = 3
        elif tok in lex.contrast:  # "good price, but broken": what follows the "but" counts more
            vpos *= 0.5; vneg *= 0.5; lpos *= 0.5; lneg *= 0.5  # noqa: E702
        prev2, prev = prev, tok
    complaints = 0
    if lex.sub_re is not None and _SUBSTRING_SCRIPTS.search(t):
        for m in lex.sub_re.findall(t):
            v = lex.subs[m]
            if v > 0:
                lpos += v
            else:
                lneg -= v
    if lang:
        add("\x05" + lang)
    en = 1.0 if lang == "en" else 0.0
    return feats, [vpos, vneg, lpos, lneg, vpos * en, vneg * en], complaints


_TOKEN_CACHE_MAX = 300_000
_ZERO3 = (0.0, 0.0, 0.0)


def _token_info(tok: str, lex: _Lexicon, vocab: dict, w: np.ndarray, _token_cache: dict):
    """Per distinct token: n-gram count and weight sums, unigram weights, lexicon valences."""
    s = " " + (tok if len(tok) <= _MAX_NGRAM_TOKEN else tok[:_MAX_NGRAM_TOKEN]) + " "
    ls = len(s)
    grams = []
    for n in _NGRAM_N:
        if n > ls:
            break
        grams.extend([s[i:i + n] for i in range(ls - n + 1)])
    get = vocab.get
    ids = [i for i in map(get, grams) if i is not None]
    g = tuple(w[ids].sum(0).tolist()) if ids else _ZERO3
    i = get("\x01" + tok)
    u_pos = tuple(w[i].tolist()) if i is not None else _ZERO3
    i = get("\x02" + tok)
    u_neg = tuple(w[i].tolist()) if i is not None else _ZERO3
    lv = lex.words.get(tok)
    if lv is None:
        lv = lex.valence(tok)
    info = (len(grams), g, u_pos, u_neg, lex.vader.get(tok, 0.0), lv,
            tok in lex.negators or tok.endswith("n't"))
    if len(_token_cache) > _TOKEN_CACHE_MAX:
        _token_cache.clear()
    _token_cache[tok] = info
    return info


def _fast_one(text: str, lang, lex: _Lexicon, vocab: dict, w: np.ndarray, caches: dict):
    t = normalise(text)
    a0 = a1 = a2 = 0.0
    cnt = 0
    vpos = vneg = lpos = lneg = 0.0
    words = lex.words
    cache = caches["tokens"]
    contrast = lex.contrast
    rows = caches["rows"]
    get = vocab.get
    neg_left = 0
    prev = prev2 = None
    for tok in _TOKEN.findall(t):
        c = tok[0]
        if c in _BOUNDARY_CHARS:
            neg_left = 0
            prev = prev2 = None
            continue
        if c == "!" or c == "?":
            neg_left = 0
            prev = prev2 = None
            if len(tok) == 1:
                f = "\x03" + tok
            elif "!" in tok and "?" in tok:
                f = "\x03?!"
            else:
                f = "\x03" + c + c
            cnt += 1
            i = get(f)
            if i is not None:
                x = rows[i]
                a0 += x[0]; a1 += x[1]; a2 += x[2]  # noqa: E702
            continue
        if c == "#":
            tok = tok.lstrip("#")
            if not tok:
                continue
        info = cache.get(tok)
        if info is None:
            info = _token_info(tok, lex, vocab, w, cache)
        ng, g, u_pos, u_neg, v, lv, is_neg = info
        negated = neg_left > 0
        cnt += ng + 1
        u = u_neg if negated else u_pos
        a0 += g[0] + u[0]; a1 += g[1] + u[1]; a2 += g[2] + u[2]  # noqa: E702
        if negated:
            neg_left -= 1
        if prev is not None:
            cnt += 1
            i = get("\x04" + prev + " " + tok)
            if i is not None:
                x = rows[i]
                a0 += x[0]; a1 += x[1]; a2 += x[2]  # noqa: E702
        if v:
            if negated:
                v *= -0.75
            if v > 0:
                vpos += v
            else:
                vneg -= v
        phrase = None
        if prev is not None:
            phrase = words.get(prev + " " + tok)
            if prev2 is not None:
                v3 = words.get(prev2 + " " + prev + " " + tok)
                if v3 is not None:
                    phrase = v3
        if phrase is not None:
            lv = phrase
        elif negated:
            lv *= -0.75
        if lv:
            if lv > 0:
                lpos += lv
            else:
                lneg -= lv
        if is_neg:
            neg_left = 3
        elif tok in contrast:
            vpos *= 0.5; vneg *= 0.5; lpos *= 0.5; lneg *= 0.5  # noqa: E702
        prev2, prev = prev, tok
    complaints = 0
    if lex.sub_re is not None and _SUBSTRING_SCRIPTS.search(t):
        for m in lex.sub_re.findall(t):
            sv = lex.subs[m]
            if sv > 0:
                lpos += sv
            else:
                lneg -= sv
    if lang:
        cnt += 1
        i = get("\x05" + lang)
        if i is not None:
            x = rows[i]
            a0 += x[0]; a1 += x[1]; a2 += x[2]  # noqa: E702
    en = 1.0 if lang == "en" else 0.0
    return (a0, a1, a2, cnt), (vpos, vneg, lpos, lneg, vpos * en, vneg * en), complaints


# --------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------


def complaint_count(text: str) -> int:
    """Number of distinct failed-order flags (never arrived, broken, ...) in a message."""
    from kakobuy_xl.nlp.flags import COMPLAINT_FLAGS, flags_of

    return sum(1 for f in flags_of(text) if f in COMPLAINT_FLAGS)


def probabilities_to_score(p: np.ndarray) -> np.ndarray:
    """Map (n, 3) class probabilities to a score in [-1, 1].

    The sign is the sign of P(positive) - P(negative); the magnitude grows with the margin
    r = max(P(pos), P(neg)) - P(neutral), so that |score| >= T (the neutral band of ``label``)
    exactly when the polar class beats neutral, i.e. ``label`` reproduces the classifier's
    arg-max: |score| = T + (1 - T) r for r > 0, T (1 + r) otherwise.
    """
    t = THRESHOLDS["positive"]
    d = p[:, 2] - p[:, 0]
    r = np.maximum(p[:, 2], p[:, 0]) - p[:, 1]
    mag = np.where(r > 0, t + (1 - t) * r, t * (1 + r))
    return np.where(d >= 0, 1.0, -1.0) * mag


def label(score: float) -> str | None:
    """Five-way label of a sentiment score; None for NaN / None."""
    if score is None:
        return None
    try:
        s = float(score)
    except (TypeError, ValueError):
        return None
    if math.isnan(s):
        return None
    if s <= THRESHOLDS["very negative"]:
        return "very negative"
    if s <= THRESHOLDS["negative"]:
        return "negative"
    if s < THRESHOLDS["positive"]:
        return "neutral"
    if s < THRESHOLDS["very positive"]:
        return "positive"
    return "very positive"


def three_class(score: float) -> int | None:
    """0 negative / 1 neutral / 2 positive (the UMSAB classes), from ``label``."""
    lab = label(score)
    if lab is None:
        return None
    return 0 if "negative" in lab else (2 if "positive" in lab else 1)


def load_lexicon(vader_words=None, vader_vals=None) -> _Lexicon:
    spec = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    return _Lexicon(spec, vader_words, vader_vals)


_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _load(path: str = str(MODEL_PATH)):
    with np.load(path, allow_pickle=False) as z:
        vocab_blob = str(z["vocab"])
        w = z["W"].astype(np.float32)
        scale = z["W_scale"].astype(np.float32)
        wn = z["Wn"].astype(np.float64)
        b = z["b"].astype(np.float64)
        vader_words = z["vader_words"]
        vader_vals = z["vader_vals"].astype(np.float64)
    w = w * scale  # int8 -> float
    vocab = {f: i for i, f in enumerate(vocab_blob.split("\x00"))}
    lex = load_lexicon(vader_words, vader_vals)
    w = w.astype(np.float64)
    return vocab, w, wn, b, lex, {"rows": w.tolist(), "tokens": {}}


class SentimentModel:
    """Multilingual sentiment score in [-1, 1] (positive probability minus negative probability)."""

    name: str = "kakobuy-linear-charngram-v1"

    def __init__(self, model_path: str | Path | None = None):
        self._path = str(model_path or MODEL_PATH)

    def _parts(self):
        with _LOCK:
            return _load(self._path)

    def probabilities(self, texts: list[str], languages: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
        """(n, 3) class probabilities and (n, k) lexicon sums for non-empty texts.

        Same arithmetic as ``extract`` + a sparse dot product, but per distinct token the
        character n-gram weights are summed once and cached (``_token_cache``), which makes it
        roughly ten times faster on chat text.
        """
        vocab, w, wn, b, lex, cache = self._parts()
        n = len(texts)
        logits = np.zeros((n, 3))
        num = np.zeros((n, wn.shape[0]))
        comp = np.zeros(n)
        for r, (t, lang) in enumerate(zip(texts, languages)):
            (a0, a1, a2, cnt), nums, c = _fast_one(t, lang, lex, vocab, w, cache)
            norm = 1.0 / math.sqrt(cnt) if cnt else 0.0
            logits[r, 0] = a0 * norm
            logits[r, 1] = a1 * norm
            logits[r, 2] = a2 * norm
            num[r] = nums[: wn.shape[0]]
            comp[r] = c
        logits += num @ wn + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        return p, num

    def probabilities_reference(self, texts: list[str], languages: list[str | None]) -> np.ndarray:
        """Slow reference path (feature lists + sparse sums); used by the tests for parity."""
        vocab, w, wn, b, lex, cache = self._parts()
        out = np.zeros((len(texts), 3))
        for r, (t, lang) in enumerate(zip(texts, languages)):
            feats, nums, _ = extract(t, lang, lex)
            ids = [i for i in map(vocab.get, feats) if i is not None]
            z = w[ids].sum(0) / math.sqrt(len(feats)) if feats else np.zeros(3)
            out[r] = z + np.asarray(nums)[: wn.shape[0]] @ wn + b
        out -= out.max(axis=1, keepdims=True)
        p = np.exp(out)
        return p / p.sum(axis=1, keepdims=True)

    def score(self, texts: pd.Series, languages: pd.Series | None = None,
              flags: pd.Series | None = None) -> pd.Series:
        """``flags``: the messages' negative flags when already found (``nlp.flags``);
        passing them saves running the flag patterns a second time."""
        texts = pd.Series(texts) if not isinstance(texts, pd.Series) else texts
        out = pd.Series(np.nan, index=texts.index, dtype="float64", name="sentiment")
        if len(texts) == 0:
            return out
        if languages is None:
            langs = pd.Series([None] * len(texts), index=texts.index, dtype=object)
        else:
            if not isinstance(languages, pd.Series) or (
                    not languages.index.equals(texts.index) and len(languages) == len(texts)
                    and not languages.index.isin(texts.index).all()):
                # not aligned by label: align by position
                langs = pd.Series(list(languages), index=texts.index, dtype=object)
            else:
                langs = languages.reindex(texts.index)
        txt = texts.astype(object)
        mask = txt.map(lambda x: isinstance(x, str) and x.strip() != "").to_numpy(dtype=bool)
        if not mask.any():
            return out
        lang_clean = langs.astype(object).where(langs.notna(), None)
        lang_clean = lang_clean.map(lambda x: str(x).lower().split("-")[0].split("_")[0] if x else None)
        keys = pd.DataFrame({"t": txt[mask].to_numpy(), "l": lang_clean[mask].fillna("").to_numpy()})
        codes, uniq = pd.MultiIndex.from_frame(keys).factorize()
        u_text = [u[0] for u in uniq]
        u_lang = [u[1] or None for u in uniq]
        p, lex_sums = self.probabilities(u_text, u_lang)
        # the flag regex is the costly part: only run it on messages with a negative lexicon word
        # or a question / exclamation / number ("where is my order?? 2 weeks!!!")
        gate = (lex_sums[:, 1] > 0) | (lex_sums[:, 3] > 0)
        comp = np.zeros(len(u_text))
        if flags is not None:
            from kakobuy_xl.nlp.flags import COMPLAINT_FLAGS

            found = flags.reindex(texts.index)[mask].tolist()
            first_row = np.full(len(u_text), -1)
            first_row[codes[::-1]] = np.arange(len(codes))[::-1]  # a row of each unique text
            for i, row in enumerate(first_row):
                f = found[row]
                if isinstance(f, str) and f:
                    comp[i] = sum(1 for x in f.split("; ") if x in COMPLAINT_FLAGS)
        else:
            for i, t in enumerate(u_text):
                if gate[i] or _GATE_CHARS.search(t):
                    comp[i] = complaint_count(t)
        s = probabilities_to_score(p)
        # no word of either lexicon (nor emoji): the n-gram evidence alone is weak and noisy
        # ("do you ship ..." shares n-grams with a swear word), so the score is shrunk
        no_lex = np.abs(lex_sums).sum(axis=1) == 0
        question = np.fromiter(("?" in t or "\uff1f" in t for t in u_text), bool, len(u_text))
        s = np.where(no_lex, s * np.where(question, NO_LEXICON_QUESTION_SHRINK, NO_LEXICON_SHRINK), s)
        # complaint prior: a failed-order phrase caps the score at 0 unless the message also has
        # a positive word of the hand lexicon ("thanks, but it never arrived"), then pulls it down
        no_praise = lex_sums[:, 2] <= 0
        s = np.where((comp > 0) & no_praise, np.minimum(s, 0.0), s)
        s = s - COMPLAINT_PULL * np.minimum(comp, 2)
        s = np.clip(s, -1.0, 1.0)
        out.iloc[np.flatnonzero(mask)] = s[codes]
        return out


def score(texts: pd.Series, languages: pd.Series | None = None) -> pd.Series:
    """Module-level convenience: ``SentimentModel().score``."""
    return SentimentModel().score(texts, languages)
