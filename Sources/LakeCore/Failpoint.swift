#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Kill points for crash tests (STYLE.md section 8, after sqlite's crash tests). Every write and commit step of
/// the lake calls `Failpoint.hit(_:)`. With `BATCHLAKE_KILL_AT=N` in the environment the process kills itself
/// with SIGKILL at the N-th step; with `BATCHLAKE_FAILPOINT=name` (or `name:N`) at the first (or N-th) step of
/// that name. Without either variable a hit costs one load of a cached flag.
public enum Failpoint {
    private struct Plan: Sendable {
        var killAt: Int?
        var name: String?
        var nameCount = 1
    }

    private static let plan: Plan? = {
        var plan = Plan()
        if let text = getenv("BATCHLAKE_KILL_AT").map({ String(cString: $0) }), let n = Int(text), n > 0 {
            plan.killAt = n
        }
        if let text = getenv("BATCHLAKE_FAILPOINT").map({ String(cString: $0) }), !text.isEmpty {
            let parts = text.split(separator: ":")
            plan.name = String(parts[0])
            if parts.count > 1, let n = Int(parts[1]), n > 0 { plan.nameCount = n }
        }
        return plan.killAt == nil && plan.name == nil ? nil : plan
    }()

    private static let counters = Mutex<(all: Int, named: Int)>((0, 0))

    /// Marks a step; kills the process here when the environment asks for it.
    @inline(__always)
    public static func hit(_ name: String) {
        guard let plan else { return }
        let die = counters.withLock { c -> Bool in
            c.all += 1
            if let n = plan.killAt, c.all == n { return true }
            if let wanted = plan.name, wanted == name {
                c.named += 1
                return c.named == plan.nameCount
            }
            return false
        }
        if die { kill(getpid(), SIGKILL) }
    }
}
