"""Tests for kakobuy_xl.build: workbook/Kakobuy.xlsm, generated from sources.

Excel is not available here, so the workbook is read back the ways we can: as a zip
package (ribbon part and relationship), with olevba (the VBA modules, no stale p-code),
with openpyxl and python_calamine (sheets, tables, the xlwings.conf sheet), and with
headless LibreOffice (it opens and converts).
"""

from __future__ import annotations

import ast
import hashlib
import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from lxml import etree

import kakobuy_xl.build as build
from kakobuy_xl import schema
from kakobuy_xl.build import (
    CONF_SHEET,
    CUSTOMUI_PART,
    CUSTOMUI_REL_TYPE,
    EMPTY_VBA_PROJECT_STREAM,
    START_SHEET,
    XLWINGS_VERSION,
    BuildError,
    build_workbook,
    vba_report,
)

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "workbook" / "Kakobuy.xlsm"
RIBBON = ROOT / "ribbon.xml"
UDFS = ROOT / "udfs.py"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
REBUILD = ("run `kakobuy build-workbook` (or `python -m kakobuy_xl.build`) in the project "
           "folder and commit workbook/Kakobuy.xlsm")

NS = {
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "ui": "http://schemas.microsoft.com/office/2009/07/customui",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_workbook(tmp_path_factory.mktemp("build") / "Kakobuy.xlsm", ROOT)


@pytest.fixture(scope="module")
def package(built) -> dict[str, bytes]:
    return _parts(built.read_bytes())


@pytest.fixture(scope="module")
def report(built) -> dict:
    return vba_report(built.read_bytes())


@pytest.fixture(scope="module")
def kb_functions() -> dict[str, list[str]]:
    """Every KB_ function defined in udfs.py (by name prefix) and its parameters."""
    tree = ast.parse(UDFS.read_text(encoding="utf-8"))
    found = {node.name: [a.arg for a in node.args.args]
             for node in tree.body
             if isinstance(node, ast.FunctionDef) and node.name.startswith("KB_")}
    assert found, "udfs.py defines no KB_ function"
    return found


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


# --------------------------------------------------------------------------- ribbon


def test_ribbon_is_the_customui14_part_with_its_package_relationship(package):
    assert package[CUSTOMUI_PART] == RIBBON.read_bytes()
    rels = etree.fromstring(package["_rels/.rels"])
    ui = [r for r in rels.findall("pr:Relationship", NS) if r.get("Type") == CUSTOMUI_REL_TYPE]
    assert [r.get("Target") for r in ui] == ["customUI/customUI14.xml"]
    assert CUSTOMUI_REL_TYPE == \
        "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
    ids = [r.get("Id") for r in rels.findall("pr:Relationship", NS)]
    assert len(ids) == len(set(ids))
    # The part has a content type: an Override, or the package's .xml Default.
    types = etree.fromstring(package["[Content_Types].xml"])
    overrides = {o.get("PartName") for o in types.findall("ct:Override", NS)}
    defaults = {d.get("Extension").lower(): d.get("ContentType")
                for d in types.findall("ct:Default", NS)}
    assert f"/{CUSTOMUI_PART}" in overrides or defaults.get("xml") == "application/xml"


def test_every_ribbon_button_calls_kb_onaction_which_the_vba_defines(package, report):
    ribbon = etree.fromstring(package[CUSTOMUI_PART])
    actions = [el.get("onAction") for el in ribbon.iter() if el.get("onAction") is not None]
    assert actions and set(actions) == {"KB_OnAction"}
    code = report["modules"]["KakobuyRibbon"]
    assert re.search(r"^Sub KB_OnAction\(control As IRibbonControl\)\r?$", code, re.MULTILINE)
    assert ("""RunPython "import kakobuy_xl.excel as kb; kb.run_button('" & control.ID & "')\""""
            in code)
    # The callback is defined once in the whole project.
    defined = [name for name, src in report["modules"].items()
               if re.search(r"^\s*(Public\s+)?Sub\s+KB_OnAction\b", src, re.MULTILINE)]
    assert defined == ["KakobuyRibbon"]


# --------------------------------------------------------------------------- VBA


def test_olevba_lists_our_modules(report):
    assert {"xlwings", "KakobuyRibbon", "xlwings_udfs", "ThisWorkbook"} <= set(report["modules"])
    assert "Module1" not in report["modules"]  # the quickstart's SampleCall is gone


def test_xlwings_module_is_the_pinned_version(report):
    code = report["modules"]["xlwings"]
    assert f'Public Const XLWINGS_VERSION As String = "{XLWINGS_VERSION}"' in code
    assert f"xlwings64-{XLWINGS_VERSION}.dll" in code
    assert f"xlwings32-{XLWINGS_VERSION}.dll" in code


def test_no_stale_compiled_code(built, report, tmp_path):
    # Source only: every module's text starts at offset 0 of its stream, no p-code before it.
    assert report["text_offsets"] and set(report["text_offsets"].values()) == {0}
    # The project's performance cache is what a writer must write: empty, version 0xFFFF.
    assert report["vba_project_stream"] == EMPTY_VBA_PROJECT_STREAM
    # olevba's own VBA-stomping check (p-code that disagrees with the source) is clean.
    from oletools.olevba import VBA_Parser

    vba_bin = tmp_path / "vbaProject.bin"
    with zipfile.ZipFile(built) as z:
        vba_bin.write_bytes(z.read("xl/vbaProject.bin"))
    parser = VBA_Parser(str(vba_bin))
    try:
        assert parser.detect_vba_stomping() is False
    finally:
        parser.close()


def test_pyopenvba_finds_the_project_consistent(built):
    from pyopenvba import ExcelFile

    with ExcelFile(built) as book:
        assert book.validate() == []
        assert book.vba_signature().present is False


def test_udf_wrappers_for_every_kb_function(report, kb_functions):
    code = report["modules"]["xlwings_udfs"]
    assert code.startswith('Attribute VB_Name = "xlwings_udfs"')
    for name in kb_functions:
        assert re.search(rf"^Function {name}\(", code, re.MULTILINE), f"no wrapper for {name}"
        assert f'XLPy.CallUDF("udfs", "{name}", ' in code


def test_workbook_open_describes_every_kb_function(report, kb_functions):
    code = report["modules"]["ThisWorkbook"]
    assert re.search(r"^Private Sub Workbook_Open\(\)\r?$", code, re.MULTILINE)
    body = code.split("Private Sub Workbook_Open()", 1)[1].split("End Sub", 1)[0]
    assert body.lstrip().splitlines()[1].strip() == "On Error Resume Next"
    for name, params in kb_functions.items():
        match = re.search(
            rf'Application\.MacroOptions Macro:=book & "{name}", _\s+'
            r'Description:="(?P<desc>(?:[^"]|"")+)", _\s+'
            r'Category:="Kakobuy"(?P<rest>.*?)\n\s*If Err\.Number', body, re.DOTALL)
        assert match, f"no MacroOptions for {name}"
        helps = re.findall(r'"((?:[^"]|"")*)"', match.group("rest"))
        assert len(helps) == len(params), f"{name}: argument help for {params}"
        assert all(h.strip() for h in helps)


def test_workbook_open_texts_come_from_the_formula_registry(report):
    formulas = pytest.importorskip("kakobuy_xl.formulas")
    code = report["modules"]["ThisWorkbook"]
    for name, spec in formulas.FORMULAS.items():
        if f'"{name}"' not in code:
            continue
        assert build._vba_string(spec.description) in code  # noqa: SLF001
        for _, text in spec.args:
            assert build._vba_string(text) in code  # noqa: SLF001


def test_vba_strings_are_safe_literals():
    assert build._vba_string('say "hi"\nnow') == '"say ""hi"" now"'  # noqa: SLF001
    long = build._vba_string("x" * 400)  # noqa: SLF001
    assert len(long) == 257 and long.endswith('..."')
    assert build._vba_string("日本語").count("?") == 3  # noqa: SLF001 - code page 1252


# --------------------------------------------------------------------------- sheets


def test_openpyxl_reads_sheets_tables_and_config(built):
    wb = openpyxl.load_workbook(built, keep_vba=True)
    assert wb.sheetnames[0] == START_SHEET
    assert wb.sheetnames[-1] == CONF_SHEET
    for sheet in schema.TABLE_SHEETS:
        ws = wb[sheet.name]
        assert ws.sheet_state == "visible"
        assert list(ws.tables) == [sheet.table]
        table = ws.tables[sheet.table]
        assert [c.name for c in table.tableColumns] == list(sheet.headers)
        assert [c.value for c in ws[1]][: len(sheet.headers)] == list(sheet.headers)

    conf = wb[CONF_SHEET]
    assert conf.sheet_state == "hidden"
    settings = {}
    for row in conf.iter_rows(min_row=1, max_col=2):
        if row[0].value is None:
            break  # xlwings reads column A down to the first empty cell
        settings[row[0].value] = row[1].value
    assert settings["UDF Modules"] == "udfs"
    assert settings["Debug UDFs"] is False
    assert settings["Use UDF Server"] is False
    assert settings["Show Console"] is False
    assert settings["PYTHONPATH"] == build.PYTHONPATH_FORMULA
    assert "Interpreter_Win" not in settings and "Interpreter_Mac" not in settings
    notes = " ".join(str(c.value) for c in conf["C"] if c.value)
    assert "Interpreter_Win" in notes and "Interpreter_Mac" in notes


def test_every_document_module_has_its_sheet(built, report):
    wb = openpyxl.load_workbook(built, keep_vba=True)
    codes = {ws.title: ws.sheet_properties.codeName for ws in wb.worksheets}
    assert codes[START_SHEET] == "Sheet1" and codes[CONF_SHEET] == "Sheet2"
    assert len(set(codes.values())) == len(codes)
    assert wb.code_name == "ThisWorkbook"
    documents = {"Sheet1", "Sheet2", "ThisWorkbook"}
    assert documents <= set(report["modules"])


def test_start_sheet_speaks_plainly(built):
    wb = openpyxl.load_workbook(built)
    ws = wb[START_SHEET]
    assert wb.active.title == START_SHEET
    assert ws.column_dimensions["A"].width == pytest.approx(100)
    cells = [c for c in ws["A"] if c.value]
    text = "\n".join(c.value for c in cells)
    assert cells[0].font.b and cells[0].font.sz > 14  # a title
    for needed in ("white columns", "Grey-blue", "Refresh all", "=KB_SENTIMENT([@Message])",
                   "Settings", "translation provider", "Help", "Problems"):
        assert needed in text, needed
    for sheet in schema.TABLE_SHEETS:
        assert f"{sheet.name}: " in text
    assert all(c.alignment.wrap_text for c in cells)
    assert all(c.data_type == "s" for c in cells)  # "=KB_..." is text, not a formula


def test_calamine_reads_it(built):
    wb = python_calamine.CalamineWorkbook.from_path(str(built))
    assert wb.sheet_names[0] == START_SHEET
    assert {s.name for s in schema.TABLE_SHEETS} <= set(wb.sheet_names)
    hidden = {m.name for m in wb.sheets_metadata
              if m.visible == python_calamine.SheetVisibleEnum.Hidden}
    assert CONF_SHEET in hidden
    for sheet in schema.TABLE_SHEETS:
        rows = wb.get_sheet_by_name(sheet.name).to_python()
        assert tuple(rows[0][: len(sheet.headers)]) == sheet.headers
    conf = wb.get_sheet_by_name(CONF_SHEET).to_python()
    assert conf[0][:2] == ["UDF Modules", "udfs"]


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; "
                    "`make test` installs Debian's libreoffice-calc-nogui when it can")
