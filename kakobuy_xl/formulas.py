"""The worksheet functions of kakobuy (``=KB_SENTIMENT(A2)`` ...), declared once.

Each :class:`Formula` names an Excel function, says what it returns and what each argument
means (this text becomes Excel's Function Wizard help), and holds the column computation
behind it. A computation takes whole columns, one pandas Series per argument, and returns
one Series of the same length: a formula filled down 10,000 rows, or given a whole column,
costs one call. ``compute=None`` means the feature is not built yet; :func:`evaluate` then
raises ``BackendError("not available yet")`` rather than inventing a result.

Feature modules plug their computation in with :func:`register`; ``udfs.py`` (the Excel
face) and any other face call :func:`evaluate`.

>>> import pandas as pd
>>> _ = register("KB_LANG", lambda text: text.str.slice(0, 2).str.lower())
>>> evaluate("KB_LANG", [pd.Series(["Japanese text", "", None, "English"])]).tolist()
['ja', None, None, 'en']
>>> _ = register("KB_LANG", None)

This module is core: it imports no face library and touches no file or environment.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from kakobuy_xl.errors import BackendError, ConfigError
from kakobuy_xl.schema import SENTIMENT_LABELS, SLA_STATUSES

#: ``compute(*columns, **options) -> Series``: one Series per argument, all the same length.
Compute = Callable[..., pd.Series]

NOT_AVAILABLE = "not available yet"


@dataclass(frozen=True)
class Formula:
    """One worksheet function.

    ``args`` is a tuple of ``(argument_name, argument_help)``; optional arguments come last
    and their help starts with "Optional". ``description`` and the argument help are what
    Excel shows in its Function Wizard, so each is one short line (Excel keeps 255
    characters).
    """

    name: str
    description: str
    args: tuple[tuple[str, str], ...]
    compute: Compute | None = None

    @property
    def arg_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.args)

    @property
    def available(self) -> bool:
        return self.compute is not None

    def help(self, arg: str) -> str:
        """The help text of one argument."""
        for name, text in self.args:
            if name == arg:
                return text
        raise ConfigError(f"{self.name} has no argument {arg!r} (arguments: "
                          f"{', '.join(self.arg_names)})")


def _labels(values: Sequence[str]) -> str:
    return f"{', '.join(values[:-1])} or {values[-1]}"


_TEXT = "Text of the customer message: a cell, or a whole column to get a spilled column"
_LANGUAGE = "Optional. Language code of the reply such as en, ja, ko; empty to detect it"

_DECLARED = (
    Formula(
        "KB_LANG",
        'Language of a customer message as a code such as en, ja, ko, or "und" if unsure',
        (("text", _TEXT),),
    ),
    Formula(
        "KB_SENTIMENT",
        "Sentiment of a customer message, from -1 (very negative) to 1 (very positive)",
        (("text", _TEXT),),
    ),
    Formula(
        "KB_SENTIMENT_LABEL",
        f"Sentiment in words: {_labels(SENTIMENT_LABELS)}",
        (("text", _TEXT),),
    ),
    Formula(
        "KB_INTENT",
        "What the customer wants, such as order_status, delivery_delay, refund_request",
        (("text", _TEXT),),
    ),
    Formula(
        "KB_DISPUTE_TYPE",
        "Type of a dispute from its description, such as not_received, damaged, wrong_item",
        (("description", "What the customer reports: a cell or a whole column"),),
    ),
    Formula(
        "KB_GRADE",
        "Severity grade of a dispute: G1 minor, G2 refund demand, G3 escalation, "
        "G4 public risk",
        (
            ("description", "What the customer reports: a cell or a whole column"),
            ("platform_case_id", "Optional. Case or claim number opened on the platform, "
                                 "if any (it means an escalation)"),
            ("amount", "Optional. Order value at stake, in the home currency"),
        ),
    ),
    Formula(
        "KB_TEMPLATE",
        "Best reply template for a customer message: the Template ID from the Templates "
        "sheet",
        (("message", _TEXT), ("language", _LANGUAGE)),
    ),
    Formula(
        "KB_REPLY",
        "Reply to a customer message, ready to send, from the best template in their "
        "language",
        (
            ("message", _TEXT),
            ("language", _LANGUAGE),
            ("customer_name", "Optional. Customer name for the greeting"),
            ("order_id", "Optional. Order ID to quote in the reply"),
        ),
    ),
    Formula(
        "KB_TRANSLATE",
        "Text translated into another language (offline unless a provider is set in "
        "Settings)",
        (
            ("text", "Text to translate: a cell or a whole column"),
            ("target_language", "Language code to translate into, such as en, ja, ko"),
            ("source_language", "Optional. Language code of the text; empty to detect it"),
        ),
    ),
    Formula(
        "KB_SLA_DUE",
        "When the first reply to a dispute is due, from its opening time, grade and SLA "
        "sheet",
        (
            ("opened_at", "Date and time the dispute was opened: a cell or a whole column"),
            ("grade", "Dispute grade G1 to G4"),
            ("platform", "Optional. Platform such as eBay, PayPal, TikTok Shop; its own "
                         "deadline applies when it is earlier"),
        ),
    ),
    # Its computation also receives ``now=`` (a naive local datetime, like Excel's NOW()):
    # the faces read the clock, the core stays deterministic.
    Formula(
        "KB_SLA_STATUS",
        f"Service level of a dispute now: {_labels(SLA_STATUSES)}",
        (
            ("opened_at", "Date and time the dispute was opened: a cell or a whole column"),
            ("grade", "Dispute grade G1 to G4"),
            ("first_response_at", "Optional. Date and time of the first reply"),
            ("resolved_at", "Optional. Date and time the dispute was resolved"),
        ),
    ),
    Formula(
        "KB_RISK",
        "Risk that a dispute escalates (platform claim, chargeback, public review), "
        "from 0 to 1, with the default weights",
        (
            ("description", "What the customer reports: a cell or a whole column"),
            ("grade", "Optional. Grade G1 to G4 (empty: graded from the description)"),
            ("amount", "Optional. Order value at stake, in the home currency"),
            ("dispute_type", "Optional. Dispute type such as not_received (empty: "
                             "recognised from the description)"),
        ),
    ),
)

#: Every worksheet function by its Excel name. Replace entries with :func:`register`.
FORMULAS: dict[str, Formula] = {f.name: f for f in _DECLARED}


def formula(name: str) -> Formula:
    """The formula called ``name`` (case-insensitive: Excel names are)."""
    found = FORMULAS.get(name.upper())
    if found is None:
        raise ConfigError(f"There is no worksheet function {name!r} "
                          f"(known: {', '.join(FORMULAS)}).")
    return found


def register(name: str, compute: Compute | None) -> Formula:
    """Plug the column computation of a built feature into the formula ``name``.

    ``compute(*columns, **options)`` receives one Series per argument (only the rows whose
    first argument is not empty) and returns a Series of the same length. ``None``
    unplugs it again. Returns the updated formula.

    >>> import pandas as pd
    >>> register("KB_SENTIMENT", lambda text: text.str.len() / 100).available
    True
    >>> register("KB_SENTIMENT", None).available
    False
    """
    if compute is not None and not callable(compute):
        raise ConfigError(f"The computation of {name} must be callable, "
                          f"got {type(compute).__name__}.")
    updated = replace(formula(name), compute=compute)
    FORMULAS[updated.name] = updated
    return updated


def is_empty(value: Any) -> bool:
    """Whether a cell value counts as empty: None, NaN/NaT, or a blank string."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return value is pd.NaT or bool(pd.isna(value))
    except (TypeError, ValueError):  # list-likes: not a cell value, never "empty"
        return False


