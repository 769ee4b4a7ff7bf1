"""The conformance files (the golden file of FORMAT.md's hex dump and one file per encoding example of the spec)
decode to their expected contents, and the Swift reader accepts them too."""

import json
import struct
import subprocess

import pyarrow as pa
import pytest

import batchlake
from conftest import CONFORMANCE, REPO_ROOT

EXPECTED = json.loads((CONFORMANCE / "expected.json").read_text(encoding="utf-8"))
ARROW = {"bool": pa.bool_(), "int64": pa.int64(), "float64": pa.float64(), "timestamp": pa.timestamp("us", tz="UTC"),
         "date": pa.date32(), "text": pa.string()}


def _plain(col, typ):
    """Arrow column -> list of JSON-comparable values (as in expected.json)."""
    if typ == "float64":
        return [None if v is None else f"0x{struct.unpack('<Q', struct.pack('<d', v))[0]:016x}"
                for v in col.to_pylist()]
    if typ.startswith("decimal"):
        return [None if v is None else str(v) for v in col.to_pylist()]
    if typ in ("timestamp", "date"):
        return col.cast(pa.int64() if typ == "timestamp" else pa.int32()).to_pylist()
    return col.to_pylist()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_conformance_file_decodes_to_expected(name):
    exp = EXPECTED[name]
    t = batchlake.read_table(CONFORMANCE / name)
    assert [[f.name, f.type] for f in t.schema] == [
        [n, pa.decimal128(18, int(ty[8:-1])) if ty.startswith("decimal") else ARROW[ty]] for n, ty in exp["columns"]]
    got = list(zip(*[_plain(t.column(n), ty) for n, ty in exp["columns"]]))
    assert [list(r) for r in got] == exp["rows"]
    if "metadata" in exp:
        assert batchlake.BcolFile(CONFORMANCE / name).metadata == exp["metadata"]


def test_golden_file_is_the_repo_golden_file():
    golden = REPO_ROOT / "Tests" / "LakeFormatTests" / "Golden" / "tiny.bcol"
    if golden.exists():
        assert golden.read_bytes() == (CONFORMANCE / "tiny.bcol").read_bytes()


def test_golden_footer_statistics_and_bloom():
    f = batchlake.BcolFile(CONFORMANCE / "tiny.bcol")
    assert f.table_name == "tiny" and f.num_rows == 3 and f.footer.sort_column is None
    chunks = f.footer.row_groups[0].chunks
    assert (chunks[0].stats.min, chunks[0].stats.max, chunks[0].stats.distinct) == (7, 9, 3)
    assert (chunks[1].stats.min, chunks[1].stats.max, chunks[1].null_count) == (999, 1250, 1)
    assert (chunks[2].stats.min, chunks[2].stats.max) == (b"Gas", "Öl".encode())
    assert [p.encoding_ids for p in chunks[1].pages] == [(0x03, 0x01)]
    assert batchlake.bloom_hash(struct.pack("<q", 7)) == 0xC2112D51B876518D
    assert batchlake.bloom_hash(b"Gas") == 0x233187F22470844D
    # the Bloom filter on id excludes 10 without decoding, statistics exclude > 9
    assert batchlake.read_table(CONFORMANCE / "tiny.bcol", filters=[("id", "=", 10)]).num_rows == 0
    assert batchlake.read_table(CONFORMANCE / "tiny.bcol", filters=[("id", "=", 8)]).column("rent").to_pylist() == [None]
    t = batchlake.read_table(CONFORMANCE / "tiny.bcol", columns=["heating"], filters=[("rent", ">=", 10)])
    assert t.to_pylist() == [{"heating": "Gas"}]


def test_conformance_files_pass_the_swift_verifier(bin_path):
    for name in sorted(EXPECTED):
        r = subprocess.run([bin_path, "inspect", "--verify", str(CONFORMANCE / name)], capture_output=True, text=True)
        assert r.returncode == 0, f"{name}: {r.stdout}{r.stderr}"


def test_spec_example_files_are_reproducible(tmp_path):
    """The committed spec_*.bcol files are what make_spec_examples.py writes."""
    import sys
    subprocess.run([sys.executable, str(CONFORMANCE / "make_spec_examples.py"), str(tmp_path)], check=True)
    assert json.loads((tmp_path / "expected.json").read_text(encoding="utf-8")) == EXPECTED
    for name in EXPECTED:
        if name == "tiny.bcol":
            continue
        assert (tmp_path / name).read_bytes() == (CONFORMANCE / name).read_bytes(), name
