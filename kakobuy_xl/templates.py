"""Reply templates: the shipped library, its checks, safe rendering and suggestions.

The library is data (``data/templates/<language>.json``, one entry per scenario) and
lands on the Templates sheet, where people edit it and add their own (Custom = yes).
A body holds ``{placeholders}``, optionally with a fallback: ``{customer_name|there}``.
Rendering is one pass over the body, so a value that itself contains braces is never
read as a placeholder, and it never fails: a missing value takes its fallback, or is
left visible as ``[order_id]`` and reported.

>>> render("Hi {customer_name|there}, order {order_id} ships soon.", {}, "en").text
'Hi there, order [order_id] ships soon.'
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping

import pandas as pd

from .keys import id_key
from .schema import INTENTS, LANGUAGES

#: When the shipped library was last revised; shipped templates carry it as Updated.
LIBRARY_DATE = dt.date(2026, 11, 22)
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([^{}]*))?\}")
# Where a body has a brace that is not part of a placeholder.
_STRAY_BRACE = re.compile(r"[{}]")

# Babel locales for our language codes where the bare code is not the usual one.
_DEFAULT_LOCALE = {"pt": "pt_BR", "zh": "zh_Hans_CN"}
# Placeholders rendered by kind; the others are text.
_MONEY = {"amount"}
_DATES = {"eta", "deadline"}
_PERCENT = {"discount"}
_INTEGER = {"days"}


@dataclass(frozen=True)
class Scenario:
    """A situation a reply is written for, and the intents and dispute types it answers."""

    id: str
    name: str
    intents: tuple[str, ...]
    dispute_types: tuple[str, ...]
    content: str
    required: tuple[str, ...]


@lru_cache(maxsize=1)
def _scenario_data() -> dict[str, Any]:
    text = resources.files("kakobuy_xl").joinpath("data/templates/scenarios.json") \
        .read_text(encoding="utf-8")
    return json.loads(text)


def scenarios() -> dict[str, Scenario]:
    """Every scenario of the library, by id, in library order."""
    return {s["id"]: Scenario(s["id"], s["name"], tuple(s["intents"]), tuple(s["dispute_types"]),
                              s["content"], tuple(s["required"]))
            for s in _scenario_data()["scenarios"]}


def placeholders() -> dict[str, str]:
    """The placeholders a template may use, with what each renders to."""
    return dict(_scenario_data()["placeholders"])


def template_id(scenario: str, language: str) -> str:
    """The id of a shipped template: ``shipped_tracking-ko``."""
    return f"{scenario}-{language}"


@lru_cache(maxsize=1)
def _shipped() -> pd.DataFrame:
    rows = []
    folder = resources.files("kakobuy_xl").joinpath("data/templates")
    for language in LANGUAGES:
        part = folder.joinpath(f"{language}.json")
        if not part.is_file():
            continue
        data = json.loads(part.read_text(encoding="utf-8"))
        for t in data["templates"]:
            rows.append({
                "template_id": template_id(t["scenario"], language),
                "scenario": t["scenario"], "language": language, "tone": t.get("tone", ""),
                "subject": t.get("subject", ""), "body": t["body"],
                "keywords": t.get("keywords", ""), "custom": "no",
                "version": int(t.get("version", 1)),
                "updated": pd.Timestamp(t.get("updated", LIBRARY_DATE.isoformat())),
            })
    return pd.DataFrame(rows, columns=["template_id", "scenario", "language", "tone", "subject",
                                       "body", "keywords", "custom", "version", "updated"])


def shipped_library() -> pd.DataFrame:
    """The shipped templates, one row per scenario and language (snake_case columns)."""
    return _shipped().copy()


def library_or_shipped(frame: pd.DataFrame | None) -> pd.DataFrame:
    """The workbook's templates (snake_case columns), or the shipped library when the
    Templates sheet has none (a workbook from before templates shipped)."""
    if frame is not None and (frame["body"].notna() & frame["scenario"].notna()).any():
        return frame
    return shipped_library()


def library_with_shipped(frame: pd.DataFrame | None) -> pd.DataFrame:
    """The workbook's templates, completed by the shipped library for every (scenario,
    language) pair they lack: the user's rows win, shipped rows fill the gaps (a
    workbook made before a scenario shipped still gets its message).

    >>> own = shipped_library().query("scenario == 'thank_you' and language == 'en'")
    >>> both = library_with_shipped(own.assign(body="Thanks!"))
    >>> both.query("scenario == 'thank_you' and language == 'en'")["body"].tolist()
    ['Thanks!']
    >>> len(both) == len(shipped_library())
    True
    """
    shipped = shipped_library()
    if frame is None or not len(frame) or not {"scenario", "language", "body"} \
            <= set(frame.columns):
        return shipped
    own = frame[frame["body"].notna() & frame["scenario"].notna()]
    have = set(zip(own["scenario"].astype(object), own["language"].astype(object)))
    gaps = [(sc, lang) not in have for sc, lang in zip(shipped["scenario"],
                                                        shipped["language"])]
    return pd.concat([own, shipped[gaps]], ignore_index=True)


def sheet_rows(frame: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """Library rows keyed by the Templates sheet's header texts (for a new workbook)."""
    from .schema import SHEETS

    frame = shipped_library() if frame is None else frame
    headers = {c.name: c.header for c in SHEETS["Templates"].columns}
    out = []
    for row in frame.to_dict("records"):
        cells = {headers[k]: (v.date() if isinstance(v, pd.Timestamp) else v)
                 for k, v in row.items() if k in headers}
        cells.setdefault(headers["uses"], 0)  # what the first refresh would write
        out.append(cells)
    return out


