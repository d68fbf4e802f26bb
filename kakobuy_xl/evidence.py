"""Evidence: file checks, checklists per platform and reason, and evidence packs.

Three jobs, all over the typed frames that refresh builds (snake_case columns, index =
Excel row):

- :func:`file_status` fills the owned Evidence columns (SHA-256, Size, Exists,
  Verified). The first hash seen is kept; later runs only say whether the file still
  matches it. Paths that leave the evidence folder through ``..`` or a symlink are
  reported and never read.
- :func:`evidence_missing` says, for each open dispute, which items of the platform's
  checklist (``data/evidence/checklists.csv``) no evidence row covers yet.
- :func:`build_evidence_pack` writes one folder or zip per dispute: the evidence files
  that pass the platform's limits (``data/evidence/pack_limits.csv``), an ``index.csv``
  that lists every file with the reason it was left out, and a ``summary.pdf``.

Unlike the rest of the core this module reads the files it is given (the evidence) and
writes the pack it is asked for; it still never opens the workbook.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from .errors import ConfigError
from .io.atomic import write_atomically
from .keys import id_key, related
from .nlp.cache import ResultCache
from .schema import CLOSED_DISPUTE_STATUSES

__all__ = [
    "INDEX_COLUMNS",
    "PackResult",
    "build_evidence_pack",
    "evidence_missing",
    "evidence_root",
    "file_status",
    "load_checklists",
    "load_pack_limits",
]

_FILE_COLUMN = "File or Link"
_CACHE_SALT = "evidence-sha256"
_MB = 1_000_000  # decimal megabytes: the stricter reading of a platform's "2 MB"

# A URL scheme needs two letters or more, so "C:\photos\a.jpg" is not taken for a link.
_LINK = re.compile(r"^(?:[a-z][a-z0-9+.\-]+:|www\.)", re.IGNORECASE)
_WINDOWS_ABSOLUTE = re.compile(r"^(?:[a-z]:[\\/]|\\\\)", re.IGNORECASE)
_SHA = re.compile(r"^[0-9a-f]{64}$")
_COUNTRY_ALIASES = {"UK": "GB"}


# ----------------------------------------------------------------- locating files
@dataclass(frozen=True)
class _Target:
    """Where one File or Link cell points: ``kind`` is empty, link, file or refused."""

    kind: str
    path: Path | None = None  # the resolved file, for kind == "file"
    problem: str = ""
    fix: str = ""


class _Folder:
    """The evidence folder, lexically and with its symlinks resolved."""

    def __init__(self, folder: Path) -> None:
        self.lexical = Path(os.path.abspath(folder))
        self.real = self.lexical.resolve()

    def holds(self, path: Path) -> bool:
        return path.is_relative_to(self.lexical) or path.is_relative_to(self.real)


def _locate(value: object, folder: _Folder) -> _Target:
    """Decide what a File or Link cell points at, without reading the file."""
    if not isinstance(value, str):
        return _Target("empty")
    # Windows' "Copy as path" wraps the path in double quotes.
    text = value.strip().strip('"').strip()
    if not text:
        return _Target("empty")
    if _WINDOWS_ABSOLUTE.match(text) and os.name != "nt":
        return _Target("refused", problem=f"'{text}' is a Windows path; this computer "
                       "cannot open it.", fix="Copy the file into the evidence folder and "
                       "give its path relative to that folder.")
    if _LINK.match(text):
        return _Target("link")
    posix = text.replace("\\", "/")  # people on Windows type backslashes
    if posixpath.isabs(posix) or _WINDOWS_ABSOLUTE.match(text):
        lexical = Path(os.path.normpath(posix))
    else:
        norm = posixpath.normpath(posix)
        if norm == ".." or norm.startswith("../"):
            return _Target("refused", problem=f"'{text}' leaves the evidence folder "
                           "through '..'; it was not read.",
                           fix="Move the file into the evidence folder (or a folder in it) "
                               "and point at it from there.")
        lexical = folder.lexical / norm
    try:
        real = lexical.resolve()
    except (OSError, RuntimeError):
        return _Target("refused", problem=f"'{text}' cannot be resolved (a symlink loop?).",
                       fix="Point at the file itself.")
    # A symlink inside the folder must not smuggle in a file from elsewhere (a key, a
    # password file) that would then be hashed and copied into a pack. Absolute paths
    # outside the folder are taken as typed, unless the file itself is a symlink.
    inside = folder.holds(lexical)
    leaves = not real.is_relative_to(folder.real)
    if leaves and (inside or lexical.is_symlink()):
        return _Target("refused", problem=f"'{text}' is or passes through a symlink that "
                       "leads outside the evidence folder; it was not read.",
                       fix="Copy the file itself into the evidence folder instead of "
                           "linking to it.")
    return _Target("file", real)


def _sha256_file(path: Path) -> str:
    """Hash in chunks so a long video never sits in memory whole."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _clean_hash(value: object) -> str | None:
    if isinstance(value, str) and _SHA.match(value.strip().lower()):
        return value.strip().lower()
    return None


