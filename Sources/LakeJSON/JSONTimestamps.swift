import LakeCore

extension JSONValues {
    /// Microseconds since 1970-01-01T00:00:00Z from a string holding an ISO-8601 instant or a date.
    ///
    /// Accepted (with optional surrounding spaces):
    /// - `YYYY-MM-DD` followed by `T` or a space, `HH:MM`, optional `:SS`, optional fraction `.f…` (digits beyond
    ///   microseconds are truncated), and an optional zone: `Z`, `±HH`, `±HHMM` or `±HH:MM`. No zone means UTC.
    ///   `2017-07-14T16:20:06.000+02:00`, `2019-01-12T11:32:11.975Z`, `2019-01-12 11:32:11`.
    /// - A date alone, at midnight UTC: `2019-01-12`, German `01.07.2017`, or `01.07.17` (two-digit years are 20yy).
    ///
    /// Fields are range-checked (month, day of month with leap years, hour < 24, minute and second < 60, zone
    /// offset under 24 hours); anything else (`sofort`, `2019-02-30`) is nil.
    public static func timestamp(_ value: JSONValueRef, in line: UnsafeRawBufferPointer) -> Int64? {
        guard value.kind == .string else { return nil }
        return withText(of: value, in: line, allowStrings: true) { timestamp(text: $0) }
    }

    /// A timestamp from text; see `timestamp(_:in:)`.
    public static func timestamp(text: UnsafeRawBufferPointer) -> Int64? {
        guard let parsed = CivilInstant(text) else { return nil }
        return parsed.days * 86_400_000_000 + parsed.microsecondOfDay - parsed.offsetSeconds * 1_000_000
    }

    /// Days since 1970-01-01 from the same inputs as `timestamp(_:in:)`: the calendar date as written, before any
    /// zone offset is applied (`2019-01-12T23:30:00-02:00` is 2019-01-12).
    public static func date(_ value: JSONValueRef, in line: UnsafeRawBufferPointer) -> Int32? {
        guard value.kind == .string else { return nil }
        return withText(of: value, in: line, allowStrings: true) { date(text: $0) }
    }

    /// A date from text; see `date(_:in:)`.
    public static func date(text: UnsafeRawBufferPointer) -> Int32? {
        guard let parsed = CivilInstant(text) else { return nil }
        return Int32(parsed.days)
    }
}

/// A date and time of day as written, with its zone offset.
struct CivilInstant {
    var days: Int64
    var microsecondOfDay: Int64 = 0
    var offsetSeconds: Int64 = 0

    init?(_ text: UnsafeRawBufferPointer) {
        guard let base = text.baseAddress else { return nil }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let (start, end) = trimmedSpaces(p, text.count)
        let s = p + start
        let n = end - start
        guard n >= 8 else { return nil }
        if s[2] == asciiPeriod {
            // dd.MM.yy or dd.MM.yyyy
            guard s[5] == asciiPeriod, n == 8 || n == 10, let day = digits(s, 0, 2), let month = digits(s, 3, 2),
                let year = n == 8 ? digits(s, 6, 2).map({ 2000 + $0 }) : digits(s, 6, 4),
                let days = Self.days(year: year, month: month, day: day)
            else { return nil }
            self.days = days
            return
        }
        guard n >= 10, s[4] == asciiMinus, s[7] == asciiMinus, let year = digits(s, 0, 4), let month = digits(s, 5, 2),
            let day = digits(s, 8, 2), let days = Self.days(year: year, month: month, day: day)
        else { return nil }
        self.days = days
        if n == 10 { return }
        // Time of day.
        guard n >= 16, s[10] == asciiUpperT || s[10] == asciiLowerT || s[10] == asciiSpace, let hour = digits(s, 11, 2),
            s[13] == asciiColon, let minute = digits(s, 14, 2), hour < 24, minute < 60
        else { return nil }
        var i = 16
        var second = 0
        if i < n && s[i] == asciiColon {
            guard let value = digits(s, i + 1, 2, limit: n), value < 60 else { return nil }
            second = value
            i += 3
        }
        var micros = 0
        if i < n && s[i] == asciiPeriod {
            i += 1
            let fractionStart = i
            var scale = 100_000
            while i < n && isDigit(s[i]) {
                micros += Int(s[i] &- asciiZero) * scale
                scale /= 10
                i += 1
            }
            guard i > fractionStart else { return nil }
        }
        microsecondOfDay = Int64(((hour * 60 + minute) * 60 + second) * 1_000_000 + micros)
        // Zone.
        if i == n { return }
        if (s[i] == asciiUpperZ || s[i] == UInt8(ascii: "z")) && i + 1 == n { return }
        guard s[i] == asciiPlus || s[i] == asciiMinus, let zoneHours = digits(s, i + 1, 2, limit: n), zoneHours < 24
        else { return nil }
        let sign = s[i] == asciiMinus ? -1 : 1
        i += 3
        var zoneMinutes = 0
        if i < n {
            if s[i] == asciiColon { i += 1 }
            guard let value = digits(s, i, 2, limit: n), value < 60, i + 2 == n else { return nil }
            zoneMinutes = value
        }
        offsetSeconds = Int64(sign * (zoneHours * 3600 + zoneMinutes * 60))
    }

    static func days(year: Int, month: Int, day: Int) -> Int64? {
        guard month >= 1 && month <= 12, day >= 1 && day <= CivilDate.daysInMonth(year: year, month: month) else {
            return nil
        }
        return CivilDate.toDays(year: year, month: month, day: day)
    }
}

/// The decimal value of `count` ASCII digits at `s[at...]`, or nil if any is not a digit or reaches `limit`.
@inline(__always)
private func digits(_ s: UnsafePointer<UInt8>, _ at: Int, _ count: Int, limit: Int = Int.max) -> Int? {
    guard at + count <= limit else { return nil }
    var value = 0
    for k in 0..<count {
        let d = s[at + k] &- asciiZero
        guard d < 10 else { return nil }
        value = value * 10 + Int(d)
    }
    return value
}