def evaluate(name: str, columns: Sequence[pd.Series], **options: Any) -> pd.Series:
    """Compute the formula ``name`` over whole columns, one Series per argument.

    A row is computed when its first argument (the message, description, date or ID the
    formula is about) is not empty; other rows stay empty (None) and never reach the
    computation. The non-empty rows are computed in one call, and the results are put
    back in place, on the index of the first column. Trailing optional arguments may be
    left out: they arrive as empty columns. ``options`` are passed to the computation.

    Raises ``BackendError("not available yet")`` when the feature is not built,
    ``ConfigError`` for an unknown name or columns of different lengths, and
    ``BackendError`` when the computation returns the wrong number of values.

    >>> evaluate("KB_GRADE", [pd.Series(["Refund me now", None])]).tolist()
    ['G2', None]
    """
    spec = formula(name)
    columns = [c if isinstance(c, pd.Series) else pd.Series(list(c), dtype=object)
               for c in columns]
    if not columns:
        raise ConfigError(f"{spec.name} needs at least its first argument "
                          f"({spec.arg_names[0]}).")
    if len(columns) > len(spec.args):
        raise ConfigError(f"{spec.name} takes at most {len(spec.args)} arguments "
                          f"({', '.join(spec.arg_names)}), got {len(columns)}.")
    rows = len(columns[0])
    for arg, column in zip(spec.arg_names, columns):
        if len(column) != rows:
            raise ConfigError(
                f"{spec.name}: argument {arg!r} has {len(column)} rows but "
                f"{spec.arg_names[0]!r} has {rows}; give columns of the same height or "
                "a single value."
            )
    if spec.compute is None:
        raise BackendError(NOT_AVAILABLE)

    index = columns[0].index
    # Rows are matched by position, whatever each column's index; dtypes are kept.
    aligned = [c.reset_index(drop=True) for c in columns]
    aligned += [pd.Series([None] * rows, dtype=object) for _ in spec.args[len(aligned):]]

    result = pd.Series([None] * rows, index=index, dtype=object)
    filled = np.array([not is_empty(v) for v in aligned[0]], dtype=bool)
    if not filled.any():
        return result
    picked = [c[filled].reset_index(drop=True) for c in aligned]
    computed = spec.compute(*picked, **options)
    if isinstance(computed, (pd.DataFrame, str, bytes)) or not hasattr(computed, "__len__"):
        raise BackendError(f"{spec.name} returned {type(computed).__name__}, "
                           "not a column of values.")
    if len(computed) != len(picked[0]):
        raise BackendError(f"{spec.name} returned {len(computed)} values for "
                           f"{len(picked[0])} rows.")
    values = list(computed.to_numpy(dtype=object) if isinstance(computed, pd.Series)
                  else computed)
    out = result.to_numpy(dtype=object, copy=True)
    for position, value in zip(np.flatnonzero(filled), values):
        out[position] = value  # one by one: a value may itself be a tuple or list
    return pd.Series(out, index=index, dtype=object)


def _plug_built_features() -> None:
    """Give the formulas whose feature is built their computation."""
    from .nlp.analysis import FORMULA_COMPUTATIONS
    from .replies import FORMULA_COMPUTATIONS as REPLY_COMPUTATIONS
    from .sla import FORMULA_COMPUTATIONS as SLA_COMPUTATIONS
    from .nlp.translate import FORMULA_COMPUTATIONS as TRANSLATE_COMPUTATIONS
    from .risk import FORMULA_COMPUTATIONS as RISK_COMPUTATIONS

    for name, compute in {**FORMULA_COMPUTATIONS, **REPLY_COMPUTATIONS, **SLA_COMPUTATIONS,
                          **TRANSLATE_COMPUTATIONS, **RISK_COMPUTATIONS}.items():
        register(name, compute)


_plug_built_features()

__all__ = [
    "FORMULAS",
    "NOT_AVAILABLE",
    "Compute",
    "Formula",
    "evaluate",
    "formula",
    "is_empty",
    "register",
]
