"""The `kakobuy` command line: each command parses, calls one api function, prints.

Known failures print ``Error: <message>`` and exit 1; never a traceback (set
KAKOBUY_DEBUG=1 to see one for an unexpected failure).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sys
from typing import Any, Callable

import click

# pandas and the core are imported inside the commands: `kakobuy --help` stays fast.


class TerminalProgress:
    """A one-line progress bar on stderr, shown only on a terminal."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._last = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        width = 24
        filled = int(width * done / total) if total else width
        line = f"\r{stage[:28]:<28} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        if line != self._last:
            sys.stderr.write(line)
            sys.stderr.flush()
            self._last = line

    def close(self) -> None:
        if self.enabled and self._last:
            sys.stderr.write("\r" + " " * len(self._last) + "\r")
            sys.stderr.flush()


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn kakobuy's errors into `Error: ...` and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .errors import KakobuyError

        try:
            return func(*args, **kwargs)
        except KakobuyError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            click.echo("Interrupted: nothing was saved.", err=True)
            sys.exit(130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence of a face
            if os.environ.get("KAKOBUY_DEBUG"):
                raise
            raise click.ClickException(
                f"unexpected failure ({type(exc).__name__}: {exc}). Nothing was saved. "
                "Run again with KAKOBUY_DEBUG=1 for details, and please report it."
            ) from None

    return wrapper


def parse_now(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date and time like 2025-06-30T12:00")


now_option = click.option(
    "--now", metavar="DATETIME",
    help="Shop-local time to compute clocks at, e.g. 2025-06-30T12:00 (default: now).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kakobuy-xl", prog_name="kakobuy")
def main() -> None:
    """Kakobuy XL: a multilingual customer-service and dispute desk in your workbook."""


@main.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace an existing file (kept as a backup).")
@click.option("--repair", is_flag=True,
              help="Existing workbook: add the shipped rows it lacks (SLA, Platform Rules, "
                   "Settings, Workflows, templates) and upgrade shipped templates; your own "
                   "and edited rows are kept.")
@handle_errors
def init(path: str, force: bool, repair: bool) -> None:
    """Create a new, empty workbook PATH (.xlsx or .xlsm) with every sheet."""
    from . import api

    if repair:
        click.echo(api.repair(path, env=os.environ).summary())
        return
    created = api.init(path, force=force)
    click.echo(f"Created {created}: {', '.join(_sheet_names())}.")


def _sheet_names() -> list[str]:
    from .schema import TABLE_SHEETS

    return [s.name for s in TABLE_SHEETS]


@main.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--seed", default=7, show_default=True, help="Seed of the sample data.")
@now_option
@handle_errors
def demo(path: str | None, seed: int, now: str | None) -> None:
    """Build a realistic sample shop in PATH (default kakobuy-demo.xlsx) and refresh it."""
    from . import api

    progress = TerminalProgress()
    try:
        result = api.demo(path, seed=seed, now=parse_now(now), progress=progress)
    finally:
        progress.close()
    counts = ", ".join(f"{n:,} {name.lower()}" for name, n in result.rows.items())
    click.echo(f"Wrote {result.path}: {counts}.")
    click.echo(result.refresh.summary())


@main.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Compute and report, but write nothing.")
@now_option
@handle_errors
def refresh(path: str, dry_run: bool, now: str | None) -> None:
    """Validate PATH, compute every column kakobuy owns, and write back what changed."""
    from . import api

    progress = TerminalProgress()
    try:
        result = api.refresh(path, dry_run=dry_run, now=parse_now(now), env=os.environ,
                             progress=progress)
    finally:
        progress.close()
    click.echo(result.summary())
    if dry_run:
        click.echo("Dry run: nothing was written.")
    elif result.saved:
        from .io.xlsx import backup_path
        import pathlib

        click.echo(f"Saved {path} (previous version: {backup_path(pathlib.Path(path)).name}).")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="How to print the problems.")
@handle_errors
def validate(path: str, fmt: str) -> None:
    """Check PATH against the workbook contract; list problems; exit 1 if any."""
    from . import api

    problems = api.validate(path, env=os.environ)
    if not echo_frame(problems, fmt) and len(problems):
        click.echo(render_problems(problems))
    if len(problems):
        if fmt == "table":
            click.echo(f"{len(problems):,} problems.")
        sys.exit(1)
    if fmt == "table":
        click.echo(f"{path}: no problems.")


@main.command()
@click.argument("in_path", metavar="IN.csv", type=click.Path(dir_okay=False))
@click.option("-o", "--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="The CSV to write (UTF-8).")
@click.option("--text-column", default="text", show_default=True,
              help="The column holding the messages.")
@click.option("--language-column", default=None,
              help="A column with each customer's preferred language (a hint).")
@click.option("--raw", is_flag=True,
              help="Do not guard text starting with = + - @ against spreadsheet formulas.")
@handle_errors
def analyze(in_path: str, out_path: str, text_column: str, language_column: str | None,
            raw: bool) -> None:
    """Add language, sentiment, flags, intent and dispute type columns to a CSV."""
    from . import api

    out = api.analyze(in_path, out_path, text_column=text_column,
                      language_column=language_column, raw=raw, env=os.environ)
    click.echo(f"Wrote {out_path}: {len(out):,} rows, with {', '.join(api.ANALYZE_COLUMNS)}.")


@main.command("eval")
@click.option("--eval-dir", type=click.Path(file_okay=False), default=None,
              help="Public labelled data (default: ../shared/eval).")
@click.option("--tests-data", type=click.Path(file_okay=False), default=None,
              help="The project's own labelled test sets (default: tests/data).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table",
              show_default=True)
@handle_errors
def eval_(eval_dir: str | None, tests_data: str | None, fmt: str) -> None:
    """Print every accuracy score of the message intelligence, per language."""
    from . import api

    scores = api.eval(eval_dir, tests_data)
    if fmt == "csv":
        click.echo(scores.to_csv(index=False), nl=False)
        return
    for task, rows in scores.groupby("task", sort=False):
        click.echo(f"\n{task}")
        shown = rows.drop(columns=["task"]).fillna("")
        click.echo(shown.to_string(index=False, float_format=lambda v: f"{v:.3f}"))


@main.command("build-workbook")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Where to write it (default: workbook/Kakobuy.xlsm).")
@click.option("--project-dir", type=click.Path(file_okay=False), default=".",
              show_default=True, help="The folder holding ribbon.xml and udfs.py.")
@handle_errors
def build_workbook(out: str | None, project_dir: str) -> None:
    """Regenerate workbook/Kakobuy.xlsm (sheets, ribbon, VBA, KB_ functions) from sources."""
    from . import api

    written = api.build_workbook(out, project_dir)
    click.echo(f"Built {written}.")


@main.command()
@click.argument("message")
@click.option("--customer", default=None, help="Customer ID on the Customers sheet.")
@click.option("--workbook", type=click.Path(dir_okay=False), default=None,
              help="The shop workbook: its templates, customers and orders.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@handle_errors
def suggest(message: str, customer: str | None, workbook: str | None, as_json: bool) -> None:
    """Suggest the reply template for MESSAGE, in the customer's language, filled in."""
    import json

    from . import api

    result = api.suggest(message, customer=customer, workbook=workbook, env=os.environ)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    click.echo(f"Template: {result.template_id or '(none)'}")
    click.echo(f"Language: {result.language or '-'}")
    click.echo(f"Score:    {result.score:.2f}")
    click.echo(f"Reason:   {result.reason}")
    if result.missing:
        click.echo("Missing:  " + ", ".join("{" + m + "}" for m in result.missing))
    click.echo("")
    click.echo(result.reply or "")


workbook_option = click.option("--workbook", "-w", required=True,
                               type=click.Path(dir_okay=False), help="The shop workbook.")


@main.command("evidence-pack")
@click.argument("dispute_id")
@workbook_option
@click.option("--out", "-o", type=click.Path(), default=None,
              help="Zip file or new folder to write (default: evidence-ID.zip beside the "
                   "workbook).")
@click.option("--folder", "as_folder", is_flag=True, help="Write a folder instead of a zip.")
@handle_errors
def evidence_pack(dispute_id: str, workbook: str, out: str | None, as_folder: bool) -> None:
    """Write DISPUTE_ID's evidence, an index and a PDF summary within the platform's limits."""
    from . import api

    result = api.evidence_pack(dispute_id, workbook, out=out, as_zip=not as_folder,
                               env=os.environ)
    click.echo(f"Wrote {result.path}: {len(result.included)} files, "
               f"{result.total_bytes / 1e6:.1f} MB, index.csv and summary.pdf.")
    for name, reason in result.skipped:
        click.echo(f"  left out {name}: {reason}")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@handle_errors
def verify(path: str, fmt: str) -> None:
    """Check PATH's sealed records (Record Hash); exit 1 if any was changed."""
    from . import api
    from .integrity import summary

    findings = api.verify(path, env=os.environ)
    if not echo_frame(findings, fmt):
        for r in findings.itertuples(index=False):
            click.echo(f"{r.finding.upper():10} {r.sheet} row {r.excel_row}: {r.detail}")
        click.echo(summary(findings))
    serious = findings[~findings["finding"].isin(["unsealed"])] if len(findings) else findings
    if len(serious):
        sys.exit(1)


@main.command()
@click.argument("dispute_id")
@workbook_option
@click.option("--out", "-o", type=click.Path(), default=None,
              help="Folder (or .html file) to write; default: beside the workbook.")
@handle_errors
def dossier(dispute_id: str, workbook: str, out: str | None) -> None:
    """Export DISPUTE_ID's messages, evidence, resolution and verification (HTML + JSON)."""
    from . import api

    written = api.dossier(dispute_id, workbook, out=out, env=os.environ)
    click.echo(f"Wrote {written}.")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--all", "all_rows", is_flag=True, help="List every open dispute's clock.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@now_option
@handle_errors
def sla(path: str, all_rows: bool, fmt: str, now: str | None) -> None:
    """List overdue and at-risk disputes in PATH; exit 2 when any is overdue."""
    from . import api

    rows = api.sla(path, now=parse_now(now), env=os.environ, all_rows=all_rows)
    if not echo_frame(rows, fmt):
        def at(t: Any) -> str:
            return "-" if t is None or t != t else f"{t:%Y-%m-%d %H:%M}"

        for r in rows.itertuples(index=False):
            left = "" if r.hours_left != r.hours_left else f"; {r.hours_left:+.1f} h left"
            platform = "" if r.platform_deadline != r.platform_deadline else \
                f"; platform deadline {at(r.platform_deadline)}"
            click.echo(f"{r.sla_status.upper():8} Disputes row {r.excel_row}: {r.dispute_id} "
                       f"({r.grade or '-'}, {r.platform or '-'}, {r.status or '-'}): reply due "
                       f"{at(r.response_due)}; resolve by {at(r.resolution_due)}{platform}{left}")
        overdue = int((rows["sla_status"] == "overdue").sum())
        risk = int((rows["sla_status"] == "at_risk").sum())
        click.echo(f"{overdue} overdue, {risk} at risk.")
    if (rows["sla_status"] == "overdue").any():
        sys.exit(2)


@main.command()
@click.argument("text")
@click.option("--to", "target", required=True, help="Language code to translate into.")
@click.option("--from", "source", default="auto", show_default=True,
              help="Language code of TEXT.")
@click.option("--provider", default=None,
              type=click.Choice(["google", "deepl", "microsoft", "mymemory", "libretranslate"]),
              help="Provider for this call (default: translation_provider in Settings).")
@click.option("--url", default=None, help="LibreTranslate server address.")
@click.option("--workbook", "-w", type=click.Path(dir_okay=False), default=None,
              help="Read the provider from this workbook's Settings sheet.")
@handle_errors
def translate(text: str, target: str, source: str, provider: str | None, url: str | None,
              workbook: str | None) -> None:
    """Translate TEXT (masked: e-mails, phones, order numbers and names never leave)."""
    from . import api

    click.echo(api.translate(text, target, source=source, provider=provider, url=url,
                             workbook=workbook, env=os.environ))


@main.command()
@click.argument("kind", type=click.Choice(["disputes", "service", "monthly"]))
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--month", default=None, metavar="YYYY-MM",
              help="Month of the monthly report (default: the last complete month).")
@click.option("--html", "html", type=click.Path(dir_okay=False), default=None,
              help="Also write the report as one self-contained HTML page (share it, or "
                   "print it to PDF).")
@now_option
@handle_errors
def report(kind: str, path: str, month: str | None, html: str | None, now: str | None) -> None:
    """Write a report sheet into PATH: disputes (Dispute Report), service (Service Report)
    or monthly (Monthly Report), each with native charts."""
    from . import api

    progress = TerminalProgress()
    try:
        name = api.report(kind, path, month=month, html=html, now=parse_now(now),
                          env=os.environ, progress=progress)
    finally:
        progress.close()
    click.echo(f"Wrote the '{name}' sheet in {path}.")
    if html:
        click.echo(f"Wrote {html}.")


@main.command()
@click.argument("dispute_id")
@workbook_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@now_option
@handle_errors
def plan(dispute_id: str, workbook: str, as_json: bool, now: str | None) -> None:
    """Simulate DISPUTE_ID: each way to settle it with its cost, escalation risk and
    expected satisfaction; the recommended one and the message offering it."""
    from . import api

    result = api.plan(dispute_id, workbook, now=parse_now(now), env=os.environ)
    table = result.table()
    if as_json:
        click.echo(json.dumps({
            "dispute_id": result.dispute_id, "recommended": result.recommended,
            "resolution": result.resolution, "amount": result.amount,
            "currency": result.currency, "rationale": result.rationale,
            "risk": result.risk, "risk_reasons": result.risk_reasons, "model": result.model,
            "language": result.language, "message": result.message,
            "options": json.loads(table.to_json(orient="records")),
        }, ensure_ascii=False, indent=2))
        return
    click.echo(f"Dispute {result.dispute_id}: escalation risk {result.risk:.0%}"
               + (f" ({result.risk_reasons})" if result.risk_reasons else ""))
    click.echo(f"Model: {result.model}")
    click.echo(table.to_string(index=False))
    click.echo(f"\nRecommended: {result.cell_text}. {result.rationale}")
    if result.message:
        click.echo(f"\nMessage ({result.language}):\n{result.message}")
    for name in result.missing:
        click.echo(f"Fill in before sending: {name}")


def _drafts_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--dry-run", is_flag=True,
                        help="Show what would be drafted; write and export nothing.")(func)
    func = click.option("--out", "-o", type=click.Path(file_okay=False), default=None,
                        help="Folder for the files to send (default: kakobuy-drafts/ "
                             "beside the workbook).")(func)
    return func


def _echo_drafts(result: Any, dry_run: bool) -> None:
    drafts = result.drafts.drafts
    if dry_run and len(drafts):
        shown = drafts[["customer_id", "channel", "language", "order_id", "message"]].copy()
        shown["message"] = shown["message"].map(
            lambda m: (m or "").replace("\n", " ")[:70])
        click.echo(shown.to_string(index=False))
    click.echo(result.summary())
    if not dry_run and len(drafts):
        click.echo("The drafts are on the Interactions sheet (Status draft): check them, "
                   "send them, then set Status to sent.")


@main.command("notify-delay")
@workbook_option
@click.option("--country", default=None, help="Destination countries, e.g. TH or TH,VN.")
@click.option("--carrier", default=None,
              help="Carrier name (or part of it, any case); several with commas.")
@click.option("--since", default=None, metavar="DATE",
              help="Orders shipped on or after this date (YYYY-MM-DD).")
@click.option("--group-buy", default=None, help="Only this Group Buy ID.")
@click.option("--compensation", default=None,
              help='What you offer, e.g. "5% coupon" (a code per customer) or "free '
                   'shipping on the next order".')
@click.option("--coupon", default=None, help="One coupon code for everyone instead.")
@click.option("--delay-days", default=7, show_default=True, type=int,
              help="Days added to Expected Delivery for the new estimate.")
@_drafts_options
@now_option
@handle_errors
def notify_delay(workbook: str, country: str | None, carrier: str | None, since: str | None,
                 group_buy: str | None, compensation: str | None, coupon: str | None,
                 delay_days: int, out: str | None, dry_run: bool, now: str | None) -> None:
    """Draft a delay notice for every customer whose open orders match, in their own
    language (plus group-buy announcements), and export them for sending."""
    from . import api

    result = api.notify_delay(workbook, country=country, carrier=carrier, since=since,
                              group_buy=group_buy, compensation=compensation, coupon=coupon,
                              delay_days=delay_days, out=out, now=parse_now(now),
                              env=os.environ, dry_run=dry_run)
    _echo_drafts(result, dry_run)


@main.command()
@workbook_option
@click.option("--form", type=click.Path(exists=True, dir_okay=False), default=None,
              help="CSV export of your rating form (token, score, confirmed).")
@click.option("--after-hours", default=24.0, show_default=True, type=float,
              help="Survey a dispute this many hours after it was resolved.")
@_drafts_options
@now_option
@handle_errors
def survey(workbook: str, form: str | None, after_hours: float, out: str | None,
           dry_run: bool, now: str | None) -> None:
    """Record the 1-5 ratings customers sent back into Disputes / CSAT and draft a
    satisfaction survey for each newly resolved dispute, in the customer's language."""
    from . import api

    result = api.survey(workbook, form=form, after_hours=after_hours, out=out,
                        now=parse_now(now), env=os.environ, dry_run=dry_run)
    _echo_drafts(result, dry_run)


@main.command("follow-up")
@workbook_option
@click.option("--quiet-days", default=3.0, show_default=True, type=float,
              help="Only customers the shop has not written to for this many days.")
@_drafts_options
@now_option
@handle_errors
def follow_up(workbook: str, quiet_days: float, out: str | None, dry_run: bool,
              now: str | None) -> None:
    """Draft a proactive follow-up for each high-risk customer (Customers / Segment)."""
    from . import api

    result = api.follow_up(workbook, quiet_days=quiet_days, out=out, now=parse_now(now),
                           env=os.environ, dry_run=dry_run)
    _echo_drafts(result, dry_run)


@main.command("import")
@click.argument("kind", type=click.Choice(["whatsapp", "eml", "mbox", "shopify", "ebay",
                                           "tiktok", "csv"]))
@click.argument("file", type=click.Path(exists=True))
@workbook_option
@click.option("--me", multiple=True,
              help="Your name, phone or e-mail in the export (repeatable): those messages "
                   "are outbound.")
@click.option("--customer", default=None, help="The chat or mail is with this Customer ID.")
@click.option("--channel", default=None, help="Channel to record (default: from KIND).")
@click.option("--mapping", type=click.Path(dir_okay=False), default=None,
              help="For csv: a saved JSON column mapping {our header: their header}.")
@click.option("--dry-run", is_flag=True, help="Read and report, but write nothing.")
@handle_errors
def import_(kind: str, file: str, workbook: str, me: tuple[str, ...], customer: str | None,
            channel: str | None, mapping: str | None, dry_run: bool) -> None:
    """Import FILE (a chat, e-mails or a marketplace export) into the workbook."""
    from . import api

    progress = TerminalProgress()
    try:
        result = api.import_file(kind, file, workbook, me=me, customer=customer,
                                 channel=channel, mapping=mapping, env=os.environ,
                                 dry_run=dry_run, progress=progress)
    finally:
        progress.close()
    click.echo(result.summary())
    if len(result.problems):
        click.echo(render_problems(result.problems))
    if dry_run:
        click.echo("Dry run: nothing was written.")


def echo_frame(frame: Any, fmt: str) -> bool:
    """Print ``frame`` as CSV or JSON records when ``fmt`` asks for one; False for
    ``table``, which each command renders its own way."""
    if fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
    elif fmt == "json":
        click.echo(frame.to_json(orient="records", force_ascii=False, indent=1,
                                 date_format="iso"))
    else:
        return False
    return True


def render_problems(problems: Any, limit: int = 200) -> str:
    """The problems table, one problem a line, in spreadsheet terms."""
    lines = []
    for r in problems.head(limit).itertuples(index=False):
        where = r.sheet + (f"!{r.column}" if r.column else "")
        where += f" row {r.excel_row}" if r.excel_row is not None and str(r.excel_row) != "<NA>" else ""
        found = f" (found: {r.value})" if r.value else ""
        fix = f" Fix: {r.fix}" if r.fix else ""
        stop = "" if r.problem.endswith((".", "?", "!")) and not found else "."
        lines.append(f"{r.severity.upper():7} {where}: {r.problem}{found}{stop}{fix}")
    if len(problems) > limit:
        lines.append(f"... and {len(problems) - limit:,} more (use --format csv for all).")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    main()
