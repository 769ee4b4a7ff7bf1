import Foundation
import LakeCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An element of an S3 XML answer: name (without namespace prefix), text and children. S3's documents are small
/// (a list page is at most 1,000 entries), so a tree is simpler than a streaming reader and costs little.
final class S3XMLElement {
    let name: String
    var text = ""
    var children: [S3XMLElement] = []

    init(name: String) { self.name = name }

    /// The first child named `name`.
    func child(_ name: String) -> S3XMLElement? { children.first { $0.name == name } }

    /// Every child named `name`.
    func children(_ name: String) -> [S3XMLElement] { children.filter { $0.name == name } }

    /// The text of the first child named `name`.
    func value(_ name: String) -> String? { child(name)?.text }

    /// Parses a document and returns its root element.
    /// - Throws: `LakeError(.serviceUnavailable)` naming `context` when the bytes are not XML (a proxy's HTML page).
    static func parse(_ bytes: [UInt8], context: String) throws -> S3XMLElement {
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            let snippet = String(decoding: bytes.prefix(200), as: UTF8.self)
            throw LakeError(.serviceUnavailable, "\(context): the answer is not the XML S3 sends "
                            + "(\(parser.parserError.map { "\($0)" } ?? "empty")): \(snippet)",
                            remedy: "check that the endpoint is an S3 service")
        }
        return root
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var root: S3XMLElement?
        var stack: [S3XMLElement] = []

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            let element = S3XMLElement(name: elementName)
            if let parent = stack.last { parent.children.append(element) } else { root = element }
            stack.append(element)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?) {
            _ = stack.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}

/// Dates in S3 answers: ISO 8601 in XML (`2009-10-12T17:50:30.000Z`), RFC 1123 in headers.
enum S3Dates {
    static func parseISO8601(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
