"""Cultural and tone check of outgoing text, per target language.

Flags expressions that read as rude, too casual or culturally loaded in the customer's
language -- blunt blame, "du"/"tu"/"ты"/"你" where a formal "you" is expected, "cheap"
words that suggest low quality, unlucky numbers in zh/ja/ko amounts, emoji gestures that
are insults in some countries, ALL CAPS, "!!!", a Japanese/Korean/Thai message without
its honorific or polite particle -- each with a suggestion.

The rules are data: ``data/tone/rules.csv`` (language, pattern, kind, message, suggestion,
source). ``language`` is a code of ``schema.LANGUAGES`` or ``*`` for every language;
``pattern`` is a regular expression matched case-insensitively on the NFKC-normalised text
(``(?-i:...)`` for case-sensitive parts; a plain word is a valid pattern); ``source`` says
where the convention is documented. A ``missing_honorific`` rule flags a message in which
its pattern is *absent* (only messages of some length, written in that language's script).
The rules are deliberately modest: a flag is a hint for the seller, never a block.

>>> [f.kind for f in check_tone("Hey, you must send it back!!!", "en")]
['too_casual', 'rude', 'too_casual']
>>> check_tone("Sehr geehrte Damen und Herren, anbei 4 Stück.", "de")
[]
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .errors import ConfigError

RULES_PATH = Path(__file__).resolve().parent / "data" / "tone" / "rules.csv"
KINDS = ("rude", "too_casual", "culturally_loaded", "unlucky_number", "emoji_gesture",
         "missing_honorific")
COLUMNS = ("language", "pattern", "kind", "message", "suggestion", "source")
ALL = "*"

# A missing honorific is only worth flagging in a message written in that script and long
# enough to be a message (not "OK" or a name).
_SCRIPTS = {
    "ja": re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]"),
    "ko": re.compile(r"[\uac00-\ud7af]"),
    "th": re.compile(r"[\u0e00-\u0e7f]"),
}
MIN_HONORIFIC_LENGTH = 10


@dataclass(frozen=True)
class Rule:
    language: str
    pattern: str
    kind: str
    message: str
    suggestion: str
    source: str


@dataclass(frozen=True)
class Finding:
    """One flag: what was found (``match``, empty for a missing honorific), why, and what
    to write instead."""

    kind: str
    match: str
    message: str
    suggestion: str
    language: str
    source: str = ""

    @property
    def short(self) -> str:
        """The flag as one cell shows it."""
        label = self.kind.replace("_", " ")
        if not self.match:
            return f"{label}: {self.suggestion}"
        return f"{label} '{self.match}': {self.suggestion}"


def load_rules(path: str | Path = RULES_PATH) -> list[Rule]:
    """The rules of the file, checked: known kinds, valid patterns (ConfigError naming the
    line otherwise)."""
    # Shipped data (or a seller's own copy), read as text.
    text = Path(path).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ConfigError(f"The tone rules file {path} has no column {', '.join(missing)} "
                          f"(found: {', '.join(reader.fieldnames or [])}).")
    rules = []
    for line, row in enumerate(reader, start=2):
        rule = Rule(*((row.get(c) or "").strip() for c in COLUMNS))
        if rule.kind not in KINDS:
            raise ConfigError(f"Tone rule on line {line} of {path} has kind '{rule.kind}' "
                              f"(known: {', '.join(KINDS)}).")
        try:
            re.compile(rule.pattern)
        except re.error as exc:
            raise ConfigError(f"Tone rule on line {line} of {path} has a broken pattern "
                              f"{rule.pattern!r}: {exc}.") from exc
        rules.append(rule)
    return rules


def _language(code: object) -> str | None:
    if not isinstance(code, str) or not code.strip():
        return None
    return code.strip().lower().replace("_", "-").split("-")[0]


@lru_cache(maxsize=64)
def _compiled(language: str | None, path: str = str(RULES_PATH)) -> tuple[tuple[Rule, re.Pattern[str]], ...]:
    """Rules of ``language`` and of every language, compiled once."""
    return tuple((r, re.compile(r.pattern, re.IGNORECASE | re.MULTILINE))
                 for r in _all_rules(path) if r.language in (ALL, language))


@lru_cache(maxsize=4)
def _all_rules(path: str) -> tuple[Rule, ...]:
    return tuple(load_rules(path))


def check_tone(text: str, language: str | None, rules_path: str | Path = RULES_PATH) -> list[Finding]:
    """Tone and cultural flags of ``text`` written in ``language`` (a code such as ja or
    pt-BR; an unknown or empty one gets the rules of every language only).

    >>> [f.short for f in check_tone("Merci pour ta commande", "fr")]
    ["too casual 'ta': vouvoyez : vous, votre, vos"]
    """
    if not isinstance(text, str) or not text.strip():
        return []
    lang = _language(language)
    normal = unicodedata.normalize("NFKC", text).replace("\u2019", "'")
    findings: list[tuple[int, Finding]] = []  # (position, finding): reported in reading order
    seen: set[tuple[str, str]] = set()
    for rule, rx in _compiled(lang, str(rules_path)):
        if rule.kind == "missing_honorific":
            script = _SCRIPTS.get(rule.language)
            long_enough = len("".join(normal.split())) >= MIN_HONORIFIC_LENGTH
            if long_enough and (script is None or script.search(normal)) and \
                    not rx.search(normal):
                findings.append((len(normal), Finding(rule.kind, "", rule.message,
                                                      rule.suggestion, rule.language,
                                                      rule.source)))
            continue
        for m in rx.finditer(normal):
            found = m.group().strip()
            key = (rule.kind, found.lower())
            if found and key not in seen:
                seen.add(key)
                findings.append((m.start(), Finding(rule.kind, found, rule.message,
                                                    rule.suggestion, rule.language,
                                                    rule.source)))
    return [f for _, f in sorted(findings, key=lambda p: p[0])]


def check_tone_column(texts: pd.Series, languages: str | pd.Series | None = None,
                      rules_path: str | Path = RULES_PATH) -> pd.Series:
    """The flags of each text as one cell: "; "-joined short flags with suggestions, ""
    when nothing is flagged. Each distinct (text, language) is checked once.

    >>> check_tone_column(pd.Series(["Hey there", "Hello"]), "en").tolist()
    ["too casual 'Hey': Hello / Dear ...", '']
    """
    if not isinstance(texts, pd.Series):
        texts = pd.Series(list(texts), dtype=object)
    langs = (languages.reindex(texts.index).tolist() if isinstance(languages, pd.Series)
             else [languages] * len(texts))
    done: dict[tuple[object, str | None], str] = {}
    out = []
    for text, lang in zip(texts.tolist(), langs):
        if not isinstance(text, str):
            out.append("")
            continue
        key = (text, _language(lang))
        if key not in done:
            done[key] = "; ".join(f.short for f in check_tone(text, key[1], rules_path))
        out.append(done[key])
    return pd.Series(out, index=texts.index, dtype=object, name=texts.name)


__all__ = ["Finding", "KINDS", "Rule", "check_tone", "check_tone_column", "load_rules"]
