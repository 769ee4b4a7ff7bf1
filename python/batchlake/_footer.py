"""File layout, footer and statistics (docs/FORMAT.md, "File layout", "Footer", "Statistics", "Bloom filters")."""

import struct
import zlib
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from ._encodings import MAX_PAGE_BYTES, MAX_PAGE_ROWS, Corrupt, read_varint, unzigzag

MAGIC = b"BCOL"
MAJOR_VERSION = 2  # version 2 = version 1 plus page codec 2 (zstd)
ZSTD_MAJOR_VERSION = 2

BOOL, INT64, FLOAT64, DECIMAL, TIMESTAMP, DATE, TEXT = range(7)
TYPE_NAMES = ["bool", "int64", "float64", "decimal", "timestamp", "date", "text"]


@dataclass
class Column:
    name: str
    type: int
    scale: int
    nullable: bool

    @property
    def type_name(self):
        return f"decimal({self.scale})" if self.type == DECIMAL else TYPE_NAMES[self.type]


@dataclass
class PageEntry:
    rows: int
    null_count: int
    codec: int
    stored_size: int
    body_size: int
    encoding_ids: Tuple[int, ...]
    offset: int = 0  # byte offset of the page in the file, computed


@dataclass
class Statistics:
    min: object = None  # int (integer-backed types), float, or bytes (text); None when absent
    max: object = None
    distinct: Optional[int] = None


@dataclass
class ColumnChunk:
    pages: List[PageEntry]
    stats: Statistics

    @property
    def null_count(self):
        return sum(p.null_count for p in self.pages)


@dataclass
class RowGroup:
    rows: int
    chunks: List[ColumnChunk]


@dataclass
class BloomFilter:
    column: int
    k: int
    bits: bytes


@dataclass
class Footer:
    minor_version: int
    table: str
    columns: List[Column]
    sort_column: Optional[int]
    row_groups: List[RowGroup]
    bloom_filters: List[BloomFilter] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)


class _Cursor:
    def __init__(self, buf, pos, end):
        self.buf, self.pos, self.end = buf, pos, end

    def left(self):
        return self.end - self.pos

    def u8(self):
        if self.pos >= self.end:
            raise Corrupt("footer ends early", self.pos)
        b = self.buf[self.pos]
        self.pos += 1
        return b

    def varint(self):
        v, self.pos = read_varint(self.buf, self.pos, self.end)
        return v

    def count(self, what, minimum=0, maximum=None):
        at = self.pos
        v = self.varint()
        if v < minimum or v > self.left() or (maximum is not None and v > maximum):
            raise Corrupt(f"{what} {v} out of range", at)
        return v

    def raw(self, n, what):
        if n > self.left():
            raise Corrupt(f"{what}: {n} bytes, {self.left()} left in the footer", self.pos)
        b = bytes(self.buf[self.pos:self.pos + n])
        self.pos += n
        return b

    def string(self, what):
        at = self.pos
        n = self.varint()
        data = self.raw(n, what)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise Corrupt(f"{what} is not UTF-8", at) from None


def parse_file(data):
    """Checks header and trailer and parses the footer of a whole file given as bytes.
    Returns (Footer, page region end). Page offsets are filled in."""
    size = len(data)
    if size < 17:
        raise Corrupt(f"file of {size} bytes is shorter than the 17 bytes of header and trailer", 0)
    if data[0:4] != MAGIC:
        raise Corrupt("not a batchlake columnar file (no BCOL magic)", 0)
    major = data[4]
    if major == 0:
        raise Corrupt("major version 0 is invalid", 4)
    if major > MAJOR_VERSION:
        raise _Unsupported(f"file uses columnar format version {major}, this reader understands only versions 1 to "
                           f"{MAJOR_VERSION}; a newer batchlake reader is needed", 4)
    if data[size - 4:] != MAGIC:
        raise Corrupt("trailing magic missing: truncated, or the writer never finished", size - 4)
    (length,) = struct.unpack_from("<I", data, size - 12)
    if length > size - 17:
        raise Corrupt(f"footer length {length} exceeds the file", size - 12)
    (crc,) = struct.unpack_from("<I", data, size - 8)
    start = size - 12 - length
    if zlib.crc32(data[start:size - 12]) != crc:
        raise Corrupt("footer CRC-32 mismatch", size - 8)
    footer = _parse_footer(data, start, size - 12, major)
    pos = 5
    for rg in footer.row_groups:
        for chunk in rg.chunks:
            for page in chunk.pages:
                page.offset = pos
                pos += page.stored_size
    if pos != start:
        raise Corrupt(f"page sizes add up to {pos - 5} bytes, the page region has {start - 5}", start)
    return footer


class _Unsupported(Corrupt):
    pass


