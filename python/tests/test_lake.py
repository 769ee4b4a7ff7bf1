"""For a generated lake, every value of every table read by this package equals `batchlake scan --format jsonl`;
DuckDB answers SQL over the view."""

import datetime as dt
import decimal
import json
import re
import subprocess

import pyarrow as pa
import pytest

import batchlake

TABLES = ["flats", "address", "agency", "quarter", "city", "region", "country"]
_TS = re.compile(r"^(-?\d{4,})-(\d\d)-(\d\d)(?: (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?\+00)?$")


def _days_from_civil(y, m, d):
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _scan_value(v, typ):
    """A value of scan's JSON output -> the canonical form _arrow_values gives."""
    if v is None:
        return None
    if pa.types.is_timestamp(typ) or pa.types.is_date(typ):
        m = _TS.match(v)
        assert m, f"unexpected time text {v!r}"
        days = _days_from_civil(int(m[1]), int(m[2]), int(m[3]))
        if pa.types.is_date(typ):
            return days
        frac = int((m[7] or "0").ljust(6, "0"))
        return ((days * 24 + int(m[4])) * 60 + int(m[5])) * 60_000_000 + int(m[6]) * 1_000_000 + frac
    if pa.types.is_decimal(typ):
        return str(decimal.Decimal(str(v)))
    if pa.types.is_floating(typ):
        return repr(float(v))
    return v


def _arrow_values(col):
    typ = col.type
    if pa.types.is_timestamp(typ):
        return col.cast(pa.int64()).to_pylist()
    if pa.types.is_date(typ):
        return col.cast(pa.int32()).to_pylist()
    if pa.types.is_decimal(typ):
        return [None if v is None else str(v) for v in col.to_pylist()]
    if pa.types.is_floating(typ):
        return [None if v is None else repr(v) for v in col.to_pylist()]
    return col.to_pylist()


def _scan(bin_path, lake, table):
    d, root, cat = lake
    r = subprocess.run([bin_path, "scan", table, "--lake", str(root), "--catalog", str(cat), "--format", "jsonl"],
                       capture_output=True, text=True, check=True)
    return [json.loads(line, parse_float=decimal.Decimal) for line in r.stdout.splitlines() if line.strip()]


@pytest.mark.parametrize("table", TABLES)
def test_every_value_equals_batchlake_scan(bin_path, lake, table):
    t = batchlake.dataset(lake[1], table)
    rows = _scan(bin_path, lake, table)
    names = [n for n in t.schema.names if n not in ("dt", "hour")]
    assert len(rows) == t.num_rows > 0
    assert set(rows[0]) == set(names)
    types = {f.name: f.type for f in t.schema}
    expected = sorted((tuple(_scan_value(r[n], types[n]) for n in names) for r in rows), key=repr)
    got = sorted(zip(*[_arrow_values(t.column(n)) for n in names]), key=repr)
    for e, g in zip(expected, got):
        assert g == e
    assert len(expected) == len(got)


def test_lake_has_nulls_unicode_and_many_encodings(lake):
    t = batchlake.dataset(lake[1], "flats")
    assert any(t.column(n).null_count for n in t.schema.names)
    assert any(any(ord(ch) > 127 for ch in (v or "")) for v in t.column("description_note").to_pylist())
    ids = set()
    codecs = set()
    for _, _, path in batchlake.table_files(lake[1], "flats"):
        for rg in batchlake.BcolFile(path).footer.row_groups:
            for ch in rg.chunks:
                for p in ch.pages:
                    ids.update(p.encoding_ids)
                    codecs.add(p.codec)
    # lz (0x13) is one of several candidates for long text; with zstd pages plain text often wins over it.
    assert {0x03, 0x10, 0x11}.issubset(ids)
    assert 2 in codecs, "the writer's zstd pages (format version 2)"


