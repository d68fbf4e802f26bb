"""Results of analysis cached by the content hash of what was analysed.

An unchanged message is never analysed twice: its key is a hash of the text, the
prior it was analysed with and the names and versions of the backends, so a new model
version simply misses. The core uses :class:`MemoryResultCache`; the faces pass a
persistent one (``kakobuy_xl.io.resultcache``) that keeps results across runs.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable, Mapping, Protocol

import pandas as pd


class ResultCache(Protocol):
    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """The cached results of those keys that have one."""
        ...

    def put_many(self, items: Mapping[str, Any]) -> None:
        """Store results (kept when the face flushes the cache)."""
        ...

    def flush(self) -> None:
        """Keep what was stored (a persistent cache writes it out)."""
        ...


class MemoryResultCache:
    """A ResultCache in a dict: for tests and single runs."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        data = self.data
        return {k: data[k] for k in keys if k in data}

    def put_many(self, items: Mapping[str, Any]) -> None:
        self.data.update(items)

    def flush(self) -> None:
        """Nothing to write: the results live as long as the object."""


def text_digests(texts: pd.Series) -> pd.Series:
    """A short content hash of each text (None stays None): hashed once, reused in keys."""
    blake = hashlib.blake2b
    return pd.Series([blake(t.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
                      if isinstance(t, str) else None for t in texts.tolist()],
                     index=texts.index, dtype=object)


def combine_keys(salt: str, digests: pd.Series, *extras: pd.Series) -> pd.Series:
    """Keys from text digests and short extra values (a language code...), no rehashing;
    None where the digest is None."""
    prefix = salt + "|"
    extra = ["|".join(parts) for parts in zip(*(
        ["" if v is None or v != v else str(v) for v in e.tolist()] for e in extras))] \
        if extras else [""] * len(digests)
    keys = [None if d is None else f"{prefix}{d}|{x}" for d, x in zip(digests.tolist(), extra)]
    return pd.Series(keys, index=digests.index, dtype=object)
