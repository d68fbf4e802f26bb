"""Build ``workbook/Kakobuy.xlsm`` from sources, deterministically (ARCHITECTURE section 6).

``build_workbook(out, project_dir)`` is what ``kakobuy build-workbook`` runs. The steps:

1. Start from xlwings' standalone quickstart workbook (BSD licensed, shipped inside the
   xlwings package). It carries the xlwings VBA module, which belongs to one exact
   xlwings version: the build checks that the installed xlwings *and* the module inside
   the quickstart are :data:`XLWINGS_VERSION`, and stops otherwise.
2. With openpyxl (``keep_vba=True``) replace its two sample sheets by a "Start here"
   sheet, every contract sheet with its table (:func:`kakobuy_xl.io.create.populate_workbook`)
   and a hidden ``xlwings.conf`` sheet (the settings xlwings' VBA reads).
3. With pyopenvba write the VBA: the ribbon callback module ``KakobuyRibbon``
   (``kakobuy_xl/data/vba/KakobuyRibbon.bas``), the ``xlwings_udfs`` wrappers generated
   from ``udfs.py`` by xlwings' own generator, and a ``Workbook_Open`` in ``ThisWorkbook``
   that describes every ``KB_`` function in Excel's Insert Function dialog. Every module
   is written as source only and the project's performance cache is emptied, so Excel
   compiles everything afresh from the source on first open: no stale p-code remains.
4. Inject ``ribbon.xml`` as ``customUI/customUI14.xml`` (openpyxl drops unknown package
   relationships, so this comes last), fix every date the package holds (zip member
   times, ``docProps/core.xml``) and write the members in a fixed order, then check the
   result with olevba and move it into place atomically.

Two builds from the same sources give the same bytes. Only the zip's deflate streams
depend on the zlib in use; the tests compare the workbook part by part, uncompressed.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import inspect
import io
import re
import sys
import tempfile
import textwrap
import types
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree

from kakobuy_xl import schema
from kakobuy_xl.errors import KakobuyError
from kakobuy_xl.io.atomic import write_atomically

__all__ = [
    "BuildError",
    "CONF_SHEET",
    "CUSTOMUI_PART",
    "CUSTOMUI_REL_TYPE",
    "START_SHEET",
    "UdfFunction",
    "XLWINGS_VERSION",
    "build_workbook",
    "read_udfs",
    "vba_report",
]

#: The xlwings version whose VBA module the workbook carries (pinned in pyproject.toml).
XLWINGS_VERSION = "0.37.8"
QUICKSTART = "quickstart_standalone.xlsm"

START_SHEET = "Start here"
START_WIDTH = 100  # characters: the one column of the Start here sheet
CONF_NOTE_WIDTH = 100
CONF_SHEET = "xlwings.conf"  # the exact name xlwings' GetConfigFromSheet looks for
UDF_MODULE = "udfs"  # udfs.py in the project folder
CATEGORY = "Kakobuy"  # Insert Function category of the KB_ functions
FUNCTION_PREFIX = "KB_"

XLWINGS_VBA_MODULE = "xlwings"
RIBBON_VBA_MODULE = "KakobuyRibbon"
UDF_VBA_MODULE = "xlwings_udfs"
WORKBOOK_VBA_MODULE = "ThisWorkbook"
SAMPLE_VBA_MODULE = "Module1"  # the quickstart's SampleCall macro; it runs nothing of ours

CUSTOMUI_PART = "customUI/customUI14.xml"
CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
#: The package relationship Office follows to a customUI14 part.
CUSTOMUI_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
_OLD_CUSTOMUI_REL_TYPE = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
CUSTOMUI_REL_ID = "kakobuyRibbon"

VBA_DIR = Path(__file__).parent / "data" / "vba"
REGISTRATIONS_MARKER = "'@KB_REGISTRATIONS@"

#: Every date the package holds is this one, so that two builds are identical.
FIXED_DATE = datetime(2025, 1, 1)
_ZIP_TIME = (2025, 1, 1, 0, 0, 0)
_CONTENT_TYPES = "[Content_Types].xml"
_PKG_RELS = "_rels/.rels"
_CORE = "docProps/core.xml"
_VBA_PART = "xl/vbaProject.bin"

#: [MS-OVBA] 2.3.4.1: the _VBA_PROJECT stream as a writer must write it: Reserved1 0x61CC,
#: Version 0xFFFF ("MUST be 0xFFFF on write"), Reserved2 0x00, Reserved3, and no
#: performance cache. The version matches no VBA, so the host recompiles from source.
EMPTY_VBA_PROJECT_STREAM = b"\xcc\x61\xff\xff\x00\x00\x00"

_PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_DCTERMS_NS = "http://purl.org/dc/terms/"

# PYTHONPATH on the xlwings.conf sheet. xlwings hands the value to
# xlwings.utils.prepare_sys_path, which puts it on sys.path as it is: a relative entry
# such as ".." would be relative to the Python process's working folder (Excel's, or
# the interpreter's folder when Interpreter_Win is a path), never to the workbook. The
# workbook's own folder is added anyway (ADD_WORKBOOK_TO_PYTHONPATH defaults to true),
# but udfs.py and kakobuy_xl/ sit one level up, in the project folder. So the value is
# a formula giving "<folder of this workbook>\.." (or ".../.." on a Mac): a clone of the
# repository works wherever it is, and the cell can be overwritten with a fixed path.
PYTHONPATH_FORMULA = (
    '=IFERROR(LEFT(CELL("filename",$A$1),FIND("[",CELL("filename",$A$1))-1)&"..","")'
)


class BuildError(KakobuyError):
    """The workbook cannot be built from these sources."""


@dataclass(frozen=True)
class UdfFunction:
    """One worksheet function of ``udfs.py`` as xlwings' decorators describe it."""

    name: str
    is_sub: bool
    description: str
    #: ``(argument name, help)`` for each argument the VBA wrapper takes, in order.
    args: tuple[tuple[str, str], ...]


