"""The worksheet functions (udfs.py) through xlwings' real decorators and conversion.

``tests/xlwings_stubs.py`` makes xlwings' Windows UDF machinery importable on Linux;
``call_like_excel`` replays ``xlwings.udfs.call_udf`` and returns what Excel receives
(always a 2-D list: ``[[value]]`` for one cell).
"""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from xlwings_stubs import call_like_excel, excel_error, excel_stubs, load_udfs, vba_wrapper

from kakobuy_xl import formulas
from kakobuy_xl.errors import BackendError, ConfigError

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # udfs.py sits at the top of the project (Excel's PYTHONPATH)
    sys.path.insert(0, str(ROOT))
import udfs as plain_udfs  # noqa: E402
NOT_YET = "#KB! not available yet"
OPENED = dt.datetime(2025, 6, 30, 9, 0)

# One cell for each required argument, by formula.
SAMPLES: dict[str, tuple[object, ...]] = {
    "KB_LANG": ("Where is my parcel?",),
    "KB_SENTIMENT": ("Where is my parcel?",),
    "KB_SENTIMENT_LABEL": ("Where is my parcel?",),
    "KB_INTENT": ("Where is my parcel?",),
    "KB_DISPUTE_TYPE": ("The parcel never arrived",),
    "KB_GRADE": ("The parcel never arrived",),
    "KB_TEMPLATE": ("Where is my parcel?",),
    "KB_REPLY": ("Where is my parcel?",),
    "KB_TRANSLATE": ("Where is my parcel?", "ja"),
    "KB_SLA_DUE": (OPENED, "G2"),
    "KB_SLA_STATUS": (OPENED, "G2"),
    "KB_RISK": ("Parcel never arrived, I will open a PayPal claim",),
}


@pytest.fixture(scope="module")
def udfs():
    """udfs.py as Excel sees it: decorated by the real xlwings.udfs decorators."""
    with excel_stubs():
        yield load_udfs()


@pytest.fixture(autouse=True)
def registry():
    """Every test starts from the shipped registry (nothing built) and leaves it so."""
    saved = dict(formulas.FORMULAS)
    yield formulas.FORMULAS
    formulas.FORMULAS.clear()
    formulas.FORMULAS.update(saved)


class Recorder:
    """A computation that records each call (the values it was given)."""

    def __init__(self, fn):
        self.fn = fn
        self.calls: list[list[list[object]]] = []

    def __call__(self, *columns: pd.Series, **options):
        self.calls.append([c.tolist() for c in columns])
        self.options = options
        return self.fn(*columns)


@pytest.fixture
def upper():
    rec = Recorder(lambda text, *rest: text.str.upper())
    formulas.register("KB_LANG", rec)
    return rec


@pytest.fixture
def score():
    rec = Recorder(lambda text, *rest: (text.str.len() / 10).clip(upper=1.0))
    formulas.register("KB_SENTIMENT", rec)
    return rec


def udf_names(module) -> set[str]:
    return {n for n in dir(module) if hasattr(getattr(module, n), "__xlfunc__")}


def column(*values):
    """A one-column range as Excel passes it: a tuple of 1-tuples."""
    return tuple((v,) for v in values)


# --- the registry and the module agree ------------------------------------------------------

def test_every_formula_has_a_worksheet_function_and_back(udfs):
    assert udf_names(udfs) == set(formulas.FORMULAS)
    assert set(plain_udfs.__all__) == set(formulas.FORMULAS)


@pytest.mark.parametrize("name", sorted(formulas.FORMULAS))
def test_signature_and_help_match_the_registry(udfs, name):
    spec = formulas.FORMULAS[name]
    info = getattr(udfs, name).__xlfunc__
    assert [a["name"] for a in info["args"]] == list(spec.arg_names)
    assert info["ret"]["doc"] == spec.description == getattr(udfs, name).__doc__
    assert info["category"] == "Kakobuy"
    for arg, (arg_name, help_text) in zip(info["args"], spec.args):
        assert arg["doc"] == help_text
        # Optional in Excel exactly when the help says so.
        assert ("optional" in arg) == help_text.startswith("Optional."), arg_name
    assert info["volatile"] is (name == "KB_SLA_STATUS")


