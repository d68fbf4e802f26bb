"""Replies: which template answers each message and dispute, filled in for the customer.

Joins the workbook's tables (customers, orders) to the template engine in
:mod:`kakobuy_xl.templates`: the customer's language and name, the order's tracking,
amount and dates, the seller's signature.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .keys import first_by_id, id_key, related
from .templates import (TemplateIndex, choose_language, render, reply_values, scenario_for_intent,
                        shipped_library, suggest_one, suggest_templates)


def _records(frame: pd.DataFrame | None, key: str,
             wanted: pd.Series) -> dict[Any, dict[str, Any]]:
    """The rows of ``frame`` whose key is among ``wanted`` (id keys), by key; the first
    row wins. Only those rows become dicts: a shop has far more orders than disputes."""
    if frame is None or not len(frame):
        return {}
    keys = id_key(frame[key])
    needed = keys.isin(set(wanted.dropna())) & ~keys.duplicated()
    return dict(zip(keys[needed].tolist(), frame[needed.to_numpy()].to_dict("records")))


def _text(v: Any) -> str | None:
    if isinstance(v, str) and v.strip():
        return v.strip()
    return None


def customer_languages(customers: pd.DataFrame | None) -> pd.Series:
    """Preferred Language, else Language (auto), by normalised Customer ID."""
    if customers is None or not len(customers):
        return pd.Series(dtype=object)
    pref = customers["preferred_language"].astype(object)
    auto = customers.get("language_auto", pd.Series(None, index=customers.index)).astype(object)
    lang = pref.where(pref.map(lambda v: _text(v) is not None), auto)
    return first_by_id(customers["customer_id"], lang)


def message_suggestions(interactions: pd.DataFrame, templates: pd.DataFrame,
                        customers: pd.DataFrame | None, orders: pd.DataFrame | None,
                        seller_language: str) -> pd.DataFrame:
    """The suggested template of every inbound message (outbound rows: empty).

    Needs the message-analysis columns (language, intent, intent_confidence,
    needs_clarification) already on ``interactions``.
    """
    inbound = (interactions["direction"] != "out") & interactions["message"].notna()
    inter = interactions[inbound]
    preferred = None
    if customers is not None and len(customers):
        preferred = related(id_key(inter["customer_id"]), customers["customer_id"],
                            customers["preferred_language"])
    delayed = None
    if orders is not None and len(orders) and "delay_flag" in orders:
        delayed = related(id_key(inter["order_id"]), orders["order_id"], orders["delay_flag"])
    result = suggest_templates(
        templates, inter["message"], inter["intent"], inter["intent_confidence"],
        inter["needs_clarification"], detected=inter["language"], preferred=preferred,
        delayed=delayed, seller_language=seller_language)
    return result.reindex(interactions.index)


@dataclass
class Reply:
    """A rendered reply for one dispute or message."""

    template_id: str | None
    language: str | None
    text: str | None
    missing: list[str]
    reason: str


def dispute_replies(disputes: pd.DataFrame, scenarios: pd.Series, templates: pd.DataFrame,
                    customers: pd.DataFrame | None, orders: pd.DataFrame | None,
                    interactions: pd.DataFrame | None, *, seller_name: str = "",
                    seller_language: str = "en", home_currency: str = "USD") -> list[Reply]:
    """The reply for each dispute's current workflow step (``scenarios``, per dispute),
    in the customer's language, filled in from the order and the customer."""
    index = TemplateIndex(templates)
    cust = _records(customers, "customer_id", id_key(disputes["customer_id"]))
    ords = _records(orders, "order_id", id_key(disputes["order_id"]))
    langs = customer_languages(customers)
    # The language the customer last wrote in about this dispute.
    written: dict[Any, Any] = {}
    if interactions is not None and len(interactions) and "language" in interactions:
        inb = interactions[(interactions["direction"] != "out") &
                           interactions["dispute_id"].notna()].sort_values("timestamp")
        for k, lang in zip(id_key(inb["dispute_id"]).tolist(), inb["language"].tolist()):
            if _text(lang) and lang != "und":
                written[k] = lang
    out: list[Reply] = []
    for d_key, c_key, o_key, scenario, amount in zip(
            id_key(disputes["dispute_id"]).tolist(), id_key(disputes["customer_id"]).tolist(),
            id_key(disputes["order_id"]).tolist(), scenarios.reindex(disputes.index).tolist(),
            disputes["resolution_amount"].tolist()):
        if not isinstance(scenario, str):
            out.append(Reply(None, None, None, [], "no reply needed"))
            continue
        customer = cust.get(c_key)
        language, why = choose_language(index.languages(scenario),
                                        langs.get(c_key) if c_key is not None else None,
                                        written.get(d_key), seller_language)
        if language is None:
            out.append(Reply(None, None, None, [], f"no template for {scenario}"))
            continue
        picked = index.pick(scenario, language)
        assert picked is not None
        row = index.row(picked[0])
        extra = {}
        if isinstance(amount, (int, float)) and not math.isnan(amount):
            extra["amount"] = amount
        values, currency = reply_values(ords.get(o_key), customer, seller_name=seller_name,
                                        home_currency=home_currency, extra=extra)
        country = customer.get("country") if customer else None
        rendered = render(row["body"], values, language, country=country, currency=currency)
        out.append(Reply(str(row["template_id"]), language, rendered.text, rendered.missing,
                         f"scenario {scenario}; {language}: {why}"))
    return out


