"""``import_file``: turn a chat, mail or order export into rows of the workbook.

Rows get stable IDs made from what they say (a short hash), so importing the same file
again - or a later export of the same chat - appends only what is new. Customers are
matched by platform handle, e-mail address or phone number (E.164); a person seen for
the first time becomes a new Customers row. Everything is staged with
``wb.append_rows``; the caller saves.

IDs: ``WA-`` WhatsApp messages, ``EM-`` e-mails, ``C-`` customers, ``D-`` disputes,
``EV-`` evidence; orders keep the platform's order number. A customer first met in a
chat under a contact name gets ``whatsapp:<name>`` in Platform Handles, which is how the
next import of that chat finds them again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os.path
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from ..errors import ConfigError, SheetNotFound, WorkbookError
from ..io.base import Progress, TableData, WorkbookIO, find_header, no_progress
from ..keys import id_key
from ..schema import CHANNELS, PLATFORMS, SHEETS
from ..settings import Settings
from ..validation import Problems
from .contacts import (contact_keys, country_code, handle_key, normalise_email,
                       normalise_phone)
from .mail import MailMessage, parse_eml, parse_mbox, strip_quoted
from .shops import ShopExport, dispute_type_of, load_mapping, read_shop_export
from .sources import decode_text, read_bytes, read_whatsapp_zip, save_file, source_name
from .whatsapp import clean_name, parse_whatsapp

IMPORT_KINDS = ("whatsapp", "eml", "mbox", "shopify", "ebay", "tiktok", "csv")
_SHEETS_OF = {
    "whatsapp": ("Customers", "Interactions", "Evidence"),
    "eml": ("Customers", "Interactions", "Evidence"),
    "mbox": ("Customers", "Interactions", "Evidence"),
}
_SHOP_SHEETS = ("Customers", "Orders", "Disputes")
_ORDER_OF_APPEND = ("Customers", "Orders", "Disputes", "Interactions", "Evidence")
_EXCEL_TEXT_LIMIT = 32_767
_KIND_OF_EXTENSION = {
    **dict.fromkeys(("jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "bmp", "tif",
                     "tiff"), "photo"),
    **dict.fromkeys(("mp4", "mov", "3gp", "avi", "mkv", "webm", "m4v"), "video"),
}


@dataclass
class ImportResult:
    """What an import added and skipped, per sheet, and the problems it met.

    ``problems`` has the validation problems columns; there ``excel_row`` is the LINE
    number in the imported file (the problem text says so, with the file's name).
    """

    kind: str
    source: str
    added: dict[str, int]
    duplicates: dict[str, int]
    problems: pd.DataFrame
    excel_rows: dict[str, list[int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def total_added(self) -> int:
        return sum(self.added.values())

    def summary(self) -> str:
        """A few lines for a terminal or a status bar."""
        parts = [f"{sheet} +{n:,}" for sheet, n in self.added.items() if n]
        lines = [f"Imported '{self.source}' ({self.kind}): " +
                 (", ".join(parts) if parts else "nothing new") + "."]
        dups = [f"{sheet} {n:,}" for sheet, n in self.duplicates.items() if n]
        if dups:
            lines.append("Already in the workbook (skipped): " + ", ".join(dups) + ".")
        lines.extend(self.notes)
        if len(self.problems):
            lines.append(f"{len(self.problems):,} problems; the line numbers are lines of "
                         f"'{self.source}'.")
        return "\n".join(lines)


def short_hash(*parts: object) -> str:
    """12 hex digits of a hash of ``parts``: the stable part of an imported row's ID."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()


class _Workbook:
    """The sheets an import touches: their IDs, and the rows staged for them."""

    def __init__(self, wb: WorkbookIO, sheets: Sequence[str]) -> None:
        self.wb = wb
        self.data: dict[str, TableData] = {}
        self.missing: dict[str, SheetNotFound] = {}
        self.ids: dict[str, set[str]] = {}
        self.rows: dict[str, list[dict[str, Any]]] = {s: [] for s in sheets}
        self.duplicates: dict[str, int] = {s: 0 for s in sheets}
        for sheet in sheets:
            try:
                data = wb.read_table(sheet)
            except SheetNotFound as exc:
                self.missing[sheet] = exc
                self.ids[sheet] = set()
                continue
            key = SHEETS[sheet].key
            assert key is not None
            header = find_header(data.headers, key)
            if header is None:
                raise WorkbookError(
                    f"Sheet '{sheet}' has no column '{key}' (found: {', '.join(data.headers)}). "
                    f"Rename the header back to '{key}' so imported rows can be told apart.")
            self.data[sheet] = data
            self.ids[sheet] = {k for k in id_key(data.frame[header]).tolist() if k}

    def column(self, sheet: str, header: str) -> pd.Series:
        data = self.data.get(sheet)
        if data is None:
            return pd.Series(dtype=object)
        found = find_header(data.headers, header)
        if found is None:
            return pd.Series([None] * len(data.frame), index=data.frame.index, dtype=object)
        col = data.frame[found]
        return col.iloc[:, 0] if isinstance(col, pd.DataFrame) else col

    def add(self, sheet: str, row: dict[str, Any]) -> bool:
        """Stage ``row`` unless its ID is already there; True when added."""
        key = SHEETS[sheet].key
        assert key is not None
        k = str(row[key]).strip().casefold()
        if k in self.ids[sheet]:
            self.duplicates[sheet] += 1
            return False
        self.ids[sheet].add(k)
        self.rows[sheet].append(row)
        return True

    def flush(self, problems: Problems, progress: Progress) -> tuple[dict[str, int],
                                                                     dict[str, list[int]]]:
        added: dict[str, int] = {}
        excel_rows: dict[str, list[int]] = {}
        todo = [s for s in _ORDER_OF_APPEND if self.rows.get(s)]
        for i, sheet in enumerate(todo, 1):
            rows = self.rows[sheet]
            if sheet in self.missing:
                raise self.missing[sheet]
            data = self.data[sheet]
            contract = SHEETS[sheet]
            frame = pd.DataFrame(rows, dtype=object)
            columns: dict[str, str] = {}
            for header in frame.columns:
                found = find_header(data.headers, header)
                if found is not None:
                    columns[header] = found
                elif frame[header].notna().any():
                    problems.add(sheet, f"Sheet '{sheet}' has no column '{header}'; the "
                                 "imported values for it were left out.",
                                 f"Add a column headed '{header}' to the table and import "
                                 "again.", column=header, severity="warning")
            frame = frame[list(columns)].rename(columns=columns)
            frame = frame.astype(object).where(frame.notna(), None)
            kinds = {columns[c.header]: c.kind for c in contract.columns if c.header in columns}
            excel_rows[sheet] = self.wb.append_rows(sheet, frame, kinds)
            added[sheet] = len(frame)
            progress("append", i, len(todo))
        return added, excel_rows


class _Customers:
    """Match people to Customers rows by handle, e-mail or phone; create the rest."""

    def __init__(self, book: _Workbook) -> None:
        self.book = book
        self.index: dict[str, str] = {}
        self.country: dict[str, str | None] = {}
        self.matched: set[str] = set()  # existing customers found again
        self.created: set[str] = set()  # customers this import adds
        ids = book.column("Customers", "Customer ID")
        contacts = book.column("Customers", "Contact")
        handles = book.column("Customers", "Platform Handles")
        countries = book.column("Customers", "Country")
        names = book.column("Customers", "Name")
        for cid, contact, handle, country, name in zip(
                ids.tolist(), contacts.tolist(), handles.tolist(), countries.tolist(),
                names.tolist()):
            if cid is None or str(cid).strip() == "":
                continue
            cid = str(cid).strip()
            self.country[cid.casefold()] = country_code(country)
            self.index.setdefault("id:" + cid.casefold(), cid)
            for key in contact_keys(contact, handle, country):
                self.index.setdefault(key, cid)
            if isinstance(name, str) and name.strip():
                # A contact name, as WhatsApp shows it, is weaker than a handle: only used
                # for chats, and only when the name is unique on the sheet.
                nk = "n:" + " ".join(name.split()).casefold()
                self.index[nk] = cid if nk not in self.index else ""

    def exists(self, customer_id: str) -> str | None:
        return self.index.get("id:" + customer_id.strip().casefold())

    def find(self, keys: Sequence[str]) -> str | None:
        for key in keys:
            cid = self.index.get(key)
            if not cid and key.startswith("h:"):
                cid = self.index.get("h:*:" + key.split(":", 2)[2])
            if cid:
                return cid
        return None

    def resolve(self, keys: Sequence[str], row: dict[str, Any]) -> str:
        """The Customer ID for a person known by ``keys``; a new row when nobody matches."""
        keys = [k for k in keys if k]
        cid = self.find(keys)
        if cid is not None:
            if cid not in self.matched and cid not in self.created:
                self.matched.add(cid)
                self.book.duplicates["Customers"] += 1
            return cid
        strong = [k for k in keys if not k.startswith("n:")] or keys
        base = "C-" + short_hash(strong[0] if strong else row.get("Name"))
        cid, n = base, 1
        while "id:" + cid.casefold() in self.index:
            n += 1
            cid = f"{base}-{n}"
        row = {"Customer ID": cid, **{k: v for k, v in row.items() if v is not None}}
        self.book.rows["Customers"].append(row)
        self.created.add(cid)
        self.book.ids["Customers"].add(cid.casefold())
        self.index["id:" + cid.casefold()] = cid
        for key in keys:
            self.index.setdefault(key, cid)
        return cid


def _local(when: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    """A mail's time in the shop's time zone, without tzinfo (Excel has none)."""
    if when is None:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(zone).replace(tzinfo=None)
    return when


def _evidence_kind(name: str, content_type: str = "") -> str:
    ext = PurePosixPath(name.casefold()).suffix.lstrip(".")
    if ext in _KIND_OF_EXTENSION:
        return _KIND_OF_EXTENSION[ext]
    if content_type.startswith("image/"):
        return "photo"
    if content_type.startswith("video/"):
        return "video"
    return "other"


def _link(path: Path, link_base: Path | None) -> str:
    """Where the Evidence row points: relative to ``link_base`` when inside it."""
    if link_base is not None:
        try:
            rel = os.path.relpath(Path(path).resolve(), Path(link_base).resolve())
        except ValueError:  # another drive on Windows
            return Path(path).as_posix()
        if not rel.startswith(".."):
            return Path(rel).as_posix()
    return Path(path).as_posix()


def _fit(text: str, problems: Problems, sheet: str, where: str, line: int) -> str:
    if len(text) <= _EXCEL_TEXT_LIMIT:
        return text
    problems.add(sheet, f"{where}: the message has {len(text):,} characters; an Excel cell "
                 f"holds {_EXCEL_TEXT_LIMIT:,}, so the end was cut.",
                 "Read the full text in the original file.", row=line, column="Message",
                 severity="warning")
    return text[: _EXCEL_TEXT_LIMIT - 1] + "\u2026"


def import_file(wb: WorkbookIO, kind: str, path: Path, *, settings: Settings,
                me: Sequence[str] = (), customer_id: str | None = None,
                channel: str | None = None, evidence_folder: Path | None = None,
                mapping: Mapping[str, str] | Path | None = None,
                link_base: Path | None = None,
                progress: Progress = no_progress) -> ImportResult:
    """Import a chat, mail or order export into the workbook (staged; the caller saves).

    ``kind``: whatsapp (.txt or .zip), eml, mbox, shopify, ebay, tiktok or csv.
    ``me``: author names, phone numbers or e-mail addresses that are the seller (their
    messages get Direction ``out``); the ``seller_name`` setting counts too.
    ``customer_id``: every chat or mail is with this customer (must exist).
    ``evidence_folder``: media and attachments are saved there (one subfolder per
    message); without it, Evidence rows name the files only.
    ``mapping``: for kind csv, ``{our header: their header}`` or the path of a saved one.
    ``link_base``: evidence links are written relative to this folder (the workbook's).

    Example (a face then calls ``wb.save()``)::

        result = import_file(wb, "whatsapp", Path("WhatsApp Chat - Kim.zip"),
                             settings=settings, me=["Kakobuy Shop"],
                             evidence_folder=folder / "evidence", link_base=folder)
        print(result.summary())
    """
    if kind not in IMPORT_KINDS:
        raise ConfigError(f"Unknown import kind '{kind}'. Use one of: "
                          f"{', '.join(IMPORT_KINDS)}.")
    if channel is not None and channel not in CHANNELS:
        raise ConfigError(f"Unknown channel '{channel}'. Use one of: {', '.join(CHANNELS)}.")
    try:
        zone = ZoneInfo(settings.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"Setting 'time_zone' is not a time zone kakobuy knows "
                          f"('{settings.time_zone}'); use a name such as Europe/Berlin.") from None
    name = source_name(path)
    progress("read", 0, 1)
    sheets = _SHEETS_OF.get(kind, _SHOP_SHEETS)
    book = _Workbook(wb, sheets)
    customers = _Customers(book)
    if customer_id is not None:
        found = customers.exists(customer_id)
        if found is None:
            raise ConfigError(f"Customer ID '{customer_id}' is not on the Customers sheet. "
                              "Add the customer first, or leave the customer out and let the "
                              "import match or create one.")
        customer_id = found
    problems = Problems()
    notes: list[str] = []
    seller = [m for m in (*me, settings.seller_name) if m and str(m).strip()]
    if kind == "whatsapp":
        _import_chat(book, customers, Path(path), name, settings, seller, customer_id,
                     channel or "WhatsApp", evidence_folder, link_base, problems, notes,
                     progress)
    elif kind in ("eml", "mbox"):
        _import_mail(book, customers, kind, Path(path), name, zone, seller, customer_id,
                     channel or "Email", evidence_folder, link_base, problems, notes,
                     progress)
    else:
        if isinstance(mapping, (str, Path)):
            mapping = load_mapping(Path(mapping))
        if mapping is not None and kind != "csv":
            raise ConfigError(f"A column mapping is only used with kind 'csv', not '{kind}'.")
        export = read_shop_export(kind, Path(path), mapping, day_first=settings.day_first)
        _import_orders(book, customers, export, name, channel, problems, notes, progress)
    added, excel_rows = book.flush(problems, progress)
    return ImportResult(kind, name, {s: added.get(s, 0) for s in sheets},
                        dict(book.duplicates), problems.frame(), excel_rows, notes)


# ------------------------------------------------------------------ chats
def _import_chat(book: _Workbook, customers: _Customers, path: Path, name: str,
                 settings: Settings, seller: Sequence[str], customer_id: str | None,
                 channel: str, evidence_folder: Path | None, link_base: Path | None,
                 problems: Problems, notes: list[str], progress: Progress) -> None:
    archive = None
    if path.suffix.casefold() == ".zip":
        archive = read_whatsapp_zip(path)
        text = archive.text
    else:
        text, replaced = decode_text(read_bytes(path))
        if replaced:
            problems.add("Interactions", f"'{name}' is not UTF-8; it was read as "
                         "Windows-1252.", "Export the chat again from WhatsApp.",
                         severity="warning")
    chat = parse_whatsapp(text, day_first=settings.day_first, progress=progress)
    if chat.messages.empty and chat.system.empty:
        first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")[:60]
        raise WorkbookError(
            f"'{name}' is not a WhatsApp chat export: no line starts with a date and time "
            f"such as '12/24/19, 11:23 - ' or '[24/12/19 11:23:00]' (first line: '{first}'). "
            "Export the chat from WhatsApp (More > Export chat).")
    for r in chat.problems.itertuples(index=False):
        problems.add("Interactions", f"Line {r.line} of '{name}' {r.why}.",
                     "Check that line in the file; the rest was imported.", row=int(r.line),
                     value=r.text, severity="error")
    me_names = {clean_name(str(m)).casefold() for m in seller}
    me_phones = {p for p in (normalise_phone(str(m)) for m in seller) if p}

    def is_me(author: str) -> bool:
        return author.casefold() in me_names or (normalise_phone(author) or "-") in me_phones

    authors = {a: is_me(a) for a in chat.authors}
    others = [a for a, mine in authors.items() if not mine]
    if seller and not any(authors.values()):
        problems.add("Interactions", f"No author of '{name}' is you ({', '.join(seller)}); "
                     f"every message was imported as incoming. Authors: "
                     f"{', '.join(chat.authors[:6])}.",
                     "Give your name exactly as the chat shows it (option me).",
                     severity="warning")
    notes.append(f"Dates read as {chat.date_order}: {chat.date_order_how}.")
    if len(chat.system):
        notes.append(f"{len(chat.system):,} WhatsApp system lines (group changes, security "
                     "notices) were left out.")

    author_customer: dict[str, str | None] = {}

    def customer_of(author: str) -> str:
        if author not in author_customer:
            phone = normalise_phone(author)
            keys = ["p:" + phone] if phone else [handle_key("whatsapp", author),
                                                 "n:" + author.casefold()]
            row = {"Name": None if phone else author, "Channel": channel,
                   "Contact": phone, "Platform Handles": None if phone else
                   f"whatsapp:{author}",
                   "Country": _region_of(phone)}
            author_customer[author] = customers.resolve(keys, row)
        return author_customer[author]  # type: ignore[return-value]

    # Outgoing messages of a one-to-one chat belong to the one other person.
    partner = customer_id or (customer_of(others[0]) if len(others) == 1 else None)
    seen: dict[tuple, int] = {}
    msgs = chat.messages
    total = len(msgs)
    for i, (line, when, author, body, media) in enumerate(zip(
            msgs["line"].tolist(), msgs["timestamp"].tolist(), msgs["author"].tolist(),
            msgs["text"].tolist(), msgs["media"].tolist())):
        key = (when, author, body)
        seen[key] = seen.get(key, 0) + 1
        mine = authors[author]
        iid = "WA-" + short_hash("whatsapp", when.isoformat(), author, body, seen[key])
        cid = customer_id or (partner if mine else customer_of(author))
        book.add("Interactions", {
            "Interaction ID": iid, "Timestamp": when, "Customer ID": cid, "Channel": channel,
            "Direction": "out" if mine else "in", "Handler": author if mine else None,
            "Message": _fit(body, problems, "Interactions", f"Line {line} of '{name}'", line),
            "Status": "sent" if mine else None,
        })
        if media:
            _chat_evidence(book, archive, iid, media, when, author, line, name,
                           evidence_folder, link_base, problems)
        if i % 5000 == 0:
            progress("import chat", i, total)
    progress("import chat", total, total)


def _region_of(phone: str | None) -> str | None:
    if not phone:
        return None
    import phonenumbers

    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(phone)) or None
    except phonenumbers.NumberParseException:
        return None


def _chat_evidence(book: _Workbook, archive: Any, iid: str, media: str, when: dt.datetime,
                   author: str, line: int, name: str, evidence_folder: Path | None,
                   link_base: Path | None, problems: Problems) -> None:
    link = media
    where = f"named in line {line} of '{name}'"
    if archive is not None and media in archive.media:
        where = f"in '{name}', line {line}"
        if evidence_folder is not None:
            saved = save_file(evidence_folder, iid, media, archive.media_bytes(media))
            link = _link(saved, link_base)
    elif archive is not None:
        problems.add("Evidence", f"Line {line} of '{name}' names the file '{media}', which "
                     "is not in the archive.", "Export the chat again 'with media'.",
                     row=line, column="File or Link", value=media, severity="warning")
    kind = _evidence_kind(media)
    book.add("Evidence", {
        "Evidence ID": "EV-" + short_hash("whatsapp", iid, media), "Kind": kind,
        "File or Link": link, "Description": f"WhatsApp {kind} from {author} ({where})",
        "Added At": when, "Added By": author,
    })


# ------------------------------------------------------------------ mail
def _import_mail(book: _Workbook, customers: _Customers, kind: str, path: Path, name: str,
                 zone: ZoneInfo, seller: Sequence[str], customer_id: str | None,
                 channel: str, evidence_folder: Path | None, link_base: Path | None,
                 problems: Problems, notes: list[str], progress: Progress) -> None:
    if kind == "eml":
        data = read_bytes(path)
        if not data.strip():
            raise WorkbookError(f"'{name}' is empty. Save the e-mail again (as .eml) and "
                                "import that file.")
        mails = [parse_eml(data, save_to=evidence_folder)]
    else:
        parsed = parse_mbox(path, save_to=evidence_folder)
        mails = parsed.messages
        for r in parsed.problems.itertuples(index=False):
            problems.add("Interactions", f"Line {r.line} of '{name}': {r.why}.",
                         "Check that mail in your mail program; the rest was imported.",
                         row=int(r.line), value=r.text, severity="error")
        if not mails and not len(parsed.problems):
            raise WorkbookError(f"'{name}' holds no e-mail. Export the mailbox again as .mbox.")
    me_keys = {str(m).strip().casefold() for m in seller}
    me_addresses = {normalise_email(str(m)) for m in seller} - {None}
    total = len(mails)
    for i, mail in enumerate(mails):
        _import_one_mail(book, customers, mail, name, zone, me_keys, me_addresses,
                         customer_id, channel, link_base, problems)
        if i % 1000 == 0:
            progress("import mail", i, total)
    progress("import mail", total, total)


def _import_one_mail(book: _Workbook, customers: _Customers, mail: MailMessage, name: str,
                     zone: ZoneInfo, me_keys: set[str], me_addresses: set[Any],
                     customer_id: str | None, channel: str, link_base: Path | None,
                     problems: Problems) -> None:
    where = f"Line {mail.line} of '{name}'" if mail.line > 1 else f"'{name}'"
    for why in mail.problems:
        problems.add("Interactions", f"{where}: the e-mail '{mail.subject}' - {why}.",
                     "Check the mail; it was imported with what could be read.",
                     row=mail.line, severity="warning")
    mine = mail.sender in me_addresses or mail.sender_name.casefold() in me_keys \
        or mail.sender in me_keys
    if customer_id:
        cid: str | None = customer_id
    else:
        other = mail.sender if not mine else next(
            (a for a in mail.to if a not in me_addresses), None)
        cid = None
        if other:
            row = {"Name": (mail.sender_name or None) if not mine else None,
                   "Channel": channel, "Contact": other}
            cid = customers.resolve(["e:" + other], row)
    body = strip_quoted(mail.body)
    text = f"{mail.subject}\n\n{body}".strip() if mail.subject else body
    iid = "EM-" + short_hash("mail", mail.key)
    book.add("Interactions", {
        "Interaction ID": iid, "Timestamp": _local(mail.date, zone), "Customer ID": cid,
        "Channel": channel, "Direction": "out" if mine else "in",
        "Handler": (mail.sender_name or mail.sender) if mine else None,
        "Message": _fit(text, problems, "Interactions", where, mail.line),
        "Status": "sent" if mine else None,
    })
    for att in mail.attachments:
        link = _link(att.saved, link_base) if att.saved is not None else att.name
        kind = _evidence_kind(att.name, att.content_type)
        book.add("Evidence", {
            "Evidence ID": "EV-" + short_hash("mail", mail.key, att.name, att.sha256),
            "Kind": kind, "File or Link": link,
            "Description": f"Attachment '{att.name}' ({att.size:,} bytes) of the e-mail "
                           f"'{mail.subject}' from {mail.sender or 'unknown sender'}",
            "Added At": _local(mail.date, zone),
            "Added By": (mail.sender_name or mail.sender) if mine else None,
        })


# ------------------------------------------------------------------ orders
def _plain(value: Any) -> Any:
    """None for every kind of missing value; Python datetimes for timestamps."""
    if isinstance(value, list):
        return value
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _as_date(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return None


def _platform(value: Any, default: str | None) -> str | None:
    if not isinstance(value, str):
        return default
    key = value.replace(" ", "").casefold()
    return next((p for p in PLATFORMS if p.replace(" ", "").casefold() == key), default)


def _import_orders(book: _Workbook, customers: _Customers, export: ShopExport, name: str,
                   channel: str | None, problems: Problems, notes: list[str],
                   progress: Progress) -> None:
    for r in export.problems.itertuples(index=False):
        skipped = "skipped" in r.why
        where = f"Line {r.line} of '{name}'" + (f", column '{r.column}'" if r.column else "")
        text = f"{where}: '{r.value}' {r.why}." if r.value and not skipped else \
            f"{where} {r.why}."
        problems.add("Orders", text, "Check that line in the export; the rest was imported.",
                     row=int(r.line), column=r.column or "", value=r.value or None,
                     severity="error" if skipped else "warning")
    orders = export.orders
    total = len(orders)
    cases = {k for k in id_key(book.column("Disputes", "Platform Case ID")).tolist() if k}
    if not total:
        notes.append(f"'{name}' has no order lines.")
        return
    for i, rec in enumerate(orders.to_dict("records")):
        rec = {k: _plain(v) for k, v in rec.items()}
        platform = _platform(rec.get("platform"), export.platform)
        if rec.get("platform") and _platform(rec["platform"], None) is None:
            problems.add("Orders", f"Line {rec['line']} of '{name}': platform "
                         f"'{rec['platform']}' is not one kakobuy knows; Platform left empty.",
                         f"Use one of: {', '.join(PLATFORMS)}.", row=rec["line"],
                         column="Platform", value=rec["platform"], severity="warning")
        cid = _order_customer(customers, rec, platform, channel)
        order_id = str(rec["order_id"])
        book.add("Orders", {
            "Order ID": order_id, "Customer ID": cid, "Platform": platform,
            "Order Date": _as_date(rec.get("order_date")), "Product": rec.get("product"),
            "SKU": rec.get("sku"), "Qty": rec.get("qty"),
            "Order Value": rec.get("order_value"), "Currency": rec.get("currency"),
            "Shipping Cost": rec.get("shipping_cost"),
            "Product Cost": rec.get("product_cost"), "Carrier": rec.get("carrier"),
            "Tracking No": rec.get("tracking_no"), "Ship Date": _as_date(rec.get("ship_date")),
            "Destination Country": country_code(rec.get("destination_country")) or
            rec.get("destination_country"),
            "Expected Delivery": _as_date(rec.get("expected_delivery")),
            "Delivered Date": _as_date(rec.get("delivered_date")),
            "Status": rec.get("status"), "Group Buy ID": rec.get("group_buy_id"),
        })
        dispute = _dispute_of(export.kind, rec, platform, cid)
        if dispute is not None:
            case = dispute.get("Platform Case ID")
            if case and case.strip().casefold() in cases:
                book.duplicates["Disputes"] += 1  # the user already typed this case in
            else:
                book.add("Disputes", dispute)
        if i % 2000 == 0:
            progress("import orders", i, total)
    progress("import orders", total, total)


def _order_customer(customers: _Customers, rec: Mapping[str, Any], platform: str | None,
                    channel: str | None) -> str | None:
    given = rec.get("customer_id")
    country = country_code(rec.get("country")) or country_code(rec.get("destination_country"))
    email = normalise_email(rec.get("email"))
    phone = normalise_phone(rec.get("phone"), country)
    handle = rec.get("handle")
    handle_platform = platform or "*"
    if isinstance(handle, str) and ":" in handle:
        handle_platform, handle = (s.strip() for s in handle.split(":", 1))
    keys = []
    if given:
        keys.append("id:" + str(given).strip().casefold())
    if handle:
        keys.append(handle_key(handle_platform, handle))
    if email:
        keys.append("e:" + email)
    if phone:
        keys.append("p:" + phone)
    if not keys:
        return None
    short = {"TikTok Shop": "tiktok"}.get(handle_platform, handle_platform.casefold()) \
        if handle_platform != "*" else ""
    row = {
        "Name": rec.get("customer_name"), "Country": country,
        "Channel": channel or (platform if platform in CHANNELS else None),
        "Contact": email or phone,
        "Platform Handles": (f"{short}:{handle}" if short else handle) if handle else None,
    }
    if given and customers.exists(str(given)) is None:
        # The export names its own customer ID: keep it.
        cid = str(given).strip()
        customers.book.rows["Customers"].append({"Customer ID": cid, **{
            k: v for k, v in row.items() if v is not None}})
        customers.created.add(cid)
        customers.book.ids["Customers"].add(cid.casefold())
        for key in keys:
            customers.index.setdefault(key, cid)
        return cid
    return customers.resolve(keys, row)


_REFUND_WORDS = ("refund", "return", "退款", "退货", "คืน", "dispute", "chargeback", "case")
_DONE_WORDS = ("complete", "closed", "resolved", "refunded", "won", "lost", "已退款", "完成",
               "สำเร็จ", "คืนเงินแล้ว", "hoàn thành", "selesai")


def _dispute_of(kind: str, rec: Mapping[str, Any], platform: str | None,
                cid: str | None) -> dict[str, Any] | None:
    """A Disputes row when the export shows a return, refund or dispute on the order."""
    reason = rec.get("dispute_reason")
    status_text = rec.get("dispute_status")
    return_type = rec.get("return_type")
    refund = rec.get("refund_amount")
    case = rec.get("case_id")
    financial = (rec.get("financial_status") or "").casefold()
    signals = []
    if reason or case:
        signals.append("dispute")
    if isinstance(return_type, str) and any(w in return_type.casefold() for w in
                                            _REFUND_WORDS):
        signals.append(return_type)
    if isinstance(status_text, str) and kind == "tiktok" and any(
            w in status_text.casefold() for w in _REFUND_WORDS):
        signals.append(status_text)
    if kind != "tiktok" and status_text:
        signals.append(status_text)
    if financial in ("refunded", "partially_refunded"):
        signals.append(financial)
    if refund:
        signals.append("refund")
    if rec.get("return_qty"):
        signals.append("return")
    if not signals:
        return None
    value = rec.get("order_value")
    done = financial in ("refunded", "partially_refunded") or (
        isinstance(status_text, str) and any(w in status_text.casefold() for w in _DONE_WORDS))
    resolution = None
    if done and (refund or financial):
        full = financial == "refunded" or (refund and value and refund >= value - 0.005)
        resolution = "full_refund" if full else "partial_refund"
    what = " / ".join(dict.fromkeys(str(s) for s in (return_type, reason) if s)) or \
        ("refund" if refund or financial else "dispute")
    details = [f"{platform or 'Order'} {rec['order_id']}: {what}"]
    if status_text:
        details.append(f"status: {status_text}")
    if financial:
        details.append(f"financial status: {financial}")
    if refund:
        details.append(f"refunded {refund:g}" + (f" {rec['currency']}" if rec.get("currency")
                                                  else ""))
    if rec.get("product"):
        details.append(f"items: {rec['product']}")
    return {
        "Dispute ID": "D-" + short_hash(kind, platform, rec["order_id"], case),
        "Opened At": rec.get("dispute_opened"), "Customer ID": cid,
        "Order ID": str(rec["order_id"]), "Platform": platform, "Platform Case ID": case,
        "Description": "; ".join(details), "Type": dispute_type_of(reason or return_type),
        "Status": "resolved" if done else "open",
        "Resolution": resolution,
        "Resolution Amount": refund if resolution else None,
        "Resolved At": None,
    }