@pytest.mark.parametrize("name", sorted(formulas.FORMULAS))
def test_function_wizard_text_is_one_short_line(name):
    spec = formulas.FORMULAS[name]
    doc = getattr(plain_udfs, name).__doc__
    assert doc and doc.strip() == doc and "\n" not in doc and len(doc) <= 255
    for _, help_text in spec.args:
        assert help_text and "\n" not in help_text and len(help_text) <= 255


# Built so far. The rest say "not available yet" until built.
def test_every_formula_is_built():
    assert [n for n, f in formulas.FORMULAS.items() if f.compute is None] == []


# --- nothing registered --------------------------------------------------------------------

@pytest.fixture
def unplugged():
    """A formula whose computation is taken away, as a feature not built yet would be
    (the registry fixture puts it back)."""
    formulas.register("KB_RISK", None)
    return "KB_RISK"


def test_not_available_yet_for_one_cell(udfs, unplugged):
    assert call_like_excel(getattr(udfs, unplugged), *SAMPLES[unplugged]) == [[NOT_YET]]


def test_not_available_yet_for_a_column(udfs, unplugged):
    first, *rest = SAMPLES[unplugged]
    result = call_like_excel(getattr(udfs, unplugged), column(first, None, first), *rest)
    assert result == [[NOT_YET]] * 3


# --- with a computation registered ----------------------------------------------------------

def test_one_cell_gives_one_value(udfs, upper, score):
    assert call_like_excel(udfs.KB_LANG, "hola") == [["HOLA"]]
    assert call_like_excel(udfs.KB_SENTIMENT, "hello") == [[0.5]]
    assert upper.calls == [[["hola"]]]


def test_a_column_spills_in_order_and_empty_cells_stay_empty(udfs, upper):
    result = call_like_excel(udfs.KB_LANG, column("ab", None, "cd", "", "ef"))
    assert result == [["AB"], [""], ["CD"], [""], ["EF"]]
    assert upper.calls == [[["ab", "cd", "ef"]]]  # one call, only the non-empty rows


def test_a_numeric_column_spills(udfs, score):
    result = call_like_excel(udfs.KB_SENTIMENT,
                             column("hi", "   ", "a long message", None, "abc"))
    assert result == [[0.2], [""], [1.0], [""], [0.3]]
    assert score.calls == [[["hi", "a long message", "abc"]]]


def test_a_1x1_range_is_one_value(udfs, upper):
    assert call_like_excel(udfs.KB_LANG, (("x",),)) == [["X"]]


def test_a_row_range_counts_as_values_and_comes_back_as_a_column(udfs, upper):
    assert call_like_excel(udfs.KB_LANG, (("a", "b", "c"),)) == [["A"], ["B"], ["C"]]


def test_a_block_uses_its_first_column(udfs, upper):
    assert call_like_excel(udfs.KB_LANG, (("a", "x"), ("b", "y"))) == [["A"], ["B"]]


def test_an_empty_cell_gives_an_empty_cell(udfs, upper):
    assert call_like_excel(udfs.KB_LANG, None) == [[""]]
    assert upper.calls == []


def test_whole_call_error_is_short_and_in_every_row(udfs):
    def broken(text):
        raise ValueError("lexicon is corrupt")

    formulas.register("KB_LANG", broken)
    one = call_like_excel(udfs.KB_LANG, "hi")
    many = call_like_excel(udfs.KB_LANG, column("a", "b", None))
    assert one == [["#KB! ValueError: lexicon is corrupt"]]
    assert many == one * 3
    assert "Traceback" not in str(many)


def test_a_kakobuy_error_shows_its_message_only(udfs):
    def offline(text):
        raise BackendError("translation provider 'deepl' needs an API key")

    formulas.register("KB_LANG", offline)
    assert call_like_excel(udfs.KB_LANG, "hi") == [
        ["#KB! translation provider 'deepl' needs an API key"]]


def test_long_messages_are_cut(udfs):
    formulas.register("KB_LANG", lambda text: (_ for _ in ()).throw(RuntimeError("x" * 999)))
    (value,), = call_like_excel(udfs.KB_LANG, "hi")
    assert value.startswith("#KB! RuntimeError: xxx") and len(value) < 220


def test_a_number_where_text_is_expected(udfs, upper):
    assert call_like_excel(udfs.KB_LANG, 42) == [
        ["#KB! text should be text, not the number 42"]]
    result = call_like_excel(udfs.KB_LANG, column("ok", 42, True, "fine"))
    assert result == [["OK"], ["#KB! text should be text, not the number 42"],
                      ["#KB! text should be text, not TRUE"], ["FINE"]]
    assert upper.calls == [[["ok", "fine"]]]  # the bad rows never reach the computation


