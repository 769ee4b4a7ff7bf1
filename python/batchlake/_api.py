"""read_table, dataset and duckdb_view."""

import datetime as _dt
import decimal
import math
import os
import re
import struct

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._footer import BOOL, FLOAT64, TEXT
from ._reader import BcolFile, arrow_type

_OPS = {"=", "==", "!=", "<", "<=", ">", ">=", "in", "not in"}
_M64 = (1 << 64) - 1


# -- filters ---------------------------------------------------------------------------------------------------------
def _normalize_filters(filters):
    if not filters:
        return []
    if isinstance(filters, tuple) and len(filters) == 3 and isinstance(filters[0], str):
        filters = [filters]
    out = []
    for f in filters:
        if not (isinstance(f, (tuple, list)) and len(f) == 3):
            raise ValueError(f"a filter is a (column, op, value) tuple, got {f!r} (OR of ANDs is not supported)")
        name, op, value = f
        op = op.lower() if isinstance(op, str) else op
        if op not in _OPS:
            raise ValueError(f"filter operator {op!r} is not one of {sorted(_OPS)}")
        if op in ("in", "not in"):
            value = list(value)
        out.append((name, "==" if op == "=" else op, value))
    return out


def _cast_value(value, typ):
    """The filter value as an Arrow scalar of the column's type (a string '2019-01-13' for a date, ...)."""
    if isinstance(value, pa.Scalar):
        value = value.as_py()
    try:
        if pa.types.is_date(typ) and isinstance(value, _dt.datetime):
            value = value.date()
        if pa.types.is_decimal(typ) and isinstance(value, (int, float, str, decimal.Decimal)):
            # exact, whatever its scale: Arrow compares decimals of different scales
            return pa.scalar(decimal.Decimal(str(value)) if not isinstance(value, decimal.Decimal) else value)
        return pa.scalar(value).cast(typ)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
        return pa.scalar(value)


def _expression(filters, types):
    expr = None
    for name, op, value in filters:
        f = pc.field(name)
        typ = types[name]
        if op in ("in", "not in"):
            vals = pa.array([_cast_value(v, typ).as_py() for v in value], type=typ)
            e = f.isin(vals)
            if op == "not in":
                e = ~e
        else:
            v = _cast_value(value, typ)
            e = {"==": f == v, "!=": f != v, "<": f < v, "<=": f <= v, ">": f > v, ">=": f >= v}[op]
        expr = e if expr is None else expr & e
    return expr


def _may_match(lo, hi, op, value, is_float):
    """False when no value in [lo, hi] can satisfy (op, value)."""
    try:
        if op == "==":
            return not (value < lo or value > hi)
        if op == "<":
            return lo < value
        if op == "<=":
            return lo <= value
        if op == ">":
            return hi > value
        if op == ">=":
            return hi >= value
        if op == "!=":
            return is_float or not (lo == hi == value)
        if op == "in":
            return any(not (v < lo or v > hi) for v in value)
    except TypeError:
        return True
    return True  # not in


def _row_group_may_match(bf, rg_index, filters, types):
    rg = bf.footer.row_groups[rg_index]
    for name, op, value in filters:
        ci = bf.column_index(name)
        col = bf.columns[ci]
        chunk = rg.chunks[ci]
        if op == "not in":
            continue
        if chunk.null_count == rg.rows:
            return False  # every comparison with NULL is NULL: no row passes
        lo, hi = bf.stat_value(ci, chunk.stats.min), bf.stat_value(ci, chunk.stats.max)
        if lo is None or hi is None:
            continue
        typ = types[name]
        if op == "in":
            v = [_cast_value(x, typ).as_py() for x in value]
        else:
            v = _cast_value(value, typ).as_py()
        if not _may_match(lo, hi, op, v, col.type == FLOAT64):
            return False
    return True


# -- Bloom filters ---------------------------------------------------------------------------------------------------
def bloom_hash(key):
    """fmix64(fnv1a64(key bytes)), FORMAT.md "Bloom filters"."""
    h = 0xCBF29CE484222325
    for b in key:
        h = ((h ^ b) * 0x100000001B3) & _M64
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _M64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _M64
    h ^= h >> 33
    return h