# --- checking -------------------------------------------------------------------------

def body_problems(body: Any, scenario: Any = None) -> list[str]:
    """What is wrong with one template body: unknown placeholders, stray braces,
    required placeholders of its scenario that it lacks."""
    if not isinstance(body, str) or not body.strip():
        return ["the Body is empty"]
    problems = []
    allowed = placeholders()
    used = [m.group(1) for m in PLACEHOLDER.finditer(body)]
    unknown = sorted({u for u in used if u not in allowed})
    if unknown:
        problems.append("unknown placeholder " + ", ".join("{" + u + "}" for u in unknown))
    if _STRAY_BRACE.search(PLACEHOLDER.sub("", body)):
        problems.append("a brace that is not part of a {placeholder}")
    sc = scenarios().get(str(scenario)) if scenario else None
    if sc is not None:
        lacking = [r for r in sc.required if r not in used]
        if lacking:
            problems.append("missing placeholder " + ", ".join("{" + r + "}" for r in lacking))
    return problems


def check_library(frame: pd.DataFrame) -> pd.DataFrame:
    """Problems of a template table: per template, and gaps in scenario x language.

    ``frame`` has the Templates sheet's snake_case columns. The result has columns
    ``template_id``, ``problem``; a gap has no template id.
    """
    rows: list[dict[str, str | None]] = []
    ids = frame["template_id"].astype(object)
    keys = id_key(ids)
    dup = keys[keys.notna() & keys.duplicated(keep=False)]
    for key in dict.fromkeys(dup.tolist()):
        rows.append({"template_id": str(key), "problem": "the Template ID is used twice"})
    known = set(scenarios())
    for tid, sc, lang, body in zip(ids, frame["scenario"], frame["language"], frame["body"]):
        for p in body_problems(body, sc):
            rows.append({"template_id": tid, "problem": p})
        if isinstance(sc, str) and sc and sc not in known and _looks_misspelt(sc):
            rows.append({"template_id": tid, "problem": f"unknown scenario '{sc}'"})
        if lang is not None and not (isinstance(lang, float) and math.isnan(lang)) \
                and lang not in LANGUAGES:
            rows.append({"template_id": tid, "problem": f"unknown language '{lang}'"})
    have = set(zip(frame["scenario"].astype(object), frame["language"].astype(object)))
    for sc in known:
        for lang in LANGUAGES:
            if (sc, lang) not in have:
                rows.append({"template_id": None,
                             "problem": f"no template for scenario '{sc}' in '{lang}'"})
    return pd.DataFrame(rows, columns=["template_id", "problem"])


def _looks_misspelt(scenario: str) -> bool:
    # Users may invent scenarios for their own templates; only ids that look like a
    # misspelt shipped one are worth a word.
    import difflib

    return bool(difflib.get_close_matches(scenario, list(scenarios()), n=1, cutoff=0.8))


