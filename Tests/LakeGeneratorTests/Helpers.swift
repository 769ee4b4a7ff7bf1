import Foundation

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init(_ label: String) throws {
        path = NSTemporaryDirectory() + "lakegen-\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

struct ProcessOutput {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program found on `PATH`, waiting for it; output is read concurrently so large outputs cannot deadlock.
func run(_ arguments: [String]) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let errData = Mutexed<Data>(Data())
    let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errData.isSet { usleep(1_000) }
    return ProcessOutput(
        status: process.terminationStatus,
        stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData.get(), as: UTF8.self)
    )
}

final class Mutexed<T>: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var value: T
    private(set) var isSet = false
    init(_ value: T) { self.value = value }
    func set(_ v: T) { lock.lock(); value = v; isSet = true; lock.unlock() }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
}

/// Reads every batch file with Python's zipfile/gzip/json, classifies each line the way CONTRACT.md defines good
/// and bad lines, and prints one JSON summary: a second path, independent of the generator's own report.
let auditScript = #"""
    import gzip, json, sys, zipfile
    PROBES = json.loads(sys.argv[1])
    out = {"files": []}
    for path in sys.argv[2:]:
        if path.endswith(".zip"):
            with zipfile.ZipFile(path) as z:
                assert z.testzip() is None
                names = z.namelist()
                assert len(names) == 1, names
                text = z.read(names[0])
        elif path.endswith(".gz"):
            text = gzip.open(path).read()
        else:
            text = open(path, "rb").read()
        lines = text.split(b"\n")
        ends_with_newline = text.endswith(b"\n")
        if ends_with_newline:
            lines = lines[:-1]
        f = {"path": path, "lines": len(lines), "good": 0, "dup": 0, "blank": 0, "bad": {}, "versions": [],
             "records": [], "endsWithNewline": ends_with_newline, "jsonBytes": len(text), "presence": {},
             "agencyRecords": 0}
        seen = set()
        def bad(kind):
            f["bad"][kind] = f["bad"].get(kind, 0) + 1
        for raw in lines:
            if raw.strip(b" \t\r\n") == b"":
                f["blank"] += 1; continue
            try:
                s = raw.decode("utf-8")
            except UnicodeDecodeError:
                bad("invalid_utf8"); continue
            try:
                obj = json.loads(s)
            except ValueError:
                bad("truncated_json"); continue
            if not isinstance(obj, dict):
                bad("not_an_object"); continue
            d = obj.get("data")
            if not isinstance(d, dict) or not isinstance(d.get("id"), str):
                bad("missing_id"); continue
            mod = d.get("realEstate_lastModificationDate") or d.get("modification")
            if not isinstance(mod, str):
                bad("missing_modification_time"); continue
            rent = d.get("realEstate_baseRent")
            if rent is not None and (isinstance(rent, bool) or not isinstance(rent, (int, float))):
                bad("non_numeric_base_rent"); continue
            if raw in seen:
                f["dup"] += 1; continue
            seen.add(raw)
            f["good"] += 1
            f["versions"].append([d["id"], mod])
            isAgency = "companyWideCustomerId" in d
            f["agencyRecords"] += isAgency
            for name in PROBES:
                if name in d:
                    f["presence"][name] = f["presence"].get(name, 0) + 1
            def num(k):
                v = d.get(k)
                return float(v) if v is not None else None
            f["records"].append({
                "id": d["id"], "mod": mod, "bytes": len(raw), "baseRent": rent,
                "service": num("realEstate_serviceCharge"), "heating": num("realEstate_heatingCosts"),
                "total": num("realEstate_calculatedTotalRent"), "living": num("realEstate_livingSpace"),
                "quarterCode": d["realEstate_address_geoHierarchy_quarter_fullGeoCodeId"],
                "postcode": d["realEstate_address_postcode"], "keys": len(d), "agency": isAgency,
                "cwid": d.get("companyWideCustomerId"),
                "freeFrom": d.get("realEstate_freeFrom"),
            })
        out["files"].append(f)
    print(json.dumps(out))
    """#

struct Audit: Decodable {
    struct Record: Decodable {
        var id: String
        var mod: String
        var bytes: Int
        var baseRent: Double?
        var service: Double?
        var heating: Double?
        var total: Double?
        var living: Double?
        var quarterCode: String
        var postcode: String
        var keys: Int
        var agency: Bool
        var cwid: String?
        var freeFrom: String?
    }

    struct File: Decodable {
        var path: String
        var lines: Int
        var good: Int
        var dup: Int
        var blank: Int
        var bad: [String: Int]
        var versions: [[String]]
        var records: [Record]
        var endsWithNewline: Bool
        var jsonBytes: Int
        var presence: [String: Int]
        var agencyRecords: Int
    }

    var files: [File]
}

func audit(_ paths: [String], probes: [String]) throws -> Audit {
    let probesJSON = String(decoding: try JSONSerialization.data(withJSONObject: probes), as: UTF8.self)
    let result = try run(["python3", "-c", auditScript, probesJSON] + paths)
    guard result.status == 0 else { throw AuditFailure(message: result.stderr) }
    return try JSONDecoder().decode(Audit.self, from: Data(result.stdout.utf8))
}

struct AuditFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