# --------------------------------------------------------------------------- public API


def build_workbook(out: Path, project_dir: Path) -> Path:
    """Generate the Excel workbook at ``out`` from the sources in ``project_dir``.

    ``project_dir`` holds ``ribbon.xml`` and ``udfs.py`` (and ``kakobuy_xl/``). The file
    at ``out`` is replaced atomically; its folder is created if needed. Returns ``out``.
    Raises :class:`BuildError` when a source is missing or wrong, or when the installed
    xlwings is not the pinned :data:`XLWINGS_VERSION`.
    """
    out = Path(out)
    project_dir = Path(project_dir).resolve()
    ribbon_path = project_dir / "ribbon.xml"
    udfs_path = project_dir / f"{UDF_MODULE}.py"
    for needed in (ribbon_path, udfs_path):
        if not needed.is_file():
            raise BuildError(f"cannot build the workbook: {needed} does not exist")

    quickstart = _quickstart_path()
    _check_xlwings_version(quickstart)
    ribbon = ribbon_path.read_bytes()
    _check_ribbon(ribbon, ribbon_path)
    udf_vba, functions = read_udfs(udfs_path, project_dir)

    with tempfile.TemporaryDirectory(prefix="kakobuy-build-") as tmp:
        sheets_done = Path(tmp) / "sheets.xlsm"
        vba_done = Path(tmp) / "vba.xlsm"
        _write_sheets(quickstart, sheets_done, functions)
        _write_vba(sheets_done, vba_done, udf_vba, functions)
        data = _package(vba_done.read_bytes(), ribbon)
    _verify(data, functions)
    write_atomically(out, data)
    return out


def read_udfs(udfs_path: Path, project_dir: Path) -> tuple[str, list[UdfFunction]]:
    """The ``xlwings_udfs`` VBA module for ``udfs_path`` and the functions it wraps.

    The module text is what xlwings' own "Import Functions" writes (``import_udfs``):
    the same header, then :func:`xlwings.udfs.generate_vba_wrapper` for the module.
    """
    with _real_udf_decorators() as xlwings_udfs:
        module = _import_udfs_module(udfs_path, project_dir)
        own = [name for name, obj in vars(module).items()
               if name.startswith(FUNCTION_PREFIX) and inspect.isfunction(obj)
               and obj.__module__ == module.__name__ and not hasattr(obj, "__xlfunc__")]
        if own:
            raise BuildError(f"{udfs_path.name}: {', '.join(sorted(own))} not decorated with "
                             "@xw.func, so Excel would not see them")
        buf = io.StringIO()
        writer = _vba_writer(buf)
        writer.writeln(f'Attribute VB_Name = "{UDF_VBA_MODULE}"')
        writer.writeln("'Autogenerated code by xlwings - changes will be lost with next import!")
        writer.writeln("""#Const App = "Microsoft Excel" 'Adjust when using outside of Excel""")
        xlwings_udfs.generate_vba_wrapper(UDF_MODULE, module, buf, _BookStub("Kakobuy.xlsm"))
        functions = [_describe(obj.__xlfunc__) for obj in _xlfuncs(module)]
    if not any(f.name.startswith(FUNCTION_PREFIX) for f in functions):
        raise BuildError(f"{udfs_path.name} defines no {FUNCTION_PREFIX}... worksheet function")
    return _crlf(buf.getvalue()), functions


def vba_report(xlsm: bytes) -> dict[str, Any]:
    """What olevba (oletools) sees in a workbook's VBA project.

    Returns ``{"modules": {name: source}, "text_offsets": {name: MODULEOFFSET},
    "vba_project_stream": bytes}``. A module whose text offset is 0 carries its source
    only, no compiled p-code.
    """
    import olefile
    from oletools.olevba import VBA_Parser, VBA_Project

    modules: dict[str, str] = {}
    parser = VBA_Parser("Kakobuy.xlsm", data=xlsm)
    try:
        for _, _, filename, code in parser.extract_all_macros():
            modules[filename.rsplit(".", 1)[0]] = code
    finally:
        parser.close()
    with zipfile.ZipFile(io.BytesIO(xlsm)) as z:
        ole = olefile.OleFileIO(z.read(_VBA_PART))
    try:
        project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
        project.parse_project_stream()
        offsets = {}
        for _ in project.parse_modules():
            pass
        for module in project.modules:
            offsets[module.name] = module.textoffset
        cache = ole.openstream("VBA/_VBA_PROJECT").read()
    finally:
        ole.close()
    return {"modules": modules, "text_offsets": offsets, "vba_project_stream": cache}