def _problem(row: object, value: object, problem: str, fix: str) -> dict[str, Any]:
    return {"excel_row": int(row) if isinstance(row, (int, np.integer)) else row,
            "column": _FILE_COLUMN, "value": value, "problem": problem, "fix": fix}


def evidence_root(setting: str, workbook_folder: Path | None) -> Path | None:
    """The folder evidence paths are relative to: the ``evidence_folder`` setting
    (relative to the workbook's folder unless absolute), else the workbook's folder.
    None for a workbook that lives nowhere on disk (in memory)."""
    chosen = (setting or "").strip().replace("\\", "/")
    if chosen:
        path = Path(chosen)
        if path.is_absolute():
            return path
        return workbook_folder / path if workbook_folder is not None else None
    return workbook_folder


def file_status(evidence: pd.DataFrame, folder: Path, cache: ResultCache | None = None,
                ) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """SHA-256, Size, Exists and Verified for each Evidence row, plus the problems found.

    Relative paths resolve against ``folder`` (the workbook's or the evidence folder);
    backslashes are accepted. Links (http, https, mailto...) are not fetched: their
    cells stay empty. A relative path that leaves ``folder`` through ``..``, or any path
    that is or passes through a symlink leading outside it, is not read: it is reported
    (``excel_row, column, value, problem, fix``) and its cells stay empty.

    SHA-256 is the hash first seen: when the sheet holds one it is kept, and Verified
    says whether the file still hashes to it. Size is the file's current size (empty
    once the file is gone). Hashes are cached in ``cache`` by resolved path, size and
    modification time, so unchanged files are not read again.

    >>> ev = pd.DataFrame({"file_or_link": ["https://x.test/a"], "sha_256": [None]}, index=[2])
    >>> status, problems = file_status(ev, Path("."))
    >>> status.loc[2, "exists"] is None and problems == []
    True
    """
    where = _Folder(folder)
    n = len(evidence)
    sha: list[str | None] = [None] * n
    size = np.full(n, np.nan)
    exists: list[str | None] = [None] * n
    verified: list[str | None] = [None] * n
    problems: list[dict[str, Any]] = []
    stored = (evidence["sha_256"].tolist() if "sha_256" in evidence.columns else [None] * n)

    todo: list[tuple[int, Path, str]] = []  # (position, resolved path, cache key)
    values = evidence["file_or_link"].tolist()
    for pos, (row, value) in enumerate(zip(evidence.index, values)):
        target = _locate(value, where)
        if target.kind == "refused":
            problems.append(_problem(row, value, target.problem, target.fix))
            continue
        if target.kind != "file":
            continue
        assert target.path is not None
        try:
            st = target.path.stat()
        except (FileNotFoundError, NotADirectoryError):
            exists[pos] = "no"
            continue
        except OSError as exc:
            exists[pos] = "no"
            problems.append(_problem(row, value, f"'{value}' cannot be checked "
                                     f"({exc.strerror or exc}).", "Check the path."))
            continue
        if not target.path.is_file():
            problems.append(_problem(row, value, f"'{value}' is a folder, not a file.",
                                     "Point at one file; add a row per file."))
            continue
        exists[pos] = "yes"
        size[pos] = float(st.st_size)
        todo.append((pos, target.path, f"{_CACHE_SALT}|{target.path}|{st.st_size}|"
                                       f"{st.st_mtime_ns}"))

    known = cache.get_many([k for _, _, k in todo]) if cache is not None and todo else {}
    fresh: dict[str, str] = {}
    for pos, path, key in todo:
        current = known.get(key) or fresh.get(key)
        if current is None:
            try:
                current = _sha256_file(path)
            except OSError as exc:
                row = evidence.index[pos]
                problems.append(_problem(row, values[pos], f"'{values[pos]}' cannot be read "
                                         f"({exc.strerror or exc}).",
                                         "Close the program that holds it or fix its "
                                         "permissions."))
                continue
            fresh[key] = current
        first = _clean_hash(stored[pos])
        sha[pos] = first or current
        verified[pos] = "yes" if sha[pos] == current else "no"
    if cache is not None and fresh:
        cache.put_many(fresh)

    # A file that is gone keeps its first-seen hash, and can no longer be verified.
    for pos in range(n):
        if exists[pos] == "no":
            first = _clean_hash(stored[pos])
            sha[pos] = first
            verified[pos] = "no" if first else None
        elif exists[pos] is None:
            sha[pos] = None
        if isinstance(stored[pos], str) and stored[pos].strip() and \
                _clean_hash(stored[pos]) is None and exists[pos] == "yes":
            problems.append({"excel_row": _row(evidence.index[pos]), "column": "SHA-256",
                             "value": stored[pos], "problem": "The SHA-256 cell does not hold "
                             "a SHA-256 hash; it was replaced by the file's current hash.",
                             "fix": "Leave SHA-256 to kakobuy."})
    frame = pd.DataFrame({"sha_256": pd.Series(sha, dtype=object, index=evidence.index),
                          "size": pd.Series(size, index=evidence.index),
                          "exists": pd.Series(exists, dtype=object, index=evidence.index),
                          "verified": pd.Series(verified, dtype=object, index=evidence.index)})
    return frame, problems


