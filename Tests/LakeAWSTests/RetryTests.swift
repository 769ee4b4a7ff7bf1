import Foundation
import LakeCore
import TestSupport
import Testing

@testable import LakeAWS

/// A small HTTP server (Python's http.server) that misbehaves on purpose, per path, and counts requests per path
/// (`GET /__count__/PATH`).
final class FlakyServer: @unchecked Sendable {
    // @unchecked: immutable after init; BackgroundProcess is thread-safe.
    static let script = #"""
        import http.server, socket, sys, threading
        counts = {}
        lock = threading.Lock()
        BODY = bytes((i * 31 + 7) % 256 for i in range(1000))
        ERROR = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>{}</Code><Message>{}</Message><RequestId>r-1</RequestId></Error>'
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args): pass
            def reply(self, status, body, headers=()):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers: self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            def do_GET(self):
                path = self.path.split("?")[0]
                if path.startswith("/__count__/"):
                    with lock: n = counts.get(path[len("/__count__"):], 0)
                    return self.reply(200, str(n).encode())
                with lock:
                    n = counts[path] = counts.get(path, 0) + 1
                if path == "/bucket/flaky":
                    if n <= 2: return self.reply(503, ERROR.format("SlowDown", "Please reduce your request rate.").encode())
                    return self.reply(200, b"hello after retries", [("ETag", '"e1"')])
                if path == "/bucket/throttled":
                    if n == 1: return self.reply(400, ERROR.format("RequestTimeout", "idle").encode())
                    return self.reply(200, b"ok")
                if path == "/bucket/denied":
                    return self.reply(403, ERROR.format("AccessDenied", "Access Denied; your secret was moto-secret-never-shown").encode())
                if path == "/bucket/always503":
                    return self.reply(503, ERROR.format("ServiceUnavailable", "down").encode())
                if path.startswith("/bucket/broken"):
                    if n == 1:
                        # Promise 1000 bytes, send 400, drop the connection.
                        self.send_response(200)
                        self.send_header("Content-Length", "1000")
                        self.send_header("ETag", '"e2"')
                        self.end_headers()
                        self.wfile.write(BODY[:400]); self.wfile.flush()
                        self.connection.shutdown(socket.SHUT_RDWR)
                        self.close_connection = True
                        return
                    rng = self.headers.get("Range")
                    if rng:
                        start = int(rng.split("=")[1].split("-")[0])
                        return self.reply(206, BODY[start:], [("ETag", '"e2"'), ("Content-Range", "bytes %d-999/1000" % start)])
                    return self.reply(200, BODY, [("ETag", '"e2"')])
                return self.reply(404, ERROR.format("NoSuchKey", "no").encode())
            def do_HEAD(self):
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.send_header("ETag", '"e2"')
                self.end_headers()
        server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
        server.daemon_threads = True
        server.serve_forever()
        """#

    static let body: [UInt8] = (0..<1000).map { UInt8(($0 * 31 + 7) % 256) }

    /// One server for the suite (each test uses its own paths, so counts do not mix), stopped at exit.
    static let shared: Result<FlakyServer, any Error> = {
        let result = Result { try FlakyServer() }
        atexit {
            if case .success(let server) = FlakyServer.shared { server.process.stop() }
        }
        return result
    }()

    let port = PostgresServer.freePort()
    let process: BackgroundProcess

    init() throws {
        guard let python3 = which("python3") else { throw TestSupportError("python3 is not on PATH") }
        process = try BackgroundProcess([python3, "-c", Self.script, "\(port)"], label: "flaky")
        try process.waitForPort(port)
    }

    deinit { process.stop() }

    /// Requests the server saw for `path`, asked through Python (a path independent of our client).
    func count(_ path: String) throws -> Int {
        Int(try python("import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1]).read().decode())",
                       arguments: ["http://127.0.0.1:\(port)/__count__\(path)"])
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    func client(attempts: Int = 4) throws -> S3Client {
        var configuration = AWSConfiguration(
            credentials: AWSCredentials(accessKeyID: "AKIAFLAKY00000000000", secretAccessKey: "moto-secret-never-shown"),
            s3Endpoint: "http://127.0.0.1:\(port)", connectTimeout: .seconds(2), stallTimeout: .seconds(5))
        configuration.retryPolicy = RetryPolicy(maxAttempts: attempts, baseDelay: .milliseconds(10),
                                                maxDelay: .milliseconds(50))
        return try S3Client(configuration: configuration)
    }
}

@Suite("retries and transport errors", .serialized)
struct RetryTests {
    @Test("503 SlowDown twice, then 200: three requests, the body of the third")
    func backoffPath() throws {
        let server = try FlakyServer.shared.get()
        let bytes = try server.client().getObject(try S3Location(url: "s3://bucket/flaky"))
        #expect(String(decoding: bytes, as: UTF8.self) == "hello after retries")
        #expect(try server.count("/bucket/flaky") == 3)
    }

    @Test("a 400 with a throttling code (RequestTimeout) is retried")
    func throttlingCode() throws {
        let server = try FlakyServer.shared.get()
        #expect(try server.client().getObject(try S3Location(url: "s3://bucket/throttled")) == Array("ok".utf8))
        #expect(try server.count("/bucket/throttled") == 2)
    }

    @Test("403 AccessDenied is not retried; the error names the object, hints at credentials, hides the secret")
    func noRetryOn403() throws {
        let server = try FlakyServer.shared.get()
        let error = #expect(throws: LakeError.self) {
            try server.client().getObject(try S3Location(url: "s3://bucket/denied"))
        }
        #expect(try server.count("/bucket/denied") == 1)
        #expect(error?.code == .badSpec)
        #expect(error?.message.contains("s3://bucket/denied") == true)
        #expect(error?.message.contains("AccessDenied") == true)
        #expect(error?.remedy?.contains("credentials") == true)
        let text = "\(error.map { "\($0)" } ?? "") \(error?.remedy ?? "")"
        #expect(!text.contains("moto-secret-never-shown"), "\(text)")
    }

    @Test("503 on every attempt: bounded attempts, then a temporary error (exit 75)")
    func exhausted() throws {
        let server = try FlakyServer.shared.get()
        let error = #expect(throws: LakeError.self) {
            try server.client(attempts: 3).getObject(try S3Location(url: "s3://bucket/always503"))
        }
        #expect(try server.count("/bucket/always503") == 3)
        #expect(error?.code == .temporary && error?.code.exitStatus == 75)
    }

    @Test("a download into a file that breaks half way is restarted cleanly: the file holds exactly the object")
    func brokenDownloadToFile() throws {
        let server = try FlakyServer.shared.get()
        let directory = TemporaryDirectory("broken")
        let info = try server.client().getObject(try S3Location(url: "s3://bucket/broken-file"), toFile: directory.file("o"))
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: directory.file("o")))) == FlakyServer.body)
        #expect(info.size == 1000 && info.etag == "e2")
        #expect(try server.count("/bucket/broken-file") == 2)
    }

    @Test("a streamed download that breaks resumes from the last byte: the sink sees every byte once")
    func brokenStreamResumes() throws {
        let server = try FlakyServer.shared.get()
        var received: [UInt8] = []
        let info = try server.client().getObject(try S3Location(url: "s3://bucket/broken-stream")) { received += $0 }
        #expect(received == FlakyServer.body)
        #expect(info.size == 1000)
        #expect(try server.count("/bucket/broken-stream") == 2)
    }

    @Test("nobody listening: retried, then serviceUnavailable (exit 69) naming the request")
    func refused() throws {
        var configuration = AWSConfiguration(
            credentials: AWSCredentials(accessKeyID: "AKIAFLAKY00000000000", secretAccessKey: "moto-secret-never-shown"),
            s3Endpoint: "http://127.0.0.1:\(PostgresServer.freePort())")
        configuration.retryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .milliseconds(20))
        let error = #expect(throws: LakeError.self) {
            try S3Client(configuration: configuration).headObject(try S3Location(url: "s3://bucket/k"))
        }
        #expect(error?.code == .serviceUnavailable && error?.code.exitStatus == 69)
        #expect(error?.message.contains("after 3 attempts") == true)
        #expect(error?.cause is CurlError)
    }

    @Test("full jitter: every delay lies in 0...min(cap, base * 2^(n-1))")
    func jitter() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        var generator = SystemRandomNumberGenerator()
        for attempt in 1...9 {
            let cap = min(Duration.seconds(1), .milliseconds(100 * (1 << (attempt - 1))))
            for _ in 0..<50 {
                let delay = policy.delay(afterAttempt: attempt, using: &generator)
                #expect(delay >= .zero && delay <= cap)
            }
        }
    }
}
