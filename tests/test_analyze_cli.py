"""`kakobuy analyze` on CSV files as shops and spreadsheets export them."""

import csv

from click.testing import CliRunner

from kakobuy_xl import api, cli


def test_analyze_adds_every_column_and_reads_windows_csv(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = "id;message\n1;Où est ma commande ? Toujours pas reçue\n2;=HYPERLINK(\"x\")\n3;\n"
    (tmp_path / "in.csv").write_bytes(rows.encode("cp1252"))
    result = CliRunner().invoke(cli.main, ["analyze", "in.csv", "--text-column", "message",
                                           "-o", "out.csv"])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "out.csv", encoding="utf-8-sig", newline="") as fh:
        out = list(csv.DictReader(fh))
    assert list(out[0]) == ["id", "message"] + api.ANALYZE_COLUMNS
    assert out[0]["message"] == "Où est ma commande ? Toujours pas reçue"
    assert out[0]["language"] == "fr"
    assert out[0]["intent"] and out[0]["sentiment_label"]
    # Customer text that a spreadsheet would run is guarded; empty rows stay empty.
    assert out[1]["message"] == "'=HYPERLINK(\"x\")"
    assert out[2]["language"] == "" and out[2]["intent"] == ""


def test_analyze_raw_and_missing_column(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.csv").write_text("text\n=1+1\n", encoding="utf-8")
    r = CliRunner().invoke(cli.main, ["analyze", "in.csv", "-o", "out.csv", "--raw"])
    assert r.exit_code == 0, r.output
    assert "=1+1" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    bad = CliRunner().invoke(cli.main, ["analyze", "in.csv", "--text-column", "msg",
                                        "-o", "out.csv"])
    assert bad.exit_code == 1 and "has no column 'msg' (found: text)" in bad.output
