import Foundation
import LakeCore

/// A message received from SQS.
public struct SQSMessage: Sendable, Hashable {
    public let messageID: String
    /// Needed to delete the message or change its visibility; valid for this receive only.
    public let receiptHandle: String
    public let body: String
    /// How often the message was received, this time included (`ApproximateReceiveCount`).
    public let receiveCount: Int

    public init(messageID: String, receiptHandle: String, body: String, receiveCount: Int) {
        self.messageID = messageID
        self.receiptHandle = receiptHandle
        self.body = body
        self.receiveCount = receiveCount
    }
}

/// An SQS client speaking the JSON protocol (`Content-Type: application/x-amz-json-1.0`,
/// `X-Amz-Target: AmazonSQS.<Action>`), the one current AWS SDKs use, over one keep-alive libcurl handle.
///
/// Requests of one client run one at a time, and a long poll holds the client for up to `waitSeconds`: a worker
/// that extends a message's visibility while it works should do so through a second client.
public final class SQSClient: @unchecked Sendable {
    // @unchecked: the only mutable state, the libcurl handle inside `http`, is used under `lock`.
    public let configuration: AWSConfiguration
    private let credentials: AWSCredentials
    private let endpoint: Endpoint
    private let isCustomEndpoint: Bool
    private let http: HTTPClient
    private let lock = NSLock()

    /// - Throws: `LakeError(.badSpec)` when there are no credentials or the endpoint is not a URL.
    public init(configuration: AWSConfiguration) throws {
        self.configuration = configuration
        credentials = try configuration.requireCredentials(for: "SQS")
        if let custom = configuration.sqsEndpoint {
            endpoint = try Endpoint(url: custom)
            isCustomEndpoint = true
        } else {
            endpoint = Self.awsEndpoint(region: configuration.region)
            isCustomEndpoint = false
        }
        http = try HTTPClient(timeouts: configuration.httpTimeouts, retryPolicy: configuration.retryPolicy)
    }

    private static func awsEndpoint(region: String) -> Endpoint {
        Endpoint(scheme: "https", host: "sqs.\(region).\(Endpoint.awsSuffix(region: region))")
    }

    /// The queue URL for `sqs://REGION/ACCOUNT/NAME` (on a custom endpoint: endpoint + `/ACCOUNT/NAME`), or a queue
    /// URL as SQS returns it (`https://sqs.eu-west-1.amazonaws.com/123456789012/incoming`), checked and returned.
    /// - Throws: `LakeError(.usage)` naming the reference when it is neither.
    public func queueURL(reference: String) throws -> String {
        try Self.queueURL(reference: reference, customEndpoint: isCustomEndpoint ? endpoint : nil)
    }

    static func queueURL(reference: String, customEndpoint: Endpoint?) throws -> String {
        let usage = "write sqs://REGION/ACCOUNT/QUEUE (e.g. sqs://eu-west-1/123456789012/incoming) or the queue URL"
        if reference.hasPrefix("sqs://") {
            let parts = reference.dropFirst(6).split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 3, isRegion(parts[0]), !parts[1].isEmpty, parts[1].allSatisfy(\.isNumber),
                isQueueName(parts[2])
            else {
                throw LakeError(.usage, "'\(reference)' is not a queue reference", remedy: usage)
            }
            let base = customEndpoint.map { $0.origin + $0.basePath } ?? awsEndpoint(region: String(parts[0])).origin
            return "\(base)/\(parts[1])/\(parts[2])"
        }
        if reference.hasPrefix("https://") || reference.hasPrefix("http://"),
            let components = URLComponents(string: reference), components.host?.isEmpty == false,
            let name = components.path.split(separator: "/").last, isQueueName(name)
        {
            return reference
        }
        throw LakeError(.usage, "'\(reference)' is not a queue reference", remedy: usage)
    }