@dataclass
class SuggestResult:
    """What ``kakobuy suggest`` prints."""

    template_id: str | None
    language: str | None
    score: float
    reason: str
    reply: str | None
    intent: str | None
    detected_language: str | None
    missing: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"template_id": self.template_id, "language": self.language,
                "score": self.score, "reason": self.reason, "reply": self.reply}


def suggest_reply(message: str, analysis: dict[str, Any], *,
                  templates: pd.DataFrame | None = None,
                  customer: dict[str, Any] | None = None, order: dict[str, Any] | None = None,
                  seller_name: str = "", seller_language: str = "en",
                  home_currency: str = "USD") -> SuggestResult:
    """One message in, the best template and the rendered reply out.

    ``analysis`` holds the message's ``language``, ``intent``, ``intent_confidence`` and
    ``needs_clarification`` (from :func:`kakobuy_xl.nlp.analysis.analyse_messages`).
    """
    templates = shipped_library() if templates is None else templates
    index = TemplateIndex(templates)
    delayed = bool(order) and order.get("delay_flag") == "yes"
    s = suggest_one(index, message, analysis.get("intent"), analysis.get("intent_confidence"),
                    analysis.get("needs_clarification") == "yes",
                    detected=analysis.get("language"),
                    preferred=(customer or {}).get("preferred_language"),
                    seller_language=seller_language, delayed=delayed)
    reply, missing = None, []
    if s.template_id is not None:
        row = templates[templates["template_id"] == s.template_id].iloc[0].to_dict()
        values, currency = reply_values(order, customer, seller_name=seller_name,
                                        home_currency=home_currency)
        r = render(row["body"], values, s.language,
                   country=(customer or {}).get("country"), currency=currency)
        reply, missing = r.text, r.missing
    return SuggestResult(s.template_id, s.language, s.score, s.reason, reply,
                         analysis.get("intent"), analysis.get("language"), missing)


__all__ = ["Reply", "SuggestResult", "customer_languages", "dispute_replies",
           "message_suggestions", "scenario_for_intent", "suggest_reply"]


# --- worksheet functions (=KB_TEMPLATE, =KB_REPLY, =KB_GRADE) ---------------------------
# They see only their arguments, not the workbook: the shipped library is their
# template source, and the refresh columns are where the workbook's own templates apply.

def _analysed(messages: pd.Series, languages: pd.Series) -> pd.DataFrame:
    from .nlp.analysis import analyse_messages

    return analyse_messages(messages, languages, None)


def _formula_template(message: pd.Series, language: pd.Series) -> pd.Series:
    a = _analysed(message, language)
    out = suggest_templates(shipped_library(), message, a["intent"], a["intent_confidence"],
                            a["needs_clarification"], detected=a["language"],
                            preferred=language)
    return out["template_id"]


def _formula_reply(message: pd.Series, language: pd.Series, customer_name: pd.Series,
                   order_id: pd.Series) -> pd.Series:
    a = _analysed(message, language)
    library = shipped_library()
    picked = suggest_templates(library, message, a["intent"], a["intent_confidence"],
                               a["needs_clarification"], detected=a["language"],
                               preferred=language)
    bodies = dict(zip(library["template_id"], library["body"]))
    out = []
    for tid, lang, name, order in zip(picked["template_id"], picked["language"],
                                      customer_name.tolist(), order_id.tolist()):
        if tid is None:
            out.append(None)
            continue
        out.append(render(bodies[tid], {k: v for k, v in (("customer_name", name),
                                                          ("order_id", order)) if v},
                          lang).text)
    return pd.Series(out, index=message.index, dtype=object)


def _formula_grade(description: pd.Series, platform_case_id: pd.Series,
                   amount: pd.Series) -> pd.Series:
    from .disputes import grade_disputes

    a = _analysed(description, pd.Series([None] * len(description), index=description.index))
    frame = pd.DataFrame({"platform_case_id": platform_case_id.tolist(),
                          "status": [None] * len(description), "type": [None] * len(description),
                          "resolution": [None] * len(description)}, index=description.index)
    intents = pd.Series([frozenset([i]) if isinstance(i, str) else frozenset()
                         for i in a["intent"]], index=description.index)
    values = pd.to_numeric(amount, errors="coerce").astype(float)
    return grade_disputes(frame, description, message_intents=intents,
                          order_values=values)["grade_auto"]


FORMULA_COMPUTATIONS = {
    "KB_TEMPLATE": _formula_template,
    "KB_REPLY": _formula_reply,
    "KB_GRADE": _formula_grade,
}
