"""The Excel face: one macro per button of the Kakobuy ribbon.

The ribbon's single VBA callback ``KB_OnAction`` runs
``RunPython "import kakobuy_xl.excel as kb; kb.run_button('<button id>')"``; each button
id is the name of a function here. A macro takes the workbook (``xw.Book.caller()``
when Excel calls it, any Book-like object in tests), runs the same core operation as
the command line through a live WorkbookIO, shows progress and the result in Excel's
status bar, and reports errors as one message box plus a ``Problems`` sheet.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, Callable, Iterator

from .errors import KakobuyError

TITLE = "Kakobuy"
PROBLEMS_SHEET = "Problems"
HELP_TEXT = (
    "Kakobuy keeps your customers, orders, messages and disputes in this workbook.\n\n"
    "1. Type or paste your data into the white columns of each sheet.\n"
    "2. Click Kakobuy > Refresh all: the grey-blue columns are computed for you.\n"
    "3. Problems (a missing column, a date that is not a date...) are listed on the "
    "Problems sheet with the row and how to fix it.\n\n"
    "Nothing leaves your computer unless you switch on a translation provider on the "
    "Settings sheet. More: the README of kakobuy-xl, or the 'Start here' sheet."
)


def _caller() -> Any:
    import xlwings as xw

    return xw.Book.caller()


def _alert(book: Any, message: str, critical: bool = False) -> None:
    try:
        book.app.alert(message, title=TITLE, buttons="ok", mode="critical" if critical else "info")
    except Exception:  # noqa: BLE001 - e.g. no UI (automation); the status bar still tells
        _status(book, message.splitlines()[0])


def _status(book: Any, text: str | bool) -> None:
    with contextlib.suppress(Exception):
        book.app.status_bar = text


def write_problems_sheet(book: Any, problems: Any) -> None:
    """Replace the contents of the ``Problems`` sheet (owned whole by kakobuy)."""
    from .io.live import excel_value

    names = [s.name for s in book.sheets]
    sheet = book.sheets[PROBLEMS_SHEET] if PROBLEMS_SHEET in names else \
        book.sheets.add(PROBLEMS_SHEET, after=book.sheets[len(names) - 1])
    sheet.clear_contents()
    header = ["Severity", "Sheet", "Row", "Column", "Found", "Problem", "How to fix"]
    rows = [[excel_value(r.severity), excel_value(r.sheet),
             None if str(r.excel_row) == "<NA>" else int(r.excel_row),
             excel_value(r.column), excel_value(r.value), excel_value(r.problem),
             excel_value(r.fix)] for r in problems.itertuples(index=False)]
    sheet.range((1, 1), (1 + len(rows), len(header))).value = \
        [[excel_value(h) for h in header]] + rows
    with contextlib.suppress(Exception):
        sheet.range((1, 1), (1, len(header))).font.bold = True
        sheet.autofit("c")


def clear_problems_sheet(book: Any) -> None:
    """Empty the Problems sheet, when there is one, once the problems are gone."""
    if PROBLEMS_SHEET in [s.name for s in book.sheets]:
        book.sheets[PROBLEMS_SHEET].clear_contents()


@contextlib.contextmanager
def _macro(book: Any | None, action: str) -> Iterator[tuple[Any, Any]]:
    """Open a live workbook for one button press; turn known errors into a message box."""
    from .io.live import LiveWorkbook

    book = book if book is not None else _caller()
    wb = LiveWorkbook(book)
    wb.status(action, 0, 1)
    try:
        yield book, wb
    except KakobuyError as exc:
        problems = getattr(exc, "problems", None)
        if problems is not None and len(problems):
            write_problems_sheet(book, problems)
        _alert(book, f"{action}: {exc}", critical=True)
    except Exception as exc:  # noqa: BLE001 - a button must never show a traceback
        if os.environ.get("KAKOBUY_DEBUG"):
            raise
        _alert(book, f"{action} failed unexpectedly ({type(exc).__name__}: {exc}). Nothing "
               "was changed. Please report it.", critical=True)
    finally:
        wb.clear_status()


def _refreshed_disputes(book: Any, wb: Any, action: str, steps: tuple[str, ...]) -> Any:
    """Run ``steps`` of a refresh (written to the workbook) and return the Disputes rows
    with their new values; None (and a message) when the sheet cannot be read."""
    from . import api

    result = api.refresh(wb, env=os.environ, progress=wb.status, steps=steps)
    _report(book, result.problems)
    typed = result.tables.get("Disputes")
    if typed is None or not typed.usable:
        _alert(book, f"{action}: the Disputes sheet could not be read; see the Problems "
               "sheet.", critical=True)
        return None
    return typed.frame


def _select_rows(book: Any, sheet_name: str, rows: list[int]) -> None:
    """Select whole rows of a sheet (one union address; Excel limits an address to 255
    characters, so the first rows that fit are selected)."""
    with contextlib.suppress(Exception):
        sheet = book.sheets[sheet_name]
        sheet.activate()
        parts: list[str] = []
        for r in rows:
            if len(",".join(parts + [f"{r}:{r}"])) > 250:
                break
            parts.append(f"{r}:{r}")
        sheet.range(",".join(parts)).select()


def _ask(dialog: Callable[[], Any]) -> Any | None:
    """What the user typed or chose in one of Excel's dialogs; None when cancelled, or
    where there is no dialog (macOS for some, automation)."""
    try:
        answer = dialog()
    except Exception:  # noqa: BLE001 - no dialog here
        return None
    return None if not answer or answer is False else answer


def refresh(book: Any | None = None) -> None:
    """Refresh all: validate the workbook and recompute every column kakobuy owns."""
    from . import api

    with _macro(book, "Refresh all") as (bk, wb):
        result = api.refresh(wb, env=os.environ, progress=wb.status)
        _report(bk, result.problems)
        _status(bk, "Kakobuy: " + result.summary().replace("\n", " "))


def validate(book: Any | None = None) -> None:
    """Validate: list every problem on the Problems sheet."""
    from . import api

    with _macro(book, "Validate") as (bk, wb):
        problems = api.validate(wb, env=os.environ)
        _report(bk, problems)
        if len(problems):
            _alert(bk, f"{len(problems):,} problems found: see the '{PROBLEMS_SHEET}' sheet, "
                   "which gives the row and how to fix each one.")
        else:
            _alert(bk, "No problems: the workbook follows the Kakobuy layout.")


def _report(book: Any, problems: Any) -> None:
    if len(problems):
        write_problems_sheet(book, problems)
    else:
        clear_problems_sheet(book)


def show_help(book: Any | None = None) -> None:
    """Help: first steps, and the Start here sheet."""
    book = book if book is not None else _caller()
    with contextlib.suppress(Exception):
        book.sheets["Start here"].activate()
    _alert(book, HELP_TEXT)


def analyse_messages(book: Any | None = None) -> None:
    """Analyse messages: language, sentiment, negative flags and intent of every message."""
    from . import api

    with _macro(book, "Analyse messages") as (bk, wb):
        result = api.refresh(wb, env=os.environ, progress=wb.status,
                             steps=("message analysis", "customer activity"))
        _report(bk, result.problems)
        typed = result.tables.get("Interactions")
        unclear: list[int] = []
        if typed is not None and typed.usable:
            from .routing import clarification_queue

            # The unclear messages nobody has answered yet, from this run's results.
            unclear = sorted(int(r) for r in clarification_queue(typed.frame)["excel_row"])
        text = result.summary().replace("\n", " ")
        if unclear:
            shown = ", ".join(map(str, unclear[:15])) + (" ..." if len(unclear) > 15 else "")
            _alert(bk, f"{len(unclear):,} messages are unclear (Needs Clarification = yes, rows "
                   f"{shown}). Ask those customers what they mean before you reply.")
        _status(bk, "Kakobuy: " + text)


def classify_disputes(book: Any | None = None) -> None:
    """Classify disputes: the type of every dispute from its description and messages."""
    from . import api

    with _macro(book, "Classify disputes") as (bk, wb):
        result = api.refresh(wb, env=os.environ, progress=wb.status, steps=("dispute types",))
        _report(bk, result.problems)
        _status(bk, "Kakobuy: " + result.summary().replace("\n", " "))


def sla_check(book: Any | None = None) -> None:
    """SLA check: recompute every clock, then select the overdue and at-risk disputes."""
    with _macro(book, "SLA check") as (bk, wb):
        disputes = _refreshed_disputes(bk, wb, "SLA check",
                                       ("dispute types", "dispute grades", "sla clocks"))
        if disputes is None:
            return
        status = disputes["sla_status"]
        late = [int(r) for r in status.index[status == "overdue"]]
        risk = [int(r) for r in status.index[status == "at_risk"]]
        rows = sorted(late + risk)
        if rows:
            _select_rows(bk, "Disputes", rows)
            _alert(bk, f"{len(late)} overdue and {len(risk)} at-risk disputes (selected on the "
                   "Disputes sheet). Answer the overdue ones first; platform deadlines are "
                   "in the Platform Deadline column.")
        else:
            _alert(bk, "Every open dispute is on track.")


def suggest_replies(book: Any | None = None) -> None:
    """Suggest replies: a template for every message, a reply for every dispute."""
    from . import api

    with _macro(book, "Suggest replies") as (bk, wb):
        result = api.refresh(wb, env=os.environ, progress=wb.status, steps=(
            "message analysis", "dispute types", "order tracking", "dispute grades",
            "evidence files", "evidence missing", "dispute workflow", "suggested templates",
            "template checks"))
        _report(bk, result.problems)
        _status(bk, "Kakobuy: " + result.summary().replace("\n", " "))
        _alert(bk, "Suggested Template (Interactions) and Suggested Reply, Workflow Step and "
               "Next Action (Disputes) are up to date. Check a reply before you send it.")


def translate_selection(book: Any | None = None) -> None:
    """Translate: fill the Translation column (the seller's language for customers'
    messages, the customer's for drafts) with the provider chosen in Settings."""
    from . import api

    with _macro(book, "Translate") as (bk, wb):
        settings = api._refresh.read_settings(wb, os.environ)
        if settings.translation_provider == "off":
            _alert(bk, "Translation is off, so nothing leaves this computer. To translate, "
                   "choose a provider for translation_provider on the Settings sheet "
                   "(API keys go in the environment or the OS keyring, never in the "
                   "workbook).")
            return
        result = api.refresh(wb, env=os.environ, progress=wb.status,
                             steps=("message analysis", "translations"))
        _report(bk, result.problems)
        _status(bk, "Kakobuy: " + result.summary().replace("\n", " "))


def dispute_report(book: Any | None = None) -> None:
    """Dispute report: write the Dispute Report sheet with its charts."""
    from . import api

    with _macro(book, "Dispute report") as (bk, wb):
        name = api.report("disputes", wb, env=os.environ, progress=wb.status)
        with contextlib.suppress(Exception):
            bk.sheets[name].activate()


def verify_records(book: Any | None = None) -> None:
    """Verify records: check the Record Hash chains; list what changed on Problems."""
    from . import api
    from .integrity import as_problems, summary

    with _macro(book, "Verify records") as (bk, wb):
        findings = api.verify(wb, env=os.environ)
        _report(bk, as_problems(findings))
        _alert(bk, summary(findings), critical=bool(len(findings)))


def _report_macro(kind: str, action: str) -> Callable[[Any | None], None]:
    def macro(book: Any | None = None) -> None:
        from . import api

        with _macro(book, action) as (bk, wb):
            name = api.report(kind, wb, env=os.environ, progress=wb.status)
            with contextlib.suppress(Exception):
                bk.sheets[name].activate()

    return macro


service_report = _report_macro("service", "Service report")
service_report.__doc__ = ("Service report: reply and resolution times, FCR, CSAT, repeat "
                          "complaints and escalations per handler, channel, platform and "
                          "month, with the findings of the trend analysis.")
monthly_report = _report_macro("monthly", "Monthly report")
monthly_report.__doc__ = ("Monthly report: last month against the month before, disputes by "
                          "type and region, the 12-month trend, findings and customers at "
                          "risk.")

DELAY_PROMPT = (
    "Which shipments are late? Give one or more of, separated by spaces:\n"
    "  country=TH,VN   carrier=YunExpress   since=2025-06-01   group_buy=GB-12\n"
    "and what you offer, e.g.  compensation=5% coupon\n"
    "(everything after compensation= is the offer)."
)


def parse_delay_request(text: str) -> dict[str, str]:
    """The notify-delay options typed in the ribbon's box (``key=value`` pairs;
    ``compensation=`` takes the rest of the line).

    >>> parse_delay_request("country=TH,VN carrier=Yun since=2025-06-01 compensation=5% coupon")
    {'country': 'TH,VN', 'carrier': 'Yun', 'since': '2025-06-01', 'compensation': '5% coupon'}
    """
    from .errors import ConfigError

    out: dict[str, str] = {}
    head, sep, offer = text.partition("compensation=")
    for part in head.split():
        key, eq, value = part.partition("=")
        key = key.strip().lower().replace("-", "_")
        if not eq or key not in ("country", "carrier", "since", "group_buy"):
            raise ConfigError(f"'{part}' is not one of country=, carrier=, since=, group_buy= "
                              "or compensation=. Example: country=TH carrier=YunExpress "
                              "compensation=5% coupon")
        out[key] = value.strip()
    if sep and offer.strip():
        out["compensation"] = offer.strip()
    return out


def delay_notices(book: Any | None = None) -> None:
    """Delay notices: draft a notice for every customer whose open orders are late, in
    their language, on the Interactions sheet, and export them for sending."""
    from . import api

    with _macro(book, "Delay notices") as (bk, wb):
        typed = _ask(lambda: bk.app.api.InputBox(DELAY_PROMPT, TITLE))  # Excel's input box
        if typed is None:
            _alert(bk, "Delay notices need to know which shipments are late. From the "
                   "command line: kakobuy notify-delay --workbook THIS_WORKBOOK --country TH "
                   "--carrier X --since 2025-06-01 --compensation \"5% coupon\"")
            return
        options = parse_delay_request(str(typed))
        result = api.notify_delay(wb, env=os.environ, progress=wb.status, **options)
        _alert(bk, result.summary())


def surveys(book: Any | None = None) -> None:
    """Surveys: record ratings customers sent back into Disputes / CSAT and draft a 1-5
    survey for each newly resolved dispute, in the customer's language."""
    from . import api

    with _macro(book, "Surveys") as (bk, wb):
        result = api.survey(wb, env=os.environ, progress=wb.status)
        _alert(bk, result.summary())


def risk_review(book: Any | None = None) -> None:
    """Risk review: Escalation Risk, Risk Reasons and Recommended Resolution for every
    open dispute, customer segments, a follow-up draft for each quiet high-risk
    customer; selects the disputes at 50% risk or more."""
    from . import api

    with _macro(book, "Risk review") as (bk, wb):
        disputes = _refreshed_disputes(bk, wb, "Risk review", api.PROFILE_STEPS)
        if disputes is None:
            return
        risk = disputes.get("escalation_risk")
        high = risk[risk >= 0.5].sort_values(ascending=False) if risk is not None else []
        drafts = api.follow_up(wb, env=os.environ, progress=wb.status, profiles_fresh=True)
        if len(high):
            _select_rows(bk, "Disputes", sorted(int(i) for i in high.index))
        _alert(bk, f"{len(high)} open disputes at 50% escalation risk or more (selected on the "
               "Disputes sheet; see Risk Reasons and Recommended Resolution). "
               + drafts.summary())
_IMPORT_FILTER = ("Chats, mail and shop exports (*.txt;*.zip;*.eml;*.mbox;*.csv),"
                  "*.txt;*.zip;*.eml;*.mbox;*.csv")


def guess_import_kind(path: str) -> str | None:
    """The import kind of a file from its name and, for a CSV, its header line."""
    lower = path.lower()
    for ext, kind in ((".zip", "whatsapp"), (".txt", "whatsapp"), (".eml", "eml"),
                      (".mbox", "mbox")):
        if lower.endswith(ext):
            return kind
    if not lower.endswith(".csv"):
        return None
    with contextlib.suppress(OSError):
        with open(path, encoding="utf-8-sig", errors="replace") as f:
            head = f.read(4096)
        if "Lineitem name" in head:
            return "shopify"
        if "Sales Record Number" in head or "Order Number" in head:
            return "ebay"
        if "Seller SKU" in head or "SKU ID" in head:
            return "tiktok"
    return None


def import_data(book: Any | None = None) -> None:
    """Import: a WhatsApp chat, e-mails or a Shopify / eBay / TikTok Shop export."""
    from . import api

    with _macro(book, "Import") as (bk, wb):
        chosen = _ask(lambda: bk.app.api.GetOpenFilename(_IMPORT_FILTER))  # Windows dialog
        if chosen is None:
            _alert(bk, "Choose a file to import, or use the command line: kakobuy import "
                   "KIND FILE --workbook THIS_WORKBOOK (KIND: whatsapp, eml, mbox, shopify, "
                   "ebay, tiktok, csv).")
            return
        kind = guess_import_kind(str(chosen))
        if kind is None:
            _alert(bk, f"'{chosen}' is not a file kakobuy recognises. A generic CSV needs a "
                   "column mapping: use kakobuy import csv FILE --mapping MAP.json.")
            return
        result = api.import_file(kind, str(chosen), wb, env=os.environ, progress=wb.status)
        _report(bk, result.problems)
        _alert(bk, result.summary())

BUTTONS: dict[str, Callable[[Any | None], None]] = {
    "refresh": refresh,
    "analyse_messages": analyse_messages,
    "classify_disputes": classify_disputes,
    "sla_check": sla_check,
    "suggest_replies": suggest_replies,
    "translate_selection": translate_selection,
    "delay_notices": delay_notices,
    "surveys": surveys,
    "risk_review": risk_review,
    "dispute_report": dispute_report,
    "service_report": service_report,
    "monthly_report": monthly_report,
    "import_data": import_data,
    "validate": validate,
    "verify_records": verify_records,
    "show_help": show_help,
}


def run_button(button_id: str, book: Any | None = None) -> None:
    """The ribbon dispatcher: run the macro named by the button's id."""
    macro = BUTTONS.get(button_id)
    if macro is None:
        book = book if book is not None else _caller()
        _alert(book, f"Unknown Kakobuy button '{button_id}'. The workbook's ribbon and the "
               "installed kakobuy-xl do not match: update kakobuy-xl.", critical=True)
        return
    macro(book)


__all__ = ["BUTTONS", "run_button", "write_problems_sheet", *BUTTONS]
