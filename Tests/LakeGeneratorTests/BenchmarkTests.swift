import Foundation
import Glibc
import LakeCore
import Testing

@testable import LakeGenerator

/// Speed of `generate` on the benchmark shape (24 h × 500 records). Opt-in, release builds only:
///
///     LAKEGEN_BENCH_DIR=/tmp/bench swift test -c release -Xswiftc -enable-testing --filter BenchmarkTests
@Suite("Generator benchmark", .enabled(if: ProcessInfo.processInfo.environment["LAKEGEN_BENCH_DIR"] != nil))
struct BenchmarkTests {
    @Test("24 hours × 500 records, each format, prints MB/s of JSON")
    func throughput() throws {
        let base = ProcessInfo.processInfo.environment["LAKEGEN_BENCH_DIR"]!
        for format in BatchFileFormat.allCases {
            let cpuBefore = cpuSeconds()
            let clock = ContinuousClock()
            var report: GenerationReport?
            let elapsed = try clock.measure {
                report = try Generator.generate(
                    GeneratorOptions(
                        outputDirectory: base + "/" + format.rawValue,
                        hours: 24,
                        perHour: 500,
                        seed: 1,
                        isMessy: true,
                        format: format
                    )
                )
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            let megabytes = Double(report!.jsonBytes) / 1e6
            let fileMegabytes = Double(report!.files.reduce(0) { $0 + $1.fileBytes }) / 1e6
            let cpu = cpuSeconds() - cpuBefore
            print(
                "generate \(format.rawValue): \(megabytes) MB JSON → \(fileMegabytes) MB files in \(seconds) s wall "
                    + "(\(Int(megabytes / seconds)) MB/s), \(cpu) s CPU (\(Int(megabytes / cpu)) MB/s per core)"
            )
        }
    }
}

/// User plus system CPU time of this process. The corresponding C function is `getrusage`.
private func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