# --- rendering ------------------------------------------------------------------------

@dataclass
class Rendered:
    """A rendered text and the placeholders that had neither a value nor a fallback."""

    text: str
    missing: list[str] = field(default_factory=list)


@lru_cache(maxsize=256)
def locale_for(language: str | None, country: str | None = None) -> Any:
    """The Babel ``Locale`` for a language and (optionally) the customer's country.

    One object per locale, kept: a Locale loads its CLDR data once, where a locale
    name passed to Babel is parsed and loaded again at every call.
    """
    from babel import Locale, UnknownLocaleError

    language = (language or "en").split("-")[0].lower()
    candidates = [_DEFAULT_LOCALE.get(language, language), "en"]
    if country and isinstance(country, str) and len(country.strip()) == 2:
        candidates.insert(0, f"{language}_{country.strip().upper()}")
    for candidate in candidates:
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    raise AssertionError("Babel always knows English")


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NaT:
        return True
    return isinstance(value, str) and not value.strip()


def format_value(name: str, value: Any, locale: Any, currency: str | None) -> str:
    """One placeholder's value as text for ``locale`` (money, dates, percent, integers)."""
    from babel.dates import format_date
    from babel.numbers import format_currency, format_decimal, format_percent

    try:
        if name in _MONEY and isinstance(value, (int, float)) and not isinstance(value, bool):
            if currency:
                return format_currency(value, currency.upper(), locale=locale)
            return format_decimal(value, format="#,##0.00", locale=locale)
        if name in _DATES and isinstance(value, (dt.date, pd.Timestamp)):
            day = value.date() if isinstance(value, (dt.datetime, pd.Timestamp)) else value
            return format_date(day, "long", locale=locale)
        if name in _PERCENT and isinstance(value, (int, float)):
            return format_percent(value / 100, locale=locale)
        if name in _INTEGER and isinstance(value, float) and value.is_integer():
            return format_decimal(int(value), locale=locale)
    except (ValueError, KeyError):
        pass  # an unknown currency code: fall back to the plain value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render(body: str, values: Mapping[str, Any], language: str | None = "en", *,
           country: str | None = None, currency: str | None = None) -> Rendered:
    """Fill ``body``'s placeholders from ``values``; never raises on a missing value.

    >>> render("{amount} by {eta}", {"amount": 12.5, "eta": dt.date(2025, 7, 4)}, "de",
    ...        currency="EUR").text
    '12,50\\xa0€ by 4. Juli 2025'
    """
    if not isinstance(body, str):
        return Rendered("", ["body"])
    locale = locale_for(language, country)
    missing: list[str] = []

    def fill(m: re.Match[str]) -> str:
        name, fallback = m.group(1), m.group(2)
        value = values.get(name)
        if not _empty(value):
            return format_value(name, value, locale, currency)
        if fallback is not None:
            return fallback
        missing.append(name)
        return f"[{name}]"

    return Rendered(PLACEHOLDER.sub(fill, body), missing)


# --- choosing -------------------------------------------------------------------------

def _intent_scenarios() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {i: [] for i in INTENTS}
    for sc in scenarios().values():
        for intent in sc.intents:
            out.setdefault(intent, []).append(sc.id)
    return out


def scenario_for_intent(intent: Any, *, delayed: bool = False, clarify: bool = False) -> str:
    """The scenario that answers a message of ``intent``.

    An unclear message gets the clarification request; "where is my order" gets the
    tracking reply, or the delay apology when the order is late.
    """
    if clarify or not isinstance(intent, str) or intent not in INTENTS:
        return "clarification_request"
    if intent == "order_status" and delayed:
        return "delivery_delay_apology"
    options = _intent_scenarios().get(intent) or ["clarification_request"]
    return options[0]


def scenario_for_dispute(dispute_type: Any) -> str:
    """The first-reply scenario for a dispute type."""
    for sc in scenarios().values():
        if dispute_type in sc.dispute_types:
            return sc.id
    return "clarification_request"


