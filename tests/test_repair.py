"""`kakobuy init --repair`: add what is missing, upgrade shipped templates, keep the user's."""

import datetime as dt

import pandas as pd
from click.testing import CliRunner

from kakobuy_xl import api, cli
from kakobuy_xl.io.create import create_workbook
from kakobuy_xl.io.xlsx import FileWorkbook
from kakobuy_xl.repair import repair
from kakobuy_xl.templates import shipped_library


def test_an_old_workbook_gets_the_shipped_templates_and_rules(tmp_path):
    path = tmp_path / "old.xlsx"
    create_workbook(path)  # no templates: what session-1 workbooks look like
    result = CliRunner().invoke(cli.main, ["init", str(path), "--repair"])
    assert result.exit_code == 0, result.output
    assert f"Templates: {len(shipped_library())} rows added" in result.output
    t = FileWorkbook(path).read_table("Templates").frame
    assert len(t.dropna(subset=["Template ID"])) == len(shipped_library())
    again = CliRunner().invoke(cli.main, ["init", str(path), "--repair"])
    assert "Nothing to repair" in again.output
    before = path.read_bytes()
    api.repair(path)
    assert path.read_bytes() == before


def _library(version, updated, body):
    lib = shipped_library().head(3).copy()
    lib["version"] = version
    lib["updated"] = pd.Timestamp(updated)
    lib.loc[lib.index[0], "body"] = body
    return lib


def test_upgrades_only_untouched_shipped_templates(tmp_path):
    path = tmp_path / "shop.xlsx"
    old = _library(1, "2026-01-01", "Old words {order_id}")
    from kakobuy_xl.templates import sheet_rows
    rows = sheet_rows(old)
    rows[1]["Custom"] = "yes"                   # the user's own
    rows[2]["Updated"] = dt.date(2026, 12, 1)   # edited after the new version came out
    create_workbook(path, templates=rows)
    wb = FileWorkbook(path)
    new = _library(2, "2026-06-01", "New words {order_id}")
    new.loc[new.index[1], "body"] = "changed"
    new.loc[new.index[2], "body"] = "changed"
    result = repair(wb, new)
    wb.save()
    assert result.upgraded["Templates"] == 1 and result.kept["Templates"] == 2
    t = FileWorkbook(path).read_table("Templates").frame
    assert t["Body"].tolist()[0] == "New words {order_id}" and t["Version"].tolist()[0] == 2
    assert t["Body"].tolist()[1] == rows[1]["Body"] and t["Body"].tolist()[2] == rows[2]["Body"]


def test_user_workflow_for_a_type_is_not_refilled(tmp_path):
    from kakobuy_xl.io.memory import MemoryWorkbook
    from kakobuy_xl.schema import SHEETS

    mine = pd.DataFrame([{"Dispute Type": "damaged", "Step": 1, "Name": "call",
                          "Done When": "responded", "Next Action": "Phone them",
                          "Scenario": "damaged_item"}])
    wb = MemoryWorkbook({"Workflows": mine})
    result = repair(wb)
    shipped_types = {r["Dispute Type"] for r in SHEETS["Workflows"].defaults}
    added = len([r for r in SHEETS["Workflows"].defaults if r["Dispute Type"] != "damaged"])
    assert result.added["Workflows"] == added and len(shipped_types) > 1
    assert any("Sheet 'SLA' is missing" in n for n in result.notes)
