"""The optimise-loop commands end to end on the demo workbook: report service / monthly
(with the HTML export), plan, notify-delay, survey, follow-up; and refresh filling risk,
recommended resolutions, customer segments and Route To."""

import datetime as dt
import json
import zipfile

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from kakobuy_xl import api, cli
from kakobuy_xl.errors import ConfigError
from kakobuy_xl.io.xlsx import FileWorkbook
from kakobuy_xl.schema import snake

NOW = "2025-06-30 12:00"
WHEN = dt.datetime(2025, 6, 30, 12, 0)


def run(*args, env=None):
    return CliRunner().invoke(cli.main, [str(a) for a in args], env=env)


def table(path, sheet):
    """A sheet's rows with snake_case column names (Interaction ID -> interaction_id)."""
    return FileWorkbook(path).read_table(sheet).frame.rename(columns=snake)


def chart_ranges(path, sheet_title):
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist()
                      if n.startswith("xl/charts/chart"))
    return xml.count(f"'{sheet_title}'!$")


@pytest.mark.parametrize("kind,sheet,title", [
    ("service", "Service Report", "Service report"),
    ("monthly", "Monthly Report", "Monthly report: May 2025")])
def test_insight_reports_write_their_sheet_charts_and_html(demo_path, tmp_path, kind, sheet,
                                                           title):
    page = tmp_path / f"{kind}.html"
    args = ["report", kind, demo_path, "--now", NOW, "--html", page]
    if kind == "monthly":
        args += ["--month", "2025-05"]
    result = run(*args)
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(demo_path)[sheet]
    assert ws["B1"].value == title
    assert len(ws._charts) >= 4
    assert chart_ranges(demo_path, sheet) > 0
    doc = lxml_html.fromstring(page.read_text(encoding="utf-8"))
    assert doc.xpath("//h1")[0].text_content().strip() == title
    assert len(doc.xpath("//svg")) >= 4
    # Nothing is fetched from elsewhere: no src/href to another site.
    assert not doc.xpath("//*[starts-with(@src, 'http') or starts-with(@href, 'http')]")
    # The user's sheets are untouched and a second run replaces the report.
    assert run(*args).exit_code == 0
    assert openpyxl.load_workbook(demo_path).sheetnames.count(sheet) == 1


def test_monthly_report_defaults_to_the_last_complete_month(demo_path):
    assert api.report("monthly", demo_path, now=WHEN) == "Monthly Report"
    ws = openpyxl.load_workbook(demo_path)["Monthly Report"]
    assert ws["B1"].value == "Monthly report: May 2025"


@pytest.mark.parametrize("args,message", [
    (["monthly", "--month", "2025-13"], "2025-13"),
    (["monthly", "--month", "May"], "YYYY-MM"),
    (["service", "--month", "2025-05"], "monthly report only")])
def test_report_month_mistakes_are_explained(demo_path, args, message):
    kind, *rest = args
    result = run("report", kind, demo_path, *rest)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_refresh_fills_risk_resolution_segments_and_routes(demo_path):
    d = table(demo_path, "Disputes")
    open_ = ~d["status"].isin(["resolved", "closed"])
    assert d.loc[open_, "escalation_risk"].between(0, 1).all()
    assert d.loc[open_, "risk_reasons"].notna().all()
    assert d.loc[~open_, "escalation_risk"].isna().all()
    assert d.loc[open_, "recommended_resolution"].notna().mean() > 0.8
    c = table(demo_path, "Customers")
    assert set(c["segment"].dropna()) == {"high-satisfaction", "neutral", "high-risk"}
    assert c.loc[c["segment"] == "high-risk", "risk_reasons"].notna().all()
    i = table(demo_path, "Interactions")
    inbound = i["direction"] == "in"
    assert i.loc[~inbound, "route_to"].isna().all()
    routed = i.loc[inbound, "route_to"]
    # The demo's routing setting: Japanese messages go to Sora unless unclear.
    ja = inbound & (i["language"] == "ja") & (i["needs_clarification"] == "no") & \
        ~i["intent"].isin(["refund_request", "return_request"])
    assert (i.loc[ja, "route_to"] == "Sora").all() and ja.any()
    assert (i.loc[inbound & (i["needs_clarification"] == "yes"), "route_to"] == "clarify").all()
    assert routed.notna().all()