def test_libreoffice_opens_and_converts_it(built, tmp_path):
    out = tmp_path / "out"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--norestore", "--convert-to", "pdf", "--outdir", str(out), str(built)],
        check=True, capture_output=True, timeout=240,
    )
    pdf = out / f"{built.stem}.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 10_000


# --------------------------------------------------------------------------- determinism


def test_two_builds_are_identical(built, tmp_path):
    again = build_workbook(tmp_path / "again.xlsm", ROOT)
    assert hashlib.sha256(again.read_bytes()).hexdigest() == \
        hashlib.sha256(built.read_bytes()).hexdigest()


def test_zip_members_have_fixed_times_and_order(built):
    with zipfile.ZipFile(built) as z:
        infos = z.infolist()
    assert {i.date_time for i in infos} == {(2025, 1, 1, 0, 0, 0)}
    names = [i.filename for i in infos]
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert names[2:] == sorted(names[2:])


def test_core_properties_have_fixed_dates(package):
    core = package["docProps/core.xml"].decode()
    assert core.count("2025-01-01T00:00:00Z") == 2


def test_committed_workbook_is_up_to_date(built):
    assert COMMITTED.is_file(), f"{COMMITTED.relative_to(ROOT)} is missing: {REBUILD}"
    committed = _parts(COMMITTED.read_bytes())
    fresh = _parts(built.read_bytes())
    # Compared part by part, uncompressed: the deflate bytes may differ between zlibs.
    assert sorted(committed) == sorted(fresh), f"workbook/Kakobuy.xlsm is out of date: {REBUILD}"
    stale = [name for name in fresh if committed[name] != fresh[name]]
    assert not stale, f"workbook/Kakobuy.xlsm is out of date ({', '.join(stale)}): {REBUILD}"