def _row(label: object) -> object:
    return int(label) if isinstance(label, (int, np.integer)) else label


# ----------------------------------------------------------------- shipped data
def _read_csv(name: str) -> pd.DataFrame:
    raw = resources.files("kakobuy_xl").joinpath("data", "evidence", name).read_text("utf-8")
    return pd.read_csv(io.StringIO(raw), dtype=str, keep_default_na=False)


def load_checklists() -> pd.DataFrame:
    """The shipped checklists: one row per item a platform wants for some dispute types.

    Columns: platform (``*`` = any platform without its own items), reason (the
    platform's reason code, for people), dispute_types (space-separated or ``*``),
    item_id, item, kinds (``|``-separated Evidence kinds), keywords (``|``-separated
    words one of which the evidence Description must contain; empty = any), min_amount,
    currency, country (the item applies only to orders of at least that amount in that
    currency, to that country), source, source_date.

    >>> "ebay-inr-signature-usd" in set(load_checklists()["item_id"])
    True
    """
    frame = _read_csv("checklists.csv")
    frame["min_amount"] = pd.to_numeric(frame["min_amount"].replace("", None),
                                        errors="coerce").astype(float)
    return frame


def load_pack_limits() -> pd.DataFrame:
    """Upload limits per platform (``*`` = any other): extensions (space-separated),
    max_file_mb, max_total_mb, max_files (empty = no limit), source, source_date.

    >>> float(load_pack_limits().set_index("platform").loc["Shopify", "max_total_mb"])
    4.0
    """
    frame = _read_csv("pack_limits.csv")
    for col in ("max_file_mb", "max_total_mb", "max_files"):
        frame[col] = pd.to_numeric(frame[col].replace("", None), errors="coerce").astype(float)
    return frame


# ----------------------------------------------------------------- checklists
@dataclass(frozen=True)
class _Item:
    item_id: str
    text: str
    kinds: frozenset[str]
    pattern: re.Pattern[str] | None
    min_amount: float | None
    currency: str | None
    country: str | None

    @property
    def signature(self) -> tuple[frozenset[str], str | None]:
        return self.kinds, self.pattern.pattern if self.pattern else None


def _split(text: str, sep: str) -> list[str]:
    return [p.strip() for p in text.split(sep) if p.strip()]


def _items(checklists: pd.DataFrame) -> dict[tuple[str, str], list[_Item]]:
    """Items by (platform casefolded, dispute type or '*'), in file order."""
    out: dict[tuple[str, str], list[_Item]] = {}
    for r in checklists.to_dict("records"):
        words = _split(str(r.get("keywords") or ""), "|")
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(w.casefold()) for w in words) + ")",
                             re.IGNORECASE) if words else None
        amount = r.get("min_amount")
        amount = float(amount) if amount is not None and amount == amount and amount != "" \
            else None
        country = str(r.get("country") or "").strip().upper() or None
        item = _Item(str(r["item_id"]), str(r["item"]),
                     frozenset(k.casefold() for k in _split(str(r.get("kinds") or ""), "|")),
                     pattern, amount, str(r.get("currency") or "").strip().upper() or None,
                     _COUNTRY_ALIASES.get(country, country) if country else None)
        platform = str(r["platform"]).strip().casefold()
        for t in _split(str(r.get("dispute_types") or ""), " "):
            out.setdefault((platform, t), []).append(item)
    return out


def _items_for(table: dict[tuple[str, str], list[_Item]], platform: str,
               dtype: str | None) -> list[_Item]:
    """A platform's own items for the type (plus its items for every type); a platform
    without items for the type falls back to the platform-independent defaults."""
    own = table.get((platform, dtype), []) if dtype else []
    if own:
        return own + table.get((platform, "*"), [])
    return (table.get(("*", dtype), []) if dtype else []) + table.get(("*", "*"), [])


