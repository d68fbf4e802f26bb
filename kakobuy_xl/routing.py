"""Routing: who answers each inbound message (the Interactions ``Route To`` column).

The Settings row ``routing`` maps intents and languages to handlers::

    refund_request, return_request -> Mina; ja, ko -> Yuki; delivery_delay -> Alex; * -> Alex

Rules are separated by ``;`` or new lines; each is names (intents of
:data:`kakobuy_xl.schema.INTENTS` or language codes of :data:`~kakobuy_xl.schema.LANGUAGES`),
an arrow (``->``, ``=>`` or ``→``) and a handler. ``*`` is the fallback.

Precedence, first wins, for an inbound message:

1. Needs Clarification = yes: the clarification queue (a question must go back first);
2. the first rule, in the order written, naming the message's intent or language;
3. the handler of the message's dispute, else of the customer's latest open dispute;
4. the ``*`` rule;
5. nobody (empty).

Outbound messages are not routed.

>>> rules = parse_routing("refund_request -> Mina; ja -> Yuki; * -> Alex")
>>> rules.handler_for("refund_request", "ja"), rules.handler_for("other", "ja")
('Mina', 'Yuki')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .errors import ConfigError
from .frames import column as _col, filled as _filled
from .keys import id_key, lookup, map_distinct
from .schema import CLOSED_DISPUTE_STATUSES, INTENTS, LANGUAGES

DEFAULT_CLARIFICATION_QUEUE = "clarify"
#: Columns of :func:`clarification_queue`.
QUEUE_COLUMNS = ["excel_row", "interaction_id", "timestamp", "customer_id", "channel",
                 "message", "language", "intent"]

_ARROW = re.compile(r"\s*(?:->|=>|→)\s*")


@dataclass(frozen=True)
class Rule:
    """Messages whose intent or language is in ``names`` go to ``handler``."""

    names: frozenset[str]
    handler: str


@dataclass(frozen=True)
class RoutingRules:
    """Rules in the order written, and the ``*`` fallback handler."""

    rules: tuple[Rule, ...] = ()
    fallback: str | None = None

    def handler_for(self, intent: str | None, language: str | None) -> str | None:
        """The handler of the first rule naming ``intent`` or ``language``, else the
        fallback (one message; :func:`route` does whole columns)."""
        for rule in self.rules:
            if intent in rule.names or language in rule.names:
                return rule.handler
        return self.fallback


def parse_routing(text: str | None, *, setting: str = "routing") -> RoutingRules:
    """Read the ``routing`` setting; empty text means no rules.

    Raises ConfigError naming the setting and what was found for: a rule without an
    arrow or a handler, a name that is neither an intent nor a language, a name routed
    twice (the second rule could never apply), two ``*`` rules.
    """
    if text is None or not str(text).strip():
        return RoutingRules()
    rules: list[Rule] = []
    fallback: str | None = None
    seen: dict[str, str] = {}
    for raw in re.split(r"[;\n]+", str(text)):
        part = raw.strip()
        if not part:
            continue
        pieces = _ARROW.split(part)
        if len(pieces) != 2 or not pieces[1].strip():
            raise ConfigError(
                f"Setting '{setting}': the rule '{part}' is not 'names -> handler'. Write it "
                "like 'refund_request, return_request -> Mina; ja -> Yuki; * -> Alex'.")
        left, handler = pieces[0], pieces[1].strip()
        names = [n.strip().casefold() for n in left.split(",") if n.strip()]
        if not names:
            raise ConfigError(f"Setting '{setting}': the rule '{part}' names no intent or "
                              "language before the arrow.")
        if "*" in names:
            if len(names) > 1:
                raise ConfigError(f"Setting '{setting}': '*' stands alone in its rule "
                                  f"(found '{left.strip()}').")
            if fallback is not None:
                raise ConfigError(f"Setting '{setting}': '*' is routed twice (to {fallback} "
                                  f"and {handler}); keep one.")
            fallback = handler
            continue
        for name in names:
            if name not in INTENTS and name not in LANGUAGES:
                raise ConfigError(
                    f"Setting '{setting}': '{name}' is neither an intent nor a language "
                    f"(intents: {', '.join(INTENTS)}; languages: {', '.join(LANGUAGES)}).")
            if name in seen:
                raise ConfigError(
                    f"Setting '{setting}': '{name}' is routed twice (to {seen[name]} and "
                    f"{handler}); the first rule wins, so remove it from one of them.")
            seen[name] = handler
        rules.append(Rule(frozenset(names), handler))
    return RoutingRules(tuple(rules), fallback)


def _lower(series: pd.Series) -> pd.Series:
    return map_distinct(series, lambda v: v.strip().casefold() if isinstance(v, str) else "",
                        "")


def dispute_handlers(interactions: pd.DataFrame, disputes: pd.DataFrame | None) -> pd.Series:
    """For each message, the Handler of its dispute, else of its customer's latest open
    dispute (latest by Opened At), else None."""
    out = pd.Series([None] * len(interactions), index=interactions.index, dtype=object)
    if disputes is None or not len(disputes) or "handler" not in disputes:
        return out
    has = _filled(disputes["handler"])
    d = disputes[has.to_numpy()]
    handlers = d["handler"].astype(object).map(lambda v: v.strip())
    by_dispute = pd.Series(handlers.tolist(), index=id_key(d["dispute_id"]).tolist())
    by_dispute = by_dispute[by_dispute.index.notna() & ~by_dispute.index.duplicated()]
    open_ = ~_lower(_col(d, "status")).isin(CLOSED_DISPUTE_STATUSES)
    opened = pd.to_datetime(_col(d, "opened_at"), errors="coerce")
    latest = pd.DataFrame({"key": id_key(_col(d, "customer_id")), "at": opened,
                           "handler": handlers})[open_.to_numpy()]
    latest = latest.dropna(subset=["key"]).sort_values("at", na_position="first",
                                                       kind="stable")
    by_customer = latest.drop_duplicates("key", keep="last").set_index("key")["handler"]
    out = lookup(id_key(_col(interactions, "dispute_id")), by_dispute)
    fallback = lookup(id_key(_col(interactions, "customer_id")), by_customer)
    both = out.where(out.notna(), fallback)
    return both.astype(object).where(both.notna(), None)


def route(interactions: pd.DataFrame, rules: RoutingRules | str | None, *,
          disputes: pd.DataFrame | None = None,
          clarification_queue: str = DEFAULT_CLARIFICATION_QUEUE) -> pd.Series:
    """``Route To`` for every message (None for outbound ones), in the precedence of the
    module docstring. Needs the analysis columns ``intent``, ``language`` and
    ``needs_clarification`` (absent ones count as empty).

    >>> frame = pd.DataFrame({"direction": ["in", "in", "out"], "intent": ["refund_request",
    ...     "other", "other"], "language": ["en", "en", "en"],
    ...     "needs_clarification": ["no", "yes", "no"]})
    >>> route(frame, "refund_request -> Mina; * -> Alex").tolist()
    ['Mina', 'clarify', None]
    """
    if not isinstance(rules, RoutingRules):
        rules = parse_routing(rules)
    out = pd.Series([None] * len(interactions), index=interactions.index, dtype=object)
    inbound = (_lower(_col(interactions, "direction")) != "out").to_numpy()
    intent = _lower(_col(interactions, "intent"))
    # "pt-BR" and "zh_Hans" route as pt and zh.
    language = map_distinct(_col(interactions, "language"),
                            lambda v: re.split(r"[-_]", v.strip().casefold())[0]
                            if isinstance(v, str) else "", "")
    for rule in rules.rules:
        hit = (intent.isin(rule.names) | language.isin(rule.names)).to_numpy()
        out[inbound & hit & out.isna().to_numpy()] = rule.handler
    todo = inbound & out.isna().to_numpy()
    if todo.any():
        own = dispute_handlers(interactions[todo], disputes)
        out[todo] = own.to_numpy()
    if rules.fallback is not None:
        out[inbound & out.isna().to_numpy()] = rules.fallback
    unclear = (_lower(_col(interactions, "needs_clarification")) == "yes").to_numpy()
    out[inbound & unclear] = clarification_queue
    return out.astype(object).where(out.notna(), None)


def clarification_queue(interactions: pd.DataFrame, *, open_only: bool = True) -> pd.DataFrame:
    """The unclear inbound messages (Needs Clarification = yes), oldest first, with
    :data:`QUEUE_COLUMNS` (``excel_row`` is the Interactions row). ``open_only`` leaves
    out a message once a later outbound message to the same customer exists (a draft
    counts: someone is on it)."""
    unclear = ((_lower(_col(interactions, "direction")) != "out")
               & (_lower(_col(interactions, "needs_clarification")) == "yes"))
    at = pd.to_datetime(_col(interactions, "timestamp"), errors="coerce")
    if open_only:
        keys = id_key(_col(interactions, "customer_id"))
        outbound = ~_lower(_col(interactions, "direction")).ne("out")
        last_out = at[outbound & keys.notna()].groupby(keys[outbound & keys.notna()]).max()
        answered = pd.Series(lookup(keys, last_out).tolist(), index=interactions.index)
        answered = pd.to_datetime(answered, errors="coerce")
        unclear &= ~(answered.notna() & at.notna() & (answered >= at))
    part = interactions[unclear.to_numpy()]
    frame = pd.DataFrame({
        "excel_row": part.index, "interaction_id": _col(part, "interaction_id").tolist(),
        "timestamp": at[unclear].tolist(), "customer_id": _col(part, "customer_id").tolist(),
        "channel": _col(part, "channel").tolist(), "message": _col(part, "message").tolist(),
        "language": _col(part, "language").tolist(), "intent": _col(part, "intent").tolist(),
    }, columns=QUEUE_COLUMNS)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    return frame.sort_values(["timestamp", "excel_row"], na_position="last",
                             kind="stable").reset_index(drop=True)


__all__ = ["DEFAULT_CLARIFICATION_QUEUE", "QUEUE_COLUMNS", "Rule", "RoutingRules",
           "clarification_queue", "dispute_handlers", "parse_routing", "route"]
