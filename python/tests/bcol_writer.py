"""A minimal .bcol writer for tests: wraps page bodies given as bytes into a file with a correct footer, CRCs and
statistics (docs/FORMAT.md). It chooses no encodings; callers pass encoded page bodies."""

import math
import struct
import zlib

TYPES = {"bool": 0, "int64": 1, "float64": 2, "decimal": 3, "timestamp": 4, "date": 5, "text": 6}


def varint(v):
    assert v >= 0
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zz(v):
    return varint(((v << 1) ^ (v >> 63)) & ((1 << 64) - 1))


def string(s):
    b = s.encode() if isinstance(s, str) else s
    return varint(len(b)) + b


def stats(typ, values):
    """Statistics of the non-NULL values (ints for integer-backed types, floats, str)."""
    vals = [v for v in values if v is not None]
    if typ == "float64":
        vals = [v for v in vals if not math.isnan(v)]
    flags = 4
    out = b""
    if vals:
        flags |= 3
        lo, hi = min(vals), max(vals)
        if typ == "text":
            lo = min((v.encode() for v in vals))
            hi = max((v.encode() for v in vals))
            flags = 4 | (1 if len(lo) <= 64 else 0) | (2 if len(hi) <= 64 else 0)
            out = (string(lo) if flags & 1 else b"") + (string(hi) if flags & 2 else b"")
        elif typ == "float64":
            out = struct.pack("<d", lo) + struct.pack("<d", hi)
        else:
            out = zz(int(lo)) + zz(int(hi))
    all_vals = [v for v in values if v is not None]
    if typ == "float64":
        keys = {("nan" if math.isnan(v) else (0.0 if v == 0 else v)) for v in all_vals}
    else:
        keys = set(all_vals)
    return bytes([flags]) + out + varint(len(keys))


def page(rows, nulls, body, ids, codec=0, after_deflate=b"", zstd_frame=None):
    """(page bytes in the file, footer page entry). after_deflate: bytes appended to a deflate stream (invalid).
    codec 2 (zstd) stores ``zstd_frame`` as the payload: a frame of ``body`` made elsewhere, so that files are
    reproducible whatever zstd version is installed."""
    payload = body
    if codec == 2:
        payload = zstd_frame
    elif codec:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        payload = c.compress(body) + c.flush() + after_deflate
    stored = payload + struct.pack("<I", zlib.crc32(payload))
    entry = varint(rows) + varint(nulls) + bytes([codec]) + varint(len(stored))
    if codec:
        entry += varint(len(body))
    entry += varint(len(ids)) + bytes(ids)
    return stored, entry


def build(table, columns, row_groups, metadata=None, sort_column=None, minor=0):
    """columns: [(name, type, scale, nullable)]; row_groups: [(rows, [ [page tuples (rows, nulls, body, ids, codec)],
    values for statistics ] per column)]."""
    pages = b""
    footer = bytes([minor]) + string(table) + varint(len(columns))
    for name, typ, scale, nullable in columns:
        footer += string(name) + bytes([TYPES[typ]]) + (bytes([scale]) if typ == "decimal" else b"")
        footer += bytes([1 if nullable else 0])
    footer += varint(0 if sort_column is None else sort_column + 1)
    footer += varint(len(row_groups))
    for rows, chunks in row_groups:
        footer += varint(rows)
        for (name, typ, scale, nullable), (page_list, values) in zip(columns, chunks):
            footer += varint(len(page_list))
            for p in page_list:
                stored, entry = page(*p)
                pages += stored
                footer += entry
            footer += stats(typ, values)
    footer += varint(0)  # Bloom filters
    meta = sorted((metadata or {}).items(), key=lambda kv: kv[0].encode())
    footer += varint(len(meta)) + b"".join(string(k) + string(v) for k, v in meta)
    major = 2 if any(len(p) > 4 and p[4] == 2 for _, chunks in row_groups for page_list, _ in chunks
                     for p in page_list) else 1  # version 2 exactly when a page uses zstd
    return (b"BCOL" + bytes([major]) + pages + footer + struct.pack("<I", len(footer))
            + struct.pack("<I", zlib.crc32(footer)) + b"BCOL")
