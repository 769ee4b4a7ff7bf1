import Foundation

/// A child process that runs until stopped (a server), its output in a log file. Stopped with SIGTERM (then SIGKILL)
/// by `stop()` or when the value goes away.
public final class BackgroundProcess: @unchecked Sendable {
    // @unchecked: `pid` changes only in `stop()`, under `lock`.
    public let logPath: String
    private var pid: pid_t
    private let lock = NSLock()

    /// Starts `arguments[0]` (looked up on PATH through /usr/bin/env) with the rest as its arguments.
    public init(_ arguments: [String], label: String) throws {
        logPath = "/tmp/batchlake-\(label)-\(UUID().uuidString.prefix(8)).log"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else: a pipe of another test's child inherited here would never see its end of file.
        closeInheritedDescriptors(&actions)
        let argv: [UnsafeMutablePointer<CChar>?] = (["/usr/bin/env"] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var child: pid_t = 0
        let code = posix_spawn(&child, "/usr/bin/env", &actions, nil, argv, environ)
        guard code == 0 else {
            throw TestSupportError("cannot start \(arguments.joined(separator: " ")): errno \(code)")
        }
        pid = child
    }

    deinit { stop() }

    /// Whether the process is still running (it has not exited).
    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        guard pid > 0 else { return false }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            pid = 0
            return false
        }
        return result == 0
    }

    /// The output so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Terminates the process and waits for it (SIGKILL after 5 s).
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<100 {
            if waitpid(pid, &status, WNOHANG) != 0 {
                pid = 0
                return
            }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        pid = 0
    }

    /// Waits until something accepts TCP connections on 127.0.0.1:`port`.
    /// - Throws: when the process exits first or `timeout` passes, with its log.
    public func waitForPort(_ port: Int, timeout: Double = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if Self.canConnect(port: port) { return }
            guard isRunning else {
                throw TestSupportError("the server exited before listening on port \(port):\n\(log)")
            }
            usleep(50_000)
        }
        throw TestSupportError("nothing listens on port \(port) after \(Int(timeout)) s:\n\(log)")
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }
}

/// moto's server (`python3 -m moto.server`) on a free port of 127.0.0.1: S3 and SQS for tests, any credentials
/// accepted. A suite that needs it and cannot start it fails with the reason; it never skips.
public final class MotoServer: @unchecked Sendable {
    // @unchecked: immutable after init; BackgroundProcess is thread-safe.
    public let port: Int
    private let process: BackgroundProcess

    /// `http://127.0.0.1:PORT`.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// One server shared by every suite of a test process, started on first use, stopped at exit.
    public static let shared: Result<MotoServer, any Error> = {
        let result = Result { try MotoServer() }
        atexit {
            if case .success(let server) = MotoServer.shared { server.stop() }
        }
        return result
    }()

    /// Returns the shared server or throws why it could not start (the test then fails).
    public static func start() throws -> MotoServer { try shared.get() }

    public init() throws {
        guard let python3 = which("python3") else { throw TestSupportError("python3 is not on PATH") }
        let check = try runProcess(python3, ["-c", "import moto, flask; print(moto.__version__)"])
        guard check.status == 0 else {
            throw TestSupportError("moto[server] is not installed for \(python3): run `scripts/setup --test-tools` "
                                   + "(pip install 'moto[server]==5.2.1')\n\(check.stderr)")
        }
        var lastError: (any Error)?
        for _ in 0..<3 {
            let candidate = PostgresServer.freePort()
            let process = try BackgroundProcess(
                [python3, "-m", "moto.server", "-H", "127.0.0.1", "-p", "\(candidate)"], label: "moto")
            do {
                try process.waitForPort(candidate)
                self.process = process
                port = candidate
                return
            } catch {
                process.stop()
                lastError = error
            }
        }
        throw lastError ?? TestSupportError("moto did not start")
    }

    deinit { stop() }

    public func stop() { process.stop() }
}