def bloom_key(col, value):
    """Key bytes of a Python value for a column (raw stored representation: int, float or str)."""
    if col.type == TEXT:
        return value.encode("utf-8")
    if col.type == FLOAT64:
        f = float(value)
        if math.isnan(f):
            return struct.pack("<Q", 0x7FF8000000000000)
        return struct.pack("<d", 0.0 if f == 0 else f)
    return struct.pack("<q", int(value))


def bloom_may_contain(bloom, key):
    h = bloom_hash(key)
    m = len(bloom.bits) * 8
    h1, h2 = h & 0xFFFFFFFF, h >> 32
    for i in range(bloom.k):
        b = ((h1 + i * h2) & _M64) % m
        if not bloom.bits[b >> 3] >> (b & 7) & 1:
            return False
    return True


def _stored(col, scalar):
    """An Arrow scalar of the column's type -> the value as stored (int for integer-backed types)."""
    v = scalar.as_py()
    if v is None:
        return None
    t = scalar.type
    if pa.types.is_decimal(t):
        return int(v.scaleb(col.scale))
    if pa.types.is_timestamp(t):
        return scalar.cast(pa.int64()).as_py()
    if pa.types.is_date(t):
        return (v - _dt.date(1970, 1, 1)).days
    if col.type == BOOL:
        return int(v)
    return v


def _bloom_excludes(bf, filters, types):
    blooms = {b.column: b for b in bf.footer.bloom_filters}
    for name, op, value in filters:
        if op != "==":
            continue
        ci = bf.column_index(name)
        if ci not in blooms:
            continue
        col = bf.columns[ci]
        scalar = _cast_value(value, types[name])
        if pa.types.is_decimal(scalar.type) and pa.types.is_decimal(types[name]):
            unscaled = scalar.as_py().scaleb(col.scale)
            if unscaled != unscaled.to_integral_value():
                return True  # more digits than the column's scale: equal to no value
            stored = int(unscaled)
        elif scalar.type != types[name]:
            continue
        else:
            stored = _stored(col, scalar)
        if stored is not None and not bloom_may_contain(blooms[ci], bloom_key(col, stored)):
            return True
    return False


# -- read_table ------------------------------------------------------------------------------------------------------
def _empty(schema):
    return schema.empty_table()


def read_table(path, columns=None, filters=None):
    """Read a .bcol file as a pyarrow.Table.

    columns: names to return (default all, in schema order). filters: [(column, op, value), ...], ANDed, op one of
    = == != < <= > >= in, not in (as pyarrow takes them); row groups whose statistics exclude a filter are not decoded,
    and a file whose Bloom filter excludes an equality is not decoded at all.
    Raises CorruptFileError (naming file, row group, column and page) for a damaged file.
    """
    bf = path if isinstance(path, BcolFile) else BcolFile(path)
    return _read(bf, columns, _normalize_filters(filters))


def _read(bf, columns, filters):
    schema = bf.schema
    names = schema.names if columns is None else list(columns)
    for n in names + [f[0] for f in filters]:
        bf.column_index(n)
    out_schema = pa.schema([schema.field(n) for n in names])
    types = {f.name: f.type for f in schema}
    if filters and _bloom_excludes(bf, filters, types):
        return _empty(out_schema)
    needed = list(dict.fromkeys(names + [f[0] for f in filters]))
    expr = _expression(filters, types) if filters else None
    parts = []
    for rg in range(bf.num_row_groups):
        if filters and not _row_group_may_match(bf, rg, filters, types):
            continue
        t = bf.read_row_group(rg, needed)
        if expr is not None:
            t = t.filter(expr)
        parts.append(t.select(names))
    if not parts:
        return _empty(out_schema)
    return pa.concat_tables(parts)


# -- lakes -----------------------------------------------------------------------------------------------------------
_DT = re.compile(r"^dt=(\d{4}-\d{2}-\d{2})$")
_HOUR = re.compile(r"^hour=(\d{1,2})$")


