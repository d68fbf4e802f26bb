"""Test-only: xlwings' real Windows UDF machinery, runnable on Linux.

On Windows, Excel calls a worksheet function through the ``xlwings_udfs`` VBA module:
``XLPy.CallUDF("udfs", "KB_LANG", Array(text), ThisWorkbook, Application.Caller)`` reaches
``xlwings.udfs.call_udf``, which reads the function's ``__xlfunc__`` metadata (written by
the real ``@xw.func`` / ``@xw.arg`` / ``@xw.ret``), converts each argument with
``xlwings.conversion.read``, calls the function, and converts the result with
``xlwings.conversion.write``. On Linux none of that can be imported: ``xlwings.udfs``
imports pywin32 (``pythoncom``, ``pywintypes``, ``win32com.client``), ``xlwings.func`` and
friends are no-ops, and no conversion engine named ``"excel"`` exists (the conversion
context of a UDF argument looks it up: ``xlwings.conversion.framework.ConversionContext``).

What this module does, and how to use it:

1. :func:`install` puts small stub modules for ``pythoncom``, ``pywintypes``, ``win32com``
   and ``win32com.client`` into ``sys.modules`` (only when pywin32 is really missing),
   imports the real ``xlwings.udfs``, and registers an ``"excel"`` engine whose
   ``clean_value_data`` / ``prepare_xl_data_element`` are the real code of
   ``xlwings/_xlwindows.py`` (its ``Engine`` class and helpers are compiled from xlwings'
   own source file: the rest of that file needs Windows DLLs). :func:`uninstall` undoes it
   all; :func:`excel_stubs` is the context manager.
2. :func:`load_udfs` executes ``udfs.py`` again as a fresh module while ``xlwings.func``,
   ``xlwings.arg``, ``xlwings.ret`` (and ``script``/``sub``) are swapped for
   ``xlwings.udfs.xlfunc`` / ``xlarg`` / ``xlret`` / ``xlsub``, so the real decorators run
   and attach ``__xlfunc__``. The swap is undone right after; the normal ``import udfs``
   is untouched.
3. :func:`call_like_excel` replays ``call_udf`` for one call: arguments shaped as Excel
   passes them (a scalar for one cell or a literal, a tuple of tuples for a range; numbers
   as floats, dates as pywintypes times, :func:`excel_error` for an error cell, omitted
   optional arguments as VBA's *Missing*), and returns what Excel receives: always a 2-D
   list, ``[[value]]`` for one cell.
4. :func:`vba_wrapper` runs the real ``xlwings.udfs.generate_vba_wrapper`` on a module.

    with excel_stubs():
        udfs = load_udfs()
        call_like_excel(udfs.KB_LANG, (("hello",), ("",)))   # -> [[...], [""]]
        vba = vba_wrapper(udfs)                               # text of xlwings_udfs

Not covered (needs Excel): reading a live Range argument (``Range.Value`` through COM,
which gives the same scalar / tuple-of-tuples values as here), the ``caller`` argument,
async functions and legacy ``expand=`` dynamic arrays.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import importlib
import importlib.util
import io
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import xlwings
from xlwings import conversion

ROOT = Path(__file__).resolve().parents[1]
UDFS_PATH = ROOT / "udfs.py"

#: What VBA passes for an omitted ``Optional`` argument (DISP_E_PARAMNOTFOUND);
#: ``call_udf`` replaces it with the Python default.
MISSING = -2147352572

STUBBED = ("pythoncom", "pywintypes", "win32com", "win32com.client", "win32timezone")
# The names of xlwings/_xlwindows.py that make up the conversion engine.
_ENGINE_NAMES = ("time_types", "_com_time_to_datetime", "_datetime_to_com_time",
                 "cell_errors", "_clean_value_data_element", "Engine")
_DECORATORS = {"func": "xlfunc", "arg": "xlarg", "ret": "xlret", "script": "xlsub",
               "sub": "xlsub"}

_state: dict[str, Any] = {"installed": False, "modules": [], "engine": None,
                          "imported_udfs": False, "cell_errors": {}}


# --- stub modules ------------------------------------------------------------------------

class _StubModule(types.ModuleType):
    """A module whose missing attributes say clearly that they are stubs."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(f"{self.__name__}.{name} is not stubbed "
                             "(tests/xlwings_stubs.py): this needs Windows and Excel")


class _ComTime(dt.datetime):
    """Stands for ``pywintypes.TimeType``: pywin32's datetime subclass for COM dates."""


class _ComError(Exception):
    """Stands for ``pywintypes.com_error``."""


