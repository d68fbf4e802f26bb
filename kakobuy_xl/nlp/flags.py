"""Complaint flags: which dispute topics a customer message mentions, in 17 languages.

``negative_flags(texts)`` returns, per message, the canonical English flag names found (in the
fixed order of ``FLAGS``) joined by "; " -- e.g. "never arrived; refund" -- or "" when none.

The patterns live in ``data/flags/flags.csv`` (flag, language, pattern: a regular expression
fragment matched against the NFKC-normalised, lower-cased text).  All patterns of all languages
are compiled into ONE regular expression with a named group per flag, so a message is scanned
once whatever its language; ``languages`` is accepted for API symmetry but not needed (language
detection on short chat is unreliable, and the patterns rarely collide across languages).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import pandas as pd

FLAGS_PATH = Path(__file__).resolve().parents[1] / "data" / "flags" / "flags.csv"

#: Canonical flag names, in output order.
FLAGS = (
    "never arrived", "delay", "broken", "wrong item", "missing", "quality", "scam",
    "chargeback", "bad review", "refund", "return", "cancel", "customs",
)

#: Flags that describe a failed order (used by the sentiment model as a negative prior);
#: refund / return / cancel / customs requests are often neutral questions.
COMPLAINT_FLAGS = frozenset({
    "never arrived", "delay", "broken", "wrong item", "missing", "quality", "scam",
    "chargeback", "bad review",
})


def _group(flag: str) -> str:
    return "f_" + re.sub(r"\W", "_", flag)


def load_patterns(path: Path = FLAGS_PATH) -> list[tuple[str, str, str]]:
    # Shipped data, read as text (the core opens no files of its own).
    text = Path(path).read_text(encoding="utf-8")
    rows = [(r["flag"].strip(), r["language"].strip(), r["pattern"])
            for r in csv.DictReader(io.StringIO(text, newline=""))]
    unknown = {f for f, _, _ in rows} - set(FLAGS)
    if unknown:
        raise ValueError(f"unknown flag names in {path}: {sorted(unknown)}")
    return rows


#: Languages whose patterns are matched as substrings (no spaces, or attached prefixes such as
#: Arabic "ال"); their regex only runs when the message contains one of these scripts.
SUBSTRING_LANGS = frozenset({"ja", "ko", "zh", "th", "ar", "hi"})
_SUBSTRING_SCRIPTS = re.compile(
    r"[\u0600-\u06FF\u0900-\u097F\u0E00-\u0E7F\u3040-\u30FF\u3400-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF]"
)


def _build(rows, prefix: str) -> re.Pattern | None:
    by_flag: dict[str, list[str]] = {f: [] for f in FLAGS}
    for flag, _lang, pattern in rows:
        re.compile(pattern)  # fail early with the offending row
        by_flag[flag].append(f"(?:{pattern})")
    parts = [f"(?P<{_group(f)}>{'|'.join(p)})" for f, p in by_flag.items() if p]
    return re.compile(prefix + "(?:" + "|".join(parts) + ")") if parts else None


@lru_cache(maxsize=4)
def _patterns(path: str) -> tuple[tuple[str, str, str], ...]:
    return tuple(load_patterns(Path(path)))


def _compile(rows: Sequence[tuple[str, str, str]]) -> tuple[re.Pattern | None, re.Pattern | None]:
    r"""(word-start regex for spaced languages, substring regex for CJK/Thai/Arabic/Hindi).

    The first is anchored at word starts (``(?<!\w)``), so its alternatives are only tried
    where a word begins; the second only runs on messages containing one of those scripts.
    """
    words = _build([r for r in rows if r[1] not in SUBSTRING_LANGS or r[1] == "hi"], r"(?<!\w)")
    subs = _build([r for r in rows if r[1] in SUBSTRING_LANGS], "")
    return words, subs


@lru_cache(maxsize=4)
def compiled(path: str = str(FLAGS_PATH)) -> tuple[re.Pattern | None, re.Pattern | None]:
    """The patterns of every language (see :func:`_compile`)."""
    return _compile(_patterns(path))


@lru_cache(maxsize=64)
def compiled_for(language: str | None, path: str = str(FLAGS_PATH)) -> tuple[re.Pattern | None, re.Pattern | None]:
    """Only the patterns of ``language`` and English (customers mix in English words): a
    sixth of the alternatives, so much faster. An unknown or missing language gets every
    pattern."""
    rows = _patterns(path)
    if not language or language not in {lang for _f, lang, _p in rows}:
        return compiled(path)
    return _compile([r for r in rows if r[1] in (language, "en")])


_GROUP_TO_FLAG = {_group(f): f for f in FLAGS}
_ORDER = {f: i for i, f in enumerate(FLAGS)}


def prepare(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\u2019", "'").lower()


def flags_of(text: str, rx=None) -> list[str]:
    """Flag names found in one message, in canonical order."""
    if not isinstance(text, str) or not text.strip():
        return []
    words, subs = rx or compiled()
    t = prepare(text)
    found = set()
    if words is not None:
        found.update(m.lastgroup for m in words.finditer(t))
    if subs is not None and _SUBSTRING_SCRIPTS.search(t):
        found.update(m.lastgroup for m in subs.finditer(t))
    return sorted((_GROUP_TO_FLAG[g] for g in found), key=_ORDER.__getitem__)


def negative_flags(texts: pd.Series, languages: pd.Series | None = None) -> pd.Series:
    """Complaint flags per message ("delay; refund"), "" for none / empty / missing text."""
    texts = texts if isinstance(texts, pd.Series) else pd.Series(texts)
    langs = (languages.reindex(texts.index).tolist() if languages is not None
             else [None] * len(texts))
    cache: dict[tuple[str, object], str] = {}
    out = []
    for t, lang in zip(texts.tolist(), langs):
        if not isinstance(t, str):
            out.append("")
            continue
        lang = lang if isinstance(lang, str) else None
        r = cache.get((t, lang))
        if r is None:
            r = "; ".join(flags_of(t, compiled_for(lang)))
            cache[(t, lang)] = r
        out.append(r)
    return pd.Series(out, index=texts.index, dtype=object, name="flags")
