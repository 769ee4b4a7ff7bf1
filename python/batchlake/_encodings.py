"""Decoders of the stream encodings (docs/FORMAT.md, "Encodings").

Every count is checked against the bytes that remain, or against a limit of the format, before anything is
allocated by it. Decoders raise ``Corrupt`` (a message and a byte offset into the page body); the reader adds the
file, row group, column and page.
"""

import numpy as np

MAX_DEPTH = 8  # nesting of encodings: a page's top-level stream is level 1
MAX_PAGE_ROWS = 65536
MAX_PAGE_BYTES = 64 << 20  # decoded bytes per page (inflated body, decoded text)
_U64 = np.uint64
_MASK64 = (1 << 64) - 1

INT_IDS = {0x00: "plain", 0x01: "varint", 0x02: "constant", 0x03: "bitpack", 0x04: "delta", 0x05: "rle", 0x06: "dict"}
TEXT_IDS = {0x10: "plain", 0x11: "dict", 0x12: "fsst", 0x13: "lz", 0x14: "digits"}
FLOAT_IDS = {0x20: "bits", 0x21: "scaled"}
KNOWN_IDS = {**INT_IDS, **TEXT_IDS, **FLOAT_IDS}
_POW10 = np.array([10 ** e for e in range(19)], dtype=np.int64)


class Corrupt(Exception):
    def __init__(self, reason, offset=None):
        super().__init__(reason)
        self.reason = reason
        self.offset = offset


def read_varint(buf, pos, end):
    """Unsigned LEB128 at buf[pos:end]; returns (value, new pos)."""
    result = 0
    shift = 0
    for i in range(10):
        if pos >= end:
            raise Corrupt("varint runs past the end", pos)
        b = buf[pos]
        pos += 1
        if i == 9 and b > 1:
            raise Corrupt("varint overflows 64 bits", pos - 1)
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
    raise Corrupt("varint longer than 10 bytes", pos - 1)


def unzigzag(u):
    return (u >> 1) ^ -(u & 1)


def _zigzag_array(u):
    """uint64 array of zigzag codes -> int64 values."""
    return ((u >> _U64(1)) ^ (_U64(0) - (u & _U64(1)))).view(np.int64)


def _to_i64(v):
    v &= _MASK64
    return v - (1 << 64) if v >= 1 << 63 else v


