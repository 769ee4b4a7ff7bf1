// The libpq wrapper lives in LakePostgres, shared with the catalog (STYLE.md section 1: a C library wrapped
// once). Loaders keep naming `PostgresConnection` and `PostgresError` through this module, as before the split.
@_exported public import LakePostgres