def test_dataset_partitions_filters_and_columns(lake):
    root = lake[1]
    full = batchlake.dataset(root, "flats")
    assert full.schema.field("dt").type == pa.date32() and full.schema.field("hour").type == pa.int32()
    one = batchlake.dataset(root, "flats", columns=["listing_id", "total_rent", "hour"],
                            filters=[("hour", "=", 1), ("total_rent", ">=", 1000)])
    assert one.schema.names == ["listing_id", "total_rent", "hour"]
    exp = [r for r in full.select(["listing_id", "total_rent", "hour"]).to_pylist()
           if r["hour"] == 1 and r["total_rent"] is not None and r["total_rent"] >= 1000]
    assert one.to_pylist() == exp and 0 < len(exp) < full.num_rows
    lid = full.column("listing_id")[0].as_py()
    point = batchlake.dataset(root, "flats", filters=[("listing_id", "=", lid)])
    assert set(point.column("listing_id").to_pylist()) == {lid}
    assert batchlake.dataset(root, "flats", filters=[("dt", "=", "2019-01-14")]).num_rows == 0
    assert batchlake.dataset(root, "flats", filters=[("dt", "=", dt.date(2019, 1, 13))]).num_rows == full.num_rows


def test_duckdb_view(lake):
    import duckdb  # a test dependency: fail, not skip, when it is missing

    con = duckdb.connect()
    batchlake.duckdb_view(con, lake[1], "flats")
    n = con.execute("select count(*) from flats where dt = '2019-01-13'").fetchone()[0]
    assert n == batchlake.dataset(lake[1], "flats").num_rows > 0
    types = dict(con.execute("select column_name, column_type from (describe flats)").fetchall())
    assert types["dt"] == "DATE" and types["hour"] == "INTEGER"
    csv = con.execute(f"select count(*), count(distinct listing_id), sum(total_rent::decimal(18,2)) from read_csv("
                  f"'{lake[1]}/clean/flats/*/*/*.csv.gz', hive_partitioning=true)").fetchone()
    ours = con.execute("select count(*), count(distinct listing_id), sum(total_rent::decimal(18,2)) from flats").fetchone()
    assert ours == csv


def test_duckdb_view_reads_only_the_partitions_a_query_keeps(lake, monkeypatch):
    """The lazy view prunes on dt/hour when DuckDB plans the query: only the files of the partitions the filter
    keeps are decoded, per query; the answers equal those of the materialized view."""
    import duckdb

    from batchlake import _api

    opened = []
    original = _api._LazyFile.batches

    def counting(self):
        opened.append(self.path)
        yield from original(self)

    monkeypatch.setattr(_api._LazyFile, "batches", counting)
    root = lake[1]
    files = batchlake.table_files(root, "flats")
    hours = sorted({h for _, h, _ in files})
    assert len(hours) >= 2
    con = duckdb.connect()
    assert batchlake.duckdb_view(con, root, "flats") == len(files)
    con.execute("describe flats").fetchall()
    assert opened == []  # registering and describing read footers only

    one = hours[1]
    n = con.execute(f"select count(*) from flats where dt = '2019-01-13' and hour = {one}").fetchone()[0]
    assert sorted(opened) == sorted(p for _, h, p in files if h == one)
    assert n == batchlake.dataset(root, "flats", filters=[("hour", "=", one)]).num_rows > 0

    opened.clear()
    assert con.execute("select count(*) from flats where hour > 99").fetchone()[0] == 0
    assert opened == []

    opened.clear()
    lazy = con.execute("select hour, count(*), sum(total_rent) from flats group by 1 order by 1").fetchall()
    assert sorted(opened) == sorted(p for _, _, p in files)  # every query reads again: nothing is cached
    eager = duckdb.connect()
    batchlake.duckdb_view(eager, root, "flats", materialize=True)
    assert lazy == eager.execute("select hour, count(*), sum(total_rent) from flats group by 1 order by 1").fetchall()

    # Filters given to the view prune up front: partitions and, through statistics, row groups and files.
    opened.clear()
    assert batchlake.duckdb_view(con, root, "flats", filters=[("hour", "=", one)]) == sum(h == one for _, h, _ in files)
    assert con.execute("select count(*) from flats").fetchone()[0] == n
