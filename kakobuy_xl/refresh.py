"""Refresh: validate the workbook, compute every owned column, write back what changed.

Each computation is a :class:`Step` over typed DataFrames. Its results are compared
with what the sheet already holds and only cells whose value really changed are staged,
so a second refresh over unchanged data writes nothing at all. Owned columns that no
step computes yet are left exactly as they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from . import customers, disputes as disputes_mod, interactions, orders, replies, routing
from . import templates as templates_mod
from .errors import BackendError, ConfigError, SheetNotFound, WorkbookError
from .nlp.analysis import Backends, analyse_messages, classify_disputes
from .nlp.cache import MemoryResultCache, ResultCache
from .io.base import Progress, WorkbookIO, find_header, no_progress
from .keys import id_key, lookup, related
from .schema import SETTINGS, SHEETS, TABLE_SHEETS, Sheet
from .settings import Settings, resolve
from .validation import Problems, TypedTable, coerce_table

CHANGE_COLUMNS = ["sheet", "column", "cells"]


@dataclass
class Context:
    """What a step sees: every validated table, the settings and the clock."""

    tables: dict[str, TypedTable]
    settings: Settings
    now: dt.datetime
    cache: ResultCache = field(default_factory=MemoryResultCache)
    # Where the workbook lives (evidence paths are relative to it); None in memory.
    folder: Path | None = None
    # Problems found while computing, reported with the validation problems.
    problems: Problems = field(default_factory=Problems)
    # The seller's key for record hashes (HMAC); from the environment or keyring, never
    # from the workbook.
    seller_key: bytes | None = None
    # The opt-in translation provider (None: translation off) and its own cache, kept
    # apart so a translation is never sent twice.
    translator: object | None = None
    translation_cache: ResultCache | None = None
    # Intermediate results shared by steps within one refresh.
    memo: dict[str, object] = field(default_factory=dict)

    @property
    def backends(self) -> Backends:
        s = self.settings
        return Backends(s.language_backend, s.sentiment_backend, s.intent_backend,
                        s.intent_backend)

    def frame(self, sheet: str) -> pd.DataFrame | None:
        t = self.tables.get(sheet)
        return t.frame if t is not None and t.usable else None


@dataclass(frozen=True)
class Step:
    """One computation: needs the ``needs`` sheets (other sheets are used when there)
    and fills owned columns of ``sheet``."""

    name: str
    sheet: str
    needs: tuple[str, ...]
    run: Callable[[Context], pd.DataFrame]
    # Runs only when this says so (e.g. translation only when a provider is on).
    when: Callable[[Context], bool] | None = None


def _message_analysis(c: Context) -> pd.DataFrame:
    inter = c.frame("Interactions")
    assert inter is not None
    priors = None
    customers_frame = c.frame("Customers")
    if customers_frame is not None:
        priors = related(id_key(inter["customer_id"]), customers_frame["customer_id"],
                         customers_frame["preferred_language"])
    inbound = inter["direction"] != "out"
    return analyse_messages(inter["message"], priors, inbound, c.backends, c.cache)


def _dispute_texts(c: Context) -> pd.Series:
    """Each dispute's description joined with the customer's own messages about it
    (computed once per refresh: types and grades both read it)."""
    if "dispute_texts" not in c.memo:
        c.memo["dispute_texts"] = _join_dispute_texts(c)
    return c.memo["dispute_texts"]


def _join_dispute_texts(c: Context) -> pd.Series:
    disputes = c.frame("Disputes")
    assert disputes is not None
    text = disputes["description"].astype(object)
    inter = c.frame("Interactions")
    if inter is not None and len(inter):
        own = inter[(inter["direction"] != "out") & inter["dispute_id"].notna() &
                    inter["message"].notna()]
        joined = own.groupby(id_key(own["dispute_id"]))["message"] \
            .agg(lambda m: "\n".join(map(str, m)))
        extra = lookup(id_key(disputes["dispute_id"]), joined)
        text = pd.Series([("\n".join(p for p in (a, b) if isinstance(p, str)) or None)
                          for a, b in zip(text.tolist(), extra.tolist())],
                         index=disputes.index, dtype=object)
    return text


def _dispute_types(c: Context) -> pd.DataFrame:
    result = classify_disputes(_dispute_texts(c), None, c.backends, c.cache)
    return result.rename(columns={"dispute_type": "type_auto",
                                  "dispute_type_confidence": "type_confidence"})


def _effective_disputes(c: Context) -> pd.DataFrame:
    disputes = c.frame("Disputes")
    assert disputes is not None
    return disputes_mod.effective(disputes)


def _effective_or_none(c: Context) -> pd.DataFrame | None:
    return _effective_disputes(c) if c.frame("Disputes") is not None else None


def _escalation_risk(c: Context) -> pd.DataFrame:
    """Escalation Risk and Risk Reasons, and the planner's Recommended Resolution."""
    from . import planner, risk

    eff = _effective_disputes(c)
    orders_frame = c.frame("Orders")
    assessed = risk.assess_risk(eff, c.frame("Interactions"), orders_frame, c.now,
                                home_currency=c.settings.home_currency, cache=c.cache)
    c.memo["risk model"] = assessed.model
    plans = planner.recommend_resolutions(eff, orders_frame,
                                          assessed.scores["escalation_risk"],
                                          home_currency=c.settings.home_currency)
    return pd.DataFrame({"escalation_risk": assessed.scores["escalation_risk"],
                         "risk_reasons": assessed.scores["risk_reasons"],
                         "recommended_resolution": plans["recommended_resolution"]},
                        index=eff.index)


