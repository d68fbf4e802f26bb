"""The Python API: the same operations as the command line, by the same names.

>>> from kakobuy_xl import api                                  # doctest: +SKIP
>>> api.init("shop.xlsx")                                       # doctest: +SKIP
>>> print(api.refresh("shop.xlsx").summary())                  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import pandas as pd

from . import refresh as _refresh
from . import settings as _settings
from .errors import ConfigError, WorkbookError, WorkbookLocked
from . import schema
from .io.base import Progress, WorkbookIO, find_header, no_progress
from .io.create import create_workbook
from .io.atomic import write_atomically
from .io.resultcache import FileResultCache
from .io.tablecache import TableCache
from .nlp.cache import MemoryResultCache, ResultCache
from .io.xlsx import FileWorkbook, backup_path, lock_file
from .schema import SETTINGS as _SETTINGS_CONTRACT, SHEETS
from .replies import SuggestResult
from .settings import Settings

DEMO_FILE = "kakobuy-demo.xlsx"
DEMO_NOW = dt.datetime(2025, 6, 30, 12, 0)

__all__ = ["DemoResult", "DraftsResult", "analyze", "build_workbook", "cache_folder", "demo",
           "dossier", "eval", "evidence_pack", "follow_up", "import_file", "init",
           "notify_delay", "open_workbook", "plan", "refresh", "repair", "report",
           "result_cache", "seller_key", "sla", "suggest", "survey", "translate",
           "translation_cache", "translator", "validate", "verify"]
WORKBOOK_FILE = Path("workbook") / "Kakobuy.xlsm"


def cache_folder(env: Mapping[str, str] | None = None) -> Path | None:
    """Where parsed tables are cached: ``KAKOBUY_CACHE_DIR`` (``off`` disables it), else
    the user's cache folder (never next to the workbook)."""
    env = os.environ if env is None else env
    chosen = env.get("KAKOBUY_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no", "none") else Path(chosen)
    home = Path(env.get("HOME") or env.get("USERPROFILE") or Path.home())
    if os.name == "nt":
        base = Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local") / "kakobuy-xl" / "Cache"
    elif sys.platform == "darwin":
        base = home / "Library" / "Caches" / "kakobuy-xl"
    else:
        base = Path(env.get("XDG_CACHE_HOME") or home / ".cache") / "kakobuy-xl"
    return base


def open_workbook(path: str | os.PathLike[str],
                  env: Mapping[str, str] | None = None) -> FileWorkbook:
    """Open a workbook file for reading and surgical writing (with the table cache)."""
    folder = cache_folder(env)
    return FileWorkbook(path, TableCache(folder / "tables") if folder is not None else None)


def result_cache(env: Mapping[str, str] | None = None) -> ResultCache:
    """Analysis results by content hash: kept across runs in the cache folder."""
    folder = cache_folder(env)
    return FileResultCache(folder / "analysis") if folder is not None else MemoryResultCache()


def translation_cache(env: Mapping[str, str] | None = None) -> ResultCache:
    """Translations by content hash, kept across runs and never evicted: what was sent
    to a provider once is never sent again."""
    folder = cache_folder(env)
    if folder is None:
        return MemoryResultCache()
    return FileResultCache(folder / "translations", max_entries=10**9)


def translator(settings: Settings, env: Mapping[str, str] | None = None,
               url: str | None = None, provider: str | None = None):
    """The translation provider Settings turn on (None when off), its key from the
    environment or the OS keyring."""
    from .nlp.credentials import find_api_key
    from .nlp.translate import provider_from_settings

    env = os.environ if env is None else env
    overrides = {}
    if provider:
        overrides["translation_provider"] = provider
    if url:
        overrides["translation_url"] = url
    if overrides:
        import dataclasses

        settings = dataclasses.replace(settings, **overrides)  # validates again
    return provider_from_settings(settings,
                                  api_key=find_api_key(settings.translation_provider, env))


def _workbook_folder(wb: WorkbookIO) -> Path | None:
    """The folder a file workbook lives in (evidence paths are relative to it)."""
    path = getattr(wb, "path", None)
    return Path(path).resolve().parent if path is not None else None


def _workbook(target: str | os.PathLike[str] | WorkbookIO,
              env: Mapping[str, str] | None = None) -> WorkbookIO:
    return target if isinstance(target, WorkbookIO) else open_workbook(target, env)


