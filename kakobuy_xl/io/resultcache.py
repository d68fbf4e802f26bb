"""The persistent ResultCache: analysis results kept across runs, by content hash.

One compressed pickle in the user's cache folder, loaded on first use and written
atomically by :meth:`FileResultCache.flush`. Past ``max_entries`` the oldest half is
dropped (insertion order), so the file stays bounded.
"""

from __future__ import annotations

import os
import pickle
import zlib
from pathlib import Path
from typing import Any, Iterable, Mapping

from .atomic import write_atomically

DEFAULT_MAX_ENTRIES = 2_000_000


class FileResultCache:
    """A :class:`kakobuy_xl.nlp.cache.ResultCache` stored in ``folder``."""

    def __init__(self, folder: str | os.PathLike[str],
                 max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self.path = Path(folder) / "results.pickle.z"
        self.max_entries = max_entries
        self._data: dict[str, Any] | None = None
        self._dirty = False

    def _load(self) -> dict[str, Any]:
        if self._data is None:
            try:
                data = pickle.loads(zlib.decompress(self.path.read_bytes()))
                self._data = data if isinstance(data, dict) else {}
            except (OSError, zlib.error, pickle.UnpicklingError, EOFError, AttributeError,
                    ImportError, ValueError, TypeError):
                self._data = {}  # missing or damaged: start afresh
        return self._data

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        data = self._load()
        return {k: data[k] for k in keys if k in data}

    def put_many(self, items: Mapping[str, Any]) -> None:
        if items:
            self._load().update(items)
            self._dirty = True

    def flush(self) -> None:
        """Write the results to disk if anything was added; failures only cost speed."""
        if not self._dirty or self._data is None:
            return
        data = self._data
        if len(data) > self.max_entries:
            keep = list(data.items())[len(data) - self.max_entries // 2:]
            data = self._data = dict(keep)
        try:
            blob = zlib.compress(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL), 1)
            write_atomically(self.path, blob, private=True, durable=False)
            self._dirty = False
        except OSError:
            pass