def _dispute_grades(c: Context) -> pd.DataFrame:
    disputes = c.frame("Disputes")
    assert disputes is not None
    keys = id_key(disputes["dispute_id"])
    intents = None
    inter = c.frame("Interactions")
    if inter is not None and len(inter) and "intent" in inter:
        own = inter[(inter["direction"] != "out") & inter["dispute_id"].notna()]
        sets = own.groupby(id_key(own["dispute_id"]))["intent"].agg(
            lambda s: frozenset(x for x in s if isinstance(x, str)))
        intents = pd.Series(lookup(keys, sets).tolist(), index=disputes.index)
    values = None
    orders_frame = c.frame("Orders")
    if orders_frame is not None and len(orders_frame):
        cur = orders_frame["currency"].astype(object)
        home = c.settings.home_currency.upper()
        # Only values known to be in the home currency count: no exchange rates offline.
        same = cur.isna() | (cur.astype(str).str.strip().str.upper().isin(["", home]))
        values = pd.Series(related(id_key(disputes["order_id"]), orders_frame["order_id"],
                                   orders_frame["order_value"].where(same)).tolist(),
                           index=disputes.index, dtype=float)
    graded = disputes_mod.grade_disputes(
        disputes_mod.effective(disputes), _dispute_texts(c),
        message_intents=intents, order_values=values, cache=c.cache)
    return graded[["grade_auto"]]


def _evidence_files(c: Context) -> pd.DataFrame:
    from . import evidence as evidence_mod

    ev = c.frame("Evidence")
    assert ev is not None
    folder = evidence_mod.evidence_root(c.settings.evidence_folder, c.folder)
    if folder is None:  # a workbook in memory: nothing to resolve paths against
        return pd.DataFrame(index=ev.index)
    status, found = evidence_mod.file_status(ev, folder, c.cache)
    for p in found:
        c.problems.add("Evidence", p["problem"], p.get("fix", ""), row=p.get("excel_row"),
                       column=p.get("column", ""), value=p.get("value"), severity="warning")
    return status[["sha_256", "size", "exists", "verified"]]


def _evidence_missing(c: Context) -> pd.DataFrame:
    from . import evidence as evidence_mod

    eff = _effective_disputes(c)
    missing = evidence_mod.evidence_missing(eff, c.frame("Evidence"), c.frame("Orders"))
    return pd.DataFrame({"evidence_missing": missing.where(missing != "", None)},
                        index=eff.index)


def _record_hashes(sheet: str) -> Callable[[Context], pd.DataFrame]:
    def run(c: Context) -> pd.DataFrame:
        from . import integrity

        frame = c.frame(sheet)
        assert frame is not None
        try:
            hashes = integrity.seal(frame, sheet, c.seller_key)
        except ConfigError as exc:
            # A keyed chain without its key: leave the hashes, say why.
            c.problems.add(sheet, f"New rows were not sealed: {exc}",
                           "Set KAKOBUY_SELLER_KEY (or the OS keyring entry) to the key the "
                           "records were sealed with.", column="Record Hash",
                           severity="warning")
            return pd.DataFrame(index=frame.index)
        return pd.DataFrame({"record_hash": hashes}, index=frame.index)
    return run