def test_an_error_cell_is_reported_not_hidden(udfs, upper):
    result = call_like_excel(udfs.KB_LANG, column("ok", excel_error("#N/A")))
    assert result == [["OK"], ["#KB! text is #N/A"]]


def test_optional_arguments_broadcast_and_default(udfs):
    rec = Recorder(lambda message, language, name, order: message + "|" + language.fillna("?")
                   + "|" + name.fillna("?") + "|" + order.fillna("?"))
    formulas.register("KB_REPLY", rec)
    result = call_like_excel(udfs.KB_REPLY, column("hi", None, "yo"), "ja",
                             column("Kim", "Lee", None), 12345)
    assert result == [["hi|ja|Kim|12345"], [""], ["yo|ja|?|12345"]]
    # Left out: the VBA wrapper passes Missing, call_udf substitutes the default (None).
    assert call_like_excel(udfs.KB_REPLY, "hi") == [["hi|?|?|?"]]


def test_ranges_of_different_heights(udfs):
    formulas.register("KB_REPLY", lambda m, *rest: m)
    result = call_like_excel(udfs.KB_REPLY, column("a", "b", "c"), column("en", "ja"))
    assert len(result) == 3
    assert result[0] == result[2] == [
        "#KB! ranges of different heights (message 3, language 2 rows); give ranges of the "
        "same height or single cells"]


def test_dates_in_and_out(udfs):
    rec = Recorder(lambda opened, grade, platform: opened + pd.Timedelta(hours=12))
    formulas.register("KB_SLA_DUE", rec)
    result = call_like_excel(udfs.KB_SLA_DUE, column(OPENED, None), "G2")
    assert rec.calls == [[[OPENED], ["G2"], [None]]]  # a naive datetime, as typed
    # xlwings hands pywin32 a datetime labelled UTC (its wall time is the cell's).
    assert result == [[dt.datetime(2025, 6, 30, 21, 0, tzinfo=dt.timezone.utc)], [""]]
    bad = call_like_excel(udfs.KB_SLA_DUE, "next week", "G2")
    assert bad[0][0].startswith("#KB! opened_at should be a date and time, not the text")


def test_sla_status_gets_the_clock(udfs):
    rec = Recorder(lambda opened, grade, first, resolved: grade.map(lambda g: "on_track"))
    formulas.register("KB_SLA_STATUS", rec)
    assert call_like_excel(udfs.KB_SLA_STATUS, OPENED, "G1") == [["on_track"]]
    assert isinstance(rec.options["now"], dt.datetime)


def test_ids_may_be_numbers(udfs):
    rec = Recorder(lambda text, ids, *rest: ids.map(lambda i: "G3"))
    formulas.register("KB_GRADE", rec)
    assert call_like_excel(udfs.KB_GRADE, column("a", "b", "c"),
                           column(1001, "D-2", 7.5)) == [["G3"]] * 3
    assert rec.calls[0][1] == ["1001", "D-2", "7.5"]


def test_plain_python_calls_without_xlwings(unplugged):
    formulas.register("KB_LANG", lambda text: text.str.upper())
    assert plain_udfs.KB_LANG("x") == "X"
    assert plain_udfs.KB_LANG([["a"], [None]]) == [["A"], [None]]
    assert plain_udfs.KB_RISK("D-1") == NOT_YET


# --- the VBA wrapper ------------------------------------------------------------------------

def test_generated_vba_wrapper_has_every_function(udfs):
    vba = vba_wrapper(udfs)
    for name, spec in formulas.FORMULAS.items():
        assert f"Function {name}(" in vba
        assert f'XLPy.CallUDF("udfs", "{name}", ' in vba
    assert "Function KB_REPLY(message, Optional language, Optional customer_name, " \
           "Optional order_id)" in vba
    assert "Function KB_TRANSLATE(text, target_language, Optional source_language)" in vba
    assert "ThisWorkbook" in vba and "ActiveWorkbook" not in vba
    assert vba.count("Application.Volatile") == 1


# --- the module contracts -------------------------------------------------------------------

