import Crypto
public import Foundation
import LakeCore

/// What S3 says about an object: key, size, ETag (without quotes) and modification time.
public struct S3ObjectInfo: Sendable, Hashable {
    public let key: String
    public let size: Int64
    /// The ETag without its quotes; for a multipart upload it ends in `-<part count>`.
    public let etag: String
    public let lastModified: Date?

    public init(key: String, size: Int64, etag: String, lastModified: Date?) {
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// An S3 client over one keep-alive libcurl handle: objects up and down (multipart and streamed for large ones),
/// listing, deletion, copy, buckets and bucket notifications. Requests are signed with SigV4 over the real payload
/// hash and retried with backoff (`RetryPolicy`).
///
/// Requests of one client run one at a time (a lock serialises them); use one client per thread for parallelism.
public final class S3Client: @unchecked Sendable {
    // @unchecked: the only mutable state, the libcurl handle inside `http`, is used under `lock`.
    public let configuration: AWSConfiguration
    private let credentials: AWSCredentials
    private let signer: SigV4Signer
    private let endpoint: Endpoint
    private let isCustomEndpoint: Bool
    private let http: HTTPClient
    private let lock = NSLock()

    /// - Throws: `LakeError(.badSpec)` when there are no credentials or the endpoint is not a URL.
    public init(configuration: AWSConfiguration) throws {
        self.configuration = configuration
        credentials = try configuration.requireCredentials(for: "S3")
        signer = SigV4Signer(credentials: credentials, region: configuration.region, service: "s3")
        if let custom = configuration.s3Endpoint {
            endpoint = try Endpoint(url: custom)
            isCustomEndpoint = true
        } else {
            endpoint = Endpoint(scheme: "https", host: "s3.\(configuration.region)."
                                + Endpoint.awsSuffix(region: configuration.region))
            isCustomEndpoint = false
        }
        http = try HTTPClient(
            timeouts: configuration.httpTimeouts, retryPolicy: configuration.retryPolicy)
    }

    // MARK: Objects

    /// Uploads `bytes` in one PUT.
    /// - Returns: the ETag, without quotes.
    /// - Throws: `LakeError` naming the location (see `S3Client` error mapping).
    @discardableResult
    public func putObject(_ bytes: [UInt8], at location: S3Location, contentType: String = "application/octet-stream")
        throws -> String
    {
        try requireKey(location, "PUT")
        let response = try send("PUT", location.bucket, location.key, headers: [("Content-Type", contentType)],
                                body: .bytes(bytes), operation: "PUT")
        return Self.unquote(response.header("ETag") ?? "")
    }

    /// Uploads a file: one PUT below `configuration.multipartThreshold`, else a multipart upload whose parts are
    /// streamed from the file (memory stays at one read buffer) and which is aborted if any part fails.
    /// - Returns: the ETag, without quotes.
    /// - Throws: `LakeError(.io)` when the file cannot be read; S3 errors naming the location.
    @discardableResult
    public func putObject(fileAt path: String, at location: S3Location,
                          contentType: String = "application/octet-stream") throws -> String
    {
        try requireKey(location, "PUT")
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw LakeError(.io, "cannot upload \(path): \(String(cString: strerror(errno)))")
        }
        let size = Int64(info.st_size)
        if size < configuration.multipartThreshold {
            let response = try send("PUT", location.bucket, location.key, headers: [("Content-Type", contentType)],
                                    body: .file(path: path, offset: 0, length: size), operation: "PUT")
            return Self.unquote(response.header("ETag") ?? "")
        }
        return try multipartUpload(path: path, size: size, to: location, contentType: contentType)
    }

    /// Downloads an object into a file. The bytes go to a temporary file beside `path`, renamed over it when
    /// complete, so `path` never holds a partial object; a retried download starts the temporary file over.
    /// - Throws: `LakeError(.badInput)` when the object does not exist, `.io` when the file cannot be written.
    @discardableResult
    public func getObject(_ location: S3Location, toFile path: String) throws -> S3ObjectInfo {
        try requireKey(location, "GET")
        let temporary = "\(path).download-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw LakeError(.io, "cannot create \(temporary) for the download of \(location): "
                            + String(cString: strerror(errno)))
        }
        var renamed = false
        defer {
            close(descriptor)
            if !renamed { unlink(temporary) }
        }
        let response = try send("GET", location.bucket, location.key,
                                sink: .file(descriptor: descriptor, path: temporary), operation: "GET")
        guard fsync(descriptor) == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw LakeError(.io, "cannot move the download of \(location) to \(path): \(reason)")
        }
        renamed = true
        return info(from: response, key: location.key, size: response.deliveredBytes)
    }

    /// Downloads an object, or the inclusive byte `range` of it, into memory.
    /// - Throws: `LakeError(.badInput)` when the object does not exist or the range is outside it.
    public func getObject(_ location: S3Location, range: ClosedRange<Int64>? = nil) throws -> [UInt8] {
        try requireKey(location, "GET")
        var headers: [(String, String)] = []
        if let range { headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound)")) }
        return try send("GET", location.bucket, location.key, headers: headers, operation: "GET").body
    }

    /// Streams an object through `chunk` as it arrives (memory stays flat). If the connection breaks after some
    /// bytes were handed over, the download resumes where it stopped (`Range` + `If-Match` on the ETag), so
    /// `chunk` sees every byte exactly once, in order.
    /// - Throws: `chunk`'s error as is; `LakeError(.temporary)` when the object changed during the download.
    @discardableResult
    public func getObject(_ location: S3Location, chunk: (UnsafeRawBufferPointer) throws -> Void) throws
        -> S3ObjectInfo
    {
        try requireKey(location, "GET")
        var delivered: Int64 = 0
        var first: HTTPResponse?
        var resumes = 0
        while true {
            var headers: [(String, String)] = []
            if delivered > 0, let first {
                headers.append(("Range", "bytes=\(delivered)-"))
                if let etag = first.header("ETag") { headers.append(("If-Match", etag)) }
            }
            do {
                let response = try withoutActuallyEscaping(chunk) { chunk in
                    try send("GET", location.bucket, location.key, headers: headers,
                             sink: .stream({ buffer in
                                 try chunk(buffer)
                                 delivered += Int64(buffer.count)
                             }), operation: "GET")
                }
                let head = first ?? response
                return info(from: head, key: location.key, size: delivered)
            } catch let error as LakeError where error.code == .temporary && delivered > 0
                && resumes + 1 < configuration.retryPolicy.maxAttempts && error.cause is CurlError
            {
                resumes += 1
                if first == nil {
                    // The headers of the broken attempt are gone with it; a HEAD gives the ETag to resume against.
                    guard let head = try headResponse(location) else { throw error }
                    first = head
                }
            } catch let error as LakeError where error.message.contains("HTTP 412") {
                throw LakeError(.temporary, "\(location) changed while it was being downloaded",
                                remedy: "rerun to read the new version", cause: error)
            }
        }
    }

    /// The object's size, ETag and modification time, or nil when it does not exist.
    /// - Throws: `LakeError` for any other failure (no bucket, no permission).
    public func headObject(_ location: S3Location) throws -> S3ObjectInfo? {
        try requireKey(location, "HEAD")
        guard let response = try headResponse(location) else { return nil }
        return info(from: response, key: location.key, size: Int64(response.header("Content-Length") ?? "") ?? 0)
    }

    /// Every object under `prefix` in `bucket`, following continuation tokens; `pageSize` (1...1000) sets
    /// `max-keys` per request.
    /// - Throws: `LakeError(.badSpec)` when the bucket does not exist or cannot be read.
    public func listObjects(bucket: String, prefix: String, pageSize: Int? = nil) throws -> [S3ObjectInfo] {
        try S3Location.validateBucket(bucket)
        var objects: [S3ObjectInfo] = []
        var token: String?
        repeat {
            var query: [(String, String)] = [("list-type", "2"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            if let pageSize { query.append(("max-keys", String(min(max(pageSize, 1), 1000)))) }
            let response = try send("GET", bucket, "", query: query, operation: "LIST", describedKey: prefix)
            let root = try S3XMLElement.parse(response.body, context: "LIST s3://\(bucket)/\(prefix)")
            for entry in root.children("Contents") {
                guard let key = entry.value("Key") else { continue }
                objects.append(S3ObjectInfo(key: key, size: Int64(entry.value("Size") ?? "") ?? 0,
                                            etag: Self.unquote(entry.value("ETag") ?? ""),
                                            lastModified: entry.value("LastModified").flatMap(S3Dates.parseISO8601)))
            }
            token = root.value("IsTruncated") == "true" ? root.value("NextContinuationToken") : nil
        } while token != nil
        return objects
    }

    /// Deletes an object; an absent one is fine (S3 answers 204 either way).
    public func deleteObject(_ location: S3Location) throws {
        try requireKey(location, "DELETE")
        _ = try send("DELETE", location.bucket, location.key, operation: "DELETE", allowNotFound: true)
    }

    /// Deletes keys in batches of 1,000 (DeleteObjects); absent keys are fine.
    /// - Throws: `LakeError` naming the first key S3 could not delete and how many failed.
    public func deleteObjects(bucket: String, keys: [String]) throws {
        try S3Location.validateBucket(bucket)
        var start = 0
        while start < keys.count {
            let batch = keys[start..<min(start + 1000, keys.count)]
            start += batch.count
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>"
            for key in batch { xml += "<Object><Key>\(xmlEscape(key))</Key></Object>" }
            xml += "</Delete>"
            let body = Array(xml.utf8)
            // DeleteObjects requires an integrity header; Content-MD5 is the one every S3 implementation knows.
            let md5 = Data(Insecure.MD5.hash(data: body)).base64EncodedString()
            let response = try send("POST", bucket, "", query: [("delete", "")],
                                    headers: [("Content-Type", "application/xml"), ("Content-MD5", md5)],
                                    body: .bytes(body), operation: "DELETE (batch)", describedKey: batch.first)
            let root = try S3XMLElement.parse(response.body, context: "DELETE (batch) s3://\(bucket)")
            let errors = root.children("Error")
            if let error = errors.first {
                let key = error.value("Key") ?? "?"
                let isBusy = errors.contains { RetryPolicy.throttlingCodes.contains($0.value("Code") ?? "") }
                let reason = "\(error.value("Code") ?? "?") \(credentials.redact(error.value("Message") ?? ""))"
                throw LakeError(
                    isBusy ? .temporary : .badSpec,
                    "DELETE (batch) s3://\(bucket): \(errors.count) of \(batch.count) keys not deleted, first "
                        + "s3://\(bucket)/\(key): \(reason)",
                    remedy: "check that the credentials may s3:DeleteObject in the bucket, then rerun")
            }
        }
    }

    /// Copies an object inside S3 (CopyObject; up to S3's 5 GB single-copy limit).
    public func copyObject(from source: S3Location, to destination: S3Location) throws {
        try requireKey(source, "COPY")
        try requireKey(destination, "COPY")
        let copySource = awsURIEncode("/\(source.bucket)/\(source.key)", keepSlash: true)
        let response = try send("PUT", destination.bucket, destination.key,
                                headers: [("x-amz-copy-source", copySource)], operation: "COPY \(source) to")
        // CopyObject may answer 200 and report the failure in the body (S3 API Reference, CopyObject).
        try checkEmbeddedError(response, operation: "COPY \(source) to", bucket: destination.bucket,
                               key: destination.key)
    }

    // MARK: Buckets

    /// Creates a bucket in the configured region; one that already exists and is ours is fine.
    public func createBucket(_ bucket: String) throws {
        try S3Location.validateBucket(bucket)
        var body: RequestBody = .empty
        var headers: [(String, String)] = []
        if configuration.region != "us-east-1" {
            let xml = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(xmlEscape(configuration.region))</LocationConstraint>"
                + "</CreateBucketConfiguration>"
            body = .bytes(Array(xml.utf8))
            headers.append(("Content-Type", "application/xml"))
        }
        let response = try rawSend("PUT", bucket, "", headers: headers, body: body)
        if response.isSuccess { return }
        let code = AWSErrorDetail(response: response).code
        if code == "BucketAlreadyOwnedByYou" { return }
        if code == "BucketAlreadyExists",
            try rawSend("HEAD", bucket, "").isSuccess
        {
            return  // some implementations say "exists" for our own bucket too; we can read it, so it is ours
        }
        throw error(response, operation: "CREATE BUCKET", bucket: bucket, key: nil)
    }

    /// Sends S3 event notifications for `events` (under `prefix`) to an SQS queue (PutBucketNotificationConfiguration).
    /// This replaces the bucket's whole notification configuration.
    /// - Parameter queueARN: `arn:aws:sqs:REGION:ACCOUNT:NAME` (SQSClient.queueAttributes gives `QueueArn`).
    public func putBucketNotification(bucket: String, queueARN: String, events: [String] = ["s3:ObjectCreated:*"],
                                      prefix: String? = nil) throws
    {
        try S3Location.validateBucket(bucket)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + "<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><QueueConfiguration>"
            + "<Id>batchlake</Id><Queue>\(xmlEscape(queueARN))</Queue>"
        for event in events { xml += "<Event>\(xmlEscape(event))</Event>" }
        if let prefix, !prefix.isEmpty {
            xml += "<Filter><S3Key><FilterRule><Name>prefix</Name><Value>\(xmlEscape(prefix))</Value></FilterRule>"
                + "</S3Key></Filter>"
        }
        xml += "</QueueConfiguration></NotificationConfiguration>"
        _ = try send("PUT", bucket, "", query: [("notification", "")], headers: [("Content-Type", "application/xml")],
                     body: .bytes(Array(xml.utf8)), operation: "PUT NOTIFICATION")
    }

    // MARK: Multipart upload

    private func multipartUpload(path: String, size: Int64, to location: S3Location, contentType: String) throws
        -> String
    {
        let created = try send("POST", location.bucket, location.key, query: [("uploads", "")],
                               headers: [("Content-Type", contentType)], body: .empty,
                               operation: "CREATE MULTIPART UPLOAD")
        guard let uploadID = try S3XMLElement.parse(created.body, context: "CREATE MULTIPART UPLOAD \(location)")
            .value("UploadId"), !uploadID.isEmpty
        else {
            throw LakeError(.serviceUnavailable, "CREATE MULTIPART UPLOAD \(location): no UploadId in the answer")
        }
        do {
            // S3 allows 10,000 parts: grow the part size for files beyond 10,000 × the configured size.
            let partSize = max(configuration.multipartPartSize, (size + 9_999) / 10_000)
            var parts: [(Int, String)] = []
            var offset: Int64 = 0
            var number = 1
            while offset < size {
                let length = min(partSize, size - offset)
                let response = try send(
                    "PUT", location.bucket, location.key,
                    query: [("partNumber", String(number)), ("uploadId", uploadID)],
                    headers: [("Content-Type", "application/octet-stream")],
                    body: .file(path: path, offset: offset, length: length), operation: "UPLOAD PART \(number) of")
                guard let etag = response.header("ETag") else {
                    throw LakeError(.serviceUnavailable, "UPLOAD PART \(number) of \(location): no ETag in the answer")
                }
                parts.append((number, etag))
                offset += length
                number += 1
            }
            var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            for (number, etag) in parts {
                xml += "<Part><PartNumber>\(number)</PartNumber><ETag>\(xmlEscape(etag))</ETag></Part>"
            }
            xml += "</CompleteMultipartUpload>"
            let completed = try send("POST", location.bucket, location.key, query: [("uploadId", uploadID)],
                                     headers: [("Content-Type", "application/xml")], body: .bytes(Array(xml.utf8)),
                                     operation: "COMPLETE MULTIPART UPLOAD")
            // CompleteMultipartUpload may answer 200 and carry an error in the body (S3 API Reference).
            try checkEmbeddedError(completed, operation: "COMPLETE MULTIPART UPLOAD", bucket: location.bucket,
                                   key: location.key)
            let etag = try S3XMLElement.parse(completed.body, context: "COMPLETE MULTIPART UPLOAD \(location)")
                .value("ETag")
            return Self.unquote(etag ?? "")
        } catch {
            // Parts of an unfinished upload are billed until aborted.
            _ = try? rawSend("DELETE", location.bucket, location.key, query: [("uploadId", uploadID)])
            throw error
        }
    }

    // MARK: Requests

    private func headResponse(_ location: S3Location) throws -> HTTPResponse? {
        let response = try rawSend("HEAD", location.bucket, location.key)
        if response.status == 404 { return nil }
        guard response.isSuccess else {
            throw error(response, operation: "HEAD", bucket: location.bucket, key: location.key)
        }
        return response
    }

    private func requireKey(_ location: S3Location, _ operation: String) throws {
        guard !location.key.isEmpty else {
            throw LakeError(.usage, "\(operation) \(location) needs an object key, not a bucket")
        }
    }

    /// Sends and maps a non-2xx answer to a `LakeError`.
    private func send(_ method: String, _ bucket: String, _ key: String, query: [(String, String)] = [],
                      headers: [(String, String)] = [], body: RequestBody = .empty, sink: ResponseSink = .bytes,
                      operation: String, describedKey: String? = nil, allowNotFound: Bool = false) throws
        -> HTTPResponse
    {
        let response = try rawSend(method, bucket, key, query: query, headers: headers, body: body, sink: sink,
                                   operation: operation)
        if response.isSuccess || (allowNotFound && response.status == 404
            && AWSErrorDetail(response: response).code != "NoSuchBucket")
        {
            return response
        }
        throw error(response, operation: operation, bucket: bucket, key: describedKey ?? (key.isEmpty ? nil : key))
    }

    /// The Host and the decoded path of a request: virtual-hosted (`bucket.s3.region.amazonaws.com/key`) unless path
    /// style is asked for, the endpoint is an IP address or localhost, or the bucket name cannot be a DNS label
    /// (dots break TLS wildcard certificates; capitals and `_` are not valid host names).
    func address(bucket: String, key: String) -> (authority: String, path: String) {
        let usePathStyle = configuration.forcePathStyle || endpoint.isLocalOrAddress
            || bucket.contains(".") || bucket.contains("_") || bucket.lowercased() != bucket
        var path = endpoint.basePath.removingPercentEncoding ?? endpoint.basePath
        if usePathStyle {
            path += "/\(bucket)" + (key.isEmpty ? "" : "/\(key)")
            return (endpoint.authority, path)
        }
        path += "/\(key)"
        return ("\(bucket).\(endpoint.authority)", path)
    }

    /// Signs and sends one request (with the HTTP client's retries); returns whatever S3 answered.
    private func rawSend(_ method: String, _ bucket: String, _ key: String, query: [(String, String)] = [],
                         headers extraHeaders: [(String, String)] = [], body: RequestBody = .empty,
                         sink: ResponseSink = .bytes, operation: String? = nil) throws -> HTTPResponse
    {
        let (authority, path) = address(bucket: bucket, key: key)

        let payloadHash: String
        switch body {
        case .empty: payloadHash = SigV4Signer.emptyPayloadHash
        case .bytes(let bytes): payloadHash = SigV4Signer.payloadHash(bytes)
        case .file(let file, let offset, let length):
            payloadHash = try SigV4Signer.payloadHash(ofFile: file, offset: offset, length: length)
        }
        let amzDate = SigV4Signer.amzDate(Date())
        var headers: [(String, String)] = [
            ("Host", authority), ("x-amz-date", amzDate), ("x-amz-content-sha256", payloadHash),
        ]
        if let token = credentials.sessionToken { headers.append(("x-amz-security-token", token)) }
        headers += extraHeaders
        let signature = signer.sign(
            SigV4Signer.Request(method: method, path: path, query: query, headers: headers, payloadHash: payloadHash),
            amzDate: amzDate)
        headers.append(("Authorization", signature.authorization))

        var url = "\(endpoint.scheme)://\(authority)\(awsURIEncode(path, keepSlash: true))"
        if !query.isEmpty {
            // A valueless parameter goes on the wire bare (`?uploads`), signed as `uploads=`.
            url += "?" + query.map {
                $0.1.isEmpty ? awsURIEncode($0.0, keepSlash: false)
                    : "\(awsURIEncode($0.0, keepSlash: false))=\(awsURIEncode($0.1, keepSlash: false))"
            }.joined(separator: "&")
        }
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body)
        let described = "\(operation ?? method) s3://\(bucket)/\(key)"
        lock.lock()
        defer { lock.unlock() }
        return try http.send(request, sink: sink, describe: described)
    }

    private func checkEmbeddedError(_ response: HTTPResponse, operation: String, bucket: String, key: String) throws {
        let text = String(decoding: response.body.prefix(512), as: UTF8.self)
        guard text.contains("<Error>") else { return }
        throw error(HTTPResponse(status: 500, headers: response.headers, body: response.body, deliveredBytes: 0),
                    operation: operation, bucket: bucket, key: key)
    }

    /// Maps an S3 error answer to a `LakeError` that names the operation, the location, S3's code and message, and
    /// says what to do. Secrets are redacted from S3's message.
    func error(_ response: HTTPResponse, operation: String, bucket: String, key: String?) -> LakeError {
        let detail = AWSErrorDetail(response: response)
        let code = detail.code ?? {
            switch response.status {
            case 404: return key == nil ? "NoSuchBucket" : "NotFound"
            case 403: return "AccessDenied"
            case 301: return "PermanentRedirect"
            default: return "HTTP\(response.status)"
            }
        }()
        let location = key.map { "s3://\(bucket)/\($0)" } ?? "s3://\(bucket)"
        var message = "\(operation) \(location) failed: HTTP \(response.status) \(code)"
        if let text = detail.message, !text.isEmpty { message += ": \(credentials.redact(text))" }
        if let requestID = detail.requestID { message += " (request id \(requestID))" }

        switch code {
        case "NoSuchBucket":
            return LakeError(.badSpec, message, remedy: "create bucket \(bucket) or fix the bucket name in the URL")
        case "NoSuchKey", "NotFound":
            return LakeError(.badInput, message, remedy: "check the key; `aws s3 ls \(location)` lists what is there")
        case "InvalidRange":
            return LakeError(.badInput, message,
                             remedy: "ask for a range inside the object (headObject gives its size)")
        case "NoSuchUpload":
            return LakeError(.temporary, message, remedy: "the multipart upload was aborted meanwhile; rerun")
        case "AccessDenied", "AllAccessDisabled", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken",
            "InvalidToken", "TokenRefreshRequired", "AccountProblem", "InvalidSecurity":
            return LakeError(.badSpec, message,
                             remedy: "check the credentials (\(credentials.source), key "
                                + "\(credentials.redactedAccessKeyID)) and that their IAM policy allows this "
                                + "operation on \(location)")
        case "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException",
            "TemporaryRedirect":
            let region = response.header("x-amz-bucket-region").map { " (the bucket is in \($0))" } ?? ""
            return LakeError(.badSpec, message + region,
                             remedy: "set AWS_REGION to the bucket's region; now \(configuration.region)")
        case "RequestTimeTooSkewed":
            return LakeError(.badSpec, message, remedy: "this machine's clock is off by more than 15 minutes; fix it")
        case "BucketAlreadyExists":
            return LakeError(.badSpec, message, remedy: "bucket names are global; choose another name")
        case "PreconditionFailed":
            return LakeError(.temporary, message, remedy: "the object changed meanwhile; rerun")
        default:
            if RetryPolicy.isRetryable(status: response.status, errorCode: code) {
                return LakeError(.temporary, message + " (after \(configuration.retryPolicy.maxAttempts) attempts)",
                                 remedy: "S3 is busy or failing; rerun later, it is safe")
            }
            return LakeError(response.status >= 500 ? .temporary : .internalError, message,
                             remedy: "S3 refused the request; if it persists, please report it with this message")
        }
    }

    private func info(from response: HTTPResponse, key: String, size: Int64) -> S3ObjectInfo {
        var total = size
        if let range = response.header("Content-Range"), let slash = range.lastIndex(of: "/"),
            let whole = Int64(range[range.index(after: slash)...])
        {
            total = whole
        }
        return S3ObjectInfo(key: key, size: total, etag: Self.unquote(response.header("ETag") ?? ""),
                            lastModified: response.header("Last-Modified").flatMap(S3Dates.parseHTTPDate))
    }

    static func unquote(_ etag: String) -> String {
        etag.count >= 2 && etag.hasPrefix("\"") && etag.hasSuffix("\"") ? String(etag.dropFirst().dropLast()) : etag
    }
}
