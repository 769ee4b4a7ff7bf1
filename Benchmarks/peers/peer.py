#!/usr/bin/env python3
"""The peers of `batchlake ingest`, doing the same job on the same batches.

For each batch file: unzip, read the JSON lines, project the tables of the pipeline spec (fact rows with the
spec's types, dimension rows deduplicated by their key within the batch, the newest listing version winning), and
write one Parquet+zstd file and one CSV.gz file per table and hour, hive-partitioned:

    OUT/parquet/<table>/dt=YYYY-MM-DD/hour=HH/part-0.parquet
    OUT/csv/<table>/dt=YYYY-MM-DD/hour=HH/part-0.csv.gz

    python3 peer.py --engine pyarrow|duckdb|pandas --spec SPEC.json --out DIR BATCH.zip...

Prints one JSON object: engine, seconds, records, rows per table, uncompressed JSON bytes, peak RSS (KiB).
Each engine is used the way its documentation suggests for this job; pandas is the seed-style job
(json.loads per line, a DataFrame, to_parquet and to_csv). None of them quarantines bad lines, keeps a raw copy,
fsyncs, or checks versions against earlier batches: batchlake does all of that on top.
"""

import argparse
import json
import os
import re
import resource
import shutil
import tempfile
import time
import zipfile

HOUR_RE = re.compile(r"_(\d{4})(\d{2})(\d{2})_(\d{2})(?:\D|$)")


def load_spec(path):
    with open(path) as f:
        spec = json.load(f)
    tables = []
    for t in spec["tables"]:
        columns = []
        for c in t["columns"]:
            fields = c["field"] if isinstance(c["field"], list) else [c["field"]]
            columns.append({"name": c["name"], "fields": fields, "type": c["type"],
                            "null_tokens": c.get("null_tokens", [])})
        tables.append({"name": t["name"], "kind": t["kind"], "key": t["key"], "columns": columns})
    return spec["record"]["envelope"], tables


def partition_of(path):
    m = HOUR_RE.search(os.path.basename(path))
    if not m:
        raise SystemExit(f"{path}: no _YYYYMMDD_HH in the file name")
    y, mo, d, h = m.groups()
    return f"dt={y}-{mo}-{d}", f"hour={h}"


def member_bytes(path):
    """Unzips every JSON-lines member of a batch into memory (what each peer would do first)."""
    with zipfile.ZipFile(path) as z:
        return [z.read(info) for info in z.infolist() if not info.is_dir()]


def scale_of(type_name):
    m = re.fullmatch(r"decimal\((\d+)\)", type_name)
    return int(m.group(1)) if m else None


def all_fields(tables):
    seen = []
    for t in tables:
        for c in t["columns"]:
            for f in c["fields"]:
                if f not in seen:
                    seen.append(f)
    return seen


def output_paths(out, table, partition, ext):
    d = os.path.join(out, "parquet" if ext == "parquet" else "csv", table, *partition)
    os.makedirs(d, exist_ok=True)
    return os.path.join(d, "part-0." + ext)


# ---------------------------------------------------------------------------------------------------------------
# pyarrow: the lines parsed by the json module (pyarrow.json.read_json refuses these batches: several fields hold a
# number in one record and a string in the next, "Column(/data/realEstate_floor) changed from number to string"),
# the spec's fields gathered into Arrow arrays, compute kernels for the types, pq.write_table and pyarrow.csv.

