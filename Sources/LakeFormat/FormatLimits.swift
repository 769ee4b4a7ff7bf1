/// Constants of the file layout (FORMAT.md, "File layout" and "Limits").
enum FormatLimits {
    /// `BCOL`, the first and last four bytes of every file.
    static let magic: [UInt8] = [0x42, 0x43, 0x4F, 0x4C]
    /// The newest major version this code reads and writes. Version 2 is version 1 plus page codec 2 (zstd):
    /// a writer writes 2 exactly when some page uses zstd, 1 otherwise, so that files without zstd stay readable
    /// by version-1 readers.
    static let majorVersion: UInt8 = 2
    /// The first major version whose pages may use zstd.
    static let zstdMajorVersion: UInt8 = 2
    /// The newest minor version this code writes: 1 added encoding 0x14 (digits). A file is written with 1 only
    /// when a page uses it.
    static let minorVersion: UInt8 = 1
    /// Magic plus major version.
    static let headerSize = 5
    /// Footer length (u32), footer CRC-32 (u32), magic.
    static let trailerSize = 12
    /// Most rows a page may hold; bounds what a reader allocates for one page.
    static let maxPageRows = 65_536
    /// Most bytes a page may decode to (values, offsets and text together), 64 MiB.
    static let maxDecodedPageBytes = 64 << 20
    /// Deepest nesting of encodings a reader follows.
    static let maxNesting = 8
}
