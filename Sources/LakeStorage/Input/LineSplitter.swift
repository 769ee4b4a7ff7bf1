import Glibc

/// One non-blank line of input, valid only during the callback that receives it.
///
/// `bytes` is the line's content: without its `\n`, without one trailing `\r`, without leading blanks (space,
/// tab, CR) and, on the first line of a stream, without a UTF-8 byte-order mark. It points either into the
/// reader's current chunk or into the splitter's carry buffer, so copy it if you need it later.
public struct InputLine {
    /// The line's content; valid only during the callback.
    public let bytes: UnsafeRawBufferPointer
    /// 1-based physical line number within its stream (blank lines count).
    public let number: Int
    /// Byte offset of the line's first byte (before any skipped blanks) in the decompressed stream.
    public let offset: Int64
    /// The ZIP member the line comes from (a label for messages, never a path); nil for plain and gzip input.
    public let member: String?
}

/// A non-blank line longer than the configured maximum; it was skipped without being buffered.
public struct TooLongLine: Sendable {
    /// The ZIP member it comes from (a label, never a path); nil for plain and gzip input.
    public let member: String?
    /// 1-based physical line number within its stream.
    public let number: Int
    /// Byte offset of the line's first byte in the decompressed stream.
    public let offset: Int64
    /// The content length in bytes (after the same trimming as `InputLine.bytes`).
    public let length: Int
    /// The first `InputOptions.tooLongPrefixLength` bytes of the content, for the quarantine record.
    public let prefix: [UInt8]
}

/// What the line reader hands to its caller.
public enum InputEvent {
    /// A line to process.
    case line(InputLine)
    /// A line over the maximum length, to quarantine.
    case tooLong(TooLongLine)
}

/// Counts kept by a `LineSplitter`.
public struct LineCounts: Sendable, Equatable {
    /// Lines delivered as `.line`.
    public var lines = 0
    /// Empty and whitespace-only lines skipped.
    public var blankLines = 0
    /// Lines delivered as `.tooLong`.
    public var tooLongLines = 0
    /// Bytes fed, including any byte-order mark.
    public var bytes: Int64 = 0

    /// All counts zero.
    public init() {}
}

/// Splits a byte stream handed over in chunks into lines.
///
/// Lines lying wholly inside a chunk are handed out as pointers into that chunk, without a copy; only lines
/// spanning chunks are gathered in a carry buffer, which never holds more than `maxLineLength + 1` bytes.
/// Blank lines (only space, tab, CR) and the tails of too-long lines are counted, never buffered.
public struct LineSplitter {
    private enum Mode {
        /// No content byte of the current line seen yet (nothing, or blanks only).
        case blank
        /// Content of the current line is gathered in `carry`.
        case buffering
        /// The current line is over the maximum; only its prefix and length are kept.
        case tooLong
    }

    /// The member label stamped on every event.
    public let member: String?
    /// Longest line content delivered as `.line`.
    public let maxLineLength: Int
    /// How many leading bytes of a too-long line are kept.
    public let tooLongPrefixLength: Int
    /// Counts so far.
    public private(set) var counts = LineCounts()

    private var mode = Mode.blank
    private var carry: [UInt8] = []
    private var prefix: [UInt8] = []
    private var tooLongLength = 0
    private var tooLongEndsInCR = false
    /// Whether the current line has any byte yet (to count a final blank line without `\n`).
    private var lineHasBytes = false
    private var lineNumber = 1
    private var lineStart: Int64 = 0
    /// Offset of the next byte handed to `feedCore`.
    private var streamOffset: Int64 = 0
    /// Byte-order-mark bytes matched so far while `bomResolved` is false.
    private var bomMatched = 0
    private var bomResolved = false

    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    /// Carry buffers above this are released after their line, so one huge line does not pin memory.
    private static let carryKeepCapacity = 1 << 20

    /// - Parameters:
    ///   - member: the label stamped on every event.
    ///   - maxLineLength: longest content delivered as `.line` (default 256 MiB).
    ///   - tooLongPrefixLength: bytes of a too-long line kept for the quarantine record.
    public init(member: String? = nil, maxLineLength: Int = InputOptions.defaultMaxLineLength,
                tooLongPrefixLength: Int = 1024) {
        precondition(maxLineLength >= 0 && tooLongPrefixLength >= 0)
        self.member = member
        self.maxLineLength = maxLineLength
        self.tooLongPrefixLength = tooLongPrefixLength
    }

    /// Bytes currently reserved by the carry buffer (for tests of bounded memory).
    var carryCapacity: Int { carry.capacity }

