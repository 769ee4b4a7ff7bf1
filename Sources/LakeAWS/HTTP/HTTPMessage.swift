import Foundation
import LakeCore

/// The body of a request: nothing, bytes in memory, or a byte range of a file read as libcurl asks for it, so a
/// multi-gigabyte upload never sits in memory. Every form can be read again from the start for a retry.
enum RequestBody: Sendable {
    case empty
    case bytes([UInt8])
    case file(path: String, offset: Int64, length: Int64)

    var length: Int64 {
        switch self {
        case .empty: return 0
        case .bytes(let bytes): return Int64(bytes.count)
        case .file(_, _, let length): return length
        }
    }

    var isEmpty: Bool { length == 0 }
}

/// A request ready to send: the URL already percent-encoded, the headers already signed.
struct HTTPRequest: Sendable {
    var method: String
    var url: String
    var headers: [(String, String)]
    var body: RequestBody = .empty
    /// Overrides the client's low-speed timeout, for requests that legitimately wait (an SQS long poll).
    var lowSpeedSeconds: Int? = nil
}

/// Where a successful response's body goes. Error bodies always go to memory (they are small) so they can be parsed.
enum ResponseSink {
    /// Collect the body in `HTTPResponse.body`.
    case bytes
    /// Write the body to an open file descriptor from offset 0; a retry truncates the file and starts over.
    case file(descriptor: Int32, path: String)
    /// Hand each chunk to a closure as it arrives. A retry happens only if no chunk was delivered yet.
    case stream((UnsafeRawBufferPointer) throws -> Void)
}

/// Status, headers and (for `.bytes` sinks or errors) body of a response.
struct HTTPResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    /// Body bytes handed to the sink (a file or a stream).
    var deliveredBytes: Int64

    /// The value of the first header named `name`, compared case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    var isSuccess: Bool { (200..<300).contains(status) }
}

/// Connect and stall limits of a client, in libcurl's units.
struct HTTPTimeouts: Sendable {
    var connectMilliseconds: Int
    var lowSpeedSeconds: Int
}

/// The state of one attempt, reached from libcurl's callbacks through an unretained pointer.
final class Transfer {
    private let body: RequestBody
    private let bodyBytes: [UInt8]
    private let bodyDescriptor: Int32
    private var readPosition: Int64 = 0

    private let sink: ResponseSink
    private(set) var headers: [(String, String)] = []
    var status = 0
    private(set) var responseBody: [UInt8] = []
    private(set) var delivered: Int64 = 0
    /// Why a callback stopped the transfer (a sink that threw, a full disk); rethrown after curl_easy_perform.
    var callbackError: (any Error)?

    /// Error documents from S3 and SQS are a few hundred bytes; more is not an AWS error body.
    private static let errorBodyLimit = 256 * 1024

    init(body: RequestBody, bodyDescriptor: Int32, sink: ResponseSink) {
        self.body = body
        if case .bytes(let bytes) = body { bodyBytes = bytes } else { bodyBytes = [] }
        self.bodyDescriptor = bodyDescriptor
        self.sink = sink
    }

    func receiveHeaderLine(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            // A new status line (after "100 Continue" or a redirect) starts a new header block.
            headers.removeAll()
            let parts = trimmed.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let name = String(trimmed[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(trimmed[trimmed.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        headers.append((name, value))
    }

    /// Returns false to stop the transfer (callbackError says why).
    func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Bool {
        guard (200..<300).contains(status) else {
            if responseBody.count < Self.errorBodyLimit {
                responseBody.append(contentsOf: chunk.prefix(Self.errorBodyLimit - responseBody.count))
            }
            return true
        }
        switch sink {
        case .bytes:
            responseBody.append(contentsOf: chunk)
        case .file(let descriptor, let path):
            var written = 0
            while written < chunk.count {
                let result = pwrite(descriptor, chunk.baseAddress! + written, chunk.count - written,
                                    off_t(delivered) + off_t(written))
                if result < 0 {
                    if errno == EINTR { continue }
                    let reason = String(cString: strerror(errno))
                    callbackError = LakeError(.io, "cannot write the download to \(path): \(reason)",
                                              remedy: "check free space and permissions of the target folder")
                    return false
                }
                written += result
            }
        case .stream(let consume):
            do {
                try consume(chunk)
            } catch {
                callbackError = error
                return false
            }
        }
        delivered += Int64(chunk.count)
        return true
    }

    /// Copies the next part of the body into `buffer`; nil aborts the transfer.
    func readBody(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        let remaining = body.length - readPosition
        let count = Int(min(Int64(buffer.count), remaining))
        guard count > 0 else { return 0 }
        switch body {
        case .empty:
            return 0
        case .bytes:
            bodyBytes.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + Int(readPosition), byteCount: count)
            }
        case .file(let path, let offset, _):
            var done = 0
            while done < count {
                let result = pread(bodyDescriptor, buffer.baseAddress! + done, count - done,
                                   off_t(offset + readPosition) + off_t(done))
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else {
                    let reason = result == 0 ? "the file is shorter than when the upload started"
                        : String(cString: strerror(errno))
                    callbackError = LakeError(.io, "cannot read \(path) for upload: \(reason)")
                    return nil
                }
                done += result
            }
        }
        readPosition += Int64(count)
        return count
    }

    func seekBody(to offset: Int64) -> Bool {
        guard offset >= 0, offset <= body.length else { return false }
        readPosition = offset
        return true
    }
}