def run_pyarrow(args, envelope, tables):
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    fields = all_fields(tables)

    def text(v):
        if v is None or isinstance(v, str):
            return v
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (list, dict)):
            return json.dumps(v, ensure_ascii=False)
        return str(v)

    def numbers(arr, target):
        # Numeric strings such as "65,5" or "3. OG" become NULL, as batchlake counts them invalid.
        numeric = pc.match_substring_regex(arr, r"^-?[0-9]+(\.[0-9]+)?$")
        return pc.cast(pc.if_else(numeric, arr, None), target)

    def column_array(c, source):
        arr = source[c["fields"][0]]
        for f in c["fields"][1:]:
            arr = pc.coalesce(arr, source[f])
        ty = c["type"]
        if ty == "text":
            return arr
        if ty == "timestamp":
            try:
                return pc.cast(arr, pa.timestamp("us", tz="UTC"))
            except pa.ArrowInvalid:
                return pc.strptime(arr, format="%Y-%m-%dT%H:%M:%S%z", unit="us", error_is_null=True)
        if ty == "date":
            return pc.cast(pc.strptime(arr, format="%d.%m.%y", unit="s", error_is_null=True), pa.date32())
        if ty == "bool":
            low = pc.utf8_lower(arr)
            return pc.if_else(pc.is_in(low, pa.array(["true", "yes", "y"])), True,
                              pc.if_else(pc.is_in(low, pa.array(["false", "no", "n"])), False, None))
        s = scale_of(ty)
        if s is not None:
            return pc.cast(pc.round(numbers(arr, pa.float64()), s), pa.decimal128(18, s))
        return numbers(arr, pa.int64() if ty == "int64" else pa.float64())

    records = 0
    rows = {t["name"]: 0 for t in tables}
    json_bytes = 0
    for path in args.inputs:
        partition = partition_of(path)
        for data in member_bytes(path):
            json_bytes += len(data)
            values = {f: [] for f in fields}
            for line in data.splitlines():
                if not line.strip():
                    continue
                record = json.loads(line)[envelope]
                records += 1
                for f in fields:
                    values[f].append(text(record.get(f)))
            source = {f: pa.array(v, pa.string()) for f, v in values.items()}
            for t in tables:
                out = pa.table([column_array(c, source) for c in t["columns"]], names=[c["name"] for c in t["columns"]])
                valid = pc.is_valid(out[t["key"][0]])
                for k in t["key"][1:]:
                    valid = pc.and_(valid, pc.is_valid(out[k]))
                out = out.filter(valid)
                if t["kind"] == "dimension":
                    # The last row per key wins.
                    out = out.append_column("__row", pa.array(range(out.num_rows), pa.int64()))
                    last = out.group_by(t["key"], use_threads=False).aggregate([("__row", "max")])
                    out = out.take(pc.take(last["__row_max"], pc.sort_indices(last["__row_max"])))
                    out = out.drop_columns(["__row"])
                if out.num_rows == 0:
                    continue
                rows[t["name"]] += out.num_rows
                pq.write_table(out, output_paths(args.out, t["name"], partition, "parquet"), compression="zstd")
                with pa.CompressedOutputStream(output_paths(args.out, t["name"], partition, "csv.gz"), "gzip") as sink:
                    pcsv.write_csv(out, sink)
    return records, rows, json_bytes


# ---------------------------------------------------------------------------------------------------------------
# DuckDB: read_json with the spec's fields as an explicit STRUCT, one SELECT per table, COPY ... TO.

def run_duckdb(args, envelope, tables):
    import duckdb

    def duck_type(type_name):
        s = scale_of(type_name)
        if s is not None:
            return f"DECIMAL(18,{s})"
        return {"text": "VARCHAR", "int64": "BIGINT", "float64": "DOUBLE", "bool": "VARCHAR",
                "timestamp": "VARCHAR", "date": "VARCHAR"}[type_name]

    field_types = {}
    for t in tables:
        for c in t["columns"]:
            for f in c["fields"]:
                field_types.setdefault(f, c["type"])
    nested = {"realEstate_titlePicture_urls", "realEstate_attachments"}
    struct = ", ".join(f'"{f}" {"JSON" if f in nested else ("VARCHAR" if ty == "text" else duck_type(ty))}'
                       for f, ty in field_types.items())
    columns_arg = "{'" + envelope + "': 'STRUCT(" + struct.replace("'", "''") + ")'}"

    def expr(c):
        refs = [f'data."{f}"' for f in c["fields"]]
        raw = refs[0] if len(refs) == 1 else "coalesce(" + ", ".join(refs) + ")"
        ty = c["type"]
        if ty == "timestamp":
            return f"try_cast({raw} AS TIMESTAMPTZ)"
        if ty == "date":
            return f"try_strptime({raw}, '%d.%m.%y')::DATE"
        if ty == "bool":
            return (f"CASE lower({raw}) WHEN 'true' THEN true WHEN 'yes' THEN true WHEN 'y' THEN true "
                    f"WHEN 'false' THEN false WHEN 'no' THEN false WHEN 'n' THEN false END")
        if ty == "text":
            return f"{raw}::VARCHAR"
        return raw

    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET TimeZone = 'UTC'")
    records = 0
    rows = {t["name"]: 0 for t in tables}
    json_bytes = 0
    scratch = tempfile.mkdtemp(prefix="duckdb-peer-")
    try:
        for path in args.inputs:
            partition = partition_of(path)
            with zipfile.ZipFile(path) as z:
                members = [i for i in z.infolist() if not i.is_dir()]
                for info in members:
                    json_bytes += info.file_size
                    member = z.extract(info, scratch)
                    con.execute(f"CREATE OR REPLACE TEMP TABLE batch AS SELECT {envelope} AS data FROM read_json("
                                f"'{member}', format='newline_delimited', columns={columns_arg})")
                    records += con.execute("SELECT count(*) FROM batch").fetchone()[0]
                    for t in tables:
                        select = ", ".join(f'{expr(c)} AS "{c["name"]}"' for c in t["columns"])
                        key_filter = " AND ".join(f'"{k}" IS NOT NULL' for k in t["key"])
                        if t["kind"] == "fact":
                            query = f"SELECT * FROM (SELECT {select} FROM batch) WHERE {key_filter}"
                        else:
                            query = (f"SELECT * EXCLUDE (__row) FROM (SELECT {select}, row_number() OVER () AS __row "
                                     f"FROM batch) WHERE {key_filter} QUALIFY row_number() OVER (PARTITION BY "
                                     + ", ".join(f'"{k}"' for k in t["key"]) + " ORDER BY __row DESC) = 1")
                        con.execute(f"CREATE OR REPLACE TEMP TABLE out AS {query}")
                        n = con.execute("SELECT count(*) FROM out").fetchone()[0]
                        if n == 0:
                            continue
                        rows[t["name"]] += n
                        con.execute(f"COPY out TO '{output_paths(args.out, t['name'], partition, 'parquet')}' "
                                    "(FORMAT parquet, COMPRESSION zstd)")
                        con.execute(f"COPY out TO '{output_paths(args.out, t['name'], partition, 'csv.gz')}' "
                                    "(FORMAT csv, HEADER, COMPRESSION gzip)")
                    os.remove(member)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return records, rows, json_bytes


