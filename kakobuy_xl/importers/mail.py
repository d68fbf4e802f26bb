"""Parse e-mail: single ``.eml`` files and ``.mbox`` archives (stdlib ``email``).

The plain-text part is preferred; when a mail has only HTML, it is turned into text.
Attachments are listed with their names and sizes and saved only when the caller gives
a folder (``save_to``), each mail's files in a subfolder named after the mail's id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from .sources import Source, read_bytes, save_file, source_name

PROBLEM_COLUMNS = ["line", "text", "why"]


@dataclass
class Attachment:
    """One attached file: its name, type and size; ``saved`` once written to disk."""

    name: str
    content_type: str
    size: int
    sha256: str
    saved: Path | None = None


@dataclass
class MailMessage:
    """One e-mail, reduced to what the Interactions and Evidence sheets need."""

    message_id: str
    date: dt.datetime | None  # timezone-aware when the mail said its offset
    sender: str  # address, lower-case
    sender_name: str
    to: list[str]
    subject: str
    body: str
    attachments: list[Attachment] = field(default_factory=list)
    line: int = 1  # first line of the mail in its file
    problems: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """A stable identity: the Message-ID, else a hash of what the mail says."""
        if self.message_id:
            return self.message_id.strip("<> ").casefold()
        when = self.date.isoformat() if self.date else ""
        raw = "\x1f".join((when, self.sender, self.subject, self.body))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass
class MailParse:
    """The mails of an archive and the lines that could not be read."""

    messages: list[MailMessage]
    problems: pd.DataFrame


class _TextFromHtml(HTMLParser):
    _BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table",
              "blockquote", "section", "article", "header", "footer", "hr"}
    _SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._SKIP:
            self.skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable text of an HTML mail body.

    >>> html_to_text("<p>Hello&nbsp;<b>Kim</b></p><p>Where is it?</p><style>p{}</style>")
    'Hello Kim\\n\\nWhere is it?'
    """
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\u00a0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_QUOTE_INTRO = re.compile(r"^(On .{5,200} wrote:|Am .{5,200} schrieb .{1,80}:|"
                          r"Le .{5,200} a écrit ?:|-----Original Message-----)\s*$")


def strip_quoted(body: str) -> str:
    """Drop the quoted earlier mail at the end of a reply (``> ...`` lines and the
    "On ... wrote:" line), so each Interactions row holds only what was new."""
    lines = body.rstrip().split("\n")
    end = len(lines)
    while end and (lines[end - 1].startswith(">") or not lines[end - 1].strip()):
        end -= 1
    if end < len(lines) and end and _QUOTE_INTRO.match(lines[end - 1].strip()):
        end -= 1
    if end == 0:
        return body.strip()  # the whole mail is a quote: keep it rather than nothing
    return "\n".join(lines[:end]).rstrip()


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except (ValueError, TypeError, IndexError, AttributeError):
        # A header the modern policy cannot parse: fall back to its raw text.
        raw = msg.get_all(name, failobj=[None])  # type: ignore[arg-type]
        value = raw[0] if raw else None
    return "" if value is None else str(value)


def _body(msg: EmailMessage) -> str:
    for kind in ("plain", "html"):
        try:
            part = msg.get_body(preferencelist=(kind,))
        except (KeyError, LookupError):
            part = None
        if part is None:
            continue
        try:
            content = part.get_content()
        except (LookupError, ValueError, AssertionError):
            payload = part.get_payload(decode=True) or b""
            content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) \
                else str(payload)
        if not isinstance(content, str):
            continue
        return html_to_text(content) if kind == "html" else content.replace("\r\n", "\n")
    return ""


_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf",
               "image/gif": ".gif", "video/mp4": ".mp4", "text/plain": ".txt"}


