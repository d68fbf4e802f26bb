"""Opt-in translation through deep-translator: masked, cached, never sent twice.

Off by default. ``Settings.translation_provider`` turns on one of Google (free endpoint),
DeepL, Microsoft (API key from the environment or the OS keyring, see ``credentials``),
MyMemory or a LibreTranslate server at ``Settings.translation_url``.

What is sent: only the message text, with e-mails, links, phone numbers, order and
tracking numbers, addresses, names and ``{placeholders}`` replaced by ``[[n]]`` tokens
(``masking``); the tokens are put back in the answer. Every answer is cached under
sha256(provider, source, target, masked text), so a text is sent once, ever, when the
face passes a persistent cache (``kakobuy_xl.io.resultcache.FileResultCache``).

For the integrator (CLI ``kakobuy translate``, ``=KB_TRANSLATE``, refresh):

- ``provider = provider_from_settings(settings, api_key=find_api_key(name, env))``;
  it is None when translation is off: do not run the refresh step then.
  ``translate_column(..., provider=None)`` raises ConfigError ("Translation is off ...")
  for the faces that were asked to translate explicitly.
- Call ``cache.flush()`` in a ``finally``: answers received before a failure are already
  in the cache and are not sent again on the next run.
- ``source`` and ``target`` may be one code or a Series per row (the detected Language
  column, the customer's Preferred Language); rows without a target stay empty.

Why a thread-local default timeout: deep-translator 1.11.4 calls ``requests`` without a
timeout and has no option for one, so a silent server would hang Excel forever. While a
provider call runs, :func:`_timeout` gives requests made *by this thread* without a
timeout of their own the provider's timeout; nothing else is changed.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Protocol, Sequence

import pandas as pd

from ..errors import BackendError, ConfigError, UnsupportedLanguages
from .cache import MemoryResultCache, ResultCache
from .credentials import where_to_put_key
from .masking import has_words, mask, unmask

PROVIDERS = ("google", "deepl", "microsoft", "mymemory", "libretranslate")
NEEDS_KEY = ("deepl", "microsoft")
DISPLAY = {"google": "Google Translate", "deepl": "DeepL", "microsoft": "Microsoft Translator",
           "mymemory": "MyMemory", "libretranslate": "LibreTranslate"}
DEFAULT_TIMEOUT = 10.0
#: Unique texts sent between two cache updates: what a failure half-way can cost at most.
CHUNK = 16
CACHE_VERSION = "translate-v1"

# Our language codes -> each provider's (deep-translator validates against its own tables;
# codes not listed here are passed through, e.g. "zh-TW" for Google).
CODES: dict[str, dict[str, str]] = {
    "google": {"zh": "zh-CN"},
    "deepl": {},
    "microsoft": {"zh": "zh-hans"},
    "mymemory": {
        "en": "en-GB", "es": "es-ES", "fr": "fr-FR", "de": "de-DE", "it": "it-IT",
        "pt": "pt-PT", "nl": "nl-NL", "pl": "pl-PL", "tr": "tr-TR", "ja": "ja-JP",
        "ko": "ko-KR", "zh": "zh-CN", "ru": "ru-RU", "ar": "ar-SA", "vi": "vi-VN",
        "th": "th-TH", "id": "id-ID",
    },
    "libretranslate": {},
}


class Translator(Protocol):
    """Translates texts; ``name`` is part of every cache key."""

    name: str

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """One translation per text, in order (``source`` may be "auto"). On failure, a
        BackendError whose ``partial`` attribute (if any) lists the answers received so far."""
        ...


# ---------------------------------------------------------------------------------------
# Timeouts for requests made inside deep-translator

_local = threading.local()
_hook_lock = threading.Lock()
_hooked = False


def _install_timeout_hook() -> None:
    global _hooked
    with _hook_lock:
        if _hooked:
            return
        import requests

        original = requests.Session.request

        @functools.wraps(original)
        def request(self: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            timeout = getattr(_local, "timeout", None)
            if timeout is not None and not args and kwargs.get("timeout") is None:
                kwargs["timeout"] = timeout
            return original(self, method, url, *args, **kwargs)

        requests.Session.request = request  # type: ignore[method-assign]
        _hooked = True


@contextmanager
def _timeout(seconds: float) -> Iterator[None]:
    _install_timeout_hook()
    before = getattr(_local, "timeout", None)
    _local.timeout = seconds
    try:
        yield
    finally:
        _local.timeout = before


# ---------------------------------------------------------------------------------------
# Errors of deep-translator and requests -> BackendError, in this one place

# How each exception class of deep_translator.exceptions is read (a test walks the module
# and fails if a class is missing here): a kind for _message, and whether to try again.
DEEP_TRANSLATOR_ERRORS: dict[str, tuple[str, bool]] = {
    "BaseError": ("failed", False),
    "LanguageNotSupportedException": ("language", False),
    "InvalidSourceOrTargetLanguage": ("language", False),
    "NotValidPayload": ("payload", False),
    "NotValidLength": ("length", False),
    "TranslationNotFound": ("no_translation", False),
    "ElementNotFoundInGetRequest": ("no_translation", False),
    "RequestError": ("http", True),          # any non-2xx answer of Google / MyMemory
    "TooManyRequests": ("rate_limited", True),
    "ServerException": ("server", True),     # refined by status below
    "ApiKeyException": ("no_key", False),
    "AuthorizationException": ("bad_key", False),
    "MicrosoftAPIerror": ("api_error", False),
    "BaiduAPIerror": ("api_error", False),
}
# ServerException keeps only a message (ERR_...); these statuses are worth another try.
_TRANSIENT_STATUS = {429, 500, 502, 503, 504}


def _server_status(exc: BaseException) -> int | None:
    errors = getattr(type(exc), "errors", {})
    text = str(exc.args[0]) if exc.args else ""
    return next((code for code, name in errors.items() if name == text), None)


def classify(exc: BaseException) -> tuple[str, bool, int | None] | None:
    """(kind, transient, HTTP status) of an error from deep-translator or requests; None
    for anything else (a bug, left to surface)."""
    module = type(exc).__module__
    name = type(exc).__name__
    if module == "deep_translator.exceptions" and name in DEEP_TRANSLATOR_ERRORS:
        kind, transient = DEEP_TRANSLATOR_ERRORS[name]
        if name == "ServerException":
            status = _server_status(exc)
            if status == 429:
                return "rate_limited", True, 429
            if status in (400, 413, 422, 501):
                return ("length" if status == 413 else "server_refused"), False, status
            # 500, 503 and the unlisted ones ("API server error": 502, 504...)
            return "server", True, status
        return kind, transient, None
    try:
        import requests
    except ImportError:  # pragma: no cover - requests comes with deep-translator
        return None
    if isinstance(exc, requests.exceptions.Timeout):
        return "timeout", True, None
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "offline", True, None
    if isinstance(exc, requests.exceptions.HTTPError):
        status = getattr(exc.response, "status_code", None)
        return ("rate_limited" if status == 429 else "server"), \
            status in _TRANSIENT_STATUS, status
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema)):
        return "bad_url", False, None
    if isinstance(exc, requests.exceptions.InvalidJSONError):  # answered, but not JSON
        return "bad_answer", False, None
    if isinstance(exc, requests.exceptions.RequestException):
        return "offline", True, None
    # A malformed answer: not JSON, missing fields, None where a response was expected
    # (deep-translator's Microsoft client swallows connection errors this way).
    if isinstance(exc, (ValueError, KeyError, TypeError, AttributeError, IndexError,
                        StopIteration)):
        return "bad_answer", False, None
    return None


def _connection_reason(exc: BaseException) -> str:
    # Never str(exc) itself: requests puts the whole URL, query and API key included, in it.
    text = repr(exc)
    if "Name or service not known" in text or "getaddrinfo" in text or "NameResolution" in text:
        return "the server name cannot be resolved"
    if "refused" in text.lower():
        return "the connection was refused"
    return "no connection"


# ---------------------------------------------------------------------------------------
# The provider


class DeepTranslatorProvider:
    """A :class:`Translator` over one of deep-translator's providers.

    ``retries``: how many times a transient failure (timeout, no connection, HTTP 429 or
    5xx) is tried again, waiting ``backoff``, 2x, 4x... seconds in between (``sleep`` is
    injectable so tests never wait); at most ``retries + 1`` requests per text.

    >>> DeepTranslatorProvider("libretranslate", url="http://localhost:5000").where
    'Translation provider libretranslate at http://localhost:5000/'
    """

    def __init__(self, name: str, api_key: str | None = None, url: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, retries: int = 3, backoff: float = 0.5,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        name = (name or "").strip().lower()
        if name not in PROVIDERS:
            raise ConfigError(
                f"There is no translation provider named '{name}' (available: "
                f"{', '.join(PROVIDERS)}, or off). Fix 'translation_provider' on the "
                "Settings sheet.")
        if name in NEEDS_KEY and not api_key:
            raise BackendError(f"{DISPLAY[name]} needs an API key: {where_to_put_key(name)}.")
        url = (url or "").strip() or None
        if name == "libretranslate":
            if not url:
                raise ConfigError(
                    "LibreTranslate needs the address of your server: set 'translation_url' "
                    "on the Settings sheet (for example http://localhost:5000).")
            if not re.match(r"https?://", url, re.IGNORECASE):
                raise ConfigError(
                    f"Setting 'translation_url' must start with http:// or https:// (found "
                    f"'{url}').")
            url = url if url.endswith("/") else url + "/"  # deep-translator appends "translate"
        elif url:
            url = None  # only LibreTranslate has a configurable address
        self.name = name
        self.api_key = api_key
        self.url = url
        self.timeout = float(timeout)
        self.retries = max(0, int(retries))
        self.backoff = float(backoff)
        self.sleep = sleep
        self._clients: dict[tuple[str, str], Any] = {}

    @property
    def where(self) -> str:
        return f"Translation provider {self.name}" + (f" at {self.url}" if self.url else "")

    def code(self, language: str) -> str:
        """The provider's code for one of ours ("zh" -> "zh-CN" for Google)."""
        language = (language or "").strip()
        if language.lower() == "auto":
            return "auto"
        return CODES[self.name].get(language.lower(), language)

    def _client(self, source: str, target: str) -> Any:
        key = (source, target)
        if key not in self._clients:
            try:
                import deep_translator as dt
            except ImportError as exc:
                raise BackendError(
                    f"translation needs deep-translator ({exc}): pip install deep-translator"
                ) from exc
            src, tgt = self.code(source), self.code(target)
            # deep-translator sends "auto" as it is; DeepL rejects it and MyMemory answers
            # its error message as if it were the translation.
            if self.name in ("deepl", "mymemory") and src == "auto":
                raise BackendError(
                    f"{DISPLAY[self.name]} (through deep-translator) needs the source "
                    "language, it cannot detect it: give the source language (the Language "
                    "column), or choose another provider in Settings.")
            if self.name == "google":
                client = dt.GoogleTranslator(source=src, target=tgt)
            elif self.name == "mymemory":
                client = dt.MyMemoryTranslator(source=src, target=tgt)
            elif self.name == "deepl":
                # DeepL's free-plan keys end in ":fx" and have their own endpoint.
                client = dt.DeeplTranslator(source=src, target=tgt, api_key=self.api_key,
                                            use_free_api=str(self.api_key).endswith(":fx"))
            elif self.name == "microsoft":
                client = dt.MicrosoftTranslator(source=src, target=tgt, api_key=self.api_key)
            else:
                # deep-translator refuses an empty key; a server without keys ignores it.
                client = dt.LibreTranslator(source=src, target=tgt, custom_url=self.url,
                                            api_key=self.api_key or "none")
            self._clients[key] = client
        return self._clients[key]

    def _call(self, do: Callable[[], Any], context: dict[str, Any]) -> Any:
        attempt = 0
        while True:
            try:
                with _timeout(self.timeout):
                    return do()
            except BackendError:
                raise
            except Exception as exc:  # mapped below; unknown errors re-raised as they are
                how = classify(exc)
                if how is None:
                    raise
                kind, transient, status = how
                if not transient or attempt >= self.retries:
                    error = UnsupportedLanguages if kind == "language" else BackendError
                    raise error(self._message(kind, status, attempt + 1, exc,
                                              context)) from exc
                self.sleep(self.backoff * 2 ** attempt)
                attempt += 1

    def _message(self, kind: str, status: int | None, tries: int, exc: BaseException | None,
                 context: dict[str, Any]) -> str:
        where = self.where
        after = f" after {tries} tries" if tries > 1 else ""
        off = "or set translation_provider to off on the Settings sheet"
        pair = f"{context.get('source', 'auto')} -> {context.get('target', '?')}"
        http = f" (HTTP {status})" if status else ""
        if kind == "timeout":
            return (f"{where} did not answer within {self.timeout:g} s{after}; check the "
                    f"address and your connection, or turn translation off in Settings.")
        if kind == "offline":
            return (f"{where} cannot be reached ({_connection_reason(exc)}{after}): you may "
                    f"be offline, or the address is wrong. Check the connection and "
                    f"translation_url, {off}.")
        if kind == "rate_limited":
            return (f"{where} is rate-limited: it refused more requests{http}{after}; try "
                    f"later, or choose another provider in Settings.")
        if kind in ("server", "http"):
            return (f"{where} failed with a server error{http}{after}; try later, or "
                    f"choose another provider in Settings.")
        if kind == "server_refused":
            return (f"{where} refused the request{http} for {pair}; check the languages, "
                    f"or choose another provider in Settings.")
        if kind == "language":
            return (f"{where} does not support the languages {pair} (through "
                    f"deep-translator); choose another provider in Settings.")
        if kind == "length":
            return (f"{where} cannot translate a text of {context.get('length', '?')} "
                    f"characters (too long for it); shorten or split the message.")
        if kind == "payload":
            return f"{where} was given something that is not text; clean the cell."
        if kind == "no_translation":
            return (f"{where} returned no translation for a text of "
                    f"{context.get('length', '?')} characters; try again, or choose another "
                    f"provider in Settings.")
        if kind == "no_key":
            return f"{DISPLAY[self.name]} needs an API key: {where_to_put_key(self.name)}."
        if kind == "bad_key":
            return (f"{where} refused the API key (HTTP 403): check it. Keys are read from "
                    f"the environment or the OS keyring: {where_to_put_key(self.name)}.")
        if kind == "api_error":
            detail = str(getattr(exc, "api_message", ""))[:200]
            return f"{where} answered with an error: {detail}; check the key and the languages."
        if kind == "bad_url":
            return (f"{where}: the address is not a valid URL; fix translation_url on the "
                    f"Settings sheet.")
        if kind == "bad_answer":
            return (f"{where} answered something that is not a translation; check that "
                    f"the address is a translation server, {off}.")
        return f"{where} failed ({type(exc).__name__}); {off}."

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """One request per text (what deep-translator does), each retried on its own, so a
        failure on the fifth text does not resend the first four."""
        context = {"source": source, "target": target}
        client = self._call(lambda: self._client(source, target), context)
        out: list[str] = []
        for text in texts:
            context["length"] = len(text)
            try:
                result = self._call(functools.partial(client.translate, text), context)
            except BackendError as exc:
                exc.partial = list(out)  # type: ignore[attr-defined]  # kept by the caller
                raise
            if self.name == "mymemory" and str(result).upper().startswith("MYMEMORY WARNING"):
                # MyMemory's daily quota: answered with HTTP 200 and a warning as the text.
                error = BackendError(self._message("rate_limited", None, 1, None, context)
                                     + " (MyMemory's free daily quota is used up.)")
                error.partial = list(out)  # type: ignore[attr-defined]
                raise error
            # deep-translator returns None when the engine echoed the text unchanged.
            out.append(text if result is None else str(result))
        return out


