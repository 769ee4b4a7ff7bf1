#!/usr/bin/env python3
"""DuckDB's point lookup of one listing id over a day of hive-partitioned Parquet files.

    python3 lookup.py --parquet 'DIR/flats/*/*/*.parquet' --listing-id ID [--runs 7]

Prints one JSON object: the median query time in seconds (warm, in one process, after one untimed run), the time of
the first (cold) query, and the rows found.
"""

import argparse
import json
import statistics
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--parquet", required=True)
    parser.add_argument("--listing-id", required=True)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 2")
    query = "SELECT * FROM read_parquet(?, hive_partitioning = true) WHERE listing_id = ?"
    started = time.perf_counter()
    rows = con.execute(query, [args.parquet, args.listing_id]).fetchall()
    cold = time.perf_counter() - started
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        con.execute(query, [args.parquet, args.listing_id]).fetchall()
        times.append(time.perf_counter() - started)
    print(json.dumps({"median_seconds": statistics.median(times), "cold_seconds": cold, "rows": len(rows)}))


if __name__ == "__main__":
    main()