    /// Feeds the next chunk of the stream; calls `emit` for every line it completes.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ emit: (InputEvent) throws -> Void) throws {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        counts.bytes += Int64(chunk.count)
        if bomResolved { return try feedCore(chunk, emit) }
        // Match a byte-order mark that may be split over chunks.
        var i = 0
        while i < chunk.count && bomMatched < 3 && chunk[i] == Self.bom[bomMatched] {
            bomMatched += 1
            i += 1
        }
        if bomMatched == 3 {
            bomResolved = true
            streamOffset = 3  // line 1 still starts at offset 0
            return try feedCore(UnsafeRawBufferPointer(start: base + i, count: chunk.count - i), emit)
        }
        if i == chunk.count { return }  // a partial mark so far; wait for more
        // Not a mark: the bytes matched so far are content.
        bomResolved = true
        try releaseHeldBOMBytes(emit)
        try feedCore(UnsafeRawBufferPointer(start: base + i, count: chunk.count - i), emit)
    }

    /// Ends the stream: delivers a last line that has no `\n`.
    public mutating func finish(_ emit: (InputEvent) throws -> Void) throws {
        if !bomResolved {
            bomResolved = true
            try releaseHeldBOMBytes(emit)
        }
        switch mode {
        case .blank:
            if lineHasBytes { counts.blankLines += 1 }
        case .buffering:
            try emitCarry(emit)
        case .tooLong:
            try emitTooLong(emit)
        }
        mode = .blank
        lineHasBytes = false
    }

    private mutating func releaseHeldBOMBytes(_ emit: (InputEvent) throws -> Void) throws {
        let held = bomMatched
        bomMatched = 0
        guard held > 0 else { return }
        try Self.bom.withUnsafeBytes { try feedCore(UnsafeRawBufferPointer(rebasing: $0[0..<held]), emit) }
    }

    @inline(__always)
    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }

    private mutating func feedCore(_ chunk: UnsafeRawBufferPointer, _ emit: (InputEvent) throws -> Void) throws {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        let n = chunk.count
        var pos = 0
        while pos < n {
            guard let hit = memchr(base + pos, 0x0A, n - pos) else { break }
            let end = base.distance(to: UnsafeRawPointer(hit))
            switch mode {
            case .blank:
                try completeLine(base, from: pos, to: end, emit)
            case .buffering:
                appendToCarry(UnsafeRawBufferPointer(start: base + pos, count: end - pos))
                if mode == .buffering { try emitCarry(emit) } else { try emitTooLong(emit) }
            case .tooLong:
                countTooLong(UnsafeRawBufferPointer(start: base + pos, count: end - pos))
                try emitTooLong(emit)
            }
            mode = .blank
            lineHasBytes = false
            lineNumber += 1
            lineStart = streamOffset + Int64(end + 1)
            pos = end + 1
        }
        if pos < n {
            lineHasBytes = true
            let rest = UnsafeRawBufferPointer(start: base + pos, count: n - pos)
            switch mode {
            case .blank:
                var i = 0
                while i < rest.count && Self.isBlank(rest[i]) { i += 1 }
                if i < rest.count {
                    mode = .buffering
                    appendToCarry(UnsafeRawBufferPointer(rebasing: rest[i...]))
                }
            case .buffering:
                appendToCarry(rest)
            case .tooLong:
                countTooLong(rest)
            }
        }
        streamOffset += Int64(n)
    }

    /// A line whose content (if any) lies wholly in `base[from..<to]`; earlier parts of it were blank.
    @inline(__always)
    private mutating func completeLine(_ base: UnsafeRawPointer, from: Int, to end: Int,
                                       _ emit: (InputEvent) throws -> Void) throws {
        var start = from
        while start < end && Self.isBlank(base.load(fromByteOffset: start, as: UInt8.self)) { start += 1 }
        guard start < end else {
            counts.blankLines += 1
            return
        }
        var stop = end
        if base.load(fromByteOffset: stop - 1, as: UInt8.self) == 0x0D { stop -= 1 }
        let content = UnsafeRawBufferPointer(start: base + start, count: stop - start)
        if content.count > maxLineLength {
            counts.tooLongLines += 1
            try emit(.tooLong(TooLongLine(
                member: member, number: lineNumber, offset: lineStart, length: content.count,
                prefix: Array(content.prefix(tooLongPrefixLength)))))
        } else {
            counts.lines += 1
            try emit(.line(InputLine(bytes: content, number: lineNumber, offset: lineStart, member: member)))
        }
    }

    /// Appends content to the carry, switching to `.tooLong` once it cannot fit (one byte is left for a `\r`).
    private mutating func appendToCarry(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        if carry.count + bytes.count - 1 <= maxLineLength {
            carry.append(contentsOf: bytes)
            return
        }
        mode = .tooLong
        prefix = Array(carry.prefix(tooLongPrefixLength))
        tooLongLength = carry.count
        tooLongEndsInCR = false
        releaseCarry()
        countTooLong(bytes)
    }

    private mutating func countTooLong(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        if prefix.count < tooLongPrefixLength {
            prefix.append(contentsOf: bytes.prefix(tooLongPrefixLength - prefix.count))
        }
        tooLongLength += bytes.count
        tooLongEndsInCR = bytes[bytes.count - 1] == 0x0D
    }

    private mutating func emitCarry(_ emit: (InputEvent) throws -> Void) throws {
        if carry.last == 0x0D { carry.removeLast() }
        if carry.count > maxLineLength {
            prefix = Array(carry.prefix(tooLongPrefixLength))
            tooLongLength = carry.count
            tooLongEndsInCR = false
            releaseCarry()
            return try emitTooLong(emit)
        }
        counts.lines += 1
        defer { releaseCarry() }
        try carry.withUnsafeBytes {
            try emit(.line(InputLine(bytes: $0, number: lineNumber, offset: lineStart, member: member)))
        }
    }

    private mutating func emitTooLong(_ emit: (InputEvent) throws -> Void) throws {
        let length = tooLongLength - (tooLongEndsInCR ? 1 : 0)
        let kept = prefix.count > length ? Array(prefix.prefix(length)) : prefix
        prefix = []
        tooLongLength = 0
        tooLongEndsInCR = false
        counts.tooLongLines += 1
        try emit(.tooLong(TooLongLine(member: member, number: lineNumber, offset: lineStart, length: length,
                                      prefix: kept)))
    }

    private mutating func releaseCarry() {
        if carry.capacity > Self.carryKeepCapacity {
            carry = []
        } else {
            carry.removeAll(keepingCapacity: true)
        }
    }
}