def _sla_clocks(c: Context) -> pd.DataFrame:
    from . import sla

    eff = _effective_disputes(c)
    calendar = sla.BusinessCalendar.from_settings(c.settings)
    clocks = sla.dispute_clocks(eff, c.frame("Interactions"), c.frame("SLA"),
                                c.frame("Platform Rules"), calendar, c.now,
                                c.settings.deadline_buffer_hours)
    c.memo["sla clocks"] = clocks  # every clock, for faces that report on them
    no_start = eff["opened_at"].isna() & eff["dispute_id"].notna()
    for row in eff.index[no_start]:
        c.problems.add("Disputes", "Opened At is empty, so no SLA clock can run.",
                       "Type when the customer first complained.", row=row,
                       column="Opened At", severity="warning")
    return clocks[list(sla.SHEET_CLOCK_COLUMNS)]


def _translations(c: Context) -> pd.DataFrame:
    """Inbound messages into the seller's language; outbound drafts into the customer's."""
    from .nlp.translate import translate_column

    inter = c.frame("Interactions")
    assert inter is not None
    customers_frame = c.frame("Customers")
    lang_of = replies.customer_languages(customers_frame)
    names = None
    if customers_frame is not None and len(customers_frame):
        names = related(id_key(inter["customer_id"]), customers_frame["customer_id"],
                        customers_frame["name"])
        names = names.map(lambda v: [v, c.settings.seller_name] if isinstance(v, str)
                          else [c.settings.seller_name])
    customer_lang = lookup(id_key(inter["customer_id"]), lang_of)
    outbound = inter["direction"] == "out"
    target = customer_lang.where(outbound, c.settings.seller_language)
    source = inter["language"].where(~outbound, c.settings.seller_language)
    wanted = inter["message"].where(~outbound | (inter["status"] == "draft"))
    source = source.where(source != "und")
    out = translate_column(wanted, target, source, provider=c.translator,
                           cache=c.translation_cache, names=names, skip_unsupported=True)
    if out.attrs.get("unsupported"):
        c.problems.add("Interactions", "The translation provider cannot translate "
                       f"{', '.join(out.attrs['unsupported'])}; those rows were left empty.",
                       "Choose another provider on the Settings sheet for those languages.",
                       column="Translation", severity="warning")
    # Already in the reader's language: nothing to show.
    out = out.where(out != wanted)
    return pd.DataFrame({"translation": out}, index=inter.index)


def _templates_frame(c: Context) -> pd.DataFrame:
    return templates_mod.library_or_shipped(c.frame("Templates"))


def _dispute_workflow(c: Context) -> pd.DataFrame:
    eff = _effective_disputes(c)
    inter, evidence = c.frame("Interactions"), c.frame("Evidence")
    orders_frame, customers_frame = c.frame("Orders"), c.frame("Customers")
    conds = disputes_mod.conditions(eff, inter, evidence, orders_frame)
    table = disputes_mod.workflow_table(c.frame("Workflows"))
    state = disputes_mod.workflow_state(eff, conds, table)
    s = c.settings
    made = replies.dispute_replies(eff, state["step_scenario"], _templates_frame(c),
                                   customers_frame, orders_frame, inter,
                                   seller_name=s.seller_name, seller_language=s.seller_language,
                                   home_currency=s.home_currency)
    for row, reply in zip(eff.index, made):
        if reply.missing:
            c.problems.add("Disputes", f"The suggested reply ({reply.template_id}) has no value "
                           f"for {', '.join('{' + m + '}' for m in reply.missing)}.",
                           "Fill the order or customer columns it comes from, or give the "
                           "placeholder a fallback on the Templates sheet.", row=row,
                           column="Suggested Reply", severity="warning")
    return pd.DataFrame({"workflow_step": state["workflow_step"],
                         "next_action": state["next_action"],
                         "suggested_reply": [r.text for r in made]}, index=eff.index)


def _suggested_templates(c: Context) -> pd.DataFrame:
    inter = c.frame("Interactions")
    assert inter is not None
    result = replies.message_suggestions(inter, _templates_frame(c), c.frame("Customers"),
                                         c.frame("Orders"), c.settings.seller_language)
    return pd.DataFrame({"suggested_template": result["template_id"]}, index=inter.index)