def _text_column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    return frame[name].astype(object).where(frame[name].notna(), None)


def _effective_type(disputes: pd.DataFrame) -> pd.Series:
    from .disputes import effective

    return effective(disputes)["type"]


def _checklist_status(disputes: pd.DataFrame, evidence: pd.DataFrame | None,
                      orders: pd.DataFrame | None, checklists: pd.DataFrame | None,
                      only_open: bool) -> list[list[tuple[str, bool]]]:
    """For each dispute (by position): the checklist items that apply and whether an
    evidence row covers each one."""
    table = _items(checklists if checklists is not None else load_checklists())
    n = len(disputes)
    result: list[list[tuple[str, bool]]] = [[] for _ in range(n)]
    if n == 0:
        return result
    keys = id_key(disputes["dispute_id"]).to_numpy(dtype=object)
    platform = _text_column(disputes, "platform").map(
        lambda p: p.strip().casefold() if isinstance(p, str) and p.strip() else "",
        na_action=None).to_numpy(dtype=object)
    dtype = _effective_type(disputes).to_numpy(dtype=object)
    status = _text_column(disputes, "status")
    active = ~status.isin(CLOSED_DISPUTE_STATUSES).to_numpy() if only_open else np.ones(n, bool)

    # The linked order gives the amount, currency and country of conditional items.
    amount = np.full(n, np.nan)
    currency = np.full(n, "", dtype=object)
    country = np.full(n, "", dtype=object)
    if orders is not None and len(orders) and "order_id" in disputes.columns:
        dkeys = id_key(disputes["order_id"])

        def pick(col: str) -> pd.Series:
            values = orders[col] if col in orders.columns else \
                pd.Series(None, index=orders.index, dtype=object)
            return related(dkeys, orders["order_id"], values)

        amount = pd.to_numeric(pick("order_value"), errors="coerce").to_numpy(dtype=float)
        currency = np.array([str(c).strip().upper() if isinstance(c, str) else ""
                             for c in pick("currency")], dtype=object)
        country = np.array([_COUNTRY_ALIASES.get(c.strip().upper(), c.strip().upper())
                            if isinstance(c, str) else "" for c in pick("destination_country")],
                           dtype=object)

    # Which disputes have evidence covering each kind of item, computed once per
    # distinct (kinds, keywords) pair rather than per dispute.
    covered: dict[tuple[frozenset[str], str | None], set[str]] = {}
    if evidence is not None and len(evidence):
        usable = evidence
        if "exists" in usable.columns:
            usable = usable[usable["exists"].astype(object).ne("no") | usable["exists"].isna()]
        if "file_or_link" in usable.columns:
            link = _text_column(usable, "file_or_link")
            usable = usable[link.map(lambda v: isinstance(v, str) and bool(v.strip()),
                                     na_action=None).astype(bool)]
        ev_keys = id_key(usable["dispute_id"])
        ev_kind = _text_column(usable, "kind").map(
            lambda k: k.strip().casefold() if isinstance(k, str) else "", na_action=None)
        ev_text = _text_column(usable, "description").fillna("").astype(str)
        for items in table.values():
            for item in items:
                sig = item.signature
                if sig in covered:
                    continue
                mask = ev_kind.isin(item.kinds) & ev_keys.notna()
                if item.pattern is not None and mask.any():
                    mask &= ev_text.where(mask, "").str.contains(item.pattern, regex=True)
                covered[sig] = set(ev_keys[mask].tolist())

    groups = pd.DataFrame({"p": platform, "t": dtype}).fillna({"t": ""}) \
        .groupby(["p", "t"], sort=False).indices
    for (p, t), positions in groups.items():
        positions = positions[active[positions]]
        if not len(positions):
            continue
        items = _items_for(table, p, t or None)
        for item in items:
            applies = np.ones(len(positions), bool)
            if item.min_amount is not None:
                applies &= np.nan_to_num(amount[positions], nan=-np.inf) >= item.min_amount
            if item.currency:
                applies &= currency[positions] == item.currency
            if item.country:
                applies &= country[positions] == item.country
            have = covered.get(item.signature, set())
            for pos, ok in zip(positions[applies], [keys[i] in have for i in positions[applies]]):
                result[pos].append((item.text, ok))
    return result


