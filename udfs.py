"""Kakobuy's worksheet functions: ``=KB_SENTIMENT(A2)``, ``=KB_LANG(Interactions[Message])``.

Excel loads this module through xlwings (``UDF Modules = udfs`` and ``PYTHONPATH`` = the
project folder, in the ``xlwings.conf`` sheet); the ``xlwings_udfs`` VBA module of
``workbook/Kakobuy.xlsm`` is generated from it by xlwings' own generator
(``xlwings.udfs.generate_vba_wrapper("udfs", udfs, file, workbook)``).

The calculations live in :mod:`kakobuy_xl.formulas`; this face only shapes cells into
columns and back:

- Every function takes one cell or a whole range. One cell (or a literal) gives one value.
  A range gives a column of the same height, which Excel spills below the formula. The
  first column of a range is used; a single row of N cells counts as N values (the
  result is still a column). Optional arguments may be one cell (used for every row) or
  a range as tall as the first argument.
- ``formulas.evaluate`` is called once per call, for the whole column.
- Empty cells give empty cells.
- Nothing raises into Excel. A problem with the whole call (feature not built, columns of
  different heights, a failing analysis) gives ``#KB! <message>`` in every row; a
  problem with one row (a number where text is expected, an ``#N/A`` input) gives
  ``#KB! <message>`` in that row only, and the other rows are still computed.
- Pure: no writes to other cells, no ``Book.caller()``, no macros here (ribbon macros
  live in ``kakobuy_xl/excel.py``). ``KB_SLA_STATUS`` reads the clock, so it is volatile.

Classic xlwings (Windows): ``@xw.func`` / ``@xw.arg`` / ``@xw.ret`` record the metadata
that the VBA generator and ``call_udf`` read; the docstring is the Function Wizard text
and each ``doc=`` the argument help (registered with ``Application.MacroOptions``). On
Linux and macOS without Excel's COM server these decorators are no-ops, so the module
imports anywhere (tests load it again with the real decorators: ``tests/xlwings_stubs.py``).

xlwings Lite (later, cross-platform): the same code works unchanged. Lite's
``@func`` / ``@arg`` / ``@ret`` read the same docstring, ``doc=`` and conversion options,
ignore the classic-only ``category`` (functions appear under the add-in's namespace,
e.g. ``=XLWINGS.KB_SENTIMENT(A2)``, or set ``__xlwings_func_namespace__``), and pass
ranges as 2-D lists and dates as serial numbers, which the parsing below accepts. Lite
registers the functions found in its ``main.py``: put ``from udfs import *`` there.

No type hints on the decorated functions on purpose: xlwings turns a hint into a
converter (``text: str`` would look for a ``str`` converter), and these functions take
whatever a cell holds.
"""

from __future__ import annotations

import datetime as dt
import logging
import numbers
import os
from collections.abc import Callable
from typing import Any

import pandas as pd
import xlwings as xw

from kakobuy_xl import formulas
from kakobuy_xl.errors import ConfigError, KakobuyError

__all__ = [
    "KB_DISPUTE_TYPE", "KB_GRADE", "KB_INTENT", "KB_LANG", "KB_REPLY", "KB_RISK",
    "KB_SENTIMENT", "KB_SENTIMENT_LABEL", "KB_SLA_DUE", "KB_SLA_STATUS", "KB_TEMPLATE",
    "KB_TRANSLATE",
]

logger = logging.getLogger(__name__)
# Tracebacks go to the log only if the user sets one up; never to the cell or to stderr.
logger.addHandler(logging.NullHandler())

#: Function Wizard category (classic xlwings on Windows only).
CATEGORY = "Kakobuy"
#: Prefix of every error a function returns instead of raising.
ERROR_PREFIX = "#KB!"
MAX_MESSAGE = 200

# What an error cell arrives as with err_to_str=True (Windows: xlwings maps the COM error
# codes; Lite: Office.js sends the text).
_CELL_ERRORS = frozenset({
    "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!",
    "#CALC!", "#FIELD!", "#GETTING_DATA", "#BUSY!", "#BLOCKED!", "#CONNECT!", "#UNKNOWN!",
})
# Conversion options shared by every argument: error cells arrive as their text ("#N/A")
# instead of silently turning into empty cells.
_ARG_OPTIONS: dict[str, Any] = {"err_to_str": True}


class _BadCell(ValueError):
    """One cell cannot be used as the argument it is given for."""


