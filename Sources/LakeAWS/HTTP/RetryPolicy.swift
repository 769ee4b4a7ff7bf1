import Foundation

/// How often and how patiently a request is retried: exponential backoff with full jitter, as the AWS
/// Architecture Blog's "Exponential Backoff And Jitter" recommends and the SDKs' "standard" retry mode does.
///
/// Attempt `n` (1-based) that fails retryably waits a uniformly random time in `0...min(maxDelay, baseDelay * 2^(n-1))`
/// before attempt `n + 1`. Retried: HTTP 500, 502, 503, 504, 429; throttling error codes (`SlowDown`,
/// `ThrottlingException`, `RequestThrottled`...); refused, dropped, reset and timed-out connections.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in total, the first included; 1 disables retries.
    public var maxAttempts: Int
    /// The backoff cap of the first retry.
    public var baseDelay: Duration
    /// The largest backoff cap.
    public var maxDelay: Duration

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(20)) {
        precondition(maxAttempts >= 1, "a request needs at least one attempt")
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// No retries: one attempt.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The random wait after failed attempt `attempt` (1-based).
    func delay<G: RandomNumberGenerator>(afterAttempt attempt: Int, using generator: inout G) -> Duration {
        let base = Double(baseDelay.components.seconds) + Double(baseDelay.components.attoseconds) * 1e-18
        let limit = Double(maxDelay.components.seconds) + Double(maxDelay.components.attoseconds) * 1e-18
        let cap = min(limit, base * pow(2, Double(min(attempt - 1, 30))))
        guard cap > 0 else { return .zero }
        return .nanoseconds(Int64(Double.random(in: 0...cap, using: &generator) * 1e9))
    }

    /// AWS error codes that mean "slow down and try again", whatever the HTTP status.
    static let throttlingCodes: Set<String> = [
        "SlowDown", "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "RequestThrottled", "RequestLimitExceeded", "BandwidthLimitExceeded",
        "ProvisionedThroughputExceededException", "RequestTimeout", "RequestTimeoutException",
        "PriorRequestNotComplete", "InternalError", "ServiceUnavailable", "KMS.ThrottlingException",
        "AWS.SimpleQueueService.RequestThrottled",
    ]

    /// Whether a response with this status and AWS error code is worth another attempt.
    static func isRetryable(status: Int, errorCode: String?) -> Bool {
        if [500, 502, 503, 504, 429].contains(status) { return true }
        if let errorCode, throttlingCodes.contains(errorCode) { return true }
        return false
    }
}
