"""Reader of batchlake columnar files (.bcol, docs/FORMAT.md) and lakes, giving pyarrow Tables.

    import batchlake
    t = batchlake.read_table("part-….bcol", columns=["listing_id", "total_rent"], filters=[("total_rent", ">=", 2000)])
    t = batchlake.dataset("lake", "flats", filters=[("dt", "=", "2019-01-13")])
    batchlake.duckdb_view(con, "lake", "flats")   # then: con.sql("select count(*) from flats where dt = '2019-01-13'")
"""

from ._api import bloom_hash, dataset, duckdb_view, read_table, table_files
from ._reader import BcolFile, arrow_type
from .errors import BcolError, CorruptFileError, UnsupportedFileError

__version__ = "0.1.0"
FORMAT_MAJOR_VERSION = 1

__all__ = ["read_table", "dataset", "duckdb_view", "table_files", "BcolFile", "arrow_type", "bloom_hash",
           "BcolError", "CorruptFileError", "UnsupportedFileError"]
