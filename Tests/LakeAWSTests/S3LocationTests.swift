import LakeCore
import Testing

@testable import LakeAWS

@Suite("S3 locations and key safety")
struct S3LocationTests {
    @Test("s3:// URLs split into bucket and key; a trailing '/' names the same prefix")
    func parsing() throws {
        let object = try S3Location(url: "s3://lake-bucket/raw/2019-01-13/batch 07=x.zip")
        #expect(object.bucket == "lake-bucket")
        #expect(object.key == "raw/2019-01-13/batch 07=x.zip")
        #expect(object.url == "s3://lake-bucket/raw/2019-01-13/batch 07=x.zip")
        let root = try S3Location(url: "s3://lake-bucket")
        #expect(root.key == "" && root.url == "s3://lake-bucket")
        #expect(try S3Location(url: "s3://lake-bucket/").key == "")
        #expect(try S3Location(url: "s3://lake-bucket/lake/").key == "lake")
        // Only the URL form drops it: as a key, a trailing "/" is an empty segment.
        #expect(throws: LakeError.self) { try S3Location(bucket: "lake-bucket", key: "lake/") }
    }

    @Test("appending joins with '/' and validates the relative key")
    func appending() throws {
        let root = try S3Location(url: "s3://b-1/lake")
        #expect(try root.appending("clean/flats/date=2019-01-13/part.csv.gz").url
                == "s3://b-1/lake/clean/flats/date=2019-01-13/part.csv.gz")
        #expect(try S3Location(url: "s3://b-1").appending("x/ü ñ.zip").key == "x/ü ñ.zip")
        #expect(root.relativeKey(of: try root.appending("a/b")) == "a/b")
        #expect(root.relativeKey(of: try S3Location(url: "s3://b-1/lakehouse/a")) == nil)
        for hostile in ["", "/abs", "../escape", "a/../../b", "a//b", "a/./b", ".", "a/", "a\\b", "a\u{0}b"] {
            let error = #expect(throws: LakeError.self, "\(hostile.debugDescription)") { try root.appending(hostile) }
            #expect(error?.code == .usage)
        }
    }

    static let hostileKeys: [String] = [
        "/leading", "a//b", "a//", "./a", "a/.", "../a", "a/..", "a/../b", "..", ".", "a\\..\\b", "a\u{0}b",
        "line\nbreak", "tab\tkey", "del\u{7f}", String(repeating: "k", count: 1025),
    ]

    @Test("hostile keys are refused with a usage error naming the URL", arguments: hostileKeys)
    func hostileKey(_ key: String) throws {
        let error = #expect(throws: LakeError.self) { try S3Location(url: "s3://bucket/" + key) }
        #expect(error?.code == .usage)
        #expect(error?.message.contains("s3://bucket/") == true)
        // Control characters are shown escaped, so a key cannot forge lines in a log.
        #expect(error?.message.contains("\n") == false)
        #expect(throws: LakeError.self) { try S3Location(bucket: "bucket", key: key) }
    }

    @Test("keys S3 allows and a lake uses are accepted", arguments: [
        "a", "a/b/c", "date=2019-01-13/hour=07/x.csv.gz", "with space/and+plus", "ünïcödé/日本.zip", "a..b/.hidden",
        "...", "x/..y", "~tilde", String(repeating: "k", count: 1024),
    ])
    func safeKey(_ key: String) throws {
        let location = try S3Location(bucket: "bucket", key: key)
        #expect(try S3Location(url: location.url) == location)
    }

    @Test("URLs that are not s3://, and bad bucket names, are usage errors", arguments: [
        "https://bucket/key", "bucket/key", "s3:/bucket/key", "s3://", "s3:///key", "s3://b/key", "s3://bu cket/k",
        "s3://bucket\\x/k",
    ])
    func notS3(_ url: String) {
        let error = #expect(throws: LakeError.self) { try S3Location(url: url) }
        #expect(error?.code == .usage)
        #expect(error?.code.exitStatus == 64)
    }
}

@Suite("S3 addressing")
struct S3AddressingTests {
    func client(_ environment: [String: String]) throws -> S3Client {
        try S3Client(configuration: AWSConfiguration.resolve(environment: [
            "HOME": "/nonexistent", "AWS_ACCESS_KEY_ID": "AKIAADDRESS000000000", "AWS_SECRET_ACCESS_KEY": "s",
        ].merging(environment) { $1 }))
    }

    @Test("AWS endpoints are virtual-hosted in the configured region")
    func virtualHosted() throws {
        let s3 = try client(["AWS_REGION": "eu-central-1"])
        #expect(s3.address(bucket: "lake", key: "a b/c") == ("lake.s3.eu-central-1.amazonaws.com", "/a b/c"))
        #expect(s3.address(bucket: "lake", key: "") == ("lake.s3.eu-central-1.amazonaws.com", "/"))
        // Dots in a bucket name would break the TLS wildcard certificate: path style.
        #expect(s3.address(bucket: "my.lake", key: "k") == ("s3.eu-central-1.amazonaws.com", "/my.lake/k"))
        #expect(try client(["AWS_REGION": "cn-north-1"]).address(bucket: "b-1", key: "k").authority
                == "b-1.s3.cn-north-1.amazonaws.com.cn")
    }

    @Test("IP and localhost endpoints, and AWS_S3_FORCE_PATH_STYLE, use path style; a base path is kept")
    func pathStyle() throws {
        #expect(try client(["AWS_ENDPOINT_URL": "http://127.0.0.1:5000"]).address(bucket: "b-1", key: "k/x")
                == ("127.0.0.1:5000", "/b-1/k/x"))
        #expect(try client(["AWS_ENDPOINT_URL_S3": "http://localhost:4566/"]).address(bucket: "b-1", key: "")
                == ("localhost:4566", "/b-1"))
        #expect(try client(["AWS_ENDPOINT_URL": "https://minio.example:443/s3", "AWS_S3_FORCE_PATH_STYLE": "1"])
                    .address(bucket: "b-1", key: "k") == ("minio.example", "/s3/b-1/k"))
        #expect(try client(["AWS_ENDPOINT_URL": "https://storage.example"]).address(bucket: "b-1", key: "k")
                == ("b-1.storage.example", "/k"))
    }
}
