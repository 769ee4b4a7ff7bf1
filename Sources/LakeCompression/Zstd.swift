internal import CZstd

/// A zstd failure: zstd's own error name (or our check) and our context.
public struct ZstdError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var context: String

    public var description: String { "zstd \(context) failed: \(message)" }
}

/// One-shot zstd frames for buffers that fit in memory (columnar pages, tests).
///
/// Frames always record their content size. `decompress` is strict: the input must be exactly one frame that
/// declares its content size, the size must equal what the caller expects, and decoding must produce exactly that
/// many bytes. The only allocation is the output buffer of the expected size, which the caller bounds.
public enum Zstd {
    /// Levels zstd accepts (negative levels are its "fast" modes).
    public static var levels: ClosedRange<Int32> { ZSTD_minCLevel()...ZSTD_maxCLevel() }

    /// Compresses `bytes` into one frame with its content size and without a checksum (our pages carry a CRC-32).
    /// - Parameters:
    ///   - level: 1–19 (3 is zstd's default).
    ///   - windowLog: when set, a window of 2^windowLog bytes with long-distance matching (finds repeats far
    ///     apart); nil keeps the level's own window.
    public static func compress(_ bytes: [UInt8], level: Int32 = 3, windowLog: Int32? = nil) throws -> [UInt8] {
        try bytes.withUnsafeBytes { try compress($0, level: level, windowLog: windowLog) }
    }

    public static func compress(_ input: UnsafeRawBufferPointer, level: Int32 = 3, windowLog: Int32? = nil) throws -> [UInt8] {
        guard let context = ZSTD_createCCtx() else { throw ZstdError(message: "out of memory", context: "ZSTD_createCCtx") }
        defer { ZSTD_freeCCtx(context) }
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level), "set level \(level)")
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1), "set content size flag")
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 0), "set checksum flag")
        if let windowLog {
            try check(ZSTD_CCtx_setParameter(context, ZSTD_c_enableLongDistanceMatching, 1), "enable long matching")
            try check(ZSTD_CCtx_setParameter(context, ZSTD_c_windowLog, windowLog), "set window log \(windowLog)")
        }
        let bound = ZSTD_compressBound(input.count)
        guard ZSTD_isError(bound) == 0 else { throw ZstdError(message: "input of \(input.count) bytes is too large", context: "compress") }
        var out = [UInt8](repeating: 0, count: bound)
        let written = try out.withUnsafeMutableBytes { dst in
            try check(ZSTD_compress2(context, dst.baseAddress, dst.count, input.baseAddress, input.count), "compress")
        }
        // A copy of the frame alone: trimming the bound-sized buffer would keep its whole capacity (a 4 MiB page
        // held while its other candidate bodies are compressed).
        return Array(out[0..<written])
    }

    /// The content size `frame` declares, if it begins with a valid frame header that records one.
    public static func declaredSize(_ frame: [UInt8]) -> UInt64? {
        let size = frame.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        guard size != CZstd_contentSizeUnknown(), size != CZstd_contentSizeError() else { return nil }
        return size
    }

    /// Decompresses a payload that must be exactly one zstd frame of exactly `expectedSize` bytes of content.
    /// - Throws: `ZstdError` when the payload is not one whole frame (truncated, or bytes after it), when the
    ///   frame does not record its content size or records another size, when decoding fails, or when it
    ///   produces a different number of bytes. Nothing is allocated before the declared size is checked against
    ///   `expectedSize`.
    public static func decompress(_ payload: [UInt8], expectedSize: Int) throws -> [UInt8] {
        guard expectedSize >= 0 else { throw ZstdError(message: "negative expected size", context: "decompress") }
        return try payload.withUnsafeBytes { src -> [UInt8] in
            let frameSize = ZSTD_findFrameCompressedSize(src.baseAddress, src.count)
            guard ZSTD_isError(frameSize) == 0 else {
                throw ZstdError(message: "not one whole frame: \(errorName(frameSize))", context: "decompress")
            }
            guard frameSize == src.count else {
                throw ZstdError(message: "\(src.count - frameSize) bytes follow the end of the frame", context: "decompress")
            }
            let declared = ZSTD_getFrameContentSize(src.baseAddress, src.count)
            guard declared != CZstd_contentSizeError() else {
                throw ZstdError(message: "invalid frame header", context: "decompress")
            }
            guard declared != CZstd_contentSizeUnknown() else {
                throw ZstdError(message: "the frame does not record its content size", context: "decompress")
            }
            guard declared == UInt64(expectedSize) else {
                throw ZstdError(message: "the frame declares \(declared) bytes, expected \(expectedSize)", context: "decompress")
            }
            guard let context = ZSTD_createDCtx() else { throw ZstdError(message: "out of memory", context: "ZSTD_createDCtx") }
            defer { ZSTD_freeDCtx(context) }
            // At least one byte so that the buffer has an address; zstd writes at most `expectedSize`.
            var out = [UInt8](repeating: 0, count: max(expectedSize, 1))
            let produced = try out.withUnsafeMutableBytes { dst in
                try check(ZSTD_decompressDCtx(context, dst.baseAddress, expectedSize, src.baseAddress, src.count),
                          "decompress")
            }
            guard produced == expectedSize else {
                throw ZstdError(message: "the frame decodes to \(produced) bytes, expected \(expectedSize)", context: "decompress")
            }
            if out.count != expectedSize { out.removeAll() }
            return out
        }
    }

    private static func errorName(_ code: Int) -> String { String(cString: ZSTD_getErrorName(code)) }

    @discardableResult
    private static func check(_ code: Int, _ context: String) throws -> Int {
        guard ZSTD_isError(code) == 0 else { throw ZstdError(message: errorName(code), context: context) }
        return code
    }
}