# --------------------------------------------------------------------------- xlwings


def _quickstart_path() -> Path:
    import xlwings

    path = Path(xlwings.__file__).parent / QUICKSTART
    if not path.is_file():
        raise BuildError(f"xlwings' {QUICKSTART} is missing from {path.parent}; "
                         f"reinstall xlwings=={XLWINGS_VERSION}")
    return path


def _check_xlwings_version(quickstart: Path) -> None:
    """The installed xlwings, and the VBA module in its quickstart, must be the pinned one."""
    import xlwings

    hint = f"install it with: pip install xlwings=={XLWINGS_VERSION}"
    if xlwings.__version__ != XLWINGS_VERSION:
        raise BuildError(f"the workbook is pinned to xlwings {XLWINGS_VERSION} but xlwings "
                         f"{xlwings.__version__} is installed; {hint}")
    code = _vba_modules_olevba(quickstart.read_bytes()).get(XLWINGS_VBA_MODULE)
    if code is None:
        raise BuildError(f"{quickstart} has no {XLWINGS_VBA_MODULE!r} VBA module")
    consts = re.findall(r'XLWINGS_VERSION\s+As\s+String\s*=\s*"([^"]+)"', code)
    dlls = re.findall(r'xlwings(?:32|64)-([0-9][^"]*?)\.dll', code)
    found = set(consts) | set(dlls)
    if not consts or not dlls or found != {XLWINGS_VERSION}:
        raise BuildError(f"the xlwings VBA module in {quickstart} belongs to xlwings "
                         f"{', '.join(sorted(found)) or 'of an unknown version'}, not "
                         f"{XLWINGS_VERSION}; {hint}")


def _vba_modules_olevba(xlsm: bytes) -> dict[str, str]:
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser("workbook.xlsm", data=xlsm)
    try:
        return {filename.rsplit(".", 1)[0]: code
                for _, _, filename, code in parser.extract_all_macros()}
    finally:
        parser.close()


_WINDOWS_MODULES = ("pythoncom", "pywintypes", "win32com", "win32com.client")
_DECORATORS = {"func": "xlfunc", "arg": "xlarg", "ret": "xlret", "sub": "xlsub", "script": "xlsub"}
_MISSING = object()


@contextlib.contextmanager
def _real_udf_decorators() -> Iterator[types.ModuleType]:
    """BUILD-TIME ONLY: make ``xlwings.func/arg/ret`` the real Windows decorators.

    Off Windows, ``xlwings.func`` and friends are no-ops, and ``xlwings.udfs`` (which
    holds the real ``xlfunc/xlarg/xlret`` and the VBA generator) imports pywin32. To run
    xlwings' own generator here, this stubs the pywin32 modules that are missing (nothing
    in them is called: the generator only reads the decorators' metadata), imports
    ``xlwings.udfs``, and swaps its decorators in on the ``xlwings`` module while
    ``udfs.py`` is imported. Everything is put back afterwards: ``sys.modules`` entries
    and ``xlwings`` attributes. Never used at run time, in Excel or anywhere else.
    """
    import xlwings

    watched = (*_WINDOWS_MODULES, "xlwings.udfs")
    saved_modules = {name: sys.modules.get(name, _MISSING) for name in watched}
    saved_attrs = {name: getattr(xlwings, name, _MISSING) for name in (*_DECORATORS, "udfs")}
    try:
        for name in _WINDOWS_MODULES:
            if name not in sys.modules and not _importable(name):
                sys.modules[name] = _windows_stub(name)
        if "win32com.client" in sys.modules and "win32com" in sys.modules:
            win32com = sys.modules["win32com"]
            if not hasattr(win32com, "client"):
                win32com.client = sys.modules["win32com.client"]  # type: ignore[attr-defined]
        xlwings_udfs = importlib.import_module("xlwings.udfs")
        for public, real in _DECORATORS.items():
            setattr(xlwings, public, getattr(xlwings_udfs, real))
        yield xlwings_udfs
    finally:
        for name, value in saved_attrs.items():
            if value is _MISSING:
                with contextlib.suppress(AttributeError):
                    delattr(xlwings, name)
            else:
                setattr(xlwings, name, value)
        for name, value in saved_modules.items():
            if value is _MISSING:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = value  # type: ignore[assignment]


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _windows_stub(name: str) -> types.ModuleType:
    """A stand-in for a pywin32 module: only what ``xlwings.udfs`` touches at import."""

    def not_at_build_time(*_args: Any, **_kwargs: Any) -> Any:
        raise BuildError(f"{name} is a build-time stub: no COM here")

    stub = types.ModuleType(name)
    stub.__doc__ = "kakobuy build-time stub (kakobuy_xl.build); not pywin32"
    if name == "pythoncom":
        stub.CoInitialize = lambda *a, **k: None  # type: ignore[attr-defined]
    elif name == "pywintypes":
        stub.com_error = type("com_error", (Exception,), {})  # type: ignore[attr-defined]
    elif name == "win32com.client":
        stub.Dispatch = not_at_build_time  # type: ignore[attr-defined]
    elif name == "win32com":
        stub.__path__ = []  # a package, so "win32com.client" resolves to the stub above
    return stub


