public import LakeCore
internal import LakeCompression
internal import Dispatch
internal import Synchronization

/// What `batchlake generate` asks for.
public struct GeneratorOptions: Sendable {
    /// Directory for the batch files; created if missing.
    public var outputDirectory: String
    /// Number of hourly batches.
    public var hours: Int
    /// Records per batch: good ones plus, in messy mode, bad ones. Blank lines and exact duplicate copies come on
    /// top.
    public var perHour: Int
    /// Same seed and options, same bytes.
    public var seed: UInt64
    /// The first batch's hour.
    public var start: PartitionKey
    /// Adds about 1% bad lines of every `BadLineKind`, plus blank lines, exact duplicate lines and redelivered
    /// versions.
    public var isMessy: Bool
    /// The container of each batch file.
    public var format: BatchFileFormat
    /// zlib level for `.zip` and `.gzip`, 0 to 9. Defaults to 1: deflate dominates the run time, and level 6
    /// costs about twice the time for files about a quarter smaller.
    public var compressionLevel: Int32
    /// `fsync` each file before it is renamed to its final name.
    public var syncsFiles: Bool

    /// Creates options; the defaults match `batchlake generate` without flags.
    public init(
        outputDirectory: String,
        hours: Int = 1,
        perHour: Int = 500,
        seed: UInt64 = 1,
        start: PartitionKey = PartitionKey(year: 2019, month: 1, day: 13, hour: 0),
        isMessy: Bool = false,
        format: BatchFileFormat = .zip,
        compressionLevel: Int32 = 1,
        syncsFiles: Bool = true
    ) {
        self.outputDirectory = outputDirectory
        self.hours = hours
        self.perHour = perHour
        self.seed = seed
        self.start = start
        self.isMessy = isMessy
        self.format = format
        self.compressionLevel = compressionLevel
        self.syncsFiles = syncsFiles
    }
}

/// Writes synthetic immobilienscout24 Berlin batches.
public enum Generator {
    /// The batch file name for an hour: `immobilienscout24_berlin_YYYYMMDD_HH.<ext>`.
    public static func fileName(for hour: PartitionKey, format: BatchFileFormat) -> String {
        "\(baseName(for: hour)).\(format.fileExtension)"
    }

    /// The JSON-lines member name inside a batch ZIP: `immobilienscout24_berlin_YYYYMMDD_HH.jsonl`.
    public static func memberName(for hour: PartitionKey) -> String { "\(baseName(for: hour)).jsonl" }

    static func baseName(for hour: PartitionKey) -> String {
        "immobilienscout24_berlin_\(pad(hour.year, 4))\(pad(hour.month, 2))\(pad(hour.day, 2))_\(pad(hour.hour, 2))"
    }

    /// Writes `options.hours` batch files into `options.outputDirectory`, hours in parallel on up to all cores,
    /// each file under a temporary name first and renamed when complete.
    /// - Returns: what each file holds.
    /// - Throws: `LakeError` with `.usage` for impossible options, `.io` when a file cannot be written.
    public static func generate(_ options: GeneratorOptions) throws -> GenerationReport {
        guard options.hours >= 0, options.perHour >= 0 else {
            throw LakeError(
                .usage,
                "hours and records per hour must not be negative",
                remedy: "pass --hours and --per-hour as whole numbers ≥ 0"
            )
        }
        guard (0...9).contains(options.compressionLevel) else {
            throw LakeError(.usage, "compression level \(options.compressionLevel) is not between 0 and 9")
        }
        try makeDirectories(options.outputDirectory)
        let universe = Universe(seed: options.seed)
        var planner = Planner(options: options, universe: universe)
        let plans = (0..<options.hours).map { planner.planHour($0) }

        let results = Mutex<[Int: Result<GeneratedFile, any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: plans.count) { index in
            let result = Result { try write(plans[index], options: options, universe: universe) }
            results.withLock { $0[index] = result }
        }
        let files = try results.withLock { all in try (0..<plans.count).map { try all[$0]!.get() } }
        return planner.report(files: files)
    }

