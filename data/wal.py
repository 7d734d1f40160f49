"""Checking the write-ahead log before DuckDB replays it.

DuckDB replays a log entry by entry. A whole entry with a wrong checksum stops it with a raw
error, but a damaged size field, header or a zeroed log makes it stop in silence and open the
file without every answer after the damage. Each entry
is ``[size: u64][checksum: u64][payload]`` after an unchecksummed header; the checksum is
DuckDB's (``src/common/checksum.cpp``). A last entry cut short is what a crash mid-write leaves
(that transaction was never acknowledged) and is accepted, as DuckDB does; a complete entry
with a wrong checksum, or a log whose header is not DuckDB's, is damage.
"""

from __future__ import annotations

import struct
from pathlib import Path

_MASK = (1 << 64) - 1
_HEADER_MARK = b"d\x00"  # the header's first field id (100), little-endian
_HEADER_END = b"\xff\xff"
_HEADER_MAX = 256


def _remainder(tail: bytes) -> int:
    m, r = 0xC6A4A7935BD1E995, 47
    h = (0xE17A1465 ^ (len(tail) * m)) & _MASK
    for i in range(len(tail) - 1, -1, -1):
        h ^= tail[i] << (8 * i)
    if tail:
        h = (h * m) & _MASK
    h ^= h >> r
    h = (h * m) & _MASK
    h ^= h >> r
    return h


def checksum(payload: bytes) -> int:
    """DuckDB's checksum of a log entry's payload."""
    result = 5381
    full = len(payload) // 8
    for (word,) in struct.iter_unpack("<Q", payload[: full * 8]):
        result ^= (word * 0xBF58476D1CE4E5B9) & _MASK
    if len(payload) > full * 8:
        result ^= _remainder(payload[full * 8 :])
    return result


def _entry_ok(data: bytes, pos: int) -> bool | None:
    """``True`` for a whole entry with the right checksum at ``pos``, ``False`` for a whole one
    with a wrong checksum, ``None`` for one cut short by the end of the file."""
    if pos + 16 > len(data):
        return None
    size, expected = struct.unpack_from("<QQ", data, pos)
    if pos + 16 + size > len(data):
        return None
    return bool(checksum(data[pos + 16 : pos + 16 + size]) == expected)


def damage_offset(wal: Path) -> int | None:
    """The byte offset of the first damaged entry of ``wal``, or ``None`` when it is whole
    (missing, empty, or only its last entry cut short by a crash)."""
    try:
        data = wal.read_bytes()
    except FileNotFoundError:
        return None
    if not data:
        return None
    if not data.startswith(_HEADER_MARK):
        return 0
    starts = [
        p
        for p in range(2, min(len(data), _HEADER_MAX) + 1)
        if data[p - 2 : p] == _HEADER_END and _entry_ok(data, p)
    ]
    if not starts:
        return 0 if len(data) > _HEADER_MAX else None
    pos = starts[0]
    while pos < len(data):
        ok = _entry_ok(data, pos)
        if ok is None:
            # A crash cut the last entry short (never acknowledged). A damaged size field looks
            # the same, except that whole entries follow it.
            later = any(_entry_ok(data, q) for q in range(pos + 1, len(data) - 15))
            return pos if later else None
        if not ok:
            return pos
        (size,) = struct.unpack_from("<Q", data, pos)
        pos += 16 + size
    return None