def _import_udfs_module(path: Path, project_dir: Path) -> types.ModuleType:
    """Import ``udfs.py`` afresh under its own name, with the project folder importable."""
    spec = importlib.util.spec_from_file_location(UDF_MODULE, path)
    if spec is None or spec.loader is None:
        raise BuildError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    saved = sys.modules.get(UDF_MODULE, _MISSING)
    sys.modules[UDF_MODULE] = module
    sys.path.insert(0, str(project_dir))
    try:
        spec.loader.exec_module(module)
    except KakobuyError:
        raise
    except Exception as exc:
        raise BuildError(f"importing {path} failed: {type(exc).__name__}: {exc}") from exc
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(str(project_dir))
        if saved is _MISSING:
            sys.modules.pop(UDF_MODULE, None)
        else:
            sys.modules[UDF_MODULE] = saved  # type: ignore[assignment]
    return module


def _xlfuncs(module: types.ModuleType) -> list[Any]:
    """The decorated functions, in the order xlwings' generator writes them (``dir``)."""
    return [obj for obj in (getattr(module, attr) for attr in dir(module))
            if hasattr(obj, "__xlfunc__")]


class _BookStub:
    """What ``generate_vba_wrapper`` asks of the workbook: its name (.xlam or not)."""

    def __init__(self, name: str) -> None:
        self.Name = name


def _vba_writer(buf: io.StringIO) -> Any:
    from xlwings.utils import VBAWriter

    return VBAWriter(buf)


def _describe(xlfunc: dict[str, Any]) -> UdfFunction:
    """Description and argument help: from kakobuy_xl.formulas when it knows the
    function, else from the docstring and the ``@xw.arg(doc=...)`` texts."""
    name = xlfunc["name"]
    registered = _formula(name)
    ret_doc = xlfunc["ret"].get("doc") or ""
    if registered is not None:
        description = registered.description
    elif ret_doc.startswith("Python function '"):  # xlwings' text for "no docstring"
        description = ""
    else:
        description = _first_paragraph(ret_doc)
    args = []
    for arg in xlfunc["args"]:
        if arg.get("vba"):
            continue  # filled in by VBA (e.g. caller), not typed by the user
        doc = arg.get("doc") or ""
        if registered is not None and arg["name"] in registered.arg_names:
            doc = registered.help(arg["name"])
        elif doc.startswith("Positional argument "):  # xlwings' placeholder
            doc = arg["name"].replace("_", " ")
        args.append((arg["name"], doc))
    return UdfFunction(name, bool(xlfunc.get("sub")), description, tuple(args))


def _formula(name: str) -> Any:
    try:
        from kakobuy_xl.formulas import FORMULAS
    except ImportError:
        return None
    return FORMULAS.get(name)


def _first_paragraph(doc: str) -> str:
    text = inspect.cleandoc(doc).split("\n\n", 1)[0]
    return " ".join(text.split())


# --------------------------------------------------------------------------- sheets


def _write_sheets(quickstart: Path, dest: Path, functions: list[UdfFunction]) -> None:
    """The quickstart with our sheets instead of its samples, saved by openpyxl."""
    import openpyxl
    from openpyxl.packaging.core import DocumentProperties
    from openpyxl.styles import Color, Font
    from openpyxl.utils.indexed_list import IndexedList

    from kakobuy_xl.io.create import populate_workbook

    wb = openpyxl.load_workbook(quickstart, keep_vba=True)
    # The quickstart's sheets are "Sheet1" (code name Sheet1) and "_xlwings.conf" (Sheet2),
    # each with a document module in the VBA project. Ours take their code names, so every
    # document module keeps a sheet; the contract sheets get the next free code names.
    old = [ws.sheet_properties.codeName for ws in wb.worksheets]
    for ws in list(wb.worksheets):
        wb.remove(ws)
    if len(old) != 2 or None in old:
        raise BuildError(f"{quickstart.name} no longer has the two sample sheets this build "
                         f"expects (code names: {old})")
    start_code, conf_code = old

    # The quickstart was saved on a Mac: Normal is Calibri 12. Use Excel's default
    # Calibri 11, the size create_workbook's headers are made for.
    fonts = list(wb._fonts)  # noqa: SLF001 - openpyxl has no public API for the Normal font
    fonts[0] = Font(name="Calibri", sz=11, family=2, scheme="minor", color=Color(theme=1))
    wb._fonts = IndexedList(fonts)  # noqa: SLF001

    start = wb.create_sheet(START_SHEET)
    start.sheet_properties.codeName = start_code
    _write_start_sheet(start, functions)
    from kakobuy_xl.templates import sheet_rows

    contract = populate_workbook(wb, templates=sheet_rows())
    conf = wb.create_sheet(CONF_SHEET)
    conf.sheet_properties.codeName = conf_code
    _write_conf_sheet(conf)

    taken = {start_code.casefold(), conf_code.casefold()}
    number = 1
    for ws in wb.worksheets:
        if ws.sheet_properties.codeName:
            continue
        while f"sheet{number}" in taken:
            number += 1
        ws.sheet_properties.codeName = f"Sheet{number}"
        taken.add(f"sheet{number}")
    if [ws.title for ws in contract] != [s.name for s in schema.TABLE_SHEETS]:
        raise BuildError("the contract sheets were not written in contract order")

    wb.active = 0
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is start
    wb.properties = DocumentProperties(
        title="Kakobuy", creator="kakobuy-xl", lastModifiedBy="kakobuy-xl",
        created=FIXED_DATE, modified=FIXED_DATE,
    )
    wb.save(dest)


