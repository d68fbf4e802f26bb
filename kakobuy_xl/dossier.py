"""The dispute dossier: everything about one dispute, for a platform or a mediator.

:func:`build_dossier` writes two files with the same data:

- ``dossier-<id>.html``: one self-contained page (inline CSS, no scripts, no external
  assets, a Content-Security-Policy that forbids scripts anyway). Every value from the
  workbook is HTML-escaped: a customer message never becomes markup.
- ``dossier-<id>.json``: the same data for tools (format ``kakobuy-dossier/1``).

Two files rather than a zip because a mediator opens an HTML page directly, and
the JSON is for the seller's own records or a platform's upload form.

Contents: the dispute (with its order and customer), the timeline of messages
sorted by time (direction, channel, original text and its translation), the
evidence with file digests and record hashes, and the verification result of the
hash chain (see :mod:`kakobuy_xl.integrity`) for exactly these rows, plus counts
of findings elsewhere on the sheets (not their details: other customers' records
do not belong in this dossier). Customer contact details are left out.

Output is deterministic: the same tables give the same bytes (the generation time
appears only when ``now`` is passed).
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import json
import math
import re
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .errors import ConfigError, SheetNotFound
from .integrity import CHAINED_SHEETS, FINDING_COLUMNS, FINDINGS, chain_head, verify_tables
from .keys import id_key

FORMAT = "kakobuy-dossier/1"

# (key, label) of the dispute header; values come from the Disputes sheet unless noted.
_DISPUTE_FIELDS = (
    ("dispute_id", "Dispute"), ("platform", "Platform"), ("platform_case_id", "Platform case"),
    ("order_id", "Order"), ("customer_id", "Customer"), ("type", "Type"), ("grade", "Grade"),
    ("status", "Status"), ("opened_at", "Opened"), ("case_due", "Case due"),
    ("first_response_at", "First response"), ("resolved_at", "Resolved"),
    ("description", "Description"), ("resolution", "Resolution"),
    ("resolution_amount", "Resolution amount"),
    ("recommended_resolution", "Recommended resolution"),
)
_ORDER_FIELDS = (
    ("order_id", "Order"), ("platform", "Platform"), ("order_date", "Ordered"),
    ("product", "Product"), ("sku", "SKU"), ("qty", "Qty"), ("order_value", "Order value"),
    ("currency", "Currency"), ("carrier", "Carrier"), ("tracking_no", "Tracking number"),
    ("ship_date", "Shipped"), ("expected_delivery", "Expected delivery"),
    ("delivered_date", "Delivered"), ("destination_country", "Destination"),
    ("status", "Status"),
)
_CUSTOMER_FIELDS = (
    ("customer_id", "Customer"), ("name", "Name"), ("country", "Country"),
    ("preferred_language", "Language"), ("channel", "Channel"),
)
_MESSAGE_FIELDS = (
    "interaction_id", "timestamp", "direction", "channel", "handler", "status", "language",
    "message", "translation", "record_hash",
)
_EVIDENCE_FIELDS = (
    "evidence_id", "kind", "file_or_link", "description", "added_at", "added_by", "sha_256",
    "size", "exists", "verified", "record_hash",
)
_TAMPERING = ("edited", "deleted", "inserted", "reordered")


def build_dossier(dispute_id: str, tables: Mapping[str, pd.DataFrame], out: Path, *,
                  findings: pd.DataFrame | None = None,
                  now: dt.datetime | None = None) -> Path:
    """Write the dossier of ``dispute_id``; return the path of its HTML file.

    ``tables``: typed frames by sheet name (Disputes; Interactions, Evidence, Orders
    and Customers when there). ``out``: a folder (created when missing) that receives
    ``dossier-<id>.html`` and ``.json``, or the ``.html`` path itself (the JSON goes
    next to it). ``findings``: the result of :func:`kakobuy_xl.integrity.verify_tables`
    with the seller key; when None the chain is checked here without a key (keyed
    records then show as not verifiable). ``now``: printed as the generation time.

    Raises :class:`ConfigError` when the dispute is not on the Disputes sheet, and
    :class:`SheetNotFound` when there is no Disputes sheet.
    """
    data = dossier_data(dispute_id, tables, findings=findings, now=now)
    html_path, json_path = _paths(Path(out), data["dispute"]["dispute_id"] or dispute_id)
    try:
        html_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_bytes(
            (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        html_path.write_bytes(render_html(data).encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"Cannot write the dossier to '{html_path.parent}': "
                          f"{exc.strerror or exc}. Choose another folder.") from exc
    return html_path


def _paths(out: Path, dispute_id: str) -> tuple[Path, Path]:
    if out.suffix.lower() in (".html", ".htm"):
        return out, out.with_suffix(".json")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", dispute_id.strip()).strip("._") or "dispute"
    return out / f"dossier-{safe}.html", out / f"dossier-{safe}.json"


# ------------------------------------------------------------------ data
def dossier_data(dispute_id: str, tables: Mapping[str, pd.DataFrame], *,
                 findings: pd.DataFrame | None = None,
                 now: dt.datetime | None = None) -> dict[str, Any]:
    """The dossier as plain JSON-ready data (what both files show)."""
    disputes = _table(tables, "Disputes")
    if disputes is None:
        raise SheetNotFound("There is no Disputes sheet, so no dispute can be exported. "
                            "Add the sheet (a new workbook from `kakobuy init` has it).")
    row = _find_dispute(disputes, dispute_id)
    d = _record(disputes, row)
    dispute: dict[str, Any] = {k: d.get(k) for k, _ in _DISPUTE_FIELDS}
    # The effective type and grade: the user's value wins over the computed one.
    for name in ("type", "grade"):
        auto = d.get(f"{name}_auto")
        dispute[f"{name}_source"] = "user" if dispute[name] else ("auto" if auto else None)
        dispute[name] = dispute[name] or auto
    dispute["excel_row"] = _plain(row)

    orders, customers = _table(tables, "Orders"), _table(tables, "Customers")
    order = _linked(orders, "order_id", dispute["order_id"], _ORDER_FIELDS)
    customer = _linked(customers, "customer_id", dispute["customer_id"], _CUSTOMER_FIELDS)
    if order and order.get("currency"):
        dispute["currency"] = order["currency"]

    messages = _messages(_table(tables, "Interactions"), dispute)
    evidence = _evidence(_table(tables, "Evidence"), dispute["dispute_id"])
    if findings is None:
        findings = verify_tables({n: f for n in CHAINED_SHEETS
                                  if (f := _table(tables, n)) is not None})
    verification = _verification(findings, tables, messages, evidence)
    return {
        "format": FORMAT,
        "generated_at": _plain(now) if now is not None else None,
        "dispute": dispute,
        "order": order,
        "customer": customer,
        "messages": messages,
        "evidence": evidence,
        "verification": verification,
    }


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame | None:
    return next((f for n, f in tables.items() if n.casefold() == name.casefold()), None)


def _find_dispute(disputes: pd.DataFrame, dispute_id: str) -> Any:
    keys = id_key(disputes["dispute_id"]) if "dispute_id" in disputes else \
        pd.Series(dtype=object)
    wanted = dispute_id.strip().casefold() if isinstance(dispute_id, str) else None
    hits = keys[keys == wanted].index if wanted else []
    if len(hits):
        return hits[0]  # a duplicated ID is reported by validation; the first row is used
    known = [str(v).strip() for v in disputes.get("dispute_id", pd.Series(dtype=object))
             if isinstance(v, str) and v.strip()]
    close = difflib.get_close_matches(str(dispute_id).strip(), known, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    shown = ", ".join(known[:5]) + (f" and {len(known) - 5:,} more" if len(known) > 5 else "")
    found = f"found {len(known):,}: {shown}" if known else "the sheet has none"
    raise ConfigError(f"Dispute '{dispute_id}' is not on the Disputes sheet ({found}).{hint} "
                      "Check the Dispute ID.")


def _plain(value: Any) -> Any:
    """A JSON-ready value: None for empty, ISO text for times, int for whole numbers."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (dt.datetime, np.datetime64)):
        t = pd.Timestamp(value)
        return None if pd.isna(t) else t.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isnan(v) or math.isinf(v):
            return None
        return int(v) if v.is_integer() and abs(v) < 2**53 else v
    if isinstance(value, str):
        return value if value != "" else None
    return None if pd.isna(value) else str(value)


