"""How one person is recognised across chats, mails and marketplaces.

A customer is known by keys: ``h:<platform>:<handle>`` for a platform handle,
``e:<address>`` for an e-mail address and ``p:<E.164>`` for a phone number. Phones are
normalised with ``phonenumbers`` (``07700 900123`` in GB and ``+44 7700 900123`` are the
same key); the region comes from the customer's country when the number has no ``+``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

_EMAIL = re.compile(r"[^\s@<>,;\"']+@[^\s@<>,;\"']+\.[A-Za-z]{2,}")
_PHONE_LIKE = re.compile(r"\+?[\d\s().\-\u00a0\u202f]{6,}")
_COUNTRY_ALIASES = {"uk": "GB", "england": "GB", "great britain": "GB", "usa": "US",
                    "united states of america": "US", "u.s.a.": "US", "u.s.": "US",
                    "korea": "KR", "south korea": "KR", "republic of korea": "KR",
                    "russia": "RU", "vietnam": "VN", "viet nam": "VN", "türkiye": "TR",
                    "turkey": "TR", "hong kong": "HK", "taiwan": "TW", "uae": "AE"}


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    from babel import Locale

    names: dict[str, str] = {}
    for lang in ("en", "fr", "de", "es"):
        for code, name in Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(name.casefold(), code)
    return names


def country_code(text: object) -> str | None:
    """ISO 3166 code of a country given by code or (English) name; None if unknown.

    >>> country_code("United Kingdom"), country_code("us"), country_code("Atlantis")
    ('GB', 'US', None)
    """
    if not isinstance(text, str) or not text.strip():
        return None
    t = " ".join(text.split())
    if len(t) == 2 and t.isalpha():
        code = t.upper()
        return code if code.casefold() in {c.casefold() for c in _country_names().values()} \
            else None
    key = t.casefold()
    return _COUNTRY_ALIASES.get(key) or _country_names().get(key)


def normalise_email(text: object) -> str | None:
    """The address in ``text``, lower-case; None when there is none."""
    if not isinstance(text, str):
        return None
    m = _EMAIL.search(text)
    return m.group(0).casefold() if m else None


@lru_cache(maxsize=65536)  # exports repeat the same buyers' numbers many times
def normalise_phone(text: object, region: str | None = None) -> str | None:
    """E.164 form of a phone number (``+447700900123``); None when it is not one.

    >>> normalise_phone("07700 900123", "GB"), normalise_phone("+44 (0)7700-900123")
    ('+447700900123', '+447700900123')
    """
    if not isinstance(text, str):
        return None
    t = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text).strip()
    if t.startswith("'"):
        t = t[1:]  # exports prefix numbers with ' so spreadsheets keep them as text
    if not _PHONE_LIKE.fullmatch(t):
        return None
    if t.startswith("00"):
        t = "+" + t[2:]
    try:
        number = phonenumbers.parse(t, None if t.startswith("+") else (region or None))
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def handle_key(platform: str, handle: str) -> str:
    """``h:ebay:kim_88`` from ``("eBay", "@Kim_88")``."""
    p = re.sub(r"[^a-z0-9]+", "", platform.casefold()) or "*"
    p = {"tiktokshop": "tiktok"}.get(p, p)
    return f"h:{p}:{handle.strip().lstrip('@').casefold()}"


def split_handles(text: object) -> list[tuple[str, str]]:
    """``"ebay:kim_88; tiktok:@kimmy"`` -> ``[("ebay", "kim_88"), ("tiktok", "@kimmy")]``.
    A handle typed without a platform gets ``*``."""
    if not isinstance(text, str):
        return []
    out = []
    for part in re.split(r"[;,\n]", text):
        part = part.strip()
        if not part:
            continue
        platform, sep, handle = part.partition(":")
        if sep and handle.strip():
            out.append((platform.strip(), handle.strip()))
        else:
            out.append(("*", part))
    return out


def contact_keys(contact: object, handles: object, country: object) -> list[str]:
    """Every key of a Customers row: its handles, e-mail addresses and phones."""
    keys = [handle_key(p, h) for p, h in split_handles(handles)]
    region = country_code(country)
    if isinstance(contact, str):
        for part in re.split(r"[;,/\n]|\s{2,}", contact):
            email = normalise_email(part)
            if email:
                keys.append("e:" + email)
                continue
            phone = normalise_phone(part, region)
            if phone:
                keys.append("p:" + phone)
    return keys