def _write_start_sheet(ws: Any, functions: list[UdfFunction]) -> None:
    """Plain-words first steps for a seller."""
    from openpyxl.styles import Alignment, Font, PatternFill

    wrap = Alignment(wrap_text=True, vertical="top")
    title_font = Font(name="Calibri", sz=20, bold=True, color="FF1F3864")
    lead_font = Font(name="Calibri", sz=12, italic=True, color="FF404040")
    heading_font = Font(name="Calibri", sz=13, bold=True, color="FF1F3864")
    heading_fill = PatternFill(fill_type="solid", start_color="FFDDE5F0", end_color="FFDDE5F0")
    owned_fill = PatternFill(fill_type="solid", start_color="FFACB9CA", end_color="FFACB9CA")

    ws.column_dimensions["A"].width = START_WIDTH
    ws.sheet_view.showGridLines = False
    rows: list[tuple[str, str]] = []  # (kind, text)

    def add(kind: str, text: str = "") -> None:
        rows.append((kind, text))

    add("title", "Kakobuy: your customer-service and dispute desk")
    add("lead", "Customers, orders, messages and disputes from every marketplace and chat app, "
                "in one workbook, in any language. This sheet tells you how to start.")
    add("gap")
    add("heading", "First steps")
    add("text", "1. When Excel shows a yellow bar saying macros are disabled, click Enable "
                "Content. Kakobuy's buttons and functions need it, and Python with kakobuy-xl "
                "installed on this computer (see the README of kakobuy-xl).")
    add("text", "2. Type or paste your data into the white columns of each sheet, one row per "
                "customer, order, message or dispute. Keep the header row as it is; hover over "
                "a header to see what goes in it.")
    add("owned", "3. Grey-blue columns (headers in italics) are filled in by Kakobuy. Do not "
                 "type there: every refresh rewrites them.")
    add("text", "4. Click Kakobuy > Refresh all on the ribbon. Kakobuy reads your rows and fills "
                "in the grey-blue columns: language, sentiment, intent, dispute type and grade, "
                "deadlines, risk and suggested replies.")
    add("text", "5. Anything Kakobuy could not read (a date that is not a date, a missing ID) is "
                "listed on the Problems sheet, with the row and how to fix it.")
    add("text", "6. You can also use Kakobuy's functions in your own formulas, for example "
                "=KB_SENTIMENT([@Message]) in a new column of the Interactions table, or "
                "=KB_LANG(A2) anywhere. They are under the Kakobuy category of Insert Function "
                "(fx).")
    add("gap")
    add("heading", "What each sheet is for")
    for sheet in schema.TABLE_SHEETS:
        add("text", f"{sheet.name}: {sheet.description}")
    add("gap")
    kb = [f for f in functions if f.name.startswith(FUNCTION_PREFIX) and not f.is_sub]
    if kb:
        add("heading", "Kakobuy functions")
        for f in kb:
            signature = f"{f.name}({', '.join(name for name, _ in f.args)})"
            add("text", f"{signature}: {f.description}" if f.description else signature)
        add("gap")
    add("heading", "Your data stays on this computer")
    add("text", "Kakobuy works on this computer only. Nothing leaves it unless you switch on a "
                "translation provider on the Settings sheet (translation_provider; it is off "
                "unless you change it). Then only the texts to translate are sent to that "
                "provider.")
    add("gap")
    add("heading", "Where to get help")
    add("text", "Kakobuy > Help on the ribbon explains each button. The Problems sheet lists "
                "what to fix after a refresh. The README of kakobuy-xl explains installing "
                "Python and kakobuy-xl, the buttons, the functions and the command line "
                "(kakobuy --help).")

    styles = {  # kind: (font, fill, line height in points)
        "title": (title_font, None, 30.0), "lead": (lead_font, None, 16.5),
        "heading": (heading_font, heading_fill, 20.0), "text": (None, None, 15.0),
        "owned": (None, owned_fill, 15.0), "gap": (None, None, 10.0),
    }
    for row, (kind, text) in enumerate(rows, start=1):
        cell = ws.cell(row=row, column=1)
        font, fill, line_height = styles[kind]
        if text:
            cell.value = text
            cell.data_type = "s"  # "=KB_..." inside a sentence is text, never a formula
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        cell.alignment = wrap
        lines = _wrapped_lines(text, START_WIDTH, 0.8 if kind == "title" else 1.0)
        ws.row_dimensions[row].height = line_height * lines + (2 if lines > 1 else 0)
    ws.sheet_view.selection[0].activeCell = "A1"
    ws.sheet_view.selection[0].sqref = "A1"
    _fit_to_page_width(ws)