def _record(frame: pd.DataFrame, row: Any) -> dict[str, Any]:
    return {c: _plain(v) for c, v in frame.loc[row].items()} if row in frame.index else {}


def _linked(frame: pd.DataFrame | None, key: str, value: Any,
            fields: tuple[tuple[str, str], ...]) -> dict[str, Any] | None:
    if frame is None or not value or key not in frame:
        return None
    keys = id_key(frame[key])
    hits = keys[keys == str(value).strip().casefold()].index
    if not len(hits):
        return None
    rec = _record(frame, hits[0])
    return {k: rec.get(k) for k, _ in fields}


def _messages(inter: pd.DataFrame | None, dispute: dict[str, Any]) -> list[dict[str, Any]]:
    """Messages of the dispute, and messages about its order not tied to another dispute."""
    if inter is None or not len(inter):
        return []
    did = id_key(inter["dispute_id"]) if "dispute_id" in inter else \
        pd.Series(None, index=inter.index, dtype=object)
    oid = id_key(inter["order_id"]) if "order_id" in inter else \
        pd.Series(None, index=inter.index, dtype=object)
    want_d = (dispute["dispute_id"] or "").strip().casefold()
    want_o = (dispute["order_id"] or "").strip().casefold() or None
    mine = (did == want_d) | (did.isna() & (oid == want_o) & (want_o is not None))
    rows = []
    for row in inter.index[mine.to_numpy(dtype=bool)]:
        rec = _record(inter, row)
        item = {k: rec.get(k) for k in _MESSAGE_FIELDS}
        item["excel_row"] = _plain(row)
        item["linked_by"] = "dispute" if did[row] == want_d else "order"
        rows.append(item)
    # Untimed messages last; the sheet row keeps ties in a stable order.
    rows.sort(key=lambda m: (m["timestamp"] is None, m["timestamp"] or "", m["excel_row"]))
    return rows


