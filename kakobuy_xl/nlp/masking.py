"""Hide personal data and codes from a translation provider, and put them back after.

``mask`` replaces e-mail addresses, links, phone numbers, order and tracking numbers,
street addresses, the names it is given and template placeholders (``{order_id}``) by
numbered tokens ``[[1]]``, ``[[2]]``...; ``unmask`` puts the originals back.

Why ``[[n]]``: machine-translation engines leave digits in brackets alone far more
reliably than XML-ish tags (which some engines drop or translate the attributes of) or
words such as ``__NAME__`` (which get translated or re-cased). What engines do change --
spaces inside the brackets, full-width ``［［１］］`` or ``【1】`` in Chinese and Japanese
output, the order of tokens, a single bracket -- ``unmask`` tolerates.

Equal values share one token and tokens are numbered in reading order, so two messages
that differ only in their order number mask to the same text (one request, one cache entry).

Street addresses are best effort: a house number next to a street word in several
languages (``12 Main Street``, ``Hauptstraße 5``, ``12 rue de la Paix``, ``Calle Mayor 3``,
``ul. Długa 5``, ``Atatürk Cad. No: 5``, ``ул. Ленина, д. 5``, ``南京东路100号``,
``神南1-2-3``, ``테헤란로 123``, ``Jl. Sudirman No. 5``, ``ถนนสุขุมวิท``, ``شارع ...``).
Known values (the customer's address from the Customers sheet, for example) are best
passed in ``names`` so they are hidden verbatim.

>>> masked, tokens = mask("Mail anna@example.com about order ORD-20250611", names=["Anna"])
>>> masked
'Mail [[1]] about order [[2]]'
>>> unmask("Schreiben Sie an ［［1］］ wegen Bestellung [[ 2 ]]", tokens)
'Schreiben Sie an anna@example.com wegen Bestellung ORD-20250611'
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

# One bracketed number, as we write it or as an engine may return it: [[1]], [[ 1 ]],
# ［［１］］, 【1】, [1]. \d matches full-width and Arabic-Indic digits; int() reads them.
_OPEN = "[\\[［【〔〖]"
_CLOSE = "[\\]］】〕〗]"
TOKEN_RE = re.compile(rf"{_OPEN}\s*{_OPEN}?\s*(\d{{1,4}})\s*{_CLOSE}?\s*{_CLOSE}")

# Letters of scripts that separate words with spaces: a Latin name must not be found
# inside a longer word, but a Chinese, Japanese, Korean or Thai name has no spaces around it.
_SPACED = "0-9A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0370-\u03ff\u0400-\u04ff\u0600-\u06ff"
_NOT_AFTER = rf"(?<![{_SPACED}])"
_NOT_BEFORE = rf"(?![{_SPACED}])"
_ASCII_EDGE_L = r"(?<![A-Za-z0-9])"
_ASCII_EDGE_R = r"(?![A-Za-z0-9])"

PLACEHOLDER_RE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:\|[^{}\n]*)?\}")
URL_RE = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"'，。、）)\]]+", re.IGNORECASE)
EMAIL_RE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}")
# A phone number: optional +/00 and area code in brackets, digits with separators; the
# digit count (7-15, the E.164 limit) and the exclusions below decide.
PHONE_RE = re.compile(
    r"(?<![\w+\-/])(?:\+|\(\+?)?\d[\d \u00a0\-./()]{5,22}\d(?![\d])")
# An order or tracking number: letters and digits (and - or _), 8+ characters, 4+ digits.
ID_RE = re.compile(
    _ASCII_EDGE_L + r"(?=(?:[A-Za-z\-_]*\d){4})[A-Za-z0-9][A-Za-z0-9\-_]{6,}[A-Za-z0-9]"
    + _ASCII_EDGE_R)
_DATE_RE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")
_MONEY_RE = re.compile(r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+[.,]\d{1,2}")

_CAP = "[A-ZÀ-ÝĀ-ŽА-ЯЁ]"
_WORD = r"[\w'’.\-]*"
_NUM = r"\d{1,5}[A-Za-z]?(?:[/\-]\d{1,4}[A-Za-z]?)?"
_ADDRESS_PATTERNS = [
    # English: 12 Main Street, 5B Baker St.
    rf"{_NUM},?\s+(?:{_CAP}{_WORD}\s+){{1,4}}(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|"
    rf"Boulevard|Blvd\.?|Lane|Ln\.?|Drive|Dr\.?|Court|Ct\.?|Way|Place|Pl\.?|Terrace|Close|"
    rf"Crescent|Highway|Hwy\.?)(?![\w])",
    # German / Dutch: Hauptstraße 5, Berliner Str. 12a, Keizersgracht 123
    rf"(?:{_CAP}{_WORD}\s+)?{_CAP}[\wäöüß\-]*(?:straße|strasse|str\.|weg|gasse|allee|platz|"
    rf"ring|damm|ufer|straat|laan|gracht|plein|kade|steeg|singel)\s+{_NUM}(?![\w])",
    rf"{_CAP}{_WORD}\s+(?:Straße|Strasse|Str\.|Weg|Allee|Platz)\s+{_NUM}(?![\w])",
    # French: 12 rue de la Paix, 3 bis avenue Victor Hugo
    rf"{_NUM}(?:\s?(?:bis|ter))?,?\s+(?i:rue|avenue|av\.|boulevard|bd|place|chemin|allée|"
    rf"impasse|quai|cours|route)(?:\s+(?:(?:de|du|des|la|le|les|d['’]|l['’])\s*)*"
    rf"{_CAP}[\w'’\-]*){{1,4}}",
    # Spanish / Italian / Portuguese: Calle Mayor 3, Via Roma, 10, Rua Augusta nº 5
    rf"(?:Calle|C/|Avenida|Avda\.?|Av\.|Plaza|Paseo|Camino|Carrera|Via|Viale|Piazza|Corso|"
    rf"Largo|Rua|Travessa|Praça|Estrada)\s+(?:(?:de|del|la|las|los|da|do|dos|das|di|del|"
    rf"della|dei)\s+)*{_CAP}[\w'’\-]*(?:\s+{_CAP}[\w'’\-]*){{0,3}},?\s*(?:n[º°o]\.?\s*)?{_NUM}"
    rf"(?![\w])",
    # Polish: ul. Długa 5/7
    rf"(?:ul\.|ulica|al\.|aleja|pl\.|plac|os\.)\s*{_CAP}[\w\-]*(?:\s+{_CAP}[\w\-]*){{0,3}}"
    rf"\s+{_NUM}(?![\w])",
    # Turkish: Atatürk Cad. No: 5, Gül Sokak No 3/2
    rf"(?:{_CAP}[\wçğıöşü]*\s+){{1,3}}(?:Caddesi|Cad\.|Cd\.|Sokak|Sokağı|Sok\.|Sk\.|"
    rf"Mahallesi|Mah\.|Bulvarı|Blv\.)(?:\s*(?:No\s*[:.]?\s*)?{_NUM})?",
    # Russian: ул. Ленина, д. 5
    r"(?:ул\.|улица|пр\.|проспект|пер\.|переулок|ш\.|шоссе|наб\.|бульвар|б-р)\s*"
    r"[А-ЯЁ][\w\-]*(?:\s+[А-ЯЁ][\w\-]*){0,2},?\s*(?:д\.|дом)?\s*\d{1,4}[а-я]?"
    r"(?:,?\s*(?:кв\.|квартира)\s*\d{1,4})?",
    # Vietnamese: 12 đường Lê Lợi, số 5 phố Huế
    rf"(?:[Ss]ố\s+)?{_NUM}\s+(?:đường|Đường|phố|Phố)\s+(?:{_CAP}[\w]*\s?){{1,4}}",
    # Indonesian: Jl. Sudirman No. 5, Jalan Merdeka 10
    rf"(?:Jl\.|Jln\.|Jalan|Gg\.|Gang)\s+(?:(?!No\b){_CAP}[\w.\-]*\s?){{1,4}}(?:No\.?\s*{_NUM})?",
    # Chinese: (上海市)南京东路100号(5室)
    r"[\u4e00-\u9fff]{1,4}(?:路|街|大道|巷|弄)[0-9０-９]+(?:号|號)(?:[0-9０-９]+(?:室|楼))?",
    # Japanese: 神南1-2-3, 本町2丁目3番4号
    r"[\u4e00-\u9fff\u30a0-\u30ff]{1,6}[0-9０-９]+(?:丁目|[\-－−‐ー])[0-9０-９]+"
    r"(?:(?:番地?|[\-－−‐ー])[0-9０-９]+号?)?",
    # Korean: 테헤란로 123, 세종대로 110-1, 역삼로12길 5
    r"[가-힣0-9]{1,10}(?:대로|로|길)\s?[0-9]+(?:-[0-9]+)?(?:번길\s?[0-9]+)?",
    # Thai: ถนนสุขุมวิท, ซอย 5, บ้านเลขที่ 123/45
    r"(?:บ้านเลขที่|เลขที่)\s?\d+(?:/\d+)?|(?:ถนน|ถ\.|ซอย|ซ\.)\s?[\u0e00-\u0e7f0-9/]+",
    # Arabic: شارع الملك فهد 12
    r"(?:شارع|طريق)\s+[\u0600-\u06ff]+(?:\s+[\u0600-\u06ff]+)?(?:،?\s*(?:رقم\s*)?\d+)?",
]
ADDRESS_RE = re.compile("|".join(f"(?:{p})" for p in _ADDRESS_PATTERNS))

Tokens = dict[int, str]


def token(n: int) -> str:
    """The placeholder for the n-th hidden value (1-based)."""
    return f"[[{n}]]"


def _phone_spans(text: str) -> Iterable[tuple[int, int]]:
    for m in PHONE_RE.finditer(text):
        value = m.group()
        digits = sum(c.isdigit() for c in value)
        if not 7 <= digits <= 15:
            continue
        bare = value.strip("()+ ")
        # Dates, amounts and times are not phone numbers (they are translated as they are).
        if _DATE_RE.fullmatch(bare) or _MONEY_RE.fullmatch(bare):
            continue
        if value.count("(") != value.count(")"):
            start, end = m.start(), m.end()
            if value.startswith("(") and ")" not in value:
                start += 1
            yield start, end
            continue
        yield m.span()


def _literal_re(values: Iterable[str]) -> re.Pattern[str] | None:
    """Known values (names, addresses, ids) found verbatim, longest first; a value found
    inside a longer word of a spaced script is not that value."""
    parts: set[tuple[str, bool]] = set()
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        value = value.strip()
        parts.add((value, True))
        # "Kim Minsu" also hides "Minsu" alone; short parts ("Li", "Al") would hide words.
        for part in value.split():
            if len(part) >= 3 and part != value:
                parts.add((part, False))
    if not parts:
        return None
    alternatives = []
    for value, whole in sorted(parts, key=lambda p: (-len(p[0]), p[0])):
        body = re.escape(value)
        if not whole:
            body = f"(?-i:{body})"  # parts only when written as a name (capitalised)
        alternatives.append(f"{_NOT_AFTER}{body}{_NOT_BEFORE}")
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _spans(text: str, names: Iterable[str], ids: Iterable[str]) -> list[tuple[int, int]]:
    """Spans to hide, earlier rules first; a later span overlapping a kept one is dropped."""
    kept: list[tuple[int, int]] = []

    def add(spans: Iterable[tuple[int, int]]) -> None:
        for start, end in spans:
            if end > start and all(end <= s or start >= e for s, e in kept):
                kept.append((start, end))

    def found(rx: re.Pattern[str] | None) -> Iterable[tuple[int, int]]:
        return (m.span() for m in rx.finditer(text)) if rx is not None else ()

    # Text that already looks like one of our tokens is hidden too, so it comes back as it was.
    add(found(TOKEN_RE))
    add(found(PLACEHOLDER_RE))
    add(found(URL_RE))
    add(found(EMAIL_RE))
    add(found(_literal_re(ids)))
    add(found(_literal_re(names)))
    add(found(ADDRESS_RE))
    add(_phone_spans(text))
    add(m.span() for m in ID_RE.finditer(text) if not _DATE_RE.fullmatch(m.group()))
    return sorted(kept)


def mask(text: str, names: Iterable[str] = (), ids: Iterable[str] = ()) -> tuple[str, Tokens]:
    """``text`` with personal data and codes replaced by ``[[n]]`` tokens, and the tokens.

    ``names``: values to hide verbatim (the customer's and the seller's names, a known
    address); ``ids``: order ids, tracking numbers and the like known for this message
    (found anyway when they have 8+ characters and 4+ digits). Equal values share a token.

    >>> mask("Call +49 30 1234567, Anna", names=["Anna"])
    ('Call [[1]], [[2]]', {1: '+49 30 1234567', 2: 'Anna'})
    """
    if not isinstance(text, str) or not text:
        return text, {}
    out: list[str] = []
    tokens: Tokens = {}
    numbers: dict[str, int] = {}
    last = 0
    for start, end in _spans(text, names, ids):
        value = text[start:end]
        n = numbers.get(value)
        if n is None:
            n = numbers[value] = len(numbers) + 1
            tokens[n] = value
        out.append(text[last:start])
        out.append(token(n))
        last = end
    out.append(text[last:])
    return "".join(out), tokens


def unmask(text: str, tokens: Mapping[int, str]) -> str:
    """Put the hidden values back into a (translated) text.

    Tolerates what engines do to tokens: spaces, full-width or CJK brackets, one bracket
    instead of two, another order. A token the engine dropped is not lost: its value is
    appended at the end, in brackets, so an order number never silently disappears.

    >>> unmask("Commande 【2】 pour ［［1］］", {1: "Anna", 2: "A1234567"})
    'Commande A1234567 pour Anna'
    """
    if not isinstance(text, str) or not tokens:
        return text
    seen: set[int] = set()

    def put_back(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n not in tokens:
            return m.group()
        seen.add(n)
        return tokens[n]

    restored = TOKEN_RE.sub(put_back, text)
    lost = [tokens[n] for n in sorted(tokens) if n not in seen]
    if lost:
        restored = f"{restored.rstrip()} ({', '.join(lost)})"
    return restored


def has_words(masked: str) -> bool:
    """Whether anything is left to translate once the tokens are taken out."""
    return any(c.isalpha() for c in TOKEN_RE.sub("", masked))


__all__ = ["Tokens", "has_words", "mask", "token", "unmask"]
