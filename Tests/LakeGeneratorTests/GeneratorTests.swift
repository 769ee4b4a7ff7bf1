import Foundation
import LakeCore
import Testing

@testable import LakeGenerator

@Suite("Generator")
struct GeneratorTests {
    static let start = PartitionKey(year: 2019, month: 1, day: 13, hour: 22)

    private func generate(
        _ dir: TemporaryDirectory,
        sub: String = "out",
        hours: Int = 3,
        perHour: Int = 60,
        seed: UInt64 = 7,
        messy: Bool = false,
        format: BatchFileFormat = .zip
    ) throws
        -> GenerationReport
    {
        try Generator.generate(
            GeneratorOptions(
                outputDirectory: dir.path + "/" + sub,
                hours: hours,
                perHour: perHour,
                seed: seed,
                start: Self.start,
                isMessy: messy,
                format: format,
                syncsFiles: false
            )
        )
    }

    private func contents(_ report: GenerationReport) throws -> [Data] {
        try report.files.map { try Data(contentsOf: URL(fileURLWithPath: $0.path)) }
    }

    @Test("the same options give byte-identical files; another seed gives other files")
    func determinism() throws {
        let dir = try TemporaryDirectory("det")
        defer { dir.remove() }
        let a = try generate(dir, sub: "a", messy: true)
        let b = try generate(dir, sub: "b", messy: true)
        let c = try generate(dir, sub: "c", seed: 8, messy: true)
        #expect(try contents(a) == contents(b))
        #expect(try contents(a) != contents(c))
        #expect(a.goodVersions == b.goodVersions)
        #expect(
            a.files.map(\.fileName) == [
                "immobilienscout24_berlin_20190113_22.zip", "immobilienscout24_berlin_20190113_23.zip",
                "immobilienscout24_berlin_20190114_00.zip",
            ]
        )
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/a")
        #expect(leftovers.sorted() == a.files.map(\.fileName).sorted(), "no temporary files left behind")
    }

    @Test("zip, gz and jsonl carry the same JSON text, and the ZIPs pass unzip -t")
    func formatsAgree() throws {
        let dir = try TemporaryDirectory("fmt")
        defer { dir.remove() }
        var texts: [[String]] = []
        for format in BatchFileFormat.allCases {
            let report = try generate(dir, sub: format.rawValue, hours: 2, perHour: 30, messy: true, format: format)
            let script = """
                import gzip, hashlib, sys, zipfile
                for p in sys.argv[1:]:
                    if p.endswith(".zip"):
                        z = zipfile.ZipFile(p); t = z.read(z.namelist()[0])
                    elif p.endswith(".gz"):
                        t = gzip.open(p).read()
                    else:
                        t = open(p, "rb").read()
                    print(hashlib.sha256(t).hexdigest(), len(t))
                """
            let out = try run(["python3", "-c", script] + report.files.map(\.path))
            #expect(out.status == 0, "\(out.stderr)")
            texts.append(out.stdout.split(separator: "\n").map(String.init))
            #expect(texts.last!.map { Int64($0.split(separator: " ")[1])! } == report.files.map(\.jsonBytes))
            if format == .zip {
                for file in report.files {
                    let unzip = try run(["unzip", "-t", file.path])
                    #expect(unzip.status == 0, "\(unzip.stdout)")
                    #expect(unzip.stdout.contains(file.memberName!))
                }
            }
        }
        #expect(texts[0] == texts[1] && texts[1] == texts[2])
    }

    @Test("messy batches hold exactly the bad, blank and duplicate lines the report counts")
    func messyCountsMatchReport() throws {
        let dir = try TemporaryDirectory("messy")
        defer { dir.remove() }
        let report = try generate(dir, hours: 4, perHour: 150, messy: true)
        let audited = try audit(report.files.map(\.path), probes: [])
        var versions = Set<[String]>()
        for (file, seen) in zip(report.files, audited.files) {
            #expect(seen.lines == file.lineCount)
            #expect(seen.good == file.goodLines)
            #expect(seen.dup == file.duplicateLines)
            #expect(seen.blank == file.blankLines)
            #expect(seen.bad == Dictionary(uniqueKeysWithValues: file.badLines.map { ($0.key.rawValue, $0.value) }))
            #expect(seen.endsWithNewline == file.endsWithNewline)
            #expect(seen.versions == file.versions.map { [$0.listingID, $0.modifiedAt] })
            #expect(file.lineCount == file.goodLines + file.duplicateLines + file.blankLines + file.badLineCount)
            versions.formUnion(seen.versions)
        }
        #expect(Set(report.goodVersions.map { [$0.listingID, $0.modifiedAt] }) == versions)
        #expect(Set(report.badLines.keys) == Set(BadLineKind.allCases), "every kind of bad line appears")
        let records = report.files.reduce(0) { $0 + $1.goodLines + $1.badLineCount }
        let badShare = Double(report.badLineCount) / Double(records)
        #expect(badShare > 0.005 && badShare < 0.02, "about 1% bad lines, got \(badShare)")
        #expect(report.duplicateLines > 0 && report.blankLines > 0 && report.redeliveredLines > 0)
        #expect(report.goodVersions.count == report.goodLines - report.redeliveredLines)
    }

    @Test("later hours bring about 10% newer versions of earlier listings with a changed rent")
    func updatesOfEarlierListings() throws {
        let dir = try TemporaryDirectory("upd")
        defer { dir.remove() }
        let report = try generate(dir, hours: 4, perHour: 100, format: .jsonl)
        let audited = try audit(report.files.map(\.path), probes: [])
        var latest: [String: Audit.Record] = [:]
        for (index, file) in audited.files.enumerated() {
            var updates = 0
            for record in file.records {
                if let earlier = latest[record.id] {
                    updates += 1
                    let before = try #require(Self.micros(earlier.mod)), after = try #require(Self.micros(record.mod))
                    #expect(after > before, "\(record.id): \(earlier.mod) → \(record.mod)")
                    #expect(record.baseRent != earlier.baseRent)
                    let hourStart = report.files[index].hour.epochSeconds * 1_000_000
                    #expect(after >= hourStart && after < hourStart + 3_600_000_000)
                }
                latest[record.id] = record
            }
            #expect(updates == report.files[index].updateLines)
            #expect(updates == (index == 0 ? 0 : 10))
        }
    }

    @Test("records look like the source: sizes, geography, rents, ids, free-text dates")
    func recordsLookReal() throws {
        let dir = try TemporaryDirectory("look")
        defer { dir.remove() }
        let report = try generate(dir, hours: 2, perHour: 200)
        let records = try audit(report.files.map(\.path), probes: []).files.flatMap(\.records)
        #expect(records.count == 400)
        let averageBytes = records.reduce(0) { $0 + $1.bytes } / records.count
        #expect((12_000...35_000).contains(averageBytes), "average record \(averageBytes) B")
        #expect(records.filter { !(4_000...40_000).contains($0.bytes) }.count <= records.count / 50)
        let postcodes = Set(BerlinData.quarters.flatMap(\.postcodes))
        for r in records {
            #expect(r.quarterCode.hasPrefix("1276003001") && r.quarterCode.count == 13)
            #expect(postcodes.contains(r.postcode))
            #expect((8...9).contains(r.id.count) && r.id.allSatisfy(\.isNumber))
            #expect(r.keys >= 95 && r.keys <= 140, "\(r.keys) fields")
            let rent = try #require(r.baseRent), service = try #require(r.service), total = try #require(r.total)
            #expect(abs(rent + service + (r.heating ?? 0) - total) < 0.005)
            if let living = r.living {
                #expect((20...250).contains(living))
                #expect((7.9...25.1).contains(rent / living), "\(rent) € for \(living) m²")
                #expect((1.4...3.1).contains(service / living), "service charge \(service) € for \(living) m²")
                if let heating = r.heating { #expect((0.6...1.6).contains(heating / living), "heating \(heating) €") }
            }
            if let cwid = r.cwid { #expect(cwid.count == 10 && cwid.hasPrefix("00")) }
        }
        let freeFroms = records.compactMap(\.freeFrom)
        let dates = freeFroms.filter { $0.count == 8 && $0.split(separator: ".").count == 3 }
        let textShare = 1 - Double(dates.count) / Double(freeFroms.count)
        #expect(textShare > 0.1 && textShare < 0.3, "free text in \(textShare) of freeFrom")
        #expect(report.distinctQuarters > 30 && report.distinctAgencies > 80)
        #expect(Set(records.compactMap(\.cwid)).count == report.distinctAgencies)
        #expect(Set(records.map(\.quarterCode)).count == report.distinctQuarters)
        #expect(report.distinctAddresses <= report.distinctListings && report.distinctAddresses > 300)
    }

    @Test("optional fields are missing at about their configured rates")
    func fieldPresenceRates() throws {
        let dir = try TemporaryDirectory("rates")
        defer { dir.remove() }
        let report = try generate(dir, hours: 3, perHour: 400, format: .jsonl)
        let fields = OptionalField.allCases.filter { $0 != .coordinates }  // only with a street
        let audited = try audit(report.files.map(\.path), probes: fields.map(\.probeField))
        // Updates repeat a listing's choices, so count every line; the spread is binomial over ~1,200 lines.
        let total = audited.files.reduce(0) { $0 + $1.good }
        let agencies = audited.files.reduce(0) { $0 + $1.agencyRecords }
        for field in fields {
            let present = audited.files.reduce(0) { $0 + ($1.presence[field.probeField] ?? 0) }
            let base = field.applies(toAgency: false) ? total : agencies
            var expected = 1 - field.missingRate
            if field == .thermalCharacteristic { expected *= 1 - OptionalField.energyCertificate.missingRate }
            let rate = Double(present) / Double(base)
            #expect(abs(rate - expected) < 0.06, "\(field.probeField): present in \(rate), expected \(expected)")
        }
    }

    @Test("timestamps use Berlin's offset in summer and winter")
    func berlinOffsets() {
        var bytes: [UInt8] = []
        bytes.putTimestamp(millis: 1_500_042_006_000, berlin: true)  // 2017-07-14T14:20:06Z
        #expect(String(decoding: bytes, as: UTF8.self) == "2017-07-14T16:20:06.000+02:00")
        bytes.removeAll()
        bytes.putTimestamp(millis: 1_547_292_731_975, berlin: false)
        #expect(String(decoding: bytes, as: UTF8.self) == "2019-01-12T11:32:11.975Z")
        bytes.removeAll()
        bytes.putTimestamp(millis: 1_547_292_731_975, berlin: true)
        #expect(String(decoding: bytes, as: UTF8.self) == "2019-01-12T12:32:11.975+01:00")
        #expect(Timestamps.berlinOffset(epochSeconds: 1_553_994_000 - 1) == 3_600)  // 2019-03-31T00:59:59Z
        #expect(Timestamps.berlinOffset(epochSeconds: 1_553_994_000) == 7_200)
    }

    @Test("the embedded quarter table is large and consistent")
    func quarterTable() {
        let quarters = BerlinData.quarters
        #expect(quarters.count >= 40)
        #expect(Set(quarters.map(\.code)).count == quarters.count)
        #expect(quarters.allSatisfy { (1...999).contains($0.code) && !$0.postcodes.isEmpty })
        #expect(quarters.allSatisfy { $0.postcodes.allSatisfy { $0.count == 5 && ($0.hasPrefix("1")) } })
        #expect(quarters.first { $0.name == "Mitte (Mitte)" }?.code == 46)
    }

    /// Microseconds since the epoch of an ISO-8601 timestamp with milliseconds and `Z` or `±HH:MM`.
    static func micros(_ text: String) -> Int64? {
        let s = Array(text.utf8)
        guard s.count >= 24 else { return nil }
        func n(_ a: Int, _ b: Int) -> Int { Int(String(decoding: s[a..<b], as: UTF8.self))! }
        let days = CivilDate.toDays(year: n(0, 4), month: n(5, 7), day: n(8, 10))
        var seconds = days * 86_400 + Int64(n(11, 13) * 3600 + n(14, 16) * 60 + n(17, 19))
        if s[23] != UInt8(ascii: "Z") {
            let offset = Int64(n(24, 26) * 3600 + n(27, 29) * 60)
            seconds += s[23] == UInt8(ascii: "+") ? -offset : offset
        }
        return seconds * 1_000_000 + Int64(n(20, 23)) * 1_000
    }
}