def _evidence(frame: pd.DataFrame | None, dispute_id: Any) -> list[dict[str, Any]]:
    if frame is None or not len(frame) or "dispute_id" not in frame:
        return []
    keys = id_key(frame["dispute_id"])
    rows = []
    for row in keys[keys == str(dispute_id).strip().casefold()].index:
        rec = _record(frame, row)
        item = {k: rec.get(k) for k in _EVIDENCE_FIELDS}
        item["excel_row"] = _plain(row)
        rows.append(item)
    rows.sort(key=lambda e: (e["added_at"] is None, e["added_at"] or "", e["excel_row"]))
    return rows


def _verification(findings: pd.DataFrame, tables: Mapping[str, pd.DataFrame],
                  messages: list[dict[str, Any]],
                  evidence: list[dict[str, Any]]) -> dict[str, Any]:
    mine_rows = {("Interactions", m["excel_row"]) for m in messages} | \
        {("Evidence", e["excel_row"]) for e in evidence}
    records = [{c: _plain(r[c]) for c in FINDING_COLUMNS}
               for r in findings[FINDING_COLUMNS].to_dict("records")] if len(findings) else []
    used_sheets = {s for s, _ in mine_rows}
    mine, sheet_wide, elsewhere = [], [], {}
    for f in records:
        if f["finding"] == "wrong_key" and f["sheet"] in used_sheets:
            sheet_wide.append(f)
        elif (f["sheet"], f["excel_row"]) in mine_rows:
            mine.append(f)
        else:
            elsewhere[f["finding"]] = elsewhere.get(f["finding"], 0) + 1
    # Each row's own state, shown next to it in the timeline and the evidence list.
    by_row: dict[tuple[str, Any], list[str]] = {}
    for f in mine:
        by_row.setdefault((f["sheet"], f["excel_row"]), []).append(f["finding"])
    for sheet, items in (("Interactions", messages), ("Evidence", evidence)):
        for item in items:
            states = by_row.get((sheet, item["excel_row"]))
            item["integrity"] = ", ".join(states) if states else (
                "not verified" if sheet_wide and item["record_hash"] else
                "sealed" if item["record_hash"] else "not sealed")
    kinds = {f["finding"] for f in mine}
    if kinds & set(_TAMPERING):
        status = "tampered"
        text = "Records of this dispute were changed, deleted, inserted or moved after " \
               "they were sealed (see the findings)."
    elif sheet_wide:
        status = "not verified"
        text = "The records were sealed with the seller's key; they were checked without it."
    elif "unsealed" in kinds:
        status = "partly sealed"
        text = "Every sealed record is intact; some records were not sealed yet."
    else:
        status = "intact"
        text = "Every record of this dispute is exactly as it was sealed."
    heads = {}
    for sheet in CHAINED_SHEETS:
        frame = _table(tables, sheet)
        heads[sheet] = chain_head(frame, sheet) if frame is not None else None
    return {
        "status": status,
        "summary": text,
        "findings": sheet_wide + mine,
        "elsewhere": {k: elsewhere[k] for k in FINDINGS if k in elsewhere},
        "chain_heads": heads,
    }


