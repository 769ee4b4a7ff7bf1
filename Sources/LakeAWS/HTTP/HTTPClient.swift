import Foundation
import LakeCore

/// The code and message of an AWS error answer: S3's XML `<Error><Code>…</Code><Message>…</Message>` or the JSON
/// protocol's `{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "…"}`.
struct AWSErrorDetail: Sendable {
    var code: String?
    var message: String?
    var requestID: String?

    init(code: String? = nil, message: String? = nil, requestID: String? = nil) {
        self.code = code
        self.message = message
        self.requestID = requestID
    }

    init(response: HTTPResponse) {
        let text = String(decoding: response.body, as: UTF8.self)
        requestID = response.header("x-amz-request-id") ?? response.header("x-amzn-RequestId")
        if text.contains("<Code>") || text.contains("<Error>") {
            code = Self.element("Code", in: text)
            message = Self.element("Message", in: text)
            requestID = requestID ?? Self.element("RequestId", in: text)
        } else if let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            if let type = (object["__type"] ?? object["code"] ?? object["Code"]) as? String {
                // "com.amazonaws.sqs#QueueDoesNotExist" → "QueueDoesNotExist"
                code = type.split(separator: "#").last.map(String.init) ?? type
            }
            message = (object["message"] ?? object["Message"]) as? String
        }
        // The query-compatible header names the SQS error as the older query protocol did.
        if let queryError = response.header("x-amzn-query-error"),
            let legacy = queryError.split(separator: ";").first, code == nil
        {
            code = String(legacy)
        }
    }

    /// The text of the first `<name>…</name>`, XML entities decoded. S3 error documents are flat, so a scan is
    /// enough.
    static func element(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)>"),
            let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return xmlUnescape(String(text[open.upperBound..<close.lowerBound]))
    }
}

/// Decodes the five predefined XML entities and numeric character references.
func xmlUnescape(_ text: String) -> String {
    guard text.contains("&") else { return text }
    var result = ""
    var rest = Substring(text)
    while let amp = rest.firstIndex(of: "&") {
        result += rest[..<amp]
        guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 10 else {
            result += "&"
            rest = rest[rest.index(after: amp)...]
            continue
        }
        let entity = rest[rest.index(after: amp)..<semi]
        var replacement: String?
        switch entity {
        case "amp": replacement = "&"
        case "lt": replacement = "<"
        case "gt": replacement = ">"
        case "quot": replacement = "\""
        case "apos": replacement = "'"
        default:
            if entity.hasPrefix("#x") || entity.hasPrefix("#X"), let value = UInt32(entity.dropFirst(2), radix: 16) {
                replacement = Unicode.Scalar(value).map { String(Character($0)) }
            } else if entity.hasPrefix("#"), let value = UInt32(entity.dropFirst()) {
                replacement = Unicode.Scalar(value).map { String(Character($0)) }
            }
        }
        if let replacement {
            result += replacement
            rest = rest[rest.index(after: semi)...]
        } else {
            result += "&"
            rest = rest[rest.index(after: amp)...]
        }
    }
    result += rest
    return result
}

/// Escapes text for an XML element body.
func xmlEscape(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
        switch character {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&apos;"
        case "\r": result += "&#13;"
        default: result.unicodeScalars.append(character)
        }
    }
    return result
}

/// An HTTP client over one reused libcurl easy handle, with retries. One request runs at a time: the owning
/// service client holds its lock around `send`.
final class HTTPClient {
    private let easy: CurlEasy
    let timeouts: HTTPTimeouts
    let retryPolicy: RetryPolicy

    init(timeouts: HTTPTimeouts, retryPolicy: RetryPolicy) throws {
        easy = try CurlEasy()
        self.timeouts = timeouts
        self.retryPolicy = retryPolicy
    }

    /// Sends `request`, retrying retryable failures with backoff, and returns the last response (which may be an
    /// error answer: the caller maps it, since only it knows the bucket, key or queue).
    ///
    /// - Parameter describe: names the operation in errors ("GET s3://bucket/key").
    /// - Throws: `LakeError(.serviceUnavailable)` when the service cannot be reached after every attempt,
    ///   `LakeError(.temporary)` when transfers kept breaking, or a sink's own error.
    func send(_ request: HTTPRequest, sink: ResponseSink = .bytes, describe: @autoclosure () -> String)
        throws -> HTTPResponse
    {
        var descriptor: Int32 = -1
        if case .file(let path, _, _) = request.body {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw LakeError(.io, "cannot open \(path) to upload it: \(String(cString: strerror(errno)))")
            }
        }
        defer { if descriptor >= 0 { close(descriptor) } }
        var timeouts = self.timeouts
        if let seconds = request.lowSpeedSeconds { timeouts.lowSpeedSeconds = max(timeouts.lowSpeedSeconds, seconds) }

        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            if case .file(let fd, let path) = sink {
                // A retried download starts over: no bytes of a broken attempt survive.
                guard ftruncate(fd, 0) == 0 else {
                    throw LakeError(.io, "cannot truncate \(path): \(String(cString: strerror(errno)))")
                }
            }
            let transfer = Transfer(body: request.body, bodyDescriptor: descriptor, sink: sink)
            let isLastAttempt = attempt >= retryPolicy.maxAttempts
            do {
                try easy.perform(request, timeouts: timeouts, transfer: transfer)
            } catch let error as CurlError {
                let canRetry: Bool
                if case .stream = sink { canRetry = transfer.delivered == 0 } else { canRetry = true }
                guard error.isRetryable, canRetry, !isLastAttempt else {
                    throw Self.transportError(error, attempts: attempt, describe: describe(),
                                              delivered: transfer.delivered)
                }
                Thread.sleep(forTimeInterval: Self.seconds(retryPolicy.delay(afterAttempt: attempt, using: &generator)))
                attempt += 1
                continue
            }
            let response = HTTPResponse(status: transfer.status, headers: transfer.headers,
                                        body: transfer.responseBody, deliveredBytes: transfer.delivered)
            if !response.isSuccess, !isLastAttempt,
                RetryPolicy.isRetryable(status: response.status, errorCode: AWSErrorDetail(response: response).code)
            {
                Thread.sleep(forTimeInterval: Self.seconds(retryPolicy.delay(afterAttempt: attempt, using: &generator)))
                attempt += 1
                continue
            }
            return response
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    private static func transportError(_ error: CurlError, attempts: Int, describe: String, delivered: Int64)
        -> LakeError
    {
        let tries = attempts == 1 ? "" : " after \(attempts) attempts"
        if error.isUnreachable {
            return LakeError(.serviceUnavailable, "\(describe): cannot reach the service\(tries)",
                             remedy: "check the endpoint (AWS_ENDPOINT_URL…, endpoint_url) and the network; "
                                + "rerun when the service answers", cause: error)
        }
        if error.isRetryable {
            let partial = delivered > 0 ? " after \(delivered) bytes of the body were consumed" : ""
            return LakeError(.temporary, "\(describe): the transfer broke\(partial)\(tries)",
                             remedy: "rerun; the request is safe to repeat", cause: error)
        }
        return LakeError(.serviceUnavailable, "\(describe): HTTP transfer failed", cause: error)
    }
}
