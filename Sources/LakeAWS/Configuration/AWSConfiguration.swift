public import Foundation
import LakeCore

/// Region, credentials, endpoints, addressing style, timeouts and retry policy of the S3 and SQS clients, found the
/// way the AWS CLI finds them (`resolve(environment:profile:)`).
public struct AWSConfiguration: Sendable, CustomStringConvertible {
    /// The signing region, e.g. `eu-central-1`.
    public var region: String
    /// nil when none were found; the clients then refuse to start and say where they looked.
    public var credentials: AWSCredentials?
    /// The profile the settings came from ("default" unless one was named).
    public var profile: String
    /// A custom S3 endpoint (`http://127.0.0.1:5000`, `https://minio.example:9000`); nil means AWS's own.
    public var s3Endpoint: String?
    /// A custom SQS endpoint; nil means AWS's own.
    public var sqsEndpoint: String?
    /// Path-style S3 URLs (`endpoint/bucket/key`) instead of virtual-hosted ones (`bucket.endpoint/key`). Also used
    /// without asking for IP-address and `localhost` endpoints and for bucket names with dots.
    public var forcePathStyle: Bool
    /// How long to wait for a TCP (and TLS) connection.
    public var connectTimeout: Duration
    /// A transfer that moves no byte for this long is abandoned (and retried). SQS long polls add their wait.
    public var stallTimeout: Duration
    public var retryPolicy: RetryPolicy
    /// Files of at least this size are uploaded in parts.
    public var multipartThreshold: Int64
    /// The size of each part but the last (at least 8 MiB; grown when 10,000 parts would not cover the file).
    public var multipartPartSize: Int64
    /// Why no credentials were found, for the error the clients raise.
    var missingCredentialsReason: String?

    public static let minimumPartSize: Int64 = 8 << 20

    public init(region: String = "us-east-1", credentials: AWSCredentials?, profile: String = "default",
                s3Endpoint: String? = nil, sqsEndpoint: String? = nil, forcePathStyle: Bool = false,
                connectTimeout: Duration = .seconds(10), stallTimeout: Duration = .seconds(60),
                retryPolicy: RetryPolicy = RetryPolicy(), multipartThreshold: Int64 = 16 << 20,
                multipartPartSize: Int64 = 8 << 20) {
        self.region = region
        self.credentials = credentials
        self.profile = profile
        self.s3Endpoint = s3Endpoint
        self.sqsEndpoint = sqsEndpoint
        self.forcePathStyle = forcePathStyle
        self.connectTimeout = connectTimeout
        self.stallTimeout = stallTimeout
        self.retryPolicy = retryPolicy
        self.multipartThreshold = multipartThreshold
        self.multipartPartSize = max(multipartPartSize, Self.minimumPartSize)
    }

