"""The resolve-loop commands end to end on a workbook file: sla, report, evidence-pack,
verify, dossier, translate; and refresh filling the dispute columns."""

import datetime as dt
import json
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from kakobuy_xl import api, cli
from kakobuy_xl.io.xlsx import FileWorkbook

import fake_libretranslate

NOW = "2025-06-30 12:00"


def run(*args, env=None):
    return CliRunner().invoke(cli.main, [str(a) for a in args], env=env)


def disputes(path):
    return FileWorkbook(path).read_table("Disputes").frame


def test_refresh_fills_grade_workflow_sla_evidence_and_reply(demo_path):
    d = disputes(demo_path)
    for header in ("Grade (auto)", "Workflow Step", "Next Action", "Response Due",
                   "SLA Status", "Suggested Reply"):
        assert d[header].notna().sum() >= 20, header
    assert set(d["SLA Status"].dropna()) <= {"on_track", "at_risk", "overdue", "met",
                                             "breached"}
    assert d["Suggested Reply"].dropna().str.contains(r"\[order_id\]").sum() == 0
    inter = FileWorkbook(demo_path).read_table("Interactions").frame
    inbound = inter["Direction"] == "in"
    assert inter.loc[inbound, "Suggested Template"].notna().mean() > 0.5
    assert inter["Record Hash"].str.startswith("v1").all()


def test_sla_lists_overdue_and_exits_2(demo_path):
    result = run("sla", demo_path, "--now", NOW)
    assert result.exit_code == 2, result.output
    assert "OVERDUE  Disputes row" in result.output and "overdue," in result.output
    rows = json.loads(run("sla", demo_path, "--now", NOW, "--format", "json").output)
    assert rows and {"dispute_id", "sla_status", "hours_left"} <= set(rows[0])


def test_sla_exits_0_when_nothing_is_late(demo_path):
    # Before any dispute was opened, no clock can be late.
    result = run("sla", demo_path, "--now", "2025-01-01 09:00")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("0 overdue, 0 at risk.")