def provider_from_settings(settings: Any, api_key: str | None = None,
                           **options: Any) -> DeepTranslatorProvider | None:
    """The provider Settings chose, or None when translation is off (the default).

    ``api_key`` comes from ``credentials.find_api_key`` (the face reads the environment);
    ``options`` go to :class:`DeepTranslatorProvider` (timeout, retries, ...).
    """
    name = (getattr(settings, "translation_provider", "off") or "off").strip().lower()
    if name == "off":
        return None
    return DeepTranslatorProvider(name, api_key=api_key,
                                  url=getattr(settings, "translation_url", "") or None,
                                  **options)


# ---------------------------------------------------------------------------------------
# Whole columns


def _per_row(value: Any, index: pd.Index) -> list[Any]:
    if isinstance(value, pd.Series):
        return value.reindex(index).tolist()
    return [value] * len(index)


def _language(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _base(code: str) -> str:
    return code.lower().replace("_", "-").split("-")[0]


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [v for v in value if isinstance(v, str)]
    return []


def cache_key(provider: str, source: str, target: str, masked: str) -> str:
    """sha256 of (provider, source, target, masked text): the same text to the same pair
    on the same provider is one key, whatever run or row it comes from."""
    blob = "\x1f".join((CACHE_VERSION, provider, source, target, masked))
    return "tr:" + hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


def translate_column(
    texts: pd.Series,
    target: str | pd.Series,
    source: str | pd.Series = "auto",
    *,
    provider: Translator | None,
    cache: ResultCache | None = None,
    names: Sequence[str] | pd.Series | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    skip_unsupported: bool = False,
) -> pd.Series:
    """Translate a column: one request per unique masked text not already cached.

    With ``skip_unsupported`` a language pair the provider cannot translate leaves its
    rows empty instead of failing the column; the pairs are listed in the result's
    ``attrs["unsupported"]``.

    ``target`` / ``source``: a language code, or a Series of codes per row ("auto" or an
    empty cell lets the provider detect the source). Rows that are empty, have no target,
    or are already in the target language (source known and equal) are not sent: empty
    rows give None, the others their own text. ``names``: values to hide, the same for
    every row (the seller's name) or a Series with a name or list of names per row.

    >>> translate_column(pd.Series(["Hi"]), "de", provider=None)
    Traceback (most recent call last):
    kakobuy_xl.errors.ConfigError: Translation is off: ...
    """
    if provider is None or provider == "off":
        raise ConfigError(
            "Translation is off: set translation_provider on the Settings sheet (google, "
            "deepl, microsoft, mymemory or libretranslate) to translate. Only the masked "
            "message text is sent to that provider.")
    if isinstance(target, str) and not target.strip():
        raise ConfigError("Choose a language to translate into (a code such as en, ja, ko).")
    if not isinstance(texts, pd.Series):
        texts = pd.Series(list(texts), dtype=object)
    cache = cache if cache is not None else MemoryResultCache()
    report = progress or (lambda stage, done, total: None)
    pname = getattr(provider, "name", type(provider).__name__)
    index = texts.index
    targets = _per_row(target, index)
    sources = _per_row(source, index)
    if isinstance(names, pd.Series):
        row_names = [_names(v) for v in names.reindex(index).tolist()]
    else:
        shared = _names(names if names is None or isinstance(names, str) else list(names))
        row_names = [shared] * len(index)

    out: list[Any] = [None] * len(index)
    rows: list[tuple[int, str, dict[int, str]]] = []  # (row, key, tokens)
    todo: dict[str, tuple[str, str, str]] = {}         # key -> (source, target, masked)
    for i, (text, tgt, src) in enumerate(zip(texts.tolist(), targets, sources)):
        if not isinstance(text, str) or not text.strip():
            continue
        tgt, src = _language(tgt), _language(src) or "auto"
        if tgt is None:
            continue
        if src != "auto" and _base(src) == _base(tgt):
            out[i] = text
            continue
        masked, tokens = mask(text, row_names[i])
        if not has_words(masked):  # only an e-mail, a number...: nothing to translate
            out[i] = text
            continue
        key = cache_key(pname, src.lower(), tgt.lower(), masked)
        rows.append((i, key, tokens))
        todo.setdefault(key, (src, tgt, masked))

    found = cache.get_many(list(todo))
    missing = [k for k in todo if k not in found]
    groups: dict[tuple[str, str], list[str]] = {}
    for key in missing:
        src, tgt, _ = todo[key]
        groups.setdefault((src, tgt), []).append(key)
    done = 0
    unsupported: list[str] = []
    report("translate", 0, len(missing))
    for (src, tgt), keys in groups.items():
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start:start + CHUNK]
            try:
                answers = provider.translate_batch([todo[k][2] for k in chunk], src, tgt)
            except UnsupportedLanguages:
                if not skip_unsupported:
                    raise
                unsupported.append(f"{src} -> {tgt}")
                break
            except BackendError as exc:
                # Answers received before the failure (``partial``, in order) are kept.
                partial = getattr(exc, "partial", None) or []
                cache.put_many(dict(zip(chunk, partial[:len(chunk)])))
                raise
            if len(answers) != len(chunk):
                raise BackendError(
                    f"Translation provider {pname} returned {len(answers)} translations for "
                    f"{len(chunk)} texts; try again or choose another provider.")
            fresh = dict(zip(chunk, answers))
            # Stored chunk by chunk: what was answered before a failure is never sent again.
            cache.put_many(fresh)
            found.update(fresh)
            done += len(chunk)
            report("translate", done, len(missing))
    for i, key, tokens in rows:
        if key in found:
            out[i] = unmask(found[key], tokens)
    result = pd.Series(out, index=index, dtype=object, name=texts.name)
    result.attrs["unsupported"] = unsupported
    return result


__all__ = [
    "CODES", "DEEP_TRANSLATOR_ERRORS", "DeepTranslatorProvider", "PROVIDERS", "Translator",
    "cache_key", "classify", "provider_from_settings", "translate_column",
]


# --- the worksheet function (=KB_TRANSLATE) ---------------------------------------------

def _formula_translate(text: pd.Series, target_language: pd.Series,
                       source_language: pd.Series, *, translator: Translator | None = None,
                       cache: ResultCache | None = None) -> pd.Series:
    """``translator`` and ``cache`` come from the face (Settings via KAKOBUY_* variables);
    without a translator the formula says translation is off."""
    source = source_language.where(source_language.notna(), "auto")
    return translate_column(text, target_language, source, provider=translator, cache=cache)


FORMULA_COMPUTATIONS = {"KB_TRANSLATE": _formula_translate}
