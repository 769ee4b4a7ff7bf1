import Foundation

/// A throwaway PostgreSQL 15 cluster for tests: `initdb` into a temp dir owned by `postgres`, `pg_ctl start` on a
/// free port of 127.0.0.1, stopped with `pg_ctl -m immediate stop` when the value goes away.
///
/// Local (socket) connections are trusted, TCP ones need the password (`scram-sha-256`), so tests exercise the
/// password path the way users meet it. A suite that needs the server and cannot start it fails; it never skips.
public final class PostgresServer: @unchecked Sendable {
    // @unchecked: every stored property is immutable after init.
    public static let binaries = ProcessInfo.processInfo.environment["BATCHLAKE_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"
    public static let password = "s3cret-pw"

    public let directory: String
    public let port: Int
    public let socketDirectory: String
    private let dataDirectory: String
    private let asPostgres: [String]
    /// Server settings (`name=value`) given at every start after the defaults, so they override them.
    private let settings: [String]

    /// One server shared by every suite of a test process, started on first use.
    /// Stopped when the test process exits.
    public static let shared: Result<PostgresServer, any Error> = {
        let result = Result { try PostgresServer() }
        atexit {
            if case .success(let server) = PostgresServer.shared { server.stop() }
        }
        return result
    }()

    /// Returns the shared server or throws why it could not start (the test then fails).
    public static func start() throws -> PostgresServer { try shared.get() }

    /// - Parameter settings: `name=value` server settings that override the defaults (fsync, synchronous_commit and
    ///   full_page_writes off: fast, and safe as long as the server process is not killed, see `halt`).
    public init(settings: [String] = []) throws {
        self.settings = settings
        let fm = FileManager.default
        guard fm.isExecutableFile(atPath: "\(Self.binaries)/initdb") else {
            throw TestSupportError("PostgreSQL 15 is not installed at \(Self.binaries) (apt-get install postgresql-15)")
        }
        // postgres cannot read root's home: everything lives under /tmp, owned by postgres.
        directory = "/tmp/batchlake-pg-\(UUID().uuidString.prefix(8))"
        dataDirectory = directory + "/data"
        socketDirectory = directory
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let isRoot = getuid() == 0
        asPostgres = isRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
        if isRoot { try Self.run("/bin/chown", ["postgres:postgres", directory]) }
        let passwordFile = directory + "/pwfile"
        try Data(Self.password.utf8).write(to: URL(fileURLWithPath: passwordFile))
        if isRoot { try Self.run("/bin/chown", ["postgres:postgres", passwordFile]) }
        try Self.run(asPostgres, "\(Self.binaries)/initdb", [
            "-D", dataDirectory, "--no-sync", "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
            "--pwfile=\(passwordFile)", "-E", "UTF8", "--locale=C",
        ])
        var lastError: (any Error)?
        for _ in 0..<5 {
            let candidate = Self.freePort()
            do {
                try Self.startServer(asPostgres, dataDirectory: dataDirectory, directory: directory, port: candidate,
                                     settings: settings)
                port = candidate
                return
            } catch {
                lastError = error
            }
        }
        throw lastError ?? TestSupportError("pg_ctl start failed")
    }

    private static func startServer(_ asPostgres: [String], dataDirectory: String, directory: String,
                                    port: Int, settings: [String]) throws {
        try run(asPostgres, "\(binaries)/pg_ctl", [
            "-D", dataDirectory, "-l", directory + "/server.log", "-w", "-t", "30", "start", "-o",
            "-c listen_addresses=127.0.0.1 -p \(port) -c unix_socket_directories=\(directory) "
                + "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                + settings.map { " -c \($0)" }.joined(),
        ])
    }

    /// How `pg_ctl stop` ends the server: `immediate` kills every backend at once (as a crash or power loss would,
    /// recovery runs at the next start), `fast` rolls back open transactions and disconnects the clients.
    public enum StopMode: String, Sendable { case immediate, fast }

    /// Stops the server but keeps its data, so `restart()` brings back the same cluster on the same port.
    /// Use a server of your own (`PostgresServer()`), never the shared one, which other suites use meanwhile.
    /// An `immediate` stop loses the transactions of the last fraction of a second that the server already
    /// acknowledged unless the server runs with `synchronous_commit=on` (pass it in `settings`); fsync=off is
    /// harmless here, since the operating system keeps the files the killed server wrote.
    public func halt(_ mode: StopMode = .immediate) throws {
        try Self.run(asPostgres, "\(Self.binaries)/pg_ctl", ["-D", dataDirectory, "-m", mode.rawValue, "-w", "stop"])
    }

    /// Starts the halted server again on its port (after crash recovery when it was stopped `immediate`).
    public func restart() throws {
        try Self.startServer(asPostgres, dataDirectory: dataDirectory, directory: directory, port: port,
                             settings: settings)
    }

    deinit { stop() }

    /// Stops the server at once (no checkpoint); its files go with the temp dir.
    public func stop() {
        _ = try? Self.run(asPostgres, "\(Self.binaries)/pg_ctl", ["-D", dataDirectory, "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `postgres://postgres:<password>@127.0.0.1:<port>/<database>`.
    public func url(database: String = "postgres", password: String? = PostgresServer.password) -> String {
        "postgres://postgres\(password.map { ":" + $0 } ?? "")@127.0.0.1:\(port)/\(database)"
    }

    /// Runs SQL through psql over the socket (a second path, independent of batchlake's libpq code).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        let result = try Self.spawn("\(Self.binaries)/psql", [
            "-h", socketDirectory, "-p", "\(port)", "-U", "postgres", "-d", database, "-At", "-v", "ON_ERROR_STOP=1",
            "-c", sql,
        ])
        guard result.status == 0 else { throw TestSupportError("psql failed: \(result.output)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A fresh database for one test, so tests sharing the server do not see each other's tables.
    public func createDatabase(_ label: String) throws -> String {
        let name = "t_\(label)_\(UUID().uuidString.prefix(8).lowercased())"
        try psql("CREATE DATABASE \"\(name)\"")
        return name
    }

    /// A port nobody listens on right now (bind to 0, read it back, close).
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func run(_ prefix: [String], _ executable: String, _ arguments: [String]) throws {
        if prefix.isEmpty { return try run(executable, arguments) }
        try run(prefix[0], Array(prefix.dropFirst()) + [executable] + arguments)
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let result = try spawn(executable, arguments)
        guard result.status == 0 else {
            throw TestSupportError("\(executable) \(arguments.joined(separator: " ")) failed (\(result.status)): "
                                   + result.output)
        }
    }

    /// posix_spawn + waitpid, output to a temp file, working directory `/`. Foundation's `Process` waits forever
    /// here when the child leaves a daemon behind (`pg_ctl start`), so the server tools do not go through it.
    static func spawn(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let outputPath = "/tmp/batchlake-spawn-\(UUID().uuidString.prefix(8)).log"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else: a pipe of another test's child inherited here would never see its end of file.
        closeInheritedDescriptors(&actions)
        // `env -C /` starts the tool in `/`: postgres cannot read root's home or the build folder.
        let argv: [UnsafeMutablePointer<CChar>?] = (["/usr/bin/env", "-C", "/", executable] + arguments)
            .map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, environ)
        guard code == 0 else { throw TestSupportError("cannot start \(executable): errno \(code)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }
}