def parse_eml(data: bytes, *, save_to: Path | None = None, line: int = 1) -> MailMessage:
    """Parse one e-mail (the bytes of an ``.eml`` file).

    With ``save_to``, attachments are written to ``save_to/<mail id>/<file name>``.

    >>> m = parse_eml(b"From: Kim <kim@example.com>\\nSubject: Hi\\n\\nWhere is my parcel?\\n")
    >>> m.sender, m.sender_name, m.subject, m.body
    ('kim@example.com', 'Kim', 'Hi', 'Where is my parcel?')
    """
    msg = BytesParser(policy=policy.default).parsebytes(data)
    problems: list[str] = []
    name, address = parseaddr(_header(msg, "From"))
    to = [a.casefold() for _, a in getaddresses([_header(msg, "To"), _header(msg, "Cc")]) if a]
    date_text = _header(msg, "Date")
    date: dt.datetime | None = None
    if date_text:
        try:
            date = parsedate_to_datetime(date_text)
        except (TypeError, ValueError, IndexError):
            problems.append(f"its Date header '{date_text}' cannot be read; the time is "
                            "left empty")
    if not address:
        problems.append("it has no sender address (From)")
    mail = MailMessage(
        message_id=_header(msg, "Message-ID").strip(), date=date, sender=address.casefold(),
        sender_name=" ".join(name.split()), to=to, subject=" ".join(_header(msg, "Subject").split()),
        body=_body(msg).strip(), line=line, problems=problems)
    folder_name = "mail-" + hashlib.sha256(mail.key.encode()).hexdigest()[:10]
    for i, part in enumerate(msg.iter_attachments(), 1):
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue  # a forwarded mail (message/rfc822) has no file of its own
        ctype = part.get_content_type()
        fname = part.get_filename() or f"attachment-{i}{_EXTENSIONS.get(ctype, '.bin')}"
        att = Attachment(fname, ctype, len(payload), hashlib.sha256(payload).hexdigest())
        if save_to is not None:
            att.saved = save_file(save_to, folder_name, fname, payload)
        mail.attachments.append(att)
    return mail


# "From kim@example.com Sat Jan  3 01:05:34 1996": a sender, then a date with a time,
# so a body line such as "From the start, ..." is not mistaken for a separator.
_FROM_LINE = re.compile(rb"^From \S+ .*\d{1,2}:\d{2}")
_ESCAPED_FROM = re.compile(rb"^>+From ")


def split_mbox(data: bytes) -> list[tuple[int, bytes]]:
    """Split an mbox archive into (line of its ``From`` separator, mail bytes).

    A separator is a line starting with ``From `` at the top of the file or after an
    empty line; ``>From`` lines written by the mboxrd convention lose one ``>``.
    """
    mails: list[tuple[int, bytes]] = []
    current: list[bytes] | None = None
    start = 0
    previous_blank = True
    for number, raw in enumerate(data.splitlines(keepends=True), 1):
        if previous_blank and raw.startswith(b"From ") and _FROM_LINE.match(raw):
            if current is not None:
                mails.append((start, b"".join(current)))
            current, start = [], number
            previous_blank = False
            continue
        previous_blank = not raw.strip()
        if current is None:
            current, start = [], number  # no separator at the top: one mail
        if raw.startswith(b">") and _ESCAPED_FROM.match(raw):
            raw = raw[1:]
        current.append(raw)
    if current is not None and b"".join(current).strip():
        mails.append((start, b"".join(current)))
    return mails


def parse_mbox(source: Source | str, *, save_to: Path | None = None) -> MailParse:
    """Parse every mail of an ``.mbox`` archive (a path, or its bytes).

    A mail that cannot be read is reported with the line of its ``From`` separator and
    skipped; the rest are returned.
    """
    name = source_name(source, "the archive")
    problems: list[tuple[int, str, str]] = []
    messages: list[MailMessage] = []
    for line, chunk in split_mbox(read_bytes(source)):
        try:
            mail = parse_eml(chunk, save_to=save_to, line=line)
        except (ValueError, LookupError, TypeError, AttributeError) as exc:
            first = chunk.split(b"\n", 1)[0].decode("utf-8", errors="replace")
            problems.append((line, first, f"this mail of '{name}' cannot be read ({exc}); "
                                          "skipped"))
            continue
        if not mail.sender and not mail.subject and mail.date is None:
            first = chunk.strip().split(b"\n", 1)[0].decode("utf-8", errors="replace")
            problems.append((line, first, "is not an e-mail (no sender, subject or date); "
                                          "skipped"))
            continue
        messages.append(mail)
    return MailParse(messages, pd.DataFrame(problems, columns=PROBLEM_COLUMNS))