def _valid_language(x: Any) -> str | None:
    if isinstance(x, str):
        code = x.strip().lower().split("-")[0].split("_")[0]
        if code and code != "und":
            return code
    return None


def choose_language(available: Iterable[str], preferred: Any = None, detected: Any = None,
                    seller: Any = None) -> tuple[str | None, str]:
    """The best language for a reply, and why.

    The customer's Preferred Language, else the language they wrote in, else the
    seller's, else English; each only when a template exists in it.
    """
    code, why, _factor = _choose_language(available, preferred, detected, seller)
    return code, why


# Why a language was chosen, and how much that keeps of a suggestion's score: a reply
# the customer cannot read well is worth less.
_BY_PREFERENCE = ("the customer's preferred language", 1.0)
_BY_MESSAGE = ("the language of the message", 1.0)
_BY_SELLER = ("the seller's language", 0.8)
_BY_ENGLISH = ("English, the last resort", 0.6)


def _choose_language(available: Iterable[str], preferred: Any, detected: Any,
                     seller: Any) -> tuple[str | None, str, float]:
    have = set(available)
    for code, (why, factor) in ((_valid_language(preferred), _BY_PREFERENCE),
                                (_valid_language(detected), _BY_MESSAGE),
                                (_valid_language(seller), _BY_SELLER),
                                ("en", _BY_ENGLISH)):
        if code and code in have:
            return code, why, factor
    return None, "no template in any suitable language", 0.0


_WORD = re.compile(r"\w+", re.UNICODE)


def _keyword_hits(keywords: Any, text: str) -> list[str]:
    if not isinstance(keywords, str) or not keywords.strip() or not text:
        return []
    folded = text.casefold()
    return [k.strip() for k in keywords.split(",") if k.strip() and k.strip().casefold() in folded]


@dataclass
class Suggestion:
    """The template chosen for a message, with a score in [0, 1] and the reason."""

    template_id: str | None
    language: str | None
    scenario: str
    score: float
    reason: str


class TemplateIndex:
    """Templates by (scenario, language), users' own first; built once per table."""

    def __init__(self, templates: pd.DataFrame) -> None:
        # Plain rows, read once: a suggestion for every message must not touch pandas.
        self.rows: list[dict[str, Any]] = templates.to_dict("records")
        self.custom = [str(r.get("custom")).strip().lower() == "yes" for r in self.rows]
        self.by_key: dict[tuple[str, str], list[int]] = {}
        self._languages: dict[str, list[str]] = {}
        for i in sorted(range(len(self.rows)), key=lambda i: (not self.custom[i], i)):
            r = self.rows[i]
            sc, lang = r.get("scenario"), r.get("language")
            if isinstance(sc, str) and isinstance(lang, str) and isinstance(r.get("body"), str):
                if (sc, lang) not in self.by_key:
                    self._languages.setdefault(sc, []).append(lang)
                self.by_key.setdefault((sc, lang), []).append(i)

    def languages(self, scenario: str) -> list[str]:
        return self._languages.get(scenario, [])

    def pick(self, scenario: str, language: str, text: str = "") -> tuple[int, list[str]] | None:
        """The row for scenario and language: the one whose keywords match most,
        a user's own template winning ties."""
        rows = self.by_key.get((scenario, language))
        if not rows:
            return None
        hits = {i: _keyword_hits(self.rows[i].get("keywords"), text) for i in rows}
        best = max(rows, key=lambda i: len(hits[i]))
        return best, hits[best]

    def row(self, i: int) -> dict[str, Any]:
        return self.rows[i]


