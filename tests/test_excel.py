"""Every ribbon macro, end to end on a workbook file, with only the Book substituted."""

import datetime as dt

import openpyxl
import pandas as pd
import pytest
from lxml import etree

from fake_xlwings import FakeBook
from kakobuy_xl import api, excel
from kakobuy_xl.demo import build_demo_tables
from kakobuy_xl.errors import ConfigError
from kakobuy_xl.io.live import LiveWorkbook
from kakobuy_xl.io.xlsx import FileWorkbook
from kakobuy_xl.schema import SHEETS

from conftest import NOW, ROOT

RIBBON_NS = "{http://schemas.microsoft.com/office/2009/07/customui}"


@pytest.fixture
def unrefreshed(shop_path):
    """The demo shop's data typed in, never refreshed."""
    wb = FileWorkbook(shop_path)
    for name, frame in build_demo_tables(now=NOW).items():
        wb.append_rows(name, frame, {c.header: c.kind for c in SHEETS[name].columns})
    wb.save()
    return shop_path


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(api, "_now_in", lambda settings: NOW)


def ribbon_ids() -> list[str]:
    root = etree.parse(str(ROOT / "ribbon.xml"))
    return [b.get("id") for b in root.iter(f"{RIBBON_NS}button")]


def test_every_ribbon_button_has_a_macro():
    ids = ribbon_ids()
    assert ids and set(ids) == set(excel.BUTTONS)
    for button in ids:
        assert callable(getattr(excel, button)), button
        assert getattr(excel, button).__doc__


def test_refresh_macro_gives_what_the_command_line_gives(unrefreshed):
    book = FakeBook(unrefreshed)
    excel.run_button("refresh", book)
    assert not [a for a in book.app.alerts if a["mode"] == "critical"], book.app.alerts
    assert book.app.screen_updating is True and book.app.calculation == "automatic"
    assert any("Kakobuy: Refresh all" in s for s in book.app.status_history)
    assert any("cells changed" in s for s in book.app.status_history)
    book.save()
    # The file path now finds nothing left to do: both faces computed the same values.
    again = api.refresh(unrefreshed, now=NOW, dry_run=True)
    assert again.cells_changed == 0, again.changes
    orders = FileWorkbook(unrefreshed).read_table("Orders").frame
    assert set(orders["Delay Flag"].dropna()) == {"yes", "no"}


def test_live_text_is_never_turned_into_a_formula(shop_path):
    book = FakeBook(shop_path)
    wb = LiveWorkbook(book)
    texts = ['=HYPERLINK("http://x","click")', "+1 555 0100", "-5", "@SUM(A1)", "0012"]
    wb.append_rows("Interactions", pd.DataFrame({
        "Interaction ID": [f"I{i}" for i in range(len(texts))], "Message": texts,
        "Timestamp": [dt.datetime(2025, 1, 1)] * len(texts)}))
    wb.save()
    book.save()
    frame = FileWorkbook(shop_path).read_table("Interactions").frame
    assert frame["Message"].tolist() == texts
    assert not FileWorkbook(shop_path).read_table("Interactions").formula_cells


