"""Reading a .bcol file into Arrow."""

import datetime as _dt
import decimal
import os
import struct
import zlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._encodings import KNOWN_IDS, Corrupt, StreamDecoder
from ._zstd import ZstdError, zstd_decompress
from ._footer import (BOOL, DATE, DECIMAL, FLOAT64, INT64, TEXT, TIMESTAMP, _Unsupported, parse_file)
from .errors import CorruptFileError, UnsupportedFileError

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_EPOCH_DATE = _dt.date(1970, 1, 1)
_DEC18 = 10 ** 18


def arrow_type(col):
    return {
        BOOL: pa.bool_(),
        INT64: pa.int64(),
        FLOAT64: pa.float64(),
        TIMESTAMP: pa.timestamp("us", tz="UTC"),
        DATE: pa.date32(),
        TEXT: pa.string(),
    }.get(col.type) or pa.decimal128(18, col.scale)


class BcolFile:
    """One opened .bcol file: its footer (schema, row groups, statistics, Bloom filters, metadata) and its bytes.

    Opening checks header, trailer, footer CRC and footer structure; pages are checked when read.
    """

    def __init__(self, path, data=None):
        self.path = os.fspath(path)
        if data is None:
            with open(self.path, "rb") as f:
                data = f.read()
        self._data = data
        self._schema = None
        try:
            self.footer = parse_file(data)
        except _Unsupported as e:
            raise UnsupportedFileError(e.reason, self.path, offset=e.offset) from None
        except Corrupt as e:
            raise CorruptFileError(e.reason, self.path, offset=e.offset) from None

    # -- description ---------------------------------------------------------------------------------------------
    @property
    def table_name(self):
        return self.footer.table

    @property
    def columns(self):
        return self.footer.columns

    @property
    def metadata(self):
        return dict(self.footer.metadata)

    @property
    def num_rows(self):
        return sum(rg.rows for rg in self.footer.row_groups)

    @property
    def num_row_groups(self):
        return len(self.footer.row_groups)

    @property
    def schema(self):
        if self._schema is None:
            self._schema = pa.schema([pa.field(c.name, arrow_type(c), nullable=c.nullable) for c in self.footer.columns])
        return self._schema

    def column_index(self, name):
        for i, c in enumerate(self.footer.columns):
            if c.name == name:
                return i
        raise KeyError(f"{self.path}: no column {name!r} (columns: {', '.join(c.name for c in self.columns)})")

    # -- decoding ------------------------------------------------------------------------------------------------
    def read_column(self, row_group, column):
        """One column chunk as a pyarrow Array (or ChunkedArray when it has several pages)."""
        ci = column if isinstance(column, int) else self.column_index(column)
        col = self.footer.columns[ci]
        chunk = self.footer.row_groups[row_group].chunks[ci]
        arrays = [self._read_page(row_group, ci, pi, page) for pi, page in enumerate(chunk.pages)]
        return arrays[0] if len(arrays) == 1 else pa.chunked_array(arrays, type=arrow_type(col))

    def read_row_group(self, row_group, columns=None):
        names = [c.name for c in self.columns] if columns is None else list(columns)
        return pa.table({n: self.read_column(row_group, n) for n in names},
                        schema=pa.schema([self.schema.field(n) for n in names]))

    def _read_page(self, rg, ci, pi, page):
        col = self.footer.columns[ci]
        where = dict(path=self.path, row_group=rg, column=col.name, page=pi)
        unknown = [i for i in page.encoding_ids if i not in KNOWN_IDS]
        if unknown:
            raise UnsupportedFileError(
                f"encoding id 0x{unknown[0]:02x} is unknown to this reader (file minor version "
                f"{self.footer.minor_version}); a newer batchlake reader is needed for this column", **where)
        start, end = page.offset, page.offset + page.stored_size
        payload = self._data[start:end - 4]
        (crc,) = struct.unpack_from("<I", self._data, end - 4)
        if zlib.crc32(payload) != crc:
            raise CorruptFileError("page CRC-32 mismatch", offset=end - 4, **where)
        body = payload
        if page.codec == 1:
            d = zlib.decompressobj(-15)
            try:
                body = d.decompress(payload, page.body_size)
                tail = d.unconsumed_tail
                if not d.eof and not tail:
                    body += d.flush(page.body_size - len(body) + 1)
            except zlib.error as e:
                raise CorruptFileError(f"deflate stream is invalid: {e}", offset=start, **where) from None
            if len(body) != page.body_size or not d.eof:
                raise CorruptFileError(f"deflate stream does not inflate to exactly {page.body_size} bytes and end",
                                       offset=start, **where)
            if d.unused_data or d.unconsumed_tail:
                raise CorruptFileError(f"{len(d.unused_data) + len(d.unconsumed_tail)} bytes follow the end of the "
                                       "deflate stream", offset=start, **where)
        elif page.codec == 2:
            try:
                body = zstd_decompress(payload, page.body_size)
            except ZstdError as e:
                raise CorruptFileError(f"zstd frame: {e}", offset=start, **where) from None
        body_base = start if page.codec == 0 else None
        try:
            return self._decode_body(col, page, body)
        except Corrupt as e:
            off = None if e.offset is None or body_base is None else body_base + e.offset
            reason = e.reason if off is not None or e.offset is None else f"{e.reason} (byte {e.offset} of the inflated body)"
            raise CorruptFileError(reason, offset=off, **where) from None

    def _decode_body(self, col, page, body):
        dec = StreamDecoder(body, page.encoding_ids)
        rows, nulls = page.rows, page.null_count
        valid = None
        if 0 < nulls < rows:
            flags = dec.ints(rows)
            if ((flags != 0) & (flags != 1)).any():
                raise Corrupt("validity flag other than 0 or 1", 0)
            valid = flags.astype(bool)
            if rows - int(np.count_nonzero(valid)) != nulls:
                raise Corrupt(f"validity flags mark {rows - int(np.count_nonzero(valid))} NULLs, the footer {nulls}", 0)
        elif nulls == rows:
            valid = np.zeros(rows, dtype=bool)
        n = rows - nulls
        at = dec.pos
        if col.type == TEXT:
            lengths, data = dec.texts(n)
        elif col.type == FLOAT64:
            values = dec.floats(n)
        else:
            values = dec.ints(n)
        if dec.pos != dec.end:
            raise Corrupt(f"{dec.end - dec.pos} bytes after the value stream", dec.pos)
        if len(dec.ids) != len(page.encoding_ids):
            raise Corrupt(f"page met encoding ids {bytes(dec.ids).hex(' ')}, the footer lists "
                          f"{bytes(page.encoding_ids).hex(' ')}", 0)
        validity = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
        null_count = nulls

        if col.type == TEXT:
            if valid is not None:
                full = np.zeros(rows, dtype=np.int64)
                full[valid] = lengths
                lengths = full
            offsets = np.zeros(rows + 1, dtype=np.int32)
            np.cumsum(lengths, out=offsets[1:])
            arr = pa.Array.from_buffers(pa.string(), rows, [validity, pa.py_buffer(offsets), pa.py_buffer(data)],
                                        null_count=null_count)
            try:
                arr.validate(full=True)
            except pa.ArrowInvalid:
                raise Corrupt("text value is not valid UTF-8", at) from None
            return arr
        if valid is not None:
            dtype = values.dtype
            full = np.zeros(rows, dtype=dtype)
            full[valid] = values
            values = full
        if col.type == FLOAT64:
            return pa.Array.from_buffers(pa.float64(), rows, [validity, pa.py_buffer(values)], null_count=null_count)
        if col.type == BOOL:
            if ((values != 0) & (values != 1)).any():
                raise Corrupt("bool value other than 0 or 1", at)
            bits = pa.py_buffer(np.packbits(values.astype(bool), bitorder="little"))
            return pa.Array.from_buffers(pa.bool_(), rows, [validity, bits], null_count=null_count)
        if col.type == DATE:
            if len(values) and (values.min() < -(1 << 31) or values.max() >= 1 << 31):
                raise Corrupt("date outside the range of Arrow's date32", at)
            return pa.Array.from_buffers(pa.date32(), rows, [validity, pa.py_buffer(values.astype(np.int32))],
                                         null_count=null_count)
        if col.type == DECIMAL:
            if len(values) and (values.min() <= -_DEC18 or values.max() >= _DEC18):
                raise Corrupt("decimal with more than 18 digits, outside decimal128(18)", at)
            wide = np.empty((rows, 2), dtype=np.int64)
            wide[:, 0] = values
            wide[:, 1] = values >> 63
            return pa.Array.from_buffers(pa.decimal128(18, col.scale), rows, [validity, pa.py_buffer(wide)],
                                         null_count=null_count)
        typ = pa.int64() if col.type == INT64 else pa.timestamp("us", tz="UTC")
        return pa.Array.from_buffers(typ, rows, [validity, pa.py_buffer(values)], null_count=null_count)

    # -- statistics as Python values -------------------------------------------------------------------------------
    def stat_value(self, column, raw):
        """A statistic (as stored) converted to the Python value Arrow would give for the column."""
        col = self.footer.columns[column]
        if raw is None:
            return None
        try:
            if col.type == TEXT:
                return raw.decode("utf-8")
            if col.type == BOOL:
                return bool(raw)
            if col.type == DECIMAL:
                return decimal.Decimal(raw).scaleb(-col.scale)
            if col.type == TIMESTAMP:
                return _EPOCH + _dt.timedelta(microseconds=raw)
            if col.type == DATE:
                return _EPOCH_DATE + _dt.timedelta(days=raw)
            return raw
        except (OverflowError, UnicodeDecodeError, ValueError):
            return None