def evidence_missing(disputes: pd.DataFrame, evidence: pd.DataFrame | None,
                     orders: pd.DataFrame | None, checklists: pd.DataFrame | None = None,
                     ) -> pd.Series:
    """The Evidence Missing column: checklist items no evidence row covers yet.

    ``disputes`` must carry the *effective* type in ``type`` (the user's Type, else
    Type (auto)); when a ``type_auto`` column is present it also fills empty types.
    The checklist is the dispute platform's items for that type plus its items for every
    type; a platform with no items for the type uses the platform-independent defaults.
    An item is covered by an evidence row of the dispute whose Kind is one of the item's
    kinds and whose Description contains one of its keywords (when it has any); rows
    whose file is known to be gone (Exists = no) or that have no File or Link do not
    count. Amount, currency and country come from the linked order (e.g. eBay wants
    signature confirmation from USD 750). Closed disputes get an empty cell.

    >>> d = pd.DataFrame({"dispute_id": ["D1"], "platform": ["eBay"], "type": ["damaged"],
    ...                   "status": ["open"], "order_id": [None]}, index=[2])
    >>> evidence_missing(d, None, None).loc[2]
    'Photos or video of the item as sent or as returned; Copy of the listing showing \
what was described; Messages with the buyer through eBay'
    """
    status = _checklist_status(disputes, evidence, orders, checklists, only_open=True)
    text = ["; ".join(item for item, ok in items if not ok) for items in status]
    return pd.Series(text, index=disputes.index, dtype=object)


# ----------------------------------------------------------------- packs
INDEX_COLUMNS = ("File", "Evidence ID", "Kind", "Description", "Added At", "SHA-256", "Size",
                 "Included", "Reason", "Source")


@dataclass
class PackResult:
    """What :func:`build_evidence_pack` wrote."""

    path: Path
    included: list[str] = field(default_factory=list)  # names inside the pack
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (File or Link, reason)
    total_bytes: int = 0  # of the evidence files included (index and summary not counted)
    index_rows: list[dict[str, object]] = field(default_factory=list)
    replaced_characters: int = 0  # characters the Latin-only PDF shows as '?'


def _limits_for(platform: str, limits: pd.DataFrame) -> dict[str, Any]:
    table = {str(r["platform"]).strip().casefold(): r for r in limits.to_dict("records")}
    row = table.get(platform.strip().casefold()) or table.get("*") or {}
    num = lambda v: None if v is None or v != v else float(v)  # noqa: E731
    return {"name": platform or "this platform",
            "extensions": frozenset(e.lower().lstrip(".") for e in
                                    _split(str(row.get("extensions") or ""), " ")),
            "max_file": num(row.get("max_file_mb")), "max_total": num(row.get("max_total_mb")),
            "max_files": num(row.get("max_files"))}


def _mb(n: float) -> str:
    return f"{n / _MB:.1f} MB"