# ------------------------------------------------------------------ HTML
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:62rem;color:#1d2330;line-height:1.45;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;
border-bottom:2px solid #d6dae3;padding-bottom:.2rem}
.muted{color:#5b6475;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #e3e6ec}
th{background:#f3f5f8;font-weight:600}
table.kv th{width:13rem;background:none;color:#5b6475;font-weight:500}
.msg{white-space:pre-wrap;overflow-wrap:anywhere}
tr.in td.who{color:#0b5cad}tr.out td.who{color:#1b7f3b}
code{font-family:ui-monospace,Consolas,monospace;font-size:.8rem;overflow-wrap:anywhere}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:.6rem;font-size:.85rem;
font-weight:600}
.ok{background:#e3f4e8;color:#17672f}.bad{background:#fde4e2;color:#a3231a}
.warn{background:#fff2d6;color:#7a5400}
@media print{body{margin:0;max-width:none}}
"""
_STATUS_CLASS = {"intact": "ok", "tampered": "bad", "not verified": "warn",
                 "partly sealed": "warn", "sealed": "ok", "not sealed": "warn"}
_DIRECTION = {"in": ("in", "Customer"), "out": ("out", "Shop")}


def _e(value: Any) -> str:
    """Escaped text of a value; empty cells show as nothing."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = f"{value:,.2f}"
    return html.escape(str(value), quote=True)


def _when(value: Any) -> str:
    return _e(value.replace("T", " ")[:16] if isinstance(value, str) and
              re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", value) else value)


def _money(value: Any) -> str:
    return _e(f"{value:,.2f}" if isinstance(value, (int, float)) else value)


def _kv(rows: list[tuple[str, Any]]) -> str:
    body = "".join(f"<tr><th>{_e(k)}</th><td class=\"msg\">{v}</td></tr>"
                   for k, v in rows if v not in ("", None))
    return f"<table class=\"kv\">{body}</table>"


def _badge(text: str) -> str:
    cls = _STATUS_CLASS.get(text, "bad")
    return f"<span class=\"badge {cls}\">{_e(text)}</span>"


def render_html(data: dict[str, Any]) -> str:
    """The dossier page: one HTML document, every workbook value escaped."""
    d = data["dispute"]
    out: list[str] = []
    add = out.append
    title = f"Dispute {d['dispute_id']} \u2014 dossier"
    add("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
    # No script may run, whatever a message contains; styles are inline only.
    add("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">")
    add("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
    add(f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>")
    add(f"<h1>{_e(title)}</h1>")
    gen = f" Generated {_when(data['generated_at'])}." if data["generated_at"] else ""
    add(f"<p class=\"muted\">Exported by kakobuy ({FORMAT}).{gen} "
        f"Messages, evidence and their record hashes as kept in the seller's workbook.</p>")

    v = data["verification"]
    add(f"<p>Verification: {_badge(v['status'])} {_e(v['summary'])}</p>")

    add("<h2>Dispute</h2>")
    labels = dict(_DISPUTE_FIELDS)
    rows = []
    for key, label in _DISPUTE_FIELDS:
        value = d.get(key)
        if key in ("type", "grade") and value and d.get(f"{key}_source") == "auto":
            rows.append((label, _e(value) + " <span class=\"muted\">(automatic)</span>"))
        elif key == "resolution_amount" and value is not None:
            rows.append((label, _money(value)
                         + (" " + _e(d["currency"]) if d.get("currency") else "")))
        elif key in ("opened_at", "case_due", "first_response_at", "resolved_at"):
            rows.append((labels[key], _when(value)))
        else:
            rows.append((label, _e(value)))
    add(_kv(rows))
    for heading, record, fields in (("Order", data["order"], _ORDER_FIELDS),
                                    ("Customer", data["customer"], _CUSTOMER_FIELDS)):
        if record:
            add(f"<h2>{heading}</h2>")
            add(_kv([(label, _money(record.get(key)) if key == "order_value"
                      else _when(record.get(key))) for key, label in fields]))

    messages = data["messages"]
    add(f"<h2>Messages ({len(messages)})</h2>")
    if messages:
        translated = any(m.get("translation") for m in messages)
        head = ["When", "From", "Channel", "Message"] + (["Translation"] if translated else []) \
            + ["Record"]
        add("<table><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>")
        for m in messages:
            cls, who = _DIRECTION.get(m.get("direction") or "", ("", "\u2014"))
            if m.get("direction") == "out" and m.get("status") == "draft":
                who += " (draft)"
            cells = [_when(m["timestamp"]), _e(who), _e(m.get("channel")),
                     _e(m.get("message"))]
            if translated:
                cells.append(_e(m.get("translation")))
            cells.append(_record_cell(m))
            classes = ["", "who", "", "msg"] + (["msg"] if translated else []) + [""]
            add(f"<tr class=\"{cls}\">" + "".join(
                f"<td class=\"{c}\">{x}</td>" if c else f"<td>{x}</td>"
                for c, x in zip(classes, cells)) + "</tr>")
        add("</table>")
    else:
        add("<p class=\"muted\">No messages are recorded for this dispute.</p>")

    evidence = data["evidence"]
    add(f"<h2>Evidence ({len(evidence)})</h2>")
    if evidence:
        add("<table><tr><th>Evidence</th><th>Kind</th><th>File or link</th>"
            "<th>Added</th><th>File SHA-256</th><th>Size</th><th>Exists</th>"
            "<th>Verified</th><th>Record</th></tr>")
        for ev in evidence:
            desc = f"<br><span class=\"muted\">{_e(ev['description'])}</span>" \
                if ev.get("description") else ""
            by = f"<br><span class=\"muted\">{_e(ev['added_by'])}</span>" \
                if ev.get("added_by") else ""
            size = f"{ev['size']:,} bytes" if isinstance(ev.get("size"), int) else ev.get("size")
            add(f"<tr><td>{_e(ev['evidence_id'])}{desc}</td><td>{_e(ev.get('kind'))}</td>"
                f"<td class=\"msg\">{_e(ev.get('file_or_link'))}</td>"
                f"<td>{_when(ev.get('added_at'))}{by}</td>"
                f"<td><code>{_e(ev.get('sha_256'))}</code></td><td>{_e(size)}</td>"
                f"<td>{_e(ev.get('exists'))}</td><td>{_e(ev.get('verified'))}</td>"
                f"<td>{_record_cell(ev)}</td></tr>")
        add("</table>")
    else:
        add("<p class=\"muted\">No evidence is recorded for this dispute.</p>")

    add("<h2>Verification</h2>")
    add(f"<p>{_badge(v['status'])} {_e(v['summary'])}</p>")
    if v["findings"]:
        add("<table><tr><th>Sheet</th><th>Row</th><th>Finding</th><th>Detail</th></tr>")
        for f in v["findings"]:
            add(f"<tr><td>{_e(f['sheet'])}</td><td>{_e(f['excel_row'])}</td>"
                f"<td>{_e(f['finding'])}</td><td>{_e(f['detail'])}</td></tr>")
        add("</table>")
    if v["elsewhere"]:
        counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in v["elsewhere"].items())
        add(f"<p class=\"muted\">Elsewhere on the sheets (other disputes and customers): "
            f"{_e(counts)}.</p>")
    add("<p class=\"muted\">Each record hash covers the record's content and the hash of the "
        "record sealed before it, so a record changed, removed, inserted or moved after "
        "sealing no longer fits the chain. Last record of each chain at export:</p><ul>")
    for sheet, head in v["chain_heads"].items():
        add(f"<li>{_e(sheet)}: <code>{_e(head) or 'no sealed records'}</code></li>")
    add("</ul></body></html>\n")
    return "\n".join(out)


def _record_cell(item: dict[str, Any]) -> str:
    state = item.get("integrity") or ""
    h = f"<br><code>{_e(item['record_hash'])}</code>" if item.get("record_hash") else ""
    return f"{_badge(state)}{h}" if state else h


__all__ = ["FORMAT", "build_dossier", "dossier_data", "render_html"]