def test_report_disputes_writes_the_sheet_with_charts(demo_path):
    result = run("report", "disputes", demo_path, "--now", NOW)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(demo_path)
    ws = wb["Dispute Report"]
    assert ws["B1"].value == "Dispute report"
    assert len(ws._charts) == 4
    with zipfile.ZipFile(demo_path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        xml = "".join(z.read(n).decode() for n in charts)
    assert "'Dispute Report'!$" in xml
    # The other sheets still read as before, and a second report replaces the first.
    assert run("report", "disputes", demo_path, "--now", NOW).exit_code == 0
    assert openpyxl.load_workbook(demo_path).sheetnames.count("Dispute Report") == 1


def test_evidence_pack_and_dossier(demo_path, tmp_path):
    d = disputes(demo_path)
    dispute = d["Dispute ID"].iloc[2]
    ev = FileWorkbook(demo_path).read_table("Evidence").frame
    files = ev[(ev["Dispute ID"] == dispute) & ~ev["File or Link"].str.startswith("http")]
    for f in files["File or Link"]:
        target = demo_path.parent / f
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"evidence " + f.encode())
    out = tmp_path / "pack.zip"
    result = run("evidence-pack", dispute, "-w", demo_path, "-o", out)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
    assert "index.csv" in names and "summary.pdf" in names
    assert sum(n.startswith("files/") for n in names) >= 1
    result = run("dossier", dispute, "-w", demo_path, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    html = (tmp_path / f"dossier-{dispute}.html").read_text(encoding="utf-8")
    assert dispute in html and "<script" not in html.lower()
    assert run("dossier", "NOPE", "-w", demo_path).exit_code == 1


def test_verify_finds_an_edited_message(demo_path):
    assert run("verify", demo_path).exit_code == 0
    wb = openpyxl.load_workbook(demo_path)
    ws = wb["Interactions"]
    headers = [c.value for c in ws[1]]
    col = headers.index("Message") + 1
    ws.cell(row=5, column=col).value = "I never complained about anything."
    wb.save(demo_path)
    result = run("verify", demo_path)
    assert result.exit_code == 1
    assert "EDITED" in result.output and "row 5" in result.output


@pytest.fixture
def libre():
    server = fake_libretranslate.start()
    yield server
    fake_libretranslate.stop(server)


def test_translate_command_masks_and_never_sends_twice(libre, tmp_path):
    env = {"KAKOBUY_CACHE_DIR": str(tmp_path / "cache")}
    text = "Hello, write to kim@example.com about order AB12345678."
    args = ("translate", text, "--to", "de", "--from", "en", "--provider", "libretranslate",
            "--url", libre.url)
    first = run(*args, env=env)
    assert first.exit_code == 0, first.output
    assert "kim@example.com" in first.output and "AB12345678" in first.output
    assert len(libre.texts) == 1 and "kim@example.com" not in libre.texts[0]
    second = run(*args, env=env)
    assert second.output == first.output and len(libre.texts) == 1


def test_translate_is_off_by_default():
    result = run("translate", "hello", "--to", "de")
    assert result.exit_code == 1 and "Translation is off" in result.output


def test_refresh_translates_only_when_turned_on(demo_path, libre, tmp_path):
    env = {"KAKOBUY_CACHE_DIR": str(tmp_path / "cache")}
    api.refresh(demo_path, now=dt.datetime(2025, 6, 30, 12), env=env)
    assert libre.requests == []
    # The Settings sheet says off; an explicit setting (as the ribbon or API gives) wins.
    on = {"translation_provider": "libretranslate", "translation_url": libre.url}
    result = api.refresh(demo_path, now=dt.datetime(2025, 6, 30, 12), env=env, settings=on)
    assert "Translation" in set(result.changes["column"]), result.problems
    sent = len(libre.requests)
    assert sent > 0
    inter = FileWorkbook(demo_path).read_table("Interactions").frame
    translated = inter[inter["Translation"].notna()]
    assert translated["Translation"].str.match(r"^[a-z]{2}: ").all()
    inbound = translated[translated["Direction"] == "in"]
    assert len(inbound) > 50 and inbound["Translation"].str.startswith("en: ").all()
    api.refresh(demo_path, now=dt.datetime(2025, 6, 30, 12), env=env, settings=on)
    assert len(libre.requests) == sent  # cached: nothing sent twice


def test_a_second_refresh_of_the_demo_changes_nothing(demo_path):
    # Every column is computed from this run's facts, never from a stale neighbour
    # (e.g. replies from the customers' languages found in the same run).
    again = api.refresh(demo_path, now=dt.datetime(2025, 6, 30, 12), dry_run=True)
    assert again.cells_changed == 0, again.changes


def test_imported_media_land_where_refresh_finds_them(demo_path, tmp_path):
    import zipfile as zf

    chat = tmp_path / "WhatsApp Chat with Kim.zip"
    with zf.ZipFile(chat, "w") as z:
        z.writestr("WhatsApp Chat with Kim.txt",
                   "12/24/19, 11:23 - Kim: IMG-0001.jpg (file attached)\n")
        z.writestr("IMG-0001.jpg", b"jpeg bytes")
    wb = openpyxl.load_workbook(demo_path)
    ws = wb["Settings"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "evidence_folder":
            row[1].value = "proofs"
    wb.save(demo_path)
    result = run("import", "whatsapp", chat, "-w", demo_path)
    assert result.exit_code == 0, result.output
    assert list((demo_path.parent / "proofs" / "evidence").rglob("IMG-0001.jpg"))
    api.refresh(demo_path, now=dt.datetime(2025, 6, 30, 12))
    ev = FileWorkbook(demo_path).read_table("Evidence").frame
    mine = ev[ev["File or Link"].astype(str).str.endswith("IMG-0001.jpg")]
    assert mine["Exists"].tolist() == ["yes"]