def _no_com(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError("no COM on this machine (tests/xlwings_stubs.py)")


def _make_stubs() -> dict[str, types.ModuleType]:
    pythoncom = _StubModule("pythoncom")
    pythoncom.CoInitialize = lambda: None  # the initializer of xlwings.udfs.com_executor
    pythoncom.IID_IDispatch = "{00020400-0000-0000-C000-000000000046}"

    pywintypes = _StubModule("pywintypes")
    pywintypes.com_error = _ComError
    pywintypes.error = _ComError
    pywintypes.TimeType = _ComTime
    pywintypes.IID = str

    client = _StubModule("win32com.client")
    client.Dispatch = _no_com
    win32com = _StubModule("win32com")
    win32com.__path__ = []  # a package, so that "win32com.client" resolves
    win32com.client = client

    win32timezone = _StubModule("win32timezone")
    win32timezone.TimeZoneInfo = types.SimpleNamespace(utc=lambda: dt.timezone.utc)

    return {"pythoncom": pythoncom, "pywintypes": pywintypes, "win32com": win32com,
            "win32com.client": client, "win32timezone": win32timezone}


def _pywin32_available() -> bool:
    try:
        return importlib.util.find_spec("pythoncom") is not None
    except (ImportError, ValueError):
        return False


# --- the "excel" conversion engine ---------------------------------------------------------

def _windows_engine() -> Any:
    """The ``Engine`` of xlwings/_xlwindows.py, compiled from xlwings' own source.

    Only the engine's conversion helpers are taken (by name, from the file's syntax tree);
    they run against the stubbed pywintypes/win32timezone. If xlwings changes them, this
    fails loudly instead of testing against a copy.
    """
    source_path = Path(xlwings.__file__).with_name("_xlwindows.py")
    tree = ast.parse(source_path.read_text(encoding="utf-8"), str(source_path))
    wanted: list[ast.stmt] = []
    found: set[str] = set()
    for node in tree.body:
        names: set[str] = set()
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names = {node.name}
        elif isinstance(node, ast.Assign):
            names = {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.If):  # "if np: time_types = time_types + (...)"
            names = {t.id for n in node.body if isinstance(n, ast.Assign)
                     for t in n.targets if isinstance(t, ast.Name)}
        if names & set(_ENGINE_NAMES):
            wanted.append(node)
            found |= names
    missing = set(_ENGINE_NAMES) - found
    if missing:
        raise RuntimeError(f"xlwings {xlwings.__version__}: {sorted(missing)} not found in "
                           f"{source_path}; update tests/xlwings_stubs.py")
    import numpy as np
    import pandas as pd
    from xlwings.utils import np_datetime_to_datetime

    namespace: dict[str, Any] = {
        "__name__": "xlwings_stubs._xlwindows", "dt": dt, "np": np, "pd": pd,
        "pywintypes": sys.modules["pywintypes"], "win32timezone": sys.modules["win32timezone"],
        "np_datetime_to_datetime": np_datetime_to_datetime, "Apps": _no_com,
    }
    compiled = compile(ast.Module(body=wanted, type_ignores=[]), str(source_path), "exec")
    exec(compiled, namespace)  # noqa: S102 - xlwings' own code, see the docstring
    _state["cell_errors"] = {text: number for number, text in namespace["cell_errors"].items()}
    return namespace["Engine"]()


# --- install / uninstall -------------------------------------------------------------------

def install() -> types.ModuleType:
    """Make ``xlwings.udfs`` importable and conversions work; return ``xlwings.udfs``.

    Idempotent. Stubs are only added for modules that are really missing.
    """
    if _state["installed"]:
        return sys.modules["xlwings.udfs"]
    if not _pywin32_available():
        for name, module in _make_stubs().items():
            if name not in sys.modules:
                sys.modules[name] = module
                _state["modules"].append(name)
    if "excel" not in [engine.name for engine in xlwings.engines]:
        engine = xlwings.Engine(impl=_windows_engine())
        xlwings.engines.add(engine)
        _state["engine"] = engine
    _state["imported_udfs"] = "xlwings.udfs" not in sys.modules
    real = importlib.import_module("xlwings.udfs")
    _state["installed"] = True
    return real


def uninstall() -> None:
    """Undo :func:`install`: stub modules, the imported ``xlwings.udfs``, the engine."""
    if not _state["installed"]:
        return
    if _state["imported_udfs"]:
        sys.modules.pop("xlwings.udfs", None)
        if getattr(xlwings, "udfs", None) is not None:
            delattr(xlwings, "udfs")
    engine = _state["engine"]
    if engine is not None:
        xlwings.engines.engines.remove(engine)
        xlwings.engines.engines_by_name.pop(engine.name, None)
    for name in reversed(_state["modules"]):
        sys.modules.pop(name, None)
    _state.update(installed=False, modules=[], engine=None, imported_udfs=False)


@contextlib.contextmanager
def excel_stubs() -> Iterator[types.ModuleType]:
    """``with excel_stubs() as xlwings_udfs: ...``: install, then always uninstall."""
    try:
        yield install()
    finally:
        uninstall()


def load_udfs(path: Path = UDFS_PATH, module_name: str = "udfs_under_xlwings") -> Any:
    """Execute ``udfs.py`` as a fresh module with xlwings' real UDF decorators.

    The module is not put in ``sys.modules``: the plain ``import udfs`` (no-op decorators)
    stays as it is. ``kakobuy_xl.formulas`` is shared, so computations registered there
    are seen by both.
    """
    real = install()
    saved = {name: getattr(xlwings, name) for name in _DECORATORS if hasattr(xlwings, name)}
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    try:
        for name, real_name in _DECORATORS.items():
            setattr(xlwings, name, getattr(real, real_name))
        spec.loader.exec_module(module)
    finally:
        for name in _DECORATORS:
            if name in saved:
                setattr(xlwings, name, saved[name])
            else:
                delattr(xlwings, name)
    return module


# --- calling like Excel --------------------------------------------------------------------

class _ExcelError:
    def __init__(self, text: str) -> None:
        self.text = text


def excel_error(text: str) -> _ExcelError:
    """An error cell as an argument: ``excel_error("#N/A")`` (passed as its COM code)."""
    return _ExcelError(text)


def _as_com(value: Any) -> Any:
    """A Python value as pywin32 hands it over from Excel."""
    if isinstance(value, (list, tuple)):
        return tuple(_as_com(v) for v in value)
    if isinstance(value, _ExcelError):
        codes = _state["cell_errors"]
        if value.text not in codes:
            raise ValueError(f"unknown Excel error {value.text!r} (known: {sorted(codes)})")
        return codes[value.text]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)  # every number in a cell is a double
    if isinstance(value, dt.datetime):
        return _ComTime(value.year, value.month, value.day, value.hour, value.minute,
                        value.second, value.microsecond, tzinfo=dt.timezone.utc)
    if isinstance(value, dt.date):
        return _ComTime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    return value


