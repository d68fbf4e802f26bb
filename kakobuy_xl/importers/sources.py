"""The only place the importers touch files: read the file the user gave, look inside a
chat archive, save an attachment into the evidence folder.

Every library error (missing file, no permission, a broken zip) becomes a
:class:`~kakobuy_xl.errors.WorkbookError` that names the file and says what to do.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path, PurePosixPath

from ..errors import WorkbookError

Source = Path | bytes


def source_name(source: Source | str, default: str = "the file") -> str:
    """How a source is named in messages: its file name, or ``default`` for bytes."""
    return Path(source).name if isinstance(source, (str, Path)) else default


def read_bytes(source: Source | str) -> bytes:
    """The bytes of ``source`` (a path, or bytes already read)."""
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    path = Path(source)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise WorkbookError(f"No file at '{path}'. Check the name and the folder.") from None
    except IsADirectoryError:
        raise WorkbookError(f"'{path}' is a folder, not a file. Pick the exported file "
                            "inside it.") from None
    except OSError as exc:
        raise WorkbookError(f"Cannot read '{path.name}' ({exc.strerror or exc}). Check that "
                            "the file is not open elsewhere and that you may read it.") from None


def decode_text(data: bytes) -> tuple[str, bool]:
    """Text of an export: UTF-8 (with or without BOM) or UTF-16 with BOM.

    Returns the text and whether bytes had to be replaced because they were not UTF-8.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), False
    try:
        return data.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        # Old Windows exports are often cp1252; every byte decodes, so nothing is lost.
        return data.decode("cp1252", errors="replace"), True


@dataclass
class ChatArchive:
    """A WhatsApp ``.zip`` export: the chat text and the media files beside it."""

    name: str
    chat_file: str
    text: str
    #: media file name (no folder) -> size in bytes
    media: dict[str, int] = field(default_factory=dict)
    _members: dict[str, str] = field(default_factory=dict, repr=False)  # name -> member
    _data: bytes = field(default=b"", repr=False)

    def media_bytes(self, name: str) -> bytes:
        """The content of one media file of the archive."""
        member = self._members[name]
        with zipfile.ZipFile(BytesIO(self._data)) as zf:
            return zf.read(member)


def _chat_member_rank(member: str) -> tuple[int, int]:
    base = PurePosixPath(member).name.casefold()
    # iOS names the chat "_chat.txt"; Android "WhatsApp Chat with <name>.txt" (localised).
    if base == "_chat.txt":
        return (0, 0)
    if base.startswith("whatsapp"):
        return (1, 0)
    return (2, 0)


def read_whatsapp_zip(source: Source | str) -> ChatArchive:
    """Open a WhatsApp export ``.zip``: find the chat ``.txt`` and list the media files.

    >>> import io, zipfile
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("_chat.txt", "[1/2/24, 10:00:00] Ann: hi")
    ...     z.writestr("00000001-PHOTO.jpg", b"x")
    >>> a = read_whatsapp_zip(buf.getvalue())
    >>> a.chat_file, a.media
    ('_chat.txt', {'00000001-PHOTO.jpg': 1})
    """
    name = source_name(source, "the archive")
    data = read_bytes(source)
    try:
        zf = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile:
        raise WorkbookError(f"'{name}' is not a readable .zip archive (it may be truncated). "
                            "Export the chat again from WhatsApp (More > Export chat).") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()
                 and not PurePosixPath(i.filename).name.startswith(".")
                 and "__MACOSX" not in i.filename]
        texts = [i for i in infos if i.filename.casefold().endswith(".txt")]
        if not texts:
            found = ", ".join(PurePosixPath(i.filename).name for i in infos[:8]) or "nothing"
            raise WorkbookError(
                f"'{name}' holds no chat .txt file (found: {found}). Export the chat from "
                "WhatsApp (More > Export chat) and import the .zip it makes, or the .txt alone."
            )
        chat = min(texts, key=lambda i: (_chat_member_rank(i.filename), -i.file_size))
        try:
            raw = zf.read(chat.filename)
        except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
            raise WorkbookError(f"Cannot read '{chat.filename}' inside '{name}' ({exc}). Export "
                                "the chat again.") from None
        text, _ = decode_text(raw)
        media: dict[str, int] = {}
        members: dict[str, str] = {}
        for info in infos:
            if info is chat:
                continue
            base = PurePosixPath(info.filename).name
            media[base] = info.file_size
            members[base] = info.filename
    return ChatArchive(name, chat.filename, text, media, members, data)


_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*]+')


def safe_file_name(name: str, default: str = "attachment") -> str:
    """A file name that is safe on Windows and macOS (no folders, no reserved signs)."""
    clean = _UNSAFE.sub("_", PurePosixPath(name.replace("\\", "/")).name).strip(" .")
    return clean[:150] or default


def save_file(folder: Path, subfolder: str, name: str, data: bytes) -> Path:
    """Write ``data`` to ``folder/subfolder/name``; identical content is not rewritten."""
    target = Path(folder) / safe_file_name(subfolder, "import") / safe_file_name(name)
    try:
        if target.is_file() and target.stat().st_size == len(data) and \
                target.read_bytes() == data:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError as exc:
        raise WorkbookError(f"Cannot save '{target.name}' into the evidence folder "
                            f"'{folder}' ({exc.strerror or exc}). Pick a folder you can "
                            "write to.") from None
    return target
