import Glibc
import Synchronization

/// The parts of an ingest that `batchlake-bench` times separately.
public enum IngestStage: Int, CaseIterable, Sendable {
    /// SHA-256 of the input and its byte-for-byte copy into the raw zone.
    case hashAndRawCopy
    /// ZIP/gzip inflate, CRC-32 and line splitting (the reader's time outside the per-line callback).
    case unzip
    /// The JSON scan that validates a line and finds the spec's fields.
    case parse
    /// Typing values, the fact row and dimension rows (the per-line callback minus the other stages).
    case transform
    /// CSV text and its gzip stream.
    case csvGzip
    /// The columnar `.bcol` writer (sort, encode, compress, footer).
    case columnarEncode
    /// Quarantine records of bad lines.
    case quarantine
    /// The staging made durable before the commit (one `syncfs`).
    case sync
    /// Catalog queries and the commit transaction.
    case catalog
    /// Renames into place, manifests, trash.
    case publish
    /// The reading thread blocked on a full hand-over to the background writers, or waiting for them to finish.
    case writerWait

    public var name: String {
        switch self {
        case .hashAndRawCopy: "hash + raw copy"
        case .unzip: "unzip + line split"
        case .parse: "parse (JSON scan)"
        case .transform: "transform"
        case .csvGzip: "CSV gzip"
        case .columnarEncode: "columnar encode"
        case .quarantine: "quarantine"
        case .sync: "sync staging"
        case .catalog: "catalog"
        case .publish: "publish"
        case .writerWait: "waiting for writers"
        }
    }
}

/// Lightweight stage timers for the ingest path, off by default. When off, a timed region costs one relaxed
/// atomic load; when on, two `clock_gettime` calls and one atomic add. Times are summed over threads.
public enum IngestProfile {
    private static let enabled = Atomic<Bool>(false)
    private static let nanoseconds = Mutex<[Int64]>(Array(repeating: 0, count: IngestStage.allCases.count))

    /// Starts timing (and clears earlier totals).
    public static func start() {
        nanoseconds.withLock { $0 = Array(repeating: 0, count: IngestStage.allCases.count) }
        enabled.store(true, ordering: .relaxed)
    }

    /// Stops timing; the totals stay readable.
    public static func stop() { enabled.store(false, ordering: .relaxed) }

    /// Seconds spent per stage since `start()`.
    public static func seconds() -> [IngestStage: Double] {
        let totals = nanoseconds.withLock { $0 }
        var result: [IngestStage: Double] = [:]
        for stage in IngestStage.allCases { result[stage] = Double(totals[stage.rawValue]) / 1e9 }
        return result
    }

    static var isEnabled: Bool { enabled.load(ordering: .relaxed) }

    @inline(__always)
    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    static func add(_ stage: IngestStage, nanoseconds delta: Int64) {
        nanoseconds.withLock { $0[stage.rawValue] += delta }
    }

    /// Runs `body`, adding its wall time to `stage` when profiling is on. Regions must not nest.
    @inline(__always)
    static func measure<R>(_ stage: IngestStage, _ body: () throws -> R) rethrows -> R {
        guard isEnabled else { return try body() }
        let started = now()
        defer { add(stage, nanoseconds: now() - started) }
        return try body()
    }
}
