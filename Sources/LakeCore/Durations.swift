/// Parses the CLI's durations and sizes (CONTRACT.md): `0s`, `90s`, `30m`, `12h`, `7d`; `512KB`, `128MB`, `1GB`
/// (powers of 1024; `KiB`, `MiB`, `GiB` and a bare byte count also accepted).
public enum Quantity {
    /// Seconds in a duration, or nil.
    public static func seconds(_ text: String) -> Double? {
        guard let unit = text.last, let value = Double(text.dropLast()), value >= 0 else { return nil }
        switch unit {
        case "s": return value
        case "m": return value * 60
        case "h": return value * 3600
        case "d": return value * 86_400
        default: return nil
        }
    }

    /// Bytes in a size, or nil.
    public static func bytes(_ text: String) -> Int64? {
        let upper = text.uppercased()
        let units: [(String, Int64)] = [("GIB", 1 << 30), ("MIB", 1 << 20), ("KIB", 1 << 10), ("GB", 1 << 30),
                                        ("MB", 1 << 20), ("KB", 1 << 10), ("G", 1 << 30), ("M", 1 << 20),
                                        ("K", 1 << 10), ("B", 1)]
        for (suffix, factor) in units where upper.hasSuffix(suffix) {
            guard let value = Double(upper.dropLast(suffix.count)), value > 0 else { return nil }
            return Int64(value * Double(factor))
        }
        return Int64(text).flatMap { $0 > 0 ? $0 : nil }
    }
}