# --- parsing one cell ------------------------------------------------------------------

def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return f"the date {value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return f"the date {value:%Y-%m-%d}"
    if isinstance(value, float):
        return f"the number {value:g}"
    if isinstance(value, numbers.Number):
        return f"the number {value}"
    text = str(value)
    shown = text if len(text) <= 30 else text[:30] + "..."
    return f"the text {shown!r}"


def _check_error_cell(value: Any) -> None:
    if isinstance(value, str) and value.strip() in _CELL_ERRORS:
        raise _BadCell(f"is {value.strip()}")


def _text(value: Any) -> str:
    """Text as typed; a number, date or TRUE/FALSE is refused (it is not a message)."""
    _check_error_cell(value)
    if not isinstance(value, str):
        raise _BadCell(f"should be text, not {_describe(value)}")
    return value


def _code(value: Any) -> str:
    """A short code such as ``en``, ``G2`` or ``eBay``, trimmed."""
    return _text(value).strip()


def _ident(value: Any) -> str:
    """An ID or name: text, or a whole number that Excel stored as a number (12345)."""
    _check_error_cell(value)
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _BadCell(f"should be an ID or a name, not {_describe(value)}")
    if float(value).is_integer():
        return str(int(value))
    return format(value, "g")


def _number(value: Any) -> float:
    _check_error_cell(value)
    if isinstance(value, bool):
        raise _BadCell(f"should be a number, not {_describe(value)}")
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise _BadCell(f"should be a number, not {_describe(value)}")