class StreamDecoder:
    """Decodes the streams of one page body, recording the encoding ids it meets (preorder)."""

    def __init__(self, body, expected_ids):
        self.buf = body
        self.arr = np.frombuffer(body, dtype=np.uint8)
        self.pos = 0
        self.end = len(body)
        self.expected = expected_ids
        self.ids = []

    # -- primitives --------------------------------------------------------------------------------------------
    def remaining(self):
        return self.end - self.pos

    def u8(self):
        if self.pos >= self.end:
            raise Corrupt("stream runs past the end of the page body", self.pos)
        b = self.buf[self.pos]
        self.pos += 1
        return b

    def varint(self):
        v, self.pos = read_varint(self.buf, self.pos, self.end)
        return v

    def zigzag(self):
        return unzigzag(self.varint())

    def take(self, n, what):
        if n < 0 or n > self.end - self.pos:
            raise Corrupt(f"{what}: {n} bytes needed, {self.end - self.pos} left", self.pos)
        start = self.pos
        self.pos += n
        return start

    def _encoding_id(self, depth, allowed, kind):
        if depth > MAX_DEPTH:
            raise Corrupt(f"encodings nested deeper than {MAX_DEPTH}", self.pos)
        at = self.pos
        eid = self.u8()
        k = len(self.ids)
        if k >= len(self.expected) or self.expected[k] != eid:
            raise Corrupt(f"encoding id 0x{eid:02x} differs from the footer's list {_fmt_ids(self.expected)}", at)
        self.ids.append(eid)
        if eid not in allowed:
            if eid in KNOWN_IDS:
                raise Corrupt(f"encoding id 0x{eid:02x} ({KNOWN_IDS[eid]}) where a {kind} stream must be", at)
            raise Corrupt(f"unknown encoding id 0x{eid:02x} in a {kind} stream", at)
        return eid

    # -- integer streams -----------------------------------------------------------------------------------------
    def ints(self, n, depth=1):
        """An integer stream of n values -> int64 numpy array."""
        eid = self._encoding_id(depth, INT_IDS, "integer")
        if eid == 0x00:
            start = self.take(8 * n, "plain integers")
            return self.arr[start:start + 8 * n].view("<i8").astype(np.int64)
        if eid == 0x01:
            return _zigzag_array(self._varints(n))
        if eid == 0x02:
            return np.full(n, self.zigzag(), dtype=np.int64)
        if eid == 0x03:
            base = self.zigzag()
            width = self.u8()
            if width > 64:
                raise Corrupt(f"bitpack width {width} > 64", self.pos - 1)
            return self._bitpack(n, base, width)
        if eid == 0x04:
            if n < 1:
                raise Corrupt("delta stream of zero values", self.pos - 1)
            first = self.zigzag()
            diffs = self.ints(n - 1, depth + 1)
            out = np.empty(n, dtype=_U64)
            out[0] = first & _MASK64
            out[1:] = diffs.view(_U64)
            np.cumsum(out, out=out)  # wraps modulo 2^64
            return out.view(np.int64)
        if eid == 0x05:
            at = self.pos
            r = self.varint()
            if not 1 <= r <= n:
                raise Corrupt(f"rle with {r} runs for {n} values", at)
            values = self.ints(r, depth + 1)
            lengths = self.ints(r, depth + 1)
            if (lengths < 0).any() or (lengths >= n).any() or int(lengths.sum()) + r != n:
                raise Corrupt(f"rle run lengths do not add up to {n}", at)
            return np.repeat(values, lengths + 1)
        # 0x06 dict
        at = self.pos
        d = self.varint()
        if not 1 <= d <= n:
            raise Corrupt(f"dictionary of {d} entries for {n} values", at)
        entries = self.ints(d, depth + 1)
        codes = self.ints(n, depth + 1)
        if (codes < 0).any() or (codes >= d).any():
            raise Corrupt(f"dictionary code outside 0..{d - 1}", at)
        return entries[codes]

    def _varints(self, n):
        """n unsigned LEB128 values -> uint64 array (vectorised)."""
        if n == 0:
            return np.zeros(0, dtype=_U64)
        window = self.arr[self.pos:self.pos + min(self.end - self.pos, 10 * n)]
        last = np.flatnonzero(window < 0x80)
        if len(last) < n:
            raise Corrupt(f"varint stream of {n} values runs past the end", self.pos)
        last = last[:n]
        used = int(last[-1]) + 1
        window = window[:used]
        starts = np.empty(n, dtype=np.int64)
        starts[0] = 0
        starts[1:] = last[:-1] + 1
        lengths = last - starts + 1
        if lengths.max() > 10:
            raise Corrupt("varint longer than 10 bytes", self.pos + int(starts[np.argmax(lengths > 10)]))
        tenth = last[lengths == 10]
        if len(tenth) and (window[tenth] > 1).any():
            raise Corrupt("varint overflows 64 bits", self.pos)
        shift = (np.arange(used, dtype=np.int64) - np.repeat(starts, lengths)) * 7
        parts = (window & 0x7F).astype(_U64) << shift.astype(_U64)
        self.pos += used
        return np.add.reduceat(parts, starts)

    def _bitpack(self, n, base, width):
        if width == 0:
            return np.full(n, base, dtype=np.int64)
        nbytes = (n * width + 7) // 8
        start = self.take(nbytes, "bitpacked values")
        packed = self.arr[start:start + nbytes]
        used_bits = (n * width) % 8
        if used_bits and packed[-1] >> used_bits:
            raise Corrupt("bitpack padding bits are not zero", start + nbytes - 1)
        if width <= 56:
            padded = np.zeros(nbytes + 8, dtype=np.uint8)
            padded[:nbytes] = packed
            bitpos = np.arange(n, dtype=np.int64) * width
            gather = (bitpos >> 3)[:, None] + np.arange(8)
            words = padded[gather].view("<u8").reshape(n)
            u = (words >> (bitpos & 7).astype(_U64)) & _U64((1 << width) - 1)
        else:
            bits = np.unpackbits(packed, bitorder="little")[:n * width].reshape(n, width).astype(_U64)
            u = (bits << np.arange(width, dtype=_U64)).sum(axis=1, dtype=_U64)
        return (u + _U64(base & _MASK64)).view(np.int64)

    # -- text streams --------------------------------------------------------------------------------------------
    def texts(self, n, depth=1):
        """A text stream of n values -> (int64 lengths, bytes data)."""
        eid = self._encoding_id(depth, TEXT_IDS, "text")
        at = self.pos
        if eid == 0x10:
            lengths = self.ints(n, depth + 1)
            total = _checked_total(lengths, self.end - self.pos, "text lengths", at)
            start = self.take(total, "text bytes")
            return lengths, bytes(self.buf[start:start + total])
        if eid == 0x11:
            d = self.varint()
            if not 1 <= d <= n:
                raise Corrupt(f"text dictionary of {d} entries for {n} values", at)
            entry_lengths, entry_data = self.texts(d, depth + 1)
            codes = self.ints(n, depth + 1)
            if (codes < 0).any() or (codes >= d).any():
                raise Corrupt(f"dictionary code outside 0..{d - 1}", at)
            lengths = entry_lengths[codes]
            if int(lengths.sum()) > MAX_PAGE_BYTES:
                raise Corrupt("dictionary expands beyond 64 MiB", at)
            offsets = np.concatenate(([0], np.cumsum(entry_lengths))).tolist()
            entries = [entry_data[offsets[i]:offsets[i + 1]] for i in range(d)]
            return lengths, b"".join([entries[c] for c in codes.tolist()])
        if eid == 0x12:
            return self._fsst(n, depth, at)
        if eid == 0x14:
            return self._digits(n, depth, at)
        return self._lz(n, depth, at)

    def _digits(self, n, depth, at):
        widths = self.ints(n, depth + 1)
        if n and ((widths < 0) | (widths > 18)).any():
            raise Corrupt("digit width outside 0..18", at)
        values = self.ints(n, depth + 1)
        if n and ((values < 0) | (values >= _POW10[widths])).any():
            raise Corrupt("digit value does not fit its width", at)
        text = "".join(str(v).zfill(w) if w else "" for v, w in zip(values.tolist(), widths.tolist()))
        return widths.astype(np.int64), text.encode("ascii")

    def _fsst(self, n, depth, at):
        s = self.u8()
        start = self.take(s, "symbol lengths")
        sym_lengths = self.arr[start:start + s].astype(np.int64)
        if s and ((sym_lengths < 1) | (sym_lengths > 8)).any():
            raise Corrupt("symbol length outside 1..8", start)
        sym_total = int(sym_lengths.sum())
        sym_start = self.take(sym_total, "symbols")
        # 256 symbols of 8 bytes (codes >= s stay empty), then 256 one-byte rows for escaped literals
        table = np.zeros((512, 8), dtype=np.uint8)
        offsets = np.concatenate(([0], np.cumsum(sym_lengths)))
        for i in range(s):
            table[i, :sym_lengths[i]] = self.arr[sym_start + offsets[i]:sym_start + offsets[i + 1]]
        table[256:, 0] = np.arange(256, dtype=np.uint8)
        length_of = np.zeros(256, dtype=np.int64)
        length_of[:s] = sym_lengths
        clens = self.ints(n, depth + 1)
        total = _checked_total(clens, self.end - self.pos, "compressed lengths", at)
        cstart = self.take(total, "compressed text")
        c = self.arr[cstart:cstart + total]
        if total == 0:
            return np.zeros(n, dtype=np.int64), b""
        idx = np.arange(total, dtype=np.int64)
        is255 = c == 255
        prev255 = np.concatenate(([False], is255[:-1]))
        run_start = np.maximum.accumulate(np.where(is255 & ~prev255, idx, 0))
        # a run of 255s starts at a code position (the byte before it is a code or a literal);
        # inside the run escapes and escaped 255s alternate
        escape = is255 & ((idx - run_start) % 2 == 0)
        literal = np.concatenate(([False], escape[:-1]))
        value_ends = np.cumsum(clens)
        nonempty = clens > 0
        if escape[value_ends[nonempty] - 1].any():
            raise Corrupt("fsst escape as the last byte of a value", cstart)
        code = ~escape & ~literal
        if (c[code] >= s).any():
            raise Corrupt(f"fsst code outside the {s} symbols", cstart + int(np.argmax(code & (c >= s))))
        out_len = np.where(escape, 0, np.where(literal, 1, length_of[c]))
        cum = np.concatenate(([0], np.cumsum(out_len)))
        out_total = int(cum[-1])
        if out_total > MAX_PAGE_BYTES:
            raise Corrupt("fsst text expands beyond 64 MiB", at)
        row = np.where(literal, 256 + c.astype(np.int64), c.astype(np.int64))
        rep = np.repeat(np.arange(total), out_len)
        within = np.arange(out_total, dtype=np.int64) - cum[:-1][rep]
        out = table.reshape(-1)[row[rep] * 8 + within]
        value_starts = value_ends - clens
        lengths = cum[value_ends] - cum[value_starts]
        return lengths.astype(np.int64), out.tobytes()

    def _lz(self, n, depth, at):
        lengths = self.ints(n, depth + 1)
        if (lengths < 0).any() or (lengths > MAX_PAGE_BYTES).any() or int(lengths.sum()) > MAX_PAGE_BYTES:
            raise Corrupt("lz value lengths negative or beyond 64 MiB", at)
        total = int(lengths.sum())
        m_at = self.pos
        m = self.varint()
        if m > total:
            raise Corrupt(f"lz with {m} copies for {total} bytes", m_at)
        runs = self.ints(m, depth + 1)
        distances = self.ints(m, depth + 1)
        copy_lengths = self.ints(m, depth + 1)
        if (runs < 0).any() or (distances < 1).any() or (copy_lengths < 1).any() or (copy_lengths > total).any():
            raise Corrupt("lz literal run < 0, distance < 1 or copy length < 1", m_at)
        copied = int(copy_lengths.sum())
        if copied > total:
            raise Corrupt("lz copies exceed the total length", m_at)
        nlit = total - copied
        lstart = self.take(nlit, "lz literals")
        lits = self.buf[lstart:lstart + nlit]
        out = bytearray()
        li = 0
        for run, dist, length in zip(runs.tolist(), distances.tolist(), copy_lengths.tolist()):
            if li + run > nlit:
                raise Corrupt("lz literal run past the literals", lstart)
            out += lits[li:li + run]
            li += run
            if dist > len(out):
                raise Corrupt("lz copy distance beyond the start", m_at)
            src = len(out) - dist
            if length <= dist:
                out += out[src:src + length]
            else:
                pattern = bytes(out[src:])
                out += (pattern * (length // dist + 1))[:length]
        out += lits[li:]
        return lengths, bytes(out)

    # -- float64 streams -----------------------------------------------------------------------------------------
    def floats(self, n, depth=1):
        eid = self._encoding_id(depth, FLOAT_IDS, "float64")
        if eid == 0x20:
            return self.ints(n, depth + 1).view(np.float64)
        at = self.pos
        e = self.u8()
        if e > 18:
            raise Corrupt(f"scaled exponent {e} > 18", at)
        k = self.ints(n, depth + 1)
        return k.astype(np.float64) / float(10 ** e)


def _checked_total(lengths, left, what, at):
    if len(lengths) and ((lengths < 0).any() or (lengths > left).any()):
        raise Corrupt(f"{what} negative or past the end", at)
    total = int(lengths.sum())
    if total > left:
        raise Corrupt(f"{what} add up to {total} bytes, {left} left", at)
    return total


def _fmt_ids(ids):
    return "[" + " ".join(f"{i:02x}" for i in ids) + "]"
