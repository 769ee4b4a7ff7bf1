import LakeCore

/// A bucket and a key, written `s3://bucket/key`, whose key is safe to map onto a local folder.
///
/// A key is refused when it starts with `/`, has an empty, `.` or `..` segment (`a//b`, `a/./b`, `../x`), contains NUL,
/// a backslash or another control character, or is longer than S3's 1,024 bytes. So a key taken from a bucket
/// listing or a notification can be joined to a lake root without escaping it. The key may be empty (the bucket
/// root). `init(url:)` drops one trailing `/` (`s3://b/lake/` names the prefix `lake`).
public struct S3Location: Sendable, Hashable, CustomStringConvertible {
    public let bucket: String
    /// The key without a leading "/"; "" for the bucket root.
    public let key: String

    /// Parses `s3://bucket/key`.
    /// - Throws: `LakeError(.usage)` naming the URL when it is not `s3://…`, the bucket name is invalid, or the key
    ///   is unsafe.
    public init(url: String) throws {
        guard url.hasPrefix("s3://") else {
            throw LakeError(.usage, "\(Self.quoted(url)) is not an S3 URL", remedy: "write s3://BUCKET/KEY")
        }
        let rest = url.dropFirst(5)
        let bucket: Substring
        var key: Substring
        if let slash = rest.firstIndex(of: "/") {
            bucket = rest[..<slash]
            key = rest[rest.index(after: slash)...]
        } else {
            bucket = rest
            key = ""
        }
        if key.hasSuffix("/") && !key.hasSuffix("//") { key = key.dropLast() }
        do {
            try self.init(bucket: String(bucket), key: String(key))
        } catch let error as LakeError {
            throw LakeError(.usage, "\(Self.quoted(url)): \(error.message)", remedy: error.remedy)
        }
    }

    /// A location from its parts.
    /// - Throws: `LakeError(.usage)` when the bucket name is invalid or the key is unsafe.
    public init(bucket: String, key: String) throws {
        try Self.validateBucket(bucket)
        try Self.validateKey(key)
        self.bucket = bucket
        self.key = key
    }

    /// `s3://bucket/key`.
    public var url: String { key.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(key)" }

    public var description: String { url }

    /// This location with `relativeKey` joined by "/": `s3://b/lake` + `raw/x.zip` = `s3://b/lake/raw/x.zip`.
    /// - Throws: `LakeError(.usage)` when `relativeKey` is empty, starts with "/" or is unsafe.
    public func appending(_ relativeKey: String) throws -> S3Location {
        guard !relativeKey.isEmpty else {
            throw LakeError(.usage, "cannot append an empty key to \(url)")
        }
        do {
            try Self.validateKey(relativeKey)
        } catch let error as LakeError {
            throw LakeError(.usage, "cannot append to \(url): \(error.message)", remedy: error.remedy)
        }
        return try S3Location(bucket: bucket, key: key.isEmpty ? relativeKey : "\(key)/\(relativeKey)")
    }

    /// The key relative to this location's key as a prefix (`lake/raw/x` in `lake` → `raw/x`), or nil when `key`
    /// is not under it.
    public func relativeKey(of other: S3Location) -> String? {
        guard other.bucket == bucket else { return nil }
        if key.isEmpty { return other.key }
        guard other.key.hasPrefix(key + "/") else { return nil }
        return String(other.key.dropFirst(key.count + 1))
    }

    /// Bucket names as S3 allows them today (3–63 of `a-z 0-9 . -`), plus `_` and capitals of legacy buckets.
    static func validateBucket(_ bucket: String) throws {
        let allowed = bucket.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".")
                || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
        }
        guard allowed, (3...255).contains(bucket.utf8.count) else {
            throw LakeError(.usage, "bucket name \(quoted(bucket)) is not valid",
                            remedy: "use 3 to 63 lowercase letters, digits, dots and hyphens")
        }
    }

    /// Refuses keys that could escape a local root or confuse XML and paths.
    static func validateKey(_ key: String) throws {
        if key.isEmpty { return }
        func refuse(_ why: String) -> LakeError {
            LakeError(.usage, "object key \(quoted(key)) is unsafe: \(why)",
                      remedy: "use keys of non-empty segments separated by single '/', without '.', '..', "
                        + "backslashes or control characters")
        }
        if key.utf8.count > 1024 { throw refuse("longer than S3's 1,024 bytes") }
        if key.hasPrefix("/") { throw refuse("it starts with '/'") }
        for scalar in key.unicodeScalars {
            if scalar == "\0" { throw refuse("it contains NUL") }
            if scalar == "\\" { throw refuse("it contains a backslash") }
            if scalar.value < 0x20 || scalar.value == 0x7f { throw refuse("it contains a control character") }
        }
        for segment in key.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty { throw refuse("it has an empty segment ('//' or a trailing '/')") }
            if segment == "." || segment == ".." { throw refuse("it has a '\(segment)' segment") }
        }
    }

    /// The text in quotes with control characters escaped, so a hostile key cannot forge output lines.
    static func quoted(_ text: String) -> String {
        var result = "'"
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7f {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "'"
    }
}