def _template_checks(c: Context) -> pd.DataFrame:
    t = c.frame("Templates")
    assert t is not None
    from .tone import check_tone_column

    problems = [templates_mod.body_problems(b, sc) for b, sc in zip(t["body"], t["scenario"])]
    tone = check_tone_column(t["body"].where(t["body"].map(lambda v: isinstance(v, str))),
                             t["language"])
    for i, flags in enumerate(tone.tolist()):
        if isinstance(flags, str) and flags:
            problems[i].append(flags)
    checked = templates_mod.check_library(t)
    dups = set(checked.loc[checked["problem"] == "the Template ID is used twice", "template_id"])
    keys = id_key(t["template_id"])
    for i, k in enumerate(keys.tolist()):
        if k in dups:
            problems[i].append("the Template ID is used twice")
    uses = pd.Series(0, index=t.index, dtype=float)
    inter = c.frame("Interactions")
    if inter is not None and "suggested_template" in inter:
        counts = id_key(inter["suggested_template"].dropna()).value_counts()
        uses = lookup(keys, counts).fillna(0).astype(float)
    return pd.DataFrame({"uses": uses.to_numpy(),
                         "problems": ["; ".join(p) or None for p in problems]}, index=t.index)


STEPS: tuple[Step, ...] = (
    Step("message analysis", "Interactions", ("Interactions",), _message_analysis),
    Step("dispute types", "Disputes", ("Disputes",), _dispute_types),
    Step("order tracking", "Orders", ("Orders",),
         lambda c: orders.order_tracking(c.frame("Orders"), c.frame("Disputes"), c.now,
                                         c.settings.delay_grace_days)),
    # Before the replies: they use each customer's language found in this run.
    Step("customer activity", "Customers", ("Customers",),
         lambda c: customers.customer_activity(c.frame("Customers"), c.frame("Interactions"),
                                               c.frame("Disputes"))),
    Step("dispute grades", "Disputes", ("Disputes",), _dispute_grades),
    Step("evidence files", "Evidence", ("Evidence",), _evidence_files),
    Step("evidence missing", "Disputes", ("Disputes",), _evidence_missing),
    Step("dispute workflow", "Disputes", ("Disputes",), _dispute_workflow),
    Step("sla clocks", "Disputes", ("Disputes",), _sla_clocks),
    # After the clocks (time used is a risk feature), before the customer profiles.
    Step("escalation risk", "Disputes", ("Disputes",), _escalation_risk),
    # After the grades and clocks: a customer's profile reads their disputes' results.
    Step("customer profiles", "Customers", ("Customers",),
         lambda c: customers.customer_profiles(c.frame("Customers"), c.frame("Interactions"),
                                               _effective_or_none(c), c.now)),
    Step("response times", "Interactions", ("Interactions",),
         lambda c: pd.DataFrame({"response_minutes": interactions.response_minutes(
             c.frame("Interactions"))})),
    # After message analysis: intents, languages and unclear messages decide the route.
    Step("routing", "Interactions", ("Interactions",),
         lambda c: pd.DataFrame({"route_to": routing.route(
             c.frame("Interactions"), c.settings.routing, disputes=c.frame("Disputes"),
             clarification_queue=c.settings.clarification_queue or "clarify")})),
    Step("suggested templates", "Interactions", ("Interactions",), _suggested_templates),
    Step("template checks", "Templates", ("Templates",), _template_checks),
    # Off unless the user turned a provider on: nothing leaves the machine.
    Step("translations", "Interactions", ("Interactions",), _translations,
         when=lambda c: c.translator is not None),
    Step("record hashes", "Interactions", ("Interactions",), _record_hashes("Interactions")),
    Step("evidence record hashes", "Evidence", ("Evidence",), _record_hashes("Evidence")),
)