def _parse_footer(buf, start, end, major=1):
    c = _Cursor(buf, start, end)
    minor = c.u8()
    table = c.string("table name")
    ncols = c.count("column count", 1)
    columns = []
    names = set()
    for _ in range(ncols):
        at = c.pos
        name = c.string("column name")
        if name in names:
            raise Corrupt(f"duplicate column name {name!r}", at)
        names.add(name)
        tag = c.u8()
        if tag > TEXT:
            raise Corrupt(f"column {name!r}: unknown type tag {tag}", c.pos - 1)
        scale = 0
        if tag == DECIMAL:
            scale = c.u8()
            if scale > 18:
                raise Corrupt(f"column {name!r}: decimal scale {scale} > 18", c.pos - 1)
        flags = c.u8()
        if flags > 1:
            raise Corrupt(f"column {name!r}: flags 0x{flags:02x} has bits other than nullable", c.pos - 1)
        columns.append(Column(name, tag, scale, bool(flags & 1)))
    at = c.pos
    sort = c.varint()
    if sort > ncols:
        raise Corrupt(f"sort column {sort - 1} does not exist", at)
    ngroups = c.count("row group count")
    groups = []
    for _ in range(ngroups):
        at = c.pos
        rows = c.varint()
        if rows < 1:
            raise Corrupt("row group of 0 rows", at)
        chunks = []
        for col in columns:
            npages = c.count("page count", 1)
            pages = []
            page_rows = 0
            for _ in range(npages):
                pages.append(_parse_page_entry(c, col, major))
                page_rows += pages[-1].rows
            if page_rows != rows:
                raise Corrupt(f"column {col.name!r}: pages hold {page_rows} rows, the row group {rows}", at)
            chunks.append(ColumnChunk(pages, _parse_stats(c, col)))
        groups.append(RowGroup(rows, chunks))
    nblooms = c.count("Bloom filter count", 0, ncols)
    blooms = []
    prev = -1
    for _ in range(nblooms):
        at = c.pos
        idx = c.varint()
        if idx <= prev or idx >= ncols:
            raise Corrupt(f"Bloom filter column index {idx} not ascending or out of range", at)
        prev = idx
        k = c.u8()
        if not 1 <= k <= 16:
            raise Corrupt(f"Bloom filter with k = {k}", c.pos - 1)
        nbytes = c.count("Bloom filter size", 1)
        blooms.append(BloomFilter(idx, k, c.raw(nbytes, "Bloom filter bits")))
    nmeta = c.count("metadata count")
    metadata = {}
    prev_key = None
    for _ in range(nmeta):
        at = c.pos
        key = c.string("metadata key")
        value = c.string("metadata value")
        kb = key.encode()
        if prev_key is not None and kb <= prev_key:
            raise Corrupt("metadata keys not strictly ascending", at)
        prev_key = kb
        metadata[key] = value
    if c.pos != end:
        raise Corrupt(f"footer has {end - c.pos} bytes after its last field", c.pos)
    uses_zstd = any(p.codec == 2 for g in groups for ch in g.chunks for p in ch.pages)
    if major >= ZSTD_MAJOR_VERSION and not uses_zstd:
        raise Corrupt(f"format version {major} but no page uses zstd (such a file is version 1)", 4)
    return Footer(minor, table, columns, sort - 1 if sort else None, groups, blooms, metadata)


def _parse_page_entry(c, col, major):
    at = c.pos
    rows = c.varint()
    if not 1 <= rows <= MAX_PAGE_ROWS:
        raise Corrupt(f"column {col.name!r}: page of {rows} rows", at)
    nulls = c.varint()
    if nulls > rows or (nulls and not col.nullable):
        raise Corrupt(f"column {col.name!r}: {nulls} NULLs in a page of {rows} rows"
                      + ("" if col.nullable else " of a non-nullable column"), at)
    codec = c.u8()
    if codec > 2 or (codec == 2 and major < ZSTD_MAJOR_VERSION):
        raise Corrupt(f"column {col.name!r}: unknown page codec {codec} for format version {major}", c.pos - 1)
    at = c.pos
    stored = c.varint()
    if stored < 5:
        raise Corrupt(f"column {col.name!r}: page stored size {stored} < 5", at)
    if codec != 0:
        at = c.pos
        body = c.varint()
        if body > MAX_PAGE_BYTES:
            raise Corrupt(f"column {col.name!r}: page body of {body} bytes exceeds 64 MiB", at)
    else:
        body = stored - 4
    nids = c.count("encoding id count", 0, 255)
    ids = tuple(c.raw(nids, "encoding ids"))
    return PageEntry(rows, nulls, codec, stored, body, ids)


def _parse_stats(c, col):
    at = c.pos
    flags = c.u8()
    if flags > 7:
        raise Corrupt(f"column {col.name!r}: statistics flags 0x{flags:02x}", at)
    stats = Statistics()
    if flags & 1:
        stats.min = _stat_value(c, col)
    if flags & 2:
        stats.max = _stat_value(c, col)
    if flags & 4:
        stats.distinct = c.varint()
    return stats


def _stat_value(c, col):
    if col.type == TEXT:
        at = c.pos
        n = c.varint()
        if n > 64:
            raise Corrupt(f"column {col.name!r}: text statistic of {n} bytes > 64", at)
        return c.raw(n, "text statistic")
    if col.type == FLOAT64:
        return struct.unpack("<d", c.raw(8, "float statistic"))[0]
    v = unzigzag(c.varint())
    if v >= 1 << 63 or v < -(1 << 63):
        raise Corrupt(f"column {col.name!r}: statistic outside int64", c.pos)
    return v
