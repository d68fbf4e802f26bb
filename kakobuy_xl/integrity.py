"""Tamper-evident service records: a hash chain over the Interactions and Evidence sheets.

Proof without a blockchain. Every record carries, in its owned ``Record Hash`` cell, a
short digest of its own content *and* of the record sealed before it, so edited,
deleted, inserted and reordered rows show up when the chain is checked again.

**Record Hash format** ``v1:<seq>:<link>:<digest>`` (``v1h:`` when sealed with the
seller key), e.g. ``v1:42:9c1e07aa:5d0b6f0e1c2a9b8d7e6f5a4b``:

- ``seq``: the record's position in the chain (1, 2, 3 ...). A gap means records
  were deleted; a seq that comes earlier than the one above it means rows were moved.
- ``link``: the first 8 hex digits of the previous record's digest (``00000000`` for
  the first). Kept in the cell so a record can still be checked when the one before
  it was deleted.
- ``digest``: 24 hex digits (96 bits) of SHA-256, or of HMAC-SHA256 with the seller
  key, over ``format, sheet, seq, link, content``. Without the key nobody can forge a
  ``v1h`` digest; a plain ``v1`` chain only shows accidental or naive edits, since
  anyone can recompute SHA-256.

**Content** of a record: the *user* columns of the sheet as they stood in version 1
of the contract (:data:`COVERED`), in that order, as a JSON array of
``[header, value]`` pairs: text exactly as typed (no stripping: every edit must
show), numbers in a canonical form (``12`` not ``12.0``), dates and times as ISO
text to the second, empty cells as ``null``. Owned columns (sentiment, intent,
translation ...) are recomputed by refresh and are not covered. Values are the
*typed* values kakobuy reads (what refresh steps receive), so a choice typed as
``whatsapp`` is the same record as ``WhatsApp``, and a cell validation treats as
empty counts as empty.

**Evidence** records also cover the file's ``SHA-256`` (owned) as it was when the
row was sealed, so replacing the photo behind a sealed row shows as an edit once
refresh recomputes its digest. A row sealed before its file's digest was known
(the file was missing, or the digest step had not run) verifies with the digest
left out: the row is proven, the file is not.

**Sealing** keeps every existing hash as it is (re-sealing an edited row would
hide the edit) and seals the rows *after the last sealed row*, in sheet order,
continuing the chain. Rows typed *between* sealed rows are never sealed: they
stay as "inserted" findings until they are moved to the bottom of the table or
removed. Blank rows are skipped.

Limits: deleting the last records of a chain leaves no gap; keep the chain head
(:func:`chain_head`, also printed in every dispute dossier) somewhere else to
prove the length of the chain at a given time.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import hmac
import json
import math
import re
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .errors import ConfigError
from .schema import SHEETS, snake
from .validation import PROBLEM_COLUMNS

FINDING_COLUMNS = ["sheet", "excel_row", "record_id", "finding", "detail"]
FINDINGS = ("wrong_key", "edited", "deleted", "inserted", "reordered", "unsealed")

# What a v1 record covers, frozen: a column added to the schema later must not
# silently change what old hashes mean (it needs a "v2"). A test compares these
# with the schema's user columns so such a change is a deliberate one.
FILE_DIGEST = "SHA-256"
COVERED: dict[str, tuple[str, ...]] = {
    "Interactions": ("Interaction ID", "Timestamp", "Customer ID", "Channel", "Direction",
                     "Handler", "Order ID", "Dispute ID", "Message", "Status"),
    "Evidence": ("Evidence ID", "Dispute ID", "Kind", "File or Link", "Description",
                 "Added At", "Added By", FILE_DIGEST),
}
CHAINED_SHEETS = tuple(COVERED)

GENESIS = "0" * 8
_quote = json.encoder.encode_basestring_ascii  # json.dumps of one str, without its overhead
_HASH = re.compile(r"v1(h?):([1-9][0-9]{0,9}):([0-9a-f]{8}):([0-9a-f]{24})")
_FIXES = {
    "wrong_key": "Verify with the seller key that sealed these records "
                 "(KAKOBUY_SELLER_KEY or the OS keyring).",
    "edited": "Restore the row from a backup of the workbook; to correct a record, add a "
              "new row instead of editing a sealed one.",
    "deleted": "Restore the deleted rows from a backup of the workbook.",
    "inserted": "Move the row to the bottom of the table (new records go last) or delete it.",
    "reordered": "Undo the sort or move the row back to its place; sealed rows keep their order.",
    "unsealed": "Run refresh to seal the new rows.",
}


# ------------------------------------------------------------------ content
def _fragment(value: Any) -> str:
    """One cell as canonical JSON text (object columns; typed columns are vectorised)."""
    if value is None or value is pd.NaT:
        return "null"
    if isinstance(value, str):
        return _quote(value) if value != "" else "null"
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isnan(v):
            return "null"
        if math.isinf(v):
            return json.dumps("inf" if v > 0 else "-inf")
        return str(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v)
    if isinstance(value, dt.datetime):
        return _iso(pd.Series([value]))[0]
    if isinstance(value, dt.date):
        # A date is midnight of that day: the same record as the typed datetime value.
        return _iso(pd.Series([dt.datetime(value.year, value.month, value.day)]))[0]
    if isinstance(value, dt.time):
        return json.dumps(value.replace(microsecond=0).isoformat())
    if pd.isna(value):
        return "null"
    return json.dumps(str(value))


def _iso(values: pd.Series) -> list[str]:
    """Datetimes as quoted ISO text to the second; rounded, not truncated, because Excel
    stores times as fractions of a day and 10:00 may come back as 09:59:59.9999."""
    t = pd.to_datetime(values, errors="coerce")
    suffix = ""
    if getattr(t.dt, "tz", None) is not None:
        t, suffix = t.dt.tz_convert("UTC").dt.tz_localize(None), "Z"
    text = t.dt.round("s").dt.strftime("%Y-%m-%dT%H:%M:%S")
    return [f'"{s}{suffix}"' if isinstance(s, str) else "null" for s in text.tolist()]


def _column(frame: pd.DataFrame, header: str) -> pd.Series | None:
    for name in (snake(header), header):
        if name in frame.columns:
            col = frame[name]
            return col.iloc[:, 0] if isinstance(col, pd.DataFrame) else col
    return None


def _fragments(frame: pd.DataFrame, header: str) -> list[str]:
    col = _column(frame, header)
    if col is None:
        return ["null"] * len(frame)  # a missing column reads as empty, as in validation
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return _iso(col)
    values = col.tolist()
    if all(v is None or type(v) is str for v in values):  # typed text columns: fast path
        return ["null" if not v else _quote(v) for v in values]
    return [_fragment(v) for v in values]


def record_contents(frame: pd.DataFrame, sheet_name: str, *,
                    with_file_digest: bool = True) -> list[str]:
    """The canonical content of each row (JSON text), in frame order.

    >>> f = pd.DataFrame({"interaction_id": ["I1"], "message": ["hi "]}, index=[2])
    >>> record_contents(f, "Interactions")[0][:44]
    '[["Interaction ID","I1"],["Timestamp",null],'
    """
    headers = _covered(sheet_name)
    columns = []
    for header in headers:
        cells = _fragments(frame, header)
        if header == FILE_DIGEST and not with_file_digest:
            cells = ["null"] * len(frame)
        prefix = "[" + json.dumps(header) + ","
        columns.append([prefix + c + "]" for c in cells])
    return ["[" + ",".join(parts) + "]" for parts in zip(*columns)] if len(frame) else []


def _covered(sheet_name: str) -> tuple[str, ...]:
    for name, headers in COVERED.items():
        if name.casefold() == sheet_name.casefold():
            return headers
    raise ConfigError(f"Sheet '{sheet_name}' has no record hashes; only "
                      f"{' and '.join(CHAINED_SHEETS)} are sealed.")


def _sheet(sheet_name: str) -> str:
    _covered(sheet_name)
    return next(n for n in CHAINED_SHEETS if n.casefold() == sheet_name.casefold())


def _digest(key: bytes | None, sheet: str, seq: int, link: str, content: str) -> str:
    mode = "v1h" if key else "v1"
    message = f"kakobuy-record\n{mode}\n{sheet}\n{seq}\n{link}\n{content}".encode("utf-8")
    if key:
        return hmac.new(key, message, hashlib.sha256).hexdigest()[:24]
    return hashlib.sha256(message).hexdigest()[:24]


# ------------------------------------------------------------------ parsing
@dataclass
class _Row:
    pos: int
    excel_row: Any
    record_id: Any
    text: str | None            # the Record Hash cell, stripped; None when empty
    keyed: bool = False
    seq: int = 0
    link: str = ""
    digest: str = ""
    content: str = ""
    content_bare: str = ""      # Evidence without the file digest
    blank: bool = False

    @property
    def parsed(self) -> bool:
        return bool(self.digest)

    @property
    def label(self) -> str:
        rid = self.record_id
        return f"Row {self.excel_row} ({rid})" if rid else f"Row {self.excel_row}"


def _rows(frame: pd.DataFrame, sheet: str) -> list[_Row]:
    hashes = _column(frame, "Record Hash")
    texts = [None] * len(frame) if hashes is None else hashes.tolist()
    key_col = _column(frame, SHEETS[sheet].key or "")
    ids = [None] * len(frame) if key_col is None else key_col.tolist()
    contents = record_contents(frame, sheet)
    bare = record_contents(frame, sheet, with_file_digest=False) \
        if FILE_DIGEST in COVERED[sheet] else contents
    blank = "[" + ",".join("[" + json.dumps(h) + ",null]" for h in COVERED[sheet]) + "]"
    rows = []
    for pos, (excel_row, rid, text, content, content_bare) in enumerate(
            zip(frame.index.tolist(), ids, texts, contents, bare)):
        text = text.strip() if isinstance(text, str) else None
        row = _Row(pos, excel_row, rid.strip() if isinstance(rid, str) and rid.strip() else None,
                   text or None, content=content, content_bare=content_bare,
                   blank=content == blank)
        m = _HASH.fullmatch(row.text) if row.text else None
        if m:
            row.keyed, row.seq, row.link, row.digest = bool(m[1]), int(m[2]), m[3], m[4]
        rows.append(row)
    return rows


def _check(row: _Row, key: bytes | None, sheet: str) -> bool:
    """Does the row's content give its stored digest? Evidence rows are also tried
    without the file digest (sealed before it was known)."""
    return row.digest in _next_digest(row, key, sheet, row.seq, row.link)


def _next_digest(row: _Row, key: bytes | None, sheet: str, seq: int, link: str) -> list[str]:
    return [_digest(key, sheet, seq, link, c)
            for c in dict.fromkeys((row.content, row.content_bare))]


# ------------------------------------------------------------------ seal
def seal(frame: pd.DataFrame, sheet_name: str, key: bytes | None = None) -> pd.Series:
    """The ``record_hash`` column after sealing the new rows of ``frame``.

    Existing hashes are kept exactly; unsealed, non-blank rows after the last sealed
    row are sealed in sheet order, continuing the chain. ``key`` (the seller key)
    makes new hashes HMACs (``v1h:``); an empty key means no key.

    Raises :class:`ConfigError` when there are rows to seal and the chain was sealed
    with a seller key that is not given, or is not the one given.

    >>> f = pd.DataFrame({"interaction_id": ["I1", "I2"], "message": ["hi", "yo"]}, index=[2, 3])
    >>> [h.split(":")[:2] for h in seal(f, "Interactions")]
    [['v1', '1'], ['v1', '2']]
    """
    sheet = _sheet(sheet_name)
    key = key or None
    existing = frame.get("record_hash")
    if existing is not None and len(frame) and all(
            isinstance(v, str) and v.strip() for v in existing.tolist()):
        # Every row is sealed already (the usual refresh): nothing to serialise or hash.
        return pd.Series(existing.tolist(), index=frame.index, name="record_hash",
                         dtype=object)
    rows = _rows(frame, sheet)
    values = [r.text for r in rows]
    last_marked = max((r.pos for r in rows if r.text), default=-1)
    new = [r for r in rows[last_marked + 1:] if not r.blank]
    if new:
        _seal_rows(rows, new, values, key, sheet)
    return pd.Series(values, index=frame.index, name="record_hash", dtype=object)


def _seal_rows(rows: list[_Row], new: list[_Row], values: list[str | None],
               key: bytes | None, sheet: str) -> None:
    chain = [r for r in rows if r.parsed]
    keyed = [r for r in chain if r.keyed]
    if keyed:
        _check_key(keyed, key, sheet)
    tip = max(chain, key=lambda r: (r.seq, -r.pos), default=None)
    seq, link = (tip.seq, tip.digest[:8]) if tip else (0, GENESIS)
    prefix = "v1h" if key else "v1"
    for r in new:
        seq += 1
        digest = _digest(key, sheet, seq, link, r.content)
        values[r.pos] = f"{prefix}:{seq}:{link}:{digest}"
        link = digest[:8]


def _check_key(keyed: list[_Row], key: bytes | None, sheet: str) -> None:
    if key is None:
        raise ConfigError(
            f"The records on sheet '{sheet}' were sealed with a seller key, and no key was "
            f"given, so new rows cannot be sealed. Set the seller key (KAKOBUY_SELLER_KEY or "
            f"the OS keyring) on this computer and refresh again.")
    # The newest keyed record is almost always intact: try it first.
    for r in sorted(keyed, key=lambda r: -r.seq):
        if _check(r, key, sheet):
            return
    raise ConfigError(
        f"The seller key given is not the one that sealed the records on sheet '{sheet}' "
        f"(none of its {len(keyed):,} keyed records matches it). Set the original seller key "
        f"and refresh again.")


def chain_head(frame: pd.DataFrame, sheet_name: str) -> str | None:
    """The Record Hash of the last record of the chain (highest seq), or None.

    Note it down or send it to someone: a later chain that no longer contains it was
    cut short.
    """
    rows = [r for r in _rows(frame, _sheet(sheet_name)) if r.parsed]
    tip = max(rows, key=lambda r: (r.seq, -r.pos), default=None)
    return tip.text if tip else None


# ------------------------------------------------------------------ verify
def verify(frame: pd.DataFrame, sheet_name: str, key: bytes | None = None) -> pd.DataFrame:
    """Findings about the chain of ``frame`` (empty when every sealed record is intact).

    Columns :data:`FINDING_COLUMNS`; ``finding`` is one of :data:`FINDINGS`, ``detail``
    a sentence for the user. Deleting rows gives one ``deleted`` finding per gap, at
    the row after it; a moved row is ``reordered``; an unsealed row between sealed
    rows is ``inserted``; an unsealed row after them is ``unsealed`` (refresh seals it).

    >>> f = pd.DataFrame({"interaction_id": ["I1"], "message": ["hi"]}, index=[2])
    >>> f["record_hash"] = seal(f, "Interactions")
    >>> f.loc[2, "message"] = "hi!"
    >>> verify(f, "Interactions")["finding"].tolist()
    ['edited']
    """
    sheet = _sheet(sheet_name)
    key = key or None
    rows = _rows(frame, sheet)
    found: list[tuple[int, int, dict[str, Any]]] = []

    def add(row: _Row | None, finding: str, detail: str, at: _Row | None = None) -> None:
        where = at or row
        assert where is not None
        found.append((where.pos, FINDINGS.index(finding), {
            "sheet": sheet, "excel_row": where.excel_row,
            "record_id": row.record_id if row is not None else None,
            "finding": finding, "detail": detail}))

    sealed = [r for r in rows if r.parsed]
    # 1. Which sealed rows can be checked, and does their content match?
    ok: dict[int, bool | None] = {}
    keyed = [r for r in sealed if r.keyed]
    key_works = bool(keyed) and key is not None and any(_check(r, key, sheet) for r in keyed)
    if keyed and not key_works:
        first = min(keyed, key=lambda r: r.pos)
        if key is None:
            add(None, "wrong_key", f"{len(keyed):,} records on sheet '{sheet}' were sealed with "
                "a seller key; without it they cannot be checked.", at=first)
        else:
            add(None, "wrong_key", f"{len(keyed):,} records on sheet '{sheet}' were sealed with "
                "a different seller key than the one given (or every one of them was "
                "changed); they cannot be checked.", at=first)
    first_keyed_seq = min((r.seq for r in keyed), default=None)
    resealed: set[int] = set()
    for r in sealed:
        if r.keyed:
            ok[r.pos] = _check(r, key, sheet) if key_works else None
        elif key_works and first_keyed_seq is not None and r.seq > first_keyed_seq:
            ok[r.pos] = False  # sealed again without the key: what a forger would do
            resealed.add(r.pos)
        else:
            ok[r.pos] = _check(r, None, sheet)

    # 2. Copies: the same seq twice. The first intact one is the record; others were pasted.
    members: dict[int, _Row] = {}
    for r in sealed:
        have = members.get(r.seq)
        if have is None or (ok[have.pos] is False and ok[r.pos] is not False):
            members[r.seq] = r
    for r in sealed:
        have = members[r.seq]
        if have is not r:
            changed = " (and changed since)" if ok[r.pos] is False else ""
            add(r, "inserted", f"{r.label} carries the Record Hash of record {r.seq} of the "
                f"chain, which is on row {have.excel_row}: it was copied in{changed}.")
        elif r.pos in resealed:
            add(r, "edited", f"{r.label} was sealed again without the seller key after "
                "keyed records: its Record Hash was rewritten.")
        elif ok[r.pos] is False:
            what = "the record is empty now" if r.blank else \
                "its content no longer matches its Record Hash"
            add(r, "edited", f"{r.label} was changed after it was sealed: {what}.")

    # 3. Links: a record must name its predecessor's digest. A mismatch with an intact
    # predecessor means the predecessor's hash was rewritten after the next was sealed.
    for seq, r in members.items():
        pred = members.get(seq - 1)
        if seq == 1 and r.link != GENESIS and ok[r.pos]:
            add(r, "edited", f"{r.label} claims to start the chain but was sealed after "
                "another record: its Record Hash was rewritten.")
        elif pred is not None and ok[pred.pos] and ok[r.pos] is not None \
                and pred.digest[:8] != r.link:
            add(pred, "edited", f"{pred.label} was sealed again after the record below it "
                f"(row {r.excel_row}): its Record Hash was rewritten.")

    # 4. Gaps in the seqs: deleted records, unless the rows in the gap are the records
    # with their hash cell cleared or overwritten (their content still fits the chain).
    loose = [r for r in rows if not r.parsed and not r.blank]   # in sheet order
    loose_pos = [r.pos for r in loose]
    explained: set[int] = set()
    before = 0
    for seq in sorted(members):
        if seq > before + 1:
            first, last = before + 1, seq - 1
            pred, succ = members.get(before), members[seq]
            lo = bisect.bisect_right(loose_pos, pred.pos if pred else -1)
            hi = bisect.bisect_left(loose_pos, succ.pos)
            recovered = _recover(loose[lo:hi], last - first + 1, first, pred, succ, key, sheet)
            for r in recovered:
                explained.add(r.pos)
                add(r, "edited", f"{r.label} had its Record Hash cleared or overwritten "
                    "(the record itself is as it was sealed).")
            if not recovered:
                between = f"between row {pred.excel_row} and row {succ.excel_row}" if pred \
                    else f"before row {succ.excel_row}"
                if first == last:
                    what = f"Record {first} of the chain is missing: it was deleted ({between})."
                else:
                    what = (f"Records {first} to {last} of the chain ({last - first + 1} "
                            f"records) are missing: they were deleted ({between}).")
                add(None, "deleted", what, at=succ)
        before = seq

    # 5. Order: rows kept in place form the longest increasing run of seqs; the rest moved.
    in_place = [r for r in rows if r.parsed and members[r.seq] is r]
    kept = _longest_increasing([r.seq for r in in_place])
    prev: _Row | None = None
    for i, r in enumerate(in_place):
        if i in kept:
            prev = r
            continue
        where = f"now comes after record {prev.seq} (row {prev.excel_row})" if prev else \
            "now comes first"
        add(r, "reordered", f"{r.label} is out of order: it was sealed as record {r.seq} of "
            f"the chain but {where}.")

    # 6. Rows without a hash: between sealed rows they were inserted; after, they are new.
    last_marked = max((r.pos for r in rows if r.text), default=-1)
    above: _Row | None = None  # the nearest row above that has a Record Hash
    for r in rows:
        if r.text:
            if not r.parsed and r.pos not in explained:
                add(r, "edited", f"{r.label} has a Record Hash kakobuy did not write "
                    f"({r.text[:40]!r}): the row cannot be checked.")
            above = r
        elif r.blank or r.pos in explained:
            continue
        elif r.pos < last_marked:
            add(r, "inserted", f"{r.label} was inserted between sealed records"
                + (f" (after row {above.excel_row})" if above else "")
                + ": it has no Record Hash.")
        else:
            add(r, "unsealed", f"{r.label} is not sealed yet: refresh seals it.")

    found.sort(key=lambda f: (f[0], f[1]))
    return _findings_frame([f[2] for f in found])


def _findings_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    # object columns: pandas 3 would turn a missing record id into NaN in a str column
    return pd.DataFrame({c: pd.Series([r[c] for r in records], dtype=object)
                         for c in FINDING_COLUMNS})


def _recover(candidates: list[_Row], size: int, first_seq: int, pred: _Row | None,
             succ: _Row, key: bytes | None, sheet: str) -> list[_Row]:
    """The rows that fill a gap of ``size`` records exactly, if their contents chain from
    ``pred`` to ``succ``; else []."""
    if len(candidates) != size or (succ.keyed and key is None):
        return []
    k = key if succ.keyed else None
    links = {pred.digest[:8] if pred else GENESIS}
    for i, r in enumerate(candidates):
        links = {d[:8] for link in links for d in _next_digest(r, k, sheet, first_seq + i, link)}
    return candidates if succ.link in links else []


def _longest_increasing(values: list[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []       # smallest tail value of an increasing run of each length
    tail_pos: list[int] = []
    back = [-1] * len(values)
    for i, v in enumerate(values):
        j = bisect.bisect_left(tails, v)
        back[i] = tail_pos[j - 1] if j else -1
        if j == len(tails):
            tails.append(v)
            tail_pos.append(i)
        else:
            tails[j], tail_pos[j] = v, i
    keep: set[int] = set()
    i = tail_pos[-1] if tail_pos else -1
    while i >= 0:
        keep.add(i)
        i = back[i]
    return keep


def verify_tables(tables: Mapping[str, pd.DataFrame], key: bytes | None = None) -> pd.DataFrame:
    """:func:`verify` over every chained sheet present in ``tables`` (typed frames by
    sheet name), one findings table."""
    parts = []
    for sheet in CHAINED_SHEETS:
        frame = next((f for n, f in tables.items() if n.casefold() == sheet.casefold()), None)
        if frame is not None:
            parts.append(verify(frame, sheet, key))
    if not parts:
        return _findings_frame([])
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def as_problems(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings as a problems table (:data:`PROBLEM_COLUMNS`) for the Problems sheet."""
    rows: list[dict[str, Any]] = []
    for sheet, row, rid, finding, detail in findings[FINDING_COLUMNS].itertuples(
            index=False, name=None):
        rows.append({"severity": "warning" if finding in ("unsealed", "wrong_key") else "error",
                     "sheet": sheet, "excel_row": row, "column": "Record Hash",
                     "value": rid or "", "problem": detail, "fix": _FIXES[finding]})
    f = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    f["excel_row"] = f["excel_row"].astype("Int64")
    return f


def summary(findings: pd.DataFrame) -> str:
    """One line: ``'Intact.'`` or counts by finding, e.g. ``'2 edited, 1 deleted.'``."""
    if not len(findings):
        return "Intact: every sealed record is as it was sealed."
    counts = findings["finding"].value_counts()
    return ", ".join(f"{int(counts[f]):,} {f.replace('_', ' ')}" for f in FINDINGS
                     if f in counts.index) + "."


__all__ = [
    "CHAINED_SHEETS", "COVERED", "FINDINGS", "FINDING_COLUMNS", "as_problems", "chain_head",
    "record_contents", "seal", "summary", "verify", "verify_tables",
]
