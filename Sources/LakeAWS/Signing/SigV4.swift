import Crypto
import Foundation
import LakeCore

/// AWS Signature Version 4 with HMAC-SHA256 (the IAM User Guide, "Create a signed AWS API request").
///
/// The caller gives the path and query *decoded*; the signer encodes them with `awsURIEncode` both for the
/// canonical request and for the URL it returns, so what is signed is what is sent. Paths are encoded once, keeping
/// `/`, which is what S3 requires and what AWS's test suite expects; our SQS requests always post to `/`, where
/// the "encode twice" rule of other services makes no difference. Paths are not normalised (`.`/`..` segments are
/// refused earlier by `S3Location`).
struct SigV4Signer: Sendable {
    var credentials: AWSCredentials
    var region: String
    var service: String

    /// A request before signing.
    struct Request {
        var method: String
        /// Decoded path starting with `/`.
        var path: String
        /// Decoded query parameters, in any order.
        var query: [(String, String)]
        /// Headers to sign; `host` must be among them.
        var headers: [(String, String)]
        /// Lowercase hex SHA-256 of the body (or `UNSIGNED-PAYLOAD`).
        var payloadHash: String
    }

    /// The intermediate texts and the final header values, for tests and debugging.
    struct Signature {
        var canonicalRequest: String
        var stringToSign: String
        var signedHeaders: String
        var signature: String
        var authorization: String
    }

    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// Headers that proxies or libcurl may change, so they are sent but not signed.
    private static let unsignedHeaders: Set<String> = [
        "authorization", "user-agent", "expect", "connection", "transfer-encoding", "content-length", "x-amzn-trace-id",
    ]

    /// `20150830T123600Z`.
    static func amzDate(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// Signs `request` at `amzDate` (which must equal the `x-amz-date` header when one is present).
    func sign(_ request: Request, amzDate: String) -> Signature {
        let date = String(amzDate.prefix(8))
        let scope = "\(date)/\(region)/\(service)/aws4_request"

        // Canonical headers: lowercase names, sorted; values trimmed with inner runs of spaces collapsed; repeated
        // names joined by "," in the order given.
        var grouped: [String: [String]] = [:]
        var order: [String] = []
        for (name, value) in request.headers {
            let lower = name.lowercased()
            if Self.unsignedHeaders.contains(lower) { continue }
            if grouped[lower] == nil { order.append(lower) }
            grouped[lower, default: []].append(Self.normalizeHeaderValue(value))
        }
        let names = order.sorted()
        let canonicalHeaders = names.map { "\($0):\(grouped[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")

        let canonicalRequest = [
            request.method,
            awsURIEncode(request.path, keepSlash: true),
            Self.canonicalQuery(request.query),
            canonicalHeaders,
            signedHeaders,
            request.payloadHash,
        ].joined(separator: "\n")

        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")

        let key = signingKey(date: date)
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return Signature(canonicalRequest: canonicalRequest, stringToSign: stringToSign, signedHeaders: signedHeaders,
                         signature: signature, authorization: authorization)
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
    private func signingKey(date: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    /// Query parameters encoded strictly, sorted by encoded name then encoded value.
    static func canonicalQuery(_ query: [(String, String)]) -> String {
        query.map { (awsURIEncode($0.0, keepSlash: false), awsURIEncode($0.1, keepSlash: false)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    private static func normalizeHeaderValue(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            .joined(separator: " ")
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lowercase hex SHA-256 of bytes.
    static func payloadHash(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    /// Lowercase hex SHA-256 of a file range, read in 1 MiB chunks so memory stays flat.
    static func payloadHash(ofFile path: String, offset: Int64, length: Int64) throws -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw LakeError(.io, "cannot open \(path) to hash it: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var done: Int64 = 0
        while done < length {
            let want = Int(min(Int64(buffer.count), length - done))
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, want, off_t(offset + done)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let reason = count == 0 ? "it ended early" : String(cString: strerror(errno))
                throw LakeError(.io, "cannot read \(path) to hash it: \(reason)")
            }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            done += Int64(count)
        }
        return hex(hasher.finalize())
    }
}

/// Percent-encodes every byte except the unreserved `A-Z a-z 0-9 - . _ ~` (and `/` when `keepSlash`), with
/// uppercase hex digits: the `UriEncode` of the SigV4 documentation.
func awsURIEncode(_ text: String, keepSlash: Bool) -> String {
    let hexDigits = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            out.append(byte)
        case UInt8(ascii: "/") where keepSlash:
            out.append(byte)
        default:
            out.append(UInt8(ascii: "%"))
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0f)])
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// Decodes `%XX` sequences (invalid ones stay as they are); with `plusIsSpace`, `+` becomes a space first, as in
/// form encoding.
func percentDecode(_ text: String, plusIsSpace: Bool = false) -> String {
    var bytes: [UInt8] = []
    let source = Array(text.utf8)
    var index = 0
    func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
    while index < source.count {
        let byte = source[index]
        if byte == UInt8(ascii: "%"), index + 2 < source.count,
            let high = hexValue(source[index + 1]), let low = hexValue(source[index + 2])
        {
            bytes.append(high << 4 | low)
            index += 3
        } else if plusIsSpace && byte == UInt8(ascii: "+") {
            bytes.append(UInt8(ascii: " "))
            index += 1
        } else {
            bytes.append(byte)
            index += 1
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}