    /// Renders one hour's lines into its file.
    static func write(_ plan: HourPlan, options: GeneratorOptions, universe: Universe) throws -> GeneratedFile {
        let name = fileName(for: plan.hour, format: options.format)
        let directory =
            options.outputDirectory.hasSuffix("/")
            ? String(options.outputDirectory.dropLast())
            : options.outputDirectory
        let finalPath = directory + "/" + name
        let temporaryPath = directory + "/." + name + ".partial"
        let sink = try BatchSink(
            path: temporaryPath,
            format: options.format,
            member: memberName(for: plan.hour),
            level: options.compressionLevel,
            modificationTime: plan.hour.epochSeconds + 3_600
        )
        var renderer = RecordRenderer(universe: universe)
        var line: [UInt8] = []
        line.reserveCapacity(64 * 1024)
        var saved: [Int: [UInt8]] = [:]
        var jsonBytes: Int64 = 0
        for (index, planned) in plan.lines.enumerated() {
            line.removeAll(keepingCapacity: true)
            switch planned {
            case .good(let listing, _):
                renderer.render(listing, into: &line)
                if plan.duplicated.contains(index) { saved[index] = line }
            case .bad(let listing, let kind, let variant):
                switch kind {
                case .nonNumericBaseRent: renderer.render(listing, flaw: .nonNumericBaseRent(variant), into: &line)
                case .missingID: renderer.render(listing, flaw: .missingID(variant), into: &line)
                case .missingModificationTime:
                    renderer.render(listing, flaw: .missingModificationTime, into: &line)
                case .invalidUTF8: renderer.render(listing, flaw: .invalidUTF8(variant), into: &line)
                case .truncatedJSON:
                    renderer.render(listing, into: &line)
                    // Cut before an ASCII byte, so the prefix is still valid UTF-8 and only the JSON is broken.
                    var cut = line.count / 10 + variant % (line.count * 8 / 10)
                    while line[cut] >= 0x80 { cut += 1 }
                    line.removeSubrange(cut...)
                case .notAnObject:
                    line.put(notAnObjectLines[variant % notAnObjectLines.count])
                }
            case .blank(let variant):
                switch variant {
                case 0...2: break
                case 3...5: line.put("   ")
                case 6, 7: line.put("\t \t")
                case 8: line.put("\r")
                default: line.append(contentsOf: repeatElement(0x20, count: 100_000))
                }
            case .duplicate(let of):
                line.append(contentsOf: saved[of]!)
            }
            if index < plan.lines.count - 1 || !plan.lacksFinalNewline { line.append(0x0A) }
            jsonBytes += Int64(line.count)
            try sink.write(line)
        }
        let fileBytes = try sink.finish(sync: options.syncsFiles)
        try publish(temporaryPath, as: finalPath, directory: directory)
        var file = plan.summary
        file.path = finalPath
        file.fileName = name
        file.memberName = options.format == .zip ? memberName(for: plan.hour) : nil
        file.jsonBytes = jsonBytes
        file.fileBytes = fileBytes
        return file
    }
}

private let notAnObjectLines: [StaticString] = ["[1,2]", "42", "null", "\"ok\"", "[]", "true", "[{\"ok\": true}]"]

/// Where a batch's JSON text goes: a ZIP member, a gzip stream or a plain file.
private final class BatchSink {
    private let zip: ZIPWriter?
    private let file: OutputFile?
    private let deflater: Deflater?

    init(path: String, format: BatchFileFormat, member: String, level: Int32, modificationTime: Int64) throws {
        switch format {
        case .zip:
            let zip = try ZIPWriter(path: path)
            try zip.beginMember(
                member,
                options: .init(compressionLevel: level, modificationTime: modificationTime)
            )
            self.zip = zip
            file = nil
            deflater = nil
        case .gzip:
            zip = nil
            file = try OutputFile(path: path)
            deflater = try Deflater(format: .gzip, level: level)
        case .jsonl:
            zip = nil
            file = try OutputFile(path: path)
            deflater = nil
        }
    }

    func write(_ bytes: [UInt8]) throws {
        if let zip {
            try zip.write(bytes)
        } else if let deflater, let file {
            try bytes.withUnsafeBytes { raw in try deflater.deflate(raw) { try file.write($0) } }
        } else {
            try file!.write(bytes)
        }
    }

    /// - Returns: the file's size.
    func finish(sync: Bool) throws -> Int64 {
        if let zip {
            try zip.endMember()
            try zip.finish(sync: sync)
            return zip.byteCount
        }
        let file = file!
        if let deflater {
            try deflater.deflate(UnsafeRawBufferPointer(start: nil, count: 0), finish: true) { try file.write($0) }
        }
        let size = file.offset
        try file.close(sync: sync)
        return size
    }
}
