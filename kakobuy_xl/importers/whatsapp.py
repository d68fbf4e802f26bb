"""Parse WhatsApp chat exports (the ``.txt`` written by More > Export chat).

WhatsApp writes each message as a header (date, time, author) and the text, which may
run over several lines. The header depends on the phone and its locale::

    12/24/19, 11:23 - John Doe: text            Android, month first, 24 h
    24/12/2019, 11:23 p. m. - John Doe: text    Android, day first, 12 h
    2022/12/14, 13:34. - John Doe: text         Android, year first, dot after the time
    [09/10/22 11:37:00 p.m.] John Doe: text     iOS, brackets, seconds
    [10.21.21, 15:21:45] John Doe: text         iOS, dots

Whether ``03/04/21`` is the 3rd of April or the 4th of March is decided once for the
whole file: a first number above 12 means day first, a second number above 12 means
month first; when no date decides it, the caller's ``day_first`` is used (from the
``date_order`` setting). Real exports carry invisible marks (U+200E before attachments,
U+202F before "PM", U+202A/U+202C around phone numbers); they are removed from headers
and authors.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

MESSAGE_COLUMNS = ["line", "timestamp", "author", "text", "media", "media_omitted"]
SYSTEM_COLUMNS = ["line", "timestamp", "text"]
PROBLEM_COLUMNS = ["line", "text", "why"]

# Direction and embedding marks, BOM, zero-width: never part of a name or a header.
_INVISIBLE = re.compile("[\ufeff\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile("[\u00a0\u202f\u2007\u2009]")

_HEADER = re.compile(
    r"(?P<open>\[)?"
    r"(?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})"
    r",?\s+"
    r"(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?"
    r"\.?\s*"
    r"(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?"
    r"(?(open)\s*\]\s?|\s*[-\u2013]\s)"
)

# "<Media omitted>" (Android, localised) and "image omitted" (iOS).
_OMITTED = re.compile(
    r"<[^<>]*(?:omit|ausgeschlossen|omis|weggelaten|ocult|omess|pominięt|"
    r"пропущен|dihilangkan|bỏ qua)[^<>]*>|"
    r"(?:image|video|audio|sticker|GIF|document|Contact card) omitted",
    re.IGNORECASE,
)
# iOS: "<attached: 00000012-PHOTO-2020-01-01-12-00-00.jpg>" (label localised).
_ATTACHED_IOS = re.compile(r"<[^<>:]{2,24}:\s*(?P<f>[^<>]+?\.[A-Za-z0-9]{2,5})\s*>")
# Android: "IMG-20200101-WA0001.jpg (file attached)" (phrase localised).
_ATTACHED_ANDROID = re.compile(r"(?P<f>[^()<>/\\]+?\.[A-Za-z0-9]{2,5}) \((?P<p>[^()\d]{3,30})\)")


@dataclass
class ChatParse:
    """What :func:`parse_whatsapp` found.

    ``messages``: line, timestamp, author, text, media (file name or None), media_omitted.
    ``system``: line, timestamp, text (group created, encryption notice, ...).
    ``problems``: line, text, why - lines that were skipped.
    ``date_order``: ``"DMY"``, ``"MDY"`` or ``"YMD"``; ``date_order_how`` says why.
    """

    messages: pd.DataFrame
    system: pd.DataFrame
    problems: pd.DataFrame
    date_order: str
    date_order_how: str
    lines: int = 0
    authors: list[str] = field(default_factory=list)

    @property
    def day_first(self) -> bool:
        return self.date_order == "DMY"


def clean_name(text: str) -> str:
    """An author as shown: invisible marks removed, spaces normalised."""
    return " ".join(_SPACES.sub(" ", _INVISIBLE.sub("", text)).split())


def _clean_text(text: str) -> str:
    # Odd spaces become plain ones; invisible marks only go at the edges, since
    # right-to-left messages may need them inside.
    return _SPACES.sub(" ", text).strip().strip("\u200e\u200f\ufeff").strip()


def _is_author(prefix: str) -> bool:
    # System lines ("X changed the subject to "a: b"") may hold a colon; authors are
    # short and never quoted.
    return 0 < len(prefix) <= 80 and '"' not in prefix and "\u201c" not in prefix


def _decide_order(headers: list[tuple], day_first: bool | None) -> tuple[str, str]:
    """Date order of the whole file: a number above 12 decides, else the caller."""
    year_first = sum(1 for h in headers if len(h[1]) == 4)
    if headers and year_first > len(headers) / 2:
        return "YMD", "the dates start with a four-digit year"
    first_big = next((h for h in headers if len(h[1]) < 3 and int(h[1]) > 12), None)
    second_big = next((h for h in headers if len(h[1]) < 3 and int(h[2]) > 12), None)
    if first_big and not second_big:
        return "DMY", f"line {first_big[0]} has {first_big[1]} as its first number (a day)"
    if second_big and not first_big:
        return "MDY", f"line {second_big[0]} has {second_big[2]} as its second number (a day)"
    if first_big and second_big:
        n_first = sum(1 for h in headers if len(h[1]) < 3 and int(h[1]) > 12)
        n_second = sum(1 for h in headers if len(h[1]) < 3 and int(h[2]) > 12)
        order = "DMY" if n_first >= n_second else "MDY"
        return order, (f"dates disagree ({n_first} lines are day first, {n_second} month "
                       f"first); the majority wins")
    fallback = True if day_first is None else day_first
    return ("DMY" if fallback else "MDY"), (
        "no date has a number above 12; " + ("day first" if fallback else "month first") +
        (" assumed" if day_first is None else " from the date_order setting"))


def _media_of(text: str) -> tuple[str | None, bool]:
    first = _INVISIBLE.sub("", text.split("\n", 1)[0]).strip()
    m = _ATTACHED_IOS.search(first)
    if m:
        return m.group("f").strip(), False
    m = _ATTACHED_ANDROID.fullmatch(first)
    if m:
        return m.group("f").strip(), False
    if _OMITTED.fullmatch(first):
        return None, True
    return None, False


def parse_whatsapp(text: str, *, day_first: bool | None = None,
                   progress: Callable[[str, int, int], None] | None = None) -> ChatParse:
    """Parse the text of a WhatsApp export into messages, system lines and problems.

    ``day_first`` is used only when no date in the file decides the order.

    >>> p = parse_whatsapp("12/24/19, 11:23 - Ann: hi\\nthere\\n1/2/20, 9:05 - Bob: ok")
    >>> p.date_order, p.messages["text"].tolist()
    ('MDY', ['hi\\nthere', 'ok'])
    """
    raw_lines = text.splitlines()
    n = len(raw_lines)
    # Pass 1: find headers (cheap check first: headers start with a digit or "[").
    heads: list[tuple] = []  # (line, a, b, c, H, M, S, ampm, rest)
    kinds: list[int] = [0] * n  # index into heads + 1, or 0 for a continuation line
    match = _HEADER.match
    for i, raw in enumerate(raw_lines):
        if not raw:
            continue
        line = raw
        if not ("0" <= line[0] <= "9" or line[0] == "["):
            line = _INVISIBLE.sub("", line)
            if not line or not ("0" <= line[0] <= "9" or line[0] == "["):
                continue
        if "\u202f" in line[:40] or "\u00a0" in line[:40]:
            line = _SPACES.sub(" ", line)
        m = match(line)
        if m is None:
            continue
        g = m.group
        heads.append((i + 1, g("a"), g("b"), g("c"), g("H"), g("M"), g("S"), g("ampm"),
                      line[m.end():]))
        kinds[i] = len(heads)
        if progress is not None and i % 20000 == 0:
            progress("parse chat", i, n)
    order, how = _decide_order(heads, day_first)

    lines_m: list[int] = []
    stamps: list[dt.datetime] = []
    authors: list[str] = []
    texts: list[list[str]] = []
    media: list[str | None] = []
    omitted: list[bool] = []
    sys_rows: list[list] = []
    problems: list[tuple[int, str, str]] = []
    current: list[str] | None = None
    skipping = False
    orphan_start: int | None = None

    def stamp(h: tuple) -> dt.datetime:
        a, b, c = int(h[1]), int(h[2]), int(h[3])
        if order == "YMD":
            y, mo, d = a, b, c
        elif order == "DMY":
            d, mo, y = a, b, c
        else:
            mo, d, y = a, b, c
        if y < 100:
            y += 2000
        hh, mm, ss = int(h[4]), int(h[5]), int(h[6] or 0)
        if h[7]:
            pm = h[7][0] in "pP"
            if pm and hh < 12:
                hh += 12
            elif not pm and hh == 12:
                hh = 0
        return dt.datetime(y, mo, d, hh, mm, ss)

    for i, raw in enumerate(raw_lines):
        k = kinds[i]
        if k == 0:
            if current is not None:
                current.append(raw)
            elif not skipping and raw.strip():
                if orphan_start is None:
                    orphan_start = i + 1
                    problems.append((i + 1, raw, "comes before the first message (no date "
                                     "and time at its start); skipped"))
            continue
        h = heads[k - 1]
        try:
            when = stamp(h)
        except ValueError:
            problems.append((h[0], raw, "starts like a message but its date or time does "
                             f"not exist when read as {order}; the message is skipped"))
            current, skipping = None, True
            continue
        skipping = False
        rest = h[8]
        colon = rest.find(":")
        prefix = rest[:colon] if colon > 0 else ""
        author = clean_name(prefix) if prefix else ""
        if colon > 0 and author and _is_author(prefix):
            body = rest[colon + 1:]
            if body.startswith(" "):
                body = body[1:]
            current = [body]
            lines_m.append(h[0])
            stamps.append(when)
            authors.append(author)
            texts.append(current)
        else:
            current = [rest]
            sys_rows.append([h[0], when, current])
    if progress is not None:
        progress("parse chat", n, n)

    joined = [_clean_text("\n".join(t)) for t in texts]
    for t in joined:
        f, o = _media_of(t) if t else (None, False)
        media.append(f)
        omitted.append(o)
    messages = pd.DataFrame({
        "line": pd.Series(lines_m, dtype="int64"), "timestamp": pd.Series(stamps, dtype=object),
        "author": pd.Series(authors, dtype=object), "text": pd.Series(joined, dtype=object),
        "media": pd.Series(media, dtype=object), "media_omitted": pd.Series(omitted, dtype=bool),
    }, columns=MESSAGE_COLUMNS)
    system = pd.DataFrame(
        [[r[0], r[1], _clean_text("\n".join(r[2]))] for r in sys_rows], columns=SYSTEM_COLUMNS)
    probs = pd.DataFrame(problems, columns=PROBLEM_COLUMNS)
    seen: dict[str, None] = dict.fromkeys(authors)
    return ChatParse(messages, system, probs, order, how, n, list(seen))