@dataclass
class RefreshResult:
    """What a refresh found and did."""

    changes: pd.DataFrame
    problems: pd.DataFrame
    rows: dict[str, int]
    dry_run: bool
    saved: bool
    steps_skipped: list[str] = field(default_factory=list)
    # The typed tables with this run's results (for faces that show them, e.g. `sla`).
    tables: dict[str, TypedTable] = field(default_factory=dict, repr=False)
    # What the run used: faces that go on working with ``tables`` need the same.
    settings: Settings | None = field(default=None, repr=False)
    now: dt.datetime | None = None
    # Intermediate results of the steps (e.g. "sla clocks": every clock of every dispute).
    memo: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def cells_changed(self) -> int:
        return int(self.changes["cells"].sum()) if len(self.changes) else 0

    def summary(self) -> str:
        """A few lines for a terminal or a status bar."""
        lines = []
        sheets = ", ".join(f"{name} {n:,}" for name, n in self.rows.items())
        lines.append(f"Rows read: {sheets}." if sheets else "No sheet of the contract was found.")
        if self.cells_changed:
            verb = "would change" if self.dry_run else "changed"
            lines.append(f"{self.cells_changed:,} cells {verb}:")
            for r in self.changes.itertuples(index=False):
                lines.append(f"  {r.sheet} / {r.column}: {r.cells:,}")
        else:
            lines.append("Nothing to change: every computed column is up to date.")
        for name in self.steps_skipped:
            lines.append(f"Skipped {name} (see the problems).")
        if len(self.problems):
            errors = int((self.problems["severity"] == "error").sum())
            lines.append(f"{len(self.problems):,} problems ({errors:,} errors); run "
                         "`kakobuy validate` to list them.")
        return "\n".join(lines)


def read_settings(wb: WorkbookIO, env: Mapping[str, str] | None = None,
                  overrides: Mapping[str, object] | None = None) -> Settings:
    """Settings from the workbook's Settings sheet, then ``env``, then defaults."""
    sheet_values: dict[str, object] = {}
    try:
        data = wb.read_table(SETTINGS.name)
    except SheetNotFound:
        data = None
    if data is not None:
        key_h, val_h = find_header(data.headers, "Setting"), find_header(data.headers, "Value")
        if key_h and val_h:
            for k, v in zip(data.frame[key_h], data.frame[val_h]):
                if k is not None:
                    sheet_values[str(k).strip()] = v
    return resolve(sheet=sheet_values, env=env, overrides=overrides)


def load_tables(wb: WorkbookIO, settings: Settings, sheets: tuple[Sheet, ...] = TABLE_SHEETS,
                progress: Progress = no_progress) -> tuple[dict[str, TypedTable], Problems]:
    """Read and validate every contract sheet present; a missing one is a problem."""
    tables: dict[str, TypedTable] = {}
    problems = Problems()
    for i, sheet in enumerate(sheets, 1):
        progress(f"read {sheet.name}", i - 1, len(sheets))
        try:
            data = wb.read_table(sheet.name)
        except SheetNotFound as exc:
            if sheet.optional:
                continue
            problems.add(sheet.name, str(exc), f"Add a sheet named '{sheet.name}' with its "
                         "table (a new workbook from `kakobuy init` has them all).")
            continue
        typed = coerce_table(sheet, data, settings)
        problems.extend(typed.problems)
        tables[sheet.name] = typed
    progress("read", len(sheets), len(sheets))
    return tables, problems


def validate(wb: WorkbookIO, settings: Settings | None = None) -> pd.DataFrame:
    """The problems table of the whole workbook (empty when all is well)."""
    settings = settings or read_settings(wb)
    _tables, problems = load_tables(wb, settings)
    return problems.frame()


def _same(kind: str, new: pd.Series, old: pd.Series) -> pd.Series:
    """Element-wise: does the new value equal what the cell already holds?"""
    if kind in ("date", "datetime"):
        new_t = pd.to_datetime(new, errors="coerce")
        old_t = pd.to_datetime(old, errors="coerce")
        both_empty = new_t.isna() & old_t.isna()
        close = (new_t - old_t).abs() <= pd.Timedelta(seconds=1)
        return both_empty | close.fillna(False)
    if kind in ("int", "number", "money", "percent"):
        a = pd.to_numeric(new, errors="coerce").astype(float)
        b = pd.to_numeric(old, errors="coerce").astype(float)
        close = np.isclose(a.to_numpy(), b.to_numpy(), rtol=1e-9, atol=1e-9, equal_nan=True)
        return pd.Series(close, index=new.index)
    a = new.astype(object).where(new.notna(), None)
    b = old.astype(object).where(old.notna(), None)
    return pd.Series([x == y for x, y in zip(a.tolist(), b.tolist())], index=new.index)