# ---------------------------------------------------------------------------------------------------------------
# pandas, the seed's style: json.loads per line, a DataFrame of the envelope, per-column coercion, to_parquet/to_csv.

def run_pandas(args, envelope, tables):
    import pandas as pd

    records = 0
    rows = {t["name"]: 0 for t in tables}
    json_bytes = 0
    for path in args.inputs:
        partition = partition_of(path)
        for data in member_bytes(path):
            json_bytes += len(data)
            objects = [json.loads(line)[envelope] for line in data.splitlines() if line.strip()]
            records += len(objects)
            frame = pd.DataFrame(objects)

            def series(c):
                present = [f for f in c["fields"] if f in frame.columns]
                if not present:
                    return pd.Series([None] * len(frame), dtype="object")
                s = frame[present[0]]
                for f in present[1:]:
                    s = s.combine_first(frame[f])
                ty = c["type"]
                if ty == "timestamp":
                    return pd.to_datetime(s, utc=True, errors="coerce", format="ISO8601")
                if ty == "date":
                    return pd.to_datetime(s, format="%d.%m.%y", errors="coerce").dt.date
                if ty == "bool":
                    low = s.astype("string").str.lower()
                    return low.map({"true": True, "yes": True, "y": True, "false": False, "no": False, "n": False})
                if ty == "int64":
                    return pd.to_numeric(s, errors="coerce").astype("Int64")
                if ty == "float64" or scale_of(ty) is not None:
                    out = pd.to_numeric(s, errors="coerce")
                    return out.round(scale_of(ty)) if scale_of(ty) is not None else out
                return s.map(lambda v: v if v is None or isinstance(v, str) or v != v
                             else json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else str(v))

            for t in tables:
                out = pd.DataFrame({c["name"]: series(c) for c in t["columns"]})
                out = out.dropna(subset=t["key"])
                if t["kind"] == "dimension":
                    out = out.drop_duplicates(subset=t["key"], keep="last")
                if len(out) == 0:
                    continue
                rows[t["name"]] += len(out)
                out.to_parquet(output_paths(args.out, t["name"], partition, "parquet"), compression="zstd",
                               index=False)
                out.to_csv(output_paths(args.out, t["name"], partition, "csv.gz"), index=False,
                           compression="gzip")
    return records, rows, json_bytes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", required=True, choices=["pyarrow", "duckdb", "pandas"])
    parser.add_argument("--spec", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("inputs", nargs="+")
    args = parser.parse_args()
    envelope, tables = load_spec(args.spec)
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    started = time.perf_counter()
    run = {"pyarrow": run_pyarrow, "duckdb": run_duckdb, "pandas": run_pandas}[args.engine]
    records, rows, json_bytes = run(args, envelope, tables)
    seconds = time.perf_counter() - started
    print(json.dumps({"engine": args.engine, "seconds": seconds, "records": records, "rows": rows,
                      "json_bytes": json_bytes,
                      "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


if __name__ == "__main__":
    main()