def suggest_one(index: TemplateIndex, text: str, intent: Any, confidence: Any,
                clarify: bool, *, detected: Any = None, preferred: Any = None,
                seller_language: Any = None, delayed: bool = False) -> Suggestion:
    """The template for one message: intent -> scenario -> best language."""
    scenario = scenario_for_intent(intent, delayed=delayed, clarify=clarify)
    language, why, lang_factor = _choose_language(index.languages(scenario), preferred,
                                                  detected, seller_language)
    if language is None:
        return Suggestion(None, None, scenario, 0.0,
                          f"no template for scenario {scenario}; add one on the Templates sheet")
    picked = index.pick(scenario, language, text or "")
    assert picked is not None
    i, hits = picked
    conf = float(confidence) if isinstance(confidence, (int, float)) and not (
        isinstance(confidence, float) and math.isnan(confidence)) else 0.5
    # The score says how sure the whole chain is: the intent's confidence, lowered
    # when the reply cannot be in the customer's own language, raised a little by
    # the template's keywords found in the message.
    if clarify:
        conf = max(conf, 0.5)
    score = min(1.0, conf * lang_factor + 0.05 * min(len(hits), 3))
    row = index.row(i)
    parts = []
    if clarify:
        parts.append("the message is unclear, so ask for details")
    elif isinstance(intent, str):
        parts.append(f"intent {intent} ({conf:.2f})")
    if delayed and scenario == "delivery_delay_apology" and intent == "order_status":
        parts.append("the order is late")
    parts.append(f"scenario {scenario}")
    parts.append(f"{language}: {why}")
    if hits:
        parts.append("keywords " + ", ".join(hits[:3]))
    if index.custom[i]:
        parts.append("your own template")
    return Suggestion(str(row["template_id"]), language, scenario, round(score, 3),
                      "; ".join(parts))


def suggest_templates(templates: pd.DataFrame, texts: pd.Series, intents: pd.Series,
                      confidences: pd.Series, clarify: pd.Series, *,
                      detected: pd.Series | None = None, preferred: pd.Series | None = None,
                      delayed: pd.Series | None = None,
                      seller_language: str | None = None) -> pd.DataFrame:
    """A suggestion for every message (columns template_id, language, scenario, score,
    reason), indexed like ``texts``. Identical inputs are decided once."""
    index = TemplateIndex(templates)
    n = len(texts)

    def col(s: pd.Series | None) -> list[Any]:
        return [None] * n if s is None else s.reindex(texts.index).tolist()

    memo: dict[tuple[Any, ...], Suggestion] = {}
    out = []
    for key in zip(texts.tolist(), intents.reindex(texts.index).tolist(),
                   confidences.reindex(texts.index).tolist(),
                   clarify.reindex(texts.index).tolist(), col(detected), col(preferred),
                   col(delayed)):
        hashable = tuple(None if isinstance(k, float) and math.isnan(k) else k for k in key)
        s = memo.get(hashable)
        if s is None:
            text, intent, conf, unclear, det, pref, late = key
            s = memo[hashable] = suggest_one(
                index, text if isinstance(text, str) else "", intent, conf,
                unclear is True or unclear == "yes", detected=det, preferred=pref,
                seller_language=seller_language, delayed=late is True or late == "yes")
        out.append(s)
    return pd.DataFrame({"template_id": [s.template_id for s in out],
                         "language": [s.language for s in out],
                         "scenario": [s.scenario for s in out],
                         "score": [s.score for s in out],
                         "reason": [s.reason for s in out]}, index=texts.index)


def tracking_url(tracking_no: Any) -> str | None:
    """A carrier-neutral tracking page for a number (17TRACK knows most carriers)."""
    if _empty(tracking_no):
        return None
    return f"https://t.17track.net/#nums={str(tracking_no).strip()}"


def reply_values(order: Mapping[str, Any] | None, customer: Mapping[str, Any] | None, *,
                 seller_name: str = "", home_currency: str | None = None,
                 extra: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], str | None]:
    """Placeholder values from an order and a customer row (snake_case keys), and the
    currency to render money in."""
    order = order or {}
    customer = customer or {}
    values: dict[str, Any] = {
        "customer_name": customer.get("name"),
        "order_id": order.get("order_id"),
        "product": order.get("product"),
        "tracking_no": order.get("tracking_no"),
        "carrier": order.get("carrier"),
        "tracking_url": tracking_url(order.get("tracking_no")),
        "amount": order.get("order_value"),
        "eta": order.get("expected_delivery"),
        "group_buy_id": order.get("group_buy_id"),
        "seller_name": seller_name or None,
    }
    for k, v in (extra or {}).items():
        if not _empty(v):
            values[k] = v
    currency = order.get("currency")
    currency = currency.strip().upper() if isinstance(currency, str) and currency.strip() \
        else home_currency
    values["currency"] = currency
    return {k: v for k, v in values.items() if not _empty(v)}, currency