def _cell_values(kind: str, values: pd.Series) -> pd.Series:
    """Plain Python values for the writer: None, str, float/int, datetime."""
    if kind in ("date", "datetime"):
        # Excel keeps milliseconds at best; computed clocks may carry nanoseconds.
        t = pd.to_datetime(values, errors="coerce").dt.round("s")
        return pd.Series([None if pd.isna(v) else v.to_pydatetime() for v in t],
                         index=values.index, dtype=object)
    if kind in ("int", "number", "money", "percent"):
        n = pd.to_numeric(values, errors="coerce").astype(float)
        if kind == "int":
            return pd.Series([None if np.isnan(v) else int(round(v)) for v in n],
                             index=values.index, dtype=object)
        return n.astype(object).where(n.notna(), None)
    return values.astype(object).where(values.notna(), None)


def stage_changes(wb: WorkbookIO, typed: TypedTable, computed: pd.DataFrame) -> list[dict[str, object]]:
    """Stage the cells of ``computed`` that differ from the sheet; return the counts."""
    writes: dict[str, tuple[pd.Series, str]] = {}
    counts: list[dict[str, object]] = []
    for name in computed.columns:
        col = next((c for c in typed.sheet.owned_columns if c.name == name), None)
        if col is None:
            raise WorkbookError(f"internal: {name} is not an owned column of {typed.sheet.name}")
        header = typed.header_of.get(name)
        if header is None:
            continue  # reported by validation: the column is missing
        new = computed[name].reindex(typed.frame.index)
        old = typed.frame[name]
        changed = ~_same(col.kind, new, old)
        if typed.skip_cells:
            skip = pd.Series([(r, name) in typed.skip_cells for r in new.index], index=new.index)
            changed &= ~skip
        if changed.any():
            writes[header] = (_cell_values(col.kind, new[changed]), col.kind)
            counts.append({"sheet": typed.sheet.name, "column": header,
                           "cells": int(changed.sum())})
    if writes:
        wb.write_columns(typed.data.sheet, writes)
    return counts


def refresh(wb: WorkbookIO, settings: Settings, now: dt.datetime, *, dry_run: bool = False,
            progress: Progress = no_progress, cache: ResultCache | None = None,
            steps: tuple[str, ...] | None = None, folder: Path | None = None,
            seller_key: bytes | None = None, translator: object | None = None,
            translation_cache: ResultCache | None = None) -> RefreshResult:
    """Validate, compute every owned column kakobuy can compute, and save the changes.

    ``now`` is the shop-local time used for clocks (passed in, so results are
    reproducible). With ``dry_run`` nothing is written.
    """
    tables, problems = load_tables(wb, settings, progress=progress)
    ctx = Context(tables, settings, now, cache if cache is not None else MemoryResultCache(),
                  folder=folder, problems=problems, seller_key=seller_key,
                  translator=translator, translation_cache=translation_cache)
    changes: list[dict[str, object]] = []
    skipped: list[str] = []
    chosen = [s for s in STEPS if steps is None or s.name in steps]
    for i, step in enumerate(chosen, 1):
        progress(f"compute {step.name}", i - 1, len(chosen))
        if any(ctx.frame(n) is None for n in step.needs):
            skipped.append(step.name)
            continue
        if step.when is not None and not step.when(ctx):
            continue
        try:
            computed = step.run(ctx)
        except (BackendError, ConfigError) as exc:
            problems.add(step.sheet, f"{step.name.capitalize()} failed: {exc}",
                         "Check the settings on the Settings sheet.")
            skipped.append(step.name)
            continue
        changes.extend(stage_changes(wb, tables[step.sheet], computed))
        # Later steps see this step's results.
        for name in computed.columns:
            tables[step.sheet].frame[name] = computed[name].reindex(tables[step.sheet].frame.index)
    progress("compute", len(chosen), len(chosen))
    saved = False
    if not dry_run and wb.has_changes:
        wb.save(progress)
        saved = True
    rows = {name: len(t.frame) for name, t in tables.items() if name in SHEETS}
    return RefreshResult(pd.DataFrame(changes, columns=CHANGE_COLUMNS), problems.frame(), rows,
                         dry_run, saved, skipped, tables, settings, now, ctx.memo)
