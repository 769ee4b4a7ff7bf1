/// An hour partition of the lake, written `dt=YYYY-MM-DD/hour=HH` everywhere (paths, CLI, catalog).
public struct PartitionKey: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int

    public init(year: Int, month: Int, day: Int, hour: Int) {
        precondition((1...12).contains(month) && (1...31).contains(day) && (0...23).contains(hour))
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
    }

    /// The partition holding an instant, in UTC.
    public init(epochSeconds: Int64) {
        let days = Int64(floorDiv(epochSeconds, 86_400))
        let (y, m, d) = CivilDate.fromDays(days)
        self.init(year: y, month: m, day: d, hour: Int((epochSeconds - days * 86_400) / 3_600))
    }

    /// `YYYY-MM-DD`.
    public var dateString: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }
    /// `dt=YYYY-MM-DD/hour=HH`.
    public var path: String { "dt=\(dateString)/hour=\(pad(hour, 2))" }
    public var description: String { path }
    /// Seconds since the Unix epoch at the start of the hour.
    public var epochSeconds: Int64 {
        CivilDate.toDays(year: year, month: month, day: day) * 86_400 + Int64(hour) * 3_600
    }

    /// Parses `dt=YYYY-MM-DD/hour=HH`, `YYYY-MM-DDTHH` or `YYYY-MM-DDTHH:MM[Z]` (minutes must be 00).
    public static func parse(_ text: String) -> PartitionKey? {
        var s = Substring(text)
        if s.hasPrefix("dt=") {
            let parts = s.split(separator: "/")
            guard parts.count == 2, parts[1].hasPrefix("hour=") else { return nil }
            guard let date = parseDate(parts[0].dropFirst(3)), let hour = Int(parts[1].dropFirst(5)),
                  parts[1].count == 7, (0...23).contains(hour) else { return nil }
            return PartitionKey(year: date.0, month: date.1, day: date.2, hour: hour)
        }
        if s.hasSuffix("Z") { s = s.dropLast() }
        guard s.count >= 13, let t = s.firstIndex(of: "T") else { return nil }
        guard let date = parseDate(s[..<t]) else { return nil }
        let rest = s[s.index(after: t)...]
        let hourText = rest.prefix(2)
        guard hourText.count == 2, let hour = Int(hourText), (0...23).contains(hour) else { return nil }
        let tail = rest.dropFirst(2)
        if !tail.isEmpty && tail != ":00" && tail != ":00:00" { return nil }
        return PartitionKey(year: date.0, month: date.1, day: date.2, hour: hour)
    }

    public static func < (a: PartitionKey, b: PartitionKey) -> Bool {
        (a.year, a.month, a.day, a.hour) < (b.year, b.month, b.day, b.hour)
    }

    static func parseDate(_ s: Substring) -> (Int, Int, Int)? {
        let p = s.split(separator: "-", omittingEmptySubsequences: false)
        guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2,
              let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]),
              (1...12).contains(m), (1...CivilDate.daysInMonth(year: y, month: m)).contains(d)
        else { return nil }
        return (y, m, d)
    }
}

/// A partition filter as the CLI takes it: one hour (`dt=…/hour=HH`) or a whole day (`dt=YYYY-MM-DD`).
public enum PartitionSelector: Sendable, Hashable, CustomStringConvertible {
    case hour(PartitionKey)
    case day(year: Int, month: Int, day: Int)

    public static func parse(_ text: String) -> PartitionSelector? {
        if let key = PartitionKey.parse(text) { return .hour(key) }
        if text.hasPrefix("dt="), !text.contains("/"), let d = PartitionKey.parseDate(Substring(text).dropFirst(3)) {
            return .day(year: d.0, month: d.1, day: d.2)
        }
        return nil
    }

    public func contains(_ key: PartitionKey) -> Bool {
        switch self {
        case .hour(let k): return k == key
        case .day(let y, let m, let d): return key.year == y && key.month == m && key.day == d
        }
    }

    public var description: String {
        switch self {
        case .hour(let k): return k.path
        case .day(let y, let m, let d): return "dt=\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
        }
    }
}

/// Proleptic Gregorian calendar arithmetic without Foundation (Howard Hinnant's days_from_civil).
public enum CivilDate {
    public static func toDays(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func fromDays(_ z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

@inline(__always) func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}

/// Zero-pads a non-negative number to `width` digits.
public func pad(_ value: Int, _ width: Int) -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
