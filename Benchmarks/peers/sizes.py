#!/usr/bin/env python3
"""Bytes per table of the same rows in other formats, for issue 4's size comparison.

Reads the rows batchlake wrote (the active CSV.gz of every partition of LAKE/clean/<table>/), types them by the
pipeline spec, and writes them again, one file per table and hour as batchlake does, as Parquet+zstd and
Parquet+gzip (by pyarrow and by DuckDB, each with its defaults otherwise) and as JSON lines. Prints one JSON object:
{table: {format: bytes}}.

    python3 sizes.py --spec SPEC.json --lake LAKE --out DIR
"""

import argparse
import glob
import json
import os
import re
import shutil


def arrow_type(pa, type_name):
    m = re.fullmatch(r"decimal\((\d+)\)", type_name)
    if m:
        return pa.decimal128(18, int(m.group(1)))
    return {"text": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_(),
            "timestamp": pa.timestamp("us", tz="UTC"), "date": pa.date32()}[type_name]


def tree_bytes(root):
    total = 0
    for dirpath, _, files in os.walk(root):
        total += sum(os.path.getsize(os.path.join(dirpath, f)) for f in files)
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", required=True)
    parser.add_argument("--lake", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    import duckdb
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    with open(args.spec) as f:
        spec = json.load(f)
    shutil.rmtree(args.out, ignore_errors=True)
    con = duckdb.connect()
    con.execute("SET threads = 2")
    result = {}
    for table in spec["tables"]:
        name = table["name"]
        types = {c["name"]: arrow_type(pa, c["type"]) for c in table["columns"]}
        # Timestamps are written as "2019-01-13 05:00:00+00"; read them as text and cast.
        read_types = {n: (pa.string() if pa.types.is_timestamp(t) else t) for n, t in types.items()}
        sizes = {}
        for path in sorted(glob.glob(os.path.join(args.lake, "clean", name, "dt=*", "hour=*", "*.csv.gz"))):
            partition = os.path.relpath(os.path.dirname(path), os.path.join(args.lake, "clean", name))
            # NULL is an empty unquoted field, the empty string is "" (CONTRACT.md); text may span lines.
            rows = pcsv.read_csv(path, parse_options=pcsv.ParseOptions(newlines_in_values=True),
                                 convert_options=pcsv.ConvertOptions(
                                     column_types=read_types, null_values=[""], strings_can_be_null=True,
                                     quoted_strings_can_be_null=False))
            rows = pa.table([rows[n].cast(types[n]) if pa.types.is_timestamp(types[n]) else rows[n]
                             for n in rows.column_names], names=rows.column_names)
            for fmt, codec in (("parquet_zstd_pyarrow", "zstd"), ("parquet_gzip_pyarrow", "gzip")):
                d = os.path.join(args.out, fmt, name, partition)
                os.makedirs(d, exist_ok=True)
                pq.write_table(rows, os.path.join(d, "part-0.parquet"), compression=codec)
            con.register("rows_view", rows)
            for fmt, codec in (("parquet_zstd_duckdb", "zstd"), ("parquet_gzip_duckdb", "gzip")):
                d = os.path.join(args.out, fmt, name, partition)
                os.makedirs(d, exist_ok=True)
                con.execute(f"COPY rows_view TO '{os.path.join(d, 'part-0.parquet')}' (FORMAT parquet, COMPRESSION {codec})")
            d = os.path.join(args.out, "json", name, partition)
            os.makedirs(d, exist_ok=True)
            con.execute(f"COPY rows_view TO '{os.path.join(d, 'part-0.jsonl')}' (FORMAT json)")
            con.unregister("rows_view")
        for fmt in ("parquet_zstd_pyarrow", "parquet_gzip_pyarrow", "parquet_zstd_duckdb", "parquet_gzip_duckdb",
                    "json"):
            sizes[fmt] = tree_bytes(os.path.join(args.out, fmt, name))
        result[name] = sizes
    print(json.dumps(result))


if __name__ == "__main__":
    main()
