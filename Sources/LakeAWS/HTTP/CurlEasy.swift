internal import CCurl
import Foundation
import LakeCore

/// `curl_global_init` once per process: Swift initialises globals lazily and exactly once, and libcurl ≥ 7.84 is
/// thread-safe after it. The corresponding C function is `curl_global_init`.
private let curlGlobalInitResult: CURLcode = curl_global_init(CCurl_globalDefault)

/// A transport-level failure of libcurl: the `CURLcode`, its text and the error buffer at the moment of failure.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    /// The `CURLcode` value (7 = could not connect, 28 = timed out, 56 = receive error...).
    public let code: Int
    /// `curl_easy_strerror` of the code, then the more specific `CURLOPT_ERRORBUFFER` text when there is one.
    public let message: String

    public var description: String { "curl error \(code): \(message)" }

    /// Whether trying again may succeed: the connection was refused, dropped, reset or timed out.
    var isRetryable: Bool {
        switch CURLcode(rawValue: UInt32(code)) {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_SEND_ERROR,
            CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_SSL_CONNECT_ERROR, CURLE_HTTP2,
            CURLE_HTTP2_STREAM, CURLE_COULDNT_RESOLVE_PROXY:
            return true
        default:
            return false
        }
    }

    /// Whether the service could not be reached at all (as opposed to a transfer that broke half way).
    var isUnreachable: Bool {
        switch CURLcode(rawValue: UInt32(code)) {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_SSL_CONNECT_ERROR, CURLE_COULDNT_RESOLVE_PROXY:
            return true
        default:
            return false
        }
    }
}

