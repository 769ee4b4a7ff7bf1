import Foundation
import LakeCore
import LakeFormat

/// `batchlake inspect`: a lone columnar file, no catalog needed.
public enum Inspection {
    /// Describes a columnar file (layout, encodings chosen per column, sizes, statistics); with `verify`, first
    /// decodes every page and checks every checksum. With `json`, one JSON document with a `"version"` key.
    /// - Throws: `LakeError(.corruptFile)` naming the file, column and row group of any damage.
    public static func describe(path: String, verify: Bool, json: Bool) throws -> String {
        let reader = try ColumnarReader(path: path)
        if verify { try reader.verify() }
        guard json else { return reader.describe(format: .text) }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var object = try JSONSerialization.jsonObject(with: encoder.encode(reader.fileDescription)) as? [String: Any] ?? [:]
        object["version"] = 1
        if verify { object["verified"] = true }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted,
                                                                                .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