def test_udfs_imports_on_linux_without_stubs():
    code = ("import sys, udfs; "
            "assert not hasattr(udfs.KB_LANG, '__xlfunc__'); "
            "assert 'pythoncom' not in sys.modules; "
            "import kakobuy_xl.formulas as f; f.register('KB_RISK', None); "
            "print(udfs.KB_RISK('late')); print(udfs.KB_LANG('where is my order?'))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [*NOT_YET.split(), "en"]


def test_stubs_leave_no_trace():
    code = ("import sys, xlwings, xlwings_stubs as s; "
            "m = s.load_udfs(); assert s.call_like_excel(m.KB_LANG, 'hello'); s.uninstall(); "
            "assert not {'pythoncom', 'pywintypes', 'win32com', 'xlwings.udfs'} "
            "& set(sys.modules); "
            "assert 'excel' not in [e.name for e in xlwings.engines]; "
            "assert xlwings.func.__module__ == 'xlwings'")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "tests",
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_formulas_is_core():
    tree = ast.parse((ROOT / "kakobuy_xl" / "formulas.py").read_text(encoding="utf-8"))
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                for a in n.names}
    imported |= {(n.module or "").split(".")[0] for n in ast.walk(tree)
                 if isinstance(n, ast.ImportFrom)}
    assert not imported & {"xlwings", "openpyxl", "click", "os"}
    code = ("import sys, kakobuy_xl.formulas; "
            "assert not {'xlwings', 'openpyxl', 'click'} & set(sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr


# --- formulas.evaluate ----------------------------------------------------------------------

def test_evaluate_not_available_yet(unplugged):
    with pytest.raises(BackendError, match="^not available yet$"):
        formulas.evaluate("KB_RISK", [pd.Series(["D-1"])])


def test_evaluate_keeps_the_index_and_empty_rows():
    formulas.register("KB_LANG", lambda text: text.str.len())
    text = pd.Series(["ab", None, " ", "abc"], index=[10, 11, 12, 13])
    got = formulas.evaluate("KB_LANG", [text])
    assert got.to_dict() == {10: 2, 11: None, 12: None, 13: 3}


def test_evaluate_never_calls_on_all_empty():
    rec = Recorder(lambda text: text)
    formulas.register("KB_LANG", rec)
    assert formulas.evaluate("KB_LANG", [pd.Series([None, ""])]).tolist() == [None, None]
    assert rec.calls == []


def test_evaluate_checks_lengths_and_names():
    formulas.register("KB_REPLY", lambda m, *rest: m)
    with pytest.raises(ConfigError, match="'language' has 1 rows but 'message' has 2"):
        formulas.evaluate("KB_REPLY", [pd.Series(["a", "b"]), pd.Series(["en"])])
    with pytest.raises(ConfigError, match="at most 1 arguments"):
        formulas.evaluate("KB_LANG", [pd.Series(["a"]), pd.Series(["b"])])
    with pytest.raises(ConfigError, match="no worksheet function 'KB_NOPE'"):
        formulas.evaluate("KB_NOPE", [pd.Series(["a"])])
    with pytest.raises(ConfigError):
        formulas.register("KB_NOPE", lambda t: t)


def test_evaluate_checks_what_the_computation_returns():
    formulas.register("KB_LANG", lambda text: text.head(1))
    with pytest.raises(BackendError, match="returned 1 values for 2 rows"):
        formulas.evaluate("KB_LANG", [pd.Series(["a", "b"])])


def test_evaluate_passes_options_and_pads_optional_columns():
    rec = Recorder(lambda m, lang, name, order: m)
    formulas.register("KB_REPLY", rec)
    formulas.evaluate("KB_REPLY", [pd.Series(["a"])], tone="formal")
    assert rec.calls == [[["a"], [None], [None], [None]]]
    assert rec.options == {"tone": "formal"}


def test_risk_formula_scores_with_the_default_weights(udfs):
    """=KB_RISK over a column: a claim threat with a refund demand scores far above a
    mild remark, and an empty row stays empty."""
    out = call_like_excel(udfs.KB_RISK, column(
        "Package never arrived. Refund me now or I open a PayPal claim and post a 1-star "
        "review!", "The colour is a bit lighter than the photo", None),
        column(None, None, None), column(250, 20, None))
    high, low, empty = (row[0] for row in out)
    assert 0 <= low < 0.3 < 0.6 < high <= 1
    assert empty in (None, "")  # an empty row gives an empty cell