# --------------------------------------------------------------------------- failures


def test_wrong_xlwings_version_stops_the_build(monkeypatch, tmp_path):
    import xlwings

    monkeypatch.setattr(xlwings, "__version__", "0.99.0")
    with pytest.raises(BuildError, match=r"pinned to xlwings 0\.37\.8 but xlwings 0\.99\.0"):
        build_workbook(tmp_path / "Kakobuy.xlsm", ROOT)
    assert not (tmp_path / "Kakobuy.xlsm").exists()


def test_missing_sources_stop_the_build(tmp_path):
    with pytest.raises(BuildError, match="ribbon.xml"):
        build_workbook(tmp_path / "Kakobuy.xlsm", tmp_path)


def test_undecorated_kb_function_stops_the_build(tmp_path):
    shutil.copy(RIBBON, tmp_path / "ribbon.xml")
    (tmp_path / "udfs.py").write_text("def KB_NOPE(x):\n    return x\n", encoding="utf-8")
    with pytest.raises(BuildError, match="KB_NOPE"):
        build_workbook(tmp_path / "Kakobuy.xlsm", tmp_path)


def test_build_time_shim_leaves_no_trace():
    import xlwings

    watched = ("pythoncom", "pywintypes", "win32com", "win32com.client", "xlwings.udfs", "udfs")
    modules = {name: sys.modules.get(name) for name in watched}
    decorators = {name: getattr(xlwings, name, None) for name in ("func", "arg", "ret", "sub")}
    vba, functions = build.read_udfs(UDFS, ROOT)
    assert {name: sys.modules.get(name) for name in watched} == modules
    assert {name: getattr(xlwings, name, None) for name in decorators} == decorators
    # ... and the real decorators did run while udfs.py was imported.
    assert {f.name for f in functions} >= {"KB_LANG", "KB_SENTIMENT"}
    assert "Function KB_LANG(" in vba


def test_rebuild_replaces_the_file_atomically(tmp_path):
    target = tmp_path / "deep" / "Kakobuy.xlsm"
    build_workbook(target, ROOT)
    first = target.read_bytes()
    build_workbook(target, ROOT)
    assert target.read_bytes() == first
    assert [p.name for p in target.parent.iterdir()] == ["Kakobuy.xlsm"]  # no temp files left