def _when(value: Any) -> dt.datetime:
    """A date and time: a date cell, an Excel serial number (what xlwings Lite sends) or
    ISO text such as ``2025-06-30 14:00``."""
    _check_error_cell(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return xw.to_datetime(float(value))
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _BadCell(f"should be a date and time, not {_describe(value)} "
                   "(enter a date, or text such as 2025-06-30 14:00)")


Parse = Callable[[Any], Any]


# --- shaping cells into columns and back -----------------------------------------------

def _as_column(value: Any) -> tuple[list[Any], bool]:
    """``(values, is_range)``: one cell -> ``[v]``; a range -> its first column; one row of
    N cells -> N values. Accepts what classic xlwings, xlwings Lite or a plain Python caller
    hands over: a scalar, a 1-D list (xlwings squeezes a row or a column) or a 2-D
    list/tuple."""
    if not isinstance(value, (list, tuple)):
        return [value], False
    rows = list(value)
    if not rows:
        return [], True
    if all(isinstance(r, (list, tuple)) for r in rows):
        if len(rows) == 1:  # one row: its cells are the values
            return list(rows[0]), True
        return [r[0] if len(r) else None for r in rows], True
    return rows, True


def _settings() -> Any:
    """Settings for formulas that need them: ``KAKOBUY_*`` variables, else the defaults.
    (A worksheet function reads no sheet, so the Settings sheet is the refresh's.)"""
    from kakobuy_xl.settings import resolve

    return resolve(env=os.environ)


def _translator() -> dict[str, Any]:
    """The opt-in translation provider and its persistent cache, from the environment."""
    from kakobuy_xl import api
    from kakobuy_xl.nlp.credentials import find_api_key
    from kakobuy_xl.nlp.translate import provider_from_settings

    settings = _settings()
    provider = provider_from_settings(
        settings, api_key=find_api_key(settings.translation_provider, os.environ))
    return {"translator": provider, "cache": api.translation_cache(os.environ)}


def _cell(value: Any) -> Any:
    """A computed value as a cell value: plain Python types, empty as None."""
    if formulas.is_empty(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        try:
            return value.item()
        except (TypeError, ValueError):
            pass
    if isinstance(value, (str, bool, int, float, dt.datetime, dt.date)):
        return value
    return str(value)


def _error(exc: BaseException) -> str:
    """``#KB! <message>``: one short line, never a traceback."""
    if isinstance(exc, KakobuyError):
        message = str(exc)
    else:
        # Unexpected: keep the details for the log, show the gist in the cell.
        logger.warning("worksheet function failed", exc_info=exc)
        message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    message = " ".join(message.split()) or type(exc).__name__
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 3] + "..."
    return f"{ERROR_PREFIX} {message}"


def _call(name: str, *args: tuple[Any, Parse], **options: Any) -> Any:
    """Run formula ``name`` on ``(cell_or_range, parse)`` pairs in argument order.

    Returns a scalar for scalar arguments, else a column ``[[v], [v], ...]`` as tall as
    the range arguments.
    """
    rows = 1
    as_range = False
    try:
        spec = formulas.formula(name)
        shaped = [_as_column(value) for value, _ in args]
        as_range = any(is_range for _, is_range in shaped)
        heights = {len(values) for values, is_range in shaped if is_range}
        rows = max(heights) if heights else 1
        if len(heights) > 1:
            sizes = ", ".join(f"{arg} {len(values)}" for arg, (values, is_range)
                              in zip(spec.arg_names, shaped) if is_range)
            raise ConfigError(f"ranges of different heights ({sizes} rows); give ranges "
                               "of the same height or single cells")

        row_errors: dict[int, str] = {}
        columns: list[list[Any]] = [[] for _ in args]
        for row in range(rows):
            parsed = []
            for arg, (values, is_range), (_, parse) in zip(spec.arg_names, shaped, args):
                value = values[row] if is_range else values[0]
                try:
                    parsed.append(None if formulas.is_empty(value) else parse(value))
                except _BadCell as bad:
                    row_errors.setdefault(row, f"{ERROR_PREFIX} {arg} {bad}")
                    break
            if row not in row_errors:
                for column, value in zip(columns, parsed):
                    column.append(value)

        result = formulas.evaluate(
            name, [pd.Series(c, dtype=object) for c in columns], **options)
        computed = iter(result.tolist())
        cells = [row_errors[row] if row in row_errors else _cell(next(computed))
                 for row in range(rows)]
    except Exception as exc:  # noqa: BLE001 - a worksheet function never raises
        cells = [_error(exc)] * rows
    if not as_range:
        return cells[0]
    return [[c] for c in cells]


def _help(name: str, arg: str) -> str:
    return formulas.formula(name).help(arg)


# --- the worksheet functions -------------------------------------------------------------
# Docstrings are the Function Wizard text: one line each, the same as the formula's
# description in kakobuy_xl.formulas (a test keeps them equal).

@xw.func(category=CATEGORY)
@xw.arg("text", doc=_help("KB_LANG", "text"), **_ARG_OPTIONS)
def KB_LANG(text):
    """Language of a customer message as a code such as en, ja, ko, or "und" if unsure"""
    return _call("KB_LANG", (text, _text))


@xw.func(category=CATEGORY)
@xw.arg("text", doc=_help("KB_SENTIMENT", "text"), **_ARG_OPTIONS)
def KB_SENTIMENT(text):
    """Sentiment of a customer message, from -1 (very negative) to 1 (very positive)"""
    return _call("KB_SENTIMENT", (text, _text))


@xw.func(category=CATEGORY)
@xw.arg("text", doc=_help("KB_SENTIMENT_LABEL", "text"), **_ARG_OPTIONS)
def KB_SENTIMENT_LABEL(text):
    """Sentiment in words: very negative, negative, neutral, positive or very positive"""
    return _call("KB_SENTIMENT_LABEL", (text, _text))


@xw.func(category=CATEGORY)
@xw.arg("text", doc=_help("KB_INTENT", "text"), **_ARG_OPTIONS)
def KB_INTENT(text):
    """What the customer wants, such as order_status, delivery_delay, refund_request"""
    return _call("KB_INTENT", (text, _text))


@xw.func(category=CATEGORY)
@xw.arg("description", doc=_help("KB_DISPUTE_TYPE", "description"), **_ARG_OPTIONS)
def KB_DISPUTE_TYPE(description):
    """Type of a dispute from its description, such as not_received, damaged, wrong_item"""
    return _call("KB_DISPUTE_TYPE", (description, _text))


@xw.func(category=CATEGORY)
@xw.arg("description", doc=_help("KB_GRADE", "description"), **_ARG_OPTIONS)
@xw.arg("platform_case_id", doc=_help("KB_GRADE", "platform_case_id"), **_ARG_OPTIONS)
@xw.arg("amount", doc=_help("KB_GRADE", "amount"), **_ARG_OPTIONS)
def KB_GRADE(description, platform_case_id=None, amount=None):
    """Severity grade of a dispute: G1 minor, G2 refund demand, G3 escalation, G4 public risk"""
    return _call("KB_GRADE", (description, _text), (platform_case_id, _ident),
                 (amount, _number))


@xw.func(category=CATEGORY)
@xw.arg("message", doc=_help("KB_TEMPLATE", "message"), **_ARG_OPTIONS)
@xw.arg("language", doc=_help("KB_TEMPLATE", "language"), **_ARG_OPTIONS)
def KB_TEMPLATE(message, language=None):
    """Best reply template for a customer message: the Template ID from the Templates sheet"""
    return _call("KB_TEMPLATE", (message, _text), (language, _code))


@xw.func(category=CATEGORY)
@xw.arg("message", doc=_help("KB_REPLY", "message"), **_ARG_OPTIONS)
@xw.arg("language", doc=_help("KB_REPLY", "language"), **_ARG_OPTIONS)
@xw.arg("customer_name", doc=_help("KB_REPLY", "customer_name"), **_ARG_OPTIONS)
@xw.arg("order_id", doc=_help("KB_REPLY", "order_id"), **_ARG_OPTIONS)
def KB_REPLY(message, language=None, customer_name=None, order_id=None):
    """Reply to a customer message, ready to send, from the best template in their language"""
    return _call("KB_REPLY", (message, _text), (language, _code), (customer_name, _ident),
                 (order_id, _ident))


@xw.func(category=CATEGORY)
@xw.arg("text", doc=_help("KB_TRANSLATE", "text"), **_ARG_OPTIONS)
@xw.arg("target_language", doc=_help("KB_TRANSLATE", "target_language"), **_ARG_OPTIONS)
@xw.arg("source_language", doc=_help("KB_TRANSLATE", "source_language"), **_ARG_OPTIONS)
def KB_TRANSLATE(text, target_language, source_language=None):
    """Text translated into another language (offline unless a provider is set in Settings)"""
    try:
        options = _translator()
    except KakobuyError as exc:
        return f"{ERROR_PREFIX} {exc}"[:MAX_MESSAGE]
    try:
        return _call("KB_TRANSLATE", (text, _text), (target_language, _code),
                     (source_language, _code), **options)
    finally:
        if options.get("cache") is not None:
            options["cache"].flush()


@xw.func(category=CATEGORY)
@xw.arg("opened_at", doc=_help("KB_SLA_DUE", "opened_at"), **_ARG_OPTIONS)
@xw.arg("grade", doc=_help("KB_SLA_DUE", "grade"), **_ARG_OPTIONS)
@xw.arg("platform", doc=_help("KB_SLA_DUE", "platform"), **_ARG_OPTIONS)
def KB_SLA_DUE(opened_at, grade, platform=None):
    """When the first reply to a dispute is due, from its opening time, grade and SLA sheet"""
    return _call("KB_SLA_DUE", (opened_at, _when), (grade, _code), (platform, _code),
                 settings=_settings())


# Volatile: the status changes with the clock, not only with the cells it reads.
@xw.func(category=CATEGORY, volatile=True)
@xw.arg("opened_at", doc=_help("KB_SLA_STATUS", "opened_at"), **_ARG_OPTIONS)
@xw.arg("grade", doc=_help("KB_SLA_STATUS", "grade"), **_ARG_OPTIONS)
@xw.arg("first_response_at", doc=_help("KB_SLA_STATUS", "first_response_at"),
        **_ARG_OPTIONS)
@xw.arg("resolved_at", doc=_help("KB_SLA_STATUS", "resolved_at"), **_ARG_OPTIONS)
def KB_SLA_STATUS(opened_at, grade, first_response_at=None, resolved_at=None):
    """Service level of a dispute now: on_track, at_risk, overdue, met or breached"""
    # Excel's dates are naive local times (like NOW()), so "now" is too.
    return _call("KB_SLA_STATUS", (opened_at, _when), (grade, _code),
                 (first_response_at, _when), (resolved_at, _when), now=dt.datetime.now(),
                 settings=_settings())


@xw.func(category=CATEGORY)
@xw.arg("description", doc=_help("KB_RISK", "description"), **_ARG_OPTIONS)
@xw.arg("grade", doc=_help("KB_RISK", "grade"), **_ARG_OPTIONS)
@xw.arg("amount", doc=_help("KB_RISK", "amount"), **_ARG_OPTIONS)
@xw.arg("dispute_type", doc=_help("KB_RISK", "dispute_type"), **_ARG_OPTIONS)
def KB_RISK(description, grade=None, amount=None, dispute_type=None):
    """Risk that a dispute escalates (platform claim, chargeback, public review), from 0 to 1, with the default weights"""
    return _call("KB_RISK", (description, _text), (grade, _code), (amount, _number),
                 (dispute_type, _code))