def test_validate_macro_writes_the_problems_sheet(unrefreshed):
    import openpyxl

    wb = openpyxl.load_workbook(unrefreshed)
    wb["Orders"]["A1"] = "Order"  # the key column loses its header
    wb["Orders"].tables["Orders"].tableColumns[0].name = "Order"
    wb.save(unrefreshed)
    book = FakeBook(unrefreshed)
    excel.run_button("validate", book)
    assert "problems found" in book.app.alerts[-1]["prompt"]
    sheet = book.wb["Problems"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Severity", "Sheet", "Row")
    assert any(r[1] == "Orders" and "no column 'Order ID'" in r[5] for r in rows[1:])
    # Once fixed, the problems go away.
    wb = book.wb
    wb["Orders"]["A1"] = "Order ID"
    wb["Orders"].tables["Orders"].tableColumns[0].name = "Order ID"
    excel.run_button("validate", book)
    assert book.app.alerts[-1]["prompt"].startswith("No problems")
    assert all(v is None for r in book.wb["Problems"].iter_rows(values_only=True) for v in r)


def test_errors_become_one_message_box(unrefreshed, monkeypatch):
    from kakobuy_xl.errors import WorkbookError

    def fail(*a, **k):
        raise WorkbookError("Sheet 'Orders' is full.")

    monkeypatch.setattr(api, "refresh", fail)
    book = FakeBook(unrefreshed)
    excel.refresh(book)
    assert book.app.alerts == [{"prompt": "Refresh all: Sheet 'Orders' is full.",
                                "title": "Kakobuy", "mode": "critical"}]
    assert book.app.status_bar is False  # cleared afterwards


def test_unexpected_errors_never_show_a_traceback(unrefreshed, monkeypatch):
    monkeypatch.delenv("KAKOBUY_DEBUG", raising=False)
    monkeypatch.setattr(api, "refresh", lambda *a, **k: 1 / 0)
    book = FakeBook(unrefreshed)
    excel.refresh(book)
    prompt = book.app.alerts[-1]["prompt"]
    assert "failed unexpectedly (ZeroDivisionError" in prompt and "Traceback" not in prompt


def test_analyse_messages_lists_the_unanswered_unclear_messages(demo_path):
    from kakobuy_xl.routing import clarification_queue
    from kakobuy_xl.schema import snake

    book = FakeBook(demo_path)
    excel.run_button("analyse_messages", book)
    book.save()
    frame = FileWorkbook(demo_path).read_table("Interactions").frame.rename(columns=snake)
    assert frame["language"].notna().sum() > 250
    queue = sorted(clarification_queue(frame)["excel_row"])
    assert queue  # the demo has unclear messages nobody has answered yet
    prompt = book.app.alerts[-1]["prompt"]
    assert prompt.startswith(f"{len(queue):,} messages are unclear")
    assert f"rows {', '.join(map(str, queue[:15]))}" in prompt


@pytest.mark.parametrize("button,sheet,column", [
    ("classify_disputes", "Disputes", "Type (auto)"),
    ("suggest_replies", "Interactions", "Suggested Template"),
    ("suggest_replies", "Disputes", "Suggested Reply")])
def test_analysis_buttons_fill_their_columns(demo_path, button, sheet, column):
    before = read_sheet(demo_path, sheet)
    wb = FileWorkbook(demo_path)
    header_row = wb.read_table(sheet).header_row
    book = openpyxl.load_workbook(demo_path)
    ws = book[sheet]
    col = [c.value for c in ws[header_row]].index(column) + 1
    for r in range(header_row + 1, header_row + 1 + len(before)):
        ws.cell(r, col).value = None  # as if never computed
    book.save(demo_path)
    fake = FakeBook(demo_path)
    excel.run_button(button, fake)
    assert all(a["mode"] != "critical" for a in fake.app.alerts), fake.app.alerts
    fake.save()
    after = read_sheet(demo_path, sheet)
    assert after[column].notna().sum() == before[column].notna().sum() > 0


def test_help_and_unknown_buttons(shop_path):
    book = FakeBook(shop_path)
    excel.run_button("show_help", book)
    assert "Refresh all" in book.app.alerts[-1]["prompt"]
    excel.run_button("launch_rockets", book)
    assert "Unknown Kakobuy button 'launch_rockets'" in book.app.alerts[-1]["prompt"]


def test_sla_check_selects_the_late_disputes(demo_path, monkeypatch):
    selected = []
    book = FakeBook(demo_path)
    sheet = book.sheets["Disputes"]
    real_range = type(sheet).range

    def spy(self, *args, **kwargs):
        if args and isinstance(args[0], str) and ":" in args[0] and "," in args[0]:
            selected.append(args[0])  # the fake cannot select a union; Excel can
        return real_range(self, *args, **kwargs)
    monkeypatch.setattr(type(sheet), "range", spy)
    monkeypatch.setattr(api, "_now_in", lambda s: NOW)
    excel.run_button("sla_check", book)
    prompt = book.app.alerts[-1]["prompt"]
    assert "overdue" in prompt and "at-risk" in prompt
    late = api.sla(demo_path, now=NOW, env={})
    assert selected and set(selected[-1].split(",")) == {f"{r}:{r}" for r in late["excel_row"]}


def test_verify_button_reports_an_intact_chain(demo_path):
    book = FakeBook(demo_path)
    excel.run_button("verify_records", book)
    assert "Intact" in book.app.alerts[-1]["prompt"]


def test_translate_button_says_translation_is_off(demo_path):
    book = FakeBook(demo_path)
    excel.run_button("translate_selection", book)
    assert "Translation is off" in book.app.alerts[-1]["prompt"]


def test_import_button_without_a_file_dialog_says_how(demo_path):
    book = FakeBook(demo_path)
    excel.run_button("import_data", book)
    assert "kakobuy import" in book.app.alerts[-1]["prompt"]


def test_import_button_imports_the_chosen_chat(demo_path, tmp_path):
    chat = tmp_path / "WhatsApp Chat with Kim.txt"
    chat.write_text("12/24/19, 11:23 - Kim: Where is my parcel?\n"
                    "12/24/19, 11:30 - Shop: On its way!\n", encoding="utf-8")
    book = FakeBook(demo_path)

    class Api:
        @staticmethod
        def GetOpenFilename(_filter):
            return str(chat)
    book.app.api = Api()
    excel.run_button("import_data", book)
    assert "Interactions +2" in book.app.alerts[-1]["prompt"]


@pytest.mark.parametrize("name,head,kind", [
    ("chat.zip", "", "whatsapp"), ("a.eml", "", "eml"), ("box.mbox", "", "mbox"),
    ("orders.csv", "Name,Email,Lineitem name\n", "shopify"),
    ("ebay.csv", "Sales Record Number,Order Number\n", "ebay"),
    ("tt.csv", "Order ID,Order Status,Seller SKU\n", "tiktok"),
    ("other.csv", "a,b\n", None), ("photo.png", "", None)])
def test_guess_import_kind(tmp_path, name, head, kind):
    path = tmp_path / name
    path.write_text(head, encoding="utf-8")
    assert excel.guess_import_kind(str(path)) == kind


def read_sheet(path, sheet: str) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=sheet, engine="openpyxl")