def _now_in(settings: Settings) -> dt.datetime:
    """The shop's wall-clock time, naive, as every date in the workbook is."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        zone = ZoneInfo(settings.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"Setting 'time_zone' is not a known time zone (found '{settings.time_zone}'). "
            "Use a name such as Asia/Shanghai or Europe/Berlin."
        ) from None
    return dt.datetime.now(zone).replace(tzinfo=None, microsecond=0)


def init(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Create a new, empty, formatted workbook with every sheet of the contract."""
    target = Path(path)
    if target.suffix.lower() not in (".xlsx", ".xlsm"):
        raise WorkbookError(f"'{target.name}': a workbook name must end in .xlsx or .xlsm.")
    if target.exists():
        if not force:
            raise WorkbookError(
                f"'{target}' already exists; kakobuy will not overwrite it. Choose another "
                "name, or pass --force to replace it (the old file is kept as a backup)."
            )
        if lock_file(target):
            raise WorkbookLocked(f"'{target.name}' is open in Excel. Close it first.")
        os.replace(target, backup_path(target))
    if not target.parent.exists():
        raise WorkbookError(f"The folder '{target.parent}' does not exist.")
    try:
        from .templates import sheet_rows

        create_workbook(target, templates=sheet_rows())
    except OSError as exc:
        raise WorkbookError(f"'{target}' could not be written ({exc.strerror}).") from exc
    return target


