internal import CIsal

/// CRC-32 with the IEEE polynomial, as zlib, ZIP, gzip and our columnar format use it.
public enum CRC32 {
    /// Extends `crc` over `bytes` with ISA-L's `crc32_gzip_refl`, the same function as zlib's `crc32` (carry-less
    /// multiplication where the CPU has it: tens of GB/s here, zlib's ran at 2.3). Ingest checks the CRC of every
    /// byte it inflates, on the thread that also parses.
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return crc32_gzip_refl(crc, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { update(0, $0) }
    }

    public static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { update(0, $0) }
    }
}

/// The most input handed to ISA-L in one call (its byte counts are 32-bit).
private let maximumCall = 1 << 30

/// A streaming inflater on ISA-L's igzip: ZIP members, gzip files, columnar pages.
///
/// igzip inflates about twice as fast as zlib here (`batchlake-bench`'s floor "inflate only", every ZIP member of
/// the standard day on two threads: 1,641 MB/s of JSON with zlib, 2,400–3,300 MB/s with igzip), and inflating the
/// input is on ingest's longest thread. For `.gzip` it reads the header and checks the CRC-32 and
/// length trailer of the member, as zlib did; a stream that ends inside `input` hands back the bytes after it.
///
/// Not `Sendable`: one owner at a time.
public final class Inflater {
    private let state: UnsafeMutablePointer<inflate_state>
    private var output: [UInt8]
    public private(set) var isFinished = false
    public private(set) var totalOut: Int64 = 0
    public let format: DeflateFormat
    /// Bytes of a `.gzip` stream's magic number checked so far (0 to 2).
    private var magicChecked = 0

    /// - Parameter chunkSize: size of the output buffer handed to `sink` at a time.
    public init(format: DeflateFormat, chunkSize: Int = 256 * 1024) throws {
        self.format = format
        // ~50 KB of tables and window: on the heap, at a stable address.
        state = .allocate(capacity: 1)
        output = [UInt8](repeating: 0, count: chunkSize)
        start()
    }

    deinit {
        state.deallocate()
    }

    private func start() {
        isal_inflate_init(state)
        switch format {
        case .raw: state.pointee.crc_flag = UInt32(ISAL_DEFLATE)
        case .gzip: state.pointee.crc_flag = UInt32(ISAL_GZIP)
        case .zlib: state.pointee.crc_flag = UInt32(ISAL_ZLIB)
        }
        isFinished = false
        magicChecked = format == .gzip ? 0 : 2
    }

    /// Refuses a `.gzip` stream whose first two bytes are not gzip's magic number as soon as they arrive, as zlib
    /// does: igzip waits for a whole 10-byte header first, so a few stray bytes after a member would otherwise
    /// look like a member cut short.
    private func checkMagic(_ input: UnsafeRawBufferPointer) throws {
        let magic: [UInt8] = [0x1f, 0x8b]
        var i = 0
        while magicChecked < 2 && i < input.count {
            guard input[i] == magic[magicChecked] else {
                throw DeflateError(code: Int32(ISAL_INVALID_WRAPPER), message: Inflater.message(Int32(ISAL_INVALID_WRAPPER)),
                                   context: "igzip inflate")
            }
            magicChecked += 1
            i += 1
        }
    }

    /// Resets for a new stream (the next member of a concatenated gzip file, the next ZIP member).
    public func reset() throws {
        start()
    }

    /// Inflates from `input` until it is used up or the stream ends, handing output to `sink` in chunks.
    /// - Returns: the number of input bytes consumed (less than `input.count` only when the stream ended).
    /// - Throws: `DeflateError` on corrupt data; whatever `sink` throws.
    @discardableResult
    public func inflate(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        if magicChecked < 2 && !isFinished { try checkMagic(input) }
        var consumed = 0
        while !isFinished && consumed < input.count {
            let piece = UnsafeRawBufferPointer(rebasing: input[consumed..<min(input.count, consumed + maximumCall)])
            consumed += try inflatePiece(piece, sink: sink)
        }
        return consumed
    }

    private func inflatePiece(_ input: UnsafeRawBufferPointer,
                              sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        state.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        state.pointee.avail_in = UInt32(input.count)
        defer {
            state.pointee.next_in = nil
            state.pointee.avail_in = 0
        }
        while true {
            let before = state.pointee.avail_in
            let (code, produced) = output.withUnsafeMutableBytes { out -> (Int32, Int) in
                state.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
                state.pointee.avail_out = UInt32(out.count)
                let code = isal_inflate(state)
                return (code, out.count - Int(state.pointee.avail_out))
            }
            guard code >= 0 else { throw DeflateError(code: code, message: Inflater.message(code), context: "igzip inflate") }
            if produced > 0 {
                totalOut += Int64(produced)
                try output.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
            }
            if state.pointee.block_state == ISAL_BLOCK_FINISH {
                // igzip keeps up to 8 bytes read ahead in its bit buffer: the whole bytes there are past the end
                // of the stream (a gzip trailer has been read back already; a raw stream's have not).
                isFinished = true
                let unread = Int(state.pointee.avail_in) + Int(state.pointee.read_in_length) / 8
                return max(0, input.count - unread)
            }
            let stuck = produced == 0 && state.pointee.avail_in == before
            if produced < output.count && (state.pointee.avail_in == 0 || stuck) {
                return input.count - Int(state.pointee.avail_in)
            }
        }
    }

