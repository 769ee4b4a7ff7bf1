import LakeJSON

/// The keys the pipeline wants from `data` (a sample of the spec's fields) plus short ones that mutations hit often.
let wanted = [
    "id", "x", "y", "realEstate_totalRent", "realEstate_baseRent", "realEstate_lastModificationDate",
    "realEstate_descriptionNote", "realEstate_numberOfRooms", "realEstate_freeFrom", "realEstate_balcony",
    "realEstate_address_geoHierarchy_quarter_fullGeoCodeId", "modification", "companyWideCustomerId",
]
let scanner = RecordScanner(fields: FieldTable(fieldNames: wanted), maxDepth: 64)

/// libFuzzer entry: any bytes must scan to a record or a `ScanError`; every value found must parse as each type or
/// give nil. A crash, trap, hang or huge allocation is a bug the fuzzer reports.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // A copy of exactly `size` bytes, so AddressSanitizer sees any read past the line.
    let line = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 1)
    defer { line.deallocate() }
    if size > 0 { line.copyMemory(from: UnsafeRawBufferPointer(start: data, count: size)) }
    let bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(line)[0..<size])
    var slots: [JSONValueRef?] = []
    if let error = scanner.scan(bytes, into: &slots) {
        precondition(error.offset >= 0 && error.offset <= size, "error offset \(error.offset) outside the line")
        precondition(slots.allSatisfy { $0 == nil }, "slots left filled after an error")
        _ = error.description
        return 0
    }
    var text: [UInt8] = []
    for case let ref? in slots {
        precondition(ref.start >= 0 && ref.start <= ref.end && ref.end <= size, "value range outside the line")
        text.removeAll(keepingCapacity: true)
        _ = JSONValues.appendString(ref, in: bytes, to: &text)
        _ = JSONValues.int64(ref, in: bytes)
        for scale in [0, 2, 6, 18] { _ = JSONValues.decimal(ref, in: bytes, scale: scale) }
        _ = JSONValues.double(ref, in: bytes)
        _ = JSONValues.bool(ref, in: bytes)
        _ = JSONValues.timestamp(ref, in: bytes)
        _ = JSONValues.date(ref, in: bytes)
        // The text parsers also see raw bytes that were never JSON-checked (a value's unescaped content).
        text.withUnsafeBytes { raw in
            _ = JSONValues.int64(text: raw)
            _ = JSONValues.decimal(text: raw, scale: 2)
            _ = JSONValues.double(text: raw)
            _ = JSONValues.bool(text: raw)
            _ = JSONValues.timestamp(text: raw)
            _ = JSONValues.date(text: raw)
        }
    }
    return 0
}

// SwiftPM links an executable's entry point as `<module>_main`; hand control to libFuzzer's driver from there.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("FuzzJSON_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzJSON(data, size) }
}
