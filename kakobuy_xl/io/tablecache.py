"""A content-addressed cache of tables read from workbook files.

Parsing a 100,000-row worksheet costs seconds; loading the same table from this cache
costs a tenth of that. The key is a SHA-256 over the raw bytes of every package part a
table's values depend on (the worksheet, its table part, shared strings, styles and
workbook.xml), so any edit, in Excel or anywhere else, is a miss, and there is
nothing to invalidate. After a save, kakobuy stores the tables it wrote under the new
parts' keys (it knows exactly what it wrote), so the next refresh starts warm.

Entries are zlib-compressed pickles in a folder of the user's cache (never next to the
workbook); the oldest are pruned past a size limit. Pickles are only ever read from
that folder, which only the user can write. Writing an entry (pickling a 100,000-row
table takes half a second) happens on a worker thread after the result is ready; until
it is on disk, the entry is served from memory. The worker is not a daemon, so a
command finishes writing before the process exits.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import queue
import threading
import zlib
from pathlib import Path
from typing import Iterable

from .atomic import write_atomically
from .base import TableData

FORMAT = b"kakobuy-table-cache-1"
DEFAULT_MAX_BYTES = 512 * 1024 * 1024


def table_key(parts: Iterable[bytes], sheet: str) -> str:
    """The cache key of one table: its sheet name and the bytes it was read from."""
    h = hashlib.sha256(FORMAT)
    h.update(sheet.encode("utf-8") + b"\0")
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


class TableCache:
    """``get``/``put`` TableData by key in ``folder``; failures are misses, never errors."""

    def __init__(self, folder: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self._pending: dict[str, TableData] = {}
        self._queue: queue.Queue[str] = queue.Queue()
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.table"

    def get(self, key: str) -> TableData | None:
        with self._lock:
            if key in self._pending:
                return self._pending[key]
        path = self._path(key)
        try:
            data = pickle.loads(zlib.decompress(path.read_bytes()))
        except (OSError, zlib.error, pickle.UnpicklingError, EOFError, AttributeError,
                ImportError, ValueError, TypeError):
            return None
        if not isinstance(data, TableData):
            return None
        try:
            os.utime(path)  # recently used entries survive pruning
        except OSError:
            pass
        return data

    def put(self, key: str, table: TableData) -> None:
        """Queue an entry; it is written in the background (see :meth:`flush`)."""
        with self._lock:
            self._pending[key] = table
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="kakobuy-table-cache")
                self._worker.start()
        self._queue.put(key)

    def flush(self) -> None:
        """Wait until every queued entry is on disk."""
        self._queue.join()

    def _work(self) -> None:
        while True:
            try:
                key = self._queue.get(timeout=0.5)
            except queue.Empty:
                return
            try:
                with self._lock:
                    table = self._pending.get(key)
                if table is not None:
                    self._write(key, table)
            finally:
                with self._lock:
                    self._pending.pop(key, None)
                self._queue.task_done()

    def _write(self, key: str, table: TableData) -> None:
        try:
            blob = zlib.compress(pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL), 1)
            write_atomically(self._path(key), blob, private=True, durable=False)
            self._prune()
        except OSError:
            pass  # a cache that cannot be written is only slower

    def _prune(self) -> None:
        entries = []
        for p in self.folder.glob("*.table"):
            try:
                st = p.stat()
            except OSError:
                continue
            entries.append((st.st_mtime, st.st_size, p))
        total = sum(size for _, size, _ in entries)
        for _mtime, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            try:
                path.unlink()
                total -= size
            except OSError:
                pass