    private static func isRegion(_ text: Substring) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isLetter && $0.isLowercase || $0.isNumber || $0 == "-" }
    }

    private static func isQueueName(_ text: Substring) -> Bool {
        let base = text.hasSuffix(".fifo") ? text.dropLast(5) : text
        return (1...80).contains(base.count)
            && base.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// Creates a queue (or returns the URL of an existing one with the same attributes).
    /// - Returns: the queue URL.
    public func createQueue(name: String, attributes: [String: String] = [:]) throws -> String {
        var body: [String: Any] = ["QueueName": name]
        if !attributes.isEmpty { body["Attributes"] = attributes }
        let answer = try call("CreateQueue", body, queue: nil, describe: "create queue \(name)")
        guard let url = answer["QueueUrl"] as? String else {
            throw LakeError(.serviceUnavailable, "create queue \(name): no QueueUrl in the answer")
        }
        return url
    }

    /// Deletes a queue (test clean-up; SQS takes up to 60 s to forget the name).
    public func deleteQueue(_ queueURL: String) throws {
        _ = try call("DeleteQueue", ["QueueUrl": queueURL], queue: queueURL, describe: "delete queue")
    }

    /// The queue's attributes (`QueueArn`, `ApproximateNumberOfMessages`, `VisibilityTimeout`...).
    public func queueAttributes(_ queueURL: String, names: [String] = ["All"]) throws -> [String: String] {
        let answer = try call("GetQueueAttributes", ["QueueUrl": queueURL, "AttributeNames": names], queue: queueURL,
                              describe: "get attributes of")
        return answer["Attributes"] as? [String: String] ?? [:]
    }

    /// Receives up to `max` (1...10) messages, waiting up to `waitSeconds` (0...20) for the first (long poll).
    /// - Parameter visibilityTimeout: seconds the messages stay hidden from other receivers; nil = the queue's.
    public func receiveMessages(_ queueURL: String, max: Int = 1, waitSeconds: Int = 20,
                                visibilityTimeout: Int? = nil) throws -> [SQSMessage]
    {
        let wait = Swift.min(Swift.max(waitSeconds, 0), 20)
        var body: [String: Any] = [
            "QueueUrl": queueURL, "MaxNumberOfMessages": Swift.min(Swift.max(max, 1), 10), "WaitTimeSeconds": wait,
            // Older servers know AttributeNames, newer ones MessageSystemAttributeNames: ask both.
            "AttributeNames": ["ApproximateReceiveCount"], "MessageSystemAttributeNames": ["ApproximateReceiveCount"],
        ]
        if let visibilityTimeout { body["VisibilityTimeout"] = visibilityTimeout }
        let answer = try call("ReceiveMessage", body, queue: queueURL, describe: "receive from",
                              waitSeconds: wait)
        let messages = answer["Messages"] as? [[String: Any]] ?? []
        return messages.compactMap { message in
            guard let id = message["MessageId"] as? String, let handle = message["ReceiptHandle"] as? String else {
                return nil
            }
            let attributes = message["Attributes"] as? [String: String] ?? [:]
            return SQSMessage(messageID: id, receiptHandle: handle, body: message["Body"] as? String ?? "",
                              receiveCount: Int(attributes["ApproximateReceiveCount"] ?? "") ?? 1)
        }
    }

    /// Deletes a received message: the work it asked for is done.
    public func deleteMessage(_ queueURL: String, receiptHandle: String) throws {
        _ = try call("DeleteMessage", ["QueueUrl": queueURL, "ReceiptHandle": receiptHandle], queue: queueURL,
                     describe: "delete a message from")
    }

    /// Hides a received message for `seconds` more from now (0 makes it visible again at once).
    /// - Throws: `LakeError(.temporary)` when the receipt handle is no longer valid (the message became visible and
    ///   may be another worker's now).
    public func changeVisibility(_ queueURL: String, receiptHandle: String, seconds: Int) throws {
        _ = try call("ChangeMessageVisibility",
                     ["QueueUrl": queueURL, "ReceiptHandle": receiptHandle, "VisibilityTimeout": seconds],
                     queue: queueURL, describe: "change visibility of a message in")
    }

    /// Sends a message.
    /// - Returns: its message ID.
    @discardableResult
    public func sendMessage(_ queueURL: String, body: String) throws -> String {
        let answer = try call("SendMessage", ["QueueUrl": queueURL, "MessageBody": body], queue: queueURL,
                              describe: "send to")
        return answer["MessageId"] as? String ?? ""
    }

    // MARK: Requests

    /// Posts one JSON-protocol action and returns the decoded answer object.
    private func call(_ action: String, _ body: [String: Any], queue queueURL: String?, describe: String,
                      waitSeconds: Int = 0) throws -> [String: Any]
    {
        let what = queueURL.map { "\(describe) \($0)" } ?? describe
        // Post to the queue's own regional AWS endpoint (its URL names the region), else to the configured one.
        var target = endpoint
        var region = configuration.region
        if let queueURL, let components = URLComponents(string: queueURL), let host = components.host,
            host.hasSuffix(".amazonaws.com") || host.hasSuffix(".amazonaws.com.cn")
        {
            let labels = host.split(separator: ".")
            if labels.count >= 4, labels[0] == "sqs" { region = String(labels[1]) }
            else if labels.count >= 4, labels[1] == "queue" { region = String(labels[0]) }
            target = Endpoint(scheme: components.scheme ?? "https", host: host, port: components.port)
        }
        let payload: [UInt8]
        do {
            payload = Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
        } catch {
            throw LakeError(.internalError, "\(what): cannot encode the request")
        }
        let payloadHash = SigV4Signer.payloadHash(payload)
        let amzDate = SigV4Signer.amzDate(Date())
        var headers: [(String, String)] = [
            ("Host", target.authority), ("x-amz-date", amzDate), ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Target", "AmazonSQS.\(action)"),
        ]
        if let token = credentials.sessionToken { headers.append(("x-amz-security-token", token)) }
        let path = target.basePath.isEmpty ? "/" : (target.basePath.removingPercentEncoding ?? target.basePath) + "/"
        let signer = SigV4Signer(credentials: credentials, region: region, service: "sqs")
        let signature = signer.sign(
            SigV4Signer.Request(method: "POST", path: path, query: [], headers: headers, payloadHash: payloadHash),
            amzDate: amzDate)
        headers.append(("Authorization", signature.authorization))
        let request = HTTPRequest(method: "POST", url: target.origin + awsURIEncode(path, keepSlash: true),
                                  headers: headers, body: .bytes(payload),
                                  lowSpeedSeconds: waitSeconds > 0 ? waitSeconds + httpStall : nil)
        let response: HTTPResponse
        do {
            lock.lock()
            defer { lock.unlock() }
            response = try http.send(request, describe: "SQS \(action) (\(what))")
        }
        guard response.isSuccess else { throw error(response, action: action, what: what) }
        if response.body.isEmpty { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw LakeError(.serviceUnavailable, "SQS \(action) (\(what)): the answer is not JSON: "
                            + String(decoding: response.body.prefix(200), as: UTF8.self),
                            remedy: "check that the endpoint is an SQS service speaking the JSON protocol")
        }
        return object
    }

    private var httpStall: Int { configuration.httpTimeouts.lowSpeedSeconds }

    /// Maps an SQS error answer to a `LakeError` naming the action and queue, with a remedy.
    private func error(_ response: HTTPResponse, action: String, what: String) -> LakeError {
        let detail = AWSErrorDetail(response: response)
        let code = detail.code ?? "HTTP\(response.status)"
        var message = "SQS \(action) (\(what)) failed: HTTP \(response.status) \(code)"
        if let text = detail.message, !text.isEmpty { message += ": \(credentials.redact(text))" }
        if let requestID = detail.requestID { message += " (request id \(requestID))" }
        switch code {
        case "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", "NonExistentQueue":
            return LakeError(.badSpec, message, remedy: "create the queue or fix the queue reference")
        case "ReceiptHandleIsInvalid", "InvalidReceiptHandle", "MessageNotInflight":
            return LakeError(.temporary, message,
                             remedy: "the message became visible again and may belong to another receiver now")
        case "AccessDenied", "AccessDeniedException", "InvalidClientTokenId", "SignatureDoesNotMatch",
            "UnrecognizedClientException", "ExpiredToken", "IncompleteSignature", "MissingAuthenticationToken",
            "InvalidSecurity":
            return LakeError(.badSpec, message,
                             remedy: "check the credentials (\(credentials.source), key "
                                + "\(credentials.redactedAccessKeyID)) and that their IAM policy allows "
                                + "sqs:\(action) on the queue")
        default:
            if RetryPolicy.isRetryable(status: response.status, errorCode: code) || response.status >= 500 {
                return LakeError(.temporary, message + " (after \(configuration.retryPolicy.maxAttempts) attempts)",
                                 remedy: "SQS is busy or failing; rerun later, it is safe")
            }
            return LakeError(.badSpec, message, remedy: "check the queue settings and the request's values")
        }
    }
}
