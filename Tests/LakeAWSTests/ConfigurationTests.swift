import Foundation
import LakeCore
import TestSupport
import Testing

@testable import LakeAWS

@Suite("configuration and credentials")
struct ConfigurationTests {
    /// A fake home with ~/.aws/credentials and ~/.aws/config.
    final class Home {
        let directory = TemporaryDirectory("aws-home")
        var environment: [String: String] { ["HOME": directory.path] }

        init(credentials: String? = nil, config: String? = nil) throws {
            try FileManager.default.createDirectory(atPath: directory.file(".aws"), withIntermediateDirectories: true)
            if let credentials { try credentials.write(toFile: directory.file(".aws/credentials"), atomically: true, encoding: .utf8) }
            if let config { try config.write(toFile: directory.file(".aws/config"), atomically: true, encoding: .utf8) }
        }
    }

    static let credentialsFile = """
        # a comment
        [default]
        aws_access_key_id = AKIADEFAULT00000000
        aws_secret_access_key = default/secret+key#with-hash

        [prod]
        aws_access_key_id=AKIAPROD000000000000
        aws_secret_access_key=prod-secret-0000000000
        aws_session_token = prod-token-000000000000
        """

    static let configFile = """
        [default]
        region = eu-central-1

        [profile prod]
        region = eu-west-1
        s3 =
          addressing_style = path
        services = local

        [profile sso]
        sso_session = corp
        region = us-west-2

        [profile keysinconfig]
        aws_access_key_id = AKIACONFIG0000000000
        aws_secret_access_key = config-secret-000000
        endpoint_url = http://localhost:4566

        [services local]
        s3 =
          endpoint_url = http://127.0.0.1:9000
        sqs =
          endpoint_url = http://127.0.0.1:9324
        """

    @Test("environment keys win over the default profile; region from AWS_REGION; AWS endpoints by default")
    func environmentFirst() throws {
        let home = try Home(credentials: Self.credentialsFile, config: Self.configFile)
        let configuration = try AWSConfiguration.resolve(environment: home.environment.merging([
            "AWS_ACCESS_KEY_ID": "AKIAENV0000000000000", "AWS_SECRET_ACCESS_KEY": "env-secret-0000000000",
            "AWS_SESSION_TOKEN": "env-token-000000000000", "AWS_REGION": "ap-southeast-2",
            "AWS_DEFAULT_REGION": "sa-east-1",
        ]) { $1 })
        #expect(configuration.credentials?.accessKeyID == "AKIAENV0000000000000")
        #expect(configuration.credentials?.secretAccessKey == "env-secret-0000000000")
        #expect(configuration.credentials?.sessionToken == "env-token-000000000000")
        #expect(configuration.credentials?.source == "environment")
        #expect(configuration.region == "ap-southeast-2")
        #expect(configuration.s3Endpoint == nil && configuration.sqsEndpoint == nil)
        #expect(configuration.forcePathStyle == false)
    }

    @Test("the default profile: keys from the credentials file (a '#' inside a value kept), region from config")
    func defaultProfile() throws {
        let home = try Home(credentials: Self.credentialsFile, config: Self.configFile)
        let configuration = try AWSConfiguration.resolve(environment: home.environment)
        #expect(configuration.profile == "default")
        #expect(configuration.credentials?.accessKeyID == "AKIADEFAULT00000000")
        #expect(configuration.credentials?.secretAccessKey == "default/secret+key#with-hash")
        #expect(configuration.credentials?.sessionToken == nil)
        #expect(configuration.region == "eu-central-1")
    }

    @Test("AWS_PROFILE picks [prod] and [profile prod]: token, region, path style, services endpoints")
    func namedProfile() throws {
        let home = try Home(credentials: Self.credentialsFile, config: Self.configFile)
        let configuration = try AWSConfiguration.resolve(environment: home.environment.merging(["AWS_PROFILE": "prod"]) { $1 })
        #expect(configuration.profile == "prod")
        #expect(configuration.credentials?.accessKeyID == "AKIAPROD000000000000")
        #expect(configuration.credentials?.sessionToken == "prod-token-000000000000")
        #expect(configuration.region == "eu-west-1")
        #expect(configuration.forcePathStyle)
        #expect(configuration.s3Endpoint == "http://127.0.0.1:9000")
        #expect(configuration.sqsEndpoint == "http://127.0.0.1:9324")
    }

    @Test("an explicit profile beats environment keys; AWS_DEFAULT_PROFILE is the fallback name")
    func explicitProfile() throws {
        let home = try Home(credentials: Self.credentialsFile, config: Self.configFile)
        let environment = home.environment.merging([
            "AWS_ACCESS_KEY_ID": "AKIAENV0000000000000", "AWS_SECRET_ACCESS_KEY": "env-secret-0000000000",
        ]) { $1 }
        let explicit = try AWSConfiguration.resolve(environment: environment, profile: "keysinconfig")
        #expect(explicit.credentials?.accessKeyID == "AKIACONFIG0000000000")
        #expect(explicit.s3Endpoint == "http://localhost:4566" && explicit.sqsEndpoint == "http://localhost:4566")
        #expect(explicit.region == "us-east-1")
        let fallback = try AWSConfiguration.resolve(
            environment: home.environment.merging(["AWS_DEFAULT_PROFILE": "prod"]) { $1 })
        #expect(fallback.credentials?.accessKeyID == "AKIAPROD000000000000")
    }

