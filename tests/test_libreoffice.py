"""Workbooks kakobuy writes open in a real spreadsheet program (headless LibreOffice)."""

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from kakobuy_xl.schema import TABLE_SHEETS

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; "
                       "`make test` installs Debian's libreoffice-calc-nogui when it can"),
]
# Export every sheet as its own UTF-8 CSV (the trailing -1 means "all sheets").
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def convert_all_sheets(workbook: Path, out: Path) -> list[Path]:
    profile = out / "profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", CSV_FILTER, "--outdir", str(out), str(workbook)],
        check=True, capture_output=True, timeout=240,
    )
    return sorted(out.glob(f"{workbook.stem}-*.csv"))


def test_demo_workbook_opens_and_every_sheet_converts(demo_path, tmp_path):
    files = convert_all_sheets(demo_path, tmp_path)
    names = {f.stem.removeprefix(f"{demo_path.stem}-") for f in files}
    assert {s.name for s in TABLE_SHEETS} <= names
    with open(tmp_path / f"{demo_path.stem}-Interactions.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "Interaction ID" and len(rows) == 301
    header = rows[0]
    # Formula-like customer text arrives as text, and computed columns are there.
    messages = [r[header.index("Message")] for r in rows[1:]]
    assert any(m.startswith(("=", "+")) for m in messages)
    with open(tmp_path / f"{demo_path.stem}-Orders.csv", encoding="utf-8") as fh:
        orders = list(csv.DictReader(fh))
    assert {o["Delay Flag"] for o in orders} >= {"yes", "no"}