    /// What an igzip error code means, in the words zlib used for the same faults.
    static func message(_ code: Int32) -> String {
        switch code {
        case ISAL_INVALID_BLOCK: return "invalid block type or block lengths"
        case ISAL_INVALID_SYMBOL: return "invalid code in a compressed block"
        case ISAL_INVALID_LOOKBACK: return "invalid distance too far back"
        case ISAL_INVALID_WRAPPER: return "incorrect header check"
        case ISAL_UNSUPPORTED_METHOD: return "unknown compression method in header"
        case ISAL_INCORRECT_CHECKSUM: return "incorrect data check (CRC-32 or length of the trailer)"
        default: return "invalid compressed data"
        }
    }
}

/// A streaming deflater on ISA-L's igzip, for the lake's CSV.gz files: one gzip member (or a raw stream) that
/// every reader of gzip takes, written over eight times as fast as zlib's level 3 and smaller (`batchlake-bench`,
/// "CSV gzip level": level 2 at 1,862 MB/s to 3.64 MB, zlib level 3 at 215 MB/s to 3.74 MB).
///
/// Levels are igzip's, 0 to 3 (0: static Huffman codes; 1 and 2: a hash of the window and dynamic codes, the
/// fast path; 3: a better search at a quarter of the speed). Not `Sendable`: one owner at a time.
public final class IgzipDeflater {
    private let stream: UnsafeMutablePointer<isal_zstream>
    private let levelBuffer: UnsafeMutableRawBufferPointer
    private var output: [UInt8]
    private let level: UInt32
    private let gzipFlag: UInt16
    public private(set) var totalIn: Int64 = 0
    public private(set) var totalOut: Int64 = 0
    /// Whether the stream has ended (its trailer written).
    private var ended = false

    public static let levels: ClosedRange<Int32> = 0...3

    /// - Parameters:
    ///   - format: `.raw` or `.gzip` (a generic header: no name, no time).
    ///   - level: igzip's level, 0 to 3.
    public init(format: DeflateFormat, level: Int32 = 2, chunkSize: Int = 256 * 1024) throws {
        guard IgzipDeflater.levels.contains(level) else {
            throw DeflateError(code: Int32(ISAL_INVALID_LEVEL), message: "level \(level) is not one of 0...3",
                               context: "igzip deflate")
        }
        guard format != .zlib else {
            throw DeflateError(code: Int32(ISAL_INVALID_OPERATION), message: "only raw and gzip framing",
                               context: "igzip deflate")
        }
        self.level = UInt32(level)
        gzipFlag = UInt16(format == .gzip ? IGZIP_GZIP : IGZIP_DEFLATE)
        stream = .allocate(capacity: 1)
        levelBuffer = .allocate(byteCount: max(1, Int(CIsal_levelBufferSize(UInt32(level)))), alignment: 64)
        output = [UInt8](repeating: 0, count: chunkSize)
        start()
    }

    deinit {
        stream.deallocate()
        levelBuffer.deallocate()
    }

    private func start() {
        isal_deflate_init(stream)
        stream.pointee.level = level
        stream.pointee.level_buf = levelBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        stream.pointee.level_buf_size = level == 0 ? 0 : UInt32(levelBuffer.count)
        stream.pointee.gzip_flag = gzipFlag
        stream.pointee.flush = UInt16(NO_FLUSH)
        totalIn = 0
        totalOut = 0
        ended = false
    }

    /// Compresses `input`; with `finish`, ends the stream. Output goes to `sink` in chunks.
    public func deflate(_ input: UnsafeRawBufferPointer, finish: Bool = false,
                        sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !ended else { return }
        var rest = input
        repeat {
            let piece = UnsafeRawBufferPointer(rebasing: rest[0..<min(rest.count, maximumCall)])
            rest = UnsafeRawBufferPointer(rebasing: rest[piece.count...])
            try deflatePiece(piece, finish: finish && rest.isEmpty, sink: sink)
        } while !rest.isEmpty
    }

    private func deflatePiece(_ input: UnsafeRawBufferPointer, finish: Bool,
                              sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        stream.pointee.avail_in = UInt32(input.count)
        stream.pointee.end_of_stream = finish ? 1 : 0
        totalIn += Int64(input.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        while true {
            let (code, produced) = output.withUnsafeMutableBytes { out -> (Int32, Int) in
                stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
                stream.pointee.avail_out = UInt32(out.count)
                let code = isal_deflate(stream)
                return (code, out.count - Int(stream.pointee.avail_out))
            }
            guard code == COMP_OK else {
                throw DeflateError(code: code, message: "cannot compress (level \(level))", context: "igzip deflate")
            }
            if produced > 0 {
                totalOut += Int64(produced)
                try output.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
            }
            if stream.pointee.internal_state.state == ZSTATE_END {
                ended = true
                return
            }
            if !finish && stream.pointee.avail_in == 0 && produced < output.count { return }
        }
    }

    /// Starts a new stream with the same settings.
    public func reset() {
        start()
    }
}

/// One-shot igzip for small buffers (page candidates).
public enum Igzip {
    /// Raw deflate of `bytes` at igzip's `level`, with this thread's stream (`ThreadDeflaters`).
    public static func compress(_ bytes: [UInt8], level: Int32 = 2) throws -> [UInt8] {
        let deflater = try ThreadDeflaters.igzip(level: level)
        var out: [UInt8] = []
        try bytes.withUnsafeBytes { input in
            try deflater.deflate(input, finish: true) { out.append(contentsOf: $0) }
        }
        return out
    }
}
