"""Repair and upgrade a workbook's shipped rows without touching the user's own.

``kakobuy init --repair`` adds what a newer kakobuy ships and the workbook lacks: default
SLA targets, Platform Rules, Settings, Workflow steps and reply templates, matched by
their key. It upgrades a shipped template only when the library has a newer Version,
the row is not the user's own (Custom = yes) and nobody edited it after the version it
came with (its Updated date is not later than the new version's). Everything else stays
exactly as typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .errors import SheetNotFound
from .io.base import WorkbookIO, find_header
from .keys import id_key
from .schema import SHEETS, Sheet
from .templates import sheet_rows, shipped_library

#: Template columns an upgrade may replace (never Template ID, Scenario, Language, Custom).
UPGRADED = ("Tone", "Subject", "Body", "Keywords", "Version", "Updated")


@dataclass
class RepairResult:
    """What a repair added and upgraded, per sheet, and what it could not do."""

    added: dict[str, int] = field(default_factory=dict)
    upgraded: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"{sheet}: {n} rows added" for sheet, n in self.added.items() if n]
        lines += [f"{sheet}: {n} shipped rows upgraded" for sheet, n in self.upgraded.items()
                  if n]
        lines += [f"{sheet}: {n} of your edited or own rows kept as they are"
                  for sheet, n in self.kept.items() if n]
        return "\n".join(lines + self.notes) or "Nothing to repair: every shipped row is there."


def _key(sheet: Sheet, row: dict[str, Any]) -> Any:
    if sheet.name == "Workflows":
        return str(row.get("Dispute Type") or "").strip().casefold()
    return id_key(pd.Series([row.get(sheet.key)])).iloc[0]


def _version(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _date(value: Any) -> pd.Timestamp | None:
    t = pd.to_datetime(value, errors="coerce")
    return None if pd.isna(t) else t


def repair(wb: WorkbookIO, library: pd.DataFrame | None = None) -> RepairResult:
    """Stage the missing shipped rows and the template upgrades (the caller saves)."""
    result = RepairResult()
    shipped = {name: list(SHEETS[name].defaults) for name in
               ("SLA", "Platform Rules", "Settings", "Workflows")}
    shipped["Templates"] = sheet_rows(library if library is not None else shipped_library())
    for name, rows in shipped.items():
        sheet = SHEETS[name]
        try:
            data = wb.read_table(name)
        except SheetNotFound:
            if not sheet.optional:
                result.notes.append(f"Sheet '{name}' is missing: add it from a new workbook "
                                    "(`kakobuy init NEW.xlsx`) and copy your data over.")
            continue
        headers = {h: find_header(data.headers, h) for h in sheet.headers}
        key_header = headers.get(sheet.key) if sheet.key else headers.get("Dispute Type")
        if key_header is None:
            result.notes.append(f"Sheet '{name}' has no '{sheet.key or 'Dispute Type'}' "
                                "column, so its rows cannot be matched; nothing added.")
            continue
        present: dict[Any, int] = {}
        for excel_row, value in zip(data.frame.index, data.frame[key_header]):
            k = _key(sheet, {sheet.key or "Dispute Type": value})
            if k is not None and k != "":
                present.setdefault(k, int(excel_row))
        new = [r for r in rows if _key(sheet, r) not in present]
        if new:
            frame = pd.DataFrame([{headers[h] or h: v for h, v in r.items()
                                   if headers.get(h)} for r in new])
            kinds = {headers[c.header]: c.kind for c in sheet.columns if headers.get(c.header)}
            wb.append_rows(data.sheet, frame, kinds)
        result.added[name] = len(new)
        if name == "Templates":
            _upgrade_templates(wb, data, headers, rows, present, result)
    return result


def _upgrade_templates(wb: WorkbookIO, data: Any, headers: dict[str, str | None],
                       rows: list[dict[str, Any]], present: dict[Any, int],
                       result: RepairResult) -> None:
    sheet = SHEETS["Templates"]
    frame = data.frame
    writes: dict[str, dict[int, Any]] = {}
    upgraded = kept = 0
    for new in rows:
        excel_row = present.get(_key(sheet, new))
        if excel_row is None:
            continue
        old = {h: frame.at[excel_row, headers[h]] if headers.get(h) else None
               for h in sheet.headers}
        if _version(new["Version"]) <= _version(old["Version"]):
            continue
        own = str(old.get("Custom") or "").strip().lower() == "yes"
        old_date, new_date = _date(old.get("Updated")), _date(new.get("Updated"))
        edited = old_date is not None and new_date is not None and old_date > new_date
        if own or edited:
            kept += 1
            continue
        for h in UPGRADED:
            if headers.get(h):
                writes.setdefault(h, {})[excel_row] = new.get(h)
        upgraded += 1
    if writes:
        wb.write_columns(data.sheet, {headers[h]: (pd.Series(values), sheet.column(h).kind)
                                      for h, values in writes.items()})
    result.upgraded["Templates"] = upgraded
    result.kept["Templates"] = kept
