"""The three DuckDB queries of the issue give the same answers over our columnar files (through this package) as over
the CSV.gz of the same lake, and their times are printed beside each other (run with -s to see them)."""
import time

import duckdb

import batchlake

QUERIES = {
    "distinct listings per quarter":
        "select quarter_geo_id, count(distinct listing_id) from flats group by 1 order by 1",
    "average total rent per number of rooms, one day":
        "select number_of_rooms, avg(total_rent) from flats where dt = date '2019-01-13' group by 1 order by 1",
    "every row of one listing":
        "select * exclude (dt, hour) from flats where listing_id = (select min(listing_id) from flats) "
        "order by modified_at",
}


def normalise(rows):
    # CSV gives text; our format gives typed values: compare their text, numbers rounded for the averages.
    out = []
    for row in rows:
        cells = []
        for v in row:
            if isinstance(v, float):
                v = round(v, 6)
            elif v is not None and hasattr(v, "quantize"):
                v = round(float(v), 6)
            cells.append(None if v is None else str(v))
        out.append(tuple(cells))
    return out


def test_three_queries_agree_with_duckdb_over_csv(lake):
    _, root, _ = lake
    ours = duckdb.connect()
    batchlake.duckdb_view(ours, str(root), "flats")
    csv = duckdb.connect()
    csv.execute(f"""create view flats as select * from read_csv('{root}/clean/flats/*/*/*.csv.gz',
        hive_partitioning=true, hive_types={{'dt': 'DATE', 'hour': 'INTEGER'}}, allow_quoted_nulls=false,
        types={{'listing_id': 'VARCHAR', 'quarter_geo_id': 'VARCHAR', 'agency_id': 'VARCHAR',
                'postcode': 'VARCHAR', 'external_id': 'VARCHAR'}})""")
    # Parquet+zstd written from the same rows and partitions, for the time comparison.
    parquet_root = root.parent / "parquet"
    csv.execute(f"copy (select * from flats) to '{parquet_root}' (format parquet, compression zstd, "
                "partition_by (dt, hour))")
    pq = duckdb.connect()
    pq.execute(f"create view flats as select * from read_parquet('{parquet_root}/*/*/*.parquet', "
               "hive_partitioning=true, hive_types={'dt': 'DATE', 'hour': 'INTEGER'})")
    for name, sql in QUERIES.items():
        t0 = time.perf_counter()
        a = ours.execute(sql).fetchall()
        t1 = time.perf_counter()
        b = csv.execute(sql).fetchall()
        t2 = time.perf_counter()
        c = pq.execute(sql).fetchall()
        t3 = time.perf_counter()
        assert a, name
        if name.startswith("every row"):
            # Compare the listing's key columns and rents, typed differently on the paths.
            pick = lambda rows: [(r[0], r[1], r[10], r[11]) for r in rows]
            a, b, c = pick(a), pick(b), pick(c)
        assert normalise(a) == normalise(b) == normalise(c), name
        print(f"{name}: .bcol via batchlake {1000 * (t1 - t0):.1f} ms (lazy view: files decoded during the query), "
              f"CSV.gz {1000 * (t2 - t1):.1f} ms, Parquet+zstd {1000 * (t3 - t2):.1f} ms")