    /// Region, credentials and endpoints as the AWS CLI resolves them.
    ///
    /// - Credentials: `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`) unless `profile` is given;
    ///   then the profile in the shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`,
    ///   sections `[name]`), then in the config file (`AWS_CONFIG_FILE`, default `~/.aws/config`, sections
    ///   `[profile name]` and `[default]`). The profile is `profile`, else `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`,
    ///   else "default".
    /// - Region: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, else `us-east-1`.
    /// - Endpoints: `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL_SQS`, then `AWS_ENDPOINT_URL`, then the profile's
    ///   `services` section (`s3 =` / `  endpoint_url =`), then the profile's `endpoint_url`; none if
    ///   `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`.
    /// - Path style: `AWS_S3_FORCE_PATH_STYLE=true` or the profile's `s3.addressing_style = path`.
    ///
    /// - Throws: `LakeError(.badSpec)` for a named profile that exists in neither file, half a key pair, an endpoint
    ///   that is not an http(s) URL, or an unreadable file. Missing credentials are not an error here (a client
    ///   needing them reports it).
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment,
                               profile: String? = nil) throws -> AWSConfiguration {
        func env(_ name: String) -> String? {
            let value = environment[name]?.trimmingCharacters(in: .whitespaces)
            return value?.isEmpty == false ? value : nil
        }
        let home = env("HOME") ?? NSHomeDirectory()
        func expand(_ path: String) -> String {
            path == "~" ? home : path.hasPrefix("~/") ? home + path.dropFirst(1) : path
        }
        let credentialsPath = expand(env("AWS_SHARED_CREDENTIALS_FILE") ?? "~/.aws/credentials")
        let configPath = expand(env("AWS_CONFIG_FILE") ?? "~/.aws/config")
        let credentialsFile = try AWSConfigFile.load(path: credentialsPath)
        let configFile = try AWSConfigFile.load(path: configPath)

        let namedProfile = profile ?? env("AWS_PROFILE") ?? env("AWS_DEFAULT_PROFILE")
        let profileName = namedProfile ?? "default"
        let fromCredentials = credentialsFile.credentialsProfile(profileName)
        let fromConfig = configFile.configProfile(profileName)
        if namedProfile != nil, fromCredentials == nil, fromConfig == nil {
            throw LakeError(.badSpec, "AWS profile '\(profileName)' is not in \(credentialsPath) or \(configPath)",
                            remedy: "create it with `aws configure --profile \(profileName)` or name another one "
                                + "(AWS_PROFILE)")
        }
        // A setting in the credentials file wins over the same one in the config file.
        let settings = (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, fromCredentialsFile in
            fromCredentialsFile
        }

        // Credentials.
        var credentials: AWSCredentials?
        var missingReason: String?
        let envKey = env("AWS_ACCESS_KEY_ID")
        let envSecret = env("AWS_SECRET_ACCESS_KEY")
        if profile == nil, envKey != nil || envSecret != nil {
            guard let envKey, let envSecret else {
                let (set, unset) = envKey == nil
                    ? ("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID") : ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
                throw LakeError(.badSpec, "\(set) is set but \(unset) is not", remedy: "set both or neither")
            }
            credentials = AWSCredentials(accessKeyID: envKey, secretAccessKey: envSecret,
                                         sessionToken: env("AWS_SESSION_TOKEN"), source: "environment")
        } else {
            let keysInCredentialsFile = fromCredentials?["aws_access_key_id"] != nil
                || fromCredentials?["aws_secret_access_key"] != nil
            let (section, file) = keysInCredentialsFile
                ? (fromCredentials ?? [:], credentialsPath) : (fromConfig ?? [:], configPath)
            let key = section["aws_access_key_id"].flatMap { $0.isEmpty ? nil : $0 }
            let secret = section["aws_secret_access_key"].flatMap { $0.isEmpty ? nil : $0 }
            switch (key, secret) {
            case (let key?, let secret?):
                credentials = AWSCredentials(accessKeyID: key, secretAccessKey: secret,
                                             sessionToken: section["aws_session_token"],
                                             source: "\(file), profile \(profileName)")
            case (nil, nil):
                let unsupported = ["role_arn", "credential_process", "sso_session", "sso_start_url",
                                   "web_identity_token_file"].filter { settings[$0] != nil }
                if let first = unsupported.first {
                    missingReason = "profile '\(profileName)' gets its credentials through \(first), which batchlake "
                        + "does not support; export static ones with `aws configure export-credentials --profile "
                        + "\(profileName) --format env`"
                } else {
                    missingReason = "no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment and no keys for "
                        + "profile '\(profileName)' in \(credentialsPath) or \(configPath)"
                }
            default:
                throw LakeError(.badSpec, "profile '\(profileName)' in \(file) has only one of aws_access_key_id and "
                                + "aws_secret_access_key", remedy: "give both")
            }
        }

        // Region.
        let region = env("AWS_REGION") ?? env("AWS_DEFAULT_REGION")
            ?? settings["region"].flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1"

        // Endpoints.
        var s3Endpoint: String?
        var sqsEndpoint: String?
        if !(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").map(Self.isTrue) ?? false) {
            let services = settings["services"].flatMap { configFile.sections["services \($0)"] } ?? [:]
            // The AWS CLI's order: service variable, global variable, service setting, global setting.
            s3Endpoint = env("AWS_ENDPOINT_URL_S3") ?? env("AWS_ENDPOINT_URL") ?? services["s3.endpoint_url"]
                ?? settings["endpoint_url"]
            sqsEndpoint = env("AWS_ENDPOINT_URL_SQS") ?? env("AWS_ENDPOINT_URL") ?? services["sqs.endpoint_url"]
                ?? settings["endpoint_url"]
            for endpoint in [s3Endpoint, sqsEndpoint].compactMap({ $0 }) {
                guard let url = URLComponents(string: endpoint), ["http", "https"].contains(url.scheme?.lowercased()),
                    url.host?.isEmpty == false
                else {
                    throw LakeError(.badSpec, "endpoint URL '\(endpoint)' is not an http:// or https:// URL",
                                    remedy: "fix AWS_ENDPOINT_URL… or endpoint_url, e.g. http://127.0.0.1:5000")
                }
            }
        }
        let forcePathStyle = env("AWS_S3_FORCE_PATH_STYLE").map(Self.isTrue)
            ?? (settings["s3.addressing_style"]?.lowercased() == "path")

        var configuration = AWSConfiguration(region: region, credentials: credentials, profile: profileName,
                                             s3Endpoint: s3Endpoint, sqsEndpoint: sqsEndpoint,
                                             forcePathStyle: forcePathStyle)
        configuration.missingCredentialsReason = missingReason
        return configuration
    }

    private static func isTrue(_ value: String) -> Bool {
        ["1", "true", "yes", "on"].contains(value.lowercased())
    }

    /// The credentials, or the error that explains where they were looked for.
    func requireCredentials(for service: String) throws -> AWSCredentials {
        guard let credentials else {
            throw LakeError(.badSpec, "no AWS credentials for \(service): "
                            + (missingCredentialsReason ?? "none were configured"),
                            remedy: "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE to a profile "
                                + "with keys")
        }
        return credentials
    }

    /// The timeouts in libcurl's units.
    var httpTimeouts: HTTPTimeouts {
        let connect = connectTimeout.components
        return HTTPTimeouts(
            connectMilliseconds: max(1, Int(connect.seconds) * 1000 + Int(connect.attoseconds / 1_000_000_000_000_000)),
            lowSpeedSeconds: max(1, Int(stallTimeout.components.seconds)))
    }

    public var description: String {
        "AWSConfiguration(region: \(region), profile: \(profile), credentials: "
            + "\(credentials.map { $0.description } ?? "none"), s3Endpoint: \(s3Endpoint ?? "AWS"), "
            + "sqsEndpoint: \(sqsEndpoint ?? "AWS"), forcePathStyle: \(forcePathStyle))"
    }
}

/// A parsed endpoint URL: scheme, host, port and base path.
struct Endpoint: Sendable, Hashable {
    var scheme: String
    var host: String
    var port: Int?
    /// "" or a path without trailing "/" ("/s3").
    var basePath: String

    init(scheme: String, host: String, port: Int? = nil, basePath: String = "") {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = basePath
    }

    init(url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty
        else {
            throw LakeError(.badSpec, "'\(url)' is not an http:// or https:// URL")
        }
        self.scheme = scheme
        self.host = host
        port = components.port
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        basePath = path
    }

    /// `host` or `host:port`, as the Host header and the signature want it (default ports left out).
    var authority: String {
        guard let port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) else { return host }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// `scheme://authority`.
    var origin: String { "\(scheme)://\(authority)" }

    /// Whether the host is an IP address or localhost, where virtual-hosted bucket names cannot resolve.
    var isLocalOrAddress: Bool {
        let lower = host.lowercased()
        if lower == "localhost" || lower.hasSuffix(".localhost") || host.contains(":") { return true }
        return host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
    }

    /// The DNS suffix of AWS in a region (China's regions have their own).
    static func awsSuffix(region: String) -> String {
        region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
    }
}
