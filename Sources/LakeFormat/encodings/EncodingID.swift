/// The one-byte id that starts every encoded stream inside a page (FORMAT.md, "Encodings").
///
/// Integer streams (also booleans, validity, dictionary codes, lengths) use `0x00`–`0x0F`, text streams
/// `0x10`–`0x1F`, float64 streams `0x20`–`0x2F`. A reader that meets an id it does not know refuses the column.
enum EncodingID: UInt8, Sendable, CaseIterable {
    case plain = 0x00
    case varint = 0x01
    case constant = 0x02
    case bitPacked = 0x03
    case delta = 0x04
    case runLength = 0x05
    case dictionary = 0x06
    case textPlain = 0x10
    case textDictionary = 0x11
    case fsst = 0x12
    case longRange = 0x13
    /// Minor version 1.
    case digits = 0x14
    case floatBits = 0x20
    case floatScaled = 0x21

    /// The name used by `inspect`, FORMAT.md and the writer summary.
    var name: String {
        switch self {
        case .plain: return "plain"
        case .varint: return "varint"
        case .constant: return "constant"
        case .bitPacked: return "bitpack"
        case .delta: return "delta"
        case .runLength: return "rle"
        case .dictionary: return "dict"
        case .textPlain: return "plain"
        case .textDictionary: return "dict"
        case .fsst: return "fsst"
        case .longRange: return "lz"
        case .digits: return "digits"
        case .floatBits: return "bits"
        case .floatScaled: return "scaled"
        }
    }

    /// How many nested streams follow this encoding's own bytes, in order (the tree is stored preorder).
    var childCount: Int {
        switch self {
        case .plain, .varint, .constant, .bitPacked: return 0
        case .delta, .textPlain, .fsst, .floatBits, .floatScaled: return 1
        case .runLength, .dictionary, .textDictionary, .digits: return 2
        case .longRange: return 4
        }
    }
}

/// Renders a preorder list of encoding ids as trees, e.g. `["dict(plain(bitpack),bitpack)"]`; a page with
/// some NULLs has two trees, validity first.
func describeEncodingTrees(_ ids: [UInt8]) -> [String] {
    var index = 0
    var parts: [String] = []
    while index < ids.count { parts.append(describeNode(ids, &index)) }
    return parts
}

private func describeNode(_ ids: [UInt8], _ index: inout Int) -> String {
    guard index < ids.count else { return "?" }
    let raw = ids[index]
    index += 1
    guard let id = EncodingID(rawValue: raw) else { return "unknown(0x\(String(raw, radix: 16)))" }
    guard id.childCount > 0 else { return id.name }
    var children: [String] = []
    for _ in 0..<id.childCount { children.append(describeNode(ids, &index)) }
    return "\(id.name)(\(children.joined(separator: ",")))"
}
