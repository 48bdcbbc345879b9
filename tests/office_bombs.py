"""Office files that expand far beyond their size ("zip bombs"), for the tests and the benchmark."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)
CHUNK = 1024 * 1024


def _blank_deflate(expanded_bytes: int) -> tuple[bytes, int]:
    """A raw deflate stream of `expanded_bytes` blanks, and its CRC-32, built in well under a second
    for a gigabyte: one 1 MB block is compressed with a full flush (which makes the next block
    independent of it) and repeated."""
    whole, rest = divmod(expanded_bytes, CHUNK)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b" " * CHUNK
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeat = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    parts = [first] + [repeat] * (whole - 1) if whole else []
    parts.append(compressor.compress(b" " * rest) + compressor.flush())
    crc = 0
    for _ in range(whole):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(b" " * rest, crc)
    return b"".join(parts), crc


def _zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip archive of (name, stored bytes, method, crc, expanded size) members."""
    body, directory = bytearray(), bytearray()
    for name, data, method, crc, size in members:
        encoded = name.encode()
        offset = len(body)
        body += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            0,
            method,
            0,
            0x21,
            crc,
            len(data),
            size,
            len(encoded),
            0,
        )
        body += encoded + data
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            method,
            0,
            0x21,
            crc,
            len(data),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += encoded
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(body), 0
    )
    return bytes(body + directory + end)


def xlsx_bomb(path: Path, expanded_bytes: int, *, members: int = 1) -> Path:
    """An .xlsx-shaped archive whose sheet part really expands to `expanded_bytes` of blanks
    (under 4 GB), plus `members - 1` empty parts."""
    deflated, crc = _blank_deflate(expanded_bytes)
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES, 0, zlib.crc32(CONTENT_TYPES), len(CONTENT_TYPES)),
        ("xl/workbook.xml", b"<workbook/>", 0, zlib.crc32(b"<workbook/>"), 11),
        ("xl/worksheets/sheet1.xml", deflated, 8, crc, expanded_bytes),
    ]
    parts += [(f"xl/media/part{n}.xml", b"", 0, 0, 0) for n in range(members - 1)]
    path.write_bytes(_zip(parts))
    return path