def call_like_excel(func: Callable[..., Any], *args: Any) -> Any:
    """Call a UDF the way ``xlwings.udfs.call_udf`` does when Excel calculates a cell.

    ``args`` are the worksheet arguments in order; leave trailing optional ones out (the
    VBA wrapper then passes *Missing*). Returns what goes back to Excel: a 2-D list.
    Exceptions propagate (in Excel they would show as a traceback in the cell).
    """
    install()  # idempotent: makes sure the stubs and the "excel" engine are in place
    info = getattr(func, "__xlfunc__", None)
    if info is None:
        raise TypeError(f"{getattr(func, '__name__', func)!r} carries no xlwings metadata: "
                        "get it from load_udfs()")
    args_info = info["args"]
    if any(a["vararg"] for a in args_info):
        raise NotImplementedError("ParamArray functions are not emulated")
    required = sum("optional" not in a for a in args_info)
    if not required <= len(args) <= len(args_info):
        # Excel refuses such a formula before any call happens.
        raise TypeError(f"{info['name']} takes {required} to {len(args_info)} arguments, "
                        f"got {len(args)}")
    values = [_as_com(a) for a in args] + [MISSING] * (len(args_info) - len(args))

    # From here on: the argument loop, the call and the result of call_udf
    # (xlwings/udfs.py), minus what needs a live Excel (Range arguments read through COM,
    # the caller argument, async and expand= functions).
    for i, arg in enumerate(values):
        arg_info = args_info[min(i, len(args_info) - 1)]
        if isinstance(arg, int) and arg == MISSING:
            values[i] = arg_info.get("optional", None)
        else:
            values[i] = conversion.read(None, arg, arg_info["options"])
    ret = func(*values)
    return conversion.write(ret, None, info["ret"]["options"])


def vba_wrapper(module: Any, module_name: str = "udfs",
                workbook_name: str = "Kakobuy.xlsm") -> str:
    """The VBA that ``xlwings.udfs.generate_vba_wrapper`` writes for ``module``.

    ``generate_vba_wrapper(module_name, module, f, xl_workbook)`` only reads
    ``xl_workbook.Name`` (an ``.xlam`` add-in calls with ActiveWorkbook, a workbook with
    ThisWorkbook). ``import_udfs`` writes three header lines first
    (``Attribute VB_Name = "xlwings_udfs"``, a comment, ``#Const App = ...``).
    """
    real = install()
    out = io.StringIO()
    real.generate_vba_wrapper(module_name, module, out,
                              types.SimpleNamespace(Name=workbook_name))
    return out.getvalue()