def _select_spy(book, monkeypatch) -> list[str]:
    selected: list[str] = []
    sheet = book.sheets["Disputes"]
    real_range = type(sheet).range

    def spy(self, *args, **kwargs):
        if args and isinstance(args[0], str) and ":" in args[0]:
            selected.append(args[0])
        return real_range(self, *args, **kwargs)
    monkeypatch.setattr(type(sheet), "range", spy)
    return selected


def test_risk_review_fills_risk_selects_risky_disputes_and_drafts_follow_ups(demo_path,
                                                                            monkeypatch):
    book = FakeBook(demo_path)
    selected = _select_spy(book, monkeypatch)
    excel.run_button("risk_review", book)
    prompt = book.app.alerts[-1]["prompt"]
    assert "open disputes at 50% escalation risk or more" in prompt, prompt
    assert "follow up" in prompt
    book.save()
    frame = read_sheet(demo_path, "Disputes")
    risky = frame[pd.to_numeric(frame["Escalation Risk"], errors="coerce") >= 0.5]
    assert len(risky) and selected
    assert frame["Recommended Resolution"].notna().any()
    drafts = read_sheet(demo_path, "Interactions")
    assert drafts["Interaction ID"].astype(str).str.startswith("FU-").any()


@pytest.mark.parametrize("button,kind", [("service_report", "service"),
                                         ("monthly_report", "monthly"),
                                         ("dispute_report", "disputes")])
def test_report_buttons_write_their_report(demo_path, monkeypatch, button, kind):
    """The buttons call the same api.report as the CLI (whose sheets and charts are
    tested in test_insight_report / test_resolve_commands; the fake Excel has no
    charts)."""
    calls = []

    def report(k, wb, **kw):
        calls.append((k, type(wb).__name__))
        return "Dispute Report"
    monkeypatch.setattr(api, "report", report)
    book = FakeBook(demo_path)
    excel.run_button(button, book)
    assert calls == [(kind, "LiveWorkbook")]
    assert not book.app.alerts


def test_delay_notices_ask_which_shipments_then_draft(demo_path):
    book = FakeBook(demo_path)
    excel.run_button("delay_notices", book)
    assert "kakobuy notify-delay" in book.app.alerts[-1]["prompt"]

    class Api:
        @staticmethod
        def InputBox(prompt, title):
            assert "country=" in prompt
            return "country=TH,VN,ID compensation=5% coupon"
    book.app.api = Api()
    excel.run_button("delay_notices", book)
    assert "Drafted" in book.app.alerts[-1]["prompt"], book.app.alerts[-1]
    book.save()
    drafts = read_sheet(demo_path, "Interactions")
    notices = drafts[drafts["Interaction ID"].astype(str).str.startswith("DN-")]
    assert len(notices) and set(notices["Status"]) == {"draft"}


def test_delay_request_typos_are_explained():
    with pytest.raises(ConfigError, match="country=, carrier="):
        excel.parse_delay_request("contry=TH")


def test_surveys_button_drafts_surveys(demo_path):
    book = FakeBook(demo_path)
    excel.run_button("surveys", book)
    assert "survey" in book.app.alerts[-1]["prompt"], book.app.alerts[-1]
