import LakeCore
import LakeFormat

/// libFuzzer entry: any input must either open, verify and decode, or throw a `LakeError`; a crash, trap,
/// hang or huge allocation is a bug the fuzzer reports.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzColumnar(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Half the inputs get their checksums repaired so that mutations reach the footer parser and the decoders.
    if size > 0 && data[0] & 1 == 1 {
        bytes.removeFirst()
        ColumnarReader._repairChecksums(&bytes)
    }
    do {
        let reader = try ColumnarReader(bytes: bytes, name: "fuzz.bcol")
        _ = reader.describe()
        try reader.verify()
        for g in reader.rowGroups.indices {
            _ = try reader.read(rowGroup: g, columns: Array(reader.schema.columns.indices))
        }
        for column in reader.schema.columns {
            _ = reader.mightContain(column: column.name, value: .int(42))
            _ = reader.mightContain(column: column.name, value: .text("Gas"))
        }
    } catch is LakeError {
        return 0
    } catch {
        fatalError("non-LakeError escaped the reader: \(error)")
    }
    return 0
}

// SwiftPM links an executable's entry point as `<module>_main`; hand control to libFuzzer's driver from there.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("FuzzColumnar_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzColumnar(data, size) }
}
