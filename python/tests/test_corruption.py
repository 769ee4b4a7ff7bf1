"""Damaged files raise CorruptFileError (naming file, column and row group where it can), never another exception."""

import random
import struct
import zlib

import pytest

import batchlake
from batchlake import CorruptFileError, UnsupportedFileError
from conftest import CONFORMANCE

TINY = (CONFORMANCE / "tiny.bcol").read_bytes()


def _read_all(data, name="mutated.bcol"):
    f = batchlake.BcolFile(name, data=data)
    return batchlake.read_table(f)


def _must_be_refused(data):
    with pytest.raises(CorruptFileError) as e:
        _read_all(data)
    assert "mutated.bcol" in str(e.value)
    return e.value


def test_every_bit_flip_of_the_golden_file_is_refused():
    for i in range(len(TINY)):
        for bit in range(8):
            data = bytearray(TINY)
            data[i] ^= 1 << bit
            _must_be_refused(bytes(data))


def test_every_truncation_of_the_golden_file_is_refused():
    for n in range(len(TINY)):
        _must_be_refused(TINY[:n])
    _must_be_refused(TINY + b"\x00")


def test_page_error_names_file_row_group_column_and_page():
    data = bytearray(TINY)
    data[0x12] ^= 0x10  # inside the page of column rent
    err = _must_be_refused(bytes(data))
    assert (err.row_group, err.column, err.page) == (0, "rent", 0)
    assert "row group 0" in str(err) and "'rent'" in str(err) and "CRC" in str(err)


def test_newer_major_version_is_refused_by_name():
    data = bytearray(TINY)
    data[4] = 3
    with pytest.raises(UnsupportedFileError, match="version 3, this reader understands only versions 1 to 2"):
        _read_all(bytes(data))


def test_version_byte_must_match_the_codecs():
    data = bytearray(TINY)
    data[4] = 2  # version 2 without a zstd page
    e = _must_be_refused(bytes(data))
    assert not isinstance(e, UnsupportedFileError) and "no page uses zstd" in str(e)
    zstd = bytearray((CONFORMANCE / "spec_zstd.bcol").read_bytes())
    assert zstd[4] == 2
    zstd[4] = 1  # zstd pages in a version-1 file
    assert "unknown page codec 2" in str(_must_be_refused(bytes(zstd)))


def test_unknown_encoding_refuses_only_that_column():
    # rewrite the footer entry of column lift's page: ids [03] -> [07] (an id unknown to this reader), fix the CRC
    footer_start = 0x32
    data = bytearray(TINY)
    assert data[0x86:0x8C] == bytes.fromhex("030000080103")
    data[0x8B] = 0x07
    end = len(data) - 12
    data[len(data) - 8:len(data) - 4] = struct.pack("<I", zlib.crc32(bytes(data[footer_start:end])))
    f = batchlake.BcolFile("newer.bcol", data=bytes(data))
    assert batchlake.read_table(f, columns=["id", "heating"]).num_rows == 3
    with pytest.raises(UnsupportedFileError, match="0x07.*newer batchlake reader"):
        batchlake.read_table(f)


def _lake_file(lake, table="flats"):
    return batchlake.table_files(lake[1], table)[0][2]


def test_seeded_random_mutations_of_a_lake_file_are_refused(lake):
    data0 = open(_lake_file(lake, "agency"), "rb").read()
    rng = random.Random(11)
    for case in range(300):
        data = bytearray(data0)
        kind = case % 3
        if kind == 0:  # one flipped bit
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        elif kind == 1:  # a few random bytes
            for _ in range(rng.randint(1, 4)):
                i = rng.randrange(len(data))
                data[i] = (data[i] + rng.randint(1, 255)) & 0xFF
        else:  # truncated
            data = data[:rng.randrange(len(data))]
        _must_be_refused(bytes(data))


def _pages(f):
    for rg in f.footer.row_groups:
        for ch in rg.chunks:
            for p in ch.pages:
                yield p


def test_structural_checks_behind_valid_checksums(lake):
    """Mutate a page or the footer and fix its CRC, so that decoding itself meets the damage: the result is either
    a table or CorruptFileError, never another exception (IndexError, MemoryError, ...)."""
    data0 = open(_lake_file(lake), "rb").read()
    f0 = batchlake.BcolFile("orig", data=data0)
    pages = [p for p in _pages(f0) if p.codec == 0 and p.stored_size > 5]
    size = len(data0)
    (flen,) = struct.unpack_from("<I", data0, size - 12)
    fstart = size - 12 - flen
    rng = random.Random(5)
    refused = 0
    for case in range(400):
        data = bytearray(data0)
        if case % 4 == 3:  # footer byte, footer CRC fixed
            i = rng.randrange(fstart, size - 12)
            data[i] ^= 1 << rng.randrange(8)
            data[size - 8:size - 4] = struct.pack("<I", zlib.crc32(bytes(data[fstart:size - 12])))
        else:  # page byte(s), page CRC fixed
            p = rng.choice(pages)
            end = p.offset + p.stored_size - 4
            for _ in range(rng.randint(1, 3)):
                i = rng.randrange(p.offset, end)
                data[i] = rng.randrange(256) if rng.random() < 0.5 else data[i] ^ (1 << rng.randrange(8))
            data[end:end + 4] = struct.pack("<I", zlib.crc32(bytes(data[p.offset:end])))
        try:
            _read_all(bytes(data))
        except CorruptFileError:
            refused += 1
    assert refused > 100


def test_deflate_payload_must_be_exactly_one_stream():
    from bcol_writer import build
    good = build("t", [("v", "int64", 0, False)], [(3, [([(3, 0, b"\x01\x02\x04\x06", [1], 1)], [1, 2, 3])])])
    assert batchlake.read_table(batchlake.BcolFile("ok.bcol", data=good)).column("v").to_pylist() == [1, 2, 3]
    bad = build("t", [("v", "int64", 0, False)], [(3, [([(3, 0, b"\x01\x02\x04\x06", [1], 1, b"\x00")], [1, 2, 3])])])
    with pytest.raises(CorruptFileError, match="follow the end of the deflate stream"):
        batchlake.read_table(batchlake.BcolFile("trailing.bcol", data=bad))
