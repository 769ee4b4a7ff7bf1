internal import CZlib

/// The framing around a deflate stream.
public enum DeflateFormat: Sendable {
    /// Bare deflate (ZIP members, our columnar pages).
    case raw
    /// gzip header and trailer (`.gz`, CSV.gz).
    case gzip
    /// zlib header and Adler-32 trailer.
    case zlib

    var windowBits: Int32 {
        switch self {
        case .raw: return -15
        case .gzip: return 31
        case .zlib: return 15
        }
    }
}

/// A failure of zlib or ISA-L: the C return code, the library's message and our context.
public struct DeflateError: Error, Sendable, CustomStringConvertible {
    public var code: Int32
    public var message: String
    /// The library and call, such as `zlib deflate` or `igzip inflate`.
    public var context: String

    public var description: String { "\(context) failed: \(message) (code \(code))" }
}

/// A streaming zlib deflater that owns one `z_stream` at a stable heap address: page bodies at level 6 (their
/// size matters), the generator's batches, one-shot `Zlib.compress`. The lake's CSV.gz goes through the faster
/// `IgzipDeflater`.
public final class Deflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var output: [UInt8]
    public private(set) var totalIn: Int64 = 0
    public private(set) var totalOut: Int64 = 0
    /// Whether the stream has ended: later calls write nothing.
    private var ended = false

    /// - Parameters:
    ///   - level: 0 (store) to 9 (best); 6 is zlib's default, 1 the fastest.
    public init(format: DeflateFormat, level: Int32 = 6, chunkSize: Int = 256 * 1024) throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        output = [UInt8](repeating: 0, count: chunkSize)
        let code = CZlib_deflateInit2(stream, level, format.windowBits, 8)
        guard code == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw DeflateError(code: code, message: "cannot initialise", context: "zlib deflateInit2")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses `input`; with `finish`, ends the stream. Output goes to `sink` in chunks.
    public func deflate(_ input: UnsafeRawBufferPointer, finish: Bool = false,
                        sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !ended else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        totalIn += Int64(input.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        let flush = finish ? Z_FINISH : Z_NO_FLUSH
        while true {
            let (code, produced) = output.withUnsafeMutableBytes { out -> (Int32, Int) in
                stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(out.count)
                let code = CZlib.deflate(stream, flush)
                return (code, out.count - Int(stream.pointee.avail_out))
            }
            if produced > 0 {
                totalOut += Int64(produced)
                try output.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
            }
            if code == Z_STREAM_END {
                ended = true
                return
            }
            guard code == Z_OK || code == Z_BUF_ERROR else {
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "deflate failed"
                throw DeflateError(code: code, message: message, context: "zlib deflate")
            }
            if !finish && stream.pointee.avail_in == 0 && produced < output.count { return }
        }
    }

    /// Starts a new stream with the same settings.
    public func reset() {
        deflateReset(stream)
        totalIn = 0
        totalOut = 0
        ended = false
    }
}

/// One-shot helpers for small buffers (pages, tests).
public enum Zlib {
    /// Uses this thread's stream for the framing and level (`ThreadDeflaters`), reset for each call.
    public static func compress(_ bytes: [UInt8], format: DeflateFormat = .raw,
                                level: Int32 = 6) throws -> [UInt8] {
        let deflater = try ThreadDeflaters.deflater(format: format, level: level)
        var out: [UInt8] = []
        try bytes.withUnsafeBytes { input in
            try deflater.deflate(input, finish: true) { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Inflates a complete stream, refusing to produce more than `limit` bytes.
    /// - Throws: `DeflateError` on corrupt data, on output past `limit`, on a stream that ends early, or on bytes
    ///   after the end of the stream (every byte of a page must be accounted for; docs/FORMAT.md).
    public static func decompress(_ bytes: [UInt8], format: DeflateFormat = .raw,
                                  limit: Int = Int.max) throws -> [UInt8] {
        let inflater = try Inflater(format: format, chunkSize: 64 * 1024)
        var out: [UInt8] = []
        let consumed = try bytes.withUnsafeBytes { input in
            try inflater.inflate(input) { chunk in
                guard out.count + chunk.count <= limit else {
                    throw DeflateError(code: -5, message: "output exceeds the declared \(limit) bytes", context: "igzip inflate")
                }
                out.append(contentsOf: chunk)
            }
        }
        guard inflater.isFinished else {
            throw DeflateError(code: -5, message: "compressed stream is truncated", context: "igzip inflate")
        }
        guard consumed == bytes.count else {
            throw DeflateError(code: -3, message: "\(bytes.count - consumed) bytes follow the end of the compressed stream",
                            context: "igzip inflate")
        }
        return out
    }
}
