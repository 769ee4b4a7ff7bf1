import Foundation
import LakeCore
import Testing

@testable import LakeAWS

/// One vector of AWS's SigV4 test suite (Fixtures/aws4_testsuite, copied from botocore's
/// tests/unit/auth/aws4_testsuite; Apache 2.0, see the NOTICE there): the request, and the canonical request,
/// string to sign and Authorization header AWS publishes for it.
struct SigV4Vector: CustomTestStringConvertible {
    let name: String
    var testDescription: String { name }

    static let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/aws4_testsuite")
    static let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE",
                                            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

    static var all: [SigV4Vector] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".req") }.map { SigV4Vector(name: String($0.dropLast(4))) }
            .sorted { $0.name < $1.name }
    }

    func file(_ suffix: String) throws -> String {
        try String(contentsOf: Self.folder.appendingPathComponent("\(name).\(suffix)"), encoding: .utf8)
    }

    /// Parses the `.req` file: request line, headers, blank line, body.
    func request() throws -> (SigV4Signer.Request, amzDate: String) {
        let text = try file("req")
        let (head, body): (Substring, Substring)
        if let split = text.range(of: "\n\n") {
            (head, body) = (text[..<split.lowerBound], text[split.upperBound...])
        } else {
            (head, body) = (text[...], "")
        }
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false)
        let requestLine = lines.removeFirst()
        let method = String(requestLine.prefix { $0 != " " })
        let target = requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count)
        let pathPart = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [(String, String)] = []
        if pathPart.count == 2 {
            for pair in pathPart[1].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query.append((percentDecode(String(parts[0])), parts.count > 1 ? percentDecode(String(parts[1])) : ""))
            }
        }
        var headers: [(String, String)] = []
        for line in lines {
            let colon = line.firstIndex(of: ":")!
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        let amzDate = headers.first { $0.0.lowercased() == "x-amz-date" }!.1
        if name == "get-vanilla-with-session-token" {
            // The clients add the token header before signing, as this vector's canonical request shows.
            headers.append(("X-Amz-Security-Token", "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"))
        }
        let request = SigV4Signer.Request(method: method, path: percentDecode(String(pathPart[0])), query: query,
                                          headers: headers, payloadHash: SigV4Signer.payloadHash(Array(body.utf8)))
        return (request, amzDate)
    }
}

@Suite("SigV4 signing")
struct SigV4Tests {
    @Test("the vector folder holds the copied test suite")
    func vectorsArePresent() {
        #expect(SigV4Vector.all.count >= 20)
    }

    @Test("AWS's SigV4 test suite: canonical request, string to sign and Authorization", arguments: SigV4Vector.all)
    func awsTestSuite(_ vector: SigV4Vector) throws {
        let (request, amzDate) = try vector.request()
        let signer = SigV4Signer(credentials: SigV4Vector.credentials, region: "us-east-1", service: "service")
        let signature = signer.sign(request, amzDate: amzDate)
        #expect(signature.canonicalRequest == (try vector.file("creq")))
        #expect(signature.stringToSign == (try vector.file("sts")))
        #expect(signature.authorization == (try vector.file("authz")))
    }

    static let s3Example = AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                          secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")

    func s3Sign(_ method: String, _ path: String, query: [(String, String)] = [], headers: [(String, String)] = [],
                payloadHash: String = SigV4Signer.emptyPayloadHash) -> SigV4Signer.Signature {
        let signer = SigV4Signer(credentials: Self.s3Example, region: "us-east-1", service: "s3")
        let all = [("Host", "examplebucket.s3.amazonaws.com"), ("x-amz-date", "20130524T000000Z"),
                   ("x-amz-content-sha256", payloadHash)] + headers
        return signer.sign(.init(method: method, path: path, query: query, headers: all, payloadHash: payloadHash),
                           amzDate: "20130524T000000Z")
    }

    @Test("S3 docs, header-based auth, GET Object with a Range header")
    func s3GetObjectExample() {
        let signature = s3Sign("GET", "/test.txt", headers: [("Range", "bytes=0-9")])
        #expect(signature.signedHeaders == "host;range;x-amz-content-sha256;x-amz-date")
        #expect(signature.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(signature.authorization == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                + "aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test("S3 docs: PUT Object with '$' in the key, a Date header and a storage class")
    func s3PutObjectExample() {
        let body = Array("Welcome to Amazon S3.".utf8)
        let hash = SigV4Signer.payloadHash(body)
        #expect(hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let signature = s3Sign("PUT", "/test$file.text", headers: [
            ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ], payloadHash: hash)
        #expect(signature.canonicalRequest.split(separator: "\n")[1] == "/test%24file.text")
        #expect(signature.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test("S3 docs: GET Bucket Lifecycle (a valueless query parameter) and List Objects (sorted query)")
    func s3QueryExamples() {
        #expect(s3Sign("GET", "/", query: [("lifecycle", "")]).signature
                == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
        #expect(s3Sign("GET", "/", query: [("prefix", "J"), ("max-keys", "2")]).signature
                == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test("URI encoding keeps unreserved characters, encodes the rest once in uppercase hex")
    func encoding() {
        #expect(awsURIEncode("a b/c+d=é~", keepSlash: true) == "a%20b/c%2Bd%3D%C3%A9~")
        #expect(awsURIEncode("a/b", keepSlash: false) == "a%2Fb")
        #expect(awsURIEncode("%41", keepSlash: false) == "%2541")  // never decodes: no double meaning
        #expect(percentDecode("a%20b+c%3D%zz", plusIsSpace: true) == "a b c=%zz")
    }

    @Test("the payload hash of a file range is the hash of those bytes, read in chunks")
    func fileHash() throws {
        let path = NSTemporaryDirectory() + "sigv4-hash-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try SigV4Signer.payloadHash(ofFile: path, offset: 0, length: Int64(bytes.count))
                == SigV4Signer.payloadHash(bytes))
        #expect(try SigV4Signer.payloadHash(ofFile: path, offset: 1000, length: 1_500_000)
                == SigV4Signer.payloadHash(Array(bytes[1000..<1_501_000])))
    }

    @Test("x-amz-date is the UTC basic ISO 8601 form")
    func amzDate() {
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 1_369_353_600)) == "20130524T000000Z")
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 951_782_400 + 3_723)) == "20000229T010203Z")
    }
}
