import Glibc
import LakeCore
import LakeStorage

/// The fuzz input is written to this file (one per process) and read back through `InputFile`, the way ingest
/// reads an upload: kind by magic bytes (`PK\3\4`/`PK\5\6` ZIP, `1f 8b` gzip, else plain JSON lines).
let scratchPath: String = {
    let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    return "\(base)/batchlake-fuzz-input-\(getpid()).bin"
}()
let scratch: Int32 = {
    let fd = open(scratchPath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    precondition(fd >= 0, "cannot create \(scratchPath)")
    atexit { unlink(scratchPath) }
    return fd
}()

/// libFuzzer entry: any file must read to lines or throw a `LakeError`; a crash, trap, hang or huge allocation is a
/// bug the fuzzer reports. Lines are capped at 1 MiB and chunks are small so that a member inflating to many
/// megabytes is still fast, and any allocation that grows with a declared size rather than the data shows up.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    precondition(ftruncate(scratch, 0) == 0)
    var written = 0
    while written < size {
        let n = pwrite(scratch, data + written, size - written, off_t(written))
        precondition(n > 0, "cannot write \(scratchPath)")
        written += n
    }
    do {
        let input = try InputFile.open(
            path: scratchPath, options: InputOptions(maxLineLength: 1 << 20, tooLongPrefixLength: 64, chunkSize: 4096))
        let members = try input.zipMembers()
        var lines = 0
        var bytes = 0
        let summary = try input.forEachLine { event in
            switch event {
            case .line(let line):
                lines += 1
                bytes += line.bytes.count
                precondition(line.bytes.count <= 1 << 20, "a line over the maximum was delivered")
            case .tooLong(let long):
                precondition(long.length > 1 << 20 && long.prefix.count <= 64, "bad too-long record")
            }
        }
        precondition(summary.lines == lines, "summary counts \(summary.lines) lines, \(lines) delivered")
        precondition(input.kind != .zip || summary.members == members.filter { !$0.isDirectory }.count)
    } catch is LakeError {
        return 0
    } catch {
        fatalError("non-LakeError escaped the input reader: \(error)")
    }
    return 0
}

// SwiftPM links an executable's entry point as `<module>_main`; hand control to libFuzzer's driver from there.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("FuzzInput_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzInput(data, size) }
}