def table_files(lake_root, table):
    """[(dt date, hour int, path)] of a table's .bcol files, sorted by partition and name.

    lake_root is the lake folder (holding clean/<table>/) or its clean/ folder."""
    root = os.fspath(lake_root)
    base = os.path.join(root, "clean", table)
    if not os.path.isdir(base):
        base = os.path.join(root, table)
    if not os.path.isdir(base):
        raise FileNotFoundError(f"no table {table!r} under {root} (looked for clean/{table}/)")
    out = []
    for d in sorted(os.listdir(base)):
        m = _DT.match(d)
        if not m:
            continue
        dt = _dt.date.fromisoformat(m.group(1))
        for h in sorted(os.listdir(os.path.join(base, d))):
            mh = _HOUR.match(h)
            if not mh:
                continue
            folder = os.path.join(base, d, h)
            for f in sorted(os.listdir(folder)):
                if f.endswith(".bcol") and not f.startswith((".", "_")):
                    out.append((dt, int(mh.group(1)), os.path.join(folder, f)))
    return out


_PARTITION_TYPES = {"dt": pa.date32(), "hour": pa.int32()}


def dataset(lake_root, table, columns=None, filters=None):
    """Read a lake table (all its hive partitions dt=YYYY-MM-DD/hour=HH) as one pyarrow.Table.

    The result has the file columns plus dt (date32) and hour (int32). Filters on dt and hour prune partitions
    without opening files; other filters prune files (Bloom filters, statistics) and row groups (statistics).
    Files written under different schema versions are unified (missing columns become NULL).
    """
    filters = _normalize_filters(filters)
    part_filters = [f for f in filters if f[0] in _PARTITION_TYPES]
    file_filters = [f for f in filters if f[0] not in _PARTITION_TYPES]
    part_expr = _expression(part_filters, _PARTITION_TYPES) if part_filters else None
    tables = []
    for dt, hour, path in table_files(lake_root, table):
        if part_expr is not None:
            probe = pa.table({"dt": pa.array([dt], pa.date32()), "hour": pa.array([hour], pa.int32())})
            if probe.filter(part_expr).num_rows == 0:
                continue
        bf = BcolFile(path)
        file_cols = None
        if columns is not None:
            file_cols = [c for c in columns if c not in _PARTITION_TYPES]
            missing = [c for c in file_cols if c not in bf.schema.names]
            file_cols = [c for c in file_cols if c in bf.schema.names]
        fl = [f for f in file_filters if f[0] in bf.schema.names]
        if len(fl) != len(file_filters):
            continue  # a filter on a column this file does not have: NULL there, no row passes
        t = _read(bf, file_cols, fl)
        if columns is not None:
            for c in missing:
                t = t.append_column(c, pa.nulls(t.num_rows))
        days = (dt - _dt.date(1970, 1, 1)).days
        t = t.append_column("dt", pa.array(np.full(t.num_rows, days, dtype=np.int32)).view(pa.date32()))
        t = t.append_column("hour", pa.array(np.full(t.num_rows, hour, dtype=np.int32)))
        tables.append(t)
    if not tables:
        if columns is not None:
            raise ValueError(f"no file of table {table!r} matched; cannot infer the types of {columns}")
        return pa.table({"dt": pa.array([], pa.date32()), "hour": pa.array([], pa.int32())})
    result = pa.concat_tables(tables, promote_options="permissive")
    if columns is not None:
        result = result.select(list(columns))
    else:
        rest = [n for n in result.schema.names if n not in _PARTITION_TYPES]
        result = result.select(rest + ["dt", "hour"])
    return result


def _file_schema(path):
    """The Arrow schema of a .bcol file from its footer; the file is mapped, so only the footer's pages are read."""
    import mmap

    with open(path, "rb") as f:
        try:
            mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError):  # empty file, or a file system without mmap
            return BcolFile(path).schema
        try:
            return BcolFile(path, data=mm).schema
        finally:
            mm.close()