def validate(target: str | os.PathLike[str] | WorkbookIO,
             env: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The problems table of a workbook: sheet, excel_row, column, value, problem, fix."""
    wb = _workbook(target, env)
    try:
        return _refresh.validate(wb, _refresh.read_settings(wb, env))
    finally:
        wb.close()


def refresh(target: str | os.PathLike[str] | WorkbookIO, *, dry_run: bool = False,
            now: dt.datetime | None = None, env: Mapping[str, str] | None = None,
            settings: Mapping[str, object] | None = None,
            progress: Progress = no_progress,
            steps: tuple[str, ...] | None = None) -> _refresh.RefreshResult:
    """Validate, compute every owned column, write back what changed (unless dry_run)."""
    wb = _workbook(target, env)
    if not dry_run and isinstance(wb, FileWorkbook):
        wb.check_writable()  # refuse before the work, not after it
    results = result_cache(env)
    translations = translation_cache(env)
    try:
        resolved = _refresh.read_settings(wb, env, settings)
        provider = translator(resolved, env)
        return _refresh.refresh(wb, resolved, now or _now_in(resolved), dry_run=dry_run,
                                progress=progress, cache=results, steps=steps,
                                folder=_workbook_folder(wb), seller_key=seller_key(env),
                                translator=provider, translation_cache=translations)
    finally:
        wb.close()
        results.flush()
        translations.flush()


@dataclass
class DemoResult:
    path: Path
    rows: dict[str, int]
    refresh: _refresh.RefreshResult


def demo(path: str | os.PathLike[str] | None = None, *, seed: int = 7,
         now: dt.datetime | None = None, progress: Progress = no_progress) -> DemoResult:
    """Build a realistic sample shop workbook, then refresh it.

    Replaces an existing file at ``path`` (keeping it as a backup).
    """
    from .demo import build_demo_tables

    target = Path(path or DEMO_FILE)
    now = now or DEMO_NOW
    init(target, force=True)
    wb = open_workbook(target)
    tables = build_demo_tables(seed=seed, now=now)
    rows = {}
    for name, frame in tables.items():
        kinds = {c.header: c.kind for c in SHEETS[name].columns}
        wb.append_rows(name, frame, kinds)
        rows[name] = len(frame)
    _set_settings(wb, DEMO_SETTINGS)
    wb.save(progress)
    result = refresh(target, now=now, progress=progress)
    return DemoResult(target, rows, result)


SETTINGS_SHEET = _SETTINGS_CONTRACT.name

#: Settings the sample shop uses, so routing shows in Route To.
DEMO_SETTINGS = {"routing": "refund_request, return_request -> Lin; ja -> Sora; "
                            "ko, th -> Mina; * -> Alex"}


def _set_settings(wb: WorkbookIO, values: Mapping[str, str]) -> None:
    """Type ``values`` into the Value column of the Settings sheet's rows."""
    data = wb.read_table(SETTINGS_SHEET)
    names = data.frame[find_header(data.headers, "Setting")].map(
        lambda v: str(v).strip().casefold() if v is not None else None)
    rows = {name: idx for idx, name in names.items()}
    updates = pd.Series({rows[k]: v for k, v in values.items() if k in rows}, dtype=object)
    if len(updates):
        wb.write_columns(data.sheet, {find_header(data.headers, "Value"): (updates, "text")})


def build_workbook(out: str | os.PathLike[str] | None = None,
                   project_dir: str | os.PathLike[str] | None = None) -> Path:
    """Regenerate the Excel workbook (ribbon, VBA, KB_ functions) from the sources.

    ``project_dir`` (default: the current folder) holds ``ribbon.xml`` and ``udfs.py``;
    ``out`` defaults to ``workbook/Kakobuy.xlsm`` there.
    """
    try:
        from .build import build_workbook as _build
        import pyopenvba  # noqa: F401
        import oletools  # noqa: F401
    except ImportError as exc:
        raise ConfigError(
            f"building the workbook needs the build tools ({exc.name} is missing): "
            "pip install 'kakobuy-xl[build]'"
        ) from None
    project = Path(project_dir) if project_dir is not None else Path.cwd()
    return _build(Path(out) if out is not None else project / WORKBOOK_FILE, project)


#: Columns ``analyze`` adds to a CSV, in this order.
ANALYZE_COLUMNS = ["language", "sentiment", "sentiment_label", "negative_flags", "intent",
                   "intent_confidence", "needs_clarification", "dispute_type",
                   "dispute_type_confidence"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _read_csv(path: Path) -> tuple[pd.DataFrame, str]:
    """A CSV as text columns, whatever its encoding and delimiter (for exports from
    shops and spreadsheets, often not UTF-8)."""
    import csv

    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        sep = csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
    except csv.Error:
        sep = ","
    import io as _io

    try:
        frame = pd.read_csv(_io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            na_values=[""], quotechar='"')
    except (pd.errors.ParserError, ValueError) as exc:
        raise WorkbookError(f"'{path.name}' cannot be read as CSV ({exc}).") from None
    return frame.astype(object).where(frame.notna(), None), encoding


def analyze(in_path: str | os.PathLike[str], out_path: str | os.PathLike[str], *,
            text_column: str = "text", language_column: str | None = None,
            raw: bool = False, env: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Add the analysis columns to any CSV of messages; returns the written frame.

    Text that a spreadsheet would run as a formula (starting with = + - @) is written
    with a leading apostrophe unless ``raw``.
    """
    from .nlp.analysis import Backends, analyse_messages, classify_disputes
    from .settings import resolve

    source = Path(in_path)
    if not source.is_file():
        raise WorkbookError(f"No file at '{source}'.")
    frame, _encoding = _read_csv(source)
    for wanted in [text_column] + ([language_column] if language_column else []):
        if wanted not in frame.columns:
            raise WorkbookError(
                f"'{source.name}' has no column '{wanted}' (found: "
                f"{', '.join(map(str, frame.columns))}). Name it with --text-column."
            )
    s = resolve(env=env if env is not None else os.environ)
    backends = Backends(s.language_backend, s.sentiment_backend, s.intent_backend,
                        s.intent_backend)
    results = result_cache(env)
    try:
        priors = frame[language_column] if language_column else None
        found = analyse_messages(frame[text_column], priors, None, backends, results)
        disputes = classify_disputes(frame[text_column], found["language"], backends, results)
    finally:
        results.flush()
    out = frame.copy()
    for column in ANALYZE_COLUMNS:
        source_frame = disputes if column.startswith("dispute_type") else found
        out[column] = source_frame[column]
    if not raw:
        out = out.map(lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START)
                      else v)
    # The BOM makes Excel read the file as UTF-8.
    write_atomically(out_path, out.to_csv(index=False).encode("utf-8-sig"))
    return out


def eval(eval_dir: str | os.PathLike[str] | None = None,  # noqa: A001 - the verb is `eval`
         tests_data: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Every accuracy score of the message intelligence, per dataset and language.

    ``eval_dir`` holds the public labelled sets (default ``../shared/eval``);
    ``tests_data`` the project's own test sets (default ``tests/data``).
    """
    import importlib

    root = Path(eval_dir) if eval_dir is not None else Path.cwd().parent / "shared" / "eval"
    own = Path(tests_data) if tests_data is not None else Path.cwd() / "tests" / "data"
    if not root.is_dir():
        raise ConfigError(f"No evaluation data at '{root}'. Pass --eval-dir.")
    frames = []
    for task in ("language", "sentiment", "intent"):
        try:
            module = importlib.import_module(f".evaluate.{task}", __package__)
        except ImportError:
            continue
        frames.append(module.run(root, own) if task == "intent" else module.run(root))
    if not frames:
        raise ConfigError("No evaluation is installed.")
    return pd.concat(frames, ignore_index=True)


def _tables(wb: WorkbookIO, settings: Settings, names: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """Typed frames (snake_case columns) of the named sheets present in ``wb``."""
    from .refresh import load_tables

    tables, _problems = load_tables(wb, settings, tuple(SHEETS[n] for n in names))
    return {n: t.frame for n, t in tables.items() if t.usable}


def suggest(message: str, *, customer: str | None = None,
            workbook: str | os.PathLike[str] | WorkbookIO | None = None,
            env: Mapping[str, str] | None = None) -> SuggestResult:
    """The best reply template for one message, rendered for the customer.

    >>> api.suggest("배송이 너무 늦어요").language                      # doctest: +SKIP
    'ko'
    """
    from .keys import id_key
    from .nlp.analysis import Backends, analyse_messages
    from .replies import suggest_reply
    from .templates import library_or_shipped

    settings = _settings.resolve(env=env)
    templates = customer_row = order_row = None
    if workbook is not None:
        wb = _workbook(workbook, env)
        try:
            settings = _refresh.read_settings(wb, env)
            frames = _tables(wb, settings, ("Customers", "Orders", "Templates"))
        finally:
            wb.close()
        templates = library_or_shipped(frames.get("Templates"))
        if customer is not None:
            wanted = id_key(pd.Series([customer]))[0]
            people = frames.get("Customers")
            match = people[id_key(people["customer_id"]) == wanted] \
                if people is not None else None
            if match is None or match.empty:
                raise WorkbookError(f"Customer '{customer}' is not on the Customers sheet. "
                                    "Check the Customer ID.")
            customer_row = match.iloc[0].to_dict()
            orders = frames.get("Orders")
            if orders is not None:
                mine = orders[id_key(orders["customer_id"]) == wanted]
                if len(mine):
                    order_row = mine.sort_values("order_date", na_position="first") \
                        .iloc[-1].to_dict()
    elif customer is not None:
        raise ConfigError("--customer needs --workbook: the customer is looked up there.")
    prior = pd.Series([customer_row.get("preferred_language") if customer_row else None])
    backends = Backends(settings.language_backend, settings.sentiment_backend,
                        settings.intent_backend, settings.intent_backend)
    results = result_cache(env)
    try:
        analysis = analyse_messages(pd.Series([message]), prior, None, backends,
                                    results).iloc[0].to_dict()
    finally:
        results.flush()
    return suggest_reply(message, analysis, templates=templates, customer=customer_row,
                         order=order_row, seller_name=settings.seller_name,
                         seller_language=settings.seller_language,
                         home_currency=settings.home_currency)


def _load(target: str | os.PathLike[str] | WorkbookIO, env: Mapping[str, str] | None,
          names: tuple[str, ...]) -> tuple[dict[str, pd.DataFrame], Settings, Path | None]:
    """Typed frames of ``names``, the settings and the workbook's folder."""
    wb = _workbook(target, env)
    try:
        settings = _refresh.read_settings(wb, env)
        return _tables(wb, settings, names), settings, _workbook_folder(wb)
    finally:
        wb.close()


def evidence_pack(dispute_id: str, workbook: str | os.PathLike[str] | WorkbookIO, *,
                  out: str | os.PathLike[str] | None = None, as_zip: bool = True,
                  env: Mapping[str, str] | None = None, now: dt.datetime | None = None):
    """Write one dispute's evidence pack (zip or folder) within its platform's limits.

    The default name is ``evidence-<DISPUTE_ID>.zip`` next to the workbook.
    """
    from .evidence import build_evidence_pack, evidence_root

    frames, settings, folder = _load(workbook, env, ("Disputes", "Evidence", "Orders",
                                                     "Interactions"))
    if "Disputes" not in frames:
        raise WorkbookError("The workbook has no usable Disputes sheet; run `kakobuy validate`.")
    base = folder or Path.cwd()
    evidence_folder = evidence_root(settings.evidence_folder, base)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in dispute_id.strip())
    target = Path(out) if out is not None else base / (
        f"evidence-{safe}.zip" if as_zip else f"evidence-{safe}")
    return build_evidence_pack(dispute_id, frames["Disputes"], frames.get("Evidence"),
                               frames.get("Orders"), frames.get("Interactions"),
                               evidence_folder, target, as_zip=as_zip,
                               now=now or _now_in(settings))


def seller_key(env: Mapping[str, str] | None = None) -> bytes | None:
    """The seller's key for record hashes: ``KAKOBUY_SELLER_KEY``, else the OS keyring
    (service ``kakobuy-xl``, user ``seller_key``); None when neither has one."""
    env = os.environ if env is None else env
    value = env.get("KAKOBUY_SELLER_KEY")
    if value is None and env is os.environ:
        try:
            import keyring

            value = keyring.get_password("kakobuy-xl", "seller_key")
        except Exception:  # noqa: BLE001 - no usable keyring backend: no key
            value = None
    return value.encode("utf-8") if value else None


def verify(target: str | os.PathLike[str] | WorkbookIO, *,
           env: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Records edited, deleted, inserted or reordered since they were sealed (columns
    sheet, excel_row, record_id, finding, detail); empty when the records are intact."""
    from .integrity import verify_tables

    frames, _settings_, _folder = _load(target, env, ("Interactions", "Evidence"))
    return verify_tables(frames, seller_key(env))


def dossier(dispute_id: str, workbook: str | os.PathLike[str] | WorkbookIO, *,
            out: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None,
            now: dt.datetime | None = None) -> Path:
    """Export everything about one dispute (HTML and JSON) for a platform or a mediator."""
    from .dossier import build_dossier
    from .integrity import verify_tables

    frames, settings, folder = _load(workbook, env, ("Disputes", "Interactions", "Evidence",
                                                     "Orders", "Customers"))
    findings = verify_tables({k: v for k, v in frames.items()
                              if k in ("Interactions", "Evidence")}, seller_key(env))
    target = Path(out) if out is not None else (folder or Path.cwd())
    return build_dossier(dispute_id, frames, target, findings=findings,
                         now=now or _now_in(settings))


def translate(text: str, to: str, *, source: str = "auto", provider: str | None = None,
              url: str | None = None, workbook: str | os.PathLike[str] | WorkbookIO | None = None,
              env: Mapping[str, str] | None = None) -> str:
    """Translate one text with the provider Settings (or ``provider``) turn on: masked
    before sending, restored after, cached so it is never sent twice."""
    from .nlp.translate import translate_column

    env = os.environ if env is None else env
    if workbook is not None:
        wb = _workbook(workbook, env)
        try:
            settings = _refresh.read_settings(wb, env)
        finally:
            wb.close()
    else:
        settings = _settings.resolve(env=env)
    chosen = translator(settings, env, url=url, provider=provider)
    cache = translation_cache(env)
    try:
        out = translate_column(pd.Series([text]), to, source, provider=chosen, cache=cache,
                               names=[settings.seller_name] if settings.seller_name else None)
    finally:
        cache.flush()
    return out.iloc[0]


#: What ``kakobuy sla`` lists, per dispute.
SLA_COLUMNS = ["excel_row", "dispute_id", "platform", "grade", "status", "sla_status",
               "response_due", "resolution_due", "platform_deadline", "hours_left"]


def sla(target: str | os.PathLike[str] | WorkbookIO, *, now: dt.datetime | None = None,
        env: Mapping[str, str] | None = None, all_rows: bool = False) -> pd.DataFrame:
    """Disputes that are overdue or at risk now (every open one with ``all_rows``), most
    urgent first, computed afresh without writing anything."""
    result = refresh(target, dry_run=True, now=now, env=env,
                     steps=("dispute types", "dispute grades", "sla clocks"))
    typed = result.tables.get("Disputes")
    if typed is None or not typed.usable:
        raise WorkbookError("The workbook has no usable Disputes sheet; run `kakobuy validate`.")
    from .disputes import effective

    d = effective(typed.frame)
    out = pd.DataFrame({"excel_row": d.index, "dispute_id": d["dispute_id"],
                        "platform": d["platform"], "grade": d["grade"], "status": d["status"],
                        "sla_status": d["sla_status"], "response_due": d["response_due"],
                        "resolution_due": d["resolution_due"],
                        "platform_deadline": d["platform_deadline"],
                        "hours_left": d["hours_left"]}, columns=SLA_COLUMNS)
    if not all_rows:
        out = out[out["sla_status"].isin(["overdue", "at_risk"])]
    else:
        out = out[out["sla_status"].notna()]
    order = out["sla_status"].map({"overdue": 0, "at_risk": 1}).fillna(2)
    return out.assign(_o=order).sort_values(["_o", "hours_left"]).drop(columns="_o") \
        .reset_index(drop=True)


REPORTS = ("disputes", "service", "monthly")


def _default_month(now: dt.datetime) -> str:
    """The month a monthly report covers by default: the last complete month."""
    first = now.replace(day=1)
    return (first - dt.timedelta(days=1)).strftime("%Y-%m")


def report(kind: str, target: str | os.PathLike[str] | WorkbookIO, *,
           month: str | None = None, html: str | os.PathLike[str] | None = None,
           now: dt.datetime | None = None, env: Mapping[str, str] | None = None,
           progress: Progress = no_progress) -> str:
    """Write a report sheet into the workbook and save; returns the sheet's name.

    ``disputes``: the Dispute Report. ``service``: the Service Report (service metrics per
    handler, channel, platform and month, and the findings of the trend analysis).
    ``monthly``: the Monthly Report of ``month`` (``YYYY-MM``; default the last complete
    month). With ``html`` the same report is also written there as one self-contained
    page to share or print to PDF.
    """
    from . import disputes, insight_report, metrics, reports, sla, trends

    if kind not in REPORTS:
        raise ConfigError(f"Unknown report '{kind}' (known: {', '.join(REPORTS)}).")
    if month is not None and kind != "monthly":
        raise ConfigError("--month is for the monthly report only.")
    if month is not None:
        insight_report.parse_month(month)  # a bad month fails before any work
    wb = _workbook(target, env)
    if isinstance(wb, FileWorkbook):
        wb.check_writable()
    try:
        settings = _refresh.read_settings(wb, env)
        when = now or _now_in(settings)
        steps = {"disputes": ("dispute types", "dispute grades", "sla clocks"),
                 "service": ("message analysis", "dispute types", "dispute grades"),
                 # The customers at risk need the profiles, which read the risk.
                 "monthly": ("message analysis", "dispute types", "customer activity",
                             "dispute grades", "sla clocks", "escalation risk",
                             "customer profiles")}[kind]
        result = _refresh.refresh(wb, settings, when, dry_run=True, progress=progress,
                                  cache=result_cache(env), steps=steps)
        typed = result.tables.get("Disputes")
        if typed is None or not typed.usable:
            raise WorkbookError("The workbook has no usable Disputes sheet; run "
                                "`kakobuy validate`.")
        frames = {n: t.frame for n, t in result.tables.items() if t.usable}
        eff = disputes.effective(frames["Disputes"])
        calendar = sla.BusinessCalendar.from_settings(settings)
        orders = frames.get("Orders")
        progress("report", 0, 1)
        if kind in ("disputes", "monthly"):
            clocks = result.memo.get("sla clocks")
            if clocks is None:  # the step could not run; reported as a problem
                clocks = sla.dispute_clocks(eff, frames.get("Interactions"),
                                            frames.get("SLA"), frames.get("Platform Rules"),
                                            calendar, when, settings.deadline_buffer_hours)
            facts = reports.dispute_facts(eff, clocks, orders)
        if kind == "disputes":
            sheet = reports.dispute_report(facts, when)
        else:
            by = metrics.service_metrics_by(frames.get("Interactions"), eff, orders, calendar,
                                            when, customers=frames.get("Customers"))
            if kind == "service":
                sheet = insight_report.service_report(by, trends.findings(eff, orders, when),
                                                      when)
            else:
                label = month or _default_month(when)
                period = insight_report.parse_month(label)
                start = period.start_time.to_pydatetime()
                if start > when:
                    raise ConfigError(f"The month {label} has not started yet (today is "
                                      f"{when:%Y-%m-%d}); choose this month or an earlier "
                                      "one.")
                end = min((period + 1).start_time.to_pydatetime(), when)
                found = trends.findings(eff, orders, when, recent_start=start,
                                        recent_end=end)
                sheet = insight_report.monthly_report(label, by, facts, found, when,
                                                      at_risk=_at_risk(frames))
        progress("report", 1, 1)
        wb.write_sheet(sheet)
        wb.save(progress)
        if html is not None:
            from .io.atomic import write_atomically
            from .report_html import report_html

            write_atomically(html, report_html(sheet, generated=when).encode("utf-8"))
        return sheet.name
    finally:
        wb.close()


def _at_risk(frames: dict[str, pd.DataFrame]) -> pd.DataFrame | None:
    """High-risk customers (Segment), for the monthly report's list."""
    customers = frames.get("Customers")
    if customers is None or "segment" not in customers:
        return None
    return customers[customers["segment"] == "high-risk"]


def plan(dispute_id: str, workbook: str | os.PathLike[str] | WorkbookIO, *,
         now: dt.datetime | None = None, env: Mapping[str, str] | None = None,
         progress: Progress = no_progress):
    """Simulate one dispute's resolution options (cost, escalation risk, satisfaction)
    and the recommended one, with the offer written in the customer's language.
    Writes nothing. Returns a :class:`kakobuy_xl.planner.Plan`."""
    from . import planner
    from .disputes import effective

    result = refresh(workbook, dry_run=True, now=now, env=env, progress=progress,
                     steps=("message analysis", "dispute types", "customer activity",
                            "dispute grades", "sla clocks"))
    frames = {n: t.frame for n, t in result.tables.items() if t.usable}
    if "Disputes" not in frames:
        raise WorkbookError("The workbook has no usable Disputes sheet; run "
                            "`kakobuy validate`.")
    settings = result.settings
    return planner.plan_dispute(
        dispute_id, effective(frames["Disputes"]), frames.get("Orders"), now=result.now,
        interactions=frames.get("Interactions"), customers=frames.get("Customers"),
        templates=frames.get("Templates"), home_currency=settings.home_currency,
        seller_name=settings.seller_name, seller_language=settings.seller_language,
        cache=result_cache(env))


@dataclass
class DraftsResult:
    """What a proactive command drafted, recorded and exported."""

    drafts: object  # kakobuy_xl.proactive.DraftBatch
    files: list[Path]
    recorded: int = 0
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        lines = [self.drafts.summary()]  # type: ignore[attr-defined]
        if self.dry_run:
            lines[0] = "Dry run, nothing written. " + lines[0]
        if self.recorded:
            verb = "Would record" if self.dry_run else "Recorded"
            lines.append(f"{verb} {self.recorded} rating(s) in Disputes / CSAT.")
        lines.extend(self.notes)
        lines.extend(getattr(self.drafts, "notes", []))
        if self.files:
            lines.append("Ready to send: " + ", ".join(str(f) for f in self.files))
        return "\n".join(lines)


#: Steps a proactive command needs before it drafts (languages, segments, risk).
PROFILE_STEPS = ("message analysis", "dispute types", "order tracking", "customer activity",
                  "dispute grades", "sla clocks", "escalation risk", "customer profiles")


def _drafts_folder(wb: WorkbookIO, out: str | os.PathLike[str] | None) -> Path | None:
    if out is not None:
        return Path(out)
    folder = _workbook_folder(wb)
    return folder / "kakobuy-drafts" if folder is not None else None


def _proactive(workbook: str | os.PathLike[str] | WorkbookIO, env: Mapping[str, str] | None,
               now: dt.datetime | None, dry_run: bool, out: str | os.PathLike[str] | None,
               stem: str, progress: Progress, build: Callable[..., tuple[object, int]],
               steps: tuple[str, ...] = PROFILE_STEPS) -> DraftsResult:
    """Shared shape of notify-delay, survey and follow-up: compute the profiles, build
    the drafts, append them to Interactions (Direction out, Status draft), save, export."""
    from .proactive import export_drafts

    wb = _workbook(workbook, env)
    if not dry_run and isinstance(wb, FileWorkbook):
        wb.check_writable()
    try:
        settings = _refresh.read_settings(wb, env)
        when = now or _now_in(settings)
        result = _refresh.refresh(wb, settings, when, dry_run=True, progress=progress,
                                  cache=result_cache(env), steps=steps,
                                  folder=_workbook_folder(wb))
        frames = {n: t.frame for n, t in result.tables.items() if t.usable}
        batch, recorded = build(wb, result.tables, frames, settings, when, dry_run)
        rows = batch.interaction_rows()  # type: ignore[attr-defined]
        inter = result.tables.get("Interactions")
        files: list[Path] = []
        if len(rows) and not dry_run:
            if inter is None or not inter.usable:
                raise WorkbookError("The workbook has no usable Interactions sheet to put "
                                    "the drafts in; run `kakobuy validate`.")
            for needed in ("Direction", "Status"):
                # Without them a draft would read as a customer's message, or as sent.
                if find_header(inter.data.headers, needed) is None:
                    raise WorkbookError(
                        f"Sheet 'Interactions' has no column '{needed}', so drafts could "
                        "not be marked as outgoing drafts. Add the column (or run "
                        "`kakobuy init --repair`), then try again. Nothing was written.")
            present = [h for h in rows.columns if find_header(inter.data.headers, h)]
            kinds = {c.header: c.kind for c in schema.INTERACTIONS.columns}
            wb.append_rows(inter.data.sheet, rows[present],
                           {h: kinds[h] for h in present if h in kinds})
            folder = _drafts_folder(wb, out)
            # Exported before the save: if the export fails, the workbook is untouched and
            # the next run drafts them again (once saved, a run skips them as existing).
            if folder is not None:
                files = export_drafts(batch, folder, stem=f"{stem}-{when:%Y%m%d-%H%M}")
        if not dry_run and wb.has_changes:
            wb.save(progress)
        return DraftsResult(batch, files, recorded, dry_run=dry_run)
    finally:
        wb.close()


def notify_delay(workbook: str | os.PathLike[str] | WorkbookIO, *,
                 country: str | None = None, carrier: str | None = None,
                 since: dt.date | dt.datetime | str | None = None,
                 group_buy: str | None = None, compensation: str | None = None,
                 coupon: str | None = None, delay_days: int | None = 7,
                 out: str | os.PathLike[str] | None = None, now: dt.datetime | None = None,
                 env: Mapping[str, str] | None = None, dry_run: bool = False,
                 progress: Progress = no_progress) -> DraftsResult:
    """Pre-emptive delay notices: one draft per customer whose open orders match
    (country, carrier, shipped since, group buy), in their language, plus one
    announcement per language for each group buy. Appended to Interactions as drafts
    and exported (CSV and one text file per channel) to ``out`` (default:
    ``kakobuy-drafts/`` beside the workbook)."""
    from .proactive import delay_notices

    def build(wb, tables, frames, settings, when, dry_run):
        if "Orders" not in frames:
            raise WorkbookError("The workbook has no usable Orders sheet; run "
                                "`kakobuy validate`.")
        batch = delay_notices(frames["Orders"], frames.get("Customers"),
                              frames.get("Templates"), now=when,
                              country=country, carrier=carrier, since=since,
                              group_buy=group_buy, compensation=compensation, coupon=coupon,
                              delay_days=delay_days, interactions=frames.get("Interactions"),
                              seller=settings, coupon_key=seller_key(env))
        return batch, 0

    return _proactive(workbook, env, now, dry_run, out, "delay-notices", progress, build)


def survey(workbook: str | os.PathLike[str] | WorkbookIO, *,
           form: str | os.PathLike[str] | None = None, after_hours: float = 24,
           out: str | os.PathLike[str] | None = None, now: dt.datetime | None = None,
           env: Mapping[str, str] | None = None, dry_run: bool = False,
           progress: Progress = no_progress) -> DraftsResult:
    """Satisfaction surveys: record the ratings customers sent back (chat replies, and
    the confirmed answers of a web form's CSV export with ``form``) into Disputes /
    CSAT, draft a thank-you echo for each chat rating, and draft a 1-5 survey for every
    dispute resolved at least ``after_hours`` ago that has no rating and no survey yet.
    Survey links (Settings survey_url) carry a token signed with the seller key, never
    the score."""
    import pandas as pd

    from .proactive import (DraftBatch, rating_confirmations, survey_answers,
                            survey_drafts, survey_form_answers)

    key = seller_key(env)

    def build(wb, tables, frames, settings, when, dry_run):
        disputes = frames.get("Disputes")
        if disputes is None:
            raise WorkbookError("The workbook has no usable Disputes sheet; run "
                                "`kakobuy validate`.")
        inter = frames.get("Interactions")
        chat = survey_answers(disputes, inter, now=when)
        answers = chat
        if form is not None:
            web = survey_form_answers(disputes, form, survey_key=key)
            answers = chat.where(chat["csat"].notna(), web)
        recorded = answers["csat"].notna()
        if recorded.any() and not dry_run:
            typed = tables["Disputes"]
            header = typed.header_of.get("csat")
            if header is None:
                raise WorkbookError("Sheet 'Disputes' has no column 'CSAT' to record the "
                                    "ratings in; run `kakobuy init --repair`.")
            wb.write_columns(typed.data.sheet, {header: (
                answers.loc[recorded, "csat"].astype(float), "int")})
            # Later steps (the survey drafts) see the ratings just recorded.
            disputes = disputes.assign(csat=disputes["csat"].where(~recorded,
                                                                   answers["csat"]))
        echo = rating_confirmations(chat, disputes, frames.get("Customers"), inter, now=when,
                                    seller=settings)
        asks = survey_drafts(disputes, frames.get("Customers"), inter,
                             frames.get("Templates"), now=when,
                             survey_url=settings.survey_url or None, after_hours=after_hours,
                             survey_key=key, seller=settings)
        both = DraftBatch(pd.concat([echo.drafts, asks.drafts], ignore_index=True),
                          echo.skipped + asks.skipped, echo.notes + asks.notes)
        return both, int(recorded.sum())

    return _proactive(workbook, env, now, dry_run, out, "surveys", progress, build)


def follow_up(workbook: str | os.PathLike[str] | WorkbookIO, *, quiet_days: float = 3,
              out: str | os.PathLike[str] | None = None, now: dt.datetime | None = None,
              env: Mapping[str, str] | None = None, dry_run: bool = False,
              profiles_fresh: bool = False, progress: Progress = no_progress) -> DraftsResult:
    """A proactive follow-up draft for each high-risk customer (Segment) who has heard
    nothing from the shop for ``quiet_days``, in their language. ``profiles_fresh``: the
    Segment and risk columns were just refreshed, so they are read, not computed again."""
    from .proactive import follow_up_drafts

    def build(wb, tables, frames, settings, when, dry_run):
        if "Customers" not in frames:
            raise WorkbookError("The workbook has no usable Customers sheet; run "
                                "`kakobuy validate`.")
        batch = follow_up_drafts(frames["Customers"], frames.get("Disputes"),
                                 frames.get("Interactions"),
                                 frames.get("Templates"), now=when,
                                 quiet_days=quiet_days, seller=settings)
        return batch, 0

    return _proactive(workbook, env, now, dry_run, out, "follow-ups", progress, build,
                      steps=() if profiles_fresh else PROFILE_STEPS)


def import_file(kind: str, file: str | os.PathLike[str],
                workbook: str | os.PathLike[str] | WorkbookIO, *,
                me: tuple[str, ...] = (), customer: str | None = None,
                channel: str | None = None, mapping: str | os.PathLike[str] | None = None,
                env: Mapping[str, str] | None = None, dry_run: bool = False,
                progress: Progress = no_progress):
    """Import a WhatsApp chat (.txt/.zip), e-mails (eml, mbox) or a marketplace export
    (shopify, ebay, tiktok, csv) into the workbook; re-importing adds nothing.

    Media and attachments are saved in an ``evidence/`` folder under the evidence folder
    (the ``evidence_folder`` setting, else the workbook's folder).
    """
    from .evidence import evidence_root
    from .importers import import_file as _import

    wb = _workbook(workbook, env)
    if not dry_run and isinstance(wb, FileWorkbook):
        wb.check_writable()
    try:
        settings = _refresh.read_settings(wb, env)
        # Media go where refresh looks for evidence, so their rows resolve.
        root = evidence_root(settings.evidence_folder, _workbook_folder(wb))
        result = _import(wb, kind, Path(file), settings=settings, me=tuple(me),
                         customer_id=customer, channel=channel,
                         evidence_folder=(root / "evidence") if root and not dry_run
                         else None,
                         mapping=Path(mapping) if mapping else None, link_base=root,
                         progress=progress)
        if not dry_run and wb.has_changes:
            wb.save(progress)
        return result
    finally:
        wb.close()


def repair(target: str | os.PathLike[str] | WorkbookIO, *,
           env: Mapping[str, str] | None = None, dry_run: bool = False):
    """Add the shipped rows a workbook lacks (SLA, Platform Rules, Settings, Workflows,
    templates) and upgrade shipped templates; never a user's own or edited row."""
    from .repair import repair as _repair

    wb = _workbook(target, env)
    if not dry_run and isinstance(wb, FileWorkbook):
        wb.check_writable()
    try:
        result = _repair(wb)
        if not dry_run and wb.has_changes:
            wb.save()
        return result
    finally:
        wb.close()
