"""Rewrite a zip package, copying unchanged parts as raw bytes.

A workbook is a zip of XML parts. A refresh changes a few of them; every other part
(VBA project, ribbon, charts, images, pivot caches...) must stay byte-identical, and
recompressing a 20 MB shared-strings part just to copy it would cost seconds. So the
untouched members are copied compressed, header and all, and only the replaced ones
are deflated again. Written with ``struct`` against the zip specification (APPNOTE
4.3) rather than through ``zipfile``'s private writer state.
"""

from __future__ import annotations

import struct
import time
import zlib
import zipfile
from typing import BinaryIO, Callable, Mapping

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_LIMIT = 0xFFFFFFFF
_UTF8_FLAG = 0x800


class ZipTooLarge(ValueError):
    """The package needs zip64 (a part or the whole over 4 GB), which Excel files never do."""


def _strip_zip64(extra: bytes) -> bytes:
    """Drop the zip64 extra field: offsets change when parts move."""
    out, i = b"", 0
    while i + 4 <= len(extra):
        hid, size = struct.unpack("<HH", extra[i:i + 4])
        if hid != 0x0001:
            out += extra[i:i + 4 + size]
        i += 4 + size
    return out


def _dos_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    return (h << 11) | (mi << 5) | (s // 2), ((max(y, 1980) - 1980) << 9) | (mo << 5) | d


def rewrite_zip(
    src: BinaryIO,
    dst: BinaryIO,
    replace: Mapping[str, bytes],
    add_order: list[str] | None = None,
    remove: frozenset[str] = frozenset(),
    level_for: Callable[[int], int] = lambda size: 6,
) -> None:
    """Copy the zip ``src`` to ``dst``; parts named in ``replace`` get new content.

    Names in ``replace`` that are not in ``src`` are added at the end (in
    ``add_order`` when given); names in ``remove`` are left out. ``level_for(size)``
    picks the deflate level of each rewritten part.
    """
    zin = zipfile.ZipFile(src)
    infos = zin.infolist()
    existing = {i.filename for i in infos}
    added = [n for n in (add_order or sorted(replace)) if n not in existing and n in replace]
    central: list[bytes] = []
    now = time.localtime()[:6]

    for info in infos:
        if info.filename in remove:
            continue
        offset = dst.tell()
        if offset > _LIMIT:
            raise ZipTooLarge("workbook over 4 GB")
        if info.filename in replace:
            central.append(_write_member(dst, info.filename, replace[info.filename], offset,
                                         info.date_time, info.external_attr,
                                         level_for(len(replace[info.filename]))))
            continue
        if info.compress_size >= _LIMIT or info.file_size >= _LIMIT:
            raise ZipTooLarge(f"part {info.filename} over 4 GB")
        src.seek(info.header_offset)
        header = src.read(_LOCAL.size)
        fields = _LOCAL.unpack(header)
        if fields[0] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"bad local header for {info.filename}")
        name_len, extra_len = fields[9], fields[10]
        body = src.read(name_len + extra_len + info.compress_size)
        dst.write(header)
        dst.write(body)
        if info.flag_bits & 0x08:
            # A data descriptor follows the data: 12 bytes, or 16 with its signature.
            desc = src.read(16)
            dst.write(desc if desc[:4] == b"PK\x07\x08" else desc[:12])
        dostime, dosdate = _dos_time(info.date_time)
        name = info.filename.encode("utf-8" if info.flag_bits & _UTF8_FLAG else "cp437")
        extra = _strip_zip64(info.extra)
        comment = info.comment
        central.append(_CENTRAL.pack(
            b"PK\x01\x02", (info.create_system << 8) | info.create_version,
            info.extract_version, info.flag_bits, info.compress_type, dostime, dosdate,
            info.CRC, info.compress_size, info.file_size, len(name), len(extra),
            len(comment), 0, info.internal_attr, info.external_attr, offset,
        ) + name + extra + comment)

    for name in added:
        offset = dst.tell()
        central.append(_write_member(dst, name, replace[name], offset, now, 0o600 << 16,
                                     level_for(len(replace[name]))))

    start = dst.tell()
    for entry in central:
        dst.write(entry)
    size = dst.tell() - start
    if start > _LIMIT or len(central) > 0xFFFF:
        raise ZipTooLarge("workbook over 4 GB or with too many parts")
    dst.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))


def _write_member(dst: BinaryIO, filename: str, data: bytes, offset: int,
                  date_time: tuple[int, int, int, int, int, int], external_attr: int,
                  level: int) -> bytes:
    """Write one deflated member; return its central-directory record."""
    if len(data) >= _LIMIT:
        raise ZipTooLarge(f"part {filename} over 4 GB")
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    packed = comp.compress(data) + comp.flush()
    crc = zlib.crc32(data)
    name = filename.encode("utf-8")
    flags = 0 if name.isascii() else _UTF8_FLAG
    dostime, dosdate = _dos_time(date_time)
    dst.write(_LOCAL.pack(b"PK\x03\x04", 20, flags, 8, dostime, dosdate, crc, len(packed),
                          len(data), len(name), 0))
    dst.write(name)
    dst.write(packed)
    return _CENTRAL.pack(b"PK\x01\x02", 20, 20, flags, 8, dostime, dosdate, crc, len(packed),
                         len(data), len(name), 0, 0, 0, 0, external_attr, offset) + name