/// One libcurl easy handle, reused between requests so connections are kept alive. Not thread-safe: its owner
/// (`HTTPClient`) serialises access.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    /// CURLOPT_ERRORBUFFER: libcurl keeps the pointer, so it lives as long as the handle.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init() throws {
        guard curlGlobalInitResult == CURLE_OK else {
            throw LakeError(.internalError, "libcurl failed to initialise (curl_global_init returned "
                            + "\(curlGlobalInitResult.rawValue))")
        }
        guard let handle = curl_easy_init() else {
            throw LakeError(.internalError, "libcurl could not allocate an easy handle (curl_easy_init)")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CCurl_errorBufferSize))
        errorBuffer.initialize(repeating: 0, count: Int(CCurl_errorBufferSize))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Runs one attempt of `request`: body from `transfer`, headers and body into `transfer`.
    /// - Throws: `CurlError` when the transfer fails below HTTP; a callback's error when a callback stopped it.
    func perform(_ request: HTTPRequest, timeouts: HTTPTimeouts, transfer: Transfer) throws {
        // Reset drops every option of the previous request but keeps live connections and caches.
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }
        for (name, value) in request.headers {
            // "Name;" sends a header with an empty value; "Name:" would remove it (libcurl CURLOPT_HTTPHEADER).
            let line = value.isEmpty ? "\(name);" : "\(name): \(value)"
            guard let appended = curl_slist_append(headerList, line) else {
                throw LakeError(.internalError, "libcurl could not allocate a header list (curl_slist_append)")
            }
            headerList = appended
        }
        // No "Expect: 100-continue" round trip before uploads.
        headerList = curl_slist_append(headerList, "Expect:") ?? headerList

        try check(CCurl_setString(handle, CURLOPT_URL, request.url), "CURLOPT_URL")
        try check(CCurl_setLong(handle, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        try check(CCurl_setPointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        try check(CCurl_setLong(handle, CURLOPT_CONNECTTIMEOUT_MS, timeouts.connectMilliseconds),
                  "CURLOPT_CONNECTTIMEOUT_MS")
        // A transfer slower than 1 byte/s for this long is dead: catches stalled connections without capping the
        // total time of a large object.
        try check(CCurl_setLong(handle, CURLOPT_LOW_SPEED_LIMIT, 1), "CURLOPT_LOW_SPEED_LIMIT")
        try check(CCurl_setLong(handle, CURLOPT_LOW_SPEED_TIME, timeouts.lowSpeedSeconds), "CURLOPT_LOW_SPEED_TIME")
        try check(CCurl_setHeaderList(handle, headerList), "CURLOPT_HTTPHEADER")

        let context = Unmanaged.passUnretained(transfer).toOpaque()
        try check(CCurl_setDataCallback(handle, CURLOPT_HEADERFUNCTION, curlHeaderCallback), "CURLOPT_HEADERFUNCTION")
        try check(CCurl_setPointer(handle, CURLOPT_HEADERDATA, context), "CURLOPT_HEADERDATA")
        try check(CCurl_setDataCallback(handle, CURLOPT_WRITEFUNCTION, curlWriteCallback), "CURLOPT_WRITEFUNCTION")
        try check(CCurl_setPointer(handle, CURLOPT_WRITEDATA, context), "CURLOPT_WRITEDATA")

        switch request.method {
        case "HEAD":
            try check(CCurl_setLong(handle, CURLOPT_NOBODY, 1), "CURLOPT_NOBODY")
        case "GET" where request.body.isEmpty:
            try check(CCurl_setLong(handle, CURLOPT_HTTPGET, 1), "CURLOPT_HTTPGET")
        case "DELETE" where request.body.isEmpty:
            try check(CCurl_setString(handle, CURLOPT_CUSTOMREQUEST, "DELETE"), "CURLOPT_CUSTOMREQUEST")
        default:
            // Every request with a body (even an empty POST) goes through the read callback as an "upload" with a
            // known length; CURLOPT_CUSTOMREQUEST puts the real method on the request line.
            try check(CCurl_setLong(handle, CURLOPT_UPLOAD, 1), "CURLOPT_UPLOAD")
            try check(CCurl_setOffset(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(request.body.length)),
                      "CURLOPT_INFILESIZE_LARGE")
            try check(CCurl_setDataCallback(handle, CURLOPT_READFUNCTION, curlReadCallback), "CURLOPT_READFUNCTION")
            try check(CCurl_setPointer(handle, CURLOPT_READDATA, context), "CURLOPT_READDATA")
            try check(CCurl_setSeekCallback(handle, curlSeekCallback), "CURLOPT_SEEKFUNCTION")
            try check(CCurl_setPointer(handle, CURLOPT_SEEKDATA, context), "CURLOPT_SEEKDATA")
            if request.method != "PUT" {
                try check(CCurl_setString(handle, CURLOPT_CUSTOMREQUEST, request.method), "CURLOPT_CUSTOMREQUEST")
            }
        }

        let code = withExtendedLifetime(transfer) { curl_easy_perform(handle) }
        if let callbackError = transfer.callbackError { throw callbackError }
        guard code == CURLE_OK else {
            throw CurlError(code: Int(code.rawValue), message: describe(code))
        }
        var status = 0
        if CCurl_getLong(handle, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK, status != 0 {
            transfer.status = status
        }
    }

    private func check(_ code: CURLcode, _ option: String) throws {
        guard code == CURLE_OK else {
            throw LakeError(.internalError, "libcurl refused option \(option)",
                            cause: CurlError(code: Int(code.rawValue), message: describe(code)))
        }
    }

    private func describe(_ code: CURLcode) -> String {
        let summary = String(cString: curl_easy_strerror(code))
        let detail = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
        return detail.isEmpty || detail == summary ? summary : "\(summary): \(detail)"
    }
}

// MARK: - Callbacks. libcurl calls them on the thread running curl_easy_perform; `userdata` is the Transfer.

private func curlHeaderCallback(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                                _ userdata: UnsafeMutableRawPointer?) -> Int {
    let length = size * count
    guard let buffer, let userdata else { return length }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
    transfer.receiveHeaderLine(line)
    return length
}

private func curlWriteCallback(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                               _ userdata: UnsafeMutableRawPointer?) -> Int {
    let length = size * count
    guard let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    // Returning anything but `length` makes libcurl stop with CURLE_WRITE_ERROR; the Transfer keeps the reason.
    return transfer.receiveBody(UnsafeRawBufferPointer(start: buffer, count: length)) ? length : 0
}

private func curlReadCallback(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                              _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let buffer, let userdata else { return CCurl_readAbort }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.readBody(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
        ?? CCurl_readAbort
}

private func curlSeekCallback(_ userdata: UnsafeMutableRawPointer?, _ offset: curl_off_t, _ origin: Int32) -> Int32 {
    // libcurl rewinds an upload only from the start (SEEK_SET), e.g. when a connection is reused and found dead.
    guard let userdata, origin == SEEK_SET else { return CCurl_seekFail }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.seekBody(to: Int64(offset)) ? CCurl_seekOK : CCurl_seekFail
}