class _LazyFile:
    """One .bcol file as an Arrow PyCapsule stream source (`__arrow_c_schema__`, `__arrow_c_stream__`).

    DuckDB reads the schema when the view is created and opens the stream only when a query's plan still scans this
    file; the file is decoded row group by row group while DuckDB pulls batches. `filters` (file columns only) skip
    row groups by statistics and the whole file by its Bloom filter, as in `read_table`.
    """

    def __init__(self, path, filters):
        self.path = path
        self.filters = filters
        self.schema = _file_schema(path)

    def __arrow_c_schema__(self):
        return self.schema.__arrow_c_schema__()

    def batches(self):
        bf = BcolFile(self.path)
        names = self.schema.names
        types = {f.name: f.type for f in self.schema}
        if self.filters and _bloom_excludes(bf, self.filters, types):
            return
        expr = _expression(self.filters, types) if self.filters else None
        needed = list(dict.fromkeys(names + [f[0] for f in self.filters]))
        for rg in range(bf.num_row_groups):
            if self.filters and not _row_group_may_match(bf, rg, self.filters, types):
                continue
            t = bf.read_row_group(rg, needed)
            if expr is not None:
                t = t.filter(expr)
            yield from t.select(names).to_batches()

    def __arrow_c_stream__(self, requested_schema=None):
        reader = pa.RecordBatchReader.from_batches(self.schema, self.batches())
        return reader.__arrow_c_stream__(requested_schema)


def _quote(name):
    return '"' + str(name).replace('"', '""') + '"'


def _union(selects):
    """UNION ALL BY NAME of the SELECTs as a balanced tree, so a lake of thousands of files stays shallow to plan."""
    if len(selects) == 1:
        return selects[0]
    mid = len(selects) // 2
    return f"({_union(selects[:mid])}) UNION ALL BY NAME ({_union(selects[mid:])})"


_REGISTERED = {}  # (id(con), table) -> names registered for the view last time


def duckdb_view(con, lake_root, table, filters=None, materialize=False):
    """Register in DuckDB connection `con` a view named `table` over the lake table's .bcol files, with the
    partition columns dt (DATE) and hour (INTEGER).

    By default the view is lazy: each file is a branch `SELECT *, DATE '…' AS dt, … AS hour` of a UNION ALL over
    Arrow C streams, so a query's filter on dt/hour removes the other partitions' branches when DuckDB plans it and
    only the remaining files are read, each time the query runs. Other filters are applied by DuckDB after decoding
    (it pushes neither filters nor columns into Arrow streams); `filters` given here prune files and row groups up
    front, for every query of the view. Returns the number of files behind the view.

    With materialize=True the table is read once into Arrow (as `dataset` reads it) and registered; returns it.
    """
    key = (id(con), table)
    for name in _REGISTERED.pop(key, []):
        try:
            con.unregister(name)
        except Exception:  # already gone with its connection's catalog
            pass
    if materialize:
        t = dataset(lake_root, table, filters=filters)
        con.register(table, t)
        return t
    filters = _normalize_filters(filters)
    part_filters = [f for f in filters if f[0] in _PARTITION_TYPES]
    file_filters = [f for f in filters if f[0] not in _PARTITION_TYPES]
    part_expr = _expression(part_filters, _PARTITION_TYPES) if part_filters else None
    selects, names = [], []
    for i, (dt, hour, path) in enumerate(table_files(lake_root, table)):
        if part_expr is not None:
            probe = pa.table({"dt": pa.array([dt], pa.date32()), "hour": pa.array([hour], pa.int32())})
            if probe.filter(part_expr).num_rows == 0:
                continue
        source = _LazyFile(path, file_filters)
        if any(f[0] not in source.schema.names for f in file_filters):
            continue  # a filter on a column this file does not have: NULL there, no row passes
        name = f"__batchlake_{table}_{i}"
        con.register(name, source)
        names.append(name)
        selects.append(f"SELECT *, DATE '{dt.isoformat()}' AS dt, CAST({hour} AS INTEGER) AS hour FROM {_quote(name)}")
    _REGISTERED[key] = names
    body = _union(selects) if selects else "SELECT CAST(NULL AS DATE) AS dt, CAST(NULL AS INTEGER) AS hour WHERE false"
    con.execute(f"CREATE OR REPLACE TEMP VIEW {_quote(table)} AS {body}")
    return len(selects)
