#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Deflate streams kept per thread for `Zlib.compress` and `Igzip.compress`, one per framing and level used.
///
/// The columnar writer deflates every small page candidate once (a few thousand buffers a standard day). A fresh
/// stream allocates and clears ~330 KB (`deflateInit2` and the output buffer), which cost more than compressing a
/// page of a few KB; a reset stream writes the same bytes without it. Only deflate streams are kept: a zstd context
/// keeps the workspace of the largest page it saw (MiBs), which raised peak RSS more than it saved.
final class ThreadDeflaters {
    private var deflaters: [Int32: Deflater] = [:]
    private var igzips: [Int32: IgzipDeflater] = [:]

    /// This thread's set, made on first use.
    private static var mine: ThreadDeflaters {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<ThreadDeflaters>.fromOpaque(pointer).takeUnretainedValue()
        }
        let made = ThreadDeflaters()
        pthread_setspecific(key, Unmanaged.passRetained(made).toOpaque())
        return made
    }

    /// A zlib deflater for `format` and `level` on this thread, reset to the start of a new stream.
    static func deflater(format: DeflateFormat, level: Int32) throws -> Deflater {
        let mine = mine
        let slot = format.windowBits << 8 | level
        if let deflater = mine.deflaters[slot] {
            deflater.reset()
            return deflater
        }
        let deflater = try Deflater(format: format, level: level, chunkSize: 64 * 1024)
        mine.deflaters[slot] = deflater
        return deflater
    }

    /// A raw igzip deflater at `level` on this thread, reset to the start of a new stream.
    static func igzip(level: Int32) throws -> IgzipDeflater {
        let mine = mine
        if let deflater = mine.igzips[level] {
            deflater.reset()
            return deflater
        }
        let deflater = try IgzipDeflater(format: .raw, level: level, chunkSize: 64 * 1024)
        mine.igzips[level] = deflater
        return deflater
    }

    /// Each thread's streams are released when it exits.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        #if canImport(Glibc)
        pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<ThreadDeflaters>.fromOpaque(pointer).release() }
        }
        #else
        pthread_key_create(&key) { pointer in Unmanaged<ThreadDeflaters>.fromOpaque(pointer).release() }
        #endif
        return key
    }()
}
