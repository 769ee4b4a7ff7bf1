"""Exceptions raised by the reader."""


class BcolError(Exception):
    """Base class of every error this package raises about a file's contents."""


class CorruptFileError(BcolError, ValueError):
    """A file that is not a valid .bcol file: corrupt, truncated or not columnar at all.

    The message names the file and, where known, the row group, column, page and byte offset;
    the same facts are available as attributes.
    """

    def __init__(self, reason, path=None, row_group=None, column=None, page=None, offset=None):
        self.reason = reason
        self.path = path
        self.row_group = row_group
        self.column = column
        self.page = page
        self.offset = offset
        where = []
        if path is not None:
            where.append(str(path))
        if row_group is not None:
            where.append(f"row group {row_group}")
        if column is not None:
            where.append(f"column {column!r}")
        if page is not None:
            where.append(f"page {page}")
        if offset is not None:
            where.append(f"byte {offset}")
        super().__init__((", ".join(where) + ": " if where else "") + reason)


class UnsupportedFileError(CorruptFileError):
    """A well-formed file (or column) that this reader cannot decode: a newer major version or an
    unknown encoding id. A subclass of CorruptFileError so that one ``except`` catches every file
    that cannot be read; check for this class to tell "too new" from "damaged"."""
