/// Ordering of values of one column type, for predicates and statistics. NULL compares with nothing.
extension Value {
    /// -1, 0 or 1 when both values are of comparable kinds; nil otherwise (or when either is NULL or NaN).
    public static func compare(_ a: Value, _ b: Value) -> Int? {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
        switch (a, b) {
        case (.bool(let x), .bool(let y)): return sign(x ? 1 : 0, y ? 1 : 0)
        case (.int(let x), .int(let y)): return sign(x, y)
        case (.timestamp(let x), .timestamp(let y)): return sign(x, y)
        case (.date(let x), .date(let y)): return sign(x, y)
        case (.text(let x), .text(let y)):
            // Byte order of UTF-8, which is code point order: the order of statistics and of sorted files.
            if x.utf8.elementsEqual(y.utf8) { return 0 }
            return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
        case (.decimal(let x, let s), .decimal(let y, let t)) where s == t: return sign(x, y)
        case (.double(let x), .double(let y)):
            guard !x.isNaN && !y.isNaN else { return nil }
            return sign(x, y)
        default: return nil
        }
    }
}
