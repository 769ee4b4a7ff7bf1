/// Canonical text of values, shared by CSV, scan output and warehouse loads so that every path prints a value
/// the same way: decimals with exactly their scale (`1715.19`), timestamps as `YYYY-MM-DD HH:MM:SS[.ffffff]+00`
/// (UTC; accepted by PostgreSQL, Redshift and DuckDB), dates as `YYYY-MM-DD`, booleans as `true`/`false`.
public enum ValueFormatter {
    /// The text of a value, or nil for NULL.
    public static func text(_ value: Value) -> String? {
        var out: [UInt8] = []
        switch value {
        case .null: return nil
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): appendDouble(d, to: &out)
        case .decimal(let v, let scale): appendDecimal(v, scale: scale, to: &out)
        case .timestamp(let t): appendTimestamp(t, to: &out)
        case .date(let d): appendDate(Int64(d), to: &out)
        case .text(let s): return s
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            appendUnsigned(value.magnitude, to: &out)
        } else {
            appendUnsigned(UInt64(value), to: &out)
        }
    }

    static func appendUnsigned(_ value: UInt64, to out: inout [UInt8]) {
        appendUnsigned(value, minimumDigits: 1, to: &out)
    }

    /// Decimal digits of `value`, left-padded with zeros to `minimumDigits` (at most 20). Writes into the output's
    /// spare capacity: no temporary array per call (CSV of a 500-row hour formats ~30,000 numbers).
    static func appendUnsigned(_ value: UInt64, minimumDigits: Int, to out: inout [UInt8]) {
        if value < 10 && minimumDigits <= 1 {
            out.append(UInt8(truncatingIfNeeded: value) &+ 48)
            return
        }
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        let width = max(count, min(minimumDigits, 20))
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        out.withUnsafeMutableBufferPointer { buffer in
            var v = value
            var i = start + width - 1
            repeat {
                buffer[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
                v /= 10
                i -= 1
            } while v > 0
        }
    }

    public static func appendDecimal(_ unscaled: Int64, scale: Int, to out: inout [UInt8]) {
        guard scale > 0 else { return appendInteger(unscaled, to: &out) }
        var divisor: UInt64 = 1
        for _ in 0..<scale { divisor *= 10 }
        let magnitude = unscaled.magnitude
        if unscaled < 0 { out.append(UInt8(ascii: "-")) }
        appendUnsigned(magnitude / divisor, to: &out)
        out.append(UInt8(ascii: "."))
        appendUnsigned(magnitude % divisor, minimumDigits: scale, to: &out)
    }

    public static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        if value.isNaN { out.append(contentsOf: "NaN".utf8); return }
        if value.isInfinite { out.append(contentsOf: (value < 0 ? "-Infinity" : "Infinity").utf8); return }
        if value == value.rounded(), abs(value) < 1e15 {
            appendInteger(Int64(value), to: &out)
            if value == 0 && value.sign == .minus { out.insert(UInt8(ascii: "-"), at: out.count - 1) }
            return
        }
        out.append(contentsOf: value.description.utf8)
    }

    public static func appendDate(_ days: Int64, to out: inout [UInt8]) {
        let (y, m, d) = CivilDate.fromDays(days)
        appendPadded(y, 4, &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(m, 2, &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(d, 2, &out)
    }

    public static func appendTimestamp(_ micros: Int64, to out: inout [UInt8]) {
        let seconds = floorDiv(micros, 1_000_000)
        let fraction = Int(micros - seconds * 1_000_000)
        let days = floorDiv(seconds, 86_400)
        var rest = Int(seconds - days * 86_400)
        appendDate(days, to: &out)
        out.append(UInt8(ascii: " "))
        appendPadded(rest / 3600, 2, &out)
        rest %= 3600
        out.append(UInt8(ascii: ":"))
        appendPadded(rest / 60, 2, &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(rest % 60, 2, &out)
        if fraction != 0 {
            var digits = 6
            var f = fraction
            while f % 10 == 0 { f /= 10; digits -= 1 }
            out.append(UInt8(ascii: "."))
            appendPadded(f, digits, &out)
        }
        out.append(contentsOf: "+00".utf8)
    }

    @inline(__always) static func appendPadded(_ value: Int, _ width: Int, _ out: inout [UInt8]) {
        appendUnsigned(UInt64(value), minimumDigits: width, to: &out)
    }
}