def test_plan_simulates_the_options_and_writes_the_offer(demo_path):
    d = table(demo_path, "Disputes")
    dispute = d.loc[~d["status"].isin(["resolved", "closed"]) & d["platform_case_id"].isna(),
                    "dispute_id"].iloc[0]
    result = run("plan", dispute, "--workbook", demo_path, "--now", NOW, "--json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    options = {o["option"]: o for o in plan["options"]}
    assert {"full_refund", "partial_refund", "reship", "coupon"} <= set(options)
    chosen = options[plan["recommended"]]
    assert chosen["allowed"]
    # The plan and the sheet's Recommended Resolution agree.
    row = d.loc[d["dispute_id"] == dispute].iloc[0]
    assert row["recommended_resolution"].split(" ")[0] == plan["recommended"]
    assert plan["message"] and plan["rationale"]
    table_out = run("plan", dispute, "--workbook", demo_path, "--now", NOW)
    assert "Recommended:" in table_out.output and "expected_cost" in table_out.output
    missing = run("plan", "NOPE-1", "--workbook", demo_path)
    assert missing.exit_code == 1 and "No dispute 'NOPE-1'" in missing.output


def test_notify_delay_drafts_once_per_customer_and_exports(demo_path, tmp_path):
    out = tmp_path / "send"
    dry = run("notify-delay", "-w", demo_path, "--country", "TH,VN,ID", "--compensation",
              "5% coupon", "--now", NOW, "--dry-run", "--out", out)
    assert dry.exit_code == 0, dry.output
    assert not out.exists()
    before = len(table(demo_path, "Interactions"))
    result = run("notify-delay", "-w", demo_path, "--country", "TH,VN,ID", "--compensation",
                 "5% coupon", "--now", NOW, "--out", out)
    assert result.exit_code == 0, result.output
    i = table(demo_path, "Interactions")
    new = i.iloc[before:]
    assert len(new) >= 1 and new["interaction_id"].str.startswith("DN-").all()
    assert set(new["status"]) == {"draft"} and set(new["direction"]) == {"out"}
    assert new["customer_id"].is_unique
    assert new["message"].str.contains("DELAY5-").all()
    files = sorted(p.name for p in out.iterdir())
    assert any(f.endswith(".csv") for f in files) and any(f.endswith(".txt") for f in files)
    again = run("notify-delay", "-w", demo_path, "--country", "TH,VN,ID", "--compensation",
                "5% coupon", "--now", NOW, "--out", out)
    assert "already on the Interactions sheet" in again.output
    assert len(table(demo_path, "Interactions")) == len(i)


def test_notify_delay_needs_a_filter(demo_path):
    result = run("notify-delay", "-w", demo_path, "--now", NOW)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "country" in result.output and "carrier" in result.output


def test_drafts_are_refused_without_direction_or_status(demo_path):
    header_row = FileWorkbook(demo_path).read_table("Interactions").header_row
    book = openpyxl.load_workbook(demo_path)
    for cell in book["Interactions"][header_row]:
        if cell.value == "Status":
            cell.value = "State"  # the user renamed the header
    book.save(demo_path)
    renamed = demo_path.read_bytes()
    result = run("notify-delay", "-w", demo_path, "--country", "TH,VN,ID", "--now", NOW)
    assert result.exit_code == 1
    assert "no column 'Status'" in result.output and "Nothing was written" in result.output
    assert demo_path.read_bytes() == renamed


def test_monthly_report_of_a_month_not_started_is_explained(demo_path):
    result = run("report", "monthly", demo_path, "--month", "2025-08", "--now", NOW)
    assert result.exit_code == 1
    assert "has not started yet" in result.output


def test_survey_drafts_then_records_the_reply(demo_path, tmp_path):
    result = run("survey", "-w", demo_path, "--now", NOW, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    i = table(demo_path, "Interactions")
    surveys = i[i["interaction_id"].str.startswith("SV-")]
    assert len(surveys)
    first = surveys.iloc[0]
    # The seller sends the survey and marks it sent (a draft collects no rating) ...
    wb = FileWorkbook(demo_path)
    wb.write_columns("Interactions", {"Status": (pd.Series(["sent"], index=[first.name]),
                                                 "text")})
    # ... and the customer answers "4/5" an hour later.
    wb.append_rows("Interactions", pd.DataFrame([{
        "Interaction ID": "I-REPLY", "Timestamp": WHEN + dt.timedelta(hours=1),
        "Customer ID": first["customer_id"], "Channel": first["channel"], "Direction": "in",
        "Message": "4/5"}]), {"Timestamp": "datetime"})
    wb.save()
    later = WHEN + dt.timedelta(hours=2)
    result = api.survey(demo_path, now=later, out=tmp_path)
    assert result.recorded == 1
    d = table(demo_path, "Disputes")
    assert d.loc[d["dispute_id"] == first["dispute_id"], "csat"].astype(float).tolist() == [4.0]
    echo = table(demo_path, "Interactions")
    assert echo["message"].str.contains("4/5").sum() >= 2  # the reply and its echo


def test_follow_up_drafts_for_high_risk_customers_only(demo_path):
    result = run("follow-up", "-w", demo_path, "--now", NOW)
    assert result.exit_code == 0, result.output
    i = table(demo_path, "Interactions")
    fu = i[i["interaction_id"].str.startswith("FU-")]
    c = table(demo_path, "Customers")
    risky = set(c.loc[c["segment"] == "high-risk", "customer_id"])
    assert len(fu) and set(fu["customer_id"]) <= risky


def test_routing_setting_mistakes_become_problems(demo_path):
    result = api.refresh(demo_path, now=WHEN, dry_run=True,
                         settings={"routing": "refund -> Mina"})
    problems = result.problems
    assert problems["problem"].str.contains("'refund' is neither an intent nor a language").any()


def test_api_report_rejects_unknown_kinds(demo_path):
    with pytest.raises(ConfigError, match="known: disputes, service, monthly"):
        api.report("weekly", demo_path)