    @Test("AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE move the files; endpoint variables override config")
    func fileVariablesAndEndpoints() throws {
        let directory = TemporaryDirectory("aws-files")
        try Self.credentialsFile.write(toFile: directory.file("creds"), atomically: true, encoding: .utf8)
        try Self.configFile.write(toFile: directory.file("conf"), atomically: true, encoding: .utf8)
        let base = ["HOME": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": directory.file("creds"),
                    "AWS_CONFIG_FILE": directory.file("conf"), "AWS_PROFILE": "prod"]
        let configuration = try AWSConfiguration.resolve(environment: base.merging([
            "AWS_ENDPOINT_URL": "http://10.0.0.1:4566", "AWS_ENDPOINT_URL_S3": "http://10.0.0.2:5000",
            "AWS_DEFAULT_REGION": "us-west-1", "AWS_S3_FORCE_PATH_STYLE": "false",
        ]) { $1 })
        #expect(configuration.credentials?.accessKeyID == "AKIAPROD000000000000")
        #expect(configuration.s3Endpoint == "http://10.0.0.2:5000")
        #expect(configuration.sqsEndpoint == "http://10.0.0.1:4566")
        #expect(configuration.region == "us-west-1")
        #expect(configuration.forcePathStyle == false)
        let ignored = try AWSConfiguration.resolve(environment: base.merging([
            "AWS_ENDPOINT_URL": "http://10.0.0.1:4566", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
        ]) { $1 })
        #expect(ignored.s3Endpoint == nil && ignored.sqsEndpoint == nil)
    }

    @Test("nothing configured: region us-east-1, no credentials, and the client says where it looked")
    func nothingConfigured() throws {
        let configuration = try AWSConfiguration.resolve(environment: ["HOME": "/nonexistent"])
        #expect(configuration.region == "us-east-1")
        #expect(configuration.credentials == nil)
        let error = #expect(throws: LakeError.self) { try S3Client(configuration: configuration) }
        #expect(error?.code == .badSpec)
        #expect(error?.message.contains("AWS_ACCESS_KEY_ID") == true)
    }

    @Test("an SSO profile without keys is explained, not silently anonymous")
    func unsupportedSource() throws {
        let home = try Home(config: Self.configFile)
        let configuration = try AWSConfiguration.resolve(environment: home.environment, profile: "sso")
        #expect(configuration.credentials == nil)
        #expect(configuration.region == "us-west-2")
        let error = #expect(throws: LakeError.self) { try SQSClient(configuration: configuration) }
        #expect(error?.message.contains("sso_session") == true)
    }

    @Test("config mistakes are refused with exit code 65: unknown profile, half a key pair, a bad endpoint")
    func mistakes() throws {
        let home = try Home(credentials: Self.credentialsFile, config: Self.configFile)
        let unknown = #expect(throws: LakeError.self) {
            try AWSConfiguration.resolve(environment: home.environment.merging(["AWS_PROFILE": "nope"]) { $1 })
        }
        #expect(unknown?.code == .badSpec && unknown?.code.exitStatus == 65)
        #expect(unknown?.message.contains("'nope'") == true)
        let half = #expect(throws: LakeError.self) {
            try AWSConfiguration.resolve(environment: ["HOME": "/nonexistent", "AWS_ACCESS_KEY_ID": "AKIAONLY"])
        }
        #expect(half?.message.contains("AWS_SECRET_ACCESS_KEY") == true)
        let endpoint = #expect(throws: LakeError.self) {
            try AWSConfiguration.resolve(environment: ["HOME": "/nonexistent", "AWS_ENDPOINT_URL": "localhost:4566"])
        }
        #expect(endpoint?.code == .badSpec)
    }

    @Test("secrets never appear in descriptions, dumps or configuration errors")
    func secretsAreRedacted() throws {
        let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        let token = "FwoGZXIvYXdzEXAMPLETOKEN0123456789"
        let credentials = AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: secret,
                                         sessionToken: token, source: "test")
        let configuration = AWSConfiguration(credentials: credentials)
        var dumped = ""
        dump(credentials, to: &dumped)
        dump(configuration, to: &dumped)
        let texts = ["\(credentials)", String(reflecting: credentials), "\(configuration)", dumped,
                     credentials.redact("echo \(secret) and \(token)")]
        for text in texts {
            #expect(!text.contains(secret), "secret in: \(text)")
            #expect(!text.contains(token), "token in: \(text)")
        }
        #expect("\(credentials)".contains("AKIA…MPLE"))
    }
}
