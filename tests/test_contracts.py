"""Contracts every part keeps: see ARCHITECTURE sections 1 and 7."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kakobuy_xl import api, cli

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "kakobuy_xl"
# build.py is the developer tool that generates workbook/Kakobuy.xlsm: a face, not core.
FACES = {"cli.py", "api.py", "excel.py", "build.py"}
# The core may only reach a workbook through the io protocol (io/base.py).
FORBIDDEN = {"xlwings", "openpyxl", "click", "python_calamine", "lxml", "zipfile", "shutil",
             "kakobuy_xl.io.xlsx", "kakobuy_xl.io.create", "kakobuy_xl.cli", "kakobuy_xl.api"}


# Modules whose job is files the user hands over or asks for (chat exports, evidence
# packs, dossiers) may use file libraries, but still never reach a workbook directly.
FILE_MODULES = {"evidence.py", "dossier.py", "proactive.py"}
FILE_PACKAGES = {"importers"}
FILE_LIBRARIES = {"zipfile", "shutil"}


def _forbidden_for(path: Path) -> set[str]:
    rel = path.relative_to(PKG).parts
    if path.name in FILE_MODULES or (len(rel) > 1 and rel[0] in FILE_PACKAGES):
        return FORBIDDEN - FILE_LIBRARIES
    return FORBIDDEN


def core_modules() -> list[Path]:
    return [p for p in PKG.rglob("*.py")
            if p.name not in FACES and "io" not in p.relative_to(PKG).parts[:-1]]


def imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(("kakobuy_xl",) + path.relative_to(PKG).parts[:-1])
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                mod = f"{base}.{node.module}" if node.module else base
            else:
                mod = node.module or ""
            names.add(mod)
            names.update(f"{mod}.{a.name}" for a in node.names)
    return names


@pytest.mark.parametrize("path", core_modules(), ids=lambda p: str(p.relative_to(PKG)))
def test_core_imports_no_face_or_file_library(path):
    bad = {n for n in imported_names(path) for f in _forbidden_for(path)
           if n == f or n.startswith(f + ".")}
    assert not bad, f"{path.name} imports {bad}"
    text = path.read_text(encoding="utf-8")
    assert "os.environ" not in text and "getenv" not in text
    if _forbidden_for(path) == FORBIDDEN:  # file modules open the files they are given
        assert "open(" not in text.replace("_open(", "")


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert cli.main.commands
    for name, command in cli.main.commands.items():
        assert command.help, f"`kakobuy {name}` has no help"
        assert f"### `kakobuy {name}" in readme, f"`kakobuy {name}` is not in the README"
        result = CliRunner().invoke(cli.main, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


# `import` is a Python keyword: its api function is import_file.
API_NAME = {"import": "import_file"}


def test_every_command_has_an_api_function_of_the_same_name():
    for name in cli.main.commands:
        assert API_NAME.get(name, name.replace("-", "_")) in api.__all__


def test_api_all_is_exact():
    public = {n for n, v in vars(api).items() if not n.startswith("_") and callable(v)
              and getattr(v, "__module__", "") == api.__name__}
    assert set(api.__all__) == public


def test_cli_help_does_not_import_pandas():
    code = ("import sys; from kakobuy_xl import cli; "
            "sys.argv=['kakobuy','--help'];\n"
            "try: cli.main()\nexcept SystemExit: pass\n"
            "print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("False")


def test_readme_figures_are_the_shipped_ones():
    """The numbers the README states come from the code and data, not from memory."""
    import json
    import re

    from kakobuy_xl import excel
    from kakobuy_xl.customers import (HAPPY_CSAT, HIGH_RISK, LOW_CSAT, LOW_RISK, NEGATIVE_AVG,
                                      RISK_WEIGHTS)

    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    profile = readme[readme.index("**Risk Score** (0-1)"):readme.index("**Risk Reasons** names")]
    stated = [float(x) for x in re.findall(r"(?<![\d.])-?0\.\d+", profile)]
    assert stated == [RISK_WEIGHTS[k] for k in ("public", "case", "open", "complaints")] + \
        [NEGATIVE_AVG, RISK_WEIGHTS["negative"], RISK_WEIGHTS["worsening"],
         RISK_WEIGHTS["low_csat"], RISK_WEIGHTS["dispute_risk"], HIGH_RISK, LOW_RISK]
    assert f"CSAT {LOW_CSAT} or lower" in profile and f"CSAT {HAPPY_CSAT} or more" in profile
    scenarios = json.loads((ROOT / "kakobuy_xl" / "data" / "templates" / "scenarios.json")
                           .read_text(encoding="utf-8"))["scenarios"]
    assert f"**Templates**: {len(scenarios)} scenarios" in readme
    assert f"shows {len(excel.BUTTONS)} buttons" in readme


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci and "make test" in readme


@pytest.mark.parametrize("args,needle", [
    (["refresh", "nope.xlsx"], "No workbook at"),
    (["validate", "nope.txt"], "not an Excel workbook"),
    (["init", "shop.csv"], "must end in .xlsx or .xlsm"),
    (["refresh", "x.xlsx", "--now", "yesterday"], "is not a date"),
])
def test_cli_errors_are_one_line_and_exit_1_or_2(args, needle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if args[1] == "x.xlsx":
        api.init("x.xlsx")
    result = CliRunner().invoke(cli.main, args)
    assert result.exit_code in (1, 2)  # 2: click's own usage errors
    assert needle in result.output
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert result.output.startswith("Error: ")


def test_unexpected_failures_are_reported_without_traceback(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KAKOBUY_DEBUG", raising=False)

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(api, "validate", boom)
    result = CliRunner().invoke(cli.main, ["validate", "x.xlsx"])
    assert result.exit_code == 1
    assert "unexpected failure (RuntimeError: disk on fire)" in result.output
    assert "Traceback" not in result.output


def test_init_validate_refresh_through_the_cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    r = runner.invoke(cli.main, ["init", "shop.xlsm"])
    assert r.exit_code == 0, r.output
    assert "Created shop.xlsm" in r.output
    again = runner.invoke(cli.main, ["init", "shop.xlsm"])
    assert again.exit_code == 1 and "already exists" in again.output
    v = runner.invoke(cli.main, ["validate", "shop.xlsm"])
    assert v.exit_code == 0 and "no problems" in v.output
    r = runner.invoke(cli.main, ["refresh", "shop.xlsm", "--now", "2025-06-30T12:00"])
    assert r.exit_code == 0 and "Nothing to change" in r.output
