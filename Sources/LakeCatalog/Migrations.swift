import Foundation

/// The catalog schema as ordered migrations. SQL is kept portable (TEXT, INTEGER, DOUBLE PRECISION; no
/// SQLite-only types or functions) so the same migrations run on SQLite and on PostgreSQL for a shared catalog.
/// A migration is never edited once released: add a new one.
///
/// On PostgreSQL, `sql(_:for:)` maps two words so that each type means there what it means on SQLite:
/// `INTEGER` becomes `BIGINT` (SQLite integers are 64-bit; byte counts, microsecond times and commit sequence
/// numbers exceed 32 bits), and `TEXT` becomes `TEXT COLLATE "C"` (SQLite compares text byte by byte; so
/// ORDER BY and the ISO-8601 time comparisons of leases give the same answers on any server locale).
enum Migrations {
    /// A migration's SQL as the dialect runs it.
    static func sql(_ sql: String, for dialect: SQLDialect) -> String {
        switch dialect {
        case .sqlite:
            return sql
        case .postgres:
            return sql
                .replacingOccurrences(of: #"\bINTEGER\b"#, with: "BIGINT", options: .regularExpression)
                .replacingOccurrences(of: #"\bTEXT\b"#, with: #"TEXT COLLATE "C""#, options: .regularExpression)
        }
    }

    static let all: [(version: Int, name: String, sql: String)] = [
        (1, "initial catalog", """
        CREATE TABLE batches (
            batch_id        TEXT PRIMARY KEY,
            source          TEXT NOT NULL,
            file_name       TEXT NOT NULL,
            input_uri       TEXT NOT NULL,
            sha256          TEXT NOT NULL,
            bytes           INTEGER NOT NULL,
            dt              TEXT NOT NULL,
            hour            INTEGER NOT NULL,
            hour_rule       TEXT NOT NULL,
            status          TEXT NOT NULL,
            owner_host      TEXT,
            owner_pid       INTEGER,
            lease_until     TEXT,
            supersedes      TEXT,
            superseded_by   TEXT,
            records         INTEGER NOT NULL DEFAULT 0,
            good            INTEGER NOT NULL DEFAULT 0,
            bad             INTEGER NOT NULL DEFAULT 0,
            duplicates      INTEGER NOT NULL DEFAULT 0,
            known_versions  INTEGER NOT NULL DEFAULT 0,
            blank_lines     INTEGER NOT NULL DEFAULT 0,
            uncompressed_bytes INTEGER NOT NULL DEFAULT 0,
            null_counts     TEXT,
            error           TEXT,
            started_at      TEXT NOT NULL,
            committed_at    TEXT,
            published_at    TEXT,
            seconds         DOUBLE PRECISION,
            commit_seq      INTEGER
        );
        CREATE INDEX batches_by_content ON batches (source, sha256);
        CREATE INDEX batches_by_name ON batches (source, file_name);
        CREATE INDEX batches_by_status ON batches (status);

        CREATE TABLE files (
            file_id         TEXT PRIMARY KEY,
            batch_id        TEXT,
            table_name      TEXT NOT NULL,
            dt              TEXT NOT NULL,
            hour            INTEGER NOT NULL,
            format          TEXT NOT NULL,
            path            TEXT NOT NULL,
            rows            INTEGER NOT NULL,
            bytes           INTEGER NOT NULL,
            sha256          TEXT NOT NULL,
            status          TEXT NOT NULL,
            schema_fingerprint TEXT,
            stats           TEXT,
            created_at      TEXT NOT NULL,
            retired_at      TEXT
        );
        CREATE INDEX files_by_partition ON files (table_name, dt, hour, status);
        CREATE INDEX files_by_batch ON files (batch_id);
        CREATE INDEX files_by_path ON files (path);

        CREATE TABLE partitions (
            table_name      TEXT NOT NULL,
            dt              TEXT NOT NULL,
            hour            INTEGER NOT NULL,
            data_version    INTEGER NOT NULL,
            rows            INTEGER NOT NULL,
            files           INTEGER NOT NULL,
            bytes           INTEGER NOT NULL,
            updated_at      TEXT NOT NULL,
            PRIMARY KEY (table_name, dt, hour)
        );

        CREATE TABLE schema_versions (
            table_name      TEXT NOT NULL,
            version         INTEGER NOT NULL,
            fingerprint     TEXT NOT NULL,
            columns         TEXT NOT NULL,
            first_batch     TEXT,
            created_at      TEXT NOT NULL,
            PRIMARY KEY (table_name, version)
        );
        CREATE UNIQUE INDEX schema_versions_by_fingerprint ON schema_versions (table_name, fingerprint);

        CREATE TABLE lineage (
            child_file_id   TEXT NOT NULL,
            parent_kind     TEXT NOT NULL,
            parent_id       TEXT NOT NULL,
            relation        TEXT NOT NULL,
            created_at      TEXT NOT NULL,
            PRIMARY KEY (child_file_id, parent_kind, parent_id)
        );
        CREATE INDEX lineage_by_parent ON lineage (parent_kind, parent_id);

        CREATE TABLE listing_versions (
            listing_id      TEXT NOT NULL,
            modified_at     INTEGER NOT NULL,
            batch_id        TEXT NOT NULL,
            commit_seq      INTEGER NOT NULL,
            PRIMARY KEY (listing_id, modified_at)
        );
        CREATE INDEX listing_versions_by_batch ON listing_versions (batch_id);

        CREATE TABLE dimension_keys (
            table_name      TEXT NOT NULL,
            natural_key     TEXT NOT NULL,
            row_hash        TEXT NOT NULL,
            batch_id        TEXT NOT NULL,
            commit_seq      INTEGER NOT NULL,
            PRIMARY KEY (table_name, natural_key)
        );
        CREATE INDEX dimension_keys_by_batch ON dimension_keys (batch_id);

        CREATE TABLE leases (
            name            TEXT PRIMARY KEY,
            owner           TEXT NOT NULL,
            lease_until     TEXT NOT NULL
        );

        CREATE TABLE counters (
            name            TEXT PRIMARY KEY,
            value           INTEGER NOT NULL
        );
        INSERT INTO counters (name, value) VALUES ('commit_seq', 0);
        """),
        (2, "loads", """
        CREATE TABLE loads (
            load_id         TEXT PRIMARY KEY,
            warehouse       TEXT NOT NULL,
            schema_name     TEXT NOT NULL,
            table_name      TEXT NOT NULL,
            dt              TEXT NOT NULL,
            hour            INTEGER NOT NULL,
            data_version    INTEGER NOT NULL,
            kind            TEXT NOT NULL,
            files           TEXT NOT NULL,
            rows            INTEGER,
            status          TEXT NOT NULL,
            started_at      TEXT NOT NULL,
            ended_at        TEXT,
            seconds         DOUBLE PRECISION,
            error           TEXT,
            query_id        INTEGER,
            copy_count      INTEGER
        );
        CREATE INDEX loads_by_partition ON loads (warehouse, schema_name, table_name, dt, hour, status);
        """),
        (3, "compactions", """
        CREATE TABLE compactions (
            run_id          TEXT PRIMARY KEY,
            status          TEXT NOT NULL,
            owner_host      TEXT,
            owner_pid       INTEGER,
            lease_until     TEXT,
            partitions      INTEGER NOT NULL DEFAULT 0,
            files_in        INTEGER NOT NULL DEFAULT 0,
            files_out       INTEGER NOT NULL DEFAULT 0,
            bytes_in        INTEGER NOT NULL DEFAULT 0,
            bytes_out       INTEGER NOT NULL DEFAULT 0,
            rows_in         INTEGER NOT NULL DEFAULT 0,
            rows_out        INTEGER NOT NULL DEFAULT 0,
            started_at      TEXT NOT NULL,
            ended_at        TEXT,
            seconds         DOUBLE PRECISION,
            error           TEXT
        );
        ALTER TABLE files ADD COLUMN compaction_id TEXT;
        CREATE INDEX files_by_compaction ON files (compaction_id);
        """),
        (4, "workers and queue messages", """
        ALTER TABLE batches ADD COLUMN source_etag TEXT;
        CREATE UNIQUE INDEX batches_one_per_content ON batches (source, sha256)
            WHERE status IN ('committed', 'published', 'superseded');

        CREATE TABLE queue_messages (
            queue           TEXT NOT NULL,
            message_id      TEXT NOT NULL,
            receive_count   INTEGER NOT NULL,
            status          TEXT NOT NULL,
            reason          TEXT,
            batch_ids       TEXT,
            first_seen      TEXT NOT NULL,
            last_seen       TEXT NOT NULL,
            PRIMARY KEY (queue, message_id)
        );
        CREATE INDEX queue_messages_by_status ON queue_messages (status, last_seen);

        CREATE TABLE workers (
            worker_id       TEXT PRIMARY KEY,
            host            TEXT NOT NULL,
            pid             INTEGER NOT NULL,
            queue           TEXT,
            started_at      TEXT NOT NULL,
            last_seen       TEXT NOT NULL,
            state           TEXT NOT NULL,
            batches         INTEGER NOT NULL DEFAULT 0,
            last_error      TEXT
        );
        CREATE INDEX workers_by_last_seen ON workers (last_seen);
        """),
    ]
}