def _safe_name(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "file"
    return name[:80]


def _when(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return str(value)
    if stamp is pd.NaT or pd.isna(stamp):
        return ""
    return stamp.strftime("%Y-%m-%d %H:%M") if (stamp.hour or stamp.minute) \
        else stamp.strftime("%Y-%m-%d")


def _s(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def build_evidence_pack(dispute_id: str, disputes: pd.DataFrame, evidence: pd.DataFrame | None,
                        orders: pd.DataFrame | None, interactions: pd.DataFrame | None,
                        folder: Path, out: Path, as_zip: bool = True,
                        now: dt.datetime | None = None, checklists: pd.DataFrame | None = None,
                        limits: pd.DataFrame | None = None) -> PackResult:
    """Write the evidence pack of one dispute to ``out`` (a .zip file, or a new folder).

    The pack holds ``files/`` (the dispute's evidence files that exist, are safe to read
    and fit the platform's limits), ``index.csv`` (every evidence row: name in the pack,
    kind, description, added at, SHA-256, size, included yes/no and why) and
    ``summary.pdf`` (dispute, checklist status, evidence table, the conversation).
    Files are taken in sheet order; one over a limit is skipped with its reason, never
    silently. The same inputs give a byte-identical pack (``now`` only adds a
    "generated" line to the summary).

    >>> build_evidence_pack("D-9", pd.DataFrame({"dispute_id": ["D-1"]}), None, None, None,
    ...                     Path("."), Path("pack.zip"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kakobuy_xl.errors.ConfigError: Dispute 'D-9' is not on the Disputes sheet. ...
    """
    wanted = id_key(pd.Series([dispute_id]))[0]
    keys = id_key(disputes["dispute_id"])
    hits = disputes.index[(keys == wanted).to_numpy()] if wanted else []
    if not len(hits):
        raise ConfigError(f"Dispute '{dispute_id}' is not on the Disputes sheet. Check the "
                          "Dispute ID (spaces and case do not matter).")
    out = Path(out)
    if as_zip and out.is_dir():
        raise ConfigError(f"'{out}' is a folder; give the name of the zip file to write.")
    if not as_zip and out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ConfigError(f"'{out}' already exists and is not an empty folder; choose a new "
                          "folder for the evidence pack or delete the old one.")
    one = disputes.loc[[hits[0]]]
    d = one.iloc[0]
    platform = _s(d.get("platform"))
    lim = _limits_for(platform, limits if limits is not None else load_pack_limits())

    where = _Folder(folder)
    ev = pd.DataFrame() if evidence is None else \
        evidence[(id_key(evidence["dispute_id"]) == wanted).to_numpy()]
    members: dict[str, bytes] = {}
    result = PackResult(out)
    count = 0
    for row in ev.sort_index().to_dict("records"):
        source = _s(row.get("file_or_link")).strip()
        name, reason = "", ""
        sha, size = _clean_hash(row.get("sha_256")) or "", None
        target = _locate(source, where)
        if target.kind == "empty":
            reason = "no file given in File or Link"
        elif target.kind == "link":
            reason = "link: not downloaded (kakobuy works offline); save the page as a PDF " \
                     "and add it as a file"
        elif target.kind == "refused":
            reason = target.problem
        else:
            assert target.path is not None
            path = target.path
            ext = path.suffix.lower().lstrip(".")
            try:
                size = path.stat().st_size if path.is_file() else None
            except OSError:
                size = None
            if size is None:
                reason = "file not found"
            elif lim["extensions"] and ext not in lim["extensions"]:
                reason = (f"type .{ext or '(none)'} is not accepted by {lim['name']} (accepted: "
                          f"{', '.join(sorted(lim['extensions']))}); convert it")
            elif lim["max_file"] is not None and size > lim["max_file"] * _MB:
                reason = (f"{_mb(size)} is over {lim['name']}'s limit of "
                          f"{lim['max_file']:g} MB per file; compress or crop it")
            elif lim["max_total"] is not None and \
                    result.total_bytes + size > lim["max_total"] * _MB:
                reason = (f"would bring the files to {_mb(result.total_bytes + size)}, over "
                          f"{lim['name']}'s limit of {lim['max_total']:g} MB in all; leave out "
                          "a weaker file or compress")
            elif lim["max_files"] is not None and count >= lim["max_files"]:
                reason = f"{lim['name']} accepts at most {lim['max_files']:g} files"
            else:
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    reason = f"cannot be read ({exc.strerror or exc})"
                else:
                    count += 1
                    current = hashlib.sha256(data).hexdigest()
                    name = f"files/{count:02d}_{_safe_name(_s(row.get('evidence_id')))}_" \
                           f"{_safe_name(path.name)}"
                    members[name] = data
                    size = len(data)
                    result.total_bytes += size
                    result.included.append(name)
                    if sha and sha != current:
                        reason = "included, but the file changed since it was first seen " \
                                 "(its SHA-256 differs from the Evidence sheet)"
                    sha = current
        if not name:
            result.skipped.append((source, reason))
        result.index_rows.append({
            "File": name, "Evidence ID": _s(row.get("evidence_id")), "Kind": _s(row.get("kind")),
            "Description": _s(row.get("description")), "Added At": _when(row.get("added_at")),
            "SHA-256": sha, "Size": "" if size is None else size,
            "Included": "yes" if name else "no", "Reason": reason, "Source": source})

    status = _checklist_status(one, evidence, orders, checklists, only_open=False)[0]
    lines = _summary_lines(d, orders, interactions, status, result.index_rows, now)
    pdf, replaced = _pdf(lines, title=f"Evidence pack {dispute_id}")
    result.replaced_characters = replaced
    members["summary.pdf"] = pdf
    note = "summary written by kakobuy; not counted in the platform's limits"
    if replaced:
        note += (f". The PDF is Latin-only: {replaced} characters outside Windows-1252 are "
                 "shown as '?'; this index and the workbook are the full record")
    result.index_rows.append({"File": "summary.pdf", "Evidence ID": "", "Kind": "summary",
                              "Description": f"summary of dispute {_s(d.get('dispute_id'))}",
                              "Added At": "", "SHA-256": hashlib.sha256(pdf).hexdigest(),
                              "Size": len(pdf), "Included": "yes", "Reason": note,
                              "Source": ""})
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=INDEX_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(result.index_rows)
    # A byte-order mark so Excel reads the index as UTF-8.
    members["index.csv"] = text.getvalue().encode("utf-8-sig")

    if as_zip:
        write_atomically(out, _zip(members))
    else:
        for name in sorted(members):
            write_atomically(out / name, members[name], durable=False)
    return result


# ----------------------------------------------------------------- summary text
def _summary_lines(d: pd.Series, orders: pd.DataFrame | None,
                   interactions: pd.DataFrame | None, checklist: Sequence[tuple[str, bool]],
                   index_rows: Sequence[dict[str, object]], now: dt.datetime | None,
                   ) -> list[tuple[str, str]]:
    """The summary as (style, text) lines: title, head, text, mono, gap."""
    did = _s(d.get("dispute_id"))
    kind = _s(d.get("type")) or _s(d.get("type_auto"))
    lines: list[tuple[str, str]] = [("title", f"Evidence pack - dispute {did}")]
    order_text = _s(d.get("order_id"))
    if orders is not None and len(orders) and order_text:
        match = orders[(id_key(orders["order_id"]) == order_text.strip().casefold()).to_numpy()]
        if len(match):
            o = match.iloc[0]
            value = o.get("order_value")
            value_text = f"{float(value):,.2f} {_s(o.get('currency'))}".strip() \
                if isinstance(value, (int, float)) and value == value else ""
            bits = [b for b in (_when(o.get("order_date")), _s(o.get("product")), value_text,
                                _s(o.get("destination_country")),
                                f"tracking {_s(o.get('tracking_no'))}"
                                if _s(o.get("tracking_no")) else "") if b]
            if bits:
                order_text += " (" + ", ".join(bits) + ")"
    for label, value in (("Platform", _s(d.get("platform"))),
                         ("Platform case ID", _s(d.get("platform_case_id"))),
                         ("Order", order_text), ("Customer", _s(d.get("customer_id"))),
                         ("Type", kind), ("Status", _s(d.get("status"))),
                         ("Opened", _when(d.get("opened_at"))),
                         ("Case due", _when(d.get("case_due"))),
                         ("Description", _s(d.get("description")))):
        lines.append(("text", f"{label}: {value or '-'}"))
    if now is not None:
        lines.append(("text", f"Generated: {_when(now)}"))
    lines += [("gap", ""), ("head", "Checklist")]
    if not checklist:
        lines.append(("text", "No checklist items for this platform and type."))
    for item, ok in checklist:
        lines.append(("text", f"[{'x' if ok else ' '}] {item}{'' if ok else '  (missing)'}"))
    lines += [("gap", ""), ("head", "Evidence")]
    rows = [r for r in index_rows if r.get("Kind") != "summary"]
    if not rows:
        lines.append(("text", "No evidence rows for this dispute."))
    for r in rows:
        size = f"{int(r['Size']):,} bytes" if r["Size"] != "" else ""
        state = "included" if r["Included"] == "yes" else "not included"
        head = "  ".join(x for x in (_s(r["Evidence ID"]), _s(r["Kind"]),
                                      _s(r["File"]) or _s(r["Source"]), size, state) if x)
        lines.append(("text", head))
        if r["Description"]:
            lines.append(("indent", _s(r["Description"])))
        if r["Reason"]:
            lines.append(("indent", f"Note: {r['Reason']}"))
        if r["SHA-256"]:
            lines.append(("mono", f"SHA-256 {r['SHA-256']}"))
    lines += [("gap", ""), ("head", "Messages")]
    talk = _messages(d, interactions)
    if not talk:
        lines.append(("text", "No messages linked to this dispute or its order."))
    for when, direction, text in talk:
        who = "customer" if direction != "out" else "seller"
        lines.append(("text", f"{when}  {who}: {text}"))
    return lines


def _messages(d: pd.Series, interactions: pd.DataFrame | None,
              limit: int = 400) -> list[tuple[str, str, str]]:
    """The conversation about the dispute (or, when not linked, about its order)."""
    if interactions is None or not len(interactions):
        return []
    did = id_key(pd.Series([d.get("dispute_id")]))[0]
    oid = id_key(pd.Series([d.get("order_id")]))[0]
    by_dispute = id_key(_text_column(interactions, "dispute_id"))
    by_order = id_key(_text_column(interactions, "order_id"))
    mask = (by_dispute == did) if did else pd.Series(False, index=interactions.index)
    if oid:
        mask |= by_dispute.isna() & (by_order == oid)
    if "status" in interactions.columns:
        mask &= interactions["status"].astype(object).ne("draft")  # never sent
    rows = interactions[mask.to_numpy()]
    stamps = pd.to_datetime(rows.get("timestamp", pd.Series(pd.NaT, index=rows.index)),
                            errors="coerce")
    order = np.lexsort((np.arange(len(rows)), stamps.isna().to_numpy(),
                        stamps.fillna(pd.Timestamp(0)).to_numpy()))
    out = []
    for i in order:
        r = rows.iloc[i]
        text = " ".join(_s(r.get("message")).split())
        if len(text) > limit:
            text = text[: limit - 3] + "..."
        out.append((_when(r.get("timestamp")), _s(r.get("direction")) or "in", text))
    return out


# ----------------------------------------------------------------- a small PDF writer
# Widths of Helvetica glyphs in 1/1000 em, roughly (standard AFM values for the common
# classes; others use a generous default so lines never run off the page).
_NARROW = {**dict.fromkeys("ijl'|", 222), **dict.fromkeys(" !,./:;I[]ft\\", 278),
           "r": 333, "(": 333, ")": 333, "-": 333, '"': 355}
_WIDE = {**dict.fromkeys("mMW", 833), "w": 722, "@": 1015, "%": 889, **dict.fromkeys(
    "ABCDEHKNRUVXY", 722), **dict.fromkeys("GOQ", 778)}
_PAGE_W, _PAGE_H, _MARGIN = 595, 842, 50
_STYLES = {  # style: (font, size, indent, leading)
    "title": ("F2", 14, 0, 20), "head": ("F2", 11, 0, 16), "text": ("F1", 9, 0, 12),
    "indent": ("F1", 9, 16, 12), "mono": ("F3", 7, 16, 10), "gap": ("F1", 9, 0, 6),
}
_MAX_PAGES = 2


def _width(text: str, font: str, size: float) -> float:
    if font == "F3":
        return len(text) * 600 * size / 1000  # Courier is fixed-width
    units = sum(_NARROW.get(c, _WIDE.get(c, 667 if c.isupper() else 556)) for c in text)
    return units * size / 1000 * (1.08 if font == "F2" else 1.0)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    out: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if _width(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            out.append(line)
        while _width(word, font, size) > width:  # a very long word (a URL): cut it
            cut = max(1, int(len(word) * width / _width(word, font, size)))
            out.append(word[:cut])
            word = word[cut:]
        line = word
    out.append(line)
    return out


def _winansi(text: str) -> tuple[bytes, int]:
    """PDF string bytes in WinAnsiEncoding (about cp1252); others become '?'."""
    out = bytearray()
    bad = 0
    for ch in text:
        try:
            b = ch.encode("cp1252")
        except UnicodeEncodeError:
            b, bad = b"?", bad + 1
        if b[0] < 32:
            b = b" "
        for byte in b:
            if byte in b"\\()":
                out += b"\\" + bytes([byte])
            elif byte >= 127:
                out += b"\\%03o" % byte  # keeps the file plain ASCII
            else:
                out.append(byte)
    return bytes(out), bad


def _pdf(lines: Iterable[tuple[str, str]], title: str) -> tuple[bytes, int]:
    """A small valid PDF 1.4 of text pages (A4, Helvetica); returns it and the number of
    characters replaced by '?'."""
    body_w = _PAGE_W - 2 * _MARGIN
    pages: list[list[bytes]] = [[]]
    y = _PAGE_H - _MARGIN
    replaced = 0
    truncated = False
    for style, text in lines:
        font, size, indent, leading = _STYLES[style]
        parts = [""] if style == "gap" else _wrap(text, font, size, body_w - indent)
        for part in parts:
            if y - leading < _MARGIN:
                if len(pages) == _MAX_PAGES:
                    truncated = True
                    break
                pages.append([])
                y = _PAGE_H - _MARGIN
            y -= leading
            if part:
                raw, bad = _winansi(part)
                replaced += bad
                pages[-1].append(b"BT /%s %d Tf %d %d Td (%s) Tj ET" % (
                    font.encode(), size, _MARGIN + indent, y, raw))
        if truncated:
            break
    if truncated:
        pages[-1].append(b"BT /F2 9 Tf %d %d Td (%s) Tj ET" % (
            _MARGIN, _MARGIN - 20, b"More in index.csv and the workbook: this summary is "
                                   b"limited to two pages."))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
        b"/Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>",
        b"<< /Title (%s) /Producer (kakobuy-xl) >>" % _winansi(title)[0],
    ]
    kids = []
    for content in pages:
        stream = b"\n".join(content)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources "
                       b"<< /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> >> /Contents %d 0 R >>"
                       % (_PAGE_W, _PAGE_H, len(objects)))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out), replaced


# ----------------------------------------------------------------- a deterministic zip
# Fixed dates, modes and creator, so the same pack is byte-identical every time.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# Formats that are compressed already: deflating them again only costs time.
_STORED = frozenset({"jpg", "jpeg", "png", "gif", "webp", "heic", "pdf", "mp4", "mov",
                     "zip", "gz", "7z"})


def _zip(members: dict[str, bytes]) -> bytes:
    """A zip of ``members`` in name order with fixed timestamps and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            info.create_system = 3  # the same bytes whatever system builds the pack
            info.external_attr = 0o100644 << 16
            ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            info.compress_type = zipfile.ZIP_STORED if ext in _STORED else zipfile.ZIP_DEFLATED
            z.writestr(info, members[name])
    return buffer.getvalue()
