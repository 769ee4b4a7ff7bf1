import Foundation
import Glibc

/// One finished child process: wall time, peak resident memory, exit status and what it printed.
struct ChildRun {
    var seconds: Double
    /// `ru_maxrss` of the child, in KiB (Linux reports kilobytes).
    var peakRSSKiB: Int
    var status: Int32
    /// What the child printed on stdout, when it was under 4 MB (else empty; see `stdoutLines`).
    var stdout: String
    var stderr: String
    /// Lines printed on stdout.
    var stdoutLines: Int

    var peakRSSMiB: Double { Double(peakRSSKiB) / 1024 }
}

enum ChildProcess {
    /// Runs `arguments[0]` (searched in PATH) with its arguments and waits; stdout and stderr go to temporary files
    /// that are read back. Peak RSS comes from `wait4`'s rusage, so it is the child's alone.
    static func run(_ arguments: [String], workDirectory: String) throws -> ChildRun {
        let outPath = workDirectory + "/.child-stdout"
        let errPath = workDirectory + "/.child-stderr"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let started = DispatchTime.now().uptimeNanoseconds
        let code = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        guard code == 0 else {
            throw BenchError("cannot start \(arguments[0]): \(String(cString: strerror(code)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchError("wait4 failed: \(String(cString: strerror(errno)))") }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        var lines = 0
        var small: [UInt8] = []
        var tooBig = false
        if let handle = FileHandle(forReadingAtPath: outPath) {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                for byte in chunk where byte == 10 { lines += 1 }
                if !tooBig { small += chunk }
                if small.count >= 4 << 20 {
                    tooBig = true
                    small = []
                }
            }
            try? handle.close()
        }
        let out = String(decoding: small, as: UTF8.self)
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        unlink(outPath)
        unlink(errPath)
        return ChildRun(seconds: seconds, peakRSSKiB: Int(usage.ru_maxrss), status: exit, stdout: out, stderr: err,
                        stdoutLines: lines)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