def _wrapped_lines(text: str, width: float, scale: float = 1.0) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` characters wide.

    Row heights are written out rather than left to the reader: Excel does not grow a
    row for wrapped text on opening a file, and LibreOffice not always. The estimate is on
    the safe side (a short line of spare room rather than hidden text): ordinary text
    in Calibri is narrower than the digits that column widths are counted in.
    """
    if not text:
        return 1
    per_line = max(int(width * 1.05 * scale), 10)
    return max(len(textwrap.wrap(text, per_line)), 1)


def _fit_to_page_width(ws: Any) -> None:
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


#: (key, value, note). xlwings reads keys from A1 down to the first empty cell of column A
#: (GetConfigFromSheet), upper-cases them and takes the value from column B.
CONF_ROWS: tuple[tuple[str, object, str], ...] = (
    ("UDF Modules", UDF_MODULE,
     "Python module with the worksheet functions (KB_...): udfs.py in the kakobuy-xl "
     "project folder. Several modules are separated by ;"),
    ("PYTHONPATH", PYTHONPATH_FORMULA,
     "Folders where Python looks for udfs.py and kakobuy_xl, separated by ;. The formula "
     "gives the folder above this workbook's folder: the project folder when the workbook "
     "is in <project>/workbook/, as in a clone of the repository. If you move the workbook "
     "elsewhere, type the project folder here instead (e.g. C:\\Users\\you\\kakobuy-xl). "
     "A relative path such as .. does not work: it would be relative to Python's working "
     "folder, not to this workbook."),
    ("Debug UDFs", False,
     "True only for developers: the functions then run in a Python you start yourself "
     "(see the xlwings documentation on debugging)."),
    ("Use UDF Server", False,
     "False: every button click starts a fresh Python, so changes to the Python code apply "
     "at once."),
    ("Show Console", False,
     "True to see Python's console window while a button runs (Windows): useful to read "
     "error messages."),
)

CONF_NOTES = (
    "How xlwings reads this sheet: setting names in column A from A1 down to the first "
    "empty row, values in column B; column C only explains. A setting here wins over an "
    "xlwings.conf file beside the workbook and over the one in your user folder "
    "(.xlwings\\xlwings.conf).",
    "Which Python runs Kakobuy: the python on your PATH, the one where you installed "
    "kakobuy-xl. To use another one, insert a row above the empty row with Interpreter_Win "
    "(Windows) or Interpreter_Mac (Mac) in column A and the full path of the interpreter in "
    "column B, for example C:\\Users\\you\\kakobuy-xl\\.venv\\Scripts\\python.exe. Leaving "
    "them out (rather than empty) keeps any interpreter set in an xlwings.conf file.",
    "This sheet is hidden on purpose (Format > Hide & Unhide). The workbook is generated: "
    "`kakobuy build-workbook` writes it from the kakobuy-xl sources.",
)


def _write_conf_sheet(ws: Any) -> None:
    from openpyxl.styles import Alignment, Font

    ws.sheet_state = "hidden"
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = CONF_NOTE_WIDTH
    top_wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for row, (key, value, note) in enumerate(CONF_ROWS, start=1):
        ws.cell(row=row, column=1, value=key).alignment = top
        ws.cell(row=row, column=2, value=value).alignment = top
        ws.cell(row=row, column=3, value=note).alignment = top_wrap
    first_note = len(CONF_ROWS) + 2  # one empty row ends the settings for xlwings
    ws.cell(row=first_note, column=1, value="Notes").font = Font(bold=True)
    for offset, note in enumerate(CONF_NOTES):
        cell = ws.cell(row=first_note + offset, column=3, value=note)
        cell.alignment = top_wrap
    for row in range(1, ws.max_row + 1):
        note = ws.cell(row=row, column=3).value
        if note:
            ws.row_dimensions[row].height = 15.0 * _wrapped_lines(note, CONF_NOTE_WIDTH) + 2
    _fit_to_page_width(ws)


# --------------------------------------------------------------------------- VBA


def _vba_source(name: str) -> str:
    return _crlf((VBA_DIR / name).read_text(encoding="utf-8"))


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def _write_vba(src: Path, dest: Path, udf_vba: str, functions: list[UdfFunction]) -> None:
    """Add our modules with pyopenvba, every module rewritten as source only."""
    from pyopenvba import ExcelFile

    with ExcelFile(src) as book:
        project = book.vba_project()
        names = {name.casefold(): name for name in project.module_names()}
        for needed in (XLWINGS_VBA_MODULE, WORKBOOK_VBA_MODULE):
            if needed.casefold() not in names:
                raise BuildError(f"the quickstart's VBA project has no {needed!r} module")
        sample = names.get(SAMPLE_VBA_MODULE.casefold())
        if sample is not None and "SampleCall" in project.get_module(sample).source:
            project.delete_module(sample)
        for name in (RIBBON_VBA_MODULE, UDF_VBA_MODULE):
            if name.casefold() in names:
                project.delete_module(names[name.casefold()])
        project.add_module(RIBBON_VBA_MODULE, _vba_source(f"{RIBBON_VBA_MODULE}.bas"))
        project.add_module(UDF_VBA_MODULE, udf_vba)

        workbook = project.get_module(WORKBOOK_VBA_MODULE)
        existing = workbook.body.strip("\r\n")
        if re.search(r"^\s*(Private\s+|Public\s+)?Sub\s+Workbook_Open\b", existing,
                     re.IGNORECASE | re.MULTILINE):
            raise BuildError("the quickstart's ThisWorkbook already has a Workbook_Open; "
                             "merge kakobuy_xl/data/vba/ThisWorkbook.cls into it by hand")
        ours = _workbook_open_source(functions)
        body = f"{existing}\r\n\r\n{ours}" if existing.strip() else ours
        book.set_module(workbook.name, body)

        # Source only, everywhere: a module rewritten by pyopenvba loses its compiled
        # p-code (MODULEOFFSET 0). Touch the untouched ones too, so none keeps p-code
        # compiled for the quickstart's project; _package empties the project cache.
        for module in project.modules:
            module.dirty = True
        book.save(dest)


def _workbook_open_source(functions: list[UdfFunction]) -> str:
    template = _vba_source(f"{WORKBOOK_VBA_MODULE}.cls")
    lines = template.split("\r\n")
    at = [i for i, line in enumerate(lines) if line.strip() == REGISTRATIONS_MARKER]
    if len(at) != 1:
        raise BuildError(f"{WORKBOOK_VBA_MODULE}.cls must hold the line {REGISTRATIONS_MARKER} "
                         "once")
    indent = lines[at[0]][: len(lines[at[0]]) - len(lines[at[0]].lstrip())]
    registrations: list[str] = []
    for f in functions:
        if f.is_sub or not f.name.startswith(FUNCTION_PREFIX):
            continue
        registrations += _registration(f, indent)
    lines[at[0]: at[0] + 1] = registrations
    return "\r\n".join(lines).rstrip("\r\n") + "\r\n"


def _registration(f: UdfFunction, indent: str) -> list[str]:
    """``Application.MacroOptions`` for one function; without argument help if the Excel
    in use refuses it (ArgumentDescriptions needs Excel 2010 or later)."""
    i1, i2, i3 = indent, indent + "    ", indent + "        "
    macro = f'Macro:=book & "{f.name}"'
    desc = f"Description:={_vba_string(f.description or f.name)}"
    category = f"Category:={_vba_string(CATEGORY)}"
    lines = [f"{i1}Err.Clear"]
    if f.args:
        if len(f.args) > 19:  # VBA allows 24 line continuations per statement
            raise BuildError(f"{f.name} has too many arguments to describe ({len(f.args)})")
        lines += [f"{i1}Application.MacroOptions {macro}, _",
                  f"{i2}{desc}, _",
                  f"{i2}{category}, _",
                  f"{i2}ArgumentDescriptions:=Array( _"]
        helps = [_vba_string(text or name) for name, text in f.args]
        lines += [f"{i3}{h}, _" for h in helps[:-1]] + [f"{i3}{helps[-1]})"]
        lines += [f"{i1}If Err.Number <> 0 Then",
                  f"{i2}Err.Clear",
                  f"{i2}Application.MacroOptions {macro}, {desc}, {category}",
                  f"{i1}End If"]
    else:
        lines += [f"{i1}Application.MacroOptions {macro}, {desc}, {category}"]
    return lines


def _vba_string(text: str, limit: int = 255) -> str:
    """A VBA string literal: one line, at most ``limit`` characters (Excel's limit for
    function and argument help), in the project's code page (Windows-1252)."""
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    if len(text) > limit:
        text = text[: limit - 3].rstrip() + "..."
    text = text.encode("cp1252", errors="replace").decode("cp1252")
    return '"' + text.replace('"', '""') + '"'


# --------------------------------------------------------------------------- package


def _check_ribbon(ribbon: bytes, path: Path) -> None:
    try:
        root = etree.fromstring(ribbon)
    except etree.XMLSyntaxError as exc:
        raise BuildError(f"{path} is not well-formed XML: {exc}") from exc
    if root.tag != f"{{{CUSTOMUI_NS}}}customUI":
        raise BuildError(f"{path} must be a customUI document in the {CUSTOMUI_NS} namespace "
                         f"(customUI14), not {root.tag}")


def _package(xlsm: bytes, ribbon: bytes) -> bytes:
    """Ribbon in, dates fixed, VBA project cache emptied, members in a fixed order."""
    with zipfile.ZipFile(io.BytesIO(xlsm)) as z:
        parts = {info.filename: z.read(info) for info in z.infolist() if not info.is_dir()}
    parts[_PKG_RELS] = _with_ribbon_relationship(parts[_PKG_RELS])
    parts[_CONTENT_TYPES] = _with_xml_default(parts[_CONTENT_TYPES])
    parts[_CORE] = _fixed_core_dates(parts[_CORE])
    parts[_VBA_PART] = _empty_vba_project_cache(parts[_VBA_PART])
    parts[CUSTOMUI_PART] = ribbon
    order = [_CONTENT_TYPES, _PKG_RELS] + sorted(
        name for name in parts if name not in (_CONTENT_TYPES, _PKG_RELS))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # the same bytes whatever system builds it
            info.external_attr = 0
            out.writestr(info, parts[name], compresslevel=6)
    return buf.getvalue()


def _xml(root: Any) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _with_ribbon_relationship(rels: bytes) -> bytes:
    root = etree.fromstring(rels)
    for rel in root.findall(f"{{{_PR_NS}}}Relationship"):
        if rel.get("Type") in (CUSTOMUI_REL_TYPE, _OLD_CUSTOMUI_REL_TYPE):
            root.remove(rel)
    taken = {rel.get("Id") for rel in root}
    if CUSTOMUI_REL_ID in taken:
        raise BuildError(f"relationship id {CUSTOMUI_REL_ID!r} is already used in {_PKG_RELS}")
    rel = etree.SubElement(root, f"{{{_PR_NS}}}Relationship")
    rel.set("Id", CUSTOMUI_REL_ID)
    rel.set("Type", CUSTOMUI_REL_TYPE)
    rel.set("Target", CUSTOMUI_PART)
    return _xml(root)


def _with_xml_default(content_types: bytes) -> bytes:
    """customUI14.xml is typed by the package's ``.xml`` default (application/xml)."""
    root = etree.fromstring(content_types)
    defaults = {d.get("Extension", "").lower() for d in root.findall(f"{{{_CT_NS}}}Default")}
    if "xml" not in defaults:
        default = etree.Element(f"{{{_CT_NS}}}Default")
        default.set("Extension", "xml")
        default.set("ContentType", "application/xml")
        root.insert(0, default)
    return _xml(root)


def _fixed_core_dates(core: bytes) -> bytes:
    root = etree.fromstring(core)
    stamp = FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ")
    for tag in ("created", "modified"):
        for el in root.findall(f"{{{_DCTERMS_NS}}}{tag}"):
            el.text = stamp
    return _xml(root)


def _empty_vba_project_cache(vba_bin: bytes) -> bytes:
    """The project's performance cache emptied, and its PROJECT stream tidied."""
    from pyopenvba.cfb import CFB

    cfb = CFB.from_bytes(vba_bin)
    cfb.write_stream_in_storage("VBA", "_VBA_PROJECT", EMPTY_VBA_PROJECT_STREAM)
    cfb.write_stream("PROJECT", _tidy_project_stream(cfb.get_stream("PROJECT")))
    return cfb.to_bytes()


def _tidy_project_stream(raw: bytes) -> bytes:
    """The PROJECT stream as Excel writes it: no empty line inside a section.

    pyopenvba appends the code-window entries of added modules after the empty line
    that ends Excel's ``[Workspace]`` section; move that line back to the end.
    """
    text = raw.decode("latin-1")  # ASCII in practice; latin-1 round-trips any byte
    sections: list[list[str]] = [[]]
    for line in text.split("\r\n"):
        if line.startswith("[") and line.rstrip().endswith("]"):
            sections.append([line])
        else:
            sections[-1].append(line)
    out: list[str] = []
    for number, lines in enumerate(sections):
        kept = [line for line in lines if line.strip()]
        if number == 0 or kept:
            out.extend(kept)
            out.append("")  # each section ends with one empty line, as Excel writes it
    return ("\r\n".join(out) + "\r\n").encode("latin-1")


def _verify(data: bytes, functions: list[UdfFunction]) -> None:
    """Read the result back with olevba: our modules are there, and no p-code is."""
    report = vba_report(data)
    modules = report["modules"]
    for needed in (XLWINGS_VBA_MODULE, RIBBON_VBA_MODULE, UDF_VBA_MODULE, WORKBOOK_VBA_MODULE):
        if needed not in modules:
            raise BuildError(f"the built workbook has no {needed!r} VBA module")
    compiled = sorted(name for name, offset in report["text_offsets"].items() if offset)
    if compiled:
        raise BuildError(f"VBA modules still carry compiled p-code: {', '.join(compiled)}")
    if report["vba_project_stream"] != EMPTY_VBA_PROJECT_STREAM:
        raise BuildError("the VBA project still carries a performance cache")
    missing = [f.name for f in functions
               if not re.search(rf"^(Function|Sub) {re.escape(f.name)}\(",
                                modules[UDF_VBA_MODULE], re.MULTILINE)]
    if missing:
        raise BuildError(f"xlwings_udfs lacks wrappers for {', '.join(missing)}")


def main(argv: list[str] | None = None) -> int:
    """``python -m kakobuy_xl.build [OUT]``, run in the project folder: the same build as
    ``kakobuy build-workbook`` (default OUT: workbook/Kakobuy.xlsm)."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else Path("workbook") / "Kakobuy.xlsm"
    try:
        written = build_workbook(out, Path.cwd())
    except KakobuyError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(f"Built {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
