"""Writing a file so that it is either the old one or the new one, never half of each."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def usual_mode() -> int:
    """The mode a file created the ordinary way would get (0666 less the umask);
    ``mkstemp`` makes 0600 files, which is right for caches, not for documents."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(path: str | os.PathLike[str], data: bytes, *, private: bool = False,
                     durable: bool = True) -> None:
    """Write ``data`` to a temporary file beside ``path``, then replace ``path`` with it.

    ``private`` keeps the temporary file's 0600 mode (caches); ``durable`` syncs it to
    disk first (documents; a cache can skip it).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        if not private:
            os.chmod(tmp, usual_mode())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
